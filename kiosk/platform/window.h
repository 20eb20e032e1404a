// The thin platform layer: one GLFW window with an OpenGL 3.3 core context,
// Dear ImGui's OpenGL 3 renderer, and input fed to ImGui by us rather than by
// the GLFW backend, so that a touch's press and release that arrive in one
// wake-up still reach ImGui in two frames (ImGui 1.86 samples buttons once
// per frame and a Button fires on release). Nothing above this layer
// includes GLFW.
#pragma once
#include <imgui.h>
#include <imgui_internal.h>

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "platform/solid_runs.h"

struct GLFWwindow;

namespace odr::kiosk {

struct WindowOptions {
  bool fullscreen = true;  // on the primary monitor at its current mode
  int width = 1920, height = 1080;  // windowed mode
  std::string title = "odr-kiosk";
};

class Window {
 public:
  // nullptr with a message when there is no display or no OpenGL 3.3.
  static std::unique_ptr<Window> open(const WindowOptions& options, std::string* error);
  ~Window();
  Window(const Window&) = delete;
  Window& operator=(const Window&) = delete;

  ImVec2 size() const;  // framebuffer size in pixels
  void set_size(int width, int height);  // windowed mode: waits until the framebuffer has it

  // Waits for input up to timeout_s (< 0: until something happens; 0: no wait).
  void wait(double timeout_s);
  // Moves queued input into ImGui's io: pointer moves up to and including the
  // next button change. True when it moved anything.
  bool feed_input();
  bool input_pending() const { return !events_.empty(); }
  // The window was exposed again (another X client unmapped or covered it,
  // it was iconified and restored): what was drawn is gone. Clears the flag.
  bool take_exposed() {
    const bool e = exposed_;
    exposed_ = false;
    return e;
  }
  // Around ImGui::NewFrame ... ImGui::Render.
  void begin_frame();
  void end_frame(bool swap = true);
  // Redraws only region (the rest of the back buffer keeps the last frame,
  // as Mesa's software path copies the back buffer out rather than flipping).
  void end_frame_partial(const std::vector<ImRect>& regions);
  void swap();
  // The frame just rendered (before swap), RGBA rows top to bottom.
  std::vector<unsigned char> read_pixels(int* width, int* height) const;

  // Textures for the font atlases: 8-bit alpha shown as white with that alpha.
  static ImTextureID upload_alpha(const unsigned char* pixels, int width, int height);
  static void release_texture(ImTextureID tex);
  // Draws (off screen, not shown) what a real frame draws, so the software
  // renderer compiles its shaders now, while the fonts are still building,
  // and not during the first frame.
  void warm_up();
  // Wakes wait() from any thread.
  static void wake();
  // Input from a script (the tour) instead of the window.
  bool scripted = false;
  // The page background; the app does not paint it again.
  ImVec4 clear_color{0.95f, 0.96f, 0.97f, 1.0f};
  // Where each font texture's white texel is: shapes there are drawn
  // without the texture (platform/solid_runs.h). Unset: all drawn as ImGui does.
  WhiteUv white_uv;

 private:
  struct Event {
    enum Kind { move, button, scroll } kind;
    double x = 0, y = 0;
    bool down = false;
  };
  Window() = default;
  static void on_cursor(GLFWwindow* w, double x, double y);
  static void on_button(GLFWwindow* w, int button, int action, int mods);
  static void on_scroll(GLFWwindow* w, double dx, double dy);
  static void on_close(GLFWwindow* w);
  static void on_refresh(GLFWwindow* w);
  static void on_iconify(GLFWwindow* w, int iconified);

  GLFWwindow* window_ = nullptr;
  std::deque<Event> events_;
  double last_time_ = 0;
  // Where the pointer was at the last motion event handled: a button event
  // happened there. (glfwGetCursorPos asks the X server where the pointer is
  // now, which after a burst of queued taps is already the next key.)
  double pointer_x_ = -1, pointer_y_ = -1;
  bool finger_down_ = false;  // between a press and its release, as queued
  bool exposed_ = false;
  float scale_x_ = 1, scale_y_ = 1;  // window to framebuffer
};

}  // namespace odr::kiosk
