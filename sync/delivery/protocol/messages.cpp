#include "messages.h"

#include <zlib.h>

#include <cstdio>
#include <stdexcept>
#include <nlohmann/json.hpp>

#include "intake.h"
#include "model/json.h"
#include "util/time.h"
#include "util/utf8.h"

namespace odr {

using nlohmann::json;

// --- Batches ------------------------------------------------------------------

std::string make_batch_body(std::string_view array_name, const std::vector<std::string>& json_objects) {
  size_t total = array_name.size() + 8;
  for (const auto& o : json_objects) total += o.size() + 1;
  std::string s;
  s.reserve(total);
  s += "{\"";
  s += array_name;
  s += "\":[";
  for (size_t i = 0; i < json_objects.size(); ++i) {
    if (i) s += ',';
    s += json_objects[i];
  }
  s += "]}";
  return s;
}

std::string to_json_text(const BatchAnswer& a) {
  json results = json::array();
  for (const auto& r : a.results) {
    json o = {{"id", r.id}, {"status", r.status}};
    if (!r.case_no.empty()) o["case_no"] = r.case_no;
    if (!r.error.code.empty()) {
      json e = {{"code", r.error.code}};
      if (!r.error.field.empty()) e["field"] = r.error.field;
      e["message"] = r.error.message;
      if (!r.error.last_ticket.empty()) e["last_ticket"] = r.error.last_ticket;
      o["error"] = std::move(e);
    }
    results.push_back(std::move(o));
  }
  return json{{"results", std::move(results)}}.dump();
}

// Reads an optional string member; false when present with another type.
static bool opt_string(const json& o, const char* key, std::string& out) {
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return true;
  if (!it->is_string()) return false;
  out = it->get<std::string>();
  return true;
}

// why: what made the body unreadable (NUL byte, too deep, not JSON).
// A server clock in Unix seconds, as a number of either kind, when it is a
// time at all (1970 to 9999): 1e300 cast to int64 is undefined behaviour,
// and a huge one would overflow the offset arithmetic after it.
static std::optional<int64_t> server_seconds(const json& v) {
  constexpr int64_t kMax = 253402300799;  // 9999-12-31T23:59:59Z
  if (v.is_number_unsigned()) {
    uint64_t u = v.get<uint64_t>();
    if (u <= uint64_t(kMax)) return static_cast<int64_t>(u);
  } else if (v.is_number_integer()) {
    int64_t i = v.get<int64_t>();
    if (i >= 0 && i <= kMax) return i;
  } else if (v.is_number_float()) {
    double d = v.get<double>();
    if (d >= 0 && d <= double(kMax)) return static_cast<int64_t>(d);  // NaN fails both
  }
  return std::nullopt;
}

static bool parse_json(std::string_view body, json& j, std::string* why = nullptr) {
  j = parse_untrusted_json(body, why);
  return !j.is_discarded();
}

// An answer that is a JSON object with an array `key` (results, updates); why not otherwise.
static bool parse_answer_with(std::string_view body, const char* key, json& j, std::string& why) {
  if (!parse_json(body, j, &why)) {
    why = "answer is not JSON: " + why;
    return false;
  }
  if (!j.is_object() || !j.contains(key) || !j[key].is_array()) {
    why = std::string("answer has no ") + key + " array";
    return false;
  }
  return true;
}

bool parse_batch_answer(std::string_view body, BatchAnswer& out, std::string& why) {
  out.results.clear();
  json j;
  if (!parse_answer_with(body, "results", j, why)) return false;
  for (const auto& item : j["results"]) {
    ItemResult r;
    if (!item.is_object() || !item.contains("id") || !item["id"].is_string() || !item.contains("status") ||
        !item["status"].is_string()) {
      why = "a result lacks id or status";
      out.results.clear();
      return false;
    }
    r.id = item["id"].get<std::string>();
    r.status = item["status"].get<std::string>();
    if (r.status != item_status::accepted && r.status != item_status::duplicate && r.status != item_status::rejected) {
      why = "a result has an unknown status";
      out.results.clear();
      return false;
    }
    bool ok = opt_string(item, "case_no", r.case_no);
    auto e = item.find("error");
    if (ok && e != item.end() && !e->is_null()) {
      ok = e->is_object() && opt_string(*e, "code", r.error.code) && opt_string(*e, "field", r.error.field) &&
           opt_string(*e, "message", r.error.message);
      // An extension: a wrong type is ignored, never a reason to distrust the answer.
      if (ok) {
        auto lt = e->find("last_ticket");
        if (lt != e->end() && lt->is_string()) r.error.last_ticket = lt->get<std::string>();
      }
    }
    if (!ok) {
      why = "a result has a field of the wrong type";
      out.results.clear();
      return false;
    }
    out.results.push_back(std::move(r));
  }
  return true;
}

// --- Errors -------------------------------------------------------------------

std::string to_json_text(const ErrorBody& e) {
  json o = {{"code", e.code}, {"message", e.message}};
  if (e.server_time) o["server_time"] = *e.server_time;
  return json{{"error", std::move(o)}}.dump();
}

std::optional<ErrorBody> parse_error_body(std::string_view body) {
  try {
    json j;
    if (!parse_json(body, j) || !j.is_object()) return std::nullopt;
    auto it = j.find("error");
    if (it == j.end() || !it->is_object()) return std::nullopt;
    ErrorBody e;
    if (!opt_string(*it, "code", e.code) || !opt_string(*it, "message", e.message)) return std::nullopt;
    auto st = it->find("server_time");
    if (st != it->end()) e.server_time = server_seconds(*st);
    return e;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// --- Updates ------------------------------------------------------------------

std::string to_json_text(const UpdatesAnswer& a) {
  json ups = json::array();
  for (const auto& u : a.updates) {
    json o = {{"complaint_id", u.complaint_id}, {"case_no", u.case_no}, {"status", u.status}, {"at", u.at}};
    if (!u.note.empty()) o["note"] = u.note;
    ups.push_back(std::move(o));
  }
  return json{{"updates", std::move(ups)}, {"next_cursor", a.next_cursor}, {"more", a.more}}.dump();
}

bool parse_updates_answer(std::string_view body, UpdatesAnswer& out, std::string& why) {
  out = UpdatesAnswer{};
  json j;
  if (!parse_answer_with(body, "updates", j, why)) return false;
  if (!j.contains("next_cursor") || !j["next_cursor"].is_string()) {
    why = "answer has no next_cursor";
    return false;
  }
  for (const auto& item : j["updates"]) {
    PlatformUpdate u;
    if (!item.is_object() || !item.contains("complaint_id") || !item["complaint_id"].is_string() ||
        !item.contains("status") || !item["status"].is_string()) {
      why = "an update lacks complaint_id or status";
      out = UpdatesAnswer{};
      return false;
    }
    u.complaint_id = item["complaint_id"].get<std::string>();
    u.status = item["status"].get<std::string>();
    if (!opt_string(item, "case_no", u.case_no) || !opt_string(item, "at", u.at) || !opt_string(item, "note", u.note)) {
      why = "an update has a field of the wrong type";
      out = UpdatesAnswer{};
      return false;
    }
    // The platform's words are kept and forwarded to the hub, whose intake
    // would refuse hidden characters and an overlong note: what we cannot
    // refuse, we make fit.
    u.note = printable_text(u.note, kMaxUpdateNoteChars);
    out.updates.push_back(std::move(u));
  }
  out.next_cursor = j["next_cursor"].get<std::string>();
  auto m = j.find("more");
  if (m != j.end() && !m->is_null()) {
    if (!m->is_boolean()) {
      why = "more is not a boolean";
      out = UpdatesAnswer{};
      return false;
    }
    out.more = m->get<bool>();
  }
  return true;
}

std::string updates_target(std::string_view base_path, std::string_view cursor, int limit) {
  std::string t(base_path);
  while (!t.empty() && t.back() == '/') t.pop_back();
  t += kUpdatesPath;
  char sep = '?';
  if (!cursor.empty()) {
    t += sep;
    t += "cursor=";
    t += percent_encode(cursor);
    sep = '&';
  }
  if (limit > 0) {
    t += sep;
    t += "limit=";
    t += std::to_string(limit);
  }
  return t;
}

// --- Health -------------------------------------------------------------------

std::string to_json_text(const HealthAnswer& h) {
  return json{{"server_time", h.server_time}, {"version", h.version}}.dump();
}

bool parse_health_answer(std::string_view body, HealthAnswer& out, std::string& why) {
  out = HealthAnswer{};
  json j;
  if (!parse_json(body, j) || !j.is_object()) {
    why = "answer is not a JSON object";
    return false;
  }
  auto st = j.find("server_time");
  if (st == j.end() || !st->is_number()) {
    why = "answer has no server_time";
    return false;
  }
  std::optional<int64_t> t = server_seconds(*st);
  if (!t) {
    why = "server_time is not a time";
    return false;
  }
  out.server_time = *t;
  if (!opt_string(j, "version", out.version)) {
    why = "version is not a string";
    return false;
  }
  return true;
}

// --- Small wire helpers ---------------------------------------------------------


bool split_base_url(std::string_view url, std::string& origin, std::string& path) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return false;
  std::string_view scheme = url.substr(0, scheme_end);
  if (scheme != "https" && scheme != "http") return false;
  size_t host_start = scheme_end + 3;
  size_t path_start = url.find('/', host_start);
  if (path_start == host_start) return false;
  if (url.find_first_of("?#", host_start) != std::string_view::npos) return false;
  if (path_start == std::string_view::npos) {
    if (url.size() == host_start) return false;
    origin = std::string(url);
    path.clear();
    return true;
  }
  origin = std::string(url.substr(0, path_start));
  path = std::string(url.substr(path_start));
  while (!path.empty() && path.back() == '/') path.pop_back();
  return true;
}

std::string format_http_date(int64_t unix_s) {
  static const char* const days[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};  // 1970-01-01 was a Thursday
  static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int64_t day = unix_s / 86400 - (unix_s % 86400 < 0 ? 1 : 0);
  int64_t secs = unix_s - day * 86400;
  int y;
  unsigned m, d;
  civil_from_days(day, y, m, d);
  int64_t wd = ((day % 7) + 7) % 7;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d GMT", days[wd], d, months[m - 1], y,
                static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60));
  return buf;
}

std::string gzip_compress(std::string_view data) {
  z_stream zs{};
  // windowBits 15 + 16: gzip wrapper instead of zlib's.
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2 failed");
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(data.size())) + 32);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  size_t produced = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw std::runtime_error("gzip compression failed");
  out.resize(produced);
  return out;
}

std::optional<std::string> gzip_decompress(std::string_view data, size_t max_out, bool* too_large) {
  if (too_large) *too_large = false;
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return std::nullopt;
  std::string out;
  char buf[16384];
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      return std::nullopt;
    }
    size_t got = sizeof buf - zs.avail_out;
    if (out.size() + got > max_out) {
      if (too_large) *too_large = true;
      inflateEnd(&zs);
      return std::nullopt;
    }
    out.append(buf, got);
    if (rc == Z_OK && got == 0 && zs.avail_in == 0) {  // input ended before the stream did
      inflateEnd(&zs);
      return std::nullopt;
    }
  }
  bool trailing = zs.avail_in != 0;
  inflateEnd(&zs);
  if (trailing) return std::nullopt;
  return out;
}

}  // namespace odr
