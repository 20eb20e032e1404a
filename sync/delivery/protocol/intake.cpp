#include "intake.h"

#include <cctype>

#include "model/json.h"

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

std::string string_at(const json& item, const char* dotted) {
  const json* v = at_path(item, dotted);
  return v && v->is_string() ? v->get<std::string>() : std::string();
}

}  // namespace odr
