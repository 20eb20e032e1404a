#include "engine/sync_state.h"

#include "util/time.h"

namespace odr {

std::string destination_key(std::string_view destination, std::string_view key) {
  if (destination == kGatewayDestination || key.rfind("sync.", 0) != 0) return std::string(key);
  return "sync." + std::string(destination) + "." + std::string(key.substr(5));
}

static std::string alert_key(std::string_view destination, std::string_view code) {
  return destination_key(destination, "sync.alert." + std::string(code));
}

void set_sync_alert(Store& store, std::string_view code, std::string_view message, int64_t now_s, int tz_offset_minutes,
                    std::string_view destination) {
  store.set_state(alert_key(destination, code), format_rfc3339(now_s, tz_offset_minutes) + " " + std::string(message));
}

void clear_sync_alert(Store& store, std::string_view code, std::string_view destination) {
  std::optional<std::string> v = store.state(alert_key(destination, code));
  if (v && !v->empty()) store.set_state(alert_key(destination, code), "");
}

std::vector<SyncStatus> read_sync_statuses(Store& store) {
  std::vector<SyncStatus> all;
  for (const std::string& d : store.options().destinations) all.push_back(read_sync_status(store, d));
  return all;
}

// The alerts only the store knows (not one destination's): with the gateway's.
static void add_store_alerts(Store& store, SyncStatus& s);

SyncStatus read_sync_status(Store& store, std::string_view destination) {
  SyncStatus s;
  s.destination = std::string(destination);
  s.counts = store.outbox_counts(destination);
  auto state = [&](const char* key) { return store.state(destination_key(destination, key)); };
  s.last_success = state(sync_key::last_success).value_or("");
  s.last_error = state(sync_key::last_error).value_or("");
  s.last_error_at = state(sync_key::last_error_at).value_or("");
  try {
    s.clock_offset_s = std::stoll(state(sync_key::clock_offset_s).value_or("0"));
  } catch (...) {
    s.clock_offset_s = 0;
  }
  std::string r = state(sync_key::reachable).value_or("");
  if (r == "1") s.reachable = true;
  if (r == "0") s.reachable = false;
  s.reachable_at = state(sync_key::reachable_at).value_or("");
  try {
    std::string t = state(sync_key::server_time).value_or("");
    if (!t.empty()) s.server_time = std::stoll(t);
  } catch (...) {
  }
  s.stopped = state(sync_key::stopped).value_or("");
  for (const std::string& code : sync_alert_codes()) {
    std::string v = store.state(alert_key(destination, code)).value_or("");
    if (v.empty()) continue;
    size_t sp = v.find(' ');
    SyncAlert a;
    a.code = code;
    a.at = sp == std::string::npos ? std::string() : v.substr(0, sp);
    a.message = sp == std::string::npos ? v : v.substr(sp + 1);
    s.alerts.push_back(std::move(a));
  }
  if (destination == kGatewayDestination) add_store_alerts(store, s);
  return s;
}

static void add_store_alerts(Store& store, SyncStatus& s) {
  // Worked out, not stored: a read-only `kiosk-sync status` sees them too.
  s.unreadable = store.unreadable_rows();
  if (s.unreadable.total() > 0)
    s.alerts.push_back({sync_alert::unreadable, "",
                        std::to_string(s.unreadable.complaints) + " complaint(s) and " +
                            std::to_string(s.unreadable.events) +
                            " event(s) in the store cannot be read (damaged): held, never sent; new complaints are "
                            "still stored. Tell the technician (`kiosk-sync recover OUT`)"});
  s.ticket_changes = store.ticket_changes(true, 100);
  if (!s.ticket_changes.empty()) {
    const TicketChange& last = s.ticket_changes.back();
    s.alerts.push_back({sync_alert::ticket, format_rfc3339(last.at_ms / 1000),
                        std::to_string(s.ticket_changes.size()) +
                            " complaint(s) got a new ticket because the platform already had their number (latest: " +
                            last.old_ticket + " is now " + last.new_ticket +
                            "): tell the consumer; `kiosk-sync tickets ack` when done"});
  }
}

}  // namespace odr
