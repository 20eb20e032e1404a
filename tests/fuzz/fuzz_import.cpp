// libFuzzer: kiosk-sync import over any file, into one real store (no
// fsync: speed, not power cuts, matters here).
#include <sqlite3.h>
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>

#include "kiosk-sync/import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static odr::KioskConfig config = [] {
    odr::KioskConfig c;
    c.kiosk_id = "fuzz-kiosk";
    c.categories.push_back({"G01", "goods", "食品", "Food"});
    return c;
  }();
  static std::unique_ptr<odr::Store> store = [] {
    char dir[] = "/tmp/odr-fuzz-import-XXXXXX";
    odr::StoreOptions o;
    o.kiosk_id = "fuzz-kiosk";
    o.clock_ms = [] { return int64_t(1795831200) * 1000; };
    auto s = std::make_unique<odr::Store>(std::string(mkdtemp(dir)) + "/kiosk.db", o);
    sqlite3_exec(s->handle(), "PRAGMA synchronous = OFF", nullptr, nullptr, nullptr);
    return s;
  }();
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  std::ostringstream out, err;
  odr::import_complaints(in, *store, config, out, err);
  return 0;
}
