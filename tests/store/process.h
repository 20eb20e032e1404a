// Child processes for the multi-process tests: fork + exec of a helper
// binary from ODR_BIN_DIR with its stdout on a pipe.
#pragma once
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

namespace odr::test {

inline std::string bin_path(const std::string& name) {
  const char* dir = std::getenv("ODR_BIN_DIR");
  return std::string(dir ? dir : ".") + "/" + name;
}

struct Child {
  pid_t pid = -1;
  int out = -1;  // read end of the child's stdout
};

inline Child spawn(const std::vector<std::string>& args) {
  int fds[2];
  if (::pipe(fds) != 0) return {};
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], 1);
    ::close(fds[0]);
    ::close(fds[1]);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  return {pid, fds[0]};
}

// Appends what the child writes until the deadline passes or it closes stdout.
// Returns false on end of file.
inline bool read_until(Child& c, std::string& buf, std::chrono::steady_clock::time_point deadline) {
  char tmp[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return true;
    pollfd p{c.out, POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r <= 0) continue;
    ssize_t n = ::read(c.out, tmp, sizeof tmp);
    if (n <= 0) return false;
    buf.append(tmp, static_cast<size_t>(n));
  }
}

inline void read_to_end(Child& c, std::string& buf) {
  char tmp[4096];
  ssize_t n;
  while ((n = ::read(c.out, tmp, sizeof tmp)) > 0) buf.append(tmp, static_cast<size_t>(n));
}

// Waits for the child; returns its wait status.
inline int reap(Child& c) {
  int status = 0;
  ::waitpid(c.pid, &status, 0);
  ::close(c.out);
  c.out = -1;
  return status;
}

// Complete lines only: a line cut by the kill was never reported.
inline std::vector<std::string> lines(const std::string& buf) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t nl; (nl = buf.find('\n', start)) != std::string::npos; start = nl + 1)
    out.push_back(buf.substr(start, nl - start));
  return out;
}

}  // namespace odr::test
