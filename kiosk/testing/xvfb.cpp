#include "testing/xvfb.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <filesystem>

namespace odr::kiosk {

XvfbServer::~XvfbServer() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
}

bool XvfbServer::start(int width, int height, std::string* error) {
  for (int attempt = 0; attempt < 24; ++attempt) {
    // xvfb-run -a counts down from 99; stay well above it.
    const int n = 120 + (getpid() * 7 + attempt * 13) % 280;
    if (std::filesystem::exists("/tmp/.X" + std::to_string(n) + "-lock")) continue;
    if (try_display(n, width, height)) return true;
  }
  if (error) *error = "Xvfb did not start (is the xvfb package installed?)";
  return false;
}

bool XvfbServer::try_display(int n, int width, int height) {
  // Started with SIGUSR1 ignored, an X server sends SIGUSR1 to its parent
  // once it accepts connections.
  sigset_t usr1, old;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  sigprocmask(SIG_BLOCK, &usr1, &old);
  const std::string disp = ":" + std::to_string(n);
  const std::string screen = std::to_string(width) + "x" + std::to_string(height) + "x24";
  pid_ = fork();
  if (pid_ == 0) {
    signal(SIGUSR1, SIG_IGN);
    sigprocmask(SIG_SETMASK, &old, nullptr);
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    execlp("Xvfb", "Xvfb", disp.c_str(), "-screen", "0", screen.c_str(), "-nolisten", "tcp", "-noreset", nullptr);
    _exit(127);
  }
  bool ready = false;
  for (int i = 0; i < 300 && !ready && pid_ > 0; ++i) {  // up to 30 s
    timespec tick{0, 100'000'000};
    if (sigtimedwait(&usr1, nullptr, &tick) == SIGUSR1)
      ready = true;
    else if (waitpid(pid_, nullptr, WNOHANG) == pid_)
      pid_ = -1;  // it gave up: the number is taken
  }
  sigprocmask(SIG_SETMASK, &old, nullptr);
  if (!ready) {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    pid_ = -1;
    return false;
  }
  display_ = disp;
  return true;
}

}  // namespace odr::kiosk
