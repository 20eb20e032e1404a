// What the store's .cpp files share among themselves (store.cpp, schema.cpp,
// audit.cpp, purge.cpp and the outbox's outbox.cpp). Private to odr_store:
// not in its public include root.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "sqlite/sqlite.h"
#include "store/store.h"

namespace odr {

// Prepared statements, kept for the life of the connection.
struct Store::Statements {
  explicit Statements(sqlite3* db) : cache(db) {}
  StatementCache cache;
};

// --- schema.cpp -------------------------------------------------------------
// The message of a store file that failed the integrity check.
std::string damaged_message(const std::string& path, const std::string& problem);

// --- audit.cpp --------------------------------------------------------------
// The end of the audit chain, read once per transaction by an AuditAppender.
struct AuditTail {
  int64_t seq = 0;
  std::string hash;
};

// Appends records inside a BEGIN IMMEDIATE transaction (so nobody else can
// append meanwhile): the chain's end is read once, then carried along.
class AuditAppender {
 public:
  AuditAppender(sqlite3* db, StatementCache& cache);
  void append(int64_t now_ms, std::string_view actor, std::string_view action, std::string_view detail);

 private:
  sqlite3* db_;
  StatementCache& cache_;
  AuditTail tail_;
};

// One record, inside the caller's transaction.
void append_audit_in_tx(sqlite3* db, StatementCache& cache, int64_t now_ms, std::string_view actor,
                        std::string_view action, std::string_view detail);

// --- outbox/outbox.cpp ------------------------------------------------------
struct OutboxRow {
  std::string kind, ref_id, state, destination;
};
// Inside a transaction: the item, or not_found (which rolls the whole batch back).
OutboxRow outbox_row(sqlite3* db, StatementCache& sc, int64_t seq);
// Inside a transaction: the item held (no lease), with why (reason for
// staff, code a held_code word) and when. The one statement that holds.
void hold_row(sqlite3* db, StatementCache& sc, int64_t seq, std::string_view reason, std::string_view code, int64_t now_ms);

// --- forward.cpp ------------------------------------------------------------
// A case number or platform update to forward to the hub (kind 'update').
struct ForwardUpdate {
  std::string complaint_id, case_no, status, at, note;
};
// Inside the caller's transaction: the hub's 'update' item for u, once per
// id (the same update twice is one item); nothing when the store has no hub.
void queue_forward_update_in_tx(sqlite3* db, StatementCache& sc, const Store& store, const ForwardUpdate& u);
// Inside the caller's transaction: one row per destination for a complaint
// or event just stored (kind "complaint" or "event").
void queue_item_in_tx(sqlite3* db, StatementCache& sc, const Store& store, const char* kind, const std::string& ref_id,
                      const std::string& complaint_id, int64_t now);

}  // namespace odr
