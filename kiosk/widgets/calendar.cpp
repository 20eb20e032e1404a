#include "widgets/calendar.h"

#include <string>

#include "i18n/i18n.h"
#include "util/time.h"
#include "widgets/icons.h"
#include "widgets/widgets.h"

namespace odr::kiosk {

bool calendar(CalendarState& st, const ImRect& r, int64_t selected_day, int64_t today_day, int64_t* picked) {
  const Palette& p = ui().pal;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  int ty;
  unsigned tm, td;
  civil_from_days(today_day, ty, tm, td);
  if (st.month == 0) {
    st.year = ty;
    st.month = static_cast<int>(tm);
  }
  const float head_h = ui().m.button_h;
  const float gap = 8;
  // Month header: < title >
  ImRect prev(r.Min, ImVec2(r.Min.x + head_h, r.Min.y + head_h));
  ImRect next(ImVec2(r.Max.x - head_h, r.Min.y), ImVec2(r.Max.x, r.Min.y + head_h));
  if (icon_button("cal.prev", prev, ICON_CHEVRON_LEFT, ButtonStyle::secondary)) {
    if (--st.month == 0) {
      st.month = 12;
      --st.year;
    }
  }
  const bool can_next = st.year < ty || (st.year == ty && st.month < static_cast<int>(tm));
  if (icon_button("cal.next", next, ICON_CHEVRON_RIGHT, ButtonStyle::secondary, can_next)) {
    if (++st.month == 13) {
      st.month = 1;
      ++st.year;
    }
  }
  std::string title = trf("cal.title", {{"year", std::to_string(st.year)},
                                        {"month", tr(("cal.month." + std::to_string(st.month)).c_str())}});
  draw_text_centered(dl, font_for(FontRole::title, title), ImRect(prev.Max.x, r.Min.y, next.Min.x, prev.Max.y), p.text,
                     title);

  // Weekday names, Monday first.
  const float top = r.Min.y + head_h + gap;
  const float cw = (r.GetWidth() - 6 * gap) / 7;
  ImFont* f = font(FontRole::body);
  const float wd_h = line_height(f) + 8;
  for (int i = 0; i < 7; ++i) {
    const char* wd = tr(("cal.wd." + std::to_string(i + 1)).c_str());
    ImRect c(ImVec2(r.Min.x + i * (cw + gap), top), ImVec2(r.Min.x + i * (cw + gap) + cw, top + wd_h));
    draw_text_centered(dl, font_for(FontRole::body, wd), c, p.text_muted, wd);
  }
  const int64_t first = days_from_civil(st.year, static_cast<unsigned>(st.month), 1);
  int ny = st.year, nm = st.month + 1;
  if (nm == 13) {
    nm = 1;
    ++ny;
  }
  const int64_t days_in_month = days_from_civil(ny, static_cast<unsigned>(nm), 1) - first;
  // 1970-01-01 was a Thursday: Monday-based weekday of day z is (z + 3) mod 7.
  const int lead = static_cast<int>(((first + 3) % 7 + 7) % 7);
  const float grid_top = top + wd_h + gap;
  const float ch = (r.Max.y - grid_top - 5 * gap) / 6;
  bool tapped = false;
  for (int d = 0; d < days_in_month; ++d) {
    int cell = lead + d;
    int col = cell % 7, row = cell / 7;
    ImRect c(ImVec2(r.Min.x + col * (cw + gap), grid_top + row * (ch + gap)),
             ImVec2(r.Min.x + col * (cw + gap) + cw, grid_top + row * (ch + gap) + ch));
    const int64_t day = first + d;
    const bool future = day > today_day;
    const bool sel = day == selected_day;
    std::string id = "cal.day." + format_date(day);
    bool held = false;
    if (pressable(id.c_str(), c, !future, &held, sel)) {
      *picked = day;
      tapped = true;
    }
    ImU32 fill = sel ? p.accent : (held ? p.pressed : (future ? 0u : p.surface));
    if (fill) dl->AddRectFilled(c.Min, c.Max, fill, 16);
    if (day == today_day && !sel) dl->AddRect(c.Min, c.Max, p.accent, 16, 0, 3);
    else if (!future && !sel && ui().large) dl->AddRect(c.Min, c.Max, p.outline, 16, 0, 2);  // elderly: each day's edge
    std::string n = std::to_string(d + 1);
    draw_text_centered(dl, f, c, sel ? p.on_accent : (future ? p.unavailable : p.text), n);
  }
  return tapped;
}

}  // namespace odr::kiosk
