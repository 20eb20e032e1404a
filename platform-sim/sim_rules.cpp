#include "sim_rules.h"

#include "model/json.h"
#include "model/personal.h"
#include "util/crypto.h"

namespace odr::sim {

namespace {

using nlohmann::json;

enum class T { str, integer, boolean, object, str_list };

struct FieldType {
  const char* path;  // dotted wire path
  T type;
  bool required_present;  // non-string fields validation cannot see as missing
};

const FieldType kComplaintTypes[] = {
    {"id", T::str, false},
    {"ticket", T::str, false},
    {"kiosk_id", T::str, false},
    {"channel", T::str, false},
    {"created_at", T::str, false},
    {"locale", T::str, false},
    {"respondent", T::object, true},
    {"respondent.name", T::str, false},
    {"respondent.credit_code", T::str, false},
    {"respondent.address", T::str, false},
    {"respondent.region_code", T::str, false},
    {"respondent.booth", T::str, false},
    {"consumer", T::object, true},
    {"consumer.name", T::str, false},
    {"consumer.phone", T::str, false},
    {"consumer.address", T::str, false},
    {"category", T::object, true},
    {"category.kind", T::str, false},
    {"category.code", T::str, false},
    {"category.problems", T::str_list, false},
    {"purchase", T::object, true},
    {"purchase.item", T::str, false},
    {"purchase.date", T::str, false},
    {"purchase.amount_fen", T::integer, true},
    {"purchase.place", T::str, false},
    {"purchase.order_no", T::str, false},
    {"description", T::str, false},
    {"demand", T::object, true},
    {"demand.types", T::str_list, false},
    {"demand.amount_fen", T::integer, false},
    {"demand.text", T::str, false},
    {"consent", T::object, true},
    {"consent.notice_version", T::str, false},
    {"consent.accepted_at", T::str, false},
    {"consent.transfer_to_platform", T::boolean, false},
};

const FieldType kEventTypes[] = {
    {"id", T::str, false},          {"complaint_id", T::str, false},     {"type", T::str, false},
    {"method", T::str, false},      {"at", T::str, false},               {"staff_id", T::str, false},
    {"data", T::object, false},     {"data.note", T::str, false},        {"data.outcomes", T::str_list, false},
    {"data.amount_fen", T::integer, false}, {"data.reason", T::str, false}, {"data.score", T::integer, false},
    {"data.comment", T::str, false},
};

// The member at a dotted path; nullptr when absent or null (or a parent is not an object).
const json* at_path(const json& root, const std::string& path) {
  const json* cur = &root;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(key);
    if (it == cur->end() || it->is_null()) return nullptr;
    cur = &*it;
    if (dot == std::string::npos) return cur;
    start = dot + 1;
  }
}

bool has_type(const json& v, T t) {
  switch (t) {
    case T::str: return v.is_string();
    case T::integer: return v.is_number_integer();
    case T::boolean: return v.is_boolean();
    case T::object: return v.is_object();
    case T::str_list:
      if (!v.is_array()) return false;
      for (const auto& e : v)
        if (!e.is_string()) return false;
      return true;
  }
  return false;
}

const char* type_name(T t) {
  switch (t) {
    case T::str: return "a string";
    case T::integer: return "an integer";
    case T::boolean: return "true or false";
    case T::object: return "an object";
    case T::str_list: return "a list of strings";
  }
  return "?";
}

template <size_t N>
ItemError check_types(const json& item, const FieldType (&table)[N]) {
  if (!item.is_object()) return {wire_err::invalid_field, "", "wrong_type: the item must be a JSON object"};
  for (const auto& f : table) {
    const json* v = at_path(item, f.path);
    if (!v) {
      if (f.required_present) return {wire_err::invalid_field, f.path, std::string("required: ") + f.path + " is missing"};
      continue;
    }
    if (!has_type(*v, f.type))
      return {wire_err::invalid_field, f.path, std::string("wrong_type: ") + f.path + " must be " + type_name(f.type)};
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
  in.invalid = check_types(item, kComplaintTypes);
  if (!in.invalid.code.empty()) return in;
  Complaint c;
  try {
    from_json(item, c);
  } catch (const std::exception&) {
    in.invalid = {wire_err::invalid_field, "", "wrong_type: a field has the wrong type"};
    return in;
  }
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
  in.invalid = check_types(item, kEventTypes);
  if (!in.invalid.code.empty()) return in;
  Event e;
  try {
    from_json(item, e);
  } catch (const std::exception&) {
    in.invalid = {wire_err::invalid_field, "", "wrong_type: a field has the wrong type"};
    return in;
  }
  in.invalid = first_error(validate_event(e, ctx, /*require_identity=*/true));
  return in;
}

}  // namespace odr::sim
