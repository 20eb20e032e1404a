// Which characters the fonts must hold before the first frame: every string
// of both catalogs, the config's businesses and categories, and every
// message the model can give about a field. Title and hero sizes get only
// the strings drawn at those sizes (keys ending in "title" / ".hero").
#pragma once
#include "config/config.h"
#include "i18n/i18n.h"
#include "widgets/fonts.h"

namespace odr::kiosk {

FontCharsets collect_charsets(const I18n& i18n, const KioskConfig& config);

}  // namespace odr::kiosk
