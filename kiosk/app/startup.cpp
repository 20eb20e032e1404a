#include "app/startup.h"

#include <unistd.h>

#include <filesystem>
#include <stdexcept>

#include "app/charsets.h"

#ifndef ODR_SOURCE_ASSETS_DIR
#define ODR_SOURCE_ASSETS_DIR ""
#endif

namespace odr::kiosk {

namespace fs = std::filesystem;

std::vector<std::string> font_candidates(const KioskConfig& config) {
  if (!config.fonts.empty()) return config.fonts;
  return {"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"};
}

std::string icon_font(const KioskConfig& config) {
  if (!config.icon_font.empty()) return config.icon_font;
  return "/usr/share/fonts/truetype/material-design-icons-iconfont/MaterialIcons-Regular.ttf";
}

std::string find_assets_dir(const std::string& explicit_dir) {
  std::error_code ec;
  auto ok = [&](const fs::path& p) { return fs::is_regular_file(p / "i18n" / "zh_CN.po", ec); };
  if (!explicit_dir.empty()) return ok(explicit_dir) ? explicit_dir : std::string();
  if (const char* env = getenv("ODR_ASSETS_DIR"); env && ok(env)) return env;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (const fs::path& p : {exe.parent_path() / ".." / "share" / "odr-kiosk" / "assets", exe.parent_path() / "assets"})
      if (ok(p)) return p.lexically_normal().string();
  }
  if (ok(ODR_SOURCE_ASSETS_DIR)) return ODR_SOURCE_ASSETS_DIR;
  return {};
}

std::unique_ptr<FontAtlases> prepare_fonts(const KioskConfig& config, const I18n& i18n) {
  std::string error;
  auto files = find_fonts(font_candidates(config), icon_font(config), &error);
  if (!files) throw std::runtime_error(error);
  return std::make_unique<FontAtlases>(*files, collect_charsets(i18n, config));
}

std::unique_ptr<FontAtlases> make_fonts(const KioskConfig& config, const I18n& i18n) {
  auto fonts = prepare_fonts(config, i18n);
  fonts->build_first();
  return fonts;
}

}  // namespace odr::kiosk
