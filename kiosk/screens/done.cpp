// 10. Done: the ticket number in large type, a QR code of the ticket and the
// kiosk, the masked phone, and what happens next.
#include <algorithm>

#include "screens/screens.h"
#include "widgets/icons.h"
#include "widgets/qr.h"
#include "widgets/widgets.h"

namespace odr::kiosk {

namespace {

// Success: the big check mark and the hero line. Returns the y under it.
float success_hero(ImDrawList* dl, float x, float y) {
  const Palette& p = ui().pal;
  ImFont* fx = font(FontRole::icon_xl);
  const float icon_d = 132;
  dl->AddCircleFilled(ImVec2(x + icon_d * 0.5f, y + icon_d * 0.5f), icon_d * 0.5f, p.success_soft, 48);
  draw_icon_centered(dl, fx, ImVec2(x + icon_d * 0.5f, y + icon_d * 0.5f), p.success, ICON_CHECK_CIRCLE);
  const char* title = tr("done.hero");
  ImFont* fh = font_for(FontRole::display, title);
  draw_text(dl, fh, ImVec2(x + icon_d + 32, y + (icon_d - fh->FontSize) * 0.5f), p.text, title);
  return y + icon_d + 40;
}

// The ticket card: the ticket number in large type and the phone. Returns its rectangle.
ImRect ticket_card(ImDrawList* dl, App& app, ImVec2 at, float w) {
  const Palette& p = ui().pal;
  ImFont* ft = font(FontRole::ticket);
  const std::string& ticket = app.submitted.ticket;
  const char* tl = tr("done.ticket_label");
  ImFont* fb = font(FontRole::body);
  const float card_h = 56 + line_height(fb) + 8 + ft->FontSize + 24 + line_height(fb) + 40;
  ImRect card(at, ImVec2(at.x + w, at.y + card_h));
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
  return card;
}

// A link to the ticket's status page, for the shopper's phone camera, in a
// card around qr_box. False when no status page is configured.
bool ticket_qr(ImDrawList* dl, App& app, const ImRect& qr_box) {
  const Palette& p = ui().pal;
  const std::string url = ticket_status_url(app.config(), app.submitted.ticket);
  if (url.empty()) return false;
  draw_card(dl, ImRect(qr_box.Min.x - 20, qr_box.Min.y - 20, qr_box.Max.x + 20, qr_box.Max.y + 20), p.surface, 28,
            true);
  draw_qr(dl, qr_box, url);
  hit_add("done.qr", qr_box.Min, qr_box.Max, true);
  hit_text("done.qr", url);
  const char* scan = tr("done.scan");
  ImFont* fs = font_for(FontRole::body, scan);
  float sw = measure(fs, scan).x;
  draw_text(dl, fs, ImVec2(qr_box.GetCenter().x - sw * 0.5f, qr_box.Max.y + 36), p.text_muted, scan);
  return true;
}

// What happens next: a title and three numbered lines.
void next_steps(ImDrawList* dl, App& app, float nx, float ny, float nw) {
  const Palette& p = ui().pal;
  const char* next_title = tr("done.next_title");
  ImFont* ftt = font_for(FontRole::title, next_title);
  ImFont* fb = font(FontRole::body);
  draw_text(dl, ftt, ImVec2(nx, ny), p.text, next_title);
  ny += line_height(ftt) + 16;
  const char* steps[] = {"done.next_1", "done.next_2", "done.next_3"};
  for (int i = 0; i < 3; ++i) {
    const float d = 52;
    dl->AddCircleFilled(ImVec2(nx + d * 0.5f, ny + d * 0.5f), d * 0.5f, p.accent_soft, 32);
    std::string n = std::to_string(i + 1);
    draw_text_centered(dl, fb, ImRect(ImVec2(nx, ny), ImVec2(nx + d, ny + d)), p.accent_pressed, n);
    std::string line = trf(steps[i], {{"days", std::to_string(app.config().deadline_working_days)}});
    ImFont* fl = font_for(FontRole::body, line);
    float h = draw_wrapped(dl, fl, ImVec2(nx + d + 20, ny + (d - fl->FontSize) * 0.5f), nw - d - 20, p.text, line);
    ny += std::max(d, h) + 18;
  }
}

}  // namespace

void screen_done(App& app) {
  Ui& u = ui();
  const Metrics& m = u.m;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImRect area = app.content_rect();
  const bool portrait = u.portrait;
  const float margin = portrait ? 56 : 96;

  // Left (or top): success, the ticket, the phone.
  const float left_w = portrait ? area.GetWidth() - 2 * margin : area.GetWidth() * 0.56f - margin;
  const float x = area.Min.x + margin;
  float y = success_hero(dl, x, area.Min.y + (portrait ? 56 : 64));
  y = ticket_card(dl, app, ImVec2(x, y), left_w).Max.y + 40;

  // The QR code: between the ticket and the next steps in portrait, on the
  // right in landscape (its card lines up with Finish).
  float ny = y;
  ImRect qr_box;
  if (portrait) {
    const float q = 360;
    qr_box = ImRect(ImVec2(area.GetCenter().x - q * 0.5f, y), ImVec2(area.GetCenter().x + q * 0.5f, y + q));
    ny = y + q + 100;
  } else {
    const float q = std::min(460.0f, area.GetHeight() - 360);
    float qx = area.Max.x - margin - 20 - q;
    qr_box = ImRect(ImVec2(qx, area.Min.y + 120), ImVec2(qx + q, area.Min.y + 120 + q));
  }
  if (!ticket_qr(dl, app, qr_box) && portrait) ny = y;
  next_steps(dl, app, x, ny, left_w);

  // Finish: back to the welcome screen, wiping everything. Bottom left, never
  // where the review's Submit was (bottom right): a double tap on Submit must
  // not end the session before the ticket is seen.
  // (Landscape: under the QR card, well above where Submit was.)
  const float bh = IM_ROUND(112 * m.s);
  ImRect fin;
  if (portrait) {
    const float bw = std::min(440.0f, area.GetWidth() * 0.5f - margin);
    fin = ImRect(ImVec2(area.Min.x + margin, area.Max.y - bh - 56), ImVec2(area.Min.x + margin + bw, area.Max.y - 56));
  } else {
    const float top = qr_box.Max.y + 100;
    fin = ImRect(ImVec2(qr_box.Min.x - 20, top), ImVec2(qr_box.Max.x + 20, top + bh));
  }
  if (button("done.finish", fin, tr("done.finish"), ICON_HOME, ButtonStyle::primary)) app.finish();
}

}  // namespace odr::kiosk
