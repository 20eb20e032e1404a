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

// A row with a round icon and a line of text.
float feature(ImDrawList* dl, ImVec2 at, float width, const char* icon, const char* text) {
  const Palette& p = ui().pal;
  ImFont* fi = font(FontRole::body);
  ImFont* f = font_for(FontRole::body, text);
  const float d = 64;
  dl->AddCircleFilled(ImVec2(at.x + d * 0.5f, at.y + d * 0.5f), d * 0.5f, p.accent_soft, 40);
  ImVec2 is = measure(fi, icon);
  draw_text(dl, fi, ImVec2(at.x + (d - is.x) * 0.5f, at.y + (d - fi->FontSize) * 0.5f), p.accent, icon);
  float h = wrapped_height(f, text, width - d - 24);
  float y = at.y + std::max(0.0f, (d - h) * 0.5f);
  draw_wrapped(dl, f, ImVec2(at.x + d + 24, y), width - d - 24, p.text, text);
  return std::max(d, h);
}

}  // namespace

void screen_welcome(App& app) {
  Ui& u = ui();
  const Palette& p = u.pal;
  const Metrics& m = u.m;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 D = u.display;

  // A quiet accent band behind the hero.
  const bool portrait = u.portrait;
  const float hero_w = portrait ? D.x : D.x * 0.56f;
  dl->AddRectFilledMultiColor(ImVec2(0, 0), ImVec2(hero_w, D.y), p.accent_soft, p.bg, p.bg, p.accent_soft);

  const float margin = portrait ? 64 : 96;
  brand(dl, ImVec2(margin, portrait ? 64 : 72));

  // The hero: what this is, in a few words.
  float y = portrait ? 200 : 230;
  const float text_w = hero_w - 2 * margin;
  const char* hero = tr("welcome.hero");
  ImFont* fh = font_for(FontRole::display, hero);
  y += draw_wrapped(dl, fh, ImVec2(margin, y), text_w, p.text, hero) + 16;
  const char* lead = tr("welcome.lead");
  ImFont* fl = font_for(FontRole::body, lead);
  y += draw_wrapped(dl, fl, ImVec2(margin, y), std::min(text_w, 900.0f), p.text_muted, lead) + 48;
  const char* feats[3][2] = {{ICON_SCHEDULE, tr("welcome.feature_time")},
                             {ICON_VERIFIED_USER, tr("welcome.feature_privacy")},
                             {ICON_RECEIPT_LONG, tr("welcome.feature_ticket")}};
  for (auto& f : feats) y += feature(dl, ImVec2(margin, y), std::min(text_w, 900.0f), f[0], f[1]) + 28;

  // The choices card: language, large text, Start.
  ImRect card;
  if (portrait) {
    float top = std::max(y + 24, D.y * 0.5f);
    card = ImRect(ImVec2(margin - 16, top), ImVec2(D.x - margin + 16, D.y - 64));
  } else {
    card = ImRect(ImVec2(hero_w + 40, 150), ImVec2(D.x - 96, D.y - 110));
  }
  draw_card(dl, card, p.surface, 36, true);
  const float pad = 48;
  ImRect in(ImVec2(card.Min.x + pad, card.Min.y + pad), ImVec2(card.Max.x - pad, card.Max.y - pad));
  float cy = in.Min.y;
  const char* lang_title = tr("welcome.language_title");
  ImFont* ft = font_for(FontRole::title, lang_title);
  draw_text(dl, ft, ImVec2(in.Min.x, cy), p.text, lang_title);
  cy += line_height(ft) + 20;
  const float choice_h = 120 * m.s;
  const float half = (in.GetWidth() - 20) * 0.5f;
  const bool zh = app.i18n().zh();
  if (choice_card("welcome.lang.zh", ImRect(ImVec2(in.Min.x, cy), ImVec2(in.Min.x + half, cy + choice_h)), nullptr,
                  "中文", "简体中文", zh))
    app.set_locale("zh-CN");
  if (choice_card("welcome.lang.en", ImRect(ImVec2(in.Max.x - half, cy), ImVec2(in.Max.x, cy + choice_h)), nullptr,
                  "English", "English", !zh))
    app.set_locale("en");
  cy += choice_h + 40;
  const char* big_title = tr("welcome.large_text");
  if (choice_card("welcome.large_text", ImRect(ImVec2(in.Min.x, cy), ImVec2(in.Max.x, cy + choice_h)),
                  ICON_FORMAT_SIZE, big_title, tr("welcome.large_text_sub"), app.large_text()))
    app.set_large_text(!app.large_text());
  cy += choice_h;

  // Start: the biggest thing on the screen, at the bottom of the card, with a slow pulse.
  const float start_h = IM_ROUND(128 * m.s);
  ImRect start(ImVec2(in.Min.x, in.Max.y - start_h), ImVec2(in.Max.x, in.Max.y));
  if (start.Min.y < cy + 32) start.TranslateY(cy + 32 - start.Min.y);
  if (app.env().animate) {
    const float t = static_cast<float>(std::fmod(u.time_s, 2.4) / 2.4);
    const float grow = 6 + t * 26;
    const int alpha = static_cast<int>((1.0f - t) * 110);
    dl->AddRect(ImVec2(start.Min.x - grow, start.Min.y - grow), ImVec2(start.Max.x + grow, start.Max.y + grow),
                (p.accent & 0x00FFFFFF) | (static_cast<ImU32>(alpha) << 24), m.radius + grow, 0, 5);
  }
  ImGui::SetCursorScreenPos(start.Min);
  if (button("welcome.start", start, tr("welcome.start"), ICON_TOUCH_APP, ButtonStyle::primary)) app.start();

  // Footnote: who runs the desk.
  const char* foot = tr("welcome.footnote");
  ImFont* ff = font_for(FontRole::body, foot);
  float fw = measure(ff, foot).x;
  float fx = portrait ? (D.x - fw) * 0.5f : margin;
  if (fw < D.x - 2 * margin) draw_text(dl, ff, ImVec2(fx, D.y - (portrait ? 52 : 72)), p.text_muted, foot);
}

}  // namespace odr::kiosk
