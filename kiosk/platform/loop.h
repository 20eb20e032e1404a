// The frame loop: draw only when something changed. It sleeps in
// glfwWaitEvents until input arrives, a deadline of the app passes (the idle
// overlay, its countdown), a font build finishes, or another thread wakes it
// (Window::wake). After input it draws a few frames at full rate so a tap is
// seen at once; while something animates it draws at a rate capped so the
// animation costs a few percent of a core even on a software renderer.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "platform/window.h"

namespace odr::kiosk {

struct LoopHooks {
  std::function<void()> frame;             // between ImGui::NewFrame and ImGui::Render
  std::function<int64_t()> now_ms;         // the app's clock
  std::function<int64_t()> deadline_ms;    // next frame needed without input (0: none)
  std::function<bool()> animating;
  std::function<bool(std::vector<ImRect>*)> animation_regions;  // only these parts animate (optional)
  std::function<bool()> poll_resources;    // between frames (font swaps); true when something changed
  std::function<void()> after_frame;       // after the first frame is on screen, etc.
  double animation_cpu_share = 0.04;       // at most this share of a core for animation alone
};

struct LoopStats {
  int64_t frames = 0;
  int64_t partial_frames = 0;
  int64_t skipped_frames = 0;  // built but not drawn: the same draw lists as on screen
  double cpu_per_frame_ms = 0;  // moving average over the process's threads (renderer included)
};

// One frame of the app, written once for the loop and the tour: the
// window's and ImGui's new frame, the app (frame), then ImGui's draw lists
// (render) or, for a frame that only feeds input, just the end of it. Not
// yet on screen: the caller ends the window's frame.
void build_frame(Window& window, const std::function<void()>& frame, bool render = true);
// Runs until quit becomes true.
LoopStats run_loop(Window& window, LoopHooks& hooks, const std::atomic<bool>& quit);
// A hash of what the draw data would put on screen (vertices, indices,
// commands, textures, clip rectangles): equal means the same picture.
size_t draw_signature(const ImDrawData* dd);
// Process CPU time in seconds (all threads: Mesa's renderer threads count).
double process_cpu_s();

}  // namespace odr::kiosk
