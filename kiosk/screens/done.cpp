// 10. Done: the ticket number in large type, a QR code of the ticket and the
// kiosk, the masked phone, what happens next, and (where a printer is
// configured) a printed receipt.
#include <algorithm>

#include "screens/screens.h"
#include "widgets/icons.h"
#include "widgets/qr.h"
#include "widgets/widgets.h"

namespace odr::kiosk {

namespace {

// --- the receipt ------------------------------------------------------------------

// The receipt, as the shopper gets it here: their language, the ticket just
// given, the time it was filed.
uint64_t print_receipt(App& app) {
  ReceiptFor f;
  f.locale = app.locale();
  f.ticket = app.submitted.ticket;
  f.filed_ms = app.submitted_ms;
  f.respondent = app.draft.c.respondent;
  f.phone = app.draft.c.consumer.phone;
  ++app.prints;
  const uint64_t id = app.env().printer->print(receipt_for(app, f));
  wipe_string(f.phone);
  return id;
}

// What became of the last print: a failure opens the dialog that says why
// (and that the complaint is safe), once, and does not count against the
// copies allowed. Returns the job as it stands.
PrintJob watch_print(App& app) {
  if (!app.print_job) return {};
  const PrintJob job = app.env().printer->job(app.print_job);
  if (job.phase == JobPhase::queued || job.phase == JobPhase::printing) ui().frame_within(0.25);  // moved by the printer's thread
  if (job.phase == JobPhase::failed && app.overlay == Overlay::none) {
    app.print_failed_why = job.why;
    app.overlay = Overlay::print_error;
    app.print_job = 0;
    --app.prints;
    return {};
  }
  return job;
}

// The print button in r; none once the copies allowed are printed.
void print_button(App& app, const PrintJob& job, const ImRect& r) {
  const bool busy = job.phase == JobPhase::queued || job.phase == JobPhase::printing;
  if (!busy && app.prints >= App::kPrintsPerSession) return;
  const char* label = busy ? tr("done.printing") : job.phase == JobPhase::printed ? tr("done.print_again") : tr("done.print");
  if (button("done.print", r, label, busy ? ICON_HOURGLASS_TOP : ICON_PRINT, ButtonStyle::secondary, !busy))
    app.print_job = print_receipt(app);
}

// "Printed: please take it" in green, wrapped in width, once printed;
// centred in box_h when given.
void printed_line(const PrintJob& job, ImVec2 at, float width, float box_h = 0) {
  if (job.phase != JobPhase::printed) return;
  const char* line = tr("done.printed");
  ImFont* fi = font(FontRole::body);
  ImFont* f = font_for(FontRole::body, line);
  const float iw = measure(fi, ICON_CHECK_CIRCLE).x + 12;
  if (box_h > 0) at.y += std::max(0.0f, (box_h - wrapped_height(f, line, width - iw)) * 0.5f);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  draw_text(dl, fi, at, ui().pal.success, ICON_CHECK_CIRCLE);
  const float h = draw_wrapped(dl, f, ImVec2(at.x + iw, at.y), width - iw, ui().pal.success, line);
  hit_add("done.printed", at, ImVec2(at.x + width, at.y + h), true);
  hit_text("done.printed", line);
}

// --- the parts of the screen --------------------------------------------------------

// The tick and "Complaint submitted"; returns the y below.
float hero(float x, float y) {
  const Palette& p = ui().pal;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float icon_d = 132;
  dl->AddCircleFilled(ImVec2(x + icon_d * 0.5f, y + icon_d * 0.5f), icon_d * 0.5f, p.success_soft, 48);
  draw_icon_centered(dl, font(FontRole::icon_xl), ImVec2(x + icon_d * 0.5f, y + icon_d * 0.5f), p.success,
                     ICON_CHECK_CIRCLE);
  const char* title = tr("done.hero");
  ImFont* fh = font_for(FontRole::display, title);
  draw_text(dl, fh, ImVec2(x + icon_d + 32, y + (icon_d - fh->FontSize) * 0.5f), p.text, title);
  return y + icon_d + 40;
}

// The ticket card: the number, and the phone we will call; returns its bottom.
float ticket_card(const App& app, float x, float y, float w) {
  const Palette& p = ui().pal;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImFont* ft = font(FontRole::ticket);
  ImFont* fb = font(FontRole::body);
  const std::string& ticket = app.submitted.ticket;
  const char* tl = tr("done.ticket_label");
  const float card_h = 56 + line_height(fb) + 8 + ft->FontSize + 24 + line_height(fb) + 40;
  ImRect card(ImVec2(x, y), ImVec2(x + w, y + card_h));
  draw_card(dl, card, p.surface, 28, true);
  dl->AddRectFilled(card.Min, ImVec2(card.Min.x + 12, card.Max.y), p.accent, 28, ImDrawFlags_RoundCornersLeft);
  float cy = card.Min.y + 40;
  draw_text(dl, font_for(FontRole::body, tl), ImVec2(card.Min.x + 52, cy), p.text_muted, tl);
  cy += line_height(fb) + 8;
  hit_add("done.ticket", ImVec2(card.Min.x + 52, cy), ImVec2(card.Min.x + 52 + measure(ft, ticket).x, cy + ft->FontSize),
          true);
  draw_text(dl, ft, ImVec2(card.Min.x + 52, cy), p.accent_pressed, ticket);
  hit_text("done.ticket", ticket);
  cy += ft->FontSize + 24;
  // In full for the shopper's first look, masked once others may see it.
  const std::string& number = app.draft.c.consumer.phone;
  std::string phone = trf("done.phone", {{"phone", app.phone_shown_in_full() ? number : mask_phone(number)}});
  draw_text(dl, font_for(FontRole::body, phone), ImVec2(card.Min.x + 52, cy), p.text, phone);
  hit_add("done.phone", ImVec2(card.Min.x + 52, cy), ImVec2(card.Max.x - 24, cy + line_height(fb)), true);
  hit_text("done.phone", phone);
  return card.Max.y;
}

// A link to the ticket's status page, for the shopper's phone camera, with
// "scan to keep" under it.
void qr_block(const App& app, const ImRect& qr_box) {
  const std::string url = ticket_status_url(app.config(), app.submitted.ticket);
  if (url.empty()) return;
  const Palette& p = ui().pal;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  draw_card(dl, ImRect(qr_box.Min.x - 20, qr_box.Min.y - 20, qr_box.Max.x + 20, qr_box.Max.y + 20), p.surface, 28, true);
  draw_qr(dl, qr_box, url);
  hit_add("done.qr", qr_box.Min, qr_box.Max, true);
  hit_text("done.qr", url);
  const char* scan = tr("done.scan");
  ImFont* fs = font_for(FontRole::body, scan);
  draw_text(dl, fs, ImVec2(qr_box.GetCenter().x - measure(fs, scan).x * 0.5f, qr_box.Max.y + 36), p.text_muted, scan);
}

// What happens next: three numbered lines.
void next_steps(const App& app, float x, float y, float w) {
  const Palette& p = ui().pal;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImFont* fb = font(FontRole::body);
  const char* next_title = tr("done.next_title");
  ImFont* ftt = font_for(FontRole::title, next_title);
  draw_text(dl, ftt, ImVec2(x, y), p.text, next_title);
  y += line_height(ftt) + 16;
  const char* steps[] = {"done.next_1", "done.next_2", "done.next_3"};
  for (int i = 0; i < 3; ++i) {
    const float d = 52;
    dl->AddCircleFilled(ImVec2(x + d * 0.5f, y + d * 0.5f), d * 0.5f, p.accent_soft, 32);
    draw_text_centered(dl, fb, ImRect(ImVec2(x, y), ImVec2(x + d, y + d)), p.accent_pressed, std::to_string(i + 1));
    std::string line = trf(steps[i], {{"days", std::to_string(app.config().deadline_working_days)}});
    ImFont* fl = font_for(FontRole::body, line);
    float h = draw_wrapped(dl, fl, ImVec2(x + d + 20, y + (d - fl->FontSize) * 0.5f), w - d - 20, p.text, line);
    y += std::max(d, h) + 18;
  }
}

}  // namespace

void screen_done(App& app) {
  Ui& u = ui();
  const Metrics& m = u.m;
  const ImRect area = app.content_rect();
  const bool portrait = u.portrait;
  const float margin = portrait ? 56 : 96;
  const bool printer = app.env().printer != nullptr;
  const PrintJob job = printer ? watch_print(app) : PrintJob{};
  const float pbh = IM_ROUND(96 * m.s);       // the print button
  const float bh = IM_ROUND(112 * m.s);       // Finish
  const float said = 2 * line_height(font(FontRole::body));  // room for "printed: take it"

  // Left (or top): success, the ticket, the phone; in portrait the print row.
  const float left_w = portrait ? area.GetWidth() - 2 * margin : area.GetWidth() * 0.56f - margin;
  const float x = area.Min.x + margin;
  float y = ticket_card(app, x, hero(x, area.Min.y + (portrait ? 56 : 64)), left_w) + 40;
  if (portrait && printer) {
    const float bw = button_width(tr("done.print_again"), ICON_PRINT);
    print_button(app, job, ImRect(ImVec2(x, y), ImVec2(x + bw, y + pbh)));
    printed_line(job, ImVec2(x + bw + 32, y), left_w - bw - 32, pbh);
    y += pbh + 48;
  }

  // The QR code: in portrait between the ticket and the next steps; in
  // landscape on the right, above the print button and Finish, small enough
  // that Finish stays well above where the review's Submit was.
  ImRect qr_box;
  float ny = y;
  if (portrait) {
    const float q = 360;
    qr_box = ImRect(ImVec2(area.GetCenter().x - q * 0.5f, y), ImVec2(area.GetCenter().x + q * 0.5f, y + q));
    if (!ticket_status_url(app.config(), app.submitted.ticket).empty()) ny = y + q + 100;
  } else {
    // With a printer the column starts level with the tick (64), not 120.
    const float top = area.Min.y + (printer ? 84 : 120);
    float q = std::min(460.0f, area.GetHeight() - 360);
    if (printer) q = std::clamp(area.Max.y - 150 - top - (90 + pbh + 14 + said + 16 + bh), 240.0f, q);
    const float qx = area.Max.x - margin - 20 - q;  // the card around it lines up with Finish
    qr_box = ImRect(ImVec2(qx, top), ImVec2(qx + q, top + q));
  }
  qr_block(app, qr_box);
  next_steps(app, x, ny, left_w);

  // Finish: back to the welcome screen, wiping everything. Bottom left, never
  // where the review's Submit was (bottom right): a double tap on Submit must
  // not end the session before the ticket is seen.
  // (Landscape: under the QR card, well above where Submit was.)
  ImRect fin;
  if (portrait) {
    const float bw = std::min(440.0f, area.GetWidth() * 0.5f - margin);
    fin = ImRect(ImVec2(area.Min.x + margin, area.Max.y - bh - 56), ImVec2(area.Min.x + margin + bw, area.Max.y - 56));
    // Call staff and read-aloud above Finish (landscape: in the header).
    const float ah = std::max(80.0f, IM_ROUND(84 * m.s));
    assist_buttons(app, ImRect(ImVec2(fin.Min.x, fin.Min.y - 28 - ah), ImVec2(area.Max.x - margin, fin.Min.y - 28)));
  } else {
    float top = qr_box.Max.y + 100;
    if (printer) {
      const ImRect pr(ImVec2(qr_box.Min.x - 20, qr_box.Max.y + 90), ImVec2(qr_box.Max.x + 20, qr_box.Max.y + 90 + pbh));
      print_button(app, job, pr);
      printed_line(job, ImVec2(pr.Min.x, pr.Max.y + 14), pr.GetWidth());
      top = pr.Max.y + 14 + said + 16;
    }
    fin = ImRect(ImVec2(qr_box.Min.x - 20, top), ImVec2(qr_box.Max.x + 20, top + bh));
  }
  if (button("done.finish", fin, tr("done.finish"), ICON_HOME, ButtonStyle::primary)) app.finish();
}

}  // namespace odr::kiosk
