#include "sim_rules.h"

#include "model/personal.h"
#include "protocol/intake.h"
#include "util/crypto.h"

namespace odr::sim {

// The rules themselves are protocol/intake.h's (shared with odr-hub); here
// only what the simulator keeps of an item.
IncomingComplaint check_complaint(const nlohmann::json& item, const std::string& kiosk, const ValidationContext& ctx) {
  IncomingComplaint in;
  in.id = string_at(item, "id");
  in.ticket = string_at(item, "ticket");
  in.body = item.dump();
  Complaint c;
  in.invalid = check_complaint_item(item, kiosk, ctx, c);
  in.region_code = c.respondent.region_code;
  in.respondent_name = c.respondent.name;
  in.category_code = c.category.code;
  in.phone_masked = mask_phone(c.consumer.phone);
  in.channel = c.channel;
  in.created_at = c.created_at;
  for (std::string* s : personal_fields(c)) wipe(*s);
  return in;
}

IncomingEvent check_event(const nlohmann::json& item, const ValidationContext& ctx) {
  IncomingEvent in;
  in.id = string_at(item, "id");
  in.complaint_id = string_at(item, "complaint_id");
  in.type = string_at(item, "type");
  in.at = string_at(item, "at");
  in.body = item.dump();
  Event e;
  in.invalid = check_event_item(item, ctx, e);
  return in;
}

}  // namespace odr::sim
