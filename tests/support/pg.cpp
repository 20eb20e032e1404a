#include "support/pg.h"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "support/process.h"
#include "support/temp.h"

namespace odr::test {

namespace {

std::string bin(const char* name) { return std::string(kPgBinDir) + "/" + name; }

// A Unix socket path holds at most 107 bytes ("/.s.PGSQL.5432" included).
std::string socket_dir(const std::string& dir) {
  if (dir.size() + 15 <= 100) return dir;
  char tmpl[] = "/tmp/odr-pg-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("cannot make a socket folder in /tmp");
  return tmpl;
}

}  // namespace

PgCluster::PgCluster(const std::string& name) : dir_(fresh_dir(name + "-pg")), socket_(socket_dir(dir_)) {
  if (::geteuid() == 0) {
    user_ = "nobody";
    for (const std::string& d : {dir_, socket_})
      if (run_program({"/bin/chown", user_, d}, "", 10'000) != 0) throw std::runtime_error("cannot chown " + d);
  }
  const std::string log = dir_ + "/setup.log";
  if (run_as_owner({bin("initdb"), "-D", dir_ + "/data", "-U", "odr", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8",
                    "--no-sync"},
                   kPgStartMs) != 0)
    throw std::runtime_error("initdb failed:\n" + read_file(log));
  // Socket only in our folder; fsync off: a test cluster never outlives a crash of the machine.
  std::string opts = "-c listen_addresses= -k " + socket_ + " -p 5432 -c fsync=off -c max_connections=60";
  // A benchmark's own settings (hub_bench: fsync back on, bigger buffers); later -c options win.
  if (const char* extra = std::getenv("ODR_TEST_PG_OPTIONS")) opts += std::string(" ") + extra;
  if (run_as_owner({bin("pg_ctl"), "start", "-D", dir_ + "/data", "-w", "-t", std::to_string(kPgStartMs / 1000), "-l",
                    dir_ + "/server.log", "-o", opts},
                   kPgStartMs + 5'000) != 0) {
    running_ = true;  // it may have started late: stop() cleans up
    const std::string why = read_file(log) + read_file(dir_ + "/server.log");
    stop();
    throw std::runtime_error("pg_ctl start failed:\n" + why);
  }
  running_ = true;
}

int PgCluster::run_as_owner(const std::vector<std::string>& argv, int timeout_ms) {
  std::vector<std::string> full;
  if (!user_.empty()) full = {"/usr/sbin/runuser", "-u", user_, "--"};
  full.insert(full.end(), argv.begin(), argv.end());
  return run_program(full, dir_ + "/setup.log", timeout_ms);
}

std::string PgCluster::conninfo(const std::string& db) const {
  return "host=" + socket_ + " port=5432 user=odr dbname=" + db + " connect_timeout=10";
}

std::string PgCluster::create_database(const std::string& name) {
  psql(conninfo(), "CREATE DATABASE " + name);
  return conninfo(name);
}

void PgCluster::stop() {
  if (!running_) return;
  running_ = false;
  if (run_as_owner({bin("pg_ctl"), "stop", "-D", dir_ + "/data", "-m", "fast", "-w", "-t",
                    std::to_string(kPgStopMs / 1000)},
                   kPgStopMs + 5'000) != 0) {
    // Still there: the postmaster's pid is the first line of its pid file.
    const long p = std::atol(read_file(dir_ + "/data/postmaster.pid").c_str());
    if (p > 1) ::kill(static_cast<pid_t>(p), SIGKILL);
  }
  if (socket_ != dir_) std::filesystem::remove_all(socket_);
  // The cluster's files go (tens of MB each; a suite of hub tests left
  // gigabytes); its server.log stays beside them for a failed test's reader.
  std::error_code ec;
  std::filesystem::remove_all(dir_ + "/data", ec);
}

std::string PgCluster::log() const { return read_file(dir_ + "/server.log"); }

std::string psql(const std::string& conninfo, const std::string& sql) {
  const std::string out = fresh_dir("psql") + "/out";
  const int rc = run_program({bin("psql"), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-c", sql}, out,
                             60'000);
  std::string text = read_file(out);
  std::filesystem::remove_all(std::filesystem::path(out).parent_path());
  if (rc != 0) throw std::runtime_error("psql failed (" + std::to_string(rc) + "): " + text);
  return trim(text);
}

}  // namespace odr::test
