// Complaints at this desk, by deadline: filters, a search by ticket or the
// phone's last four digits, and one card a complaint with names and phones
// masked. A tap opens the detail.
#include "screens/staff_mode.h"
#include "widgets/icons.h"
#include "widgets/widgets.h"

namespace odr::kiosk {

namespace {

void row_card(StaffMode& s, App& app, const ComplaintRow& r, float W) {
  const Palette& p = ui().pal;
  const Metrics& m = ui().m;
  const float h = 150;
  ImRect bb = take(ImVec2(W, h));
  const std::string id = "staff.row." + r.ticket;
  bool held = false;
  const bool tapped = pressable(id.c_str(), bb, true, &held);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 edge = r.outcome == "open" ? deadline_colour(r.deadline) : p.border;
  draw_card(dl, bb, held ? p.pressed : p.surface, m.card_radius, true, r.deadline.overdue && r.outcome == "open" ? p.error : 0);
  dl->AddRectFilled(bb.Min, ImVec2(bb.Min.x + 10, bb.Max.y), edge, m.card_radius, ImDrawFlags_RoundCornersLeft);
  ImFont* f = font(FontRole::body);
  const float x = bb.Min.x + 36, y1 = bb.Min.y + 22, y2 = y1 + f->FontSize + 14;
  draw_text(dl, f, ImVec2(x, y1), p.text, r.ticket);
  const std::string who = r.name_masked + "  " + r.phone_masked;
  ImFont* fw = font_for(FontRole::body, who);
  draw_text(dl, fw, ImVec2(x + 420, y1), p.text, who);
  const std::string resp = ellipsize(font_for(FontRole::body, r.respondent), r.respondent, W * 0.45f);
  draw_text(dl, font_for(FontRole::body, resp), ImVec2(x, y2), p.text_muted, resp);
  // Right side: the outcome, and for open ones the deadline.
  std::string right = r.outcome == "open" ? deadline_text(r.deadline) : outcome_text(r.outcome);
  ImFont* fr = font_for(FontRole::body, right);
  draw_text(dl, fr, ImVec2(bb.Max.x - 32 - measure(fr, right).x, y1), r.outcome == "open" ? deadline_colour(r.deadline) : outcome_colour(r.outcome),
            right);
  std::string due = trf("staff.list.due", {{"date", r.due_date}});
  if (r.held) due = std::string(tr("staff.list.held")) + "   " + due;
  ImFont* fd = font_for(FontRole::body, due);
  draw_text(dl, fd, ImVec2(bb.Max.x - 32 - measure(fd, due).x, y2), r.held ? p.error : p.text_muted, due);
  if (tapped) s.open_detail(app, r.id);
}

}  // namespace

void staff_list(StaffMode& s, App& app) {
  const Palette& p = ui().pal;
  const Metrics& m = ui().m;
  // A changed search shows at once.
  if (s.search != s.searched) s.refresh();
  const float W = staff_content_begin(s, app, "staff.content.list");
  static const ListFilter filters[] = {ListFilter::open,        ListFilter::overdue, ListFilter::settled,
                                       ListFilter::not_settled, ListFilter::held,    ListFilter::all};
  std::vector<ChipItem> chips;
  for (ListFilter f : filters)
    chips.push_back({std::string("staff.filter.") + to_string(f), tr(std::string("staff.filter.") + to_string(f)),
                     s.filter == f});
  int tapped = chip_grid(chips, false);
  if (tapped >= 0) {
    s.filter = filters[tapped];
    s.refresh();
  }
  space(m.gap);
  TextFieldSpec spec;
  spec.label = tr("staff.list.search");
  spec.hint = tr("staff.list.search_hint");
  spec.icon = ICON_SEARCH;
  spec.optional = true;
  app.field({"staff.search", "", &s.search, FieldKind::text, 40}, spec);
  space(m.gap);
  if (s.rows.empty()) {
    message_line(ICON_INFO, tr("staff.list.empty"), p.text_muted, W);
  } else {
    text_block(FontRole::body, trf("staff.list.count", {{"n", std::to_string(s.rows.size())}}), p.text_muted, W);
    space(m.gap * 0.5f);
  }
  for (const ComplaintRow& r : s.rows) {
    row_card(s, app, r, W);
    if (s.screen != StaffScreen::list) break;  // opened one: the rows are gone
    space(m.gap * 0.5f);
  }
  staff_content_end();
}

}  // namespace odr::kiosk
