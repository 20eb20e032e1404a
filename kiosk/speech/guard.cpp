#include "guard.h"

#include <vector>

#include "util/utf8.h"

namespace odr::kiosk {
namespace {

// One code point of the text and where its bytes are.
struct Cp {
  char32_t c;
  size_t begin, end;
};

bool is_digit(char32_t c) { return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19); }
bool is_separator(char32_t c) { return c == ' ' || c == '-' || c == 0x3000 || c == 0xFF0D; }
int digit_value(char32_t c) { return c <= '9' ? static_cast<int>(c - '0') : static_cast<int>(c - 0xFF10); }

// cps[from, to) reads dddd-dd-dd with a month and day that exist in a calendar.
bool is_iso_date(const std::vector<Cp>& cps, size_t from, size_t to) {
  if (to - from != 10) return false;
  for (size_t i = 0; i < 10; ++i) {
    const bool dash = i == 4 || i == 7;
    if (dash ? cps[from + i].c != '-' : !is_digit(cps[from + i].c)) return false;
  }
  auto two = [&](size_t i) { return digit_value(cps[from + i].c) * 10 + digit_value(cps[from + i + 1].c); };
  const int month = two(5), day = two(8);
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// Where the digit run that starts at `from` ends: digits, each separated by at most one separator.
size_t run_end(const std::vector<Cp>& cps, size_t from, int* digits) {
  size_t end = from;
  *digits = 0;
  for (size_t i = from; i < cps.size();) {
    if (!is_digit(cps[i].c)) break;
    ++*digits;
    end = ++i;
    if (i + 1 < cps.size() && is_separator(cps[i].c) && is_digit(cps[i + 1].c)) ++i;
  }
  return end;
}

}  // namespace

std::string guard_speech_text(std::string_view text) {
  std::vector<Cp> cps;
  for (size_t i = 0; i < text.size();) {
    const size_t begin = i;
    const char32_t c = next_codepoint(text, i);
    if (i <= begin) break;  // defensive: no progress
    cps.push_back({c, begin, i});
  }
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < cps.size();) {
    if (is_digit(cps[i].c)) {
      int digits = 0;
      const size_t end = run_end(cps, i, &digits);
      if (digits < 7 || is_iso_date(cps, i, end)) out.append(text.substr(cps[i].begin, cps[end - 1].end - cps[i].begin));
      i = end;
      continue;
    }
    if (cps[i].c != 0xFFFD) out.append(text.substr(cps[i].begin, cps[i].end - cps[i].begin));
    ++i;
  }
  return out;
}

}  // namespace odr::kiosk
