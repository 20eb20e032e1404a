// libFuzzer: the UTF-8 helpers on any bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "util/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view s(reinterpret_cast<const char*>(data), size);
  bool valid = odr::is_valid_utf8(s);
  (void)odr::has_control_chars(s, true);
  (void)odr::has_control_chars(s, false);
  if (valid) {
    (void)odr::codepoint_count(s);
    (void)odr::has_hidden_format_chars(s);
    // Decoding and encoding again gives the same bytes.
    std::string again;
    for (size_t i = 0; i < s.size();) odr::append_utf8(again, odr::next_codepoint(s, i));
    if (again != s) __builtin_trap();
  }
  // Made fit from any bytes: valid, nothing hidden, no controls but newlines, within the cut.
  const std::string fit = odr::printable_text(s, 64);
  if (!odr::is_valid_utf8(fit) || odr::has_hidden_format_chars(fit) || odr::has_control_chars(fit, true) ||
      odr::codepoint_count(fit) > 64)
    __builtin_trap();
  std::string t(s);
  while (!t.empty()) odr::pop_codepoint(t);
  return 0;
}
