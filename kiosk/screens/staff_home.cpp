// Staff home: what needs doing now. Overdue complaints first, in red.
#include "screens/staff_mode.h"
#include "util/time.h"
#include "widgets/icons.h"
#include "widgets/widgets.h"

namespace odr::kiosk {

namespace {

// A big tappable figure: the number, and what it counts under it.
bool figure_card(const char* id, const ImRect& r, int64_t value, std::string_view label, ImU32 accent) {
  const Palette& p = ui().pal;
  bool held = false;
  bool tapped = pressable(id, r, true, &held);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  draw_card(dl, r, held ? p.pressed : p.surface, ui().m.card_radius, true);
  dl->AddRectFilled(r.Min, ImVec2(r.Min.x + 12, r.Max.y), accent, ui().m.card_radius, ImDrawFlags_RoundCornersLeft);
  const std::string n = std::to_string(value);
  ImFont* fd = font_for(FontRole::display, n);
  draw_text(dl, fd, ImVec2(r.Min.x + 40, r.Min.y + 24), accent, n);
  ImFont* fb = font_for(FontRole::body, label);
  draw_wrapped(dl, fb, ImVec2(r.Min.x + 40, r.Min.y + 36 + fd->FontSize), r.GetWidth() - 64, p.text, label);
  return tapped;
}

// Shoppers asked for help (请工作人员协助): the first thing staff see, and
// heard once more when it first shows; "Answered" clears it (audited).
void help_banner(StaffMode& s, App& app, float W) {
  const std::vector<HelpCall>& calls = app.help_calls();
  if (calls.empty()) {
    s.help_heard = 0;
    return;
  }
  if (calls.size() > s.help_heard) app.call_out_for_staff();
  s.help_heard = calls.size();
  const Palette& p = ui().pal;
  const Metrics& m = ui().m;
  const HelpCall& first = calls.front();
  const std::string at = format_rfc3339(first.at_ms / 1000).substr(11, 5);  // HH:MM, China time
  const std::string text = trf("staff.help.banner", {{"n", std::to_string(calls.size())},
                                                      {"time", at},
                                                      {"step", tr(std::string("steps.") + step_key(first.step))}});
  const float bw = button_width(tr("staff.help.answered"), ICON_CHECK), h = m.button_h + 32;
  const ImRect r = take(ImVec2(W, h));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  draw_card(dl, r, p.error_soft, m.card_radius, false, p.error, 3);
  ImFont* f = font_for(FontRole::body, text);
  draw_text(dl, font(FontRole::body), ImVec2(r.Min.x + 28, r.GetCenter().y - f->FontSize * 0.5f), p.error, ICON_SUPPORT_AGENT);
  const float tx = r.Min.x + 28 + measure(font(FontRole::body), ICON_SUPPORT_AGENT).x + 16;
  draw_text(dl, f, ImVec2(tx, r.GetCenter().y - f->FontSize * 0.5f), p.text, ellipsize(f, text, r.Max.x - bw - 48 - tx));
  hit_add("staff.help.banner", r.Min, r.Max, true);
  hit_text("staff.help.banner", std::to_string(calls.size()));
  const ImRect b(ImVec2(r.Max.x - 16 - bw, r.Min.y + 16), ImVec2(r.Max.x - 16, r.Max.y - 16));
  if (button("staff.help.answered", b, tr("staff.help.answered"), ICON_CHECK, ButtonStyle::primary) && s.session)
    app.answer_help_calls(s.session->account.id);
  space(m.gap);
}

}  // namespace

void staff_home(StaffMode& s, App& app) {
  const Palette& p = ui().pal;
  const Metrics& m = ui().m;
  const float W = staff_content_begin(s, app, "staff.content.home");
  section_title(tr("staff.home.title"), trf("staff.home.hello", {{"name", s.session ? s.session->account.name : ""}}));
  help_banner(s, app, W);

  const bool two_rows = ui().portrait;
  const int per_row = two_rows ? 2 : 4;
  const float gap = m.gap;
  const float cw = (W - gap * (per_row - 1)) / per_row, ch = 230;
  ImVec2 o = ImGui::GetCursorScreenPos();
  auto cell = [&](int i) {
    const float x = o.x + (i % per_row) * (cw + gap), y = o.y + (i / per_row) * (ch + gap);
    return ImRect(ImVec2(x, y), ImVec2(x + cw, y + ch));
  };
  const ImU32 amber = IM_COL32(0x8A, 0x4B, 0x00, 0xFF);
  if (figure_card("staff.home.overdue", cell(0), s.overdue, tr("staff.home.overdue"), s.overdue ? p.error : p.success)) {
    s.filter = ListFilter::overdue;
    s.go(app, StaffScreen::list);
  }
  if (figure_card("staff.home.due_soon", cell(1), s.due_soon, tr("staff.home.due_soon"), s.due_soon ? amber : p.success)) {
    s.filter = ListFilter::open;
    s.go(app, StaffScreen::list);
  }
  if (figure_card("staff.home.open", cell(2), s.open_count, tr("staff.home.open"), p.accent)) {
    s.filter = ListFilter::open;
    s.go(app, StaffScreen::list);
  }
  if (figure_card("staff.home.held", cell(3), s.held_count, tr("staff.home.held"), s.held_count ? p.error : p.success))
    s.go(app, StaffScreen::sync);
  take(ImVec2(W, (two_rows ? 2 : 1) * (ch + gap)));
  space(m.gap);
  if (s.overdue > 0) message_line(ICON_WARNING, tr("staff.home.overdue_hint"), p.error, W);
  // The receipt printer: paper out or offline is for the desk to fix.
  if (ReceiptPrinter* printer = app.env().printer) {
    const PrinterState st = printer->state();
    if (st.busy || st.health == PrinterHealth::unknown) ui().frame_within(1.0);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    message_line(can_print(st.health) ? ICON_PRINT : ICON_PRINT_DISABLED, printer_state_text(st.health),
                 printer_state_colour(st.health), W);
    hit_add("staff.home.printer", at, ImVec2(at.x + W, ImGui::GetCursorScreenPos().y), true);
    hit_text("staff.home.printer", to_string(st.health));
  } else {
    message_line(ICON_PRINT_DISABLED, tr("staff.printer.none"), p.text_muted, W);
  }
  message_line(ICON_INFO, trf("staff.home.rule", {{"n", std::to_string(app.config().deadline_working_days)}}),
               p.text_muted, W);
  if (s.env.calendar.years.empty() || !has_year(s.env.calendar, year_of_day(s.today())))
    message_line(ICON_WARNING, tr("staff.home.no_calendar"), p.text_muted, W);
  staff_content_end();
}

}  // namespace odr::kiosk
