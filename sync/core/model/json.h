// JSON exactly as the protocol page shows it (nlohmann-json). Optional
// fields that are empty are left out; unknown fields are ignored on read.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "complaint.h"

namespace odr {

void to_json(nlohmann::json& j, const Complaint& c);
void from_json(const nlohmann::json& j, Complaint& c);  // throws nlohmann::json::exception on wrong types
void to_json(nlohmann::json& j, const Event& e);
void from_json(const nlohmann::json& j, Event& e);

// Every message of the protocol nests 5 levels at most; 64 leaves room for
// fields either side may add, and keeps nlohmann's recursive dump and
// comparisons far from the end of any stack.
inline constexpr size_t kMaxJsonDepth = 64;

// The one way to parse JSON from outside (import lines, stored rows,
// request and answer bodies): a discarded value, with why, when the text
// holds a NUL byte (nlohmann would stop there and take what came before),
// nests deeper than max_depth (found by a scan before anything is built) or
// is not JSON. Never throws.
nlohmann::json parse_untrusted_json(std::string_view text, std::string* why = nullptr,
                                    size_t max_depth = kMaxJsonDepth);

// The JSON type each wire field must have, for messages that name the field
// (nlohmann's own type errors do not say which). A parent comes before its
// fields, so a parent of the wrong type is what is reported.
enum class JsonType { string, integer, boolean, object, string_list };
struct WireField {
  const char* path;      // dotted: "purchase.amount_fen"
  JsonType type;
  bool must_be_present;  // a non-string field that validation cannot see as missing
};
const std::vector<WireField>& complaint_wire_fields();
const std::vector<WireField>& event_wire_fields();
const char* type_name(JsonType t);  // "a string", "a list of strings" ...

// The member at a dotted path; nullptr when absent or null (or a parent is not an object).
const nlohmann::json* at_path(const nlohmann::json& root, std::string_view dotted);

// The first of `fields` whose value in `item` has the wrong type or, with
// presence, that must be present and is not (missing). field nullptr: none.
struct WireTypeProblem {
  const WireField* field = nullptr;
  bool missing = false;
};
WireTypeProblem first_type_problem(const nlohmann::json& item, const std::vector<WireField>& fields, bool presence);

}  // namespace odr
