// Recovery reads the rows table by table, each by its rowid, so one damaged
// page costs the rows on it and not the rest of the table: where a seek
// fails, it tries further on with growing steps. SQLite's own `.recover`
// (sqlite3 3.40 in Debian 12) stops with "SQL logic error" on these files.
#include "kiosk-sync/recover.h"

#include "sqlite/open.h"

#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <vector>

namespace odr {
namespace fs = std::filesystem;

namespace {

struct Db {
  sqlite3* h = nullptr;
  ~Db() { sqlite3_close_v2(h); }
};

std::vector<std::string> columns(sqlite3* db, const std::string& schema, const std::string& table) {
  std::vector<std::string> cols;
  sqlite3_stmt* s = nullptr;
  std::string sql = "PRAGMA " + schema + ".table_info(" + table + ")";  // (cid, name, type, ...)
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK)
    while (sqlite3_step(s) == SQLITE_ROW) cols.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 1)));
  sqlite3_finalize(s);
  return cols;
}

// Columns both files have, as a list for INSERT and SELECT.
std::string shared_columns(sqlite3* db, const std::string& table) {
  std::vector<std::string> theirs = columns(db, "main", table), ours = columns(db, "r", table);
  std::string list;
  for (const std::string& c : ours)
    for (const std::string& t : theirs)
      if (c == t) list += (list.empty() ? "" : ", ") + c;
  return list;
}

// Copies table row by row; returns rows copied, adds failures to unreadable.
int64_t copy_table(sqlite3* db, const std::string& table, const std::string& keep_if, int64_t& unreadable) {
  const std::string cols = shared_columns(db, table);
  if (cols.empty()) return 0;
  sqlite3_stmt *seek = nullptr, *copy = nullptr;
  std::string seek_sql = "SELECT rowid FROM main." + table + " WHERE rowid > ? ORDER BY rowid LIMIT 1";
  std::string copy_sql = "INSERT OR IGNORE INTO r." + table + " (" + cols + ") SELECT " + cols + " FROM main." + table +
                         " WHERE rowid = ?" + (keep_if.empty() ? "" : " AND " + keep_if);
  if (sqlite3_prepare_v2(db, seek_sql.c_str(), -1, &seek, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(db, copy_sql.c_str(), -1, &copy, nullptr) != SQLITE_OK) {
    sqlite3_finalize(seek);
    sqlite3_finalize(copy);
    ++unreadable;
    return 0;
  }
  int64_t copied = 0, after = INT64_MIN, step = 1;
  for (;;) {
    sqlite3_reset(seek);
    sqlite3_bind_int64(seek, 1, after);
    int rc = sqlite3_step(seek);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {  // a damaged page on the way: try further on
      ++unreadable;
      if (after == INT64_MIN) after = 0;
      if (step > (int64_t(1) << 40)) break;
      after += step;
      step *= 2;
      continue;
    }
    step = 1;
    after = sqlite3_column_int64(seek, 0);
    sqlite3_reset(copy);
    sqlite3_bind_int64(copy, 1, after);
    if (sqlite3_step(copy) == SQLITE_DONE) copied += sqlite3_changes(db);
    else ++unreadable;
  }
  sqlite3_finalize(seek);
  sqlite3_finalize(copy);
  return copied;
}

}  // namespace

RecoverSummary recover_store(const std::string& src, const std::string& out, const StoreOptions& options) {
  std::error_code ec;
  if (fs::exists(out, ec)) throw StoreError(StoreError::Kind::io, out + " exists already: name a new file");
  if (!fs::exists(src, ec)) throw StoreError(StoreError::Kind::missing, src + " does not exist");
  // Read a copy: SQLite never opens the damaged file itself.
  const fs::path work = fs::path(out).parent_path() / (fs::path(out).filename().string() + ".reading");
  fs::remove_all(work, ec);
  fs::create_directories(work);
  const std::string copy = (work / "damaged.db").string();
  fs::copy_file(src, copy);
  if (fs::exists(src + "-wal", ec)) fs::copy_file(src + "-wal", copy + "-wal", ec);
  { Store fresh(out, options); }  // the current schema, empty

  RecoverSummary sum;
  Db db;
  try {
    db.h = open_database(copy, SQLITE_OPEN_READWRITE, is_plain_database(copy) ? "" : options.key, "the damaged store");
  } catch (const StoreError& e) {
    if (e.kind == StoreError::Kind::wrong_key) throw;
    throw StoreError(StoreError::Kind::corrupt, src + " cannot be read at all");
  }
  try {
    attach_database(db.h, out, "r", options.key);
  } catch (const StoreError&) {
    throw StoreError(StoreError::Kind::io, "cannot write " + out);
  }
  // Row by row in autocommit: an error on a damaged page rolls back the
  // transaction it happens in, which must not take earlier rows with it.
  // No fsync per row (a cut recovery is simply run again).
  sqlite3_exec(db.h, "PRAGMA r.synchronous = OFF", nullptr, nullptr, nullptr);
  // Complaints and events only when their JSON still reads; the rest when
  // what they point at was saved.
  sum.complaints = copy_table(db.h, "complaints", "json_valid(json)", sum.unreadable);
  sum.events = copy_table(db.h, "events", "json_valid(json) AND complaint_id IN (SELECT id FROM r.complaints)",
                          sum.unreadable);
  sum.outbox = copy_table(db.h, "outbox", "complaint_id IN (SELECT id FROM r.complaints)", sum.unreadable);
  sum.audit = copy_table(db.h, "audit", "", sum.unreadable);
  for (const char* t : {"platform_updates", "sync_state"}) sum.other += copy_table(db.h, t, "", sum.unreadable);
  // Tickets given up after a conflict stay given up (and findable by the consumer's old number).
  sum.other += copy_table(db.h, "ticket_changes", "complaint_id IN (SELECT id FROM r.complaints)", sum.unreadable);
  // A complaint whose gateway outbox item was lost goes out again: the
  // gateway answers "duplicate" for one it has, so nothing is lost or filed
  // twice. (A lost hub row is not queued again here.)
  sqlite3_exec(db.h,
               "INSERT INTO r.outbox (destination, kind, ref_id, complaint_id, created_ms) "
               "SELECT 'gateway', 'complaint', id, id, stored_ms FROM r.complaints WHERE id NOT IN "
               "(SELECT ref_id FROM r.outbox WHERE kind = 'complaint' AND destination = 'gateway')",
               nullptr, nullptr, nullptr);
  sum.requeued = sqlite3_changes(db.h);
  // Tickets (a WITHOUT ROWID table): whatever reads; the store skips numbers in use anyway.
  if (sqlite3_exec(db.h, "INSERT OR IGNORE INTO r.ticket_counters SELECT * FROM main.ticket_counters", nullptr,
                   nullptr, nullptr) != SQLITE_OK)
    ++sum.unreadable;
  sqlite3_close_v2(db.h);
  db.h = nullptr;
  fs::remove_all(work, ec);
  Store check(out, options);
  sum.audit_chain_ok = check.verify_audit().ok;
  return sum;
}

}  // namespace odr
