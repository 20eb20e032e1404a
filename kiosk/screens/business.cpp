// 2. Who: the business complained about, from the configured list (the mall
// itself first), searchable by name or booth number.
#include <algorithm>
#include <cctype>

#include "screens/screens.h"
#include "widgets/icons.h"
#include "widgets/widgets.h"

namespace odr::kiosk {

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool matches(const Business& b, const std::string& query) {
  if (query.empty()) return true;
  std::string q = lower(query);
  for (const std::string* s : {&b.name, &b.name_en, &b.booth, &b.id})
    if (lower(*s).find(q) != std::string::npos) return true;
  return false;
}

}  // namespace

void screen_business(App& app) {
  const Palette& p = ui().pal;
  const Metrics& m = ui().m;
  const float W = content_begin(app);
  screen_heading(Step::business);

  TextFieldSpec search;
  search.hint = tr("business.search_hint");
  search.icon = ICON_SEARCH;
  app.field({"field.business.search", "search", &app.draft.search, FieldKind::text, 40}, search);
  space(m.gap);
  if (const std::string msg = app.message_for("respondent.name"); !msg.empty()) {
    message_line(ICON_ERROR_OUTLINE, msg, p.error, W);
    space(m.gap * 0.5f);
  }

  // Two columns of cards in landscape, one in portrait.
  const int cols = ui().portrait ? 1 : 2;
  const float gap = m.gap;
  const float card_w = (W - gap * (cols - 1)) / cols;
  const float card_h = IM_ROUND(124 * m.s);
  int shown = 0;
  ImVec2 origin = ImGui::GetCursorScreenPos();
  for (const Business& b : app.config().businesses) {
    if (!matches(b, app.draft.search)) continue;
    const int col = shown % cols, row = shown / cols;
    ImRect r(ImVec2(origin.x + col * (card_w + gap), origin.y + row * (card_h + gap)),
             ImVec2(origin.x + col * (card_w + gap) + card_w, origin.y + row * (card_h + gap) + card_h));
    std::string sub = b.booth.empty() ? std::string(tr("business.the_mall")) : trf("business.booth", {{"booth", b.booth}});
    std::string id = "business." + b.id;
    const bool sel = app.draft.business_id == b.id;
    if (choice_card(id.c_str(), r, b.booth.empty() ? ICON_LOCAL_MALL : ICON_STOREFRONT, business_label(app, b), sub,
                    sel)) {
      choose_business(app.draft, b);
      app.touch("respondent.name");
      app.unfocus();
    }
    ++shown;
  }
  const int rows = (shown + cols - 1) / cols;
  ImGui::SetCursorScreenPos(origin);
  take(ImVec2(W, rows > 0 ? rows * card_h + (rows - 1) * gap : 0));
  if (shown == 0) {
    space(m.gap);
    message_line(ICON_INFO, tr("business.no_match"), p.text_muted, W);
  }
  content_end();
}

}  // namespace odr::kiosk
