// Pieces every screen uses: the scrolling content column, headings, dialogs,
// and the words for businesses, categories and dates.
#include <algorithm>

#include "screens/screens.h"
#include "util/time.h"
#include "widgets/widgets.h"

namespace odr::kiosk {

float column_begin(const char* id, const ImRect& r, float max_w, float top_space) {
  begin_scroll(id, r);
  const Metrics& m = ui().m;
  const float avail = ImGui::GetContentRegionAvail().x;
  const float w = std::min(avail - 2 * m.margin, max_w);
  ImGui::Indent(IM_FLOOR((avail - w) * 0.5f));
  space(top_space);
  ui().column_w = w;
  return w;
}

void column_end() {
  space(ui().m.gap * 2);
  ui().column_w = 0;
  end_scroll();
}

float content_begin(App& app, float max_w) {
  // Each step has its own scrolling area; it opens at its top (begin_scroll).
  const Metrics& m = ui().m;
  return column_begin((std::string("content.") + step_key(app.step)).c_str(), app.content_rect(), max_w,
                      ui().compact ? m.gap * 0.75f : m.gap * 1.5f);
}

void content_end() { column_end(); }

SideBySide::SideBySide(float width, bool side)
    : width_(width), half_(side ? IM_FLOOR((width - ui().m.gap) * 0.5f) : width), side_(side) {
  origin_ = ImGui::GetCursorScreenPos();
  ui().column_w = half_;
}

void SideBySide::next() {
  if (!side_) {
    space(ui().m.gap * 1.25f);
    return;
  }
  left_bottom_ = ImGui::GetCursorScreenPos().y;
  indent_ = half_ + ui().m.gap;
  // New lines start at the indent: the right column keeps its own left edge.
  ImGui::Indent(indent_);
  ImGui::SetCursorScreenPos(ImVec2(origin_.x + indent_, origin_.y));
}

void SideBySide::end() {
  if (side_) {
    float bottom = std::max(left_bottom_, ImGui::GetCursorScreenPos().y);
    ImGui::Unindent(indent_);
    ImGui::SetCursorScreenPos(ImVec2(origin_.x, bottom));
  }
  ui().column_w = width_;
}

void screen_heading(Step s) {
  std::string key = step_key(s);
  section_title(tr(key + ".title"), ui().compact ? std::string_view() : std::string_view(tr(key + ".sub")));
}

ImRect dialog_begin(const char* id, ImVec2 size, float bottom, float pad) {
  const Ui& u = ui();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(u.display);
  ImGui::SetNextWindowFocus();
  ImGui::Begin(id, nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoScrollWithMouse);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(ImVec2(0, 0), u.display, u.pal.scrim);
  if (u.text_log) u.text_log->clear();  // the screen under the scrim is not what the shopper reads now
  if (bottom <= 0) bottom = u.display.y;
  size.x = std::min(size.x, u.display.x - 48);
  size.y = std::min(size.y, bottom - 48);
  ImVec2 c(u.display.x * 0.5f, bottom * 0.5f);
  ImRect card(ImVec2(IM_FLOOR(c.x - size.x * 0.5f), IM_FLOOR(c.y - size.y * 0.5f)),
              ImVec2(IM_FLOOR(c.x + size.x * 0.5f), IM_FLOOR(c.y + size.y * 0.5f)));
  draw_card(dl, card, u.pal.surface, 32, true);
  return ImRect(ImVec2(card.Min.x + pad, card.Min.y + pad), ImVec2(card.Max.x - pad, card.Max.y - pad));
}

void dialog_end() { ImGui::End(); }

std::string business_label(const App& app, const Business& b) {
  if (!app.i18n().zh() && !b.name_en.empty()) return b.name_en;
  return b.name;
}

std::string category_label(const App& app, const std::string& code) {
  for (const CategoryEntry& c : app.config().categories)
    if (c.code == code) return app.i18n().zh() || c.name_en.empty() ? c.name_zh : c.name_en;
  return code;
}

std::string date_label(const std::string& ymd) {
  auto days = parse_date(ymd);
  if (!days) return ymd;
  int y;
  unsigned m, d;
  civil_from_days(*days, y, m, d);
  return trf("date.format", {{"year", std::to_string(y)},
                             {"month", tr("cal.month." + std::to_string(m))},
                             {"day", std::to_string(d)}});
}

}  // namespace odr::kiosk
