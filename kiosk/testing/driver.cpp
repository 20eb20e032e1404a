#include "testing/driver.h"

#include "app/startup.h"
#include "util/utf8.h"

namespace odr::kiosk {

// --- Driver -----------------------------------------------------------------------

void Driver::frame() { frame_(); }

void Driver::frames(int n) {
  for (int i = 0; i < n; ++i) frame();
}

const HitRect* Driver::find(std::string_view id) const { return app_->hits().find(id); }

bool Driver::enabled(std::string_view id) const {
  const HitRect* r = find(id);
  return r && r->enabled;
}

bool Driver::selected(std::string_view id) const {
  const HitRect* r = find(id);
  return r && r->selected;
}

void Driver::mouse(ImVec2 pos, bool down) {
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = pos;
  io.MouseDown[0] = down;
}

void Driver::quick_tap(ImVec2 at) {
  mouse(at, false);
  frame();
  mouse(at, true);
  frame();
  mouse(at, false);
  frame();
}

void Driver::settle() {
  // A new screen ignores taps for a moment; a person's next tap comes later.
  for (int i = 0; i < 600 && app_->ui_state().tap_guard_active(); ++i) frame();
}

void Driver::tap_at(ImVec2 pos) {
  settle();
  mouse(pos, false);
  frame();
  mouse(pos, true);
  frame();
  mouse(pos, false);
  frame();
  // One more frame so what the tap changed is drawn (and registered).
  frame();
}

void Driver::tap(std::string_view id) {
  const HitRect* r = find(id);
  if (!r) {
    frame();  // the registry may be a frame behind
    r = find(id);
  }
  if (!r) throw DriverError("not on screen: " + std::string(id));
  tap_at(r->center());
}

void Driver::press(std::string_view id, int n) {
  const HitRect* r = find(id);
  if (!r) throw DriverError("not on screen: " + std::string(id));
  ImVec2 c = r->center();
  settle();
  mouse(c, false);
  frame();
  for (int i = 0; i < n; ++i) {
    mouse(c, true);
    frame();
  }
  mouse(c, false);
  frames(2);
}

void Driver::swipe(ImVec2 a, ImVec2 b, int steps) {
  settle();
  mouse(a, false);
  frame();
  for (int i = 0; i <= steps; ++i) {
    float t = static_cast<float>(i) / steps;
    mouse(ImVec2(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t), true);
    frame();
  }
  // The finger rests before it lifts: a controlled scroll, not a fling (the
  // tour's frames come a millisecond apart, which would make any lift a fling).
  for (int i = 0; i < 12; ++i) {
    mouse(b, true);
    frame();
  }
  mouse(b, false);
  frame();
  // Let any inertia run out so the next tap lands where the registry says.
  for (int i = 0; i < 120 && app_->animating(); ++i) frame();
  mouse(ImVec2(-FLT_MAX, -FLT_MAX), false);
  frames(2);
}

void Driver::reveal(std::string_view id) {
  int direction = +1, stuck = 0;
  for (int tries = 0; tries < 40 && stuck < 2; ++tries) {
    const HitRect* r = find(id);
    const ImRect c = app_->content_rect();
    // Inside the content area with a margin: not cut by its edges.
    if (r && r->max.y < c.Max.y - 4 && r->min.y > c.Min.y + 4) return;
    // Not drawn (further down) or in the lower half: push the page up.
    if (r) direction = r->min.y >= c.GetCenter().y ? +1 : -1;
    const float before = app_->ui_state().scroll_y;
    const float dy = std::min(c.GetHeight() * 0.45f, 400.0f);
    ImVec2 a(c.Max.x - 60, c.GetCenter().y + direction * dy * 0.5f);
    ImVec2 b(a.x, a.y - direction * dy);
    swipe(a, b);
    if (app_->ui_state().scroll_y == before) {
      // The page's end that way: as visible as it gets, or try the other way.
      if (r) return;
      direction = -direction;
      ++stuck;
    } else {
      stuck = 0;
    }
  }
  if (!find(id)) throw DriverError("cannot scroll to: " + std::string(id));
}

void Driver::drag(std::string_view id, const std::vector<ImVec2>& points) {
  const HitRect* r = find(id);
  if (!r) throw DriverError("not on screen: " + std::string(id));
  if (points.empty()) return;
  settle();
  r = find(id);
  if (!r) throw DriverError("not on screen: " + std::string(id));
  const ImVec2 o = r->min;
  auto at = [&](size_t i) { return ImVec2(o.x + points[i].x, o.y + points[i].y); };
  mouse(at(0), false);
  frame();
  for (size_t i = 0; i < points.size(); ++i) {
    mouse(at(i), true);
    frame();
  }
  mouse(at(points.size() - 1), false);
  frames(2);
}

void Driver::type(std::string_view text) {
  auto tap_first = [&](std::initializer_list<std::string> ids) {
    for (const std::string& id : ids)
      if (visible(id)) {
        tap(id);
        return true;
      }
    return false;
  };
  for (size_t i = 0; i < text.size();) {
    char32_t c = next_codepoint(text, i);
    if (c > 0x7E) throw DriverError("type() takes ASCII; use the pinyin or handwriting keys for other text");
    const char ch = static_cast<char>(c);
    const std::string s(1, ch);
    if (app_->has_focus() && uses_keypad(app_->focused().kind)) {
      if (!tap_first({ch == '.' ? std::string("kp.dot") : "kp." + s})) throw DriverError("no keypad key for " + s);
      continue;
    }
    if (ch == ' ') {
      tap("kb.space");
      continue;
    }
    if (ch == '\n') {
      tap("kb.enter");
      continue;
    }
    const bool letter = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
    if (letter) {
      if (!selected("kb.mode.abc")) tap("kb.mode.abc");
      const bool up = ch >= 'A' && ch <= 'Z';
      if (up != selected("kb.shift")) tap("kb.shift");
      tap("kb.key." + std::string(1, static_cast<char>(up ? ch - 'A' + 'a' : ch)));
      continue;
    }
    // Punctuation on the letters page first, then the two symbol pages.
    if (selected("kb.mode.abc") && tap_first({ch == ',' ? "kb.key.comma" : ch == '.' ? "kb.key.period" : ""})) continue;
    if (!selected("kb.mode.123")) tap("kb.mode.123");
    if (tap_first({"kb.key." + s})) continue;
    tap("kb.sym");
    if (tap_first({"kb.key." + s})) continue;
    throw DriverError("no key for " + s);
  }
}

// --- HeadlessDriver ---------------------------------------------------------------

HeadlessDriver::HeadlessDriver(HeadlessOptions options) : Driver(nullptr, {}), options_(std::move(options)) {
  i18n_ = std::make_unique<I18n>();
  std::string assets = find_assets_dir(options_.assets_dir);
  std::string error;
  if (assets.empty() || !i18n_->load(assets, &error))
    throw DriverError("translation catalogs: " + (error.empty() ? std::string("assets folder not found") : error));
  fonts_ = make_fonts(options_.config, *i18n_);
  if (options_.full_fonts) {
    fonts_->start_full();
    fonts_->wait_idle();
  }
  ctx_ = ImGui::CreateContext(fonts_->text_atlas());
  ImGui::SetCurrentContext(ctx_);
  apply_imgui_style();
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = options_.display;
  io.DeltaTime = 1.0f / 60.0f;
  io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);

  AppEnv env;
  env.config = options_.config;
  env.store = options_.store;
  env.clock_ms = options_.clock_ms;
  env.pinyin = options_.pinyin;
  env.handwriting = options_.handwriting;
  env.animate = false;
  env.on_staff_gesture = options_.on_staff_gesture;
  env.tap_guard_s = options_.tap_guard_s;
  env.printer = options_.printer;
  env.say = options_.say;
  env.silence = options_.silence;
  app_holder_ = std::make_unique<App>(std::move(env), *i18n_, *fonts_);
  app_ = app_holder_.get();
  frame_ = [this] { headless_frame(); };
  frame();
}

HeadlessDriver::~HeadlessDriver() {
  app_holder_.reset();
  ImGui::DestroyContext(ctx_);
}

void HeadlessDriver::set_display(ImVec2 size) {
  options_.display = size;
  ImGui::GetIO().DisplaySize = size;
  frames(2);
}

void HeadlessDriver::headless_frame() {
  ImGui::SetCurrentContext(ctx_);
  fonts_->poll();
  ImGui::NewFrame();
  app_->frame();
  ImGui::Render();
}

}  // namespace odr::kiosk
