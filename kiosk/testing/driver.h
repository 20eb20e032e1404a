// Drives the kiosk the way a finger does: taps on widget ids (finger down
// one frame, up the next, as the GLFW pointer emulation of a touchscreen
// delivers it), typing through the on-screen keyboard's keys, drags for the
// handwriting pad. Works on any frame function: HeadlessDriver runs the
// screens in an ImGui context without a window (the UI tests); the tour runs
// the real window (odr-kiosk --tour).
#pragma once
#include <imgui.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "app/app.h"

namespace odr::kiosk {

class DriverError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Driver {
 public:
  // frame: one whole frame (NewFrame, App::frame, Render) with the input the
  // driver has put into ImGui's io.
  Driver(App* app, std::function<void()> frame) : app_(app), frame_(std::move(frame)) {}
  virtual ~Driver() = default;

  App& app() { return *app_; }
  void frame();
  void frames(int n);

  // The rectangle of id in the last frame (null: not on screen).
  const HitRect* find(std::string_view id) const;
  bool visible(std::string_view id) const { return find(id) != nullptr; }
  bool enabled(std::string_view id) const;
  bool selected(std::string_view id) const;
  // Taps id; throws DriverError when it is not on screen. A disabled target
  // is tapped all the same (nothing should happen: tests check that).
  void tap(std::string_view id);
  // Holds the finger on id for a number of frames, then lifts it.
  void press(std::string_view id, int frames);
  // Types text through the keyboard keys (ABC / 123 modes, or the keypad
  // for digit fields). Latin letters, digits, ASCII punctuation, space, '\n'.
  void type(std::string_view text);
  // A drag over id through points relative to its top-left corner, one
  // frame per point (the handwriting pad).
  void drag(std::string_view id, const std::vector<ImVec2>& points);
  // Taps at a screen position (not a widget): e.g. empty space.
  void tap_at(ImVec2 pos);
  // Scrolls the screen's content by finger drags until id is fully on
  // screen; throws DriverError when it never shows.
  void reveal(std::string_view id);
  // A finger drag from a to b (screen positions), one frame per step.
  void swipe(ImVec2 a, ImVec2 b, int steps = 8);
  // Frames until a new screen's tap guard is over (every tap does this first).
  void settle();
  // The bare finger, with no waiting for a guard: a press or lift on a spot
  // with no widget, and a quick tap (down, up) as a fast double tap's second.
  void finger(ImVec2 pos, bool down) { mouse(pos, down); }
  void quick_tap(ImVec2 at);

 protected:
  void mouse(ImVec2 pos, bool down);
  App* app_;
  std::function<void()> frame_;
};

// The screens in a headless ImGui context: fonts built (UI strings, and GB
// 2312 when asked), DisplaySize set, NewFrame/Render without a backend.
struct HeadlessOptions {
  KioskConfig config;
  std::string assets_dir;                // empty: find_assets_dir("")
  ImVec2 display{1920, 1080};
  Store* store = nullptr;
  std::function<int64_t()> clock_ms;      // empty: the system clock
  bool full_fonts = false;                // wait for GB 2312 (slower; the bench)
  input::PinyinInput* pinyin = nullptr;
  input::HandwritingInput* handwriting = nullptr;
  std::function<void()> on_staff_gesture;  // the 3-second corner press (staff mode's tests)
  double tap_guard_s = 0.5;
  ReceiptPrinter* printer = nullptr;      // the receipt printer (null: none configured)
  // Read-aloud (AppEnv::say, silence): tests record what would be said.
  std::function<void(const std::string& text, const std::string& locale)> say;
  std::function<void()> silence;
};

class HeadlessDriver : public Driver {
 public:
  explicit HeadlessDriver(HeadlessOptions options);
  ~HeadlessDriver() override;
  void set_display(ImVec2 size);
  FontAtlases& fonts() { return *fonts_; }
  I18n& i18n() { return *i18n_; }
  // ImGui's draw data of the last frame (the bench counts vertices).
  ImDrawData* draw_data() { return ImGui::GetDrawData(); }

 private:
  void headless_frame();
  HeadlessOptions options_;
  std::unique_ptr<I18n> i18n_;
  std::unique_ptr<FontAtlases> fonts_;
  ImGuiContext* ctx_ = nullptr;
  std::unique_ptr<App> app_holder_;
};

}  // namespace odr::kiosk
