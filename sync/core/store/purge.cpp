// The retention purge: blanks the personal data of complaints whose
// delivery is done, once they are older than the retention period. The
// fields come from model/personal.h (the one list).
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "model/json.h"
#include "model/personal.h"
#include "store_internal.h"
#include "util/crypto.h"  // wipe

namespace odr {

namespace {

// Parsed stored JSON, or an empty object when unreadable: a purge then drops
// it all rather than keep what it cannot look into.
nlohmann::json parse_or_empty(const std::string& text) {
  nlohmann::json j = parse_untrusted_json(text);
  return j.is_object() ? j : nlohmann::json::object();
}

}  // namespace

// "Delivery is done": the complaint is delivered to every configured
// destination (gateway, hub) and none of its events is still to send to one (pending, in flight, or held for staff), so nothing will
// ever be sent from these rows again. Whether the platform has closed the
// case does not matter: the platform keeps its own copy, and retention runs
// from the day the complaint was filed.
int64_t Store::purge_personal_data(int64_t cutoff_ms) {
  // The engine's hourly pass checks the whole file first: a file damaged
  // since it was opened is found within the hour and never written again.
  if (std::string p = integrity_problem(); !p.empty())
    throw StoreError(StoreError::Kind::corrupt, damaged_message(path_, p));
  const int64_t now = now_ms();
  StatementCache& sc = stmts_->cache;
  check_writable();
  Tx tx(db_);
  struct Row {
    std::string id, ticket, json;
  };
  std::vector<Row> rows;
  {
    Stmt q(db_, sc,
           "SELECT c.id, c.ticket, c.json FROM complaints c WHERE c.stored_ms < ? AND c.purged = 0 "
           "AND (SELECT count(*) FROM outbox o WHERE o.ref_id = c.id AND o.kind = 'complaint' "
           "     AND o.state = 'delivered' AND o.destination IN (?2, ?3)) = ?4 "
           "AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.state IN ('pending', 'in_flight', 'held') "
           "                AND e.kind = 'event' AND e.complaint_id = c.id AND e.destination IN (?2, ?3))");
    // Every configured destination (at most two): a destination no longer
    // configured never delivers, and must not keep personal data forever.
    const bool hub = has_destination(kHubDestination);
    q.bind(1, cutoff_ms).bind(2, kGatewayDestination).bind(3, hub ? kHubDestination : kGatewayDestination)
        .bind(4, int64_t(hub ? 2 : 1));
    while (q.step()) rows.push_back({q.text(0), q.text(1), q.text(2)});
  }
  AuditAppender audit(db_, sc);
  for (Row& row : rows) {
    nlohmann::json j = parse_or_empty(row.json);
    wipe(row.json);
    blank_personal_json(j);  // model/personal.h: the one list
    {
      // The import key is a hash of the whole line: of the personal data too.
      Stmt up(db_, sc,
              "UPDATE complaints SET json = ?, phone_last4 = '', purged = 1, import_key = NULL WHERE id = ?");
      up.bind(1, j.dump()).bind(2, row.id).run();
    }
    std::vector<std::pair<std::string, std::string>> events;
    {
      Stmt q(db_, sc, "SELECT id, json FROM events WHERE complaint_id = ?");
      q.bind(1, row.id);
      while (q.step()) events.emplace_back(q.text(0), q.text(1));
    }
    for (auto& [event_id, text] : events) {
      nlohmann::json e = parse_or_empty(text);
      wipe(text);
      if (e.contains("data") && e["data"].is_object())
        for (const char* free_text : {"note", "reason", "comment"})
          if (e["data"].contains(free_text)) e["data"][free_text] = "";
      Stmt up(db_, sc, "UPDATE events SET json = ? WHERE id = ?");
      up.bind(1, e.dump()).bind(2, event_id).run();
    }
    // One record per complaint, like its other records: ids only.
    audit.append(now, "system", "personal_data.purge",
                 "id=" + row.id + " ticket=" + row.ticket + " stored_before_ms=" + std::to_string(cutoff_ms));
  }
  tx.commit();
  // Old page images in the WAL still hold the data: fold them in now (best
  // effort; a reader in another process may hold some back until later).
  if (!rows.empty()) sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  return static_cast<int64_t>(rows.size());
}

}  // namespace odr
