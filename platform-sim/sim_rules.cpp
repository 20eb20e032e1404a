#include "sim_rules.h"

#include "model/json.h"
#include "model/personal.h"
#include "util/crypto.h"

namespace odr::sim {

namespace {

using nlohmann::json;

// The wire fields' JSON types (model/json.h), checked before anything is read.
ItemError check_types(const json& item, const std::vector<WireField>& fields) {
  if (!item.is_object()) return {wire_err::invalid_field, "", "wrong_type: the item must be a JSON object"};
  const WireTypeProblem p = first_type_problem(item, fields, /*presence=*/true);
  if (!p.field) return {};
  const std::string path = p.field->path;
  if (p.missing) return {wire_err::invalid_field, path, "required: " + path + " is missing"};
  return {wire_err::invalid_field, path, "wrong_type: " + path + " must be " + type_name(p.field->type)};
}

// The item's types checked, then the item read into `out`; the first problem, or none.
template <typename Item>
ItemError read_checked(const json& item, const std::vector<WireField>& fields, Item& out) {
  ItemError e = check_types(item, fields);
  if (!e.code.empty()) return e;
  try {
    from_json(item, out);
  } catch (const std::exception&) {
    return {wire_err::invalid_field, "", "wrong_type: a field has the wrong type"};
  }
  return {};
}

ItemError first_error(const std::vector<FieldError>& errors) {
  if (errors.empty()) return {};
  const FieldError& e = errors.front();
  return {wire_err::invalid_field, e.field, e.code + ": " + error_message(e, "en")};
}

std::string str_at(const json& item, const char* path) {
  const json* v = at_path(item, path);
  return v && v->is_string() ? v->get<std::string>() : std::string();
}

}  // namespace

IncomingComplaint check_complaint(const json& item, const std::string& kiosk, const ValidationContext& ctx) {
  IncomingComplaint in;
  in.id = str_at(item, "id");
  in.ticket = str_at(item, "ticket");
  in.body = item.dump();
  Complaint c;
  in.invalid = read_checked(item, complaint_wire_fields(), c);
  if (!in.invalid.code.empty()) return in;
  in.invalid = first_error(validate_complaint(c, ctx, /*require_identity=*/true));
  if (in.invalid.code.empty() && c.kiosk_id != kiosk)
    in.invalid = {wire_err::invalid_field, "kiosk_id", "mismatch: kiosk_id differs from the X-ODR-Kiosk header"};
  in.region_code = c.respondent.region_code;
  in.respondent_name = c.respondent.name;
  in.category_code = c.category.code;
  in.phone_masked = mask_phone(c.consumer.phone);
  in.channel = c.channel;
  in.created_at = c.created_at;
  for (std::string* s : personal_fields(c)) wipe(*s);
  return in;
}

IncomingEvent check_event(const json& item, const ValidationContext& ctx) {
  IncomingEvent in;
  in.id = str_at(item, "id");
  in.complaint_id = str_at(item, "complaint_id");
  in.type = str_at(item, "type");
  in.at = str_at(item, "at");
  in.body = item.dump();
  Event e;
  in.invalid = read_checked(item, event_wire_fields(), e);
  if (!in.invalid.code.empty()) return in;
  in.invalid = first_error(validate_event(e, ctx, /*require_identity=*/true));
  return in;
}

}  // namespace odr::sim
