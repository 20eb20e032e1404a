// 6. Demands: one or more of SAMR's demand types, the amount claimed and a
// note (both optional).
#include <algorithm>

#include "screens/screens.h"
#include "widgets/icons.h"
#include "widgets/widgets.h"

namespace odr::kiosk {

void screen_demands(App& app) {
  const Palette& p = ui().pal;
  const Metrics& m = ui().m;
  Demand& d = app.draft.c.demand;
  const float W = content_begin(app);
  screen_heading(Step::demands);

  std::vector<ChipItem> items;
  for (const std::string& code : kDemandTypes) {
    bool on = std::find(d.types.begin(), d.types.end(), code) != d.types.end();
    items.push_back({"demand.type." + code, tr("demand." + code), on});
  }
  int t = chip_grid(items, true, ui().portrait ? 2 : 3);
  if (t >= 0) {
    const std::string& code = kDemandTypes[t];
    auto it = std::find(d.types.begin(), d.types.end(), code);
    if (it == d.types.end())
      d.types.push_back(code);
    else
      d.types.erase(it);
    app.touch("demand.types");
  }
  if (std::string msg = app.message_for("demand.types"); !msg.empty()) {
    space(10);
    message_line(ICON_ERROR_OUTLINE, msg, p.error, W);
  }
  space(m.gap * 1.5f);

  TextFieldSpec claim;
  claim.label = tr("demands.claim");
  claim.hint = tr("demands.claim_hint");
  claim.prefix = "¥";
  claim.optional = true;
  ui().column_w = ui().portrait ? W : W * 0.5f;
  app.field({"field.demand.amount", "demand.amount_fen", &app.draft.claim_text, FieldKind::amount, 12}, claim);
  ui().column_w = W;
  space(m.gap * 1.25f);
  TextFieldSpec note;
  note.label = tr("demands.text");
  note.hint = tr("demands.text_hint");
  note.optional = true;
  note.lines = 3;
  app.field({"field.demand.text", "demand.text", &d.text, FieldKind::multiline, field_length_limits("demand.text").max},
            note);
  content_end();
}

}  // namespace odr::kiosk
