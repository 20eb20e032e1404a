// 8. Privacy: the notice (who processes the data, why, how long, the
// shopper's rights, the hand-over to the 12315 platform) and two separate
// consents. Next (and so Submit) stays off until both are given.
#include "screens/screens.h"
#include "util/time.h"
#include "widgets/icons.h"
#include "widgets/widgets.h"

namespace odr::kiosk {

namespace {

std::string operator_name(const App& app) {
  for (const Business& b : app.config().businesses)
    if (b.booth.empty()) return business_label(app, b);
  return tr("privacy.operator_fallback");
}

}  // namespace

void screen_privacy(App& app) {
  const Palette& p = ui().pal;
  const Metrics& m = ui().m;
  Draft& d = app.draft;
  const float W = content_begin(app, 1320);
  screen_heading(Step::privacy);

  // The notice, in a card.
  const std::string op = operator_name(app);
  const std::string years = std::to_string((app.config().retention_days + 364) / 365);
  struct Part {
    const char* head;
    const char* body;
  } parts[] = {{"privacy.who_title", "privacy.who"},         {"privacy.what_title", "privacy.what"},
               {"privacy.why_title", "privacy.why"},         {"privacy.platform_title", "privacy.platform"},
               {"privacy.keep_title", "privacy.keep"},       {"privacy.rights_title", "privacy.rights"}};
  ImFont* f = font(FontRole::body);
  const float pad = 40;
  const float inner = W - 2 * pad;
  std::vector<std::string> bodies;
  float h = pad;
  for (const Part& part : parts) {
    bodies.push_back(trf(part.body, {{"operator", op}, {"years", years}}));
    h += line_height(f) + 6 + wrapped_height(font_for(FontRole::body, bodies.back()), bodies.back(), inner) + 22;
  }
  std::string version = trf("privacy.version", {{"version", app.config().notice_version}});
  h += line_height(f) + pad;
  ImRect card = take(ImVec2(W, h));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  draw_card(dl, card, p.surface, m.card_radius, true);
  float y = card.Min.y + pad;
  for (size_t i = 0; i < std::size(parts); ++i) {
    const char* head = tr(parts[i].head);
    draw_text(dl, font_for(FontRole::body, head), ImVec2(card.Min.x + pad, y), p.accent_pressed, head);
    y += line_height(f) + 6;
    y += draw_wrapped(dl, font_for(FontRole::body, bodies[i]), ImVec2(card.Min.x + pad, y), inner, p.text, bodies[i]);
    y += 22;
  }
  draw_text(dl, font_for(FontRole::body, version), ImVec2(card.Min.x + pad, y), p.text_muted, version);
  space(m.gap * 1.5f);

  // Two separate consents.
  const bool show = app.touched("consent.accepted_at") || app.touched("consent.transfer_to_platform");
  if (checkbox_card("privacy.consent_notice", W, tr("privacy.consent_notice"), d.notice_accepted,
                    show && !d.notice_accepted)) {
    set_notice_consent(d, !d.notice_accepted, app.config().notice_version, app.now_ms() / 1000,
                       app.config().tz_offset_minutes);
    app.touch("consent.accepted_at");
  }
  space(m.gap * 0.75f);
  bool& transfer = d.c.consent.transfer_to_platform;
  if (checkbox_card("privacy.consent_transfer", W, tr("privacy.consent_transfer"), transfer, show && !transfer)) {
    transfer = !transfer;
    d.c.consent.notice_version = app.config().notice_version;
    app.touch("consent.transfer_to_platform");
  }
  if (show && (!d.notice_accepted || !transfer)) {
    space(14);
    message_line(ICON_ERROR_OUTLINE, tr("privacy.both_needed"), p.error, W);
  }
  content_end();
}

}  // namespace odr::kiosk
