#include "utf8.h"

namespace odr {

char32_t next_codepoint(std::string_view s, size_t& i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) { ++i; return c; }
  int len = 0;
  char32_t cp = 0, min = 0;
  if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; min = 0x80; }
  else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; min = 0x800; }
  else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; min = 0x10000; }
  else { ++i; return 0xFFFD; }
  if (i + static_cast<size_t>(len) > s.size()) { i = s.size(); return 0xFFFD; }
  for (int k = 1; k < len; ++k) {
    unsigned char cc = byte(i + static_cast<size_t>(k));
    if ((cc & 0xC0) != 0x80) { i += static_cast<size_t>(k); return 0xFFFD; }
    cp = (cp << 6) | (cc & 0x3F);
  }
  i += static_cast<size_t>(len);
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0xFFFD;
  return cp;
}

bool is_valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    char32_t cp = next_codepoint(s, i);
    if (cp == 0xFFFD) {
      // A literal U+FFFD (EF BF BD) is valid; anything else decoded to it is not.
      if (!(i - start == 3 && static_cast<unsigned char>(s[start]) == 0xEF &&
            static_cast<unsigned char>(s[start + 1]) == 0xBF && static_cast<unsigned char>(s[start + 2]) == 0xBD))
        return false;
    }
  }
  return true;
}

size_t codepoint_count(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

bool has_control_chars(std::string_view s, bool allow_newlines) {
  size_t i = 0;
  while (i < s.size()) {
    char32_t cp = next_codepoint(s, i);
    if (allow_newlines && (cp == '\n' || cp == '\r')) continue;
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) return true;
  }
  return false;
}

static bool is_emoji(char32_t cp) { return (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF); }

// prev: the code point before cp that is not a variation selector.
static bool is_hidden_format(char32_t cp, char32_t prev) {
  if (cp == 0x200D && is_emoji(prev)) return false;
  return cp == 0x00AD || cp == 0x061C || cp == 0x180E || (cp >= 0x200B && cp <= 0x200F) ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x206F) ||
         cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB);
}

bool has_hidden_format_chars(std::string_view s) {
  size_t i = 0;
  char32_t prev = 0;
  while (i < s.size()) {
    char32_t cp = next_codepoint(s, i);
    if (is_hidden_format(cp, prev)) return true;
    if (cp != 0xFE0F) prev = cp;  // a variation selector belongs to the emoji before it
  }
  return false;
}

std::string printable_text(std::string_view s, size_t max_codepoints) {
  std::string out;
  size_t i = 0, kept = 0;
  char32_t prev = 0;
  while (i < s.size() && kept < max_codepoints) {
    const char32_t cp = next_codepoint(s, i);
    const bool control = (cp < 0x20 && cp != '\n') || (cp >= 0x7F && cp <= 0x9F);
    if (!control && !is_hidden_format(cp, prev)) {
      append_utf8(out, cp);
      ++kept;
    }
    if (cp != 0xFE0F) prev = cp;
  }
  return out;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

void pop_codepoint(std::string& s) {
  while (!s.empty()) {
    unsigned char c = static_cast<unsigned char>(s.back());
    s.pop_back();
    if ((c & 0xC0) != 0x80) break;
  }
}

}  // namespace odr
