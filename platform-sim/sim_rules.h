// The platform's field rules for one item of a batch: the JSON types first
// (so a wrong type names its field too), then odr::validate_complaint /
// validate_event with require_identity, as the kiosk runs them before saving.
// The platform does not know a kiosk's category list, so any code is fine.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "model/validate.h"
#include "sim_db.h"

namespace odr::sim {

IncomingComplaint check_complaint(const nlohmann::json& item, const std::string& kiosk, const ValidationContext& ctx);
IncomingEvent check_event(const nlohmann::json& item, const ValidationContext& ctx);

}  // namespace odr::sim
