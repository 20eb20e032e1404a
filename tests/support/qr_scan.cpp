#include "support/qr_scan.h"

#include <zbar.h>

namespace odr::test {

std::vector<std::string> scan_qr_grey(const std::vector<unsigned char>& grey, int w, int h) {
  using namespace zbar;
  std::vector<std::string> out;
  if (w <= 0 || h <= 0 || grey.size() < static_cast<size_t>(w) * h) return out;
  zbar_image_scanner_t* scanner = zbar_image_scanner_create();
  zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  zbar_image_t* image = zbar_image_create();
  zbar_image_set_format(image, zbar_fourcc('Y', '8', '0', '0'));
  zbar_image_set_size(image, static_cast<unsigned>(w), static_cast<unsigned>(h));
  zbar_image_set_data(image, grey.data(), static_cast<size_t>(w) * h, nullptr);
  if (zbar_scan_image(scanner, image) > 0)
    for (const zbar_symbol_t* s = zbar_image_first_symbol(image); s; s = zbar_symbol_next(s))
      out.emplace_back(zbar_symbol_get_data(s), zbar_symbol_get_data_length(s));
  zbar_image_destroy(image);
  zbar_image_scanner_destroy(scanner);
  return out;
}

}  // namespace odr::test
