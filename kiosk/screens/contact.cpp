// 7. Contact: name, mobile (numeric keypad, checked as typed), postal address.
#include "screens/screens.h"
#include "widgets/icons.h"
#include "widgets/widgets.h"

namespace odr::kiosk {

void screen_contact(App& app) {
  const Metrics& m = ui().m;
  Consumer& c = app.draft.c.consumer;
  const float W = content_begin(app);
  screen_heading(Step::contact);

  SideBySide cols(W, !ui().portrait);
  TextFieldSpec name;
  name.label = tr("contact.name");
  name.hint = tr("contact.name_hint");
  name.icon = ICON_PERSON;
  app.field({"field.consumer.name", "consumer.name", &c.name, FieldKind::text, field_length_limits("consumer.name").max},
            name);
  cols.next();
  TextFieldSpec phone;
  phone.label = tr("contact.phone");
  phone.hint = tr("contact.phone_hint");
  phone.icon = ICON_PHONE;
  // As typed: a mobile number is complete at 11 digits; say so before then.
  std::string guide, phone_error;
  if (app.focused().id == "field.consumer.phone" && !c.phone.empty() && c.phone.size() < 11)
    guide = trf("contact.phone_digits_left", {{"n", std::to_string(11 - c.phone.size())}});
  else if (!c.phone.empty() && !is_valid_mobile(c.phone))
    phone_error = app.message_any("consumer.phone");
  phone.error = phone_error;
  app.field({"field.consumer.phone", "consumer.phone", &c.phone, FieldKind::phone, 11}, phone);
  if (!guide.empty()) {
    space(6);
    message_line(ICON_INFO, guide, ui().pal.text_muted, cols.column_width());
  }
  cols.end();
  space(m.gap * 1.25f);

  TextFieldSpec addr;
  addr.label = tr("contact.address");
  addr.hint = tr("contact.address_hint");
  addr.lines = 2;
  app.field({"field.consumer.address", "consumer.address", &c.address, FieldKind::text,
             field_length_limits("consumer.address").max},
            addr);
  space(m.gap);
  message_line(ICON_LOCK, tr("contact.why"), ui().pal.text_muted);
  content_end();
}

}  // namespace odr::kiosk
