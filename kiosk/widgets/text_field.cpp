#include "widgets/text_field.h"

#include <algorithm>

#include "i18n/i18n.h"
#include "util/utf8.h"
#include "widgets/hit.h"
#include "widgets/icons.h"
#include "widgets/widgets.h"

namespace odr::kiosk {

bool uses_keypad(FieldKind k) { return k == FieldKind::phone || k == FieldKind::amount || k == FieldKind::digits; }

bool text_field(const TextFieldSpec& spec, float width) {
  Ui& u = ui();
  const Palette& p = u.pal;
  const Metrics& m = u.m;
  if (width <= 0) width = avail_width();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const bool focused = u.focus_id == spec.id;
  const std::string_view preedit = focused ? std::string_view(u.preedit) : std::string_view();

  // Label line.
  if (!spec.label.empty()) {
    std::string label(spec.label);
    if (spec.optional) label += tr("field.optional_suffix");
    ImFont* fl = font_for(FontRole::body, label);
    ImRect lr = take(ImVec2(width, line_height(fl)));
    draw_text(dl, fl, lr.Min, p.text, label);
    space(8);
  }

  // The box.
  ImFont* f = font_for(FontRole::body, std::string(spec.value) + std::string(preedit));
  const float lh = line_height(f);
  const float pad_x = 28;
  const int lines = std::max(1, spec.lines);
  const float box_h = lines == 1 ? m.field_h : lines * lh + 2 * 22;
  ImRect box = take(ImVec2(width, box_h));
  bool held = false;
  bool tapped = pressable(spec.id, box, true, &held);
  hit_text(spec.id, spec.value);
  const bool has_error = !spec.error.empty();
  ImU32 border = focused ? p.accent : (has_error ? p.error : p.outline);
  if (focused) dl->AddRectFilled(ImVec2(box.Min.x - 5, box.Min.y - 5), ImVec2(box.Max.x + 5, box.Max.y + 5),
                                 p.accent_soft, m.radius + 5);
  const bool empty = spec.value.empty() && preedit.empty();
  dl->AddRectFilled(box.Min, box.Max, held ? p.pressed : (empty && !focused ? p.field_empty : p.surface), m.radius);
  float bw = focused || has_error ? 3.0f : 2.0f;
  dl->AddRect(ImVec2(box.Min.x + bw * 0.5f, box.Min.y + bw * 0.5f), ImVec2(box.Max.x - bw * 0.5f, box.Max.y - bw * 0.5f),
              border, m.radius, 0, bw);

  float x = box.Min.x + pad_x;
  const float y0 = lines == 1 ? box.Min.y + (box_h - f->FontSize) * 0.5f : box.Min.y + 22;
  ImFont* fb = font(FontRole::body);
  if (spec.icon) {
    draw_text(dl, fb, ImVec2(x, box.Min.y + (box_h - fb->FontSize) * 0.5f), p.text_muted, spec.icon);
    x += measure(fb, spec.icon).x + 14;
  }
  if (!spec.prefix.empty()) {
    draw_text(dl, f, ImVec2(x, y0), p.text, spec.prefix);
    x += measure(f, spec.prefix).x + 8;
  }
  const float text_w = box.Max.x - pad_x - x;
  // Text stays right of the icon and prefix: a long line scrolls under this edge, not over them.
  ImGui::PushClipRect(ImVec2(x - 2, box.Min.y), ImVec2(box.Max.x - 8, box.Max.y), true);
  if (empty) {
    ImFont* fh = font_for(FontRole::body, spec.hint);
    if (lines == 1)
      draw_text(dl, fh, ImVec2(x, y0), p.placeholder, ellipsize(fh, spec.hint, text_w - 8));
    else
      draw_wrapped(dl, fh, ImVec2(x, y0), text_w, p.placeholder, spec.hint);
    if (focused) dl->AddRectFilled(ImVec2(x, y0 + 2), ImVec2(x + 3, y0 + f->FontSize - 2), p.accent);
  } else {
    // Value then preedit; long text shows its end, where the caret is.
    std::string all(spec.value);
    const size_t pre_at = all.size();
    all += preedit;
    float cx = x, cy = y0;
    if (lines == 1) {
      float w = measure(f, all).x;
      float shift = std::max(0.0f, w - (text_w - 8));
      cx = x - shift;
      draw_text(dl, f, ImVec2(cx, cy), p.text, std::string_view(all).substr(0, pre_at));
      float vw = measure(f, std::string_view(all).substr(0, pre_at)).x;
      if (!preedit.empty()) {
        draw_text(dl, f, ImVec2(cx + vw, cy), p.accent, preedit);
        float pw = measure(f, preedit).x;
        dl->AddLine(ImVec2(cx + vw, cy + f->FontSize - 3), ImVec2(cx + vw + pw, cy + f->FontSize - 3), p.accent, 2);
        vw += pw;
      }
      cx += vw;
    } else {
      std::vector<TextLine> tl = wrap_text(f, all, text_w);
      size_t first = tl.size() > static_cast<size_t>(lines) ? tl.size() - lines : 0;
      for (size_t i = first; i < tl.size(); ++i) {
        const TextLine& l = tl[i];
        float lx = x;
        // Split each line at the preedit boundary so the composition shows in the accent colour.
        if (l.begin < pre_at) {
          size_t e = std::min(l.end, pre_at);
          std::string_view part = std::string_view(all).substr(l.begin, e - l.begin);
          draw_text(dl, f, ImVec2(lx, cy), p.text, part);
          lx += measure(f, part).x;
        }
        if (l.end > pre_at) {
          size_t b = std::max(l.begin, pre_at);
          std::string_view part = std::string_view(all).substr(b, l.end - b);
          draw_text(dl, f, ImVec2(lx, cy), p.accent, part);
          float pw = measure(f, part).x;
          dl->AddLine(ImVec2(lx, cy + f->FontSize - 3), ImVec2(lx + pw, cy + f->FontSize - 3), p.accent, 2);
          lx += pw;
        }
        cx = lx;
        if (i + 1 < tl.size()) cy += lh;
      }
      if (!all.empty() && all.back() == '\n') {
        cx = x;
      }
    }
    if (focused) dl->AddRectFilled(ImVec2(cx + 2, cy + 2), ImVec2(cx + 5, cy + f->FontSize - 2), p.accent);
  }
  ImGui::PopClipRect();

  if (focused && u.scroll_to_focus) {
    u.scroll_to_focus = false;
    scroll_into_view(box.Min.y - line_height(f) - 8, box.Max.y + (has_error ? lh : 0));
  }

  // Under the box: the message on the left, the count on the right.
  if (has_error || !spec.counter.empty()) {
    space(8);
    ImFont* fc = font(FontRole::body);
    float cw = spec.counter.empty() ? 0 : measure(fc, spec.counter).x + 16;
    ImVec2 start = ImGui::GetCursorScreenPos();
    if (has_error) {
      message_line(ICON_ERROR_OUTLINE, spec.error, p.error, width - cw);
    }
    if (!spec.counter.empty()) {
      draw_text(dl, fc, ImVec2(start.x + width - cw + 16, start.y), spec.counter_ok ? p.text_muted : p.error,
                spec.counter);
      if (!has_error) take(ImVec2(width, line_height(fc)));
    }
  }
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
