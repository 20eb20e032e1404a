// The dashboard's words, in Simplified Chinese first and English. A page
// takes its language from ?lang=en|zh, else the browser's Accept-Language.
#pragma once
#include <string>
#include <string_view>

namespace odr::hub::web {

enum class Lang { zh, en };
Lang lang_from(std::string_view query_lang, std::string_view accept_language);
const char* lang_tag(Lang l);  // "zh-CN", "en"

// The text for key (keys are the English words' short names); a missing key
// is shown as the key itself, so a gap is visible, never blank.
const char* tr(Lang l, const char* key);

}  // namespace odr::hub::web
