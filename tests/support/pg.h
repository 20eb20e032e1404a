// A throwaway PostgreSQL cluster of a test's own (tests of odr-hub and what
// comes after it): initdb + pg_ctl from Debian's postgresql-15, in a fresh
// folder, on a Unix socket in that folder only (no TCP port; a folder whose
// path is too long for a socket gets a short one in /tmp), trust auth for
// the superuser "odr". When the test runs as root (CI does) the cluster runs
// as the unprivileged user nobody (initdb refuses root), through runuser.
// ODR_TEST_PG_OPTIONS adds server options after ours (benchmarks: fsync on).
// Every step is bounded in time; the destructor stops it (pg_ctl stop -m
// fast, then SIGKILL), also when the test failed.
//
//   odr::test::PgCluster pg("hub");              // throws with the cluster's log when it cannot start
//   std::string url = pg.create_database("hub");  // "host=DIR port=5432 user=odr dbname=hub"
//   odr::test::psql(url, "SELECT count(*) FROM complaints")  -> "3"
#pragma once
#include <string>
#include <vector>

namespace odr::test {

inline constexpr const char* kPgBinDir = "/usr/lib/postgresql/15/bin";
inline constexpr int kPgStartMs = 60'000;  // generous: a busy 2-core machine
inline constexpr int kPgStopMs = 30'000;

class PgCluster {
 public:
  explicit PgCluster(const std::string& name);
  ~PgCluster() { stop(); }
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  // CREATE DATABASE name; returns its libpq connection string.
  std::string create_database(const std::string& name);
  std::string conninfo(const std::string& db = "postgres") const;
  // pg_ctl stop -m fast (bounded), then SIGKILL of the postmaster, then its
  // data folder is removed (server.log is kept); idempotent.
  void stop();
  const std::string& dir() const { return dir_; }
  std::string log() const;  // the server's log

 private:
  // argv run as the cluster's user (runuser -u nobody when root); its exit code.
  int run_as_owner(const std::vector<std::string>& argv, int timeout_ms);

  std::string dir_;     // fresh_dir: data/, logs and (when short enough) the socket
  std::string socket_;  // the socket's folder: dir_, or a mkdtemp in /tmp
  std::string user_;  // "" when not root: the test's own user
  bool running_ = false;
};

// Runs one SQL statement with psql (-At: unaligned, tuples only) and returns
// its output without the trailing newline. Throws with psql's message on failure.
std::string psql(const std::string& conninfo, const std::string& sql);

}  // namespace odr::test
