// The on-screen keyboard (widgets/keyboard.h says what each mode does).
//
// Index of this file:
// [SECTION] Modes and state
// [SECTION] Geometry and the key
// [SECTION] Editing the field: insert, backspace (held: repeats), the composition
// [SECTION] The top bar: mode tabs, the composition, hide and clear
// [SECTION] Pinyin candidates
// [SECTION] The numeric keypad
// [SECTION] Handwriting: the pad, recognition, candidates
// [SECTION] Letter and symbol keys
// [SECTION] The keyboard: height, tray, layout per mode

#include "widgets/keyboard.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "i18n/i18n.h"
#include "util/utf8.h"
#include "widgets/hit.h"
#include "widgets/icons.h"
#include "widgets/widgets.h"

namespace odr::kiosk {

// -----------------------------------------------------------------------------
// [SECTION] Modes and state
// -----------------------------------------------------------------------------

const char* keyboard_mode_id(KeyboardMode m) {
  switch (m) {
    case KeyboardMode::pinyin: return "pinyin";
    case KeyboardMode::handwriting: return "hw";
    case KeyboardMode::abc: return "abc";
    case KeyboardMode::symbols: return "123";
    case KeyboardMode::keypad: return "keypad";
  }
  return "abc";
}

void KeyboardState::reset() {
  if (pinyin) pinyin->reset();
  // Ink is what someone wrote: overwrite it too, not only forget it.
  for (input::Stroke& s : strokes) std::fill(s.begin(), s.end(), input::InkPoint{});
  for (std::string& c : hw_candidates) std::fill(c.begin(), c.end(), '\0');
  strokes.clear();
  strokes.shrink_to_fit();
  hw_candidates.clear();
  drawing = false;
  shift = caps = false;
  symbol_page = 0;
  hint.clear();
}

void KeyboardState::start_for_locale(bool zh) {
  text_mode = zh && pinyin ? KeyboardMode::pinyin : KeyboardMode::abc;
}

namespace {

// -----------------------------------------------------------------------------
// [SECTION] Geometry and the key
// -----------------------------------------------------------------------------

enum class KeyStyle { letter, special, accent };

struct Geometry {
  float pad = 16, gap = 10, unit = 100, key_h = 84, top_h = 76, strip_h = 0, width = 0;
};

Geometry geometry(KeyboardMode mode, ImVec2 display) {
  Geometry g;
  const bool portrait = display.y > display.x;
  g.width = std::min(display.x - 2 * g.pad, portrait ? 1060.0f : 1500.0f);
  // Landscape has height for little else: keys a bit shorter (still 72 px;
  // elderly mode's targets are all >= 80 px).
  const bool elderly = ui().large;
  g.key_h = portrait ? 96 : elderly ? 84 : 72;
  g.top_h = portrait ? (elderly ? 92 : 80) : elderly ? 92 : 72;  // mode tabs and the hide key: >= 60 px, 80 elderly
  if (mode == KeyboardMode::keypad) {
    g.width = std::min(g.width, 760.0f);
    g.key_h = portrait ? 100 : elderly ? 84 : 76;
    g.unit = (g.width - 3 * g.gap) / 4;
  } else {
    g.unit = (g.width - 9 * g.gap) / 10;
    if (mode == KeyboardMode::pinyin) g.strip_h = g.key_h;
    if (mode == KeyboardMode::handwriting) g.strip_h = g.key_h;
  }
  return g;
}

KeyboardMode effective_mode(const KeyboardState& st, FieldKind kind) {
  if (uses_keypad(kind)) return KeyboardMode::keypad;
  KeyboardMode m = st.text_mode;
  if (m == KeyboardMode::pinyin && !st.pinyin) m = KeyboardMode::abc;
  if (m == KeyboardMode::handwriting && !st.handwriting) m = KeyboardMode::abc;
  return m;
}

// glyph_px > 0: the label drawn at that size (handwriting candidates).
// held_out: the finger is on the key now.
bool key(const char* id, const ImRect& r, std::string_view label, KeyStyle style, bool enabled = true,
         bool active = false, float glyph_px = 0, bool* held_out = nullptr) {
  const Palette& p = ui().pal;
  bool held = false;
  bool pressed = pressable(id, r, enabled, &held, active);
  hit_text(id, label);  // what the key shows (tests read candidates by it)
  if (held_out) *held_out = held;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImU32 fill, text = p.text;
  switch (style) {
    case KeyStyle::letter: fill = held ? p.accent_soft : p.surface; break;
    case KeyStyle::special: fill = held ? p.surface : IM_COL32(0xD3, 0xDA, 0xE5, 0xFF); break;
    case KeyStyle::accent:
      fill = held ? p.accent_pressed : p.accent;
      text = p.on_accent;
      break;
  }
  if (active) {
    fill = p.accent_soft;
    text = p.accent_pressed;
  }
  if (!enabled) text = p.disabled_text;
  // Keys sit on a darker edge, like keycaps.
  dl->AddRectFilled(ImVec2(r.Min.x, r.Min.y + 2), ImVec2(r.Max.x, r.Max.y + 2), IM_COL32(0x8A, 0x96, 0xA8, 0x70), 14);
  dl->AddRectFilled(r.Min, r.Max, fill, 14);
  dl->AddRect(r.Min, r.Max, p.outline, 14, 0, 1.5f);  // the key's edge against the tray (>= 3:1)
  const ImRect box(r.Min.x, r.Min.y + (held ? 1 : 0), r.Max.x, r.Max.y);
  bool big = false;
  ImFont* large = glyph_px > 0 ? large_font_for(label, &big) : nullptr;
  if (large)
    draw_text_centered_sized(dl, large, big ? glyph_px : large->FontSize, box, text, label);
  else
    draw_text_centered(dl, font_for(FontRole::body, label), box, text, label);
  return pressed;
}

// The width of n key units with the gaps between them.
float units(const Geometry& g, float n) { return n * g.unit + (std::ceil(n) - 1) * g.gap; }

// -----------------------------------------------------------------------------
// [SECTION] Editing the field: insert, backspace (held: repeats), the composition
// -----------------------------------------------------------------------------

void insert(EditTarget& t, std::string_view s, KeyboardAction& act) {
  if (t.text && field_insert(*t.text, t.kind, t.max_codepoints, s)) act = KeyboardAction::edited;
}

void backspace(EditTarget& t, KeyboardAction& act) {
  if (t.text && field_backspace(*t.text)) act = KeyboardAction::edited;
}

void clear_field(EditTarget& t, KeyboardAction& act) {
  if (!t.text || t.text->empty()) return;
  while (field_backspace(*t.text)) {
  }
  act = KeyboardAction::edited;
}

// A held backspace goes on deleting, as on a phone: after kRepeatDelayS,
// 10 a second, then 20 a second after 2 s. A tap deletes one, on release.
constexpr double kRepeatDelayS = 0.5, kRepeatS = 0.1, kFastAfterS = 2.0, kFastRepeatS = 0.05;

int repeats_due(double held_s) {
  if (held_s < kRepeatDelayS) return 0;
  const double slow_end = std::min(held_s, kFastAfterS);
  int n = 1 + static_cast<int>((slow_end - kRepeatDelayS) / kRepeatS);
  if (held_s > kFastAfterS) n += static_cast<int>((held_s - kFastAfterS) / kFastRepeatS);
  return n;
}

// How many characters the backspace key deletes this frame.
int backspace_key(KeyboardState& st, const char* id, const ImRect& r) {
  bool held = false;
  const bool released = key(id, r, ICON_BACKSPACE, KeyStyle::special, true, false, 0, &held);
  if (held) {
    ui().frame_within(kFastRepeatS);  // the repeats come without further input
    const int due = repeats_due(ImGui::GetIO().MouseDownDuration[0]);
    const int n = due - st.repeats_done;
    st.repeats_done = due;
    return n;
  }
  const int n = released && st.repeats_done == 0 ? 1 : 0;
  st.repeats_done = 0;
  return n;
}

std::string upper(std::string_view s) {
  std::string u(s);
  for (char& c : u)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return u;
}

// The pinyin engine takes the key when it is ready; until then letters type as ABC.
bool pinyin_live(const KeyboardState& st, KeyboardMode mode) {
  return mode == KeyboardMode::pinyin && st.pinyin && st.pinyin->ready();
}

void commit_composition(KeyboardState& st, EditTarget& t, KeyboardAction& act) {
  if (st.pinyin && st.pinyin->composing()) insert(t, st.pinyin->press(' '), act);
}

// -----------------------------------------------------------------------------
// [SECTION] The top bar: mode tabs, the composition, hide and clear
// -----------------------------------------------------------------------------

void draw_top_bar(KeyboardState& st, KeyboardMode mode, const Geometry& g, const ImRect& bar, KeyboardAction& act,
                  EditTarget& t) {
  const Palette& p = ui().pal;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  float x = bar.Min.x;
  const float h = bar.GetHeight() - 8;
  const float y = bar.Min.y + 4;
  if (mode == KeyboardMode::keypad) {
    const char* what = t.kind == FieldKind::amount ? tr("kb.keypad_amount") : tr("kb.keypad_digits");
    ImFont* f = font_for(FontRole::body, what);
    draw_text(dl, f, ImVec2(x + 8, bar.GetCenter().y - f->FontSize * 0.5f), p.text_muted, what);
  } else {
    struct Tab {
      KeyboardMode m;
      const char* id;
      const char* label;
      bool shown;
    };
    const Tab tabs[] = {
        {KeyboardMode::pinyin, "kb.mode.pinyin", tr("kb.mode.pinyin"), st.pinyin_available()},
        {KeyboardMode::handwriting, "kb.mode.hw", tr("kb.mode.hw"), st.handwriting_available()},
        {KeyboardMode::abc, "kb.mode.abc", "ABC", true},
        {KeyboardMode::symbols, "kb.mode.123", "123", true},
    };
    // A segmented control: the current mode filled with the accent.
    float total = 0;
    for (const Tab& tab : tabs)
      if (tab.shown) total += std::max(g.unit * 1.3f, measure(font_for(FontRole::body, tab.label), tab.label).x + 48);
    ImRect seg(ImVec2(x, y), ImVec2(x + total + 8, y + h));
    dl->AddRectFilled(seg.Min, seg.Max, IM_COL32(0xD3, 0xDA, 0xE5, 0xFF), h * 0.5f);
    float tx = seg.Min.x + 4;
    for (const Tab& tab : tabs) {
      if (!tab.shown) continue;
      float w = std::max(g.unit * 1.3f, measure(font_for(FontRole::body, tab.label), tab.label).x + 48);
      ImRect r(ImVec2(tx, y + 2), ImVec2(tx + w, y + h - 2));
      bool on = mode == tab.m;
      bool held = false;
      if (pressable(tab.id, r, true, &held, on) && !on) {
        commit_composition(st, t, act);
        st.text_mode = tab.m;
        st.symbol_page = 0;
        if (tab.m == KeyboardMode::handwriting && !st.handwriting && st.load_handwriting) {
          st.handwriting = st.load_handwriting();
          if (!st.handwriting) st.load_handwriting = nullptr;  // not there: the tab goes away
        }
      }
      if (on)
        dl->AddRectFilled(r.Min, r.Max, p.accent, r.GetHeight() * 0.5f);
      else if (held)
        dl->AddRectFilled(r.Min, r.Max, p.surface, r.GetHeight() * 0.5f);
      if (!on && ui().large)  // elderly mode: each tab's edge shows
        dl->AddRect(ImVec2(r.Min.x + 1, r.Min.y + 1), ImVec2(r.Max.x - 1, r.Max.y - 1), p.outline, r.GetHeight() * 0.5f, 0, 2);
      draw_text_centered(dl, font_for(FontRole::body, tab.label), r, on ? p.on_accent : p.text, tab.label);
      tx += w;
    }
    // The pinyin being composed, above the candidates, in a pill of its own.
    if (mode == KeyboardMode::pinyin && st.pinyin && st.pinyin->ready() && st.pinyin->composing()) {
      std::string pre = st.pinyin->composition().preedit;
      ImFont* f = font(FontRole::body);
      float pw = measure(f, pre).x;
      ImRect box(ImVec2(seg.Max.x + 24, y + 4), ImVec2(seg.Max.x + 24 + pw + 40, y + h - 4));
      hit_add("kb.preedit", box.Min, box.Max, true);
      dl->AddRectFilled(box.Min, box.Max, p.surface, box.GetHeight() * 0.5f);
      draw_text(dl, f, ImVec2(box.Min.x + 20, box.GetCenter().y - f->FontSize * 0.5f), p.accent_pressed, pre);
    }
  }
  ImRect hide(ImVec2(bar.Max.x - g.unit * 1.6f, y), ImVec2(bar.Max.x, y + h));
  if (key("kb.hide", hide, ICON_KEYBOARD_HIDE, KeyStyle::special)) act = KeyboardAction::hide;
  // Start the field again (the keypad has its own key for it).
  if (mode != KeyboardMode::keypad && t.text && !t.text->empty()) {
    const char* label = tr("kb.clear_field");
    const float w = measure(font_for(FontRole::body, label), label).x + 56;
    if (key("kb.clear_field", ImRect(ImVec2(hide.Min.x - g.gap - w, y), ImVec2(hide.Min.x - g.gap, y + h)), label,
            KeyStyle::special)) {
      if (st.pinyin) st.pinyin->reset();
      clear_field(t, act);
    }
  }
}

// -----------------------------------------------------------------------------
// [SECTION] Pinyin candidates
// -----------------------------------------------------------------------------

void draw_pinyin_strip(KeyboardState& st, const Geometry& g, const ImRect& strip, EditTarget& t, KeyboardAction& act) {
  const Palette& p = ui().pal;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  if (!st.pinyin->ready() || !st.pinyin->composing()) {
    const char* s = tr(st.pinyin->ready() ? "kb.pinyin_hint" : "kb.pinyin_loading");
    ImFont* f = font_for(FontRole::body, s);
    draw_text(dl, f, ImVec2(strip.Min.x + 8, strip.GetCenter().y - f->FontSize * 0.5f), p.text_muted, s);
    // Look again soon: the engine becomes ready without any input.
    if (!st.pinyin->ready()) ui().animating = true;
    return;
  }
  input::Composition c = st.pinyin->composition();
  const float y0 = strip.Min.y, h = g.key_h;
  const float arrows_w = g.unit * 2 + g.gap;
  float x = strip.Min.x;
  const float right = strip.Max.x - arrows_w - g.gap;
  for (size_t i = 0; i < c.candidates.size(); ++i) {
    const std::string& cand = c.candidates[i];
    ImFont* f = font_for(FontRole::body, cand);
    float w = std::max(g.unit, measure(f, cand).x + 40);
    if (x + w > right) break;
    std::string id = "kb.cand." + std::to_string(i);
    if (key(id.c_str(), ImRect(ImVec2(x, y0), ImVec2(x + w, y0 + h)), cand, i == 0 ? KeyStyle::accent : KeyStyle::letter))
      insert(t, st.pinyin->select(static_cast<int>(i)), act);
    x += w + g.gap;
  }
  ImRect prev(ImVec2(strip.Max.x - arrows_w, y0), ImVec2(strip.Max.x - arrows_w + g.unit, y0 + h));
  ImRect next(ImVec2(strip.Max.x - g.unit, y0), ImVec2(strip.Max.x, y0 + h));
  if (key("kb.cand.prev", prev, ICON_CHEVRON_LEFT, KeyStyle::special, c.has_prev_page)) st.pinyin->change_page(-1);
  if (key("kb.cand.next", next, ICON_CHEVRON_RIGHT, KeyStyle::special, c.has_next_page)) st.pinyin->change_page(+1);
}

// -----------------------------------------------------------------------------
// [SECTION] The numeric keypad
// -----------------------------------------------------------------------------

void draw_keypad(KeyboardState& st, const Geometry& g, const ImRect& area, EditTarget& t, KeyboardAction& act) {
  const float x0 = area.Min.x, y0 = area.Min.y;
  auto cell = [&](int col, int row, int rows = 1) {
    float x = x0 + col * (g.unit + g.gap), y = y0 + row * (g.key_h + g.gap);
    return ImRect(ImVec2(x, y), ImVec2(x + g.unit, y + rows * g.key_h + (rows - 1) * g.gap));
  };
  static const char* digits[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9"};
  for (int i = 0; i < 9; ++i) {
    std::string id = std::string("kp.") + digits[i];
    if (key(id.c_str(), cell(i % 3, i / 3), digits[i], KeyStyle::letter)) insert(t, digits[i], act);
  }
  const bool dot = t.kind == FieldKind::amount;
  if (key("kp.dot", cell(0, 3), dot ? "." : "", KeyStyle::special, dot)) insert(t, ".", act);
  if (key("kp.0", cell(1, 3), "0", KeyStyle::letter)) insert(t, "0", act);
  if (key("kp.clear", cell(2, 3), tr("kb.clear"), KeyStyle::special)) clear_field(t, act);
  for (int n = backspace_key(st, "kp.backspace", cell(3, 0)); n > 0; --n) backspace(t, act);
  if (key("kp.done", cell(3, 1, 3), tr("kb.done"), KeyStyle::accent)) act = KeyboardAction::enter;
}

// -----------------------------------------------------------------------------
// [SECTION] Handwriting: the pad, recognition, candidates
// -----------------------------------------------------------------------------

// The candidates for the strokes so far (at most 9), and their glyphs asked for.
void recognize(KeyboardState& st, const ImVec2& pad_size) {
  st.hw_candidates.clear();
  if (!st.handwriting || st.strokes.empty()) return;
  auto t0 = std::chrono::steady_clock::now();
  st.hw_candidates = st.handwriting->recognize(st.strokes, pad_size.x, pad_size.y, 9);
  st.last_hw_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  for (const std::string& c : st.hw_candidates) request_glyphs(c);
}

// The horizontal extent of the ink on the pad.
std::pair<float, float> ink_span(const std::vector<input::Stroke>& strokes) {
  float lo = 1e9f, hi = -1e9f;
  for (const input::Stroke& s : strokes)
    for (const input::InkPoint& p : s) {
      lo = std::min(lo, p.x);
      hi = std::max(hi, p.x);
    }
  return {lo, hi};
}

// The best candidate goes into the field; the pad is clear for the next character.
void commit_handwriting(KeyboardState& st, EditTarget& t, KeyboardAction& act, size_t index = 0) {
  if (index < st.hw_candidates.size()) insert(t, st.hw_candidates[index], act);
  st.strokes.clear();
  st.hw_candidates.clear();
  // The field above was drawn before this (a pause ends in a frame no touch
  // asked for): one more frame shows the character in it.
  ui().frame_within(0);
}

// The pad: a copybook cross, the hint while empty, the ink; strokes in, candidates out.
void handwriting_pad(KeyboardState& st, const ImRect& pad, EditTarget& t, KeyboardAction& act) {
  const Palette& p = ui().pal;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImGuiIO& io = ImGui::GetIO();
  ImGuiID pid = ImGui::GetCurrentWindow()->GetID("kb.hw.pad");
  ImGui::ItemAdd(pad, pid);
  hit_add("kb.hw.pad", pad.Min, pad.Max, true, false, true);
  bool hovered = false, held = false;
  ImGui::ButtonBehavior(pad, pid, &hovered, &held, 0);
  dl->AddRectFilled(pad.Min, pad.Max, p.surface, 18);
  dl->AddRect(pad.Min, pad.Max, p.outline, 18, 0, 2);
  // The hint sits at the bottom while the pad is empty; the guide stops above it.
  const char* hint = tr("kb.hw_hint");
  ImFont* hf = font_for(FontRole::body, hint);
  const ImVec2 hs = measure(hf, hint);
  const float guide_bottom = st.strokes.empty() ? pad.Max.y - hs.y - 32 : pad.Max.y - 24;
  const ImVec2 c = pad.GetCenter();
  const ImU32 guide = IM_COL32(0xC8, 0xD0, 0xDC, 0xFF);
  for (float x = pad.Min.x + 24; x < pad.Max.x - 24; x += 24) dl->AddLine(ImVec2(x, c.y), ImVec2(x + 12, c.y), guide, 2);
  for (float y = pad.Min.y + 24; y + 12 < guide_bottom; y += 24) dl->AddLine(ImVec2(c.x, y), ImVec2(c.x, y + 12), guide, 2);
  if (st.strokes.empty()) draw_text(dl, hf, ImVec2(c.x - hs.x * 0.5f, pad.Max.y - hs.y - 16), p.text_muted, hint);
  if (held) {
    input::InkPoint pt{std::clamp(io.MousePos.x - pad.Min.x, 0.0f, pad.GetWidth()),
                       std::clamp(io.MousePos.y - pad.Min.y, 0.0f, pad.GetHeight())};
    if (!st.drawing) {
      // A stroke that starts clear of the ink so far begins the next character.
      auto [lo, hi] = ink_span(st.strokes);
      const float gap = kHandwritingNextCharGap * pad.GetHeight();
      if (!st.hw_candidates.empty() && (pt.x > hi + gap || pt.x < lo - gap)) commit_handwriting(st, t, act);
      st.strokes.emplace_back();
      st.drawing = true;
    }
    input::Stroke& s = st.strokes.back();
    if (s.empty() || std::fabs(s.back().x - pt.x) + std::fabs(s.back().y - pt.y) >= 2) s.push_back(pt);
  } else if (st.drawing) {
    st.drawing = false;
    st.last_stroke_end_s = ImGui::GetTime();
    recognize(st, pad.GetSize());
  } else if (!st.hw_candidates.empty()) {
    // A pause after the last stroke: the character is finished.
    const double left = kHandwritingCommitPauseS - (ImGui::GetTime() - st.last_stroke_end_s);
    if (left <= 0)
      commit_handwriting(st, t, act);
    else
      ui().frame_within(left);  // come back when the pause is over
  }
  for (const input::Stroke& s : st.strokes) {
    for (size_t i = 0; i < s.size(); ++i) {
      ImVec2 a(pad.Min.x + s[i].x, pad.Min.y + s[i].y);
      if (i > 0) dl->AddLine(ImVec2(pad.Min.x + s[i - 1].x, pad.Min.y + s[i - 1].y), a, p.text, 7);
      dl->AddCircleFilled(a, 3.5f, p.text, 8);
    }
  }
}

// Candidates: a 3 x 3 grid of big cells, the characters drawn big in them.
void handwriting_candidates(KeyboardState& st, const Geometry& g, const ImRect& grid, EditTarget& t,
                            KeyboardAction& act) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float cw = (grid.GetWidth() - 2 * g.gap) / 3, ch = (grid.GetHeight() - 2 * g.gap) / 3;
  for (size_t i = 0; i < 9; ++i) {
    const ImVec2 at(grid.Min.x + (i % 3) * (cw + g.gap), grid.Min.y + (i / 3) * (ch + g.gap));
    const ImRect r(at, ImVec2(at.x + cw, at.y + ch));
    std::string id = "kb.hw.cand." + std::to_string(i);
    if (i < st.hw_candidates.size()) {
      const float glyph_px = std::min(ch * 0.62f, 64.0f);
      if (key(id.c_str(), r, st.hw_candidates[i], i == 0 ? KeyStyle::accent : KeyStyle::letter, true, false,
              glyph_px)) {
        commit_handwriting(st, t, act, i);
        break;
      }
    } else {
      dl->AddRectFilled(r.Min, r.Max, IM_COL32(0xE1, 0xE6, 0xEE, 0xFF), 14);
    }
  }
}

void draw_handwriting(KeyboardState& st, const Geometry& g, const ImRect& area, EditTarget& t, KeyboardAction& act) {
  // Pad on the left, candidates on the right, edit keys underneath.
  const float rows_h = area.GetHeight() - g.key_h - g.gap;
  const float pad_w = std::min(units(g, 6), rows_h * 1.6f);
  const ImRect pad(area.Min, ImVec2(area.Min.x + pad_w, area.Min.y + rows_h));
  handwriting_pad(st, pad, t, act);
  handwriting_candidates(st, g, ImRect(ImVec2(pad.Max.x + g.gap, area.Min.y), ImVec2(area.Max.x, pad.Max.y)), t, act);
  // Edit keys.
  const float y = area.Max.y - g.key_h;
  float x = area.Min.x;
  auto next = [&](float n) {
    ImRect r(ImVec2(x, y), ImVec2(x + units(g, n), y + g.key_h));
    x += units(g, n) + g.gap;
    return r;
  };
  if (key("kb.hw.undo", next(1.5f), ICON_UNDO, KeyStyle::special, !st.strokes.empty())) {
    st.strokes.pop_back();
    recognize(st, pad.GetSize());
  }
  if (key("kb.hw.clear", next(1.5f), tr("kb.clear"), KeyStyle::special, !st.strokes.empty())) {
    st.strokes.clear();
    st.hw_candidates.clear();
  }
  if (key("kb.space", next(3), tr("kb.space"), KeyStyle::letter)) insert(t, " ", act);
  if (key("kb.key.，", next(1), "，", KeyStyle::letter)) insert(t, "，", act);
  if (key("kb.key.。", next(1), "。", KeyStyle::letter)) insert(t, "。", act);
  for (int n = backspace_key(st, "kb.backspace", next(1)); n > 0; --n) backspace(t, act);
  ImRect enter(ImVec2(x, y), ImVec2(area.Max.x, y + g.key_h));
  bool multi = t.kind == FieldKind::multiline;
  if (key("kb.enter", enter, multi ? ICON_KEYBOARD_RETURN : tr("kb.done"), KeyStyle::accent)) {
    if (multi)
      insert(t, "\n", act);
    else
      act = KeyboardAction::enter;
  }
}

// -----------------------------------------------------------------------------
// [SECTION] Letter and symbol keys
// -----------------------------------------------------------------------------

// What the letter and symbol keys type into this frame, and how.
struct Typing {
  KeyboardState& st;
  EditTarget& t;
  KeyboardAction& act;
  bool live_pinyin;  // letters go to the pinyin engine
  bool caps_on;      // ABC with shift or caps lock

  void edited() { act = act == KeyboardAction::none ? KeyboardAction::edited : act; }

  void letter(const std::string& ch) {
    if (live_pinyin && ch.size() == 1 && ch[0] >= 'a' && ch[0] <= 'z') {
      insert(t, st.pinyin->press(ch[0]), act);
      edited();
      return;
    }
    insert(t, caps_on ? upper(ch) : ch, act);
    if (st.shift && !st.caps) st.shift = false;
  }

  // Punctuation ends the composition first, then types itself.
  void punctuation(const char* p) {
    if (live_pinyin) commit_composition(st, t, act);
    insert(t, p, act);
  }

  // Backspace takes back a pinyin letter while composing, else a character of the field.
  void take_back(int n) {
    for (; n > 0; --n) {
      if (live_pinyin && st.pinyin->composing()) {
        st.pinyin->press('\b');
        edited();
      } else {
        backspace(t, act);
      }
    }
  }

  void space_bar() {
    if (live_pinyin && st.pinyin->composing())
      commit_composition(st, t, act);
    else
      insert(t, " ", act);
  }

  void enter() {
    if (live_pinyin && st.pinyin->composing()) {
      // Enter types the letters as they are, like a phone's pinyin keyboard.
      std::string letters_typed;
      for (char ch : st.pinyin->composition().preedit)
        if (ch != ' ' && ch != '\'') letters_typed += ch;
      st.pinyin->reset();
      insert(t, letters_typed, act);
    } else if (t.kind == FieldKind::multiline) {
      insert(t, "\n", act);
    } else {
      act = KeyboardAction::enter;
    }
  }
};

float row_y(const Geometry& g, const ImRect& area, int r) { return area.Min.y + r * (g.key_h + g.gap); }

void draw_row(Typing& ty, const Geometry& g, const ImRect& area, int r, const std::vector<std::string>& keys,
              float indent) {
  float x = area.Min.x + indent;
  const float y = row_y(g, area, r);
  for (const std::string& k : keys) {
    ImRect kr(ImVec2(x, y), ImVec2(x + g.unit, y + g.key_h));
    std::string id = "kb.key." + k;
    std::string label = ty.caps_on ? upper(k) : k;
    if (key(id.c_str(), kr, label, KeyStyle::letter)) ty.letter(k);
    x += g.unit + g.gap;
  }
}

// The key left of the third row: 1.5 units.
ImRect third_row_left(const Geometry& g, const ImRect& area) {
  return ImRect(ImVec2(area.Min.x, row_y(g, area, 2)), ImVec2(area.Min.x + units(g, 1.5f), row_y(g, area, 2) + g.key_h));
}

// QWERTY, and shift (a double tap locks capitals; ABC only).
void letter_rows(Typing& ty, KeyboardMode mode, const Geometry& g, const ImRect& area) {
  static const char* abc[3] = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};
  auto split = [](const char* s) {
    std::vector<std::string> v;
    for (const char* c = s; *c; ++c) v.emplace_back(1, *c);
    return v;
  };
  draw_row(ty, g, area, 0, split(abc[0]), 0);
  draw_row(ty, g, area, 1, split(abc[1]), (g.unit + g.gap) * 0.5f);
  draw_row(ty, g, area, 2, split(abc[2]), units(g, 1.5f) + g.gap);
  KeyboardState& st = ty.st;
  const char* shift_icon = st.caps ? ICON_KEYBOARD_CAPSLOCK : ICON_ARROW_UPWARD;
  if (key("kb.shift", third_row_left(g, area), shift_icon, KeyStyle::special, mode == KeyboardMode::abc,
          st.shift || st.caps)) {
    double now = ui().time_s;
    if (st.caps) {
      st.caps = st.shift = false;
    } else if (st.shift && now - st.last_shift_s < 0.45) {
      st.caps = true;  // a double tap locks capitals
    } else {
      st.shift = !st.shift;
    }
    st.last_shift_s = now;
  }
}

// Two pages of digits and symbols, and the key that turns the page.
void symbol_rows(Typing& ty, const Geometry& g, const ImRect& area) {
  static const char* sym0[3][10] = {{"1", "2", "3", "4", "5", "6", "7", "8", "9", "0"},
                                    {"-", "/", ":", ";", "(", ")", "¥", "@", "\"", "&"},
                                    {".", ",", "?", "!", "'", "%", "*", nullptr}};
  static const char* sym1[3][10] = {{"[", "]", "{", "}", "#", "^", "+", "=", "<", ">"},
                                    {"_", "\\", "|", "~", "$", "€", "£", "•", "…", "·"},
                                    {".", ",", "?", "!", "'", "\"", "%", nullptr}};
  auto list = [](const char* const* a) {
    std::vector<std::string> v;
    for (int i = 0; i < 10 && a[i]; ++i) v.emplace_back(a[i]);
    return v;
  };
  int& page = ty.st.symbol_page;
  const auto& rows = page == 0 ? sym0 : sym1;
  draw_row(ty, g, area, 0, list(rows[0]), 0);
  draw_row(ty, g, area, 1, list(rows[1]), 0);
  draw_row(ty, g, area, 2, list(rows[2]), units(g, 1.5f) + g.gap);
  if (key("kb.sym", third_row_left(g, area), page == 0 ? "#+=" : "123", KeyStyle::special)) page ^= 1;
}

// Punctuation, space, punctuation, enter; Chinese punctuation with pinyin.
void bottom_row(Typing& ty, KeyboardMode mode, const Geometry& g, const ImRect& area) {
  const bool zh_punct = mode == KeyboardMode::pinyin;
  float x = area.Min.x;
  const float y = row_y(g, area, 3);
  auto next = [&](float n) {
    ImRect r(ImVec2(x, y), ImVec2(x + units(g, n), y + g.key_h));
    x += units(g, n) + g.gap;
    return r;
  };
  auto punctuation = [&](const char* id, const char* p) {
    if (key(id, next(1), p, KeyStyle::special)) ty.punctuation(p);
  };
  punctuation("kb.key.comma", zh_punct ? "，" : ",");
  if (zh_punct) punctuation("kb.key.、", "、");
  if (key("kb.space", next(zh_punct ? 4 : 5), tr("kb.space"), KeyStyle::letter)) ty.space_bar();
  punctuation("kb.key.period", zh_punct ? "。" : ".");
  if (zh_punct) punctuation("kb.key.？", "？");
  ImRect enter(ImVec2(x, y), ImVec2(area.Max.x, y + g.key_h));
  const bool multi = ty.t.kind == FieldKind::multiline;
  if (key("kb.enter", enter, multi ? ICON_KEYBOARD_RETURN : tr("kb.done"), KeyStyle::accent)) ty.enter();
}

void draw_keys(KeyboardState& st, KeyboardMode mode, const Geometry& g, const ImRect& area, EditTarget& t,
               KeyboardAction& act) {
  Typing ty{st, t, act, pinyin_live(st, mode), mode == KeyboardMode::abc && (st.shift || st.caps)};
  if (mode == KeyboardMode::abc || mode == KeyboardMode::pinyin)
    letter_rows(ty, mode, g, area);
  else
    symbol_rows(ty, g, area);
  ImRect bs(ImVec2(area.Max.x - units(g, 1.5f), row_y(g, area, 2)), ImVec2(area.Max.x, row_y(g, area, 2) + g.key_h));
  ty.take_back(backspace_key(st, "kb.backspace", bs));
  bottom_row(ty, mode, g, area);
}

}  // namespace

// -----------------------------------------------------------------------------
// [SECTION] The keyboard: height, tray, layout per mode
// -----------------------------------------------------------------------------

float keyboard_height(const KeyboardState& st, FieldKind kind, ImVec2 display) {
  KeyboardMode mode = effective_mode(st, kind);
  Geometry g = geometry(mode, display);
  float h = g.pad + g.top_h + g.gap;
  if (mode == KeyboardMode::keypad) return h + 4 * g.key_h + 3 * g.gap + g.pad + 4;
  if (g.strip_h > 0 && mode == KeyboardMode::pinyin) h += g.strip_h + g.gap;
  if (mode == KeyboardMode::handwriting) h += g.strip_h + g.gap;
  return h + 4 * g.key_h + 3 * g.gap + g.pad + 4;
}

KeyboardAction keyboard(KeyboardState& st, EditTarget& target, const ImRect& area) {
  KeyboardMode mode = effective_mode(st, target.kind);
  Geometry g = geometry(mode, ui().display);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  KeyboardAction act = KeyboardAction::none;

  // The tray: a panel across the bottom with a soft edge above it.
  for (int i = 0; i < 6; ++i)
    dl->AddRectFilled(ImVec2(area.Min.x, area.Min.y - 6 + i), ImVec2(area.Max.x, area.Min.y - 5 + i),
                      IM_COL32(0x10, 0x20, 0x40, 3 + i * 3));
  dl->AddRectFilled(area.Min, area.Max, IM_COL32(0xE4, 0xE9, 0xF0, 0xFF));
  // Swallow taps on the tray between keys so they do not reach what is behind.
  ImGui::ItemAdd(area, ImGui::GetID("kb.tray"));

  const float x0 = area.GetCenter().x - g.width * 0.5f;
  float y = area.Min.y + g.pad;
  ImRect bar(ImVec2(x0, y), ImVec2(x0 + g.width, y + g.top_h));
  y += g.top_h + g.gap;
  if (mode == KeyboardMode::keypad) {
    draw_top_bar(st, mode, g, bar, act, target);
    draw_keypad(st, g, ImRect(ImVec2(x0, y), ImVec2(x0 + g.width, area.Max.y - g.pad)), target, act);
    return act;
  }
  if (mode == KeyboardMode::handwriting) {
    draw_top_bar(st, mode, g, bar, act, target);
    ImRect hw(ImVec2(x0, y), ImVec2(x0 + g.width, y + g.strip_h + g.gap + 4 * g.key_h + 3 * g.gap));
    draw_handwriting(st, g, hw, target, act);
    return act;
  }
  const ImRect strip(ImVec2(x0, y), ImVec2(x0 + g.width, y + g.strip_h));
  if (mode == KeyboardMode::pinyin) y += g.strip_h + g.gap;
  // The keys first, then what they change (the composition in the bar, the
  // candidates): a key's candidates show in the frame of the key itself.
  const KeyboardMode mode_before = st.text_mode;
  draw_keys(st, mode, g, ImRect(ImVec2(x0, y), ImVec2(x0 + g.width, y + 4 * g.key_h + 3 * g.gap)), target, act);
  draw_top_bar(st, mode, g, bar, act, target);
  if (mode == KeyboardMode::pinyin && st.text_mode == mode_before) draw_pinyin_strip(st, g, strip, target, act);
  return act;
}

std::string keyboard_preedit(const KeyboardState& st) {
  if (st.text_mode != KeyboardMode::pinyin || !st.pinyin || !st.pinyin->composing()) return {};
  return st.pinyin->composition().preedit;
}

}  // namespace odr::kiosk
