// Receipt text: the printer's encoding (glibc iconv) and line breaking by
// the columns of font A.
#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <string>

#include "receipt/receipt.h"
#include "util/utf8.h"

namespace odr::kiosk {

namespace {

// Control characters could end a command early or start one: never sent as text.
bool is_control(char32_t c) { return c < 0x20 || (c >= 0x7F && c < 0xA0); }

const char* iconv_name(TextEncoding e) { return e == TextEncoding::gbk ? "GBK" : "GB18030"; }

// A closing mark that must not start a line (禁则): it goes down with the character before it.
bool closing_mark(char32_t c) {
  static const std::u32string marks = U"，。、；：！？）》」』】〉,.;:!?)]}…%";
  return marks.find(c) != std::u32string::npos;
}

bool is_space(char32_t c) { return c == ' ' || c == 0x3000; }

}  // namespace

std::string encode_text(std::string_view utf8, TextEncoding e) {
  std::string out;
  iconv_t cd = e == TextEncoding::utf8 ? reinterpret_cast<iconv_t>(-1) : iconv_open(iconv_name(e), "UTF-8");
  for (size_t i = 0; i < utf8.size();) {
    const size_t start = i;
    const char32_t c = next_codepoint(utf8, i);
    if (is_control(c)) {
      out += ' ';
    } else if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c == 0xFFFD && utf8.substr(start, i - start) != "\xEF\xBF\xBD") {
      out += '?';  // bytes that were not UTF-8
    } else if (e == TextEncoding::utf8) {
      out.append(utf8.substr(start, i - start));
    } else {
      // One character at a time, so that one the encoding lacks costs only itself.
      std::string in(utf8.substr(start, i - start));
      char buf[8];
      char* src = in.data();
      char* dst = buf;
      size_t src_left = in.size(), dst_left = sizeof buf;
      if (cd != reinterpret_cast<iconv_t>(-1) && iconv(cd, &src, &src_left, &dst, &dst_left) != static_cast<size_t>(-1)) {
        out.append(buf, static_cast<size_t>(dst - buf));
      } else {
        out += '?';
        if (cd != reinterpret_cast<iconv_t>(-1)) iconv(cd, nullptr, nullptr, nullptr, nullptr);
      }
    }
  }
  if (cd != reinterpret_cast<iconv_t>(-1)) iconv_close(cd);
  return out;
}

// Chinese mode prints every multi-byte character in the 24-dot Chinese font,
// so anything beyond ASCII takes two columns.
int char_columns(char32_t c) { return c < 0x80 ? 1 : 2; }

int text_columns(std::string_view utf8) {
  int n = 0;
  for (size_t i = 0; i < utf8.size();) n += char_columns(next_codepoint(utf8, i));
  return n;
}

namespace {

// Units that stay together: a Latin word (with a closing mark after it),
// one CJK character, one space, a line break.
std::vector<std::u32string> break_units(std::string_view utf8) {
  std::vector<std::u32string> units;
  std::u32string word;
  auto flush_word = [&] {
    if (!word.empty()) units.push_back(word);
    word.clear();
  };
  for (size_t i = 0; i < utf8.size();) {
    const char32_t c = next_codepoint(utf8, i);
    if (closing_mark(c) && !word.empty()) {
      word += c;  // "shoes," stays one word
    } else if (c == '\n' || is_space(c) || char_columns(c) == 2 || closing_mark(c)) {
      flush_word();
      units.push_back(std::u32string(1, c));
    } else if (!is_control(c)) {
      word += c;
    }
  }
  flush_word();
  return units;
}

int columns_of(const std::u32string& u) {
  int w = 0;
  for (char32_t c : u) w += char_columns(c);
  return w;
}

// Fills lines of at most `columns` with units, greedily.
struct LineFiller {
  int columns;
  std::vector<std::string> lines;
  std::vector<std::u32string> line;
  int used = 0;

  void emit() {
    while (!line.empty() && is_space(line.back()[0])) line.pop_back();
    std::string s;
    for (const auto& u : line)
      for (char32_t c : u) append_utf8(s, c);
    lines.push_back(s);
    line.clear();
    used = 0;
  }
  void put(const std::u32string& u) {
    line.push_back(u);
    used += columns_of(u);
  }
  void add(std::u32string u) {
    if (u == U"\n") return emit();
    if (line.empty() && is_space(u[0])) return;  // no line starts with a space
    if (used + columns_of(u) <= columns) return put(u);
    if (is_space(u[0])) return emit();
    // A closing mark takes the character before it to the next line.
    std::u32string carry;
    if (u.size() == 1 && closing_mark(u[0]) && line.size() > 1) {
      carry = line.back();
      line.pop_back();
    }
    if (!line.empty()) emit();
    if (!carry.empty()) put(carry);
    // A word longer than a line is cut at the line's end.
    while (!u.empty() && used + columns_of(u) > columns) {
      size_t n = 0;
      int w = 0;
      while (n < u.size() && used + w + char_columns(u[n]) <= columns) w += char_columns(u[n++]);
      if (n > 0) put(u.substr(0, n));
      emit();
      u = u.substr(n);
    }
    if (!u.empty()) put(u);
  }
};

}  // namespace

std::vector<std::string> wrap_columns(std::string_view utf8, int columns) {
  LineFiller f{std::max(columns, 2), {}, {}, 0};
  for (const std::u32string& u : break_units(utf8)) f.add(u);
  if (!f.line.empty()) f.emit();
  return f.lines;
}

}  // namespace odr::kiosk
