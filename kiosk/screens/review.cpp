// 9. Review: everything on one screen; tapping a section goes back to it
// (and Next there comes straight back here).
#include <algorithm>

#include "screens/screens.h"
#include "widgets/icons.h"
#include "widgets/widgets.h"

namespace odr::kiosk {

namespace {

struct Row {
  std::string label, value;
};

std::string joined(const std::vector<std::string>& codes, const char* prefix) {
  std::string out;
  const char* sep = current_i18n() && current_i18n()->zh() ? "、" : ", ";
  for (const std::string& c : codes) out += (out.empty() ? "" : sep) + std::string(tr(prefix + c));
  return out;
}

// One section: a card with a heading, its rows and an Edit mark; the whole card is the target.
void section(App& app, Step step, const char* icon, const std::vector<Row>& rows, float W) {
  const Palette& p = ui().pal;
  const Metrics& m = ui().m;
  ImFont* f = font(FontRole::body);
  const float pad = 32;
  const bool side = !ui().portrait;
  const float label_w = side ? 300 * m.s : W - 2 * pad;
  const float value_w = side ? W - 2 * pad - label_w - 16 : W - 2 * pad;
  float h = pad + line_height(f) + 18;
  for (const Row& r : rows) {
    float vh = wrapped_height(font_for(FontRole::body, r.value), r.value.empty() ? "-" : r.value, value_w);
    h += side ? vh + 12 : line_height(f) + vh + 16;
  }
  h += pad - 12;
  ImRect card = take(ImVec2(W, h));
  std::string id = std::string("review.edit.") + step_key(step);
  bool held = false;
  if (pressable(id.c_str(), card, true, &held)) app.edit_from_review(step);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  // Elderly mode: the card's edge shows (it is one big button).
  draw_card(dl, card, held ? p.pressed : p.surface, m.card_radius, true, ui().large ? p.border : 0u, 2);
  float y = card.Min.y + pad;
  const char* title = tr(std::string("steps.") + step_key(step));
  draw_text(dl, f, ImVec2(card.Min.x + pad, y), p.accent, icon);
  draw_text(dl, font_for(FontRole::body, title), ImVec2(card.Min.x + pad + measure(f, icon).x + 14, y), p.text, title);
  std::string edit = std::string(ICON_EDIT " ") + tr("review.edit");
  ImFont* fe = font_for(FontRole::body, edit);
  draw_text(dl, fe, ImVec2(card.Max.x - pad - measure(fe, edit).x, y), p.accent, edit);
  y += line_height(f) + 18;
  int row = 0;
  for (const Row& r : rows) {
    const std::string v = r.value.empty() ? "-" : r.value;
    ImFont* fv = font_for(FontRole::body, v);
    // Each value is findable by the UI tests: "review.contact.1".
    const std::string vid = std::string("review.") + step_key(step) + "." + std::to_string(row++);
    hit_add(vid, ImVec2(card.Min.x + pad, y), ImVec2(card.Max.x - pad, y + line_height(f)), true);
    hit_text(vid, v);
    draw_text(dl, font_for(FontRole::body, r.label), ImVec2(card.Min.x + pad, y), p.text_muted, r.label);
    if (side) {
      y += draw_wrapped(dl, fv, ImVec2(card.Min.x + pad + label_w + 16, y), value_w, p.text, v) + 12;
    } else {
      y += line_height(f);
      y += draw_wrapped(dl, fv, ImVec2(card.Min.x + pad, y), value_w, p.text, v) + 16;
    }
  }
  space(m.gap);
}

}  // namespace

void screen_review(App& app) {
  const Complaint& c = app.draft.c;
  const Draft& d = app.draft;
  const float W = content_begin(app, 1320);
  screen_heading(Step::review);
  app.next_label = tr("review.submit");

  std::string business;
  for (const Business& b : app.config().businesses)
    if (b.id == d.business_id) business = business_label(app, b);
  section(app, Step::business, ICON_STOREFRONT,
          {{tr("review.business"), business}, {tr("review.booth"), c.respondent.booth}}, W);
  section(app, Step::category, ICON_REPORT_PROBLEM,
          {{tr("review.kind"), c.category.kind.empty() ? "" : tr("category.kind_" + c.category.kind)},
           {tr("review.category"), c.category.code.empty() ? "" : category_label(app, c.category.code)},
           {tr("review.problems"), joined(c.category.problems, "problem.")}},
          W);
  std::vector<Row> purchase = {{tr("purchase.item"), c.purchase.item},
                               {tr("purchase.date"), c.purchase.date.empty() ? "" : date_label(c.purchase.date)},
                               {tr("purchase.amount"), d.amount_text.empty() ? "" : "¥" + d.amount_text}};
  if (!c.purchase.order_no.empty()) purchase.push_back({tr("purchase.order_no"), c.purchase.order_no});
  section(app, Step::purchase, ICON_RECEIPT_LONG, purchase, W);
  section(app, Step::description, ICON_EDIT_NOTE, {{tr("review.description"), c.description}}, W);
  std::vector<Row> demands = {{tr("review.demands"), joined(c.demand.types, "demand.")}};
  if (!d.claim_text.empty()) demands.push_back({tr("demands.claim"), "¥" + d.claim_text});
  if (!c.demand.text.empty()) demands.push_back({tr("demands.text"), c.demand.text});
  section(app, Step::demands, ICON_GAVEL, demands, W);
  section(app, Step::contact, ICON_PERSON,
          {{tr("contact.name"), c.consumer.name},
           {tr("contact.phone"), c.consumer.phone},  // theirs to check: in full
           {tr("contact.address"), c.consumer.address}},
          W);
  const char* yes = tr("review.agreed");
  const char* no = tr("review.not_agreed");
  section(app, Step::privacy, ICON_PRIVACY_TIP,
          {{tr("review.consent_notice"), d.notice_accepted ? yes : no},
           {tr("review.consent_transfer"), c.consent.transfer_to_platform ? yes : no}},
          W);
  content_end();
}

}  // namespace odr::kiosk
