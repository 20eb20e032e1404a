// Staff home: what needs doing now. Overdue complaints first, in red.
#include "screens/staff_mode.h"
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

}  // namespace

void staff_home(StaffMode& s, App& app) {
  const Palette& p = ui().pal;
  const Metrics& m = ui().m;
  const float W = staff_content_begin(s, app, "staff.content.home");
  section_title(tr("staff.home.title"), trf("staff.home.hello", {{"name", s.session ? s.session->account.name : ""}}));

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
