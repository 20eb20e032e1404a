// The reference the kiosk's start-up is measured against (bench_startup):
// the least a GL kiosk can do. It makes the same window and GL 3.3 core
// context as odr-kiosk (kiosk/platform/window.cpp), clears it to one colour,
// shows it, and then sleeps in the event loop until it is told to stop.
//   bare_gl WIDTH HEIGHT R G B    (colour in 0-255)
#include <GLFW/glfw3.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>

namespace {
volatile std::sig_atomic_t stop = 0;
void on_term(int) { stop = 1; }
}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: bare_gl WIDTH HEIGHT R G B\n");
    return 2;
  }
  std::signal(SIGTERM, on_term);
  const int w = std::atoi(argv[1]), h = std::atoi(argv[2]);
  if (!glfwInit()) return 1;
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  glfwWindowHint(GLFW_DOUBLEBUFFER, GLFW_TRUE);
  GLFWwindow* win = glfwCreateWindow(w, h, "bare", nullptr, nullptr);
  if (!win) return 1;
  glfwMakeContextCurrent(win);
  glfwSwapInterval(1);
  glClearColor(std::atoi(argv[3]) / 255.0f, std::atoi(argv[4]) / 255.0f, std::atoi(argv[5]) / 255.0f, 1.0f);
  glfwSetWindowRefreshCallback(win, [](GLFWwindow* wnd) {
    glClear(GL_COLOR_BUFFER_BIT);
    glfwSwapBuffers(wnd);
  });
  glClear(GL_COLOR_BUFFER_BIT);
  glfwSwapBuffers(win);
  // Idle as a kiosk should be: asleep until the window needs drawing again.
  while (!stop && !glfwWindowShouldClose(win)) glfwWaitEventsTimeout(0.5);
  glfwDestroyWindow(win);
  glfwTerminate();
  return 0;
}
