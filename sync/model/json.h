// JSON exactly as the protocol page shows it (nlohmann-json). Optional
// fields that are empty are left out; unknown fields are ignored on read.
#pragma once
#include <nlohmann/json.hpp>

#include "complaint.h"

namespace odr {

void to_json(nlohmann::json& j, const Complaint& c);
void from_json(const nlohmann::json& j, Complaint& c);  // throws nlohmann::json::exception on wrong types
void to_json(nlohmann::json& j, const Event& e);
void from_json(const nlohmann::json& j, Event& e);

}  // namespace odr
