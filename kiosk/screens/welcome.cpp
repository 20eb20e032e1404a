// 1. Welcome: what this desk is, language, large text, Start.
#include <cmath>

#include "screens/screens.h"
#include "widgets/icons.h"
#include "widgets/widgets.h"

namespace odr::kiosk {

namespace {

void brand(ImDrawList* dl, ImVec2 at) {
  const Palette& p = ui().pal;
  ImFont* f = font(FontRole::body);
  const char* badge = "12315";
  const float bh = 64, bw = measure(f, badge).x + 36;
  dl->AddRectFilled(at, ImVec2(at.x + bw, at.y + bh), p.accent, 16);
  draw_text_centered(dl, f, ImRect(at, ImVec2(at.x + bw, at.y + bh)), p.on_accent, badge);
  const char* name = tr("app.name");
  ImFont* fn = font_for(FontRole::body, name);
  draw_text(dl, fn, ImVec2(at.x + bw + 20, at.y + (bh - fn->FontSize) * 0.5f), p.text, name);
}

// A row with a round icon and a line of text; returns its height.
float feature(ImDrawList* dl, ImVec2 at, float width, const char* icon, const char* text, bool draw) {
  const Palette& p = ui().pal;
  ImFont* fi = font(FontRole::body);
  ImFont* f = font_for(FontRole::body, text);
  const float d = 72;
  const float h = wrapped_height(f, text, width - d - 28);
  if (draw) {
    dl->AddCircleFilled(ImVec2(at.x + d * 0.5f, at.y + d * 0.5f), d * 0.5f, p.surface, 40);
    draw_icon_centered(dl, fi, ImVec2(at.x + d * 0.5f, at.y + d * 0.5f), p.accent, icon);
    draw_wrapped(dl, f, ImVec2(at.x + d + 28, at.y + std::max(0.0f, (d - h) * 0.5f)), width - d - 28, p.text, text);
  }
  return std::max(d, h);
}

// The hero block: headline, lead, the first `features` of the three
// features. Returns its height.
float hero(ImDrawList* dl, ImVec2 at, float width, bool draw, const std::string& lead, int features) {
  const Palette& p = ui().pal;
  float y = at.y;
  const char* title = tr("welcome.hero");
  ImFont* fh = font_for(FontRole::display, title);
  if (draw) draw_wrapped(dl, fh, ImVec2(at.x, y), width, p.text, title);
  y += wrapped_height(fh, title, width) + 20;
  ImFont* fl = font_for(FontRole::body, lead);
  const float lead_w = std::min(width, 920.0f);
  if (draw) draw_wrapped(dl, fl, ImVec2(at.x, y), lead_w, p.text_muted, lead);
  y += wrapped_height(fl, lead, lead_w) + (features > 0 ? 56 : 0);
  const char* feats[3][2] = {{ICON_SCHEDULE, tr("welcome.feature_time")},
                             {ICON_VERIFIED_USER, tr("welcome.feature_privacy")},
                             {ICON_RECEIPT_LONG, tr("welcome.feature_ticket")}};
  for (int i = 0; i < features; ++i)
    y += feature(dl, ImVec2(at.x, y), lead_w, feats[i][0], feats[i][1], draw) + (i + 1 < features ? 24 : 0);
  return y - at.y;
}

}  // namespace

void screen_welcome(App& app) {
  Ui& u = ui();
  const Palette& p = u.pal;
  const Metrics& m = u.m;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 D = u.display;
  const bool portrait = u.portrait;

  // Background: a soft accent wash and two large quiet circles.
  dl->AddRectFilledMultiColor(ImVec2(0, 0), D, p.accent_soft, p.bg, p.bg, p.accent_soft);
  const ImU32 ring = (p.accent & 0x00FFFFFF) | (0x0C << 24);
  dl->AddCircleFilled(ImVec2(D.x * (portrait ? 1.0f : 0.50f), D.y * (portrait ? 0.08f : -0.05f)), D.y * 0.32f, ring, 96);
  dl->AddCircleFilled(ImVec2(D.x * (portrait ? -0.05f : 0.05f), D.y * (portrait ? 0.55f : 1.02f)), D.y * 0.22f, ring, 96);

  const float margin = portrait || D.x < 1600 ? 64 : 96;
  brand(dl, ImVec2(margin, portrait ? 64 : 72));

  // The choices card: language, large text, Start; as tall as its content.
  const float pad = 48;
  const float choice_h = IM_ROUND(116 * m.s), start_h = IM_ROUND(132 * m.s);
  const char* lang_title = tr("welcome.language_title");
  ImFont* ft = font_for(FontRole::title, lang_title);
  const float card_h = pad + line_height(ft) + 20 + choice_h + 28 + choice_h + 44 + start_h + pad;
  // Call staff and read-aloud along the bottom (portrait: under the card).
  const float assist_h = std::max(80.0f, IM_ROUND(84 * m.s));
  const float assist_y = D.y - (portrait ? 56 : 64) - assist_h;
  ImRect card;
  if (portrait)
    card = ImRect(ImVec2(margin - 16, assist_y - 40 - card_h), ImVec2(D.x - margin + 16, assist_y - 40));
  else
    // At least 560 px wide: on a small screen (1280x720) its cards' second lines still read whole.
    card = ImRect(ImVec2(std::min(D.x * 0.58f, D.x - margin - 560), (D.y - card_h) * 0.5f + 20),
                  ImVec2(D.x - margin, (D.y + card_h) * 0.5f + 20));

  // The hero, centred in the room the card leaves.
  const std::string lead = trf("welcome.lead", {{"days", std::to_string(app.config().deadline_working_days)}});
  const float hero_w = portrait ? D.x - 2 * margin : card.Min.x - 2 * margin;
  const float top = portrait ? 180 : 170, bottom = portrait ? card.Min.y - 40 : assist_y - 32;
  // As many of the three features as fit above the footnote (all on 1080p; fewer on a small screen).
  int features = 3;
  float hh = hero(dl, ImVec2(margin, 0), hero_w, false, lead, features);
  while (features > 0 && hh > bottom - top) hh = hero(dl, ImVec2(margin, 0), hero_w, false, lead, --features);
  hero(dl, ImVec2(margin, std::max(top, top + (bottom - top - hh) * 0.5f)), hero_w, true, lead, features);

  draw_card(dl, card, p.surface, 36, true);
  ImRect in(ImVec2(card.Min.x + pad, card.Min.y + pad), ImVec2(card.Max.x - pad, card.Max.y - pad));
  float cy = in.Min.y;
  draw_text(dl, ft, ImVec2(in.Min.x, cy), p.text, lang_title);
  cy += line_height(ft) + 20;
  const float half = (in.GetWidth() - 20) * 0.5f;
  const bool zh = app.i18n().zh();
  if (choice_card("welcome.lang.zh", ImRect(ImVec2(in.Min.x, cy), ImVec2(in.Min.x + half, cy + choice_h)), nullptr,
                  "中文", "Chinese", zh))
    app.set_locale("zh-CN");
  if (choice_card("welcome.lang.en", ImRect(ImVec2(in.Max.x - half, cy), ImVec2(in.Max.x, cy + choice_h)), nullptr,
                  "English", "英文", !zh))
    app.set_locale("en");
  cy += choice_h + 28;
  // Large text also reads each page aloud, where the kiosk can speak: say so.
  const char* large_sub = tr(app.can_read_aloud() ? "welcome.large_text_sub_speech" : "welcome.large_text_sub");
  if (choice_card("welcome.large_text", ImRect(ImVec2(in.Min.x, cy), ImVec2(in.Max.x, cy + choice_h)),
                  ICON_FORMAT_SIZE, tr("welcome.large_text"), large_sub, app.large_text()))
    app.set_large_text(!app.large_text());
  cy += choice_h + 44;

  // Start: the biggest thing on the screen, with a slow pulse around it.
  ImRect start(ImVec2(in.Min.x, cy), ImVec2(in.Max.x, cy + start_h));
  if (app.env().animate) {
    const float t = static_cast<float>(std::fmod(u.time_s, 2.4) / 2.4);
    const float grow = 8 + t * 24;  // from 8 px out: the button's own edge keeps its 3:1 against the card
    const int alpha = static_cast<int>((1.0f - t) * (1.0f - t) * 120);
    dl->AddRect(ImVec2(start.Min.x - grow, start.Min.y - grow), ImVec2(start.Max.x + grow, start.Max.y + grow),
                (p.accent & 0x00FFFFFF) | (static_cast<ImU32>(alpha) << 24), m.radius + grow, 0, 4);
    // The ring moves around the button, which itself stays: four bands.
    const float o = 38, i = 2;
    u.animate_in(ImRect(start.Min.x - o, start.Min.y - o, start.Max.x + o, start.Min.y + i));
    u.animate_in(ImRect(start.Min.x - o, start.Max.y - i, start.Max.x + o, start.Max.y + o));
    u.animate_in(ImRect(start.Min.x - o, start.Min.y + i, start.Min.x + m.radius, start.Max.y - i));
    u.animate_in(ImRect(start.Max.x - m.radius, start.Min.y + i, start.Max.x + o, start.Max.y - i));
  }
  if (button("welcome.start", start, tr("welcome.cta"), ICON_ARROW_FORWARD, ButtonStyle::primary, true,
             FontRole::title))
    app.start();

  const float assist_w = portrait ? D.x - 2 * margin : std::min(assist_width(app), hero_w);
  assist_buttons(app, ImRect(ImVec2(margin, assist_y), ImVec2(margin + assist_w, assist_y + assist_h)));
}

}  // namespace odr::kiosk
