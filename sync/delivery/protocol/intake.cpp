#include "intake.h"

#include <algorithm>
#include <cctype>

#include "model/json.h"
#include "util/time.h"
#include "util/utf8.h"
#include "util/uuid.h"

namespace odr {

namespace {

using nlohmann::json;

bool is_json_type(const std::string& ct) {
  std::string t = ct.substr(0, ct.find(';'));
  while (!t.empty() && t.back() == ' ') t.pop_back();
  for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return t == "application/json";
}

RequestCheck refuse(int status, const std::string& code, const std::string& message,
                    std::optional<int64_t> server_time = std::nullopt) {
  RequestCheck c;
  c.http_status = status;
  c.error = ErrorBody{code, message, server_time};
  return c;
}

// The gzip body inflated at most to the limit; a refusal when it cannot be.
std::optional<RequestCheck> inflate(std::string_view body, size_t max_out, std::string& out) {
  bool too_large = false;
  std::optional<std::string> inflated = gzip_decompress(body, max_out, &too_large);
  if (!inflated && too_large)
    return refuse(413, wire_err::body_too_large, "body is larger than " + std::to_string(max_out) + " bytes once inflated");
  if (!inflated) return refuse(400, wire_err::bad_request, "body is not a complete gzip stream");
  out = std::move(*inflated);
  return std::nullopt;
}

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

}  // namespace

RequestCheck check_signature(const SignedRequest& req, const KeyLookup& key_for, int64_t server_now,
                             const NonceMemory& remember_nonce) {
  VerifyResult v = verify_request(req, key_for, server_now, remember_nonce);
  if (!v.ok) {
    std::optional<int64_t> st;
    if (v.code == auth_err::clock_skew) st = server_now;
    return refuse(401, v.code, v.message, st);
  }
  RequestCheck c;
  c.ok = true;
  c.kiosk = req.kiosk;
  return c;
}

RequestCheck check_batch_request(const IntakeRequest& req, const IntakeLimits& limits, const std::string& array_name,
                                 const KeyLookup& key_for, int64_t server_now, const NonceMemory& remember_nonce) {
  const std::string_view body = req.signed_part.body;
  if (!is_json_type(req.content_type))
    return refuse(415, wire_err::unsupported_media_type, "Content-Type must be application/json");
  if (body.size() > limits.max_body_bytes)
    return refuse(413, wire_err::body_too_large, "body is larger than " + std::to_string(limits.max_body_bytes) + " bytes");
  const std::string& enc = req.content_encoding;
  if (!enc.empty() && enc != "identity" && enc != "gzip")
    return refuse(415, wire_err::unsupported_media_type, "Content-Encoding must be gzip or absent");
  // The signature covers the body as sent (compressed when gzip).
  RequestCheck c = check_signature(req.signed_part, key_for, server_now, remember_nonce);
  if (!c.ok) return c;
  std::string inflated;
  if (enc == "gzip") {
    const size_t max_out = limits.max_inflated_bytes ? limits.max_inflated_bytes : limits.max_body_bytes;
    if (auto refused = inflate(body, max_out, inflated)) return *refused;
  }
  json j = parse_untrusted_json(enc == "gzip" ? std::string_view(inflated) : body);  // no NUL, no deep nesting
  if (j.is_discarded() || !j.is_object() || !j.contains(array_name) || !j[array_name].is_array())
    return refuse(400, wire_err::bad_request, "body must be {\"" + array_name + "\":[...]}");
  if (j[array_name].size() > limits.max_items)
    return refuse(413, wire_err::too_many_items,
                  std::to_string(j[array_name].size()) + " items; at most " + std::to_string(limits.max_items) +
                      " a request");
  c.items = std::move(j[array_name]);
  return c;
}

ItemError check_complaint_item(const json& item, const std::string& kiosk, const ValidationContext& ctx,
                               Complaint& out) {
  ItemError e = read_checked(item, complaint_wire_fields(), out);
  if (!e.code.empty()) return e;
  e = first_error(validate_complaint(out, ctx, /*require_identity=*/true));
  if (e.code.empty() && out.kiosk_id != kiosk)
    e = {wire_err::invalid_field, "kiosk_id", "mismatch: kiosk_id differs from the X-ODR-Kiosk header"};
  return e;
}

ItemError check_event_item(const json& item, const ValidationContext& ctx, Event& out) {
  ItemError e = read_checked(item, event_wire_fields(), out);
  if (!e.code.empty()) return e;
  return first_error(validate_event(out, ctx, /*require_identity=*/true));
}

namespace {

const std::vector<WireField>& update_wire_fields() {
  using T = JsonType;
  static const std::vector<WireField> fields = {
      {"id", T::string, true},       {"complaint_id", T::string, true}, {"case_no", T::string, false},
      {"status", T::string, false},  {"at", T::string, true},           {"note", T::string, false},
  };
  return fields;
}

ItemError field_error(const char* field, const char* code, const std::string& why) {
  return {wire_err::invalid_field, field, std::string(code) + ": " + why};
}

// A text a person reads at the dashboard: UTF-8, no control or hidden
// formatting characters (newlines allowed in a note), at most max characters.
ItemError check_text(const char* field, const std::string& v, size_t max, bool newlines) {
  if (!is_valid_utf8(v)) return field_error(field, err::bad_utf8, std::string(field) + " is not valid UTF-8");
  if (has_control_chars(v, newlines) || has_hidden_format_chars(v))
    return field_error(field, err::control_chars, std::string(field) + " holds control or hidden characters");
  if (codepoint_count(v) > max)
    return field_error(field, err::too_long, std::string(field) + " is longer than " + std::to_string(max) + " characters");
  return {};
}

ItemError check_update_values(const json& item, const ForwardedUpdate& u) {
  if (!is_uuid(u.id)) return field_error("id", err::bad_id, "id must be a UUID");
  if (!is_uuid(u.complaint_id)) return field_error("complaint_id", err::bad_id, "complaint_id must be a UUID");
  if (!parse_rfc3339(u.at)) return field_error("at", err::bad_time, "at must be an RFC 3339 time");
  if (at_path(item, "case_no") && u.case_no.empty())
    return field_error("case_no", err::too_short, "case_no must be 1 to 64 characters when present");
  if (ItemError e = check_text("case_no", u.case_no, kMaxCaseNoChars, false); !e.code.empty()) return e;
  const bool has_status = at_path(item, "status") != nullptr;
  if (has_status && std::find(kPlatformStatuses.begin(), kPlatformStatuses.end(), u.status) == kPlatformStatuses.end())
    return field_error("status", err::bad_choice, "status is not one of the platform's statuses");
  if (!has_status && u.case_no.empty())
    return field_error("status", err::required, "an update carries a status, a case_no or both");
  return check_text("note", u.note, kMaxUpdateNoteChars, true);
}

}  // namespace

ItemError check_update_item(const json& item, ForwardedUpdate& out) {
  ItemError e = check_types(item, update_wire_fields());
  if (!e.code.empty()) return e;
  out.id = string_at(item, "id");
  out.complaint_id = string_at(item, "complaint_id");
  out.case_no = string_at(item, "case_no");
  out.status = string_at(item, "status");
  out.at = string_at(item, "at");
  out.note = string_at(item, "note");
  return check_update_values(item, out);
}

std::string string_at(const json& item, const char* dotted) {
  const json* v = at_path(item, dotted);
  return v && v->is_string() ? v->get<std::string>() : std::string();
}

}  // namespace odr
