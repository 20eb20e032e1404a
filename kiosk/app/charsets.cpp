#include "app/charsets.h"

#include "model/validate.h"

namespace odr::kiosk {

namespace {

void add_catalog(FontCharsets& cs, const Catalog& cat) {
  for (const auto& [key, value] : cat.strings) {
    add_codepoints(cs.ui, value);
    std::string_view k(key);
    // Keys ending in "title" are drawn in the title font: its atlas holds their characters.
    if (k.ends_with("title") || k.ends_with(".cta") || k.starts_with("cal.month.")) add_codepoints(cs.title, value);
    if (k.ends_with(".hero")) add_codepoints(cs.hero, value);
  }
}

}  // namespace

FontCharsets collect_charsets(const I18n& i18n, const KioskConfig& config) {
  FontCharsets cs;
  add_catalog(cs, i18n.zh_catalog());
  add_catalog(cs, i18n.en_catalog());
  add_codepoints(cs.ui, "中文英文ChineseEnglish");
  for (const Business& b : config.businesses)
    for (const std::string* s : {&b.name, &b.name_en, &b.address, &b.booth}) add_codepoints(cs.ui, *s);
  for (const CategoryEntry& c : config.categories) {
    add_codepoints(cs.ui, c.name_zh);
    add_codepoints(cs.ui, c.name_en);
  }
  // Every message the model can show under a field, in both languages.
  static const char* fields[] = {"respondent.name", "consumer.name", "consumer.phone", "consumer.address",
                                 "category.kind", "category.code", "category.problems", "purchase.item",
                                 "purchase.date", "purchase.amount_fen", "purchase.order_no", "description",
                                 "demand.types", "demand.amount_fen", "demand.text", "consent.notice_version",
                                 "consent.accepted_at", "consent.transfer_to_platform"};
  static const char* codes[] = {err::required,  err::too_short,   err::too_long,        err::bad_utf8,
                                err::control_chars, err::bad_phone, err::bad_date,      err::future_date,
                                err::bad_amount, err::amount_too_large, err::bad_choice, err::consent_missing};
  for (const char* f : fields)
    for (const char* c : codes)
      for (const char* loc : {"zh-CN", "en"}) add_codepoints(cs.ui, error_message(FieldError{f, c}, loc));
  return cs;
}

}  // namespace odr::kiosk
