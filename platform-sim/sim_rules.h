// One item of a batch as the simulator keeps it, after the platform's field
// rules (protocol/intake.h check_complaint_item / check_event_item, shared
// with odr-hub).
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "model/validate.h"
#include "sim_db.h"

namespace odr::sim {

IncomingComplaint check_complaint(const nlohmann::json& item, const std::string& kiosk, const ValidationContext& ctx);
IncomingEvent check_event(const nlohmann::json& item, const ValidationContext& ctx);

}  // namespace odr::sim
