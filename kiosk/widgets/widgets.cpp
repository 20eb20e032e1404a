#include "widgets/widgets.h"

#include <algorithm>
#include <cmath>

#include "util/utf8.h"
#include "widgets/hit.h"
#include "widgets/icons.h"

namespace odr::kiosk {

// --- layout -----------------------------------------------------------------

ImRect take(ImVec2 size) {
  ImGuiWindow* w = ImGui::GetCurrentWindow();
  ImVec2 p = w->DC.CursorPos;
  ImRect r(p, ImVec2(p.x + size.x, p.y + size.y));
  ImGui::ItemSize(size);
  return r;
}

ImRect take_row(float height) { return take(ImVec2(avail_width(), height)); }

void space(float height) { ImGui::ItemSize(ImVec2(1, height)); }

float avail_width() { return ui().column_w > 0 ? ui().column_w : ImGui::GetContentRegionAvail().x; }

// --- interaction ------------------------------------------------------------

bool pressable(const char* id, const ImRect& bb, bool enabled, bool* held, bool selected) {
  ImGuiWindow* w = ImGui::GetCurrentWindow();
  const ImGuiID gid = w->GetID(id);
  if (held) *held = false;
  if (!ImGui::ItemAdd(bb, gid)) return false;
  hit_add(id, bb.Min, bb.Max, enabled, selected, true);
  bool hovered = false, is_held = false;
  bool pressed = ImGui::ButtonBehavior(bb, gid, &hovered, &is_held, 0);
  // A press that began while the screen was new was meant for the one before.
  const bool guarded = ImGui::GetIO().MouseClickedTime[0] < ui().guard_until_s;
  if (guarded) pressed = is_held = false;
  if (held) *held = enabled && is_held && hovered;
  if (pressed && !enabled) ui().disabled_tap_id = id;
  return pressed && enabled;
}

// --- text -------------------------------------------------------------------

namespace {
void draw_text_sized(ImDrawList* dl, ImFont* f, float size, ImVec2 pos, ImU32 col, std::string_view s) {
  if (s.empty() || !f) return;
  // Fonts of the display atlas live in another texture.
  const ImTextureID tex = f->ContainerAtlas->TexID;
  const bool other = tex != dl->_CmdHeader.TextureId;
  if (other) dl->PushTextureID(tex);
  const ImVec2 at(IM_FLOOR(pos.x), IM_FLOOR(pos.y));
  dl->AddText(f, size, at, col, s.data(), s.data() + s.size());
  if (other) dl->PopTextureID();
  if (std::vector<TextDraw>* log = ui().text_log) {
    const ImVec4& c = dl->_ClipRectStack.back();
    log->push_back(TextDraw{at, f->CalcTextSizeA(size, FLT_MAX, 0, s.data(), s.data() + s.size()), size, col,
                            ImRect(c.x, c.y, c.z, c.w), std::string(s)});
  }
}
}  // namespace

void draw_text(ImDrawList* dl, ImFont* f, ImVec2 pos, ImU32 col, std::string_view s) {
  if (f) draw_text_sized(dl, f, f->FontSize, pos, col, s);
}

ImVec2 measure(ImFont* f, std::string_view s) {
  // An empty view may have no data pointer, which ImGui would read as "up to the NUL".
  if (!f || s.empty()) return ImVec2(0, f ? f->FontSize : 0);
  return f->CalcTextSizeA(f->FontSize, FLT_MAX, 0, s.data(), s.data() + s.size());
}

namespace {

bool is_cjk(char32_t c) {
  return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF00 && c <= 0xFFEF) ||
         (c >= 0x3000 && c <= 0x303F);
}
bool no_line_start(char32_t c) {
  static const std::u32string_view k = U"，。、；：？！）》」』”’〕】…,.;:?!)]}%";
  return k.find(c) != std::u32string_view::npos;
}
bool no_line_end(char32_t c) {
  static const std::u32string_view k = U"（《「『“‘〔【([{¥$";
  return k.find(c) != std::u32string_view::npos;
}
bool can_break_before(char32_t prev, char32_t c) {
  if (no_line_start(c) || no_line_end(prev) || c == ' ') return false;
  if (prev == ' ' || prev == '-' || prev == '/') return true;
  return is_cjk(prev) || is_cjk(c);
}

}  // namespace

std::vector<TextLine> wrap_text(ImFont* f, std::string_view s, float width) {
  std::vector<TextLine> lines;
  if (!f) return lines;
  size_t start = 0, i = 0, brk = std::string_view::npos;
  float x = 0, x_at_brk = 0;
  char32_t prev = 0;
  auto push = [&](size_t end, float w) {
    // Trailing spaces take no room at the end of a line.
    size_t e = end;
    while (e > start && s[e - 1] == ' ') {
      --e;
      w -= f->GetCharAdvance(' ');
    }
    lines.push_back(TextLine{start, e, std::max(0.0f, w)});
  };
  while (i < s.size()) {
    size_t b = i;
    char32_t c = next_codepoint(s, i);
    if (c == '\n') {
      push(b, x);
      start = i;
      x = 0;
      brk = std::string_view::npos;
      prev = 0;
      continue;
    }
    if (c == '\r') continue;
    float adv = f->GetCharAdvance(c <= 0xFFFF ? static_cast<ImWchar>(c) : static_cast<ImWchar>(0xFFFD));
    if (b > start && can_break_before(prev, c)) {
      brk = b;
      x_at_brk = x;
    }
    if (x + adv > width && b > start && c != ' ') {
      size_t end = (brk != std::string_view::npos && brk > start) ? brk : b;
      float w = (end == brk) ? x_at_brk : x;
      push(end, w);
      start = end;
      while (start < s.size() && s[start] == ' ') ++start;
      i = start;
      x = 0;
      brk = std::string_view::npos;
      prev = 0;
      continue;
    }
    x += adv;
    prev = c;
  }
  if (start < s.size() || lines.empty() || (!s.empty() && s.back() == '\n')) push(s.size(), x);
  return lines;
}

float line_height(ImFont* f) { return f ? IM_ROUND(f->FontSize * 1.08f) : 0; }

float wrapped_height(ImFont* f, std::string_view s, float width) {
  return static_cast<float>(wrap_text(f, s, width).size()) * line_height(f);
}

float draw_wrapped(ImDrawList* dl, ImFont* f, ImVec2 pos, float width, ImU32 col, std::string_view s) {
  std::vector<TextLine> lines = wrap_text(f, s, width);
  float y = pos.y;
  for (const TextLine& l : lines) {
    draw_text(dl, f, ImVec2(pos.x, y), col, s.substr(l.begin, l.end - l.begin));
    y += line_height(f);
  }
  return y - pos.y;
}

void text_block(FontRole role, std::string_view s, ImU32 col, float width) {
  ImFont* f = font_for(role, s);
  if (width <= 0) width = avail_width();
  float h = wrapped_height(f, s, width);
  ImRect r = take(ImVec2(width, h));
  draw_wrapped(ImGui::GetWindowDrawList(), f, r.Min, width, col, s);
}

void draw_text_centered(ImDrawList* dl, ImFont* f, const ImRect& r, ImU32 col, std::string_view s) {
  ImVec2 sz = measure(f, s);
  draw_text(dl, f, ImVec2(r.Min.x + (r.GetWidth() - sz.x) * 0.5f, r.Min.y + (r.GetHeight() - sz.y) * 0.5f), col, s);
}

void draw_text_centered_sized(ImDrawList* dl, ImFont* f, float size, const ImRect& r, ImU32 col, std::string_view s) {
  if (s.empty() || !f) return;
  const ImVec2 sz = f->CalcTextSizeA(size, FLT_MAX, 0, s.data(), s.data() + s.size());
  draw_text_sized(dl, f, size, ImVec2(r.Min.x + (r.GetWidth() - sz.x) * 0.5f, r.Min.y + (r.GetHeight() - sz.y) * 0.5f), col, s);
}

void draw_icon_centered(ImDrawList* dl, ImFont* f, ImVec2 center, ImU32 col, const char* icon) {
  size_t i = 0;
  char32_t c = next_codepoint(icon, i);
  const ImFontGlyph* g = f->FindGlyph(static_cast<ImWchar>(c));
  if (!g) return;
  const float w = g->X1 - g->X0, h = g->Y1 - g->Y0;
  draw_text(dl, f, ImVec2(IM_ROUND(center.x - w * 0.5f - g->X0), IM_ROUND(center.y - h * 0.5f - g->Y0)), col, icon);
}

std::string ellipsize(ImFont* f, std::string_view s, float width) {
  if (measure(f, s).x <= width) return std::string(s);
  std::string out(s);
  const float ell = measure(f, "…").x;
  while (!out.empty() && measure(f, out).x + ell > width) pop_codepoint(out);
  return out + "…";
}

FittedText fit_text(ImFont* f, std::string_view s, float width, float min_scale) {
  FittedText t{std::string(s), f ? f->FontSize : 0, measure(f, s)};
  if (!f || t.extent.x <= width || s.empty()) return t;
  t.size = f->FontSize * std::max(min_scale, width / t.extent.x);
  auto extent = [&](std::string_view x) { return f->CalcTextSizeA(t.size, FLT_MAX, 0, x.data(), x.data() + x.size()); };
  t.extent = extent(t.text);
  if (t.extent.x <= width) return t;
  const float ell = extent("…").x;
  while (!t.text.empty() && extent(t.text).x + ell > width) pop_codepoint(t.text);
  t.text += "…";
  t.extent = extent(t.text);
  return t;
}

void draw_fitted(ImDrawList* dl, ImFont* f, ImVec2 pos, ImU32 col, const FittedText& t) {
  if (f) draw_text_sized(dl, f, t.size, ImVec2(pos.x, pos.y + (f->FontSize - t.size) * 0.5f), col, t.text);
}

// --- surfaces ---------------------------------------------------------------

void draw_shadow(ImDrawList* dl, const ImRect& r, float radius, float strength) {
  // Three soft layers below the card: cheap, and reads as elevation.
  static const float grow[] = {1.5f, 4.0f, 8.0f};
  static const float alpha[] = {18, 10, 5};
  for (int i = 2; i >= 0; --i) {
    ImRect s(r.Min.x - grow[i], r.Min.y - grow[i] + grow[i] * 0.6f, r.Max.x + grow[i], r.Max.y + grow[i] * 1.2f);
    dl->AddRectFilled(s.Min, s.Max, IM_COL32(0x10, 0x22, 0x48, static_cast<int>(alpha[i] * strength)),
                      radius + grow[i]);
  }
}

void draw_card(ImDrawList* dl, const ImRect& r, ImU32 fill, float radius, bool shadow, ImU32 border, float border_w) {
  if (shadow) draw_shadow(dl, r, radius);
  dl->AddRectFilled(r.Min, r.Max, fill, radius);
  if (border) {
    float h = border_w * 0.5f;
    dl->AddRect(ImVec2(r.Min.x + h, r.Min.y + h), ImVec2(r.Max.x - h, r.Max.y - h), border, radius - h, 0, border_w);
  }
}

// --- controls ---------------------------------------------------------------

namespace {

struct Look {
  ImU32 fill, text, border;
};

Look button_look(ButtonStyle style, bool enabled, bool held) {
  const Palette& p = ui().pal;
  if (!enabled) {
    if (style == ButtonStyle::ghost) return {0, p.disabled_text, 0};
    return {p.disabled_bg, p.disabled_text, 0};
  }
  switch (style) {
    case ButtonStyle::primary: return {held ? p.accent_pressed : p.accent, p.on_accent, 0};
    case ButtonStyle::secondary: return {held ? p.pressed : p.surface, p.accent, p.border};
    // A ghost is only its label; in elderly mode it shows its edge too.
    case ButtonStyle::ghost: return {held ? p.pressed : 0u, p.accent, ui().large ? p.outline : 0u};
    case ButtonStyle::danger: return {held ? IM_COL32(0x8E, 0x1B, 0x12, 0xFF) : p.error, p.on_accent, 0};
  }
  return {p.accent, p.on_accent, 0};
}

}  // namespace

float button_width(std::string_view label, const char* icon) {
  ImFont* f = font_for(FontRole::body, label);
  float w = measure(f, label).x + ui().m.button_h * 0.7f;
  if (icon) w += measure(f, icon).x + 12;
  return w;
}

bool button(const char* id, const ImRect& r, std::string_view label, const char* icon, ButtonStyle style,
            bool enabled, FontRole role) {
  bool held = false;
  bool pressed = pressable(id, r, enabled, &held);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  Look k = button_look(style, enabled, held);
  const float rad = ui().m.radius;
  if (style == ButtonStyle::primary && enabled && !held) draw_shadow(dl, r, rad, 1.2f);
  if (k.fill) dl->AddRectFilled(r.Min, r.Max, k.fill, rad);
  if (k.border) dl->AddRect(ImVec2(r.Min.x + 1, r.Min.y + 1), ImVec2(r.Max.x - 1, r.Max.y - 1), k.border, rad, 0, 2);
  ImFont* f = font_for(role, label);
  float iw = icon ? measure(f, icon).x : 0;
  float gap = icon && !label.empty() ? 12 : 0;
  const FittedText shown = fit_text(f, label, r.GetWidth() - 24 - iw - gap);
  float total = std::min(shown.extent.x + iw + gap, r.GetWidth() - 24);
  float x = r.Min.x + (r.GetWidth() - total) * 0.5f;
  float y = r.Min.y + (r.GetHeight() - f->FontSize) * 0.5f + (held ? 1 : 0);
  if (icon) draw_text(dl, f, ImVec2(x, y), k.text, icon);
  draw_fitted(dl, f, ImVec2(x + iw + gap, y), k.text, shown);
  return pressed;
}

bool icon_button(const char* id, const ImRect& r, const char* icon, ButtonStyle style, bool enabled) {
  bool held = false;
  bool pressed = pressable(id, r, enabled, &held);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  Look k = button_look(style, enabled, held);
  float rad = std::min(ui().m.radius, r.GetHeight() * 0.5f);
  if (k.fill) dl->AddRectFilled(r.Min, r.Max, k.fill, rad);
  if (k.border) dl->AddRect(ImVec2(r.Min.x + 1, r.Min.y + 1), ImVec2(r.Max.x - 1, r.Max.y - 1), k.border, rad, 0, 2);
  draw_text_centered(dl, font(FontRole::body), r, k.text, icon);
  return pressed;
}

float chip_width(std::string_view label, bool with_check) {
  ImFont* f = font_for(FontRole::body, label);
  float w = measure(f, label).x + 56;
  if (with_check) w += measure(f, ICON_CHECK_BOX).x + 12;
  return w;
}

bool chip(const char* id, const ImRect& r, std::string_view label, bool selected, bool with_check) {
  const Palette& p = ui().pal;
  bool held = false;
  bool pressed = pressable(id, r, true, &held, selected);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float rad = r.GetHeight() * 0.5f;
  ImU32 fill = selected ? p.accent_soft : p.surface;
  if (held) fill = p.pressed;
  dl->AddRectFilled(r.Min, r.Max, fill, rad);
  ImU32 border = selected ? p.accent : p.border;
  float bw = selected ? 3.0f : 2.0f;
  dl->AddRect(ImVec2(r.Min.x + bw * 0.5f, r.Min.y + bw * 0.5f), ImVec2(r.Max.x - bw * 0.5f, r.Max.y - bw * 0.5f),
              border, rad, 0, bw);
  ImFont* f = font_for(FontRole::body, label);
  float y = r.Min.y + (r.GetHeight() - f->FontSize) * 0.5f;
  float x = r.Min.x + 28;
  if (with_check) {
    const char* icon = selected ? ICON_CHECK_BOX : ICON_CHECK_BOX_OUTLINE_BLANK;
    draw_text(dl, font(FontRole::body), ImVec2(x, y), selected ? p.accent : p.text_muted, icon);
    x += measure(font(FontRole::body), icon).x + 12;
  }
  draw_fitted(dl, f, ImVec2(x, y), selected ? p.accent_pressed : p.text, fit_text(f, label, r.Max.x - x - 20));
  return pressed;
}

int chip_grid(const std::vector<ChipItem>& items, bool with_check, int columns) {
  const Metrics& m = ui().m;
  const float width = avail_width();
  const float gap = IM_ROUND(m.gap * 0.66f);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  int tapped = -1;
  float x = 0, y = 0;
  const float col_w = columns > 0 ? (width - gap * (columns - 1)) / columns : 0;
  for (size_t i = 0; i < items.size(); ++i) {
    float w = columns > 0 ? col_w : std::min(width, chip_width(items[i].label, with_check));
    if (x > 0 && x + w > width + 0.5f) {
      x = 0;
      y += m.chip_h + gap;
    }
    ImRect r(ImVec2(origin.x + x, origin.y + y), ImVec2(origin.x + x + w, origin.y + y + m.chip_h));
    if (chip(items[i].id.c_str(), r, items[i].label, items[i].selected, with_check)) tapped = static_cast<int>(i);
    x += w + gap;
  }
  ImGui::SetCursorScreenPos(origin);
  take(ImVec2(width, items.empty() ? 0 : y + m.chip_h));
  return tapped;
}

bool choice_card(const char* id, const ImRect& r, const char* icon, std::string_view title, std::string_view sub,
                 bool selected) {
  const Palette& p = ui().pal;
  const Metrics& m = ui().m;
  bool held = false;
  bool pressed = pressable(id, r, true, &held, selected);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImU32 fill = selected ? p.accent_soft : (held ? p.pressed : p.surface);
  draw_card(dl, r, fill, m.card_radius, !selected, selected ? p.accent : p.border, selected ? 3.0f : ui().large ? 2.0f : 1.5f);
  ImFont* f = font(FontRole::body);
  float pad = 28;
  float x = r.Min.x + pad;
  if (icon) {
    float d = std::min(r.GetHeight() - 2 * pad, 76.0f * m.s);
    ImVec2 c(x + d * 0.5f, r.GetCenter().y);
    dl->AddCircleFilled(c, d * 0.5f, selected ? p.accent : p.accent_soft, 40);
    draw_icon_centered(dl, f, c, selected ? p.on_accent : p.accent, icon);
    x += d + 24;
  }
  float right = r.Max.x - pad - (selected ? 44 : 0);
  ImFont* ft = font_for(FontRole::body, title);
  ImFont* fs = font_for(FontRole::body, sub);
  float th = line_height(ft), sh = sub.empty() ? 0 : line_height(fs);
  float y = r.GetCenter().y - (th + sh) * 0.5f;
  draw_fitted(dl, ft, ImVec2(x, y), p.text, fit_text(ft, title, right - x));
  if (!sub.empty()) draw_fitted(dl, fs, ImVec2(x, y + th), p.text_muted, fit_text(fs, sub, right - x));
  if (selected) {
    ImVec2 cs = measure(f, ICON_CHECK_CIRCLE);
    draw_text(dl, f, ImVec2(r.Max.x - pad - cs.x, r.GetCenter().y - f->FontSize * 0.5f), p.accent, ICON_CHECK_CIRCLE);
  }
  return pressed;
}

bool checkbox_card(const char* id, float width, std::string_view text, bool checked, bool error) {
  const Palette& p = ui().pal;
  const Metrics& m = ui().m;
  ImFont* fi = font(FontRole::body);
  ImFont* f = font_for(FontRole::body, text);
  const float pad = 28;
  const float iw = measure(fi, ICON_CHECK_BOX).x;
  const float text_w = width - pad * 2 - iw - 20;
  const float h = std::max(m.chip_h + 16, wrapped_height(f, text, text_w) + pad * 2);
  ImRect r = take(ImVec2(width, h));
  bool held = false;
  bool pressed = pressable(id, r, true, &held, checked);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImU32 fill = checked ? p.accent_soft : (held ? p.pressed : p.surface);
  ImU32 border = checked ? p.accent : (error ? p.error : p.border);
  draw_card(dl, r, fill, m.card_radius, false, border, checked || error ? 3.0f : 2.0f);
  const char* icon = checked ? ICON_CHECK_BOX : ICON_CHECK_BOX_OUTLINE_BLANK;
  float lh = line_height(f);
  draw_text(dl, fi, ImVec2(r.Min.x + pad, r.Min.y + pad + (lh - fi->FontSize) * 0.5f), checked ? p.accent : p.text_muted,
            icon);
  draw_wrapped(dl, f, ImVec2(r.Min.x + pad + iw + 20, r.Min.y + pad), text_w, p.text, text);
  return pressed;
}

void section_title(std::string_view title, std::string_view sub) {
  const Palette& p = ui().pal;
  text_block(FontRole::title, title, p.text);
  if (!sub.empty()) {
    space(6);
    text_block(FontRole::body, sub, p.text_muted);
  }
  space(ui().m.gap);
}

void message_line(const char* icon, std::string_view text, ImU32 col, float width) {
  if (width <= 0) width = avail_width();
  ImFont* fi = font(FontRole::body);
  ImFont* f = font_for(FontRole::body, text);
  float iw = icon ? measure(fi, icon).x + 10 : 0;
  float h = wrapped_height(f, text, width - iw);
  ImRect r = take(ImVec2(width, h));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  if (icon) draw_text(dl, fi, r.Min, col, icon);
  draw_wrapped(dl, f, ImVec2(r.Min.x + iw, r.Min.y), width - iw, col, text);
}

void step_indicator(const ImRect& r, int current, int count, const std::vector<std::string>& labels) {
  const Palette& p = ui().pal;
  const Metrics& m = ui().m;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImFont* f = font(FontRole::body);
  const bool with_labels = !labels.empty();
  const float d = IM_ROUND(46 * std::min(m.s, 1.1f));
  const float seg = r.GetWidth() / count;
  const float cy = with_labels ? r.Min.y + d * 0.5f + 6 : r.GetCenter().y;
  // The line behind the dots: accent up to the current step.
  for (int i = 0; i + 1 < count; ++i) {
    float x0 = r.Min.x + seg * (i + 0.5f) + d * 0.5f + 6, x1 = r.Min.x + seg * (i + 1.5f) - d * 0.5f - 6;
    dl->AddLine(ImVec2(x0, cy), ImVec2(x1, cy), i < current ? p.accent : p.border, 4);
  }
  for (int i = 0; i < count; ++i) {
    ImVec2 c(r.Min.x + seg * (i + 0.5f), cy);
    if (i < current) {
      dl->AddCircleFilled(c, d * 0.5f, p.accent, 40);
      draw_icon_centered(dl, f, c, p.on_accent, ICON_CHECK);
    } else if (i == current) {
      dl->AddCircleFilled(c, d * 0.5f + 7, p.accent_soft, 40);
      dl->AddCircleFilled(c, d * 0.5f, p.accent, 40);
    } else {
      dl->AddCircleFilled(c, d * 0.5f, p.surface, 40);
      dl->AddCircle(c, d * 0.5f - 1, p.border, 40, 2.5f);
    }
    if (i >= current) {
      std::string n = std::to_string(i + 1);
      ImVec2 s = measure(f, n);
      draw_text(dl, f, ImVec2(c.x - s.x * 0.5f, c.y - f->FontSize * 0.5f), i == current ? p.on_accent : p.text_muted,
                n);
    }
    // Every step's name where there is room; on a narrow (portrait) screen
    // only the current one's, under its dot, kept inside the row.
    const bool each = seg >= 170;
    if (with_labels && i < static_cast<int>(labels.size()) && (each || i == current)) {
      ImFont* fl = font_for(FontRole::body, labels[i]);
      const FittedText l = fit_text(fl, labels[i], each ? seg - 12 : r.GetWidth(), 0.7f);
      const float lx = std::clamp(c.x - l.extent.x * 0.5f, r.Min.x, r.Max.x - l.extent.x);
      draw_fitted(dl, fl, ImVec2(lx, cy + d * 0.5f + 6), i == current ? p.text : p.text_muted, l);
    }
  }
}

// --- scrolling --------------------------------------------------------------

namespace {

// A screen opens at its top, whatever the last visitor left: the child
// window's scroll and drag state go before it is drawn. (The name is the one
// ImGui 1.86's BeginChild gives a child window.)
void reset_scroll(const char* id) {
  ImGuiWindow* parent = ImGui::GetCurrentWindow();
  char title[256];
  ImFormatString(title, IM_ARRAYSIZE(title), "%s/%s_%08X", parent->Name, id, parent->GetID(id));
  if (ImGuiWindow* w = ImGui::FindWindowByName(title)) {
    w->Scroll = ImVec2(0, 0);
    w->StateStorage.SetFloat(w->GetID("#vel"), 0);  // no glide left over either
  }
}

}  // namespace

void begin_scroll(const char* id, const ImRect& r) {
  if (ui().screen_fresh) reset_scroll(id);
  ImGui::SetCursorScreenPos(r.Min);
  ImGui::BeginChild(id, r.GetSize(), false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoBackground);
}

void scroll_into_view(float min_y, float max_y) {
  ImGuiWindow* w = ImGui::GetCurrentWindow();
  const float margin = ui().m.gap;
  const float top = w->InnerRect.Min.y, bottom = w->InnerRect.Max.y;
  float target = w->Scroll.y;
  if (max_y + margin > bottom) target += max_y + margin - bottom;
  if (min_y - margin < top + (target - w->Scroll.y)) target = w->Scroll.y - (top - (min_y - margin));
  if (target != w->Scroll.y) ImGui::SetScrollY(std::max(0.0f, target));
}

void end_scroll() {
  ImGuiWindow* w = ImGui::GetCurrentWindow();
  ui().scroll_y = w->Scroll.y;
  ImGuiIO& io = ImGui::GetIO();
  ImGuiStorage* st = ImGui::GetStateStorage();
  const ImGuiID k_active = w->GetID("#drag"), k_dragging = w->GetID("#dragging"), k_y = w->GetID("#y"),
                k_scroll = w->GetID("#scroll"), k_vel = w->GetID("#vel");
  const float max_scroll = w->ScrollMax.y;
  bool active = st->GetBool(k_active), dragging = st->GetBool(k_dragging);
  float vel = st->GetFloat(k_vel);
  const bool hovered =
      ImGui::IsWindowHovered(ImGuiHoveredFlags_ChildWindows | ImGuiHoveredFlags_AllowWhenBlockedByActiveItem);
  const float dt = std::max(io.DeltaTime, 1e-3f);
  if (io.MouseClicked[0] && hovered) {
    active = true;
    dragging = false;
    vel = 0;
    st->SetFloat(k_y, io.MousePos.y);
    st->SetFloat(k_scroll, w->Scroll.y);
  }
  if (active && io.MouseDown[0]) {
    float dy = io.MousePos.y - st->GetFloat(k_y);
    if (!dragging && std::fabs(dy) > io.MouseDragThreshold && max_scroll > 0) {
      // A drag, not a tap: the button under the finger must not fire.
      dragging = true;
      ImGui::ClearActiveID();
      st->SetFloat(k_y, io.MousePos.y);
      st->SetFloat(k_scroll, w->Scroll.y);
      dy = 0;
    }
    if (dragging) {
      float target = std::clamp(st->GetFloat(k_scroll) - dy, 0.0f, max_scroll);
      ImGui::SetScrollY(target);
      vel = vel * 0.6f + (-io.MouseDelta.y / dt) * 0.4f;
    }
  } else if (active) {
    active = false;
    if (!dragging) vel = 0;
    dragging = false;
    if (std::fabs(vel) > 30) ui().animating = true;  // inertia starts next frame
  } else if (std::fabs(vel) > 30) {
    // Inertia after the finger lifts.
    float target = w->Scroll.y + vel * dt;
    if (target <= 0 || target >= max_scroll) vel = 0;
    ImGui::SetScrollY(std::clamp(target, 0.0f, max_scroll));
    vel *= std::pow(0.04f, dt);
    ui().animating = true;
  } else {
    vel = 0;
  }
  st->SetBool(k_active, active);
  st->SetBool(k_dragging, dragging);
  st->SetFloat(k_vel, vel);

  // A thin bar that shows there is more below, and soft edges where content
  // runs under the fixed header and footer.
  if (max_scroll > 0.5f) {
    ImDrawList* dl = w->DrawList;
    const ImRect& in = w->InnerRect;
    const ImU32 bg = ui().pal.bg, clear = bg & 0x00FFFFFF;
    ImGui::PushClipRect(in.Min, in.Max, false);
    if (w->Scroll.y > 1)
      dl->AddRectFilledMultiColor(in.Min, ImVec2(in.Max.x, in.Min.y + 28), bg, bg, clear, clear);
    if (w->Scroll.y < max_scroll - 1)
      dl->AddRectFilledMultiColor(ImVec2(in.Min.x, in.Max.y - 28), in.Max, clear, clear, bg, bg);
    ImGui::PopClipRect();
    float track = in.GetHeight() - 16;
    float thumb = std::max(60.0f, track * in.GetHeight() / (in.GetHeight() + max_scroll));
    float t = w->Scroll.y / max_scroll;
    float y0 = in.Min.y + 8 + (track - thumb) * t;
    ImGui::PushClipRect(in.Min, in.Max, false);
    dl->AddRectFilled(ImVec2(in.Max.x - 10, y0), ImVec2(in.Max.x - 4, y0 + thumb), IM_COL32(0x16, 0x1E, 0x2E, 0x40), 3);
    ImGui::PopClipRect();
  }
  ImGui::EndChild();
}

}  // namespace odr::kiosk
