// libFuzzer: the kiosk's gettext .po reader (no ImGui needed).
#include <cstddef>
#include <cstdint>
#include <string>

#include "i18n/po.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  odr::kiosk::PoParseResult r = odr::kiosk::parse_po(text);
  (void)r;
  (void)odr::kiosk::format(text, {{"n", "1"}, {"name", "张三"}});
  return 0;
}
