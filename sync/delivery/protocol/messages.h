// The message shapes of odr-sync-v1.md, as plain structs with their JSON,
// shared by the client (engine) and platform-sim. Parsers never throw: a body
// that is not what the page says (HTML from a proxy, an empty or cut body,
// wrong types) gives false / nullopt and a short reason, so the caller can
// treat it as a transient failure and never as a delivery.
//
// Paths are relative to the base URL's path (default /odr/v1):
//   POST {base}/complaints:batch   {"complaints":[COMPLAINT...]} -> BatchAnswer
//   POST {base}/events:batch       {"events":[EVENT...]}         -> BatchAnswer
//   GET  {base}/updates?cursor=C&limit=N                         -> UpdatesAnswer
//   GET  {base}/health   (unsigned)                              -> HealthAnswer
// Any non-2xx answer the server itself makes: ErrorBody.
#pragma once
#include "util/url.h"
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/complaint.h"

namespace odr {

inline constexpr const char* kDefaultBasePath = "/odr/v1";
inline constexpr const char* kComplaintsBatchPath = "/complaints:batch";
inline constexpr const char* kEventsBatchPath = "/events:batch";
// The hub's extension (docs/protocol.md "The chain's hub"): forwarded case
// numbers and platform updates, {"updates":[UPDATE...]}, at most 500, answered as events.
inline constexpr const char* kUpdatesBatchPath = "/updates:batch";
inline constexpr const char* kUpdatesPath = "/updates";
inline constexpr const char* kHealthPath = "/health";

inline constexpr size_t kMaxComplaintsPerBatch = 100;
inline constexpr size_t kMaxEventsPerBatch = 500;
inline constexpr size_t kMaxBodyBytes = 1024 * 1024;  // 1 MiB
inline constexpr int kDefaultUpdatesLimit = 100;
inline constexpr int kMaxUpdatesLimit = 500;

// Per-item statuses of a batch answer.
namespace item_status {
inline constexpr const char* accepted = "accepted";
inline constexpr const char* duplicate = "duplicate";  // stored before: the client treats it as accepted
inline constexpr const char* rejected = "rejected";    // never accepted as it is: hold it, show staff
}  // namespace item_status

// Error codes in bodies. Item-level codes appear in ItemError (status
// "rejected"); request-level codes in ErrorBody. 401 codes: signing.h auth_err.
namespace wire_err {
// item level
inline constexpr const char* invalid_field = "invalid_field";          // ItemError.field names the field
inline constexpr const char* ticket_conflict = "ticket_conflict";      // this kiosk used the ticket for another id
inline constexpr const char* id_conflict = "id_conflict";              // the id is held for another kiosk
inline constexpr const char* unknown_complaint = "unknown_complaint";  // event for a complaint the server lacks
// request level
inline constexpr const char* bad_request = "bad_request";                        // 400
inline constexpr const char* not_found = "not_found";                            // 404
inline constexpr const char* unsupported_media_type = "unsupported_media_type";  // 415
inline constexpr const char* body_too_large = "body_too_large";                  // 413
inline constexpr const char* too_many_items = "too_many_items";                  // 413
inline constexpr const char* cursor_gone = "cursor_gone";                        // 410: start again without a cursor
inline constexpr const char* rate_limited = "rate_limited";                      // 429
inline constexpr const char* unavailable = "unavailable";                        // 503
inline constexpr const char* internal_error = "internal_error";                  // 500
}  // namespace wire_err

// --- Batches ------------------------------------------------------------------

// {"<array_name>":[o1,o2,...]} from JSON objects that are already text (the
// outbox payloads), without parsing them again. array_name: "complaints" or
// "events".
std::string make_batch_body(std::string_view array_name, const std::vector<std::string>& json_objects);

struct ItemError {
  std::string code;     // empty: none
  std::string field;    // for invalid_field: wire path, e.g. "consumer.phone"
  std::string message;
  // Optional extension (docs/protocol.md), with ticket_conflict only: the
  // ticket of the last complaint the gateway stored for this kiosk, so a
  // kiosk whose store was lost or restored learns where to go on numbering.
  // A gateway without it leaves it out; a value that is not a string is ignored.
  std::string last_ticket = {};
};

struct ItemResult {
  std::string id;
  std::string status;   // item_status::*
  std::string case_no;  // accepted/duplicate complaints; empty for events
  ItemError error;      // rejected
  bool delivered() const { return status == item_status::accepted || status == item_status::duplicate; }
};

// One result per item sent, in the same order (the client checks that ids
// line up with what it sent; parse_batch_answer only checks shapes).
struct BatchAnswer {
  std::vector<ItemResult> results;
};

std::string to_json_text(const BatchAnswer& a);
// false (and why) unless body is {"results":[...]} with each result an
// object holding string id and a known status; case_no and error optional.
bool parse_batch_answer(std::string_view body, BatchAnswer& out, std::string& why);

// --- Errors -------------------------------------------------------------------

// {"error":{"code":"...","message":"...","server_time":123}}
struct ErrorBody {
  std::string code;
  std::string message;
  std::optional<int64_t> server_time;  // with auth_err::clock_skew
};

std::string to_json_text(const ErrorBody& e);
// nullopt when the body holds no error object: not JSON, empty, HTML, a JSON
// without "error", or wrong types. Never throws.
std::optional<ErrorBody> parse_error_body(std::string_view body);

// --- Updates ------------------------------------------------------------------

struct UpdatesAnswer {
  std::vector<PlatformUpdate> updates;  // apply in order
  std::string next_cursor;              // store only after the updates are stored
  bool more = false;                    // ask again at once while true
};

std::string to_json_text(const UpdatesAnswer& a);
// Requires "updates" (array of objects with string complaint_id and status)
// and string "next_cursor"; case_no, at, note optional; "more" defaults false.
bool parse_updates_answer(std::string_view body, UpdatesAnswer& out, std::string& why);

// The request target to GET and to sign, e.g.
// "/odr/v1/updates?cursor=c%3D12%26e%3Dx&limit=100". An empty cursor is left
// out ("from the start"). limit <= 0: left out (server default).
std::string updates_target(std::string_view base_path, std::string_view cursor, int limit);

// --- Health -------------------------------------------------------------------

struct HealthAnswer {
  int64_t server_time = 0;  // Unix seconds on the server's clock
  std::string version;
};

std::string to_json_text(const HealthAnswer& h);
bool parse_health_answer(std::string_view body, HealthAnswer& out, std::string& why);

// --- Small wire helpers ---------------------------------------------------------

// percent_encode / percent_decode: util/url.h.

// "https://host:8443/odr/v1/" -> origin "https://host:8443", path "/odr/v1"
// (no trailing slash; "" when the URL has no path). false when the URL is
// not http(s)://host[...].
bool split_base_url(std::string_view url, std::string& origin, std::string& path);

// IMF-fixdate, e.g. "Sat, 28 Nov 2026 01:07:00 GMT" (the Date and Retry-After
// form). util/time.h parse_http_date reads it back.
std::string format_http_date(int64_t unix_s);

// gzip (RFC 1952) for Content-Encoding: gzip bodies.
std::string gzip_compress(std::string_view data);
// nullopt when data is not a complete gzip stream or would inflate beyond
// max_out bytes (a compression bomb: then *too_large is set, when given).
std::optional<std::string> gzip_decompress(std::string_view data, size_t max_out, bool* too_large = nullptr);

}  // namespace odr
