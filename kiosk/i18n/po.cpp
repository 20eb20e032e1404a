#include "i18n/po.h"

#include <fstream>
#include <sstream>

namespace odr::kiosk {

namespace {

struct Reader {
  std::string_view text;
  size_t pos = 0;
  int line = 1;

  bool at_end() const { return pos >= text.size(); }
  // The next line without its newline.
  std::string_view next_line() {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view l = text.substr(pos, end - pos);
    pos = end + 1;
    ++line;
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    return l;
  }
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Decodes one "quoted C string"; false when malformed.
bool unquote(std::string_view s, std::string& out) {
  s = trim(s);
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return false;
  s = s.substr(1, s.size() - 2);
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '"') return false;  // an unescaped quote inside
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i >= s.size()) return false;
    switch (s[i]) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      default: return false;
    }
  }
  return true;
}

}  // namespace

PoParseResult parse_po(std::string_view text) {
  PoParseResult r;
  Reader rd{text};
  PoEntry cur;
  bool have_id = false, have_str = false, next_fuzzy = false;
  std::string* target = nullptr;  // where continued "..." lines go
  enum class Field { none, ctx, id, id_plural, str, str_other } field = Field::none;
  std::string plural_sink;

  auto fail = [&](const std::string& msg) {
    r.error = msg;
    r.error_line = rd.line - 1;
  };
  auto finish = [&]() {
    if (have_id && have_str) {
      if (cur.id.empty() && cur.context.empty()) {
        // The header: "Language: zh_CN\n" among its lines.
        std::istringstream h(cur.str);
        std::string l;
        while (std::getline(h, l))
          if (l.rfind("Language:", 0) == 0) r.language = std::string(trim(std::string_view(l).substr(9)));
      } else {
        r.entries.push_back(cur);
      }
    }
    cur = PoEntry{};
    have_id = have_str = false;
    target = nullptr;
    field = Field::none;
  };

  while (!rd.at_end()) {
    std::string_view l = trim(rd.next_line());
    if (l.empty()) {
      if (have_id && !have_str) return fail("msgid without msgstr"), r;
      finish();
      continue;
    }
    if (l[0] == '#') {
      // A comment starts a new entry when one is complete.
      if (have_str) finish();
      if (l.rfind("#,", 0) == 0 && l.find("fuzzy") != std::string_view::npos) next_fuzzy = true;
      continue;
    }
    if (l[0] == '"') {
      if (!target) return fail("a continued string without msgid or msgstr before it"), r;
      if (!unquote(l, *target)) return fail("malformed string"), r;
      continue;
    }
    size_t sp = l.find_first_of(" \t");
    if (sp == std::string_view::npos) return fail("expected a keyword and a string"), r;
    std::string_view kw = l.substr(0, sp), rest = l.substr(sp);
    if (kw == "msgctxt") {
      if (have_str) finish();
      field = Field::ctx;
      target = &cur.context;
    } else if (kw == "msgid") {
      if (have_str) finish();
      if (have_id) return fail("two msgid in one entry"), r;
      have_id = true;
      cur.fuzzy = next_fuzzy;
      next_fuzzy = false;
      field = Field::id;
      target = &cur.id;
    } else if (kw == "msgid_plural") {
      if (!have_id) return fail("msgid_plural without msgid"), r;
      field = Field::id_plural;
      plural_sink.clear();
      target = &plural_sink;
    } else if (kw == "msgstr" || kw == "msgstr[0]") {
      if (!have_id) return fail("msgstr without msgid"), r;
      if (have_str) return fail("two msgstr in one entry"), r;
      have_str = true;
      field = Field::str;
      target = &cur.str;
    } else if (kw.rfind("msgstr[", 0) == 0) {
      if (!have_str) return fail("msgstr[n] before msgstr[0]"), r;
      field = Field::str_other;
      plural_sink.clear();
      target = &plural_sink;
    } else {
      return fail("unknown keyword " + std::string(kw)), r;
    }
    if (!unquote(rest, *target)) return fail("malformed string"), r;
  }
  if (have_id && !have_str) return fail("msgid without msgstr at the end"), r;
  finish();
  (void)field;
  return r;
}

const std::string* Catalog::find(std::string_view key) const {
  auto it = strings.find(std::string(key));
  return it == strings.end() ? nullptr : &it->second;
}

bool load_catalog(const std::string& path, Catalog& out, std::string* error) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    if (error) *error = path + ": cannot be read";
    return false;
  }
  std::stringstream ss;
  ss << f.rdbuf();
  PoParseResult r = parse_po(ss.str());
  if (!r.error.empty()) {
    if (error) *error = path + ":" + std::to_string(r.error_line) + ": " + r.error;
    return false;
  }
  out.language = r.language;
  out.strings.clear();
  for (auto& e : r.entries) {
    if (e.fuzzy || e.str.empty()) continue;
    std::string key = e.context.empty() ? e.id : e.context + '\x04' + e.id;  // gettext's context separator
    out.strings[key] = std::move(e.str);
  }
  return true;
}

std::string format(std::string_view pattern,
                   std::initializer_list<std::pair<std::string_view, std::string_view>> args) {
  std::string out;
  out.reserve(pattern.size() + 16);
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{') {
      size_t close = pattern.find('}', i);
      if (close != std::string_view::npos) {
        std::string_view name = pattern.substr(i + 1, close - i - 1);
        bool done = false;
        for (const auto& [k, v] : args)
          if (k == name) {
            out += v;
            done = true;
            break;
          }
        if (done) {
          i = close;
          continue;
        }
      }
    }
    out += pattern[i];
  }
  return out;
}

}  // namespace odr::kiosk
