// The frame loop's systemd supervision, against a real notify socket (the
// datagram socket systemd gives a Type=notify unit): READY=1 after the first
// frame, WATCHDOG=1 after later ones, and an idle screen still asks for a
// frame well inside the watchdog interval.
#include "platform/watchdog.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "support/temp.h"

namespace odr::kiosk {
namespace {

// systemd's side: a bound datagram socket, read with a time-out.
struct NotifySocket {
  int fd = -1;
  std::string path;
  explicit NotifySocket(const std::string& dir) : path(dir + "/notify.sock") {
    fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    path.copy(a.sun_path, sizeof a.sun_path - 1);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) ADD_FAILURE() << "bind " << path;
    timeval tv{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~NotifySocket() { ::close(fd); }
  std::string next() {
    char buf[512];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, size_t(n)) : std::string();
  }
};

struct Env {
  Env(const std::string& socket, const char* usec) {
    ::setenv("NOTIFY_SOCKET", socket.c_str(), 1);
    if (usec) ::setenv("WATCHDOG_USEC", usec, 1);
    else ::unsetenv("WATCHDOG_USEC");
  }
  ~Env() {
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
  }
};

TEST(Watchdog, ReadyAfterTheFirstFrameThenWatchdogPingsAndIdleFramesInsideTheInterval) {
  NotifySocket sock(test::fresh_dir("watchdog"));
  Env env(sock.path, "30000000");  // WatchdogSec=30
  LoopHooks hooks;
  int64_t now = 1'000'000;
  hooks.now_ms = [&] { return now; };
  hooks.deadline_ms = [] { return int64_t(0); };  // an idle welcome screen: no frame needed
  watch_frame_loop(hooks);

  hooks.after_frame();
  EXPECT_EQ(sock.next().rfind("READY=1", 0), 0u);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // pings at most once a second
  hooks.after_frame();
  EXPECT_EQ(sock.next(), "WATCHDOG=1");
  // Idle, the loop is still woken for a frame within a third of the interval.
  ASSERT_TRUE(hooks.deadline_ms);
  EXPECT_EQ(hooks.deadline_ms(), now + 10'000);
  // An earlier frame the app wants comes first.
  hooks.deadline_ms = [&] { return now + 500; };
  watch_frame_loop(hooks);
  EXPECT_EQ(hooks.deadline_ms(), now + 500);
}

TEST(Watchdog, OutsideSystemdNothingChanges) {
  ::unsetenv("NOTIFY_SOCKET");
  LoopHooks hooks;
  bool called = false;
  hooks.after_frame = [&] { called = true; };
  watch_frame_loop(hooks);
  EXPECT_FALSE(hooks.deadline_ms) << "no deadline added without systemd";
  hooks.after_frame();
  EXPECT_TRUE(called) << "the app's own hook still runs";
}

}  // namespace
}  // namespace odr::kiosk
