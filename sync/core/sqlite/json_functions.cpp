// json_valid, json_extract, json_set and json_insert as SQL functions, with
// SQLite's JSON1 meaning for the paths our SQL uses ("$", "$.key.key",
// "$.list[2]"). Debian 12's SQLCipher (SQLite 3.15) has no JSON1; the store,
// reports and tests use these few. Key order is kept (ordered_json), as JSON1
// keeps it, so a rewritten row differs only where it was changed.
#include <sqlite3.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "open.h"

namespace odr {
namespace {

using Json = nlohmann::ordered_json;

struct PathStep {
  std::string key;  // empty: an array index
  size_t index = 0;
};

// "$.a.b[1]" -> a, b, [1]; nullopt when it is not such a path.
std::optional<std::vector<PathStep>> parse_path(const std::string& p) {
  if (p.empty() || p[0] != '$') return std::nullopt;
  std::vector<PathStep> steps;
  size_t i = 1;
  while (i < p.size()) {
    if (p[i] == '.') {
      size_t end = p.find_first_of(".[", i + 1);
      if (end == i + 1) return std::nullopt;
      steps.push_back({p.substr(i + 1, end == std::string::npos ? std::string::npos : end - i - 1), 0});
      i = end == std::string::npos ? p.size() : end;
    } else if (p[i] == '[') {
      size_t end = p.find(']', i);
      if (end == std::string::npos || end == i + 1) return std::nullopt;
      const std::string digits = p.substr(i + 1, end - i - 1);
      if (digits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
      steps.push_back({"", static_cast<size_t>(std::stoull(digits))});
      i = end + 1;
    } else {
      return std::nullopt;
    }
  }
  return steps;
}

std::string arg_text(sqlite3_value* v) {
  const unsigned char* t = sqlite3_value_text(v);
  return t ? std::string(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_value_bytes(v))) : std::string();
}

// The document of argument 0, or an SQL error (as JSON1 gives for malformed JSON).
bool nesting_within(const std::string& text, int limit);
constexpr int kMaxDepthForParse = 2000;

std::optional<Json> arg_json(sqlite3_context* ctx, sqlite3_value* v) {
  const std::string text = arg_text(v);
  Json j = nesting_within(text, kMaxDepthForParse) ? Json::parse(text, nullptr, false) : Json(Json::value_t::discarded);
  if (j.is_discarded()) {
    sqlite3_result_error(ctx, "malformed JSON", -1);
    return std::nullopt;
  }
  return j;
}

const Json* find(const Json& doc, const std::vector<PathStep>& steps) {
  const Json* at = &doc;
  for (const PathStep& s : steps) {
    if (!s.key.empty() || !at->is_array()) {
      if (!at->is_object()) return nullptr;
      auto it = at->find(s.key);
      if (it == at->end()) return nullptr;
      at = &*it;
    } else {
      if (s.index >= at->size()) return nullptr;
      at = &(*at)[s.index];
    }
  }
  return at;
}

void result_json(sqlite3_context* ctx, const Json& v) {
  if (v.is_null()) sqlite3_result_null(ctx);
  else if (v.is_boolean()) sqlite3_result_int(ctx, v.get<bool>() ? 1 : 0);
  else if (v.is_number_integer() || v.is_number_unsigned()) sqlite3_result_int64(ctx, v.get<int64_t>());
  else if (v.is_number_float()) sqlite3_result_double(ctx, v.get<double>());
  else if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    sqlite3_result_text(ctx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  } else {
    const std::string s = v.dump();
    sqlite3_result_text(ctx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  }
}

Json sql_value_as_json(sqlite3_value* v) {
  switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER: return sqlite3_value_int64(v);
    case SQLITE_FLOAT: return sqlite3_value_double(v);
    case SQLITE_NULL: return nullptr;
    default: return arg_text(v);
  }
}

// Nesting deeper than JSON1's limit (2000) is not valid JSON to it, and a
// recursive parser must not follow it (a damaged row is not a stack overflow).
bool nesting_within(const std::string& text, int limit) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

constexpr int kMaxDepth = 2000;

void json_valid_fn(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  const std::string text = arg_text(argv[0]);
  sqlite3_result_int(ctx, nesting_within(text, kMaxDepth) && Json::accept(text) ? 1 : 0);
}

void json_extract_fn(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  std::optional<Json> doc = arg_json(ctx, argv[0]);
  if (!doc) return;
  std::optional<std::vector<PathStep>> steps = parse_path(arg_text(argv[1]));
  if (!steps) return sqlite3_result_error(ctx, "JSON path error", -1);
  const Json* v = find(*doc, *steps);
  if (!v) return sqlite3_result_null(ctx);
  result_json(ctx, *v);
}

// json_set (replace or create the last key) and json_insert (create only).
void json_put(sqlite3_context* ctx, sqlite3_value** argv, bool replace) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  std::optional<Json> doc = arg_json(ctx, argv[0]);
  if (!doc) return;
  std::optional<std::vector<PathStep>> steps = parse_path(arg_text(argv[1]));
  if (!steps || steps->empty() || steps->back().key.empty())
    return sqlite3_result_error(ctx, "JSON path error (only $.key paths are set here)", -1);
  const std::string key = steps->back().key;
  steps->pop_back();
  Json* parent = const_cast<Json*>(find(*doc, *steps));
  if (parent && parent->is_object() && (replace || !parent->contains(key))) (*parent)[key] = sql_value_as_json(argv[2]);
  const std::string s = doc->dump();
  sqlite3_result_text(ctx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

void json_set_fn(sqlite3_context* ctx, int, sqlite3_value** argv) { json_put(ctx, argv, true); }
void json_insert_fn(sqlite3_context* ctx, int, sqlite3_value** argv) { json_put(ctx, argv, false); }

}  // namespace

void register_json_functions(sqlite3* db) {
  const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
  sqlite3_create_function(db, "json_valid", 1, flags, nullptr, json_valid_fn, nullptr, nullptr);
  sqlite3_create_function(db, "json_extract", 2, flags, nullptr, json_extract_fn, nullptr, nullptr);
  sqlite3_create_function(db, "json_set", 3, flags, nullptr, json_set_fn, nullptr, nullptr);
  sqlite3_create_function(db, "json_insert", 3, flags, nullptr, json_insert_fn, nullptr, nullptr);
}

}  // namespace odr
