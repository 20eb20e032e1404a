#include "heartbeat.h"

#include <nlohmann/json.hpp>
#include <set>

#include "model/json.h"
#include "util/time.h"
#include "util/utf8.h"

namespace odr {

namespace {

using nlohmann::json;

bool word_of(const std::string& s, size_t max, bool digits_and_dash) {
  if (s.empty() || s.size() > max) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || c == '_' || (digits_and_dash && ((c >= '0' && c <= '9') || c == '-'));
    if (!ok) return false;
  }
  return true;
}

// An optional RFC 3339 string member; false (and why) when present and not one.
bool read_time(const json& j, const char* key, std::string& out, std::string& why) {
  if (!j.contains(key) || j[key].is_null()) return true;
  if (!j[key].is_string() || !parse_rfc3339(j[key].get<std::string>())) {
    why = std::string(key) + " must be an RFC 3339 time";
    return false;
  }
  out = j[key].get<std::string>();
  return true;
}

bool ticket_like(const std::string& s) {
  if (s.empty() || s.size() > 40) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

// One entry of an outbox's held_items; why names the rule it breaks.
bool read_held(const json& o, HeartbeatHeld& h, std::string& why) {
  why = "outbox: each held_items entry ";
  if (!o.is_object()) return why += "must be an object", false;
  h.kind = o.value("kind", json()).is_string() ? o["kind"].get<std::string>() : "";
  if (h.kind != "complaint" && h.kind != "event" && h.kind != "update")
    return why += "needs a kind: complaint, event or update", false;
  if (o.contains("ticket") && !o["ticket"].is_null()) {
    if (!o["ticket"].is_string() || !ticket_like(h.ticket = o["ticket"].get<std::string>()))
      return why += "has a ticket of 1 to 40 of A-Z a-z 0-9 - or none", false;
  }
  if (!o.contains("code") || !o["code"].is_string() || !word_of(h.code = o["code"].get<std::string>(), 32, true))
    return why += "needs a code of 1 to 32 of a-z 0-9 _ -", false;
  if (!o.contains("message") || !o["message"].is_string() || !is_valid_utf8(h.message = o["message"].get<std::string>()) ||
      codepoint_count(h.message) > kHeartbeatMessageMax || has_control_chars(h.message, false) ||
      has_hidden_format_chars(h.message))
    return why += "needs a message of printable text, at most " + std::to_string(kHeartbeatMessageMax) + " characters", false;
  std::string held_at;
  if (!read_time(o, "held_at", held_at, why)) return why = "outbox: held_items: " + why, false;
  h.held_at = held_at;
  why.clear();
  return true;
}

bool read_held_items(const json& o, HeartbeatOutbox& c, std::string& why) {
  if (!o.contains("held_items") || o["held_items"].is_null()) return true;
  const json& l = o["held_items"];
  if (!l.is_array() || l.size() > kHeartbeatHeldItems || int64_t(l.size()) > c.held)
    return why = "outbox: held_items must be a list of at most " + std::to_string(kHeartbeatHeldItems) +
                 " and no more than held",
           false;
  for (const json& e : l) {
    HeartbeatHeld h;
    if (!read_held(e, h, why)) return false;
    c.held_items.push_back(std::move(h));
  }
  return true;
}

json held_json(const HeartbeatHeld& h) {
  json j = {{"kind", h.kind}, {"code", h.code}, {"message", h.message}};
  if (!h.ticket.empty()) j["ticket"] = h.ticket;
  if (!h.held_at.empty()) j["held_at"] = h.held_at;
  return j;
}

bool read_outbox(const json& j, std::vector<HeartbeatOutbox>& out, std::string& why) {
  if (!j.contains("outbox")) return true;
  if (!j["outbox"].is_array() || j["outbox"].size() > 8) return why = "outbox must be a list of at most 8", false;
  std::set<std::string> seen;
  for (const json& o : j["outbox"]) {
    HeartbeatOutbox c;
    if (!o.is_object() || !o.contains("destination") || !o["destination"].is_string() ||
        !word_of(c.destination = o["destination"].get<std::string>(), 32, true) || !seen.insert(c.destination).second)
      return why = "outbox: each entry needs a unique destination (a-z 0-9 _ -)", false;
    for (auto [key, field] : {std::pair{"pending", &c.pending}, std::pair{"held", &c.held}}) {
      if (!o.contains(key) || !o[key].is_number_integer() || o[key].get<int64_t>() < 0)
        return why = std::string("outbox: ") + key + " must be a whole number >= 0", false;
      *field = o[key].get<int64_t>();
    }
    if (!read_held_items(o, c, why)) return false;
    out.push_back(std::move(c));
  }
  return true;
}

json outbox_json(const Heartbeat& h) {
  json list = json::array();
  for (const auto& o : h.outbox) {
    json e = {{"destination", o.destination}, {"pending", o.pending}, {"held", o.held}};
    if (!o.held_items.empty()) {
      e["held_items"] = json::array();
      for (const HeartbeatHeld& held : o.held_items) e["held_items"].push_back(held_json(held));
    }
    list.push_back(std::move(e));
  }
  return list;
}

}  // namespace

std::string outbox_json_text(const Heartbeat& h) { return outbox_json(h).dump(); }

bool parse_outbox_json(std::string_view text, std::vector<HeartbeatOutbox>& out, std::string& why) {
  json j = {{"outbox", parse_untrusted_json(text)}};
  if (j["outbox"].is_discarded()) return why = "outbox must be JSON", false;
  std::vector<HeartbeatOutbox> list;
  if (!read_outbox(j, list, why)) return false;
  out = std::move(list);
  return true;
}

std::string to_json_text(const Heartbeat& h) {
  json j = {{"version", h.version}, {"outbox", outbox_json(h)}, {"clock_offset_s", h.clock_offset_s}};
  if (!h.last_gateway_success.empty()) j["last_gateway_success"] = h.last_gateway_success;
  if (h.disk_free_bytes) j["disk_free_bytes"] = *h.disk_free_bytes;
  if (!h.printer.empty()) j["printer"] = h.printer;
  if (!h.last_complaint_at.empty()) j["last_complaint_at"] = h.last_complaint_at;
  return j.dump();
}

bool parse_heartbeat(std::string_view body, Heartbeat& out, std::string& why) {
  json j = parse_untrusted_json(body);
  if (j.is_discarded() || !j.is_object()) return why = "body must be a JSON object", false;
  Heartbeat h;
  if (!j.contains("version") || !j["version"].is_string() || (h.version = j["version"].get<std::string>()).empty() ||
      h.version.size() > 64 || !is_valid_utf8(h.version))
    return why = "version must be a string of 1 to 64 characters", false;
  if (!read_outbox(j, h.outbox, why)) return false;
  if (!read_time(j, "last_gateway_success", h.last_gateway_success, why)) return false;
  if (!read_time(j, "last_complaint_at", h.last_complaint_at, why)) return false;
  if (j.contains("clock_offset_s") && !j["clock_offset_s"].is_number_integer())
    return why = "clock_offset_s must be a whole number", false;
  h.clock_offset_s = j.value("clock_offset_s", int64_t{0});
  if (j.contains("disk_free_bytes") && !j["disk_free_bytes"].is_null()) {
    if (!j["disk_free_bytes"].is_number_integer() || j["disk_free_bytes"].get<int64_t>() < 0)
      return why = "disk_free_bytes must be a whole number >= 0", false;
    h.disk_free_bytes = j["disk_free_bytes"].get<int64_t>();
  }
  if (j.contains("printer") && !j["printer"].is_null()) {
    if (!j["printer"].is_string() || !word_of(h.printer = j["printer"].get<std::string>(), 32, false))
      return why = "printer must be a state of 1 to 32 of a-z _", false;
  }
  out = std::move(h);
  return true;
}

}  // namespace odr
