// libFuzzer: config/kiosk.toml through load_config (the UTF-8 and quote
// check, toml++, every key's check). A file per input, in a private folder.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

#include "config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = [] {
    char dir[] = "/tmp/odr-fuzz-config-XXXXXX";
    return std::string(mkdtemp(dir)) + "/kiosk.toml";
  }();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    odr::KioskConfig c = odr::load_config(path);
    (void)c;
  } catch (const odr::ConfigError&) {
  }
  return 0;
}
