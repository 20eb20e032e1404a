#include "platform/xwayland.h"

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>

#include <unistd.h>

#include <cstdlib>

// From GLFW's X11 build (glfw3native.h would want the Xrandr headers too).
extern "C" Display* glfwGetX11Display(void);
extern "C" ::Window glfwGetX11Window(GLFWwindow* window);

namespace odr::kiosk {

void keep_composited_under_wayland() {
  const char* wayland = getenv("WAYLAND_DISPLAY");
  if (!wayland || !*wayland) return;
  GLFWwindow* w = glfwGetCurrentContext();
  Display* dpy = w ? glfwGetX11Display() : nullptr;
  if (!dpy) return;
  const ::Window parent = glfwGetX11Window(w);
  // 1x1, input-only, never mapped: nothing on screen, nothing to tap.
  const ::Window child = XCreateWindow(dpy, DefaultRootWindow(dpy), 0, 0, 1, 1, 0, CopyFromParent, InputOnly,
                                       CopyFromParent, 0, nullptr);
  // The window manager (cage's xwm) reads WM_TRANSIENT_FOR of a window it
  // never maps only from a PropertyNotify: wait until it listens (its
  // PropertyChangeMask shows in all_event_masks), at most 2 s.
  XSync(dpy, False);
  for (int i = 0; i < 200; ++i) {
    XWindowAttributes a{};
    if (XGetWindowAttributes(dpy, child, &a) && (a.all_event_masks & PropertyChangeMask)) break;
    usleep(10'000);
  }
  XSetTransientForHint(dpy, child, parent);
  XFlush(dpy);
}

}  // namespace odr::kiosk
