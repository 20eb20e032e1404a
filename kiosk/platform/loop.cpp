#include "platform/loop.h"

#include <imgui.h>
#include <time.h>

#include <algorithm>
#include <chrono>

namespace odr::kiosk {

double process_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

namespace {
double mono_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

LoopStats run_loop(Window& window, LoopHooks& hooks, const std::atomic<bool>& quit) {
  LoopStats stats;
  int burst = 1;               // frames still to draw at full rate (the first frame counts)
  double next_anim_s = 0;      // when an animation frame is due
  ImVec2 last_size(0, 0);
  while (!quit.load()) {
    // How long may we sleep?
    double timeout = -1;
    if (burst > 0 || window.input_pending()) {
      timeout = 0;
    } else {
      if (hooks.animating && hooks.animating()) timeout = std::max(0.0, next_anim_s - mono_s());
      if (int64_t d = hooks.deadline_ms ? hooks.deadline_ms() : 0; d > 0) {
        double t = std::max(0.0, (d - hooks.now_ms()) / 1000.0) + 0.001;
        timeout = timeout < 0 ? t : std::min(timeout, t);
      }
    }
    window.wait(timeout);
    if (quit.load()) break;

    bool draw = false;
    if (window.feed_input()) {
      burst = std::max(burst, 3);  // the release frame, the result, and one to settle
      draw = true;
    }
    if (hooks.poll_resources && hooks.poll_resources()) draw = true;
    if (burst > 0) draw = true;
    if (hooks.animating && hooks.animating() && mono_s() >= next_anim_s) draw = true;
    if (int64_t d = hooks.deadline_ms ? hooks.deadline_ms() : 0; d > 0 && hooks.now_ms() >= d) draw = true;
    ImVec2 size = window.size();
    if (size.x != last_size.x || size.y != last_size.y) draw = true;
    last_size = size;
    if (!draw) continue;

    const double cpu0 = process_cpu_s();
    window.begin_frame();
    ImGui::NewFrame();
    hooks.frame();
    ImGui::Render();
    window.end_frame();
    const double cpu = process_cpu_s() - cpu0;
    stats.frames++;
    stats.cpu_per_frame_ms = stats.frames == 1 ? cpu * 1000 : stats.cpu_per_frame_ms * 0.9 + cpu * 100;
    if (burst > 0) --burst;
    // An animation frame costs what it costs; space them so that animation
    // alone stays under its share of a core (but never slower than 4 fps).
    const double interval = std::clamp(stats.cpu_per_frame_ms / 1000.0 / hooks.animation_cpu_share, 1.0 / 30, 0.25);
    next_anim_s = mono_s() + interval;
    if (hooks.after_frame) hooks.after_frame();
  }
  return stats;
}

}  // namespace odr::kiosk
