// One outbox row per destination, and what only the kiosk knows forwarded
// to the hub (kind 'update'): the case number the gateway gave a complaint
// and every platform update applied from GET /updates. Queued in the same
// transaction as what they come from; a store without the hub queues none.
#include <nlohmann/json.hpp>

#include "store_internal.h"
#include "util/crypto.h"
#include "util/time.h"

namespace odr {

std::string forward_update_id(std::string_view complaint_id, std::string_view status, std::string_view at,
                              std::string_view case_no, std::string_view note) {
  std::string text = std::string(complaint_id) + "\n" + std::string(status) + "\n" + std::string(at) + "\n" +
                     std::string(case_no);
  if (!note.empty()) text += "\n" + std::string(note);
  std::string h = sha256_hex(text).substr(0, 32);
  h[12] = '8';                                                   // version 8
  h[16] = "89ab"[std::stoi(h.substr(16, 1), nullptr, 16) & 3];   // RFC 4122 variant
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

namespace {

std::string update_payload(const std::string& id, const ForwardUpdate& u) {
  nlohmann::json j = {{"id", id}, {"complaint_id", u.complaint_id}, {"at", u.at}};
  if (!u.case_no.empty()) j["case_no"] = u.case_no;
  if (!u.status.empty()) j["status"] = u.status;
  if (!u.note.empty()) j["note"] = u.note.substr(0, 500);
  return j.dump();
}

}  // namespace

void queue_forward_update_in_tx(sqlite3* db, StatementCache& sc, const Store& store, const ForwardUpdate& u) {
  if (!store.has_destination(kHubDestination) || (u.case_no.empty() && u.status.empty())) return;
  const std::string id = forward_update_id(u.complaint_id, u.status, u.at, u.case_no, u.note);
  Stmt ins(db, sc,
           "INSERT OR IGNORE INTO outbox (destination, kind, ref_id, complaint_id, created_ms, payload) "
           "VALUES ('hub', 'update', ?, ?, ?, ?)");
  ins.bind(1, id).bind(2, u.complaint_id).bind(3, store.now_ms()).bind(4, update_payload(id, u)).run();
}

void queue_item_in_tx(sqlite3* db, StatementCache& sc, const Store& store, const char* kind, const std::string& ref_id,
                      const std::string& complaint_id, int64_t now) {
  for (const std::string& d : store.options().destinations) {
    Stmt out(db, sc,
             "INSERT OR IGNORE INTO outbox (destination, kind, ref_id, complaint_id, created_ms) VALUES (?, ?, ?, ?, ?)");
    out.bind(1, d).bind(2, kind).bind(3, ref_id).bind(4, complaint_id).bind(5, now).run();
  }
}

// The hub configured on a store that has history: everything stored so far
// gets its hub row, once (INSERT OR IGNORE: an interrupted or repeated
// backfill adds nothing twice), in the gateway's order, in one transaction.
// Purged complaints (and their events) are not sent: their data is gone.
// Case numbers and the platform's timeline go as 'update' items.
void Store::backfill_destinations() {
  if (!has_destination(kHubDestination) || state("outbox.backfilled.hub")) return;
  const int64_t now = now_ms();
  StatementCache& sc = stmts_->cache;
  check_writable();
  Tx tx(db_);
  Stmt(db_, sc,
       "INSERT OR IGNORE INTO outbox (destination, kind, ref_id, complaint_id, created_ms) "
       "SELECT 'hub', o.kind, o.ref_id, o.complaint_id, o.created_ms FROM outbox o "
       "JOIN complaints c ON c.id = o.complaint_id "
       "WHERE o.destination = 'gateway' AND o.kind IN ('complaint', 'event') AND c.purged = 0 ORDER BY o.seq")
      .run();
  std::vector<ForwardUpdate> updates;
  {
    Stmt q(db_, sc,
           "SELECT complaint_id, case_no, status, at, note FROM platform_updates ORDER BY at_ms, id");
    while (q.step()) updates.push_back({q.text(0), q.text(1), q.text(2), q.text(3), q.text(4)});
    Stmt c(db_, sc,
           "SELECT c.id, c.case_no, o.delivered_ms FROM complaints c JOIN outbox o ON o.ref_id = c.id "
           "AND o.kind = 'complaint' AND o.destination = 'gateway' WHERE c.case_no != '' AND c.purged = 0");
    while (c.step())
      updates.push_back({c.text(0), c.text(1), "", format_rfc3339(c.i64(2) / 1000, options_.tz_offset_minutes), ""});
  }
  for (const ForwardUpdate& u : updates) queue_forward_update_in_tx(db_, sc, *this, u);
  Stmt(db_, sc, "INSERT OR REPLACE INTO sync_state (key, value, updated_ms) VALUES ('outbox.backfilled.hub', '1', ?)")
      .bind(1, now)
      .run();
  append_audit_in_tx(db_, sc, now, "system", "outbox.backfill", "destination=hub");
  tx.commit();
}

}  // namespace odr
