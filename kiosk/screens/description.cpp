// 5. What happened: the description, with a live character count (10 to 2,000).
#include "screens/screens.h"
#include "util/utf8.h"
#include "widgets/icons.h"
#include "widgets/widgets.h"

namespace odr::kiosk {

void screen_description(App& app) {
  const Palette& p = ui().pal;
  const Metrics& m = ui().m;
  std::string& text = app.draft.c.description;
  content_begin(app);
  screen_heading(Step::description);

  const LengthLimits lim = field_length_limits("description");
  const size_t n = codepoint_count(text);
  TextFieldSpec spec;
  spec.hint = tr("description.hint");
  spec.lines = app.has_focus() && !ui().portrait ? 4 : 7;
  spec.counter = "";
  std::string counter = trf("description.counter", {{"n", std::to_string(n)}, {"max", std::to_string(lim.max)}});
  spec.counter = counter;
  spec.counter_ok = n == 0 || (n >= lim.min && n <= lim.max);
  // While typing, the length rule guides rather than scolds.
  std::string msg = app.message_for("description");
  std::string guide;
  if (n > 0 && n < lim.min) {
    guide = trf("description.need_more", {{"n", std::to_string(lim.min - n)}});
    msg.clear();
  }
  spec.error = msg;
  app.field({"field.description", "description", &text, FieldKind::multiline, lim.max}, spec);
  if (!guide.empty()) {
    space(6);
    message_line(ICON_INFO, guide, p.text_muted);
  }
  if (!app.has_focus()) {
    space(m.gap);
    message_line(ICON_INFO, tr("description.tip"), p.text_muted);
  }
  content_end();
}

}  // namespace odr::kiosk
