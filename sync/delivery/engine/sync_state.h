// What the sync engine leaves in the store for everyone else to read: the
// kiosk's status line and staff screen, and `kiosk-sync status`, possibly in
// another process. Plain key/value pairs through Store::set_state.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"

namespace odr {

namespace sync_key {
inline constexpr const char* last_success = "sync.last_success";  // RFC 3339 of the last exchange that went through
inline constexpr const char* last_error = "sync.last_error";      // short text, no personal data
inline constexpr const char* last_error_at = "sync.last_error_at";
inline constexpr const char* clock_offset_s = "sync.clock_offset_s";  // server clock - kiosk clock, seconds
inline constexpr const char* reachable = "sync.reachable";            // "1", "0"; absent: never tried
inline constexpr const char* reachable_at = "sync.reachable_at";
inline constexpr const char* server_time = "sync.server_time";  // from /health, Unix seconds
inline constexpr const char* stopped = "sync.stopped";          // non-empty: syncing stopped (401/404), why
// "<unix ms> <base url>": no request to that gateway before then (backoff, Retry-After)
inline constexpr const char* not_before = "sync.not_before";
// "<base url> <items/complaints> <items/events> <bytes as sent> <bytes inflated>", each "value,refused,took,since_ms"
inline constexpr const char* limits = "sync.limits";
}  // namespace sync_key

// The key of one destination's state: the gateway's are the keys above as
// they are (stores from before the hub read as ever); another destination's
// have its name after "sync.": "sync.hub.last_success", "sync.hub.alert.held".
std::string destination_key(std::string_view destination, std::string_view key);

// Alerts for staff, one state key each ("sync.alert.<code>"), value
// "<RFC 3339> <message>"; empty when cleared.
namespace sync_alert {
inline constexpr const char* auth = "auth";            // 401 other than clock_skew: key or kiosk id wrong
inline constexpr const char* not_found = "not_found";  // 404 / redirect: base URL wrong
inline constexpr const char* tls = "tls";              // the gateway's certificate did not verify
inline constexpr const char* held = "held";            // items held: rejected by the gateway or 4xx
// Not kept in sync_state: read_sync_status works them out from the store each time.
inline constexpr const char* unreadable = "unreadable";  // rows whose JSON cannot be read: held, never sent
inline constexpr const char* ticket = "ticket";          // complaints re-ticketed after ticket_conflict, not yet seen by staff
}  // namespace sync_alert
inline const std::vector<std::string>& sync_alert_codes() {
  static const std::vector<std::string> codes = {sync_alert::auth, sync_alert::not_found, sync_alert::tls,
                                                 sync_alert::held};
  return codes;
}

struct SyncAlert {
  std::string code;
  std::string at;  // RFC 3339
  std::string message;
};

struct SyncStatus {
  std::string destination = "gateway";
  OutboxCounts counts;
  std::string last_success;
  std::string last_error, last_error_at;
  int64_t clock_offset_s = 0;
  std::optional<bool> reachable;  // nullopt: never tried
  std::string reachable_at;
  std::optional<int64_t> server_time;
  std::string stopped;  // non-empty: why syncing stopped
  std::vector<SyncAlert> alerts;
  std::vector<TicketChange> ticket_changes;  // re-ticketed, not yet acknowledged by staff
  UnreadableRows unreadable;
};

// One destination's status. The store-wide alerts (unreadable rows, ticket
// changes) come with the gateway's.
SyncStatus read_sync_status(Store& store, std::string_view destination = kGatewayDestination);
// Every destination of the store's options, gateway first.
std::vector<SyncStatus> read_sync_statuses(Store& store);
void set_sync_alert(Store& store, std::string_view code, std::string_view message, int64_t now_s, int tz_offset_minutes,
                    std::string_view destination = kGatewayDestination);
void clear_sync_alert(Store& store, std::string_view code, std::string_view destination = kGatewayDestination);

}  // namespace odr
