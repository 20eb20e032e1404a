// The real odr-kiosk under a private Xvfb, driven the way a finger drives it:
// XTest events through the X server, with real timing, and the screen read
// back from the X server (XGetImage of the root window), never from the
// app. Where things are comes from the kiosk's hit map (ODR_KIOSK_HITMAP,
// kiosk/testing/hitmap.h); what happened is checked on pixels, in the store
// and in the hit map's shown texts.
#pragma once
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "testing/xvfb.h"

typedef struct _XDisplay Display;

namespace odr::xtest {

struct Hit {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool enabled = false, selected = false;
  std::string text;
  int cx() const { return (x0 + x1) / 2; }
  int cy() const { return (y0 + y1) / 2; }
};

// One frame's hit map as the kiosk wrote it.
struct ScreenState {
  long long frame = 0;
  std::string step, overlay, focus, focus_kind;
  bool guard = false;
  Hit content;  // the scrolling content area
  std::map<std::string, Hit> hits;
  const Hit* find(const std::string& id) const {
    auto it = hits.find(id);
    return it == hits.end() ? nullptr : &it->second;
  }
};

struct Image {
  int w = 0, h = 0;
  std::vector<unsigned char> rgb;  // w * h * 3
  const unsigned char* at(int x, int y) const { return rgb.data() + (static_cast<size_t>(y) * w + x) * 3; }
  bool save_png(const std::string& path) const;
  // How many pixels differ between this and other inside a rectangle.
  long differing(const Image& other, int x0, int y0, int x1, int y1) const;
};

// What the QR codes in an image say (zbar).
std::vector<std::string> decode_qr(const Image& img);

struct KioskSetup {
  int width = 1920, height = 1080;
  std::string config_path;   // made by write_config
  std::string data_dir;
  std::vector<std::string> extra_args;
};

// A copy of config/kiosk.toml with "section.key" = value lines replaced (or added).
std::string write_config(const std::string& dir, const std::map<std::string, std::string>& overrides);

class RealKiosk {
 public:
  RealKiosk() = default;
  ~RealKiosk();
  RealKiosk(const RealKiosk&) = delete;
  RealKiosk& operator=(const RealKiosk&) = delete;

  // Starts Xvfb and odr-kiosk (windowed at the screen's size) and waits for
  // the welcome screen. False with *error when either cannot start.
  bool start(const KioskSetup& setup, std::string* error);
  void stop();  // SIGTERM, then SIGKILL after 5 s
  bool running();

  // --- what is on screen ---------------------------------------------------------
  ScreenState state() const;  // the latest hit map
  // Polls the hit map until pred holds; false after timeout.
  bool wait_for(const std::function<bool(const ScreenState&)>& pred, int timeout_ms);
  // (Generous times: a loaded 2-core machine draws a frame in 100 ms or more.)
  bool wait_visible(const std::string& id, int timeout_ms = 15000);
  bool wait_step(const std::string& step, int timeout_ms = 15000);
  // Waits until a frame newer than `after` is on screen.
  bool wait_frame_after(long long after, int timeout_ms = 3000);
  // id as now on screen, waiting for it to show; throws std::runtime_error when it never does.
  Hit hit(const std::string& id);
  Image screenshot() const;
  // Only a rectangle of the screen (fast enough to poll every few ms); the
  // image is the rectangle, at (0, 0).
  Image grab(int x0, int y0, int x1, int y1) const;
  // Waits until the screen has not changed for quiet_ms (all drawing settled).
  void settle(int quiet_ms = 300, int timeout_ms = 5000);

  // --- a finger ----------------------------------------------------------------------
  void move(int x, int y);
  void down();
  void up();
  // Press, hold for hold_ms, release: a tap as a finger makes it.
  void tap_at(int x, int y, int hold_ms = 60);
  // Taps the centre of id (waits up to 5 s for it); throws std::runtime_error when it never shows.
  void tap(const std::string& id, int hold_ms = 60);
  // Scrolls the content by finger until id is wholly inside it; throws when it never is.
  void reveal(const std::string& id);
  // A drag through points (screen coordinates), step_ms apart.
  void drag(const std::vector<std::pair<int, int>>& points, int step_ms = 16);
  // Types ASCII through the on-screen keyboard, one key every 1000/taps_per_s ms,
  // reading the key positions once (they do not move while typing).
  void type(const std::string& text, double taps_per_s = 4);

  // As another X client might: unmaps the kiosk's top-level window. False when none.
  bool unmap_window();

  const std::string& display() const { return x_.display(); }
  const std::string& hitmap_path() const { return hitmap_; }
  pid_t pid() const { return pid_; }
  std::string log() const;

 private:
  void flush();
  odr::kiosk::XvfbServer x_;
  Display* dpy_ = nullptr;
  pid_t pid_ = -1;
  std::string hitmap_, log_path_;
};

// Sleeps ms milliseconds.
void pause_ms(int ms);

}  // namespace odr::xtest
