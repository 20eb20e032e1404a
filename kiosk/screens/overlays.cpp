// Dialogs over a screen: the idle countdown, "start over?", the purchase
// date calendar, a failed save, and a receipt that did not print.
#include <cmath>

#include "screens/screens.h"
#include "util/time.h"
#include "widgets/calendar.h"
#include "widgets/icons.h"
#include "widgets/widgets.h"

namespace odr::kiosk {

namespace {

// Icon, title and text at the top of a dialog; returns the y below them.
float dialog_head(const ImRect& in, const char* icon, ImU32 icon_col, std::string_view title, std::string_view body) {
  const Palette& p = ui().pal;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  float y = in.Min.y;
  if (icon) {
    ImFont* fi = font(FontRole::icon_xl);
    ImVec2 s = measure(fi, icon);
    draw_text(dl, fi, ImVec2(in.GetCenter().x - s.x * 0.5f, y - 16), icon_col, icon);
    y += fi->FontSize - 8;
  }
  ImFont* ft = font_for(FontRole::title, title);
  ImVec2 ts = measure(ft, title);
  draw_text(dl, ft, ImVec2(in.GetCenter().x - ts.x * 0.5f, y), p.text, title);
  y += line_height(ft) + 16;
  ImFont* fb = font_for(FontRole::body, body);
  for (const TextLine& l : wrap_text(fb, body, in.GetWidth())) {
    draw_text(dl, fb, ImVec2(in.GetCenter().x - l.width * 0.5f, y), p.text_muted, body.substr(l.begin, l.end - l.begin));
    y += line_height(fb);
  }
  return y;
}

}  // namespace

void overlay_idle(App& app) {
  const Palette& p = ui().pal;
  const Metrics& m = ui().m;
  ImRect in = dialog_begin("overlay.idle", ImVec2(900 * std::min(m.s, 1.1f), 720 * std::min(m.s, 1.1f)));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const int64_t left = app.idle_left_s();
  std::string body = trf("idle.body", {{"n", std::to_string(left)}});
  float y = dialog_head(in, nullptr, 0, tr("idle.title"), body);
  // A ring that empties as the seconds run out, the number inside.
  const float r = 96;
  ImVec2 c(in.GetCenter().x, y + 40 + r);
  dl->AddCircle(c, r, p.accent_soft, 64, 16);
  const float frac = static_cast<float>(left) / std::max(1, app.config().idle_countdown_s);
  const float a0 = -IM_PI * 0.5f;
  dl->PathArcTo(c, r, a0, a0 + frac * 2 * IM_PI, 64);
  dl->PathStroke(p.accent, 0, 16);
  std::string n = std::to_string(left);
  ImFont* fd = font(FontRole::display);
  ImVec2 ns = measure(fd, n);
  draw_text(dl, fd, ImVec2(c.x - ns.x * 0.5f, c.y - ns.y * 0.5f), p.text, n);
  hit_add("idle.count", ImVec2(c.x - r, c.y - r), ImVec2(c.x + r, c.y + r), false);
  hit_text("idle.count", n);
  const float bh = m.button_h;
  ImRect cont(ImVec2(in.Min.x, in.Max.y - bh * 2 - 20), ImVec2(in.Max.x, in.Max.y - bh - 20));
  if (button("idle.continue", cont, tr("idle.continue"), ICON_TOUCH_APP, ButtonStyle::primary)) app.overlay = Overlay::none;
  ImRect over(ImVec2(in.Min.x, in.Max.y - bh), in.Max);
  if (button("idle.start_over", over, tr("idle.start_over"), ICON_RESTART_ALT, ButtonStyle::ghost)) app.reset_session();
  // A touch anywhere else means someone is there: the same as Continue.
  // (Submitted after the buttons, which therefore keep their own taps.)
  if (app.overlay == Overlay::idle && pressable("idle.anywhere", ImRect(ImVec2(0, 0), ui().display), true))
    app.overlay = Overlay::none;
  dialog_end();
}

void overlay_cancel(App& app) {
  const Metrics& m = ui().m;
  ImRect in = dialog_begin("overlay.cancel", ImVec2(900 * std::min(m.s, 1.1f), 640 * std::min(m.s, 1.1f)));
  dialog_head(in, ICON_RESTART_ALT, ui().pal.accent, tr("cancel.title"), tr("cancel.body"));
  const float bh = m.button_h;
  ImRect keep(ImVec2(in.Min.x, in.Max.y - bh * 2 - 20), ImVec2(in.Max.x, in.Max.y - bh - 20));
  if (button("cancel.keep", keep, tr("cancel.keep"), ICON_ARROW_BACK, ButtonStyle::primary)) app.overlay = Overlay::none;
  ImRect clear(ImVec2(in.Min.x, in.Max.y - bh), in.Max);
  if (button("cancel.confirm", clear, tr("cancel.confirm"), ICON_CLOSE, ButtonStyle::danger)) app.reset_session();
  dialog_end();
}

void overlay_calendar(App& app) {
  const Metrics& m = ui().m;
  ImRect in = dialog_begin("overlay.calendar", ImVec2(860 * std::min(m.s, 1.1f), 960 * std::min(m.s, 1.1f)));
  const ValidationContext ctx = app.validation_context();
  const int64_t today = *parse_date(local_date(ctx.now_unix_s, ctx.tz_offset_minutes));
  auto sel = parse_date(app.draft.c.purchase.date);
  int64_t picked = 0;
  const float bh = m.button_h;
  if (calendar(app.cal, ImRect(in.Min, ImVec2(in.Max.x, in.Max.y - bh - 32)), sel ? *sel : -1, today, &picked)) {
    app.draft.c.purchase.date = format_date(picked);
    app.touch("purchase.date");
    app.overlay = Overlay::none;
  }
  if (button("cal.cancel", ImRect(ImVec2(in.Min.x, in.Max.y - bh), in.Max), tr("cal.cancel"), nullptr,
             ButtonStyle::secondary))
    app.overlay = Overlay::none;
  dialog_end();
}

void overlay_submit_error(App& app) {
  const Metrics& m = ui().m;
  ImRect in = dialog_begin("overlay.submit_error", ImVec2(960 * std::min(m.s, 1.1f), 700 * std::min(m.s, 1.1f)));
  dialog_head(in, ICON_WARNING, ui().pal.error, tr("submit.error.title"), app.submit_error);
  const float bh = m.button_h;
  const bool can_retry = app.step == Step::review;
  ImRect retry(ImVec2(in.Min.x, in.Max.y - bh * 2 - 20), ImVec2(in.Max.x, in.Max.y - bh - 20));
  if (can_retry && button("submit.retry", retry, tr("submit.retry"), ICON_REPLAY, ButtonStyle::primary)) {
    app.overlay = Overlay::none;
    app.submit();
  }
  ImRect close(ImVec2(in.Min.x, in.Max.y - bh), in.Max);
  if (button("submit.close", close, tr("submit.close"), ICON_EDIT, ButtonStyle::secondary)) app.overlay = Overlay::none;
  dialog_end();
}

// Why the receipt did not print, and that the complaint is safe all the same.
void overlay_print_error(App& app) {
  const Metrics& m = ui().m;
  ImRect in = dialog_begin("overlay.print_error", ImVec2(960 * std::min(m.s, 1.1f), 640 * std::min(m.s, 1.1f)));
  const std::string body = trf("done.print_failed", {{"reason", tr(printer_reason_key(app.print_failed_why))}}) + "\n" +
                           trf("done.print_safe", {{"ticket", app.submitted.ticket}});
  dialog_head(in, ICON_PRINT_DISABLED, ui().pal.error, tr("done.print_error_title"), body);
  hit_add("print_error.reason", in.Min, in.Max, false);
  hit_text("print_error.reason", body);
  if (button("print_error.ok", ImRect(ImVec2(in.Min.x, in.Max.y - m.button_h), in.Max), tr("done.print_ok"), ICON_CHECK,
             ButtonStyle::primary))
    app.overlay = Overlay::none;
  dialog_end();
}

}  // namespace odr::kiosk
