// The kiosk's languages: zh-CN and English catalogs from assets/i18n/, one
// current locale, and tr("key") for the screens. Switching the locale changes
// only what tr() returns; nothing the shopper entered is touched.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "i18n/po.h"

namespace odr::kiosk {

class I18n {
 public:
  // Reads assets_dir/i18n/zh_CN.po and en.po. False with a message naming the file and line.
  bool load(const std::string& assets_dir, std::string* error);
  void set_locale(std::string_view locale);  // "zh-CN" or "en"; anything else: "en"
  const std::string& locale() const { return locale_; }
  bool zh() const { return locale_ == "zh-CN"; }
  // The current language's string; English when it is missing there; the key itself when missing everywhere.
  const char* tr(std::string_view key) const;
  const char* tr_in(std::string_view locale, std::string_view key) const;
  const Catalog& zh_catalog() const { return zh_; }
  const Catalog& en_catalog() const { return en_; }

 private:
  Catalog zh_, en_;
  std::string locale_ = "zh-CN";
};

// The I18n the screens use (set by the app; like ImGui's current context).
void set_current_i18n(I18n* i18n);
I18n* current_i18n();
const char* tr(std::string_view key);
// tr() with {name} placeholders filled in.
std::string trf(std::string_view key, std::initializer_list<std::pair<std::string_view, std::string_view>> args);

}  // namespace odr::kiosk
