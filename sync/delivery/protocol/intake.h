// The server side of a signed request, for every server that speaks the
// protocol (platform-sim, odr-hub), without an HTTP library: the checks of a
// batch request in the page's order (docs/protocol.md "gzip"), and the field
// rules of one item as the platform runs them. One copy of each rule, so the
// gateway's reference and the chain's hub answer alike.
//
//   IntakeRequest in = ...;              // headers and body as received
//   RequestCheck c = check_batch_request(in, limits, "complaints", key_for, now, remember_nonce);
//   if (!c.ok) answer c.http_status with to_json_text(c.error);
//   for (const auto& item : c.items) { Complaint x; ItemError e = check_complaint_item(item, c.kiosk, ctx, x); ... }
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "model/complaint.h"
#include "model/validate.h"
#include "protocol/messages.h"
#include "protocol/signing.h"

namespace odr {

// A server's limits for one batch kind.
struct IntakeLimits {
  size_t max_body_bytes = kMaxBodyBytes;  // the body as received
  size_t max_inflated_bytes = 0;          // a gzip body once inflated; 0: max_body_bytes
  size_t max_items = kMaxComplaintsPerBatch;
};

// The request as the server received it.
struct IntakeRequest {
  SignedRequest signed_part;     // method, target, body as received, the four headers
  std::string content_type;      // header value; "" when absent
  std::string content_encoding;  // lowercased; "" when absent
};

using KeyLookup = std::function<std::optional<std::string>(const std::string& kiosk)>;
using NonceMemory = std::function<bool(const std::string& kiosk, const std::string& nonce)>;

// The outcome of the request-level checks.
struct RequestCheck {
  bool ok = false;
  int http_status = 0;  // when !ok: 400, 401, 413 or 415
  ErrorBody error;      // when !ok (server_time set for clock_skew)
  std::string kiosk;    // when ok: the signed kiosk id
  nlohmann::json items = nlohmann::json::array();  // when ok: the array's items, unchecked
};

// Content-Type (415), the size as received (413), Content-Encoding (415),
// the signature (401, verify_request: nothing is inflated for a sender who
// cannot sign), inflation capped (413) or a broken stream (400), the JSON
// {"<array_name>":[...]} (400), the item count (413 too_many_items).
RequestCheck check_batch_request(const IntakeRequest& req, const IntakeLimits& limits, const std::string& array_name,
                                 const KeyLookup& key_for, int64_t server_now, const NonceMemory& remember_nonce);

// Only the signature (verify_request) as a 401 answer: for signed requests
// that are not batches (the hub's heartbeat, updates).
RequestCheck check_signature(const SignedRequest& req, const KeyLookup& key_for, int64_t server_now,
                             const NonceMemory& remember_nonce);

// One item's field rules as the platform runs them: the JSON types first
// (so a wrong type names its field), then validate_complaint / validate_event
// with require_identity; a complaint's kiosk_id must equal the signed kiosk.
// The platform does not know a kiosk's category list, so any code is fine.
// Returns the first problem (code empty: none); out holds what was read.
ItemError check_complaint_item(const nlohmann::json& item, const std::string& kiosk, const ValidationContext& ctx,
                               Complaint& out);
ItemError check_event_item(const nlohmann::json& item, const ValidationContext& ctx, Event& out);

// --- The hub's extension: platform updates forwarded by kiosks -----------------
// POST {base}/updates:batch {"updates":[...]}: what the kiosk learned from the
// gateway's GET /updates, passed on to the chain's hub (docs/protocol.md
// "Extension: the chain's hub"). Signed and checked as a batch; its path,
// kUpdatesBatchPath, is in protocol/messages.h with the others.
inline constexpr size_t kMaxForwardedUpdatesPerBatch = 500;
inline constexpr size_t kMaxCaseNoChars = 64;
inline constexpr size_t kMaxUpdateNoteChars = 500;

// One forwarded update; id is the idempotency key (the kiosk derives it).
struct ForwardedUpdate {
  std::string id;
  std::string complaint_id;
  std::string case_no;  // "" when absent
  std::string status;   // "" when absent; else one of kPlatformStatuses
  std::string at;       // RFC 3339
  std::string note;     // "" when absent
};

// The item's rules: JSON types first, then id and complaint_id (UUIDs), at
// (RFC 3339), case_no (1 to 64 characters when present), status (the
// platform's words when present; one of case_no and status at least), note
// (at most 500 characters). Returns the first problem (code empty: none).
ItemError check_update_item(const nlohmann::json& item, ForwardedUpdate& out);

// The item's string member at a dotted path ("" when absent or not a string):
// the id of an item that broke a rule is still looked up.
std::string string_at(const nlohmann::json& item, const char* dotted);

}  // namespace odr
