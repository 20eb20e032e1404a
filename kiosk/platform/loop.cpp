#include "platform/loop.h"

#include <imgui.h>
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <chrono>
#include <functional>
#include <string_view>

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

size_t mix(size_t h, const void* p, size_t n) {
  const size_t k = std::hash<std::string_view>{}(std::string_view(static_cast<const char*>(p), n));
  return h ^ (k + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2));
}
}  // namespace

size_t draw_signature(const ImDrawData* dd) {
  size_t h = mix(0, &dd->DisplaySize, sizeof dd->DisplaySize);
  for (int i = 0; i < dd->CmdListsCount; ++i) {
    const ImDrawList* l = dd->CmdLists[i];
    h = mix(h, l->VtxBuffer.Data, sizeof(ImDrawVert) * static_cast<size_t>(l->VtxBuffer.Size));
    h = mix(h, l->IdxBuffer.Data, sizeof(ImDrawIdx) * static_cast<size_t>(l->IdxBuffer.Size));
    for (const ImDrawCmd& c : l->CmdBuffer) {
      const struct {
        ImVec4 clip;
        ImTextureID tex;
        unsigned vtx, idx, count;
        const void* callback;
      } k{c.ClipRect, c.TextureId, c.VtxOffset, c.IdxOffset, c.ElemCount, reinterpret_cast<const void*>(c.UserCallback)};
      h = mix(h, &k, sizeof k);
    }
  }
  return h;
}

void build_frame(Window& window, const std::function<void()>& frame, bool render) {
  window.begin_frame();
  ImGui::NewFrame();
  frame();
  if (render)
    ImGui::Render();
  else
    ImGui::EndFrame();
}

LoopStats run_loop(Window& window, LoopHooks& hooks, const std::atomic<bool>& quit) {
  LoopStats stats;
  int burst = 1;               // frames still to draw at full rate (the first frame counts)
  double next_anim_s = 0;      // when an animation frame is due
  ImVec2 last_size(0, 0);
  bool partial_ok = false;     // a whole frame has been drawn since the start
  size_t shown = 0;            // draw_signature of what is on screen
  while (!quit.load()) {
    // How long may we sleep?
    double timeout = -1;
    // The deadline is read once, before sleeping: asked again after waking,
    // "the countdown's next second" would already be the one after.
    const int64_t deadline = hooks.deadline_ms ? hooks.deadline_ms() : 0;
    if (burst > 0 || window.input_pending()) {
      timeout = 0;
    } else {
      if (hooks.animating && hooks.animating()) timeout = std::max(0.0, next_anim_s - mono_s());
      if (int64_t d = deadline; d > 0) {
        double t = std::max(0.0, (d - hooks.now_ms()) / 1000.0) + 0.001;
        timeout = timeout < 0 ? t : std::min(timeout, t);
      }
    }
    window.wait(timeout);
    if (quit.load()) break;

    bool draw = false, full = false;
    bool changed = false;  // something the draw lists may not show (textures, exposure, size): draw it
    if (window.feed_input()) {
      burst = std::max(burst, 3);  // the release frame, the result, and one to settle
      draw = full = true;
      // Taps queued behind this one (a fast typist on a busy machine) each
      // get a frame of the app without drawing it: ImGui sees every press
      // and release in its own frame, and only the last frame is drawn.
      for (int i = 0; i < 64; ++i) {
        if (!window.input_pending()) window.wait(0);  // what arrived while the last frame was drawn
        if (!window.input_pending()) break;
        build_frame(window, hooks.frame, false);
        window.feed_input();
      }
      // The last one too: ImGui acts on a tap in the frame that sees it, and
      // what the tap changed (a field's composition, a new screen) is drawn
      // by the frame after. Drawn, that first frame would cost a software
      // renderer a whole frame for a picture a frame late.
      build_frame(window, hooks.frame, false);
    }
    if (hooks.poll_resources && hooks.poll_resources()) draw = full = changed = true;
    if (window.take_exposed()) draw = full = changed = true;
    if (burst > 0) draw = full = true;
    if (hooks.animating && hooks.animating() && mono_s() >= next_anim_s) draw = true;
    if (deadline > 0 && hooks.now_ms() >= deadline) draw = full = true;
    ImVec2 size = window.size();
    if (size.x != last_size.x || size.y != last_size.y) draw = full = changed = true;
    last_size = size;
    if (!draw) continue;

    const double cpu0 = process_cpu_s();
    build_frame(window, hooks.frame);
    // The frames after a tap that show nothing new (the burst's settling
    // frames, a tap on nothing) are not drawn again: a software renderer
    // spends tens of ms on a whole frame, and the next tap would wait for it.
    const size_t signature = draw_signature(ImGui::GetDrawData());
    if (!changed && partial_ok && signature == shown) {
      stats.skipped_frames++;
      if (burst > 0) --burst;
      // An animation whose frame came out the same waits its interval as a drawn one would.
      next_anim_s = mono_s() + std::clamp(stats.cpu_per_frame_ms / 1000.0 / hooks.animation_cpu_share, 1.0 / 30, 0.25);
      if (hooks.after_frame) hooks.after_frame();
      continue;
    }
    shown = signature;
    // A frame drawn only for an animation that stays in one place redraws
    // just that place; the first frame after anything else is whole.
    std::vector<ImRect> regions;
    if (!full && partial_ok && hooks.animation_regions && hooks.animation_regions(&regions)) {
      window.end_frame_partial(regions);
      stats.partial_frames++;
    } else {
      window.end_frame();
    }
    partial_ok = true;
    const double cpu = process_cpu_s() - cpu0;
    stats.frames++;
    stats.cpu_per_frame_ms = stats.frames == 1 ? cpu * 1000 : stats.cpu_per_frame_ms * 0.9 + cpu * 100;
    if (burst > 0) --burst;
    static const bool trace = getenv("ODR_KIOSK_TRACE") != nullptr;
    if (trace && stats.frames % 10 == 0)
      fprintf(stderr, "odr-kiosk: frame %lld (%lld partial): %.1f ms CPU average, this one %.1f ms\n",
              static_cast<long long>(stats.frames), static_cast<long long>(stats.partial_frames),
              stats.cpu_per_frame_ms, cpu * 1000);
    // An animation frame costs what it costs; space them so that animation
    // alone stays under its share of a core (but never slower than 4 fps).
    const double interval = std::clamp(stats.cpu_per_frame_ms / 1000.0 / hooks.animation_cpu_share, 1.0 / 30, 0.25);
    next_anim_s = mono_s() + interval;
    if (hooks.after_frame) hooks.after_frame();
  }
  return stats;
}

}  // namespace odr::kiosk
