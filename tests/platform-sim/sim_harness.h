// Starts the real platform-sim binary on 127.0.0.1 with a free port, for
// tests of the simulator and of the sync engine. Header-only so any test can
// include it: #include "../platform-sim/sim_harness.h".
//
//   auto dir = sim_harness::fresh_dir("my-test");         // ODR_TEST_TMP/my-test-<pid>-<n>
//   sim_harness::dev_setup(dir);                           // ca.pem, kiosk.key, kiosks.json, ...
//   sim_harness::SimProcess sim(dir, {"--accept-after-ms", "100"});
//   sim.base_url()  -> "https://127.0.0.1:PORT/odr/v1"
//   sim.stop();     // SIGTERM, then SIGKILL after 10 s; also in the destructor
//
// The simulator's stderr goes to dir/platform-sim.log (one line per request).
#pragma once
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace sim_harness {

inline std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

inline std::string binary() { return env_or("ODR_BIN_DIR", ".") + std::string("/platform-sim"); }

// A new empty folder under ODR_TEST_TMP (or /tmp), unique per process and call,
// so tests run in parallel without sharing files.
inline std::string fresh_dir(const std::string& name) {
  static std::atomic<int> n{0};
  std::filesystem::path p = std::filesystem::path(env_or("ODR_TEST_TMP", "/tmp")) /
                            (name + "-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p.string();
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs argv (argv[0] a path) to completion; returns the exit status (or -1).
// Output goes to out_file when given.
inline int run(const std::vector<std::string>& argv, const std::string& out_file = "") {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (!out_file.empty()) {
    posix_spawn_file_actions_addopen(&fa, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// `platform-sim dev-setup --dir dir [extra...]`; throws when it fails.
inline void dev_setup(const std::string& dir, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv = {binary(), "dev-setup", "--dir", dir};
  argv.insert(argv.end(), extra.begin(), extra.end());
  if (run(argv, dir + "/dev-setup.log") != 0)
    throw std::runtime_error("platform-sim dev-setup failed: " + read_text(dir + "/dev-setup.log"));
}

inline std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

class SimProcess {
 public:
  // Starts `platform-sim --dir dir --port 0 --port-file ...` plus extra flags
  // and waits (up to 10 s) until it listens. Throws when it does not start.
  SimProcess(const std::string& dir, const std::vector<std::string>& extra = {}) : dir_(dir) {
    std::string port_file = dir + "/port-" + std::to_string(counter()++);
    std::filesystem::remove(port_file);
    log_ = dir + "/platform-sim.log";
    std::vector<std::string> argv = {binary(), "--dir", dir, "--port", "0", "--port-file", port_file};
    argv.insert(argv.end(), extra.begin(), extra.end());
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    int rc = posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) throw std::runtime_error("cannot start " + binary());
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      std::string p = trim(read_text(port_file));
      if (!p.empty()) {
        port_ = std::stoi(p);
        return;
      }
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        throw std::runtime_error("platform-sim exited at start (" + std::to_string(exit_status_) +
                                 "): " + read_text(log_));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    stop();
    throw std::runtime_error("platform-sim did not start within 10 s: " + read_text(log_));
  }
  ~SimProcess() { stop(); }
  SimProcess(const SimProcess&) = delete;
  SimProcess& operator=(const SimProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string origin(const std::string& host = "127.0.0.1") const {
    return "https://" + host + ":" + std::to_string(port_);
  }
  std::string base_url(const std::string& host = "127.0.0.1") const { return origin(host) + "/odr/v1"; }
  std::string log() const { return read_text(log_); }

  // SIGTERM and wait; SIGKILL after 10 s. Returns the exit status (-1: killed).
  int stop() {
    if (pid_ <= 0) return exit_status_;
    ::kill(pid_, SIGTERM);
    int status = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (true) {
      pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_) break;
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    pid_ = -1;
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return exit_status_;
  }

 private:
  static std::atomic<int>& counter() {
    static std::atomic<int> c{0};
    return c;
  }
  std::string dir_, log_;
  pid_t pid_ = -1;
  int port_ = 0;
  int exit_status_ = -1;
};

}  // namespace sim_harness
