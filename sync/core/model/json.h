// JSON exactly as the protocol page shows it (nlohmann-json). Optional
// fields that are empty are left out; unknown fields are ignored on read.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

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

}  // namespace odr
