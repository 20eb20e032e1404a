// What the binary, the UI test driver and the benchmark all need to start an
// App the same way: where the assets are, which fonts, how the store opens.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "i18n/i18n.h"
#include "widgets/fonts.h"

namespace odr::kiosk {

// The config's [fonts] text list, or Noto Sans CJK then WenQuanYi Micro Hei.
std::vector<std::string> font_candidates(const KioskConfig& config);
std::string icon_font(const KioskConfig& config);
// assets/ next to the binary's install (../share/odr-kiosk/assets), in the
// source tree it was built from, or explicit when given. Empty when none.
std::string find_assets_dir(const std::string& explicit_dir);


// Fonts for an App: found and charsets collected (nothing built yet). Throws
// std::runtime_error with a message for the operator when no font is usable.
std::unique_ptr<FontAtlases> prepare_fonts(const KioskConfig& config, const I18n& i18n);
// The same with the first atlas built.
std::unique_ptr<FontAtlases> make_fonts(const KioskConfig& config, const I18n& i18n);

}  // namespace odr::kiosk
