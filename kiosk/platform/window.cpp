#include "platform/window.h"

#define GLFW_INCLUDE_NONE
#include <GL/gl.h>
#include <GL/glext.h>
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_opengl3.h>

#include <cstdint>
#include <cstring>
#include <cstdio>
#include <cstdlib>

namespace odr::kiosk {

namespace {

std::string g_glfw_error;
void on_glfw_error(int code, const char* text) { g_glfw_error = std::to_string(code) + ": " + (text ? text : ""); }

}  // namespace

std::unique_ptr<Window> Window::open(const WindowOptions& options, std::string* error) {
  glfwSetErrorCallback(on_glfw_error);
  if (!glfwInit()) {
    if (error) *error = "cannot open the display (" + g_glfw_error + "); is DISPLAY set?";
    return nullptr;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  // Without a window manager a fullscreen window that loses focus would
  // iconify and leave the shopper looking at nothing.
  glfwWindowHint(GLFW_AUTO_ICONIFY, GLFW_FALSE);
  glfwWindowHint(GLFW_RESIZABLE, options.fullscreen ? GLFW_FALSE : GLFW_TRUE);
  glfwWindowHint(GLFW_DOUBLEBUFFER, GLFW_TRUE);

  GLFWmonitor* monitor = nullptr;
  int w = options.width, h = options.height;
  if (options.fullscreen) {
    monitor = glfwGetPrimaryMonitor();
    if (const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr) {
      w = mode->width;
      h = mode->height;
    }
  }
  GLFWwindow* gw = glfwCreateWindow(w, h, options.title.c_str(), monitor, nullptr);
  if (!gw) {
    if (error) *error = "cannot create an OpenGL 3.3 window (" + g_glfw_error + ")";
    glfwTerminate();
    return nullptr;
  }
  std::unique_ptr<Window> win(new Window());
  win->window_ = gw;
  glfwSetWindowUserPointer(gw, win.get());
  glfwMakeContextCurrent(gw);
  glfwSwapInterval(1);
  glfwSetCursorPosCallback(gw, on_cursor);
  glfwSetMouseButtonCallback(gw, on_button);
  glfwSetScrollCallback(gw, on_scroll);
  glfwSetWindowCloseCallback(gw, on_close);
  glfwSetWindowRefreshCallback(gw, on_refresh);
  glfwSetWindowIconifyCallback(gw, on_iconify);
  // A touch kiosk shows no pointer.
  if (options.fullscreen) glfwSetInputMode(gw, GLFW_CURSOR, GLFW_CURSOR_HIDDEN);
  if (!ImGui_ImplOpenGL3_Init("#version 330 core")) {
    if (error) *error = "the OpenGL 3 renderer could not start";
    return nullptr;
  }
  // The renderer's own RGBA font texture is replaced by ours (alpha only).
  ImGui_ImplOpenGL3_CreateDeviceObjects();
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  win->last_time_ = glfwGetTime();
  return win;
}

Window::~Window() {
  if (!window_) return;
  release_run_programs();
  ImGui_ImplOpenGL3_Shutdown();
  glfwDestroyWindow(window_);
  glfwTerminate();
}

ImVec2 Window::size() const {
  int w = 0, h = 0;
  glfwGetFramebufferSize(window_, &w, &h);
  return ImVec2(static_cast<float>(w), static_cast<float>(h));
}

void Window::set_size(int width, int height) {
  glfwSetWindowSize(window_, width, height);
  for (int i = 0; i < 200; ++i) {
    glfwWaitEventsTimeout(0.01);
    ImVec2 s = size();
    if (static_cast<int>(s.x) == width && static_cast<int>(s.y) == height) break;
  }
}

// Alt+F4 or a window manager's close button: a shopper cannot close the kiosk.
void Window::on_close(GLFWwindow* w) { glfwSetWindowShouldClose(w, GLFW_FALSE); }

// Exposed again: draw at once, not at the next touch.
void Window::on_refresh(GLFWwindow* w) { static_cast<Window*>(glfwGetWindowUserPointer(w))->exposed_ = true; }

// Nothing but the kiosk belongs on this screen: whoever iconified it, it comes back.
void Window::on_iconify(GLFWwindow* w, int iconified) {
  if (iconified) glfwRestoreWindow(w);
  static_cast<Window*>(glfwGetWindowUserPointer(w))->exposed_ = true;
}

void Window::on_cursor(GLFWwindow* w, double x, double y) {
  auto* self = static_cast<Window*>(glfwGetWindowUserPointer(w));
  self->pointer_x_ = x;
  self->pointer_y_ = y;
  // Consecutive moves collapse into one while no finger is down (only the
  // last position matters); during a drag each keeps its place, or a stroke
  // on the handwriting pad loses its shape on a slow frame.
  if (!self->finger_down_ && !self->events_.empty() && self->events_.back().kind == Event::move) {
    self->events_.back().x = x;
    self->events_.back().y = y;
    return;
  }
  self->events_.push_back(Event{Event::move, x, y, false});
}

void Window::on_button(GLFWwindow* w, int button, int action, int) {
  if (button != GLFW_MOUSE_BUTTON_LEFT) return;
  auto* self = static_cast<Window*>(glfwGetWindowUserPointer(w));
  if (self->pointer_x_ < 0) glfwGetCursorPos(w, &self->pointer_x_, &self->pointer_y_);  // no motion seen yet
  self->finger_down_ = action == GLFW_PRESS;
  self->events_.push_back(Event{Event::button, self->pointer_x_, self->pointer_y_, action == GLFW_PRESS});
}

void Window::on_scroll(GLFWwindow* w, double, double dy) {
  auto* self = static_cast<Window*>(glfwGetWindowUserPointer(w));
  self->events_.push_back(Event{Event::scroll, 0, dy, false});
}

void Window::wait(double timeout_s) {
  if (timeout_s < 0)
    glfwWaitEvents();
  else if (timeout_s == 0)
    glfwPollEvents();
  else
    glfwWaitEventsTimeout(timeout_s);
  // Another X client may unmap the window (GLFW has no callback for that, but
  // the UnmapNotify wakes us): map it again and redraw, or the screen stays black.
  if (timeout_s != 0 && !glfwGetWindowAttrib(window_, GLFW_VISIBLE)) {
    glfwShowWindow(window_);
    exposed_ = true;
  }
}

bool Window::feed_input() {
  if (scripted || events_.empty()) {
    events_.clear();
    return false;
  }
  ImGuiIO& io = ImGui::GetIO();
  int w = 0, h = 0, fw = 0, fh = 0;
  glfwGetWindowSize(window_, &w, &h);
  glfwGetFramebufferSize(window_, &fw, &fh);
  const float sx = w > 0 ? static_cast<float>(fw) / w : 1.0f, sy = h > 0 ? static_cast<float>(fh) / h : 1.0f;
  while (!events_.empty()) {
    Event e = events_.front();
    events_.pop_front();
    if (e.kind == Event::scroll) {
      io.MouseWheel += static_cast<float>(e.y);
      continue;
    }
    io.MousePos = ImVec2(static_cast<float>(e.x) * sx, static_cast<float>(e.y) * sy);
    if (e.kind == Event::button) {
      io.MouseDown[0] = e.down;
      break;  // one button change per frame
    }
    if (io.MouseDown[0]) break;  // a drag: each point in its own frame
  }
  return true;
}

void Window::begin_frame() {
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = size();
  io.DisplayFramebufferScale = ImVec2(1, 1);
  double now = glfwGetTime();
  io.DeltaTime = static_cast<float>(std::max(1e-4, now - last_time_));
  last_time_ = now;
  ImGui_ImplOpenGL3_NewFrame();
}

void Window::end_frame(bool swap) {
  ImVec2 s = size();
  glViewport(0, 0, static_cast<int>(s.x), static_cast<int>(s.y));
  glClearColor(clear_color.x, clear_color.y, clear_color.z, clear_color.w);
  glClear(GL_COLOR_BUFFER_BIT);
  split_solid_runs(ImGui::GetDrawData(), white_uv, prepare_run);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  if (swap) glfwSwapBuffers(window_);
}

std::vector<unsigned char> Window::read_pixels(int* width, int* height) const {
  ImVec2 s = size();
  const int w = static_cast<int>(s.x), h = static_cast<int>(s.y);
  std::vector<unsigned char> px(static_cast<size_t>(w) * h * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
  // GL's rows start at the bottom.
  const size_t row = static_cast<size_t>(w) * 4;
  std::vector<unsigned char> tmp(row);
  for (int y = 0; y < h / 2; ++y) {
    unsigned char* a = px.data() + y * row;
    unsigned char* b = px.data() + (h - 1 - y) * row;
    memcpy(tmp.data(), a, row);
    memcpy(a, b, row);
    memcpy(b, tmp.data(), row);
  }
  *width = w;
  *height = h;
  return px;
}

ImTextureID Window::upload_alpha(const unsigned char* pixels, int width, int height) {
  GLint last = 0;
  glGetIntegerv(GL_TEXTURE_BINDING_2D, &last);
  GLuint tex = 0;
  glGenTextures(1, &tex);
  glBindTexture(GL_TEXTURE_2D, tex);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  // One byte per texel (a quarter of ImGui's RGBA upload): the shader sees
  // white with the glyph's coverage as alpha.
  const GLint swizzle[4] = {GL_ONE, GL_ONE, GL_ONE, GL_RED};
  glTexParameteriv(GL_TEXTURE_2D, GL_TEXTURE_SWIZZLE_RGBA, swizzle);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, width, height, 0, GL_RED, GL_UNSIGNED_BYTE, pixels);
  glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(last));
  return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(tex));
}

void Window::release_texture(ImTextureID tex) {
  GLuint t = static_cast<GLuint>(reinterpret_cast<intptr_t>(tex));
  if (t) glDeleteTextures(1, &t);
}

void Window::warm_up() {
  static const unsigned char texel = 255;
  ImTextureID tex = upload_alpha(&texel, 1, 1);
  ImDrawList dl(ImGui::GetDrawListSharedData());
  dl._ResetForNewFrame();
  const ImVec2 s = size();
  dl.PushClipRect(ImVec2(0, 0), s);
  dl.PushTextureID(tex);
  // Square corners: the shared data's arc tables are set up only by NewFrame.
  // One of each kind of run (platform/solid_runs.h): textured, solid opaque,
  // solid blended, so that each program and state is compiled now.
  dl.AddImage(tex, ImVec2(0, 0), ImVec2(64, 64), ImVec2(0, 0), ImVec2(1, 1), IM_COL32(255, 255, 255, 255));
  dl.AddRectFilled(ImVec2(64, 0), ImVec2(128, 64), IM_COL32(255, 255, 255, 255));
  dl.AddRectFilled(ImVec2(128, 0), ImVec2(192, 64), IM_COL32(255, 255, 255, 128));
  ImDrawList* lists[] = {&dl};
  ImDrawData dd;
  dd.Valid = true;
  dd.CmdLists = lists;
  dd.CmdListsCount = 1;
  dd.TotalVtxCount = dl.VtxBuffer.Size;
  dd.TotalIdxCount = dl.IdxBuffer.Size;
  dd.DisplayPos = ImVec2(0, 0);
  dd.DisplaySize = s;
  dd.FramebufferScale = ImVec2(1, 1);
  glViewport(0, 0, static_cast<int>(s.x), static_cast<int>(s.y));
  glClearColor(0.95f, 0.96f, 0.97f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  const ImVec2 white = dl._Data->TexUvWhitePixel;
  split_solid_runs(
      &dd,
      [&](ImTextureID t, ImVec2* uv) {
        *uv = white;
        return t == tex;
      },
      prepare_run, 0);
  ImGui_ImplOpenGL3_RenderDrawData(&dd);
  glFinish();
  release_texture(tex);
}

void Window::end_frame_partial(const std::vector<ImRect>& regions) {
  const ImVec2 s = size();
  ImDrawData* dd = ImGui::GetDrawData();
  split_solid_runs(dd, white_uv, prepare_run);
  std::vector<ImVec4> saved;
  for (int i = 0; i < dd->CmdListsCount; ++i)
    for (const ImDrawCmd& cmd : dd->CmdLists[i]->CmdBuffer) saved.push_back(cmd.ClipRect);
  glViewport(0, 0, static_cast<int>(s.x), static_cast<int>(s.y));
  glClearColor(clear_color.x, clear_color.y, clear_color.z, clear_color.w);
  for (ImRect r : regions) {
    r.ClipWithFull(ImRect(ImVec2(0, 0), s));
    r.Floor();
    if (r.GetWidth() < 1 || r.GetHeight() < 1) continue;
    // Every draw command clipped to the region; those outside it are skipped.
    size_t k = 0;
    for (int i = 0; i < dd->CmdListsCount; ++i)
      for (ImDrawCmd& cmd : dd->CmdLists[i]->CmdBuffer) {
        const ImVec4& o = saved[k++];
        ImRect c(o.x, o.y, o.z, o.w);
        c.ClipWithFull(r);
        cmd.ClipRect = ImVec4(c.Min.x, c.Min.y, c.Max.x, c.Max.y);
      }
    glEnable(GL_SCISSOR_TEST);
    glScissor(static_cast<int>(r.Min.x), static_cast<int>(s.y - r.Max.y), static_cast<int>(r.GetWidth()),
              static_cast<int>(r.GetHeight()));
    glClear(GL_COLOR_BUFFER_BIT);
    glDisable(GL_SCISSOR_TEST);
    ImGui_ImplOpenGL3_RenderDrawData(dd);
  }
  glfwSwapBuffers(window_);
}

void Window::swap() { glfwSwapBuffers(window_); }

void Window::wake() { glfwPostEmptyEvent(); }

}  // namespace odr::kiosk
