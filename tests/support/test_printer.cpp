#include "support/test_printer.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

namespace odr::test {

namespace {

bool only_status_queries(const std::string& s) {
  if (s.empty() || s.size() % 3) return false;
  for (size_t i = 0; i < s.size(); i += 3)
    if (s[i] != 0x10 || s[i + 1] != 0x04) return false;
  return true;
}

int64_t mono_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

TestPrinter::TestPrinter() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error("test printer: socket");
  int one = 1, small = 4096;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);  // accepted sockets inherit it
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listen_fd_, 4) != 0)
    throw std::runtime_error("test printer: bind/listen");
  socklen_t len = sizeof a;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
  if (::pipe2(stop_pipe_, O_CLOEXEC) != 0) throw std::runtime_error("test printer: pipe");
  thread_ = std::thread([this] { run(); });
}

TestPrinter::~TestPrinter() {
  const char x = 1;
  [[maybe_unused]] ssize_t n = ::write(stop_pipe_[1], &x, 1);
  if (thread_.joinable()) thread_.join();
  for (int fd : {listen_fd_, stop_pipe_[0], stop_pipe_[1]})
    if (fd >= 0) ::close(fd);
}

void TestPrinter::set_status(unsigned char printer, unsigned char offline, unsigned char paper) {
  std::lock_guard<std::mutex> l(mu_);
  status_[1] = printer;
  status_[2] = offline;
  status_[3] = 0x12;
  status_[4] = paper;
}

void TestPrinter::answer_status(bool on) {
  std::lock_guard<std::mutex> l(mu_);
  answer_ = on;
}

void TestPrinter::stall_then_close(int ms) {
  std::lock_guard<std::mutex> l(mu_);
  stall_ms_ = ms;
}

std::vector<std::string> TestPrinter::connections() const {
  std::lock_guard<std::mutex> l(mu_);
  return connections_;
}

std::vector<std::string> TestPrinter::jobs() const {
  std::vector<std::string> out;
  for (const std::string& c : connections())
    if (!c.empty() && !only_status_queries(c)) out.push_back(c);
  return out;
}

bool TestPrinter::wait_for_jobs(size_t n, int timeout_ms) const {
  const int64_t until = mono_ms() + timeout_ms;
  while (mono_ms() < until) {
    if (jobs().size() >= n) return true;
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait_for(l, std::chrono::milliseconds(20));
  }
  return jobs().size() >= n;
}

void TestPrinter::run() {
  for (;;) {
    pollfd p[2] = {{listen_fd_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    if (::poll(p, 2, -1) < 0) continue;
    if (p[1].revents) return;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++accepted_;
    serve(fd);
    ::close(fd);
  }
}

// One connection until the kiosk closes it (or the stall ends it).
void TestPrinter::serve(int fd) {
  int stall;
  {
    std::lock_guard<std::mutex> l(mu_);
    stall = stall_ms_;
  }
  std::string got;
  if (stall > 0) {
    // Accepted, then silence; then the connection goes.
    pollfd p = {stop_pipe_[0], POLLIN, 0};
    ::poll(&p, 1, stall);
  } else {
    std::string pending;  // a DLE EOT split across reads
    for (;;) {
      pollfd p[2] = {{fd, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
      if (::poll(p, 2, -1) < 0) continue;
      if (p[1].revents) break;
      char buf[4096];
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n <= 0) break;
      got.append(buf, static_cast<size_t>(n));
      pending.append(buf, static_cast<size_t>(n));
      std::string answer;
      {
        std::lock_guard<std::mutex> l(mu_);
        for (size_t i = 0; i + 2 < pending.size(); ++i)
          if (pending[i] == 0x10 && pending[i + 1] == 0x04 && pending[i + 2] >= 1 && pending[i + 2] <= 4) {
            if (answer_) answer += static_cast<char>(status_[static_cast<int>(pending[i + 2])]);
            i += 2;
          }
        if (pending.size() > 2) pending.erase(0, pending.size() - 2);
      }
      if (!answer.empty()) [[maybe_unused]] ssize_t w = ::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL);
    }
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    connections_.push_back(got);
  }
  cv_.notify_all();
}

}  // namespace odr::test
