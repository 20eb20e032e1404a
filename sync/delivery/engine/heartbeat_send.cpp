// The hub engine's heartbeat (docs/protocol.md "Heartbeat"): what only the
// kiosk knows about its own health, POSTed signed to {base}/heartbeat at
// start and every heartbeat_interval_ms. A failing heartbeat never touches
// delivery: no backoff, no alert, no last error; it simply waits for the
// next interval. The body's format has one home: protocol/heartbeat.h.
#include <sys/statvfs.h>

#include <filesystem>

#include "engine/engine.h"
#include "engine/sync_state.h"
#include "model/personal.h"
#include "protocol/heartbeat.h"
#include "util/time.h"
#include "util/utf8.h"

#ifndef ODR_KIOSK_VERSION
#define ODR_KIOSK_VERSION "0"
#endif

namespace odr {

namespace {

std::optional<int64_t> disk_free_bytes(const std::string& store_path) {
  std::string dir = std::filesystem::path(store_path).parent_path().string();
  struct statvfs st {};
  if (::statvfs(dir.empty() ? "." : dir.c_str(), &st) != 0) return std::nullopt;
  return int64_t(st.f_bavail) * int64_t(st.f_frsize);
}

// The reason as the kiosk keeps it may quote what was typed (a receiver's
// message): printable, bounded and with digit runs masked before it leaves.
HeartbeatHeld held_of(const HeldSummary& s, int tz_offset_minutes) {
  HeartbeatHeld h;
  h.kind = to_string(s.kind);
  if (s.kind == OutboxKind::complaint) h.ticket = s.ticket;
  h.code = s.code;
  h.message = printable_text(mask_digit_runs(printable_text(s.reason, kHeartbeatMessageMax)), kHeartbeatMessageMax);
  for (char& c : h.message)
    if (c == '\n' || c == '\r') c = ' ';
  if (s.held_ms > 0) h.held_at = format_rfc3339(s.held_ms / 1000, tz_offset_minutes);
  return h;
}

}  // namespace

// The figures, read from the store now. Pending counts what is not yet
// delivered and not held (pending and in flight). The clock offset and last
// success are the gateway's: the platform's clock is the one that matters.
std::string heartbeat_body(Store& store, const SyncOptions& o) {
  Heartbeat h;
  h.version = std::string("odr-kiosk ") + ODR_KIOSK_VERSION;
  for (const std::string& d : store.options().destinations) {
    OutboxCounts c = store.outbox_counts(d);
    HeartbeatOutbox out{d, c.pending + c.in_flight, c.held};
    if (c.held > 0)
      for (const HeldSummary& held : store.recent_held(d, kHeartbeatHeldItems))
        out.held_items.push_back(held_of(held, store.options().tz_offset_minutes));
    h.outbox.push_back(std::move(out));
  }
  h.last_gateway_success = store.state(sync_key::last_success).value_or("");
  try {
    h.clock_offset_s = std::stoll(store.state(sync_key::clock_offset_s).value_or("0"));
  } catch (...) {
  }
  h.disk_free_bytes = disk_free_bytes(o.store_path);
  if (o.printer_state) h.printer = o.printer_state();
  h.last_complaint_at = store.last_complaint_at();
  return to_json_text(h);
}

bool SyncEngine::send_heartbeat() {
  std::string body;
  try {
    body = heartbeat_body(*store_, options_);
  } catch (const std::exception& e) {
    log(std::string("heartbeat skipped error=\"") + e.what() + "\"");
    return false;
  }
  // Never compressed (the hub refuses a compressed heartbeat), signed as sent.
  HttpResponse r = transport_->send(make_request("POST", base_path_ + kHeartbeatPath, body, true, Compress::never));
  note_answer(r);
  const bool ok = r.ok() && r.status == 200;
  log(ok ? "heartbeat ok" : "heartbeat fail status=" + std::to_string(r.status) + " error=\"" + r.error_message + "\"");
  return ok;
}

}  // namespace odr
