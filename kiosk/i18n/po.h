// Translation catalogs in gettext .po format (what translators' tools edit).
// A small reader of our own: msgctxt / msgid / msgstr with C escapes and
// continued strings, "#, fuzzy" entries skipped, plural forms read as their
// first form. Screens ask tr("key"); the keys are stable English identifiers
// such as "welcome.title", so a string can change without touching code.
#pragma once
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace odr::kiosk {

struct PoEntry {
  std::string context;  // msgctxt, usually empty
  std::string id;       // msgid
  std::string str;      // msgstr (msgstr[0] for plural entries)
  bool fuzzy = false;
};

struct PoParseResult {
  std::vector<PoEntry> entries;  // without the header entry (empty msgid)
  std::string language;          // from the header's "Language:" line
  std::string error;             // empty when the whole file was read
  int error_line = 0;
};

PoParseResult parse_po(std::string_view text);

// One language: msgid -> msgstr. Untranslated and fuzzy entries are left out,
// so a lookup falls back to the next catalog.
struct Catalog {
  std::string language;
  std::unordered_map<std::string, std::string> strings;
  const std::string* find(std::string_view key) const;
};

// Reads path; false with a message (naming file and line) when unreadable or malformed.
bool load_catalog(const std::string& path, Catalog& out, std::string* error);

// Replaces {name} placeholders: format("{n} of {total}", {{"n","3"},{"total","8"}}).
std::string format(std::string_view pattern, std::initializer_list<std::pair<std::string_view, std::string_view>> args);

}  // namespace odr::kiosk
