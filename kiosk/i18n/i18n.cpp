#include "i18n/i18n.h"

#include <cstdio>
#include <utility>

namespace odr::kiosk {

namespace {
I18n* g_i18n = nullptr;
}

bool I18n::load(const std::string& assets_dir, std::string* error) {
  if (!load_catalog(assets_dir + "/i18n/zh_CN.po", zh_, error) || !load_catalog(assets_dir + "/i18n/en.po", en_, error))
    return false;
  // The staff screens' words (helper "staff") have catalogs of their own in
  // i18n/staff/, merged in when present.
  for (auto [file, into] : {std::pair{"/i18n/staff/zh_CN.po", &zh_}, std::pair{"/i18n/staff/en.po", &en_}}) {
    Catalog extra;
    std::string path = assets_dir + file;
    if (FILE* f = std::fopen(path.c_str(), "rb")) {
      std::fclose(f);
      if (!load_catalog(path, extra, error)) return false;
      into->strings.insert(extra.strings.begin(), extra.strings.end());
    }
  }
  return true;
}

void I18n::set_locale(std::string_view locale) { locale_ = locale == "zh-CN" ? "zh-CN" : "en"; }

const char* I18n::tr_in(std::string_view locale, std::string_view key) const {
  if (locale == "zh-CN")
    if (const std::string* s = zh_.find(key)) return s->c_str();
  if (const std::string* s = en_.find(key)) return s->c_str();
  // Missing everywhere: show the key so the gap is visible (a test checks there are none).
  static thread_local std::string missing;
  missing.assign(key);
  return missing.c_str();
}

const char* I18n::tr(std::string_view key) const { return tr_in(locale_, key); }

void set_current_i18n(I18n* i18n) { g_i18n = i18n; }
I18n* current_i18n() { return g_i18n; }

const char* tr(std::string_view key) {
  if (!g_i18n) return "";
  return g_i18n->tr(key);
}

std::string trf(std::string_view key, std::initializer_list<std::pair<std::string_view, std::string_view>> args) {
  return format(tr(key), args);
}

}  // namespace odr::kiosk
