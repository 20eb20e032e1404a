// Opening a store and its schema. One SQLite file in WAL mode with synchronous=FULL: a
// COMMIT that returned is on the disk. Every write runs in BEGIN IMMEDIATE,
// so two processes on the same file take turns (busy timeout) instead of
// failing half-way, and a failure rolls everything back: no partial rows.
//
// Schema (current version, see kMigrations for how each table came to be):
//   complaints       one row per complaint: the full wire JSON plus the
//                    columns lists and searches need (ticket, created_ms,
//                    phone_last4, status = our local handling state,
//                    case_no, platform_status). rowid order is submit order.
//   events           one row per event, wire JSON plus complaint_id / type.
//   ticket_counters  last number handed out per (prefix, local day).
//   outbox           what still has to reach each destination (gateway,
//                    hub): one row per (destination, kind, item); the payload
//                    is the complaint's or event's JSON, or the row's own
//                    (kind 'update', forwarded to the hub).
//   audit            append-only hash chain (no personal data in it).
//   platform_updates the platform's timeline per complaint (GET /updates).
//   sync_state       key/value status shared by the kiosk and kiosk-sync.
//
// Every b-tree a submit touches is one more page image written and synced
// per commit, so the submit path carries only the indexes it needs (ids,
// ticket, outbox by state and by (destination, kind, ref_id), which took the
// place of v1's index by ref_id in v6); staff searches scan complaints,
// which at a desk's volume (tens a day) takes milliseconds. Undelivered
// outbox items are few, so "earlier undelivered events" walks outbox_state.
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sqlite/open.h"
#include "store_internal.h"
#include "util/time.h"

namespace odr {

namespace {

constexpr int kSchemaVersion = 8;
constexpr int kApplicationId = 0x4F445231;  // "ODR1": marks the file as ours

// Schema history: kMigrations[n] takes a file from version n to n+1, in one
// transaction. Never edit a step that has shipped; append a new one.
const char* const kMigrations[] = {
    // v1: complaints, events, tickets, outbox, audit.
    R"sql(
PRAGMA application_id = 1329877553;
CREATE TABLE complaints (
  id          TEXT PRIMARY KEY,
  ticket      TEXT NOT NULL UNIQUE,
  kiosk_id    TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  created_ms  INTEGER NOT NULL,
  phone_last4 TEXT NOT NULL DEFAULT '',
  status      TEXT NOT NULL DEFAULT 'new',
  case_no     TEXT NOT NULL DEFAULT '',
  purged      INTEGER NOT NULL DEFAULT 0,
  json        TEXT NOT NULL
);
CREATE TABLE events (
  id           TEXT PRIMARY KEY,
  complaint_id TEXT NOT NULL REFERENCES complaints(id),
  type         TEXT NOT NULL,
  at           TEXT NOT NULL,
  at_ms        INTEGER NOT NULL,
  staff_id     TEXT NOT NULL DEFAULT '',
  json         TEXT NOT NULL
);
CREATE INDEX events_complaint ON events(complaint_id, at_ms);
CREATE TABLE ticket_counters (
  prefix TEXT NOT NULL,
  day    TEXT NOT NULL,
  last   INTEGER NOT NULL,
  PRIMARY KEY (prefix, day)
) WITHOUT ROWID;
CREATE TABLE outbox (
  seq            INTEGER PRIMARY KEY,
  kind           TEXT NOT NULL CHECK (kind IN ('complaint', 'event')),
  ref_id         TEXT NOT NULL,
  complaint_id   TEXT NOT NULL REFERENCES complaints(id),
  state          TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'in_flight', 'delivered', 'held')),
  attempts       INTEGER NOT NULL DEFAULT 0,
  not_before_ms  INTEGER NOT NULL DEFAULT 0,
  lease_owner    TEXT NOT NULL DEFAULT '',
  lease_until_ms INTEGER NOT NULL DEFAULT 0,
  case_no        TEXT NOT NULL DEFAULT '',
  last_error     TEXT NOT NULL DEFAULT '',
  created_ms     INTEGER NOT NULL,
  delivered_ms   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_state ON outbox(state, kind, seq);
CREATE INDEX outbox_ref ON outbox(ref_id);
CREATE TABLE audit (
  seq       INTEGER PRIMARY KEY,
  at_ms     INTEGER NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  detail    TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
);
)sql",
    // v2: what the platform did with each complaint (its timeline).
    R"sql(
CREATE TABLE platform_updates (
  id           INTEGER PRIMARY KEY,
  complaint_id TEXT NOT NULL REFERENCES complaints(id),
  case_no      TEXT NOT NULL DEFAULT '',
  status       TEXT NOT NULL,
  at           TEXT NOT NULL,
  at_ms        INTEGER NOT NULL,
  note         TEXT NOT NULL DEFAULT '',
  received_ms  INTEGER NOT NULL,
  UNIQUE (complaint_id, status, at, note)
);
CREATE INDEX platform_updates_complaint ON platform_updates(complaint_id, at_ms);
ALTER TABLE complaints ADD COLUMN platform_status TEXT NOT NULL DEFAULT '';
ALTER TABLE complaints ADD COLUMN platform_at_ms INTEGER NOT NULL DEFAULT 0;
)sql",
    // v3: shared sync status (cursor, last contact, ...), and the audit log
    // refuses UPDATE and DELETE (the hash chain catches whoever drops these).
    R"sql(
CREATE TABLE sync_state (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql",
    // v4: an imported complaint carries its import line's key in its own row
    // (filed exactly once: row and key in one transaction; v3 kept the key in
    // sync_state, written after the complaint), and stored_ms is when this
    // kiosk stored it (retention runs from there, not from the created_at a
    // file may claim). The partial index leaves the kiosk's own submits alone.
    R"sql(
ALTER TABLE complaints ADD COLUMN import_key TEXT;
ALTER TABLE complaints ADD COLUMN stored_ms INTEGER NOT NULL DEFAULT 0;
UPDATE complaints SET stored_ms = coalesce(
  (SELECT min(o.created_ms) FROM outbox o WHERE o.kind = 'complaint' AND o.ref_id = complaints.id), created_ms);
UPDATE complaints SET import_key = (
  SELECT substr(s.key, 13) FROM sync_state s WHERE s.key LIKE 'import.line.%' AND s.value = complaints.ticket LIMIT 1);
DELETE FROM sync_state WHERE key LIKE 'import.line.%';
CREATE UNIQUE INDEX complaints_import_key ON complaints(import_key) WHERE import_key IS NOT NULL;
)sql",
    // v5: a complaint the gateway refused with ticket_conflict gets a new
    // ticket (Store::reticket); each change is kept for staff to tell the
    // consumer, and an old ticket is never handed out again.
    R"sql(
CREATE TABLE ticket_changes (
  id              INTEGER PRIMARY KEY,
  complaint_id    TEXT NOT NULL REFERENCES complaints(id),
  old_ticket      TEXT NOT NULL,
  new_ticket      TEXT NOT NULL,
  reason          TEXT NOT NULL,
  at_ms           INTEGER NOT NULL,
  acknowledged_ms INTEGER NOT NULL DEFAULT 0,
  acknowledged_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ticket_changes_complaint ON ticket_changes(complaint_id);
CREATE INDEX ticket_changes_old ON ticket_changes(old_ticket);
)sql",
    // v6: more than one destination (the gateway, the chain's hub). Each
    // destination has its own outbox row per item, unique per (destination,
    // kind, ref_id) (that index also serves the lookups by ref_id, so v1's
    // outbox_ref goes); existing rows are the gateway's. The new kind 'update'
    // (a case number or platform update forwarded to the hub) carries its
    // own payload. SQLite cannot change a CHECK: the table is rebuilt.
    R"sql(
CREATE TABLE outbox_v6 (
  seq            INTEGER PRIMARY KEY,
  destination    TEXT NOT NULL DEFAULT 'gateway',
  kind           TEXT NOT NULL CHECK (kind IN ('complaint', 'event', 'update')),
  ref_id         TEXT NOT NULL,
  complaint_id   TEXT NOT NULL REFERENCES complaints(id),
  state          TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'in_flight', 'delivered', 'held')),
  attempts       INTEGER NOT NULL DEFAULT 0,
  not_before_ms  INTEGER NOT NULL DEFAULT 0,
  lease_owner    TEXT NOT NULL DEFAULT '',
  lease_until_ms INTEGER NOT NULL DEFAULT 0,
  case_no        TEXT NOT NULL DEFAULT '',
  last_error     TEXT NOT NULL DEFAULT '',
  created_ms     INTEGER NOT NULL,
  delivered_ms   INTEGER NOT NULL DEFAULT 0,
  payload        TEXT NOT NULL DEFAULT ''
);
INSERT INTO outbox_v6 (seq, kind, ref_id, complaint_id, state, attempts, not_before_ms, lease_owner, lease_until_ms,
                       case_no, last_error, created_ms, delivered_ms)
  SELECT seq, kind, ref_id, complaint_id, state, attempts, not_before_ms, lease_owner, lease_until_ms,
         case_no, last_error, created_ms, delivered_ms FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v6 RENAME TO outbox;
CREATE INDEX outbox_state ON outbox(destination, state, kind, seq);
CREATE UNIQUE INDEX outbox_item ON outbox(destination, kind, ref_id);
)sql",
    // v7: a held item says when it was held and why in a word (outbox.h
    // held_code), for the hub's heartbeat; items held before say neither.
    R"sql(
ALTER TABLE outbox ADD COLUMN held_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN held_code TEXT NOT NULL DEFAULT '';
)sql",
    // v8: how many times an item was in flight when its sender died before
    // an answer (its lease ran out): its next batches are smaller (Store::claim).
    R"sql(
ALTER TABLE outbox ADD COLUMN unanswered INTEGER NOT NULL DEFAULT 0;
)sql",
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == kSchemaVersion);

// The file holds names and phone numbers: its owner's alone, whatever the
// umask. SQLite gives the -wal and -shm files the database file's mode, so
// the file is made 0600 before SQLite opens it: created so when new, group
// and other bits taken off one an older version left 0644 (owner bits stay:
// a read-only file stays read-only and is reported so).
void make_private(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
      ::fchmod(fd, 0600);
      ::close(fd);
    }
    return;  // a missing folder is SQLite's to report
  }
  for (const std::string& p : {path, path + "-wal", path + "-shm"})
    if (::stat(p.c_str(), &st) == 0 && (st.st_mode & 077) != 0 && st.st_uid == ::geteuid())
      ::chmod(p.c_str(), st.st_mode & 0700);
}

}  // namespace

std::string damaged_message(const std::string& path, const std::string& problem) {
  return "the complaint store file " + path + " is damaged (" + problem +
         "); it was left as it is and nothing is written to it. Tell the kiosk's technician; "
         "`kiosk-sync recover OUT` copies everything still readable into a new store OUT";
}

int Store::schema_version() { return kSchemaVersion; }
Store::Store(const std::string& path, StoreOptions options) : options_(std::move(options)), path_(path) {
  if (!is_valid_kiosk_id(options_.kiosk_id))
    throw StoreError(StoreError::Kind::invalid, "kiosk_id must be 1 to 64 of A-Z a-z 0-9 - _",
                     {{"kiosk_id", err::bad_id}});
  if (!is_valid_ticket_prefix(options_.ticket_prefix))
    throw StoreError(StoreError::Kind::invalid, "ticket_prefix must be 1 to 4 of A-Z 0-9", {{"ticket", err::bad_id}});

  bool has_gateway = false;
  for (const std::string& d : options_.destinations) {
    if (!is_known_destination(d)) throw StoreError(StoreError::Kind::invalid, "unknown outbox destination: " + d);
    has_gateway = has_gateway || d == kGatewayDestination;
  }
  if (!has_gateway) throw StoreError(StoreError::Kind::invalid, "the outbox destinations must include the gateway");

  refuse_if_missing();
  make_private(path);
  if (!options_.key.empty() && is_plain_database(path)) encrypt_plain_database(path, options_.key, "the complaint store");
  check_before_writing();
  db_ = open_store(SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  try {
    stmts_ = std::make_unique<Statements>(db_);
    set_up_connection();
    migrate();
    backfill_destinations();
    write_marker();
  } catch (...) {
    stmts_.reset();
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw;
  }
}

sqlite3* Store::open_store(int flags) {
  try {
    return open_database(path_, flags, options_.key, "the complaint store");
  } catch (const StoreError& e) {
    // Cannot open: a missing folder is a setup mistake, an unwritable one is read_only.
    std::string dir = path_.find('/') == std::string::npos ? "." : path_.substr(0, path_.rfind('/') + 1);
    struct stat st {};
    if (e.kind == StoreError::Kind::read_only && (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)))
      throw StoreError(StoreError::Kind::io, "the folder of the complaint store does not exist: " + dir);
    throw;
  }
}

Store::~Store() {
  stmts_.reset();
  if (db_) sqlite3_close_v2(db_);
}

// Everything that could find the file damaged, foreign or too new runs on a
// read-only connection first: nothing is written before all of it passed, and
// closing it after a failed check cannot fold a left-over WAL into the file
// (a read-only connection never checkpoints).
//
// But a hot rollback journal can only be rolled back by a writer: a read-only
// connection is refused (SQLITE_READONLY_ROLLBACK). One is left when a
// process is killed while it makes the file, in the first write that turns
// WAL mode on (the only write in rollback mode: the store is WAL from then
// on). Rolling it back is SQLite's own recovery and puts the file back as it
// was before that write, so then the checks run on a read-write connection.
void Store::check_before_writing() {
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0 || st.st_size == 0) return;  // new: nothing to check
  const bool hot_journal = ::stat((path_ + "-journal").c_str(), &st) == 0 && st.st_size > 0;
  db_ = open_store(hot_journal ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY);
  try {
    sqlite3_busy_timeout(db_, options_.busy_timeout_ms);
    check_file();
  } catch (...) {
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw;
  }
  sqlite3_close_v2(db_);
  db_ = nullptr;
}

void Store::check_file() {
  int version = 0;
  try {
    version = pragma_int(db_, "PRAGMA user_version");
  } catch (const StoreError& e) {
    if (e.kind == StoreError::Kind::corrupt)
      throw StoreError(StoreError::Kind::corrupt, "the complaint store file is damaged or not a database; it was left as it is");
    throw;
  }
  if (version > kSchemaVersion)
    throw StoreError(StoreError::Kind::too_new,
                     "the complaint store was made by a newer version of this program (schema " +
                         std::to_string(version) + ", this program knows up to " + std::to_string(kSchemaVersion) +
                         "); it was left as it is: install the newer version");
  if (version > 0 && pragma_int(db_, "PRAGMA application_id") != kApplicationId)
    throw StoreError(StoreError::Kind::corrupt, "the file is an SQLite database of another program, not a complaint store; it was left as it is");
  if (version == 0 && pragma_int(db_, "SELECT count(*) FROM sqlite_master") > 0)
    throw StoreError(StoreError::Kind::corrupt, "the file is an SQLite database of another program, not a complaint store; it was left as it is");
  if (version > 0) {
    std::string problem = integrity_problem();
    if (!problem.empty()) throw StoreError(StoreError::Kind::corrupt, damaged_message(path_, problem));
  }
}

// The writing connection, after the checks passed.
void Store::set_up_connection() {
  sqlite3_busy_timeout(db_, options_.busy_timeout_ms);
  if (sqlite3_db_readonly(db_, "main") == 1)
    throw StoreError(StoreError::Kind::read_only,
                     "the complaint store file cannot be written (read-only); nothing can be saved: " + path_);
  std::string mode = pragma_text(db_, "PRAGMA journal_mode = WAL");
  if (mode != "wal") throw StoreError(StoreError::Kind::io, "the complaint store cannot use WAL mode (got " + mode + ")");
  exec(db_, "PRAGMA synchronous = FULL");  // a returned commit survives a power cut
  exec(db_, "PRAGMA foreign_keys = ON");
  exec(db_, "PRAGMA secure_delete = ON");  // purged personal data does not linger in free pages
  exec(db_, "PRAGMA temp_store = MEMORY");  // sorts and temp tables never reach a file unencrypted
}

// The full check, not quick_check: quick_check does not compare indexes with
// their tables, so a flipped byte in an index passed it and the file was
// written to. Rows SQLite cannot judge (JSON text) are not the file's damage:
// see unreadable_rows (a product decision: the desk must keep taking
// complaints). Cost on a 10,000-complaint store: see tests/bench/store.
std::string Store::integrity_problem() {
  std::string problem;
  try {
    std::string check = pragma_text(db_, "PRAGMA integrity_check(1)");
    if (check != "ok") {
      problem = check;
      if (problem.rfind("*** in database main ***", 0) == 0) problem.erase(0, 24);
      for (char& ch : problem)
        if (ch == '\n') ch = ' ';
      while (!problem.empty() && problem.front() == ' ') problem.erase(0, 1);
    }
  } catch (const StoreError& e) {
    if (e.kind == StoreError::Kind::busy) throw;
    problem = "unreadable";
  }
  if (!problem.empty()) {
    damaged_ = true;
    sqlite3_exec(db_, "PRAGMA query_only = 1", nullptr, nullptr, nullptr);  // a second guard under check_writable
  }
  return problem;
}

UnreadableRows Store::unreadable_rows() {
  UnreadableRows u;
  u.complaints = pragma_int(db_, "SELECT count(*) FROM complaints WHERE NOT json_valid(json)");
  u.events = pragma_int(db_, "SELECT count(*) FROM events WHERE NOT json_valid(json)");
  return u;
}

void Store::check_writable() const {
  if (damaged_) throw StoreError(StoreError::Kind::corrupt, damaged_message(path_, "found by the last check"));
}

std::string Store::marker_path(const std::string& path) { return path + ".id"; }

// The file is gone, or empty (and no WAL holds its first commits), where a
// store was: complaints may be lost. Starting afresh would hide that.
void Store::refuse_if_missing() const {
  const std::string marker = marker_path(path_);
  struct stat st {};
  if (::stat(marker.c_str(), &st) != 0) return;  // no store here before
  struct stat db {}, wal {};
  const bool there = ::stat(path_.c_str(), &db) == 0;
  const bool wal_has_data = ::stat((path_ + "-wal").c_str(), &wal) == 0 && wal.st_size > 0;
  if (there && (db.st_size > 0 || wal_has_data)) return;
  throw StoreError(StoreError::Kind::missing,
                   "the complaint store " + path_ + " is missing or empty, but this kiosk had one (" + marker +
                       "): complaints may have been lost. Restore the file from a backup; only if starting with an "
                       "empty store is intended, delete " + marker);
}

// Written once, when a store first opens soundly (new or from before markers).
void Store::write_marker() const {
  const std::string marker = marker_path(path_);
  int fd = ::open(marker.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return;  // there already (or the folder refuses: the store itself works)
  std::string text = "odr-kiosk complaint store " + path_ + "\ncreated " + format_rfc3339(now_ms() / 1000) + "\n";
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) ::unlink(marker.c_str());
}

void Store::migrate() {
  // A store at the current version is only read here: no write lock, so a
  // read-only command (status, audit verify) opens while another process
  // writes. WAL readers never wait for the writer.
  if (pragma_int(db_, "PRAGMA user_version") == kSchemaVersion) return;
  for (;;) {
    Tx tx(db_);
    // Read again inside the transaction: another process may have migrated.
    int version = pragma_int(db_, "PRAGMA user_version");
    if (version > kSchemaVersion)
      throw StoreError(StoreError::Kind::too_new, "the complaint store was upgraded by a newer version meanwhile");
    if (version == kSchemaVersion) {
      tx.commit();
      return;
    }
    exec(db_, kMigrations[version]);
    std::string set = "PRAGMA user_version = " + std::to_string(version + 1);
    exec(db_, set.c_str());
    tx.commit();
  }
}
}  // namespace odr
