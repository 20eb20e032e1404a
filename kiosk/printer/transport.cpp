#include "printer/transport.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace odr::kiosk {

namespace {

int64_t mono_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1'000'000;
}

LinkResult fail(LinkError e, int err = 0) { return {e, err ? std::strerror(err) : ""}; }

LinkError error_of_errno(int err) {
  switch (err) {
    case ENOENT: case ENODEV: case ENXIO: case ENOTDIR: return LinkError::no_device;
    case ECONNREFUSED: case ENETUNREACH: case EHOSTUNREACH: case EADDRNOTAVAIL: return LinkError::refused;
    case EPIPE: case ECONNRESET: case ECONNABORTED: case ESHUTDOWN: return LinkError::closed;
    case ETIMEDOUT: return LinkError::timed_out;
    default: return LinkError::io;
  }
}

// A sockaddr for an IPv4 or IPv6 literal; false when host is neither.
bool socket_address(const std::string& host, int port, sockaddr_storage* sa, socklen_t* len) {
  std::memset(sa, 0, sizeof *sa);
  auto* v4 = reinterpret_cast<sockaddr_in*>(sa);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    *len = sizeof *v4;
    return true;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(sa);
  if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    *len = sizeof *v6;
    return true;
  }
  return false;
}

}  // namespace

std::string PrinterAddress::describe() const {
  return device.empty() ? host + ":" + std::to_string(port) : device;
}

const char* to_string(LinkError e) {
  switch (e) {
    case LinkError::none: return "ok";
    case LinkError::no_device: return "no device";
    case LinkError::refused: return "refused";
    case LinkError::timed_out: return "timed out";
    case LinkError::closed: return "closed by the printer";
    case LinkError::cancelled: return "cancelled";
    default: return "i/o error";
  }
}

PrinterLink::~PrinterLink() { close(); }

PrinterLink::PrinterLink(PrinterLink&& o) noexcept : fd_(o.fd_), cancel_(o.cancel_), socket_(o.socket_) { o.fd_ = -1; }

PrinterLink& PrinterLink::operator=(PrinterLink&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = o.fd_;
    cancel_ = o.cancel_;
    socket_ = o.socket_;
    o.fd_ = -1;
  }
  return *this;
}

void PrinterLink::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

LinkResult PrinterLink::wait(short events, int64_t deadline_ms) {
  for (;;) {
    const int64_t left = deadline_ms - mono_ms();
    if (left <= 0) return fail(LinkError::timed_out);
    pollfd p[2] = {{fd_, events, 0}, {cancel_, POLLIN, 0}};
    const int n = ::poll(p, cancel_ >= 0 ? 2 : 1, static_cast<int>(left));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(LinkError::io, errno);
    if (n == 0) continue;  // the loop's check ends it
    if (cancel_ >= 0 && p[1].revents) return fail(LinkError::cancelled);
    if (p[0].revents & POLLNVAL) return fail(LinkError::io, EBADF);
    return {};  // ready, or POLLERR/POLLHUP: the next call says which
  }
}

LinkResult PrinterLink::open(const PrinterAddress& a, int timeout_ms, int cancel) {
  close();
  cancel_ = cancel;
  const int64_t deadline = mono_ms() + timeout_ms;
  if (!a.device.empty()) {
    socket_ = false;
    fd_ = ::open(a.device.c_str(), O_RDWR | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd_ < 0 && (errno == EACCES || errno == EROFS || errno == EISDIR))
      fd_ = ::open(a.device.c_str(), O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);  // write-only: no status
    if (fd_ < 0) return fail(error_of_errno(errno), errno);
    return {};
  }
  sockaddr_storage sa;
  socklen_t len = 0;
  if (!socket_address(a.host, a.port, &sa, &len)) return fail(LinkError::refused, EADDRNOTAVAIL);
  socket_ = true;
  fd_ = ::socket(sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return fail(LinkError::io, errno);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&sa), len) == 0) return {};
  if (errno != EINPROGRESS) {
    const int err = errno;
    close();
    return fail(error_of_errno(err), err);
  }
  LinkResult r = wait(POLLOUT, deadline);
  int err = 0;
  socklen_t el = sizeof err;
  if (r.ok() && ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err != 0) r = fail(error_of_errno(err), err);
  if (!r.ok()) close();
  return r;
}

LinkResult PrinterLink::write_all(std::string_view bytes, int timeout_ms) {
  if (fd_ < 0) return fail(LinkError::closed);
  const int64_t deadline = mono_ms() + timeout_ms;
  size_t done = 0;
  while (done < bytes.size()) {
    const char* p = bytes.data() + done;
    const size_t left = bytes.size() - done;
    // MSG_NOSIGNAL: a closed connection is an error here, not a SIGPIPE.
    const ssize_t n = socket_ ? ::send(fd_, p, left, MSG_NOSIGNAL) : ::write(fd_, p, left);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return fail(error_of_errno(errno), errno);
    if (LinkResult r = wait(POLLOUT, deadline); !r.ok()) return r;
  }
  return {};
}

LinkResult PrinterLink::read_up_to(size_t n, int timeout_ms, std::string* out) {
  out->clear();
  if (fd_ < 0) return fail(LinkError::closed);
  const int64_t deadline = mono_ms() + timeout_ms;
  while (out->size() < n) {
    char buf[64];
    const size_t want = std::min(sizeof buf, n - out->size());
    const ssize_t got = ::read(fd_, buf, want);
    if (got > 0) {
      out->append(buf, static_cast<size_t>(got));
      continue;
    }
    if (got == 0) return fail(LinkError::closed);
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return fail(error_of_errno(errno), errno);
    LinkResult r = wait(POLLIN, deadline);
    if (r.error == LinkError::timed_out) return {};  // fewer bytes than asked: the caller counts
    if (!r.ok()) return r;
  }
  return {};
}

}  // namespace odr::kiosk
