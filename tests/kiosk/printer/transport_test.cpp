// The printer link on real sockets (127.0.0.1) and a real character device
// (a pseudo-terminal in raw mode, as /dev/usb/lp0 would be): every byte
// arrives, status answers come back, and each way a printer can fail ends
// by its time-out or at once: refused, no device, a full accept queue (no
// answer to connect), a stall, a stall then close, a cancel.
#include "printer/transport.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "receipt/status.h"
#include "support/test_printer.h"

using namespace odr;
using namespace odr::kiosk;

namespace {

double since_s(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

PrinterAddress at(int port) { return {"", "127.0.0.1", port}; }

// A port nothing listens on: bound, then let go.
int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// A pseudo-terminal in raw mode: a character device the test holds the other end of.
struct Pty {
  int master = -1, slave = -1;
  std::string path;
  Pty() {
    master = ::posix_openpt(O_RDWR | O_NOCTTY);
    ::grantpt(master);
    ::unlockpt(master);
    path = ::ptsname(master);
    slave = ::open(path.c_str(), O_RDWR | O_NOCTTY);  // held open: the raw settings stay
    termios t{};
    ::tcgetattr(slave, &t);
    ::cfmakeraw(&t);
    ::tcsetattr(slave, TCSANOW, &t);
  }
  ~Pty() {
    ::close(slave);
    ::close(master);
  }
  std::string read_master(size_t n, int timeout_ms) {
    std::string out;
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    ::fcntl(master, F_SETFL, O_NONBLOCK);
    while (out.size() < n && std::chrono::steady_clock::now() < until) {
      char buf[4096];
      ssize_t got = ::read(master, buf, sizeof buf);
      if (got > 0) out.append(buf, static_cast<size_t>(got));
      else std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return out;
  }
};

std::string big(size_t n) {
  std::string s(n, 'x');
  for (size_t i = 0; i < n; i += 64) s[i] = '\n';
  return s;
}

}  // namespace

TEST(PrinterLink, TcpCarriesEveryByteAndTheStatusAnswer) {
  test::TestPrinter printer;
  printer.set_paper_low();
  PrinterLink link;
  ASSERT_TRUE(link.open(at(printer.port()), 3000).ok());
  const std::string job = "\x1b@hello printer\n" + big(200'000);
  ASSERT_TRUE(link.write_all(job, 10'000).ok());
  ASSERT_TRUE(link.write_all(status_query(), 1000).ok());
  std::string reply;
  ASSERT_TRUE(link.read_up_to(kStatusReplyBytes, 3000, &reply).ok());
  EXPECT_EQ(health_from_status(reply), PrinterHealth::paper_low);
  link.close();
  ASSERT_TRUE(printer.wait_for_jobs(1, 10'000));
  EXPECT_EQ(printer.jobs()[0], job + std::string(status_query()));
}

TEST(PrinterLink, RefusedAndNoDeviceAreToldAtOnce) {
  PrinterLink link;
  auto t0 = std::chrono::steady_clock::now();
  LinkResult r = link.open(at(free_port()), 3000);
  EXPECT_EQ(r.error, LinkError::refused) << r.detail;
  r = link.open({"/nonexistent/usb/lp0", "", 0}, 3000);
  EXPECT_EQ(r.error, LinkError::no_device) << r.detail;
  EXPECT_LT(since_s(t0), 2.5) << "neither waits for the time-out";
  EXPECT_FALSE(link.is_open());
  std::string got;
  EXPECT_EQ(link.write_all("x", 100).error, LinkError::closed);
  EXPECT_EQ(link.read_up_to(1, 100, &got).error, LinkError::closed);
}

TEST(PrinterLink, ConnectThatNeverCompletesEndsByItsTimeOut) {
  // A listener that never accepts, with its queue full: the kernel drops
  // further SYNs, so connect() gets no answer at all.
  int l = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(l, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(l, 0), 0);
  socklen_t len = sizeof a;
  ::getsockname(l, reinterpret_cast<sockaddr*>(&a), &len);
  const int port = ntohs(a.sin_port);
  std::vector<PrinterLink> fillers(4);
  for (auto& f : fillers) f.open(at(port), 300);  // fill the accept queue (the later ones time out)
  PrinterLink link;
  auto t0 = std::chrono::steady_clock::now();
  LinkResult r = link.open(at(port), 700);
  const double took = since_s(t0);
  EXPECT_EQ(r.error, LinkError::timed_out) << r.detail;
  EXPECT_GE(took, 0.6);
  EXPECT_LT(took, 5.0);
  ::close(l);
}

TEST(PrinterLink, StalledPrinterEndsTheWriteByItsTimeOut) {
  test::TestPrinter printer;
  printer.stall_then_close(30'000);
  PrinterLink link;
  ASSERT_TRUE(link.open(at(printer.port()), 3000).ok());
  auto t0 = std::chrono::steady_clock::now();
  LinkResult r = link.write_all(big(16 << 20), 800);
  const double took = since_s(t0);
  EXPECT_EQ(r.error, LinkError::timed_out);
  EXPECT_GE(took, 0.7);
  EXPECT_LT(took, 5.0) << "bounded by the write time-out, not by the printer";
  std::string got;
  t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(link.read_up_to(3, 500, &got).ok());
  EXPECT_TRUE(got.empty()) << "no answer is not an error, just nothing";
  EXPECT_LT(since_s(t0), 4.0);
}

TEST(PrinterLink, StallThenCloseIsClosedNotAHang) {
  test::TestPrinter printer;
  printer.stall_then_close(500);
  PrinterLink link;
  ASSERT_TRUE(link.open(at(printer.port()), 3000).ok());
  auto t0 = std::chrono::steady_clock::now();
  LinkResult r = link.write_all(big(16 << 20), 30'000);
  const double took = since_s(t0);
  EXPECT_EQ(r.error, LinkError::closed) << r.detail;
  EXPECT_GE(took, 0.4);
  EXPECT_LT(took, 10.0) << "ends when the printer closes, long before the time-out";
}

TEST(PrinterLink, CancelEndsAWaitAtOnce) {
  test::TestPrinter printer;
  printer.stall_then_close(30'000);
  int cancel[2];
  ASSERT_EQ(::pipe(cancel), 0);
  PrinterLink link;
  ASSERT_TRUE(link.open(at(printer.port()), 3000, cancel[0]).ok());
  std::thread later([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    [[maybe_unused]] ssize_t n = ::write(cancel[1], "x", 1);
  });
  auto t0 = std::chrono::steady_clock::now();
  LinkResult r = link.write_all(big(16 << 20), 60'000);
  const double took = since_s(t0);
  later.join();
  EXPECT_EQ(r.error, LinkError::cancelled);
  EXPECT_LT(took, 5.0);
  ::close(cancel[0]);
  ::close(cancel[1]);
}

TEST(PrinterLink, DeviceFileCarriesBytesBothWays) {
  Pty pty;
  PrinterLink link;
  ASSERT_TRUE(link.open({pty.path, "", 0}, 1000).ok());
  const std::string job = "\x1b@\x1c&receipt\n";
  ASSERT_TRUE(link.write_all(job, 2000).ok());
  EXPECT_EQ(pty.read_master(job.size(), 3000), job);
  // The printer answers a status query.
  ASSERT_TRUE(link.write_all(status_query(), 1000).ok());
  EXPECT_EQ(pty.read_master(status_query().size(), 3000), std::string(status_query()));
  ASSERT_EQ(::write(pty.master, "\x12\x12\x72", 3), 3);
  std::string reply;
  ASSERT_TRUE(link.read_up_to(3, 3000, &reply).ok());
  EXPECT_EQ(health_from_status(reply), PrinterHealth::paper_out);
}

TEST(PrinterLink, StalledDeviceEndsTheWriteByItsTimeOut) {
  Pty pty;  // nobody reads the other end: the device's buffer fills
  PrinterLink link;
  ASSERT_TRUE(link.open({pty.path, "", 0}, 1000).ok());
  auto t0 = std::chrono::steady_clock::now();
  LinkResult r = link.write_all(big(4 << 20), 700);
  EXPECT_EQ(r.error, LinkError::timed_out) << r.detail;
  EXPECT_LT(since_s(t0), 5.0);
}
