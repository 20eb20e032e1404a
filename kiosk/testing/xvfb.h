// A private Xvfb for UI tests and benchmarks of the real binary. Unlike
// `xvfb-run -a`, which races with other xvfb-runs started at the same moment
// (parallel CTest), it takes a display number far from xvfb-run's range,
// retries another when that one is taken, and waits for the X server's own
// readiness signal (SIGUSR1 to its parent) before returning.
#pragma once
#include <sys/types.h>

#include <string>

namespace odr::kiosk {

class XvfbServer {
 public:
  XvfbServer() = default;
  ~XvfbServer();
  XvfbServer(const XvfbServer&) = delete;
  XvfbServer& operator=(const XvfbServer&) = delete;
  // Starts Xvfb with one screen of width x height (24-bit). False with a message when it cannot.
  bool start(int width, int height, std::string* error);
  const std::string& display() const { return display_; }  // ":123"

 private:
  bool try_display(int n, int width, int height);
  pid_t pid_ = -1;
  std::string display_;
};

}  // namespace odr::kiosk
