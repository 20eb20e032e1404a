// libFuzzer: HTTP dates (Date, Retry-After), RFC 3339 times and dates.
#include <cstddef>
#include <cstdint>
#include <string>

#include "util/time.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string s(reinterpret_cast<const char*>(data), size);
  if (auto t = odr::parse_http_date(s)) (void)odr::format_rfc3339(*t);
  if (auto t = odr::parse_rfc3339(s)) (void)odr::local_date(*t);
  if (auto d = odr::parse_date(s)) {
    if (odr::format_date(*d) != s) __builtin_trap();  // strict: only the canonical form parses
  }
  return 0;
}
