#include "widgets/text_field.h"

#include <algorithm>

#include "i18n/i18n.h"
#include "util/utf8.h"
#include "widgets/hit.h"
#include "widgets/icons.h"
#include "widgets/widgets.h"

namespace odr::kiosk {

bool uses_keypad(FieldKind k) { return k == FieldKind::phone || k == FieldKind::amount || k == FieldKind::digits; }

namespace {

// The label line, with "(optional)" after it when the field may stay empty.
void field_label(ImDrawList* dl, const TextFieldSpec& spec, float width) {
  if (spec.label.empty()) return;
  std::string label(spec.label);
  if (spec.optional) label += tr("field.optional_suffix");
  ImFont* fl = font_for(FontRole::body, label);
  ImRect lr = take(ImVec2(width, line_height(fl)));
  draw_text(dl, fl, lr.Min, ui().pal.text, label);
  space(8);
}

// The box: a soft ring when focused, a sunken fill while empty, a border in
// the accent (focused) or error colour.
void draw_box(ImDrawList* dl, const ImRect& box, bool focused, bool has_error, bool held, bool empty) {
  const Palette& p = ui().pal;
  const Metrics& m = ui().m;
  ImU32 border = focused ? p.accent : (has_error ? p.error : p.outline);
  if (focused) dl->AddRectFilled(ImVec2(box.Min.x - 5, box.Min.y - 5), ImVec2(box.Max.x + 5, box.Max.y + 5),
                                 p.accent_soft, m.radius + 5);
  dl->AddRectFilled(box.Min, box.Max, held ? p.pressed : (empty && !focused ? p.field_empty : p.surface), m.radius);
  float bw = focused || has_error ? 3.0f : 2.0f;
  dl->AddRect(ImVec2(box.Min.x + bw * 0.5f, box.Min.y + bw * 0.5f), ImVec2(box.Max.x - bw * 0.5f, box.Max.y - bw * 0.5f),
              border, m.radius, 0, bw);
}

// The icon and the prefix before the text; returns where the text starts.
float draw_leading(ImDrawList* dl, const TextFieldSpec& spec, ImFont* f, const ImRect& box, float box_h, float x,
                   float y0) {
  const Palette& p = ui().pal;
  ImFont* fb = font(FontRole::body);
  if (spec.icon) {
    draw_text(dl, fb, ImVec2(x, box.Min.y + (box_h - fb->FontSize) * 0.5f), p.text_muted, spec.icon);
    x += measure(fb, spec.icon).x + 14;
  }
  if (!spec.prefix.empty()) {
    draw_text(dl, f, ImVec2(x, y0), p.text, spec.prefix);
    x += measure(f, spec.prefix).x + 8;
  }
  return x;
}

// An empty field: the hint, and the caret before it when focused.
void draw_hint(ImDrawList* dl, const TextFieldSpec& spec, ImFont* f, ImVec2 at, float text_w, bool one_line,
               bool focused) {
  const Palette& p = ui().pal;
  ImFont* fh = font_for(FontRole::body, spec.hint);
  if (one_line)
    draw_text(dl, fh, at, p.placeholder, ellipsize(fh, spec.hint, text_w - 8));
  else
    draw_wrapped(dl, fh, at, text_w, p.placeholder, spec.hint);
  if (focused) dl->AddRectFilled(ImVec2(at.x, at.y + 2), ImVec2(at.x + 3, at.y + f->FontSize - 2), p.accent);
}

// One line of value then preedit (underlined, in the accent colour), moved
// left so that its end shows. Returns where the caret goes.
ImVec2 draw_one_line(ImDrawList* dl, ImFont* f, ImVec2 at, float text_w, std::string_view all, size_t pre_at) {
  const Palette& p = ui().pal;
  const std::string_view value = all.substr(0, pre_at), preedit = all.substr(pre_at);
  const float shift = std::max(0.0f, measure(f, all).x - (text_w - 8));
  const float cx = at.x - shift, cy = at.y;
  draw_text(dl, f, ImVec2(cx, cy), p.text, value);
  float vw = measure(f, value).x;
  if (!preedit.empty()) {
    draw_text(dl, f, ImVec2(cx + vw, cy), p.accent, preedit);
    float pw = measure(f, preedit).x;
    dl->AddLine(ImVec2(cx + vw, cy + f->FontSize - 3), ImVec2(cx + vw + pw, cy + f->FontSize - 3), p.accent, 2);
    vw += pw;
  }
  return ImVec2(cx + vw, cy);
}

// Several lines: the last `lines` of the wrapped text, each split at the
// preedit so the composition shows in the accent colour. Returns the caret.
ImVec2 draw_lines(ImDrawList* dl, ImFont* f, ImVec2 at, float text_w, int lines, std::string_view all, size_t pre_at) {
  const Palette& p = ui().pal;
  const float lh = line_height(f);
  float cx = at.x, cy = at.y;
  std::vector<TextLine> tl = wrap_text(f, all, text_w);
  size_t first = tl.size() > static_cast<size_t>(lines) ? tl.size() - lines : 0;
  for (size_t i = first; i < tl.size(); ++i) {
    const TextLine& l = tl[i];
    float lx = at.x;
    if (l.begin < pre_at) {
      size_t e = std::min(l.end, pre_at);
      std::string_view part = all.substr(l.begin, e - l.begin);
      draw_text(dl, f, ImVec2(lx, cy), p.text, part);
      lx += measure(f, part).x;
    }
    if (l.end > pre_at) {
      size_t b = std::max(l.begin, pre_at);
      std::string_view part = all.substr(b, l.end - b);
      draw_text(dl, f, ImVec2(lx, cy), p.accent, part);
      float pw = measure(f, part).x;
      dl->AddLine(ImVec2(lx, cy + f->FontSize - 3), ImVec2(lx + pw, cy + f->FontSize - 3), p.accent, 2);
      lx += pw;
    }
    cx = lx;
    if (i + 1 < tl.size()) cy += lh;
  }
  if (!all.empty() && all.back() == '\n') cx = at.x;
  return ImVec2(cx, cy);
}

// Under the box: the message on the left, the count on the right.
void under_box(ImDrawList* dl, const TextFieldSpec& spec, float width) {
  const bool has_error = !spec.error.empty();
  if (!has_error && spec.counter.empty()) return;
  const Palette& p = ui().pal;
  space(8);
  ImFont* fc = font(FontRole::body);
  float cw = spec.counter.empty() ? 0 : measure(fc, spec.counter).x + 16;
  ImVec2 start = ImGui::GetCursorScreenPos();
  if (has_error) message_line(ICON_ERROR_OUTLINE, spec.error, p.error, width - cw);
  if (!spec.counter.empty()) {
    draw_text(dl, fc, ImVec2(start.x + width - cw + 16, start.y), spec.counter_ok ? p.text_muted : p.error,
              spec.counter);
    if (!has_error) take(ImVec2(width, line_height(fc)));
  }
}

}  // namespace

bool text_field(const TextFieldSpec& spec, float width) {
  Ui& u = ui();
  if (width <= 0) width = avail_width();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const bool focused = u.focus_id == spec.id;
  const std::string_view preedit = focused ? std::string_view(u.preedit) : std::string_view();
  field_label(dl, spec, width);

  ImFont* f = font_for(FontRole::body, std::string(spec.value) + std::string(preedit));
  const float lh = line_height(f);
  const float pad_x = 28;
  const int lines = std::max(1, spec.lines);
  const float box_h = lines == 1 ? u.m.field_h : lines * lh + 2 * 22;
  ImRect box = take(ImVec2(width, box_h));
  bool held = false;
  bool tapped = pressable(spec.id, box, true, &held);
  hit_text(spec.id, spec.value);
  const bool has_error = !spec.error.empty();
  const bool empty = spec.value.empty() && preedit.empty();
  draw_box(dl, box, focused, has_error, held, empty);

  const float y0 = lines == 1 ? box.Min.y + (box_h - f->FontSize) * 0.5f : box.Min.y + 22;
  const float x = draw_leading(dl, spec, f, box, box_h, box.Min.x + pad_x, y0);
  const float text_w = box.Max.x - pad_x - x;
  // Text stays right of the icon and prefix: a long line scrolls under this edge, not over them.
  ImGui::PushClipRect(ImVec2(x - 2, box.Min.y), ImVec2(box.Max.x - 8, box.Max.y), true);
  if (empty) {
    draw_hint(dl, spec, f, ImVec2(x, y0), text_w, lines == 1, focused);
  } else {
    // Value then preedit; long text shows its end, where the caret is.
    std::string all(spec.value);
    const size_t pre_at = all.size();
    all += preedit;
    const ImVec2 caret = lines == 1 ? draw_one_line(dl, f, ImVec2(x, y0), text_w, all, pre_at)
                                    : draw_lines(dl, f, ImVec2(x, y0), text_w, lines, all, pre_at);
    if (focused)
      dl->AddRectFilled(ImVec2(caret.x + 2, caret.y + 2), ImVec2(caret.x + 5, caret.y + f->FontSize - 2), u.pal.accent);
  }
  ImGui::PopClipRect();

  if (focused && u.scroll_to_focus) {
    u.scroll_to_focus = false;
    scroll_into_view(box.Min.y - line_height(f) - 8, box.Max.y + (has_error ? lh : 0));
  }
  under_box(dl, spec, width);
  return tapped;
}

bool field_insert(std::string& text, FieldKind kind, size_t max_codepoints, std::string_view typed) {
  bool changed = false;
  for (size_t i = 0; i < typed.size();) {
    size_t b = i;
    char32_t c = next_codepoint(typed, i);
    if (max_codepoints && codepoint_count(text) >= max_codepoints) break;
    switch (kind) {
      case FieldKind::phone:
        if (c < '0' || c > '9' || text.size() >= 11) continue;
        break;
      case FieldKind::digits:
        if (c < '0' || c > '9') continue;
        break;
      case FieldKind::amount: {
        size_t dot = text.find('.');
        if (c == '.') {
          if (dot != std::string::npos) continue;
          if (text.empty()) text += '0';
        } else if (c >= '0' && c <= '9') {
          if (dot != std::string::npos && text.size() - dot > 2) continue;  // two decimals: fen
          if (dot == std::string::npos && text.size() >= 7) continue;      // ten million yuan is a typo
          if (text == "0") text.clear();                                      // no leading zeros
        } else {
          continue;
        }
        break;
      }
      case FieldKind::text:
      case FieldKind::code:
        if (c < 0x20 || c == 0x7F || c == 0xFFFD) continue;
        break;
      case FieldKind::multiline:
        if ((c < 0x20 && c != '\n') || c == 0x7F || c == 0xFFFD) continue;
        break;
    }
    text.append(typed.substr(b, i - b));
    changed = true;
  }
  return changed;
}

bool field_backspace(std::string& text) {
  if (text.empty()) return false;
  pop_codepoint(text);
  return true;
}

}  // namespace odr::kiosk
