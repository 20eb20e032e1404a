// The local store. One SQLite file in WAL mode with synchronous=FULL: a
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
//   outbox           what still has to reach the platform; payload is the
//                    complaint's or event's JSON.
//   audit            append-only hash chain (no personal data in it).
//   platform_updates the platform's timeline per complaint (GET /updates).
//   sync_state       key/value status shared by the kiosk and kiosk-sync.
//
// Every b-tree a submit touches is one more page image written and synced
// per commit, so the submit path carries only the indexes it needs (ids,
// ticket, outbox by state and by ref_id); staff searches scan complaints,
// which at a desk's volume (tens a day) takes milliseconds. Undelivered
// outbox items are few, so "earlier undelivered events" walks outbox_state.
#include "store.h"

#include <sqlite3.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "model/json.h"
#include "model/personal.h"
#include "sqlite/sqlite.h"
#include "util/crypto.h"
#include "util/time.h"
#include "util/uuid.h"

namespace odr {

namespace {

constexpr int kSchemaVersion = 5;
constexpr int kApplicationId = 0x4F445231;  // "ODR1": marks the file as ours
const std::string kZeroHash(64, '0');       // prev_hash of the first audit record

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
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == kSchemaVersion);

// The hashed content of an audit record: every field length-prefixed, so no
// two different records hash the same text.
std::string audit_hash(const std::string& prev_hash, int64_t seq, int64_t at_ms, std::string_view actor,
                       std::string_view action, std::string_view detail) {
  std::string content = prev_hash;
  content += '\n' + std::to_string(seq) + '\n' + std::to_string(at_ms);
  for (std::string_view part : {actor, action, detail}) {
    content += '\n' + std::to_string(part.size()) + ':';
    content.append(part);
  }
  return sha256_hex(content);
}

// The audit log must never hold personal data. Callers log ids and tickets;
// as a last guard, anything shaped like a mainland mobile number is masked.
std::string scrub(std::string_view detail) {
  std::string out(detail);
  size_t i = 0;
  while (i < out.size()) {
    if (out[i] < '0' || out[i] > '9') {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < out.size() && out[j] >= '0' && out[j] <= '9') ++j;
    if (j - i == 11 && is_valid_mobile(out.substr(i, 11))) out.replace(i + 3, 4, "****");
    i = j;
  }
  return out;
}

// The end of the audit chain, read once per transaction by an AuditAppender.
struct AuditTail {
  int64_t seq = 0;
  std::string hash = kZeroHash;
};

AuditTail audit_tail(sqlite3* db, StatementCache& cache) {
  AuditTail t;
  Stmt last(db, cache, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
  if (last.step()) {
    t.seq = last.i64(0);
    t.hash = last.text(1);
  }
  return t;
}

// Appends records inside a BEGIN IMMEDIATE transaction (so nobody else can
// append meanwhile): the chain's end is read once, then carried along.
class AuditAppender {
 public:
  AuditAppender(sqlite3* db, StatementCache& cache) : db_(db), cache_(cache), tail_(audit_tail(db, cache)) {}
  void append(int64_t now_ms, std::string_view actor, std::string_view action, std::string_view detail) {
    const int64_t seq = tail_.seq + 1;
    std::string clean = scrub(detail);
    std::string hash = audit_hash(tail_.hash, seq, now_ms, actor, action, clean);
    Stmt ins(db_, cache_,
             "INSERT INTO audit (seq, at_ms, actor, action, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, seq).bind(2, now_ms).bind(3, actor).bind(4, action).bind(5, clean).bind(6, tail_.hash).bind(7, hash).run();
    tail_.seq = seq;
    tail_.hash = std::move(hash);
  }

 private:
  sqlite3* db_;
  StatementCache& cache_;
  AuditTail tail_;
};

void append_audit_in_tx(sqlite3* db, StatementCache& cache, int64_t now_ms, std::string_view actor,
                        std::string_view action, std::string_view detail) {
  AuditAppender(db, cache).append(now_ms, actor, action, detail);
}

std::string invalid_summary(const char* what, const std::vector<FieldError>& errors) {
  std::string msg = std::string(what) + " not saved: ";
  for (size_t i = 0; i < errors.size(); ++i) msg += (i ? ", " : "") + errors[i].field + " " + errors[i].code;
  return msg;
}

// PREFIX-YYMMDD-NNNN: short enough to read aloud at the desk.
std::string format_ticket(const std::string& prefix, const std::string& day, int64_t n) {
  char num[24];
  std::snprintf(num, sizeof num, "%04lld", static_cast<long long>(n));
  return prefix + "-" + day.substr(2, 2) + day.substr(5, 2) + day.substr(8, 2) + "-" + num;
}

// A ticket of this store's shape back into its counter's day (YYYY-MM-DD)
// and number: "A01-261128-0042" -> ("2026-11-28", 42). nullopt for any other shape.
struct TicketParts {
  std::string day;
  int64_t n = 0;
};
std::optional<TicketParts> parse_ticket(std::string_view t, const std::string& prefix) {
  if (t.size() < prefix.size() + 12 || t.substr(0, prefix.size()) != prefix || t[prefix.size()] != '-') return std::nullopt;
  std::string_view d = t.substr(prefix.size() + 1, 6), num = t.substr(prefix.size() + 8);
  if (t[prefix.size() + 7] != '-' || num.size() < 4 || num.size() > 9) return std::nullopt;
  for (std::string_view part : {d, num})
    for (char ch : part)
      if (ch < '0' || ch > '9') return std::nullopt;
  TicketParts p;
  p.day = "20" + std::string(d.substr(0, 2)) + "-" + std::string(d.substr(2, 2)) + "-" + std::string(d.substr(4, 2));
  p.n = std::stoll(std::string(num));
  return p;
}

// On the books already: a complaint holds it, or it was given up after a
// ticket_conflict (the platform holds it for another complaint).
bool ticket_taken(sqlite3* db, StatementCache& sc, const std::string& ticket) {
  Stmt q(db, sc,
         "SELECT EXISTS (SELECT 1 FROM complaints WHERE ticket = ?1) "
         "OR EXISTS (SELECT 1 FROM ticket_changes WHERE old_ticket = ?1)");
  q.bind(1, ticket);
  return q.step() && q.i64(0) != 0;
}

// The counter of (prefix, day) is at least n afterwards.
void raise_ticket_counter(sqlite3* db, StatementCache& sc, const std::string& prefix, const std::string& day, int64_t n) {
  Stmt up(db, sc,
          "INSERT INTO ticket_counters (prefix, day, last) VALUES (?, ?, ?) "
          "ON CONFLICT (prefix, day) DO UPDATE SET last = max(last, excluded.last)");
  up.bind(1, prefix).bind(2, day).bind(3, n).run();
}

// Inside a transaction: the next free ticket of (prefix, day), first trying
// the counter + step. Never one that is on the books (a file restored from a
// backup with older counters, a ticket given up after a conflict).
std::string allocate_ticket(sqlite3* db, StatementCache& sc, const std::string& prefix, const std::string& day,
                            int64_t step) {
  for (;;) {
    int64_t n = 0;
    {
      Stmt next(db, sc,
                "INSERT INTO ticket_counters (prefix, day, last) VALUES (?1, ?2, ?3) "
                "ON CONFLICT (prefix, day) DO UPDATE SET last = last + ?3 RETURNING last");
      next.bind(1, prefix).bind(2, day).bind(3, step);
      if (next.step()) n = next.i64(0);
      next.run();
    }
    std::string ticket = format_ticket(prefix, day, n);
    if (!ticket_taken(db, sc, ticket)) return ticket;
    step = 1;
  }
}

// Our handling state of a complaint, as the staff list shows it.
const char* local_status_after(const std::string& event_type) {
  if (event_type == "first_response") return "in_progress";
  if (event_type == "settled") return "settled";
  if (event_type == "not_settled") return "not_settled";
  if (event_type == "withdrawn") return "withdrawn";
  return nullptr;  // compensation_prepaid, satisfaction: no change
}

OutboxState state_from(const std::string& s) {
  if (s == "in_flight") return OutboxState::in_flight;
  if (s == "delivered") return OutboxState::delivered;
  if (s == "held") return OutboxState::held;
  return OutboxState::pending;
}

#define OUTBOX_COLUMNS                                                                                             \
  "o.seq, o.kind, o.ref_id, o.complaint_id, COALESCE(c.json, e.json, ''), o.state, o.attempts, o.not_before_ms, " \
  "o.lease_owner, o.lease_until_ms, o.case_no, o.last_error FROM outbox o "                                       \
  "LEFT JOIN complaints c ON o.kind = 'complaint' AND c.id = o.ref_id "                                           \
  "LEFT JOIN events e ON o.kind = 'event' AND e.id = o.ref_id "

OutboxItem read_item(Stmt& q) {
  OutboxItem it;
  it.seq = q.i64(0);
  it.kind = q.text(1) == "event" ? OutboxKind::event : OutboxKind::complaint;
  it.ref_id = q.text(2);
  it.complaint_id = q.text(3);
  it.payload = q.text(4);
  it.state = state_from(q.text(5));
  it.attempts = static_cast<int>(q.i64(6));
  it.not_before_ms = q.i64(7);
  it.lease_owner = q.text(8);
  it.lease_until_ms = q.i64(9);
  it.case_no = q.text(10);
  it.last_error = q.text(11);
  return it;
}

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

std::string damaged_message(const std::string& path, const std::string& problem) {
  return "the complaint store file " + path + " is damaged (" + problem +
         "); it was left as it is and nothing is written to it. Tell the kiosk's technician; "
         "`kiosk-sync recover OUT` copies everything still readable into a new store OUT";
}

std::optional<Complaint> parse_complaint(const std::string& text) {
  Complaint c;
  std::string why;
  nlohmann::json j = parse_untrusted_json(text, &why);
  if (j.is_discarded())
    throw StoreError(StoreError::Kind::corrupt, "a stored complaint cannot be read: " + why);
  try {
    from_json(j, c);
  } catch (const nlohmann::json::exception& e) {
    throw StoreError(StoreError::Kind::corrupt, std::string("a stored complaint cannot be read: ") + e.what());
  }
  return c;
}

}  // namespace

struct Store::Statements {
  explicit Statements(sqlite3* db) : cache(db) {}
  StatementCache cache;
};

const char* to_string(OutboxKind k) { return k == OutboxKind::event ? "event" : "complaint"; }

const char* to_string(OutboxState s) {
  switch (s) {
    case OutboxState::in_flight: return "in_flight";
    case OutboxState::delivered: return "delivered";
    case OutboxState::held: return "held";
    default: return "pending";
  }
}

int Store::schema_version() { return kSchemaVersion; }

int64_t Store::now_ms() const { return options_.clock_ms ? options_.clock_ms() : now_unix_ms(); }

Store::Store(const std::string& path, StoreOptions options) : options_(std::move(options)), path_(path) {
  if (!is_valid_kiosk_id(options_.kiosk_id))
    throw StoreError(StoreError::Kind::invalid, "kiosk_id must be 1 to 64 of A-Z a-z 0-9 - _",
                     {{"kiosk_id", err::bad_id}});
  if (!is_valid_ticket_prefix(options_.ticket_prefix))
    throw StoreError(StoreError::Kind::invalid, "ticket_prefix must be 1 to 4 of A-Z 0-9", {{"ticket", err::bad_id}});

  refuse_if_missing();
  make_private(path);
  int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = sqlite3_errstr(rc);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    // Cannot open: a missing folder is a setup mistake, an unwritable one is read_only.
    std::string dir = path.find('/') == std::string::npos ? "." : path.substr(0, path.rfind('/') + 1);
    struct stat st {};
    if (rc == SQLITE_CANTOPEN && (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)))
      throw StoreError(StoreError::Kind::io, "the folder of the complaint store does not exist: " + dir);
    throw StoreError(kind_of(rc), std::string(what_it_means(kind_of(rc))) + " (open " + path + ": " + msg + ")");
  }
  try {
    stmts_ = std::make_unique<Statements>(db_);
    open_checked();
    migrate();
    write_marker();
  } catch (...) {
    stmts_.reset();
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw;
  }
}

Store::~Store() {
  stmts_.reset();
  if (db_) sqlite3_close_v2(db_);
}

// Everything that could find the file damaged, foreign or too new is read
// only: nothing is written before all of it passed.
void Store::open_checked() {
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, options_.busy_timeout_ms);
  // Closing after a failed check must not fold a left-over WAL into the file.
  sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);

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
  if (sqlite3_db_readonly(db_, "main") == 1)
    throw StoreError(StoreError::Kind::read_only,
                     "the complaint store file cannot be written (read-only); nothing can be saved: " + path_);

  std::string mode = pragma_text(db_, "PRAGMA journal_mode = WAL");
  if (mode != "wal") throw StoreError(StoreError::Kind::io, "the complaint store cannot use WAL mode (got " + mode + ")");
  exec(db_, "PRAGMA synchronous = FULL");  // a returned commit survives a power cut
  exec(db_, "PRAGMA foreign_keys = ON");
  exec(db_, "PRAGMA secure_delete = ON");  // purged personal data does not linger in free pages
  sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, nullptr);
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

namespace {
// This function's copies of a complaint's personal data are overwritten on the
// way out (saved or not), so freed heap memory does not keep them; the kiosk
// wipes its own buffers.
struct PersonalDataWiper {
  Complaint& c;
  std::string& payload;
  ~PersonalDataWiper() {
    for (std::string* s : personal_fields(c)) wipe(*s);
    wipe(payload);
  }
};
}  // namespace

std::optional<std::string> Store::imported_ticket(std::string_view import_key) {
  Stmt q(db_, stmts_->cache, "SELECT ticket FROM complaints WHERE import_key = ?");
  q.bind(1, import_key);
  if (!q.step()) return std::nullopt;
  return q.text(0);
}

SubmitResult Store::submit_complaint(Complaint c, std::string_view import_key) {
  // Filed before under this key: nothing to check or write (a re-run of an
  // import may meet a line that today's rules would word differently).
  if (!import_key.empty())
    if (std::optional<std::string> t = imported_ticket(import_key)) return {"", *t, true};
  std::string payload;
  PersonalDataWiper wiper{c, payload};
  const int64_t now = now_ms();
  const int64_t now_s = now / 1000;
  int64_t created_ms = now;
  if (c.kiosk_id.empty()) c.kiosk_id = options_.kiosk_id;
  if (c.created_at.empty()) c.created_at = format_rfc3339(now_s, options_.tz_offset_minutes);
  else if (auto t = parse_rfc3339(c.created_at)) created_ms = *t * 1000;
  if (c.id.empty()) c.id = uuid_v7(now);

  ValidationContext ctx;
  ctx.now_unix_s = now_s;
  ctx.tz_offset_minutes = options_.tz_offset_minutes;
  ctx.category_codes = options_.category_codes;
  ctx.kiosk_clock = true;
  std::vector<FieldError> errors = validate_complaint(c, ctx, false);
  if (!errors.empty()) throw StoreError(StoreError::Kind::invalid, invalid_summary("complaint", errors), errors);

  StatementCache& sc = stmts_->cache;
  check_writable();
  Tx tx(db_);
  {
    // Submitting the same id again (a retry after an error) gives the same ticket.
    std::optional<std::string> existing;
    {
      Stmt q(db_, sc, "SELECT ticket FROM complaints WHERE id = ?");
      q.bind(1, c.id);
      if (q.step()) existing = q.text(0);
    }
    if (existing) {
      tx.commit();
      return {c.id, *existing};
    }
    // Another process importing the same file got there first.
    if (!import_key.empty())
      if (std::optional<std::string> t = imported_ticket(import_key)) {
        tx.commit();
        return {"", *t, true};
      }
  }
  if (c.ticket.empty()) {
    c.ticket = allocate_ticket(db_, sc, options_.ticket_prefix, local_date(now_s, options_.tz_offset_minutes), 1);
  } else if (ticket_taken(db_, sc, c.ticket)) {
    throw StoreError(StoreError::Kind::invalid, "complaint not saved: ticket already used", {{"ticket", err::bad_id}});
  }

  payload = nlohmann::json(c).dump();
  const std::string& phone = c.consumer.phone;
  Stmt ins(db_, sc,
           "INSERT INTO complaints (id, ticket, kiosk_id, created_at, created_ms, phone_last4, json, stored_ms, "
           "import_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  ins.bind(1, c.id)
      .bind(2, c.ticket)
      .bind(3, c.kiosk_id)
      .bind(4, c.created_at)
      .bind(5, created_ms)
      .bind(6, phone.size() >= 4 ? phone.substr(phone.size() - 4) : phone)
      .bind(7, payload)
      .bind(8, now);
  if (import_key.empty()) ins.bind_null(9);
  else ins.bind(9, import_key);
  ins.run();
  Stmt out(db_, sc, "INSERT INTO outbox (kind, ref_id, complaint_id, created_ms) VALUES ('complaint', ?, ?, ?)");
  out.bind(1, c.id).bind(2, c.id).bind(3, now).run();
  append_audit_in_tx(db_, sc, now, c.channel == "staff_assisted" ? "staff" : "consumer", "complaint.submit",
                     "id=" + c.id + " ticket=" + c.ticket);
  tx.commit();
  return {c.id, c.ticket};
}

std::string Store::record_event(Event e, std::string_view audit_actor) {
  const int64_t now = now_ms();
  if (e.id.empty()) e.id = uuid_v7(now);
  if (e.at.empty()) e.at = format_rfc3339(now / 1000, options_.tz_offset_minutes);
  ValidationContext ctx;
  ctx.now_unix_s = now / 1000;
  ctx.tz_offset_minutes = options_.tz_offset_minutes;
  std::vector<FieldError> errors = validate_event(e, ctx, false);
  if (!errors.empty()) throw StoreError(StoreError::Kind::invalid, invalid_summary("event", errors), errors);
  const int64_t at_ms = parse_rfc3339(e.at).value_or(now / 1000) * 1000;

  StatementCache& sc = stmts_->cache;
  check_writable();
  Tx tx(db_);
  bool exists = false;
  {
    Stmt q(db_, sc, "SELECT 1 FROM events WHERE id = ?");
    q.bind(1, e.id);
    exists = q.step();
  }
  if (exists) {
    tx.commit();
    return e.id;
  }
  std::string ticket;
  {
    Stmt q(db_, sc, "SELECT ticket FROM complaints WHERE id = ?");
    q.bind(1, e.complaint_id);
    if (!q.step()) throw StoreError(StoreError::Kind::not_found, "event not saved: no such complaint " + e.complaint_id);
    ticket = q.text(0);
  }
  nlohmann::json j = e;
  Stmt ins(db_, sc,
           "INSERT INTO events (id, complaint_id, type, at, at_ms, staff_id, json) VALUES (?, ?, ?, ?, ?, ?, ?)");
  ins.bind(1, e.id).bind(2, e.complaint_id).bind(3, e.type).bind(4, e.at).bind(5, at_ms).bind(6, e.staff_id)
      .bind(7, j.dump())
      .run();
  Stmt out(db_, sc, "INSERT INTO outbox (kind, ref_id, complaint_id, created_ms) VALUES ('event', ?, ?, ?)");
  out.bind(1, e.id).bind(2, e.complaint_id).bind(3, now).run();
  if (const char* status = local_status_after(e.type)) {
    Stmt up(db_, sc, "UPDATE complaints SET status = ? WHERE id = ?");
    up.bind(1, status).bind(2, e.complaint_id).run();
  }
  std::string actor = !audit_actor.empty() ? std::string(audit_actor)
                      : !e.staff_id.empty() ? "staff:" + e.staff_id
                                            : std::string("consumer");
  append_audit_in_tx(db_, sc, now, actor, "event." + e.type,
                     "id=" + e.id + " complaint=" + e.complaint_id + " ticket=" + ticket);
  tx.commit();
  return e.id;
}

namespace {
// Claimed items (seqs as a JSON array) whose stored JSON cannot be read are
// held, not sent: a damaged row would make the whole batch body malformed.
size_t hold_unreadable_in_tx(sqlite3* db, StatementCache& sc, int64_t now, const std::string& seq_list) {
  std::vector<std::string> held;
  {
    Stmt up(db, sc,
            "UPDATE outbox SET state = 'held', lease_owner = '', lease_until_ms = 0, "
            "last_error = 'unreadable in the local store (damaged JSON): not sent' "
            "WHERE seq IN (SELECT value FROM json_each(?1)) AND NOT json_valid(COALESCE("
            "  (SELECT c.json FROM complaints c WHERE outbox.kind = 'complaint' AND c.id = outbox.ref_id), "
            "  (SELECT e.json FROM events e WHERE outbox.kind = 'event' AND e.id = outbox.ref_id), '')) "
            "RETURNING seq, kind, ref_id");
    up.bind(1, seq_list);
    while (up.step()) held.push_back("seq=" + std::to_string(up.i64(0)) + " " + up.text(1) + "=" + up.text(2));
  }
  if (held.empty()) return 0;
  AuditAppender audit(db, sc);
  for (const std::string& d : held) audit.append(now, "sync", "outbox.held", d + " reason=unreadable");
  return held.size();
}
}  // namespace

std::vector<OutboxItem> Store::claim(OutboxKind kind, size_t max, std::string_view owner, int64_t lease_ms) {
  std::vector<OutboxItem> items;
  if (max == 0) return items;
  const int64_t now = now_ms();
  StatementCache& sc = stmts_->cache;
  check_writable();
  Tx tx(db_);
  // Again when every item found was unreadable (held now): the readable
  // ones behind them are still due in this claim.
  for (;;) {
    std::vector<int64_t> seqs;
    {
      // Claimable: pending and due, or in flight with a lease that ran out (its
      // sender died). Events wait for their complaint and for earlier events.
      // Two arms merged in seq order, each walking outbox_state in order and
      // stopping at the limit: one "state = a OR state = b" would gather and
      // sort every pending item for each batch (a 10,000 backlog: quadratic).
#define CLAIM_EVENT_READY                                                                      \
    " AND EXISTS (SELECT 1 FROM outbox c WHERE c.ref_id = o.complaint_id AND c.kind = 'complaint' " \
    "             AND c.state = 'delivered') "                                                   \
    " AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.state IN ('pending', 'in_flight', 'held') "   \
    "                 AND p.kind = 'event' AND p.complaint_id = o.complaint_id AND p.seq < o.seq) "
      Stmt q(db_, sc,
             kind == OutboxKind::complaint
                 ? "SELECT seq FROM outbox o WHERE state = 'pending' AND kind = 'complaint' AND not_before_ms <= ?1 "
                   "UNION ALL "
                   "SELECT seq FROM outbox o WHERE state = 'in_flight' AND kind = 'complaint' AND lease_until_ms <= ?1 "
                   "ORDER BY seq LIMIT ?2"
                 : "SELECT seq FROM outbox o WHERE state = 'pending' AND kind = 'event' AND not_before_ms <= ?1 "
                   CLAIM_EVENT_READY
                   "UNION ALL "
                   "SELECT seq FROM outbox o WHERE state = 'in_flight' AND kind = 'event' AND lease_until_ms <= ?1 "
                   CLAIM_EVENT_READY
                   "ORDER BY seq LIMIT ?2");
#undef CLAIM_EVENT_READY
      q.bind(1, now).bind(2, static_cast<int64_t>(max));
      while (q.step()) seqs.push_back(q.i64(0));
    }
    if (seqs.empty()) {
      tx.commit();
      return items;
    }
    // The chosen seqs as one JSON array: one UPDATE and one SELECT for the
    // whole batch instead of two statements per item.
    std::string list = "[";
    for (size_t i = 0; i < seqs.size(); ++i) list += (i ? "," : "") + std::to_string(seqs[i]);
    list += "]";
    const size_t held = hold_unreadable_in_tx(db_, sc, now, list);
    {
      Stmt up(db_, sc,
              "UPDATE outbox SET state = 'in_flight', lease_owner = ?, lease_until_ms = ?, attempts = attempts + 1 "
              "WHERE seq IN (SELECT value FROM json_each(?)) AND state != 'held'");
      up.bind(1, owner).bind(2, now + lease_ms).bind(3, list).run();
    }
    {
      Stmt q(db_, sc,
             "SELECT " OUTBOX_COLUMNS "WHERE o.seq IN (SELECT value FROM json_each(?)) AND o.state = 'in_flight' "
             "ORDER BY o.seq");
      q.bind(1, list);
      items.reserve(seqs.size());
      while (q.step()) items.push_back(read_item(q));
    }
    if (!items.empty() || held == 0) break;
  }
  tx.commit();
  return items;
}

void Store::mark_delivered(int64_t seq, std::string_view case_no) {
  mark_delivered(std::vector<DeliveredMark>{{seq, std::string(case_no)}});
}

void Store::mark_held(int64_t seq, std::string_view reason) { mark_held(std::vector<HeldMark>{{seq, std::string(reason)}}); }

void Store::release(int64_t seq, std::string_view error, int64_t not_before_ms) {
  release(std::vector<int64_t>{seq}, error, not_before_ms);
}

namespace {

struct OutboxRow {
  std::string kind, ref_id, state;
};

// Inside a transaction: the item, or not_found (which rolls the whole batch back).
OutboxRow outbox_row(sqlite3* db, StatementCache& sc, int64_t seq) {
  Stmt q(db, sc, "SELECT kind, ref_id, state FROM outbox WHERE seq = ?");
  q.bind(1, seq);
  if (!q.step()) throw StoreError(StoreError::Kind::not_found, "no outbox item " + std::to_string(seq));
  return {q.text(0), q.text(1), q.text(2)};
}

}  // namespace

// A batch's answer in one transaction: the per-item commit (WAL frames, locks)
// was what made marking slow, not the rows or the audit records. Each item
// keeps its own audit record, shaped as ever ("seq=.. complaint=<id>
// case_no=.."), so a complaint's delivery is found by its id and the record
// says exactly which case number the platform gave it.
void Store::mark_delivered(const std::vector<DeliveredMark>& marks) {
  if (marks.empty()) return;
  const int64_t now = now_ms();
  StatementCache& sc = stmts_->cache;
  check_writable();
  Tx tx(db_);
  AuditAppender audit(db_, sc);
  for (const DeliveredMark& m : marks) {
    OutboxRow row = outbox_row(db_, sc, m.seq);
    if (row.state == "delivered") continue;  // a second answer for the same item: nothing new
    Stmt up(db_, sc,
            "UPDATE outbox SET state = 'delivered', case_no = ?, lease_owner = '', lease_until_ms = 0, "
            "last_error = '', delivered_ms = ? WHERE seq = ?");
    up.bind(1, m.case_no).bind(2, now).bind(3, m.seq).run();
    if (row.kind == "complaint" && !m.case_no.empty()) {
      Stmt c(db_, sc, "UPDATE complaints SET case_no = ? WHERE id = ?");
      c.bind(1, m.case_no).bind(2, row.ref_id).run();
    }
    std::string detail = "seq=" + std::to_string(m.seq) + " " + row.kind + "=" + row.ref_id;
    if (!m.case_no.empty()) detail += " case_no=" + m.case_no;
    audit.append(now, "sync", "outbox.delivered", detail);
  }
  tx.commit();
}

void Store::mark_held(const std::vector<HeldMark>& marks) {
  if (marks.empty()) return;
  const int64_t now = now_ms();
  StatementCache& sc = stmts_->cache;
  check_writable();
  Tx tx(db_);
  AuditAppender audit(db_, sc);
  for (const HeldMark& m : marks) {
    OutboxRow row = outbox_row(db_, sc, m.seq);
    if (row.state == "delivered") continue;  // the platform has it; a late rejection of a retry changes nothing
    Stmt up(db_, sc,
            "UPDATE outbox SET state = 'held', last_error = ?, lease_owner = '', lease_until_ms = 0 WHERE seq = ?");
    up.bind(1, m.reason).bind(2, m.seq).run();
    // The reason may quote what was typed: it stays in the outbox, not in the audit log.
    audit.append(now, "sync", "outbox.held", "seq=" + std::to_string(m.seq) + " " + row.kind + "=" + row.ref_id);
  }
  tx.commit();
}

void Store::release(const std::vector<int64_t>& seqs, std::string_view error, int64_t not_before_ms) {
  if (seqs.empty()) return;
  StatementCache& sc = stmts_->cache;
  check_writable();
  Tx tx(db_);
  for (int64_t seq : seqs) {
    {
      Stmt q(db_, sc, "SELECT 1 FROM outbox WHERE seq = ?");
      q.bind(1, seq);
      if (!q.step()) throw StoreError(StoreError::Kind::not_found, "no outbox item " + std::to_string(seq));
    }
    // Only an item still in flight goes back: a delivered or held one stays.
    Stmt up(db_, sc,
            "UPDATE outbox SET state = 'pending', last_error = ?, not_before_ms = ?, lease_owner = '', "
            "lease_until_ms = 0 WHERE seq = ? AND state = 'in_flight'");
    up.bind(1, error).bind(2, not_before_ms).bind(3, seq).run();
  }
  tx.commit();
}

int64_t Store::retry_held(std::string_view actor) {
  const int64_t now = now_ms();
  StatementCache& sc = stmts_->cache;
  check_writable();
  Tx tx(db_);
  Stmt up(db_, sc, "UPDATE outbox SET state = 'pending', not_before_ms = 0 WHERE state = 'held'");
  up.run();
  int64_t n = sqlite3_changes64(db_);
  if (n > 0) append_audit_in_tx(db_, sc, now, actor.empty() ? "staff" : actor, "outbox.retry_held", "count=" + std::to_string(n));
  tx.commit();
  return n;
}

// One transaction: the conflict is counted, the counter advanced, the
// complaint re-ticketed (row and JSON), the change kept for staff, the item
// due again, the audit record written; or, past max_conflicts, held.
ReticketResult Store::reticket(int64_t seq, std::string_view sent_ticket, std::string_view platform_last_ticket,
                               int max_conflicts) {
  const int64_t now = now_ms();
  StatementCache& sc = stmts_->cache;
  check_writable();
  Tx tx(db_);
  OutboxRow row = outbox_row(db_, sc, seq);
  if (row.kind != "complaint") throw StoreError(StoreError::Kind::not_found, "outbox item " + std::to_string(seq) + " is not a complaint");
  ReticketResult r;
  r.complaint_id = row.ref_id;
  {
    Stmt q(db_, sc, "SELECT ticket, (SELECT count(*) FROM ticket_changes t WHERE t.complaint_id = c.id) FROM complaints c WHERE c.id = ?");
    q.bind(1, row.ref_id);
    if (!q.step()) throw StoreError(StoreError::Kind::not_found, "no complaint " + row.ref_id);
    r.old_ticket = q.text(0);
    r.conflicts = static_cast<int>(q.i64(1)) + 1;
  }
  // Delivered meanwhile, or re-ticketed by another process after it sent the old one.
  if (row.state == "delivered" || (!sent_ticket.empty() && sent_ticket != r.old_ticket)) {
    tx.commit();
    return r;
  }
  AuditAppender audit(db_, sc);
  const std::string who = "seq=" + std::to_string(seq) + " complaint=" + row.ref_id;
  if (r.conflicts > std::max(1, max_conflicts)) {
    Stmt up(db_, sc, "UPDATE outbox SET state = 'held', last_error = ?, lease_owner = '', lease_until_ms = 0 WHERE seq = ?");
    up.bind(1, "rejected by the gateway: ticket_conflict " + std::to_string(r.conflicts) + " times in a row (ticket " +
                   r.old_ticket + "); not re-ticketed again: check kiosk.id and kiosk.ticket_prefix")
        .bind(2, seq)
        .run();
    audit.append(now, "sync", "outbox.held", who + " reason=ticket_conflict conflicts=" + std::to_string(r.conflicts));
    r.outcome = ReticketResult::Outcome::held;
    tx.commit();
    return r;
  }
  // What the platform holds is a floor too; so is the refused ticket itself.
  const std::string& prefix = options_.ticket_prefix;
  for (std::string_view t : {std::string_view(r.old_ticket), platform_last_ticket})
    if (std::optional<TicketParts> p = parse_ticket(t, prefix)) raise_ticket_counter(db_, sc, prefix, p->day, p->n);
  // Same day as before when the ticket is of this store's shape (the date a
  // consumer reads on it stays right); repeats step 1, 2, 4, ... past it, so
  // a gateway without last_ticket is passed in a few conflicts, not hundreds.
  std::optional<TicketParts> old = parse_ticket(r.old_ticket, prefix);
  const std::string day = old ? old->day : local_date(now / 1000, options_.tz_offset_minutes);
  r.new_ticket = allocate_ticket(db_, sc, prefix, day, int64_t(1) << std::min(r.conflicts - 1, 10));
  {
    Stmt up(db_, sc, "UPDATE complaints SET ticket = ?1, json = json_set(json, '$.ticket', ?1) WHERE id = ?2");
    up.bind(1, r.new_ticket).bind(2, row.ref_id).run();
  }
  {
    Stmt ins(db_, sc,
             "INSERT INTO ticket_changes (complaint_id, old_ticket, new_ticket, reason, at_ms) "
             "VALUES (?, ?, ?, 'ticket_conflict', ?)");
    ins.bind(1, row.ref_id).bind(2, r.old_ticket).bind(3, r.new_ticket).bind(4, now).run();
  }
  {
    Stmt up(db_, sc,
            "UPDATE outbox SET state = 'pending', not_before_ms = 0, lease_owner = '', lease_until_ms = 0, "
            "last_error = ? WHERE seq = ?");
    up.bind(1, "ticket_conflict: " + r.old_ticket + " is the platform's already; sending again as " + r.new_ticket)
        .bind(2, seq)
        .run();
  }
  audit.append(now, "sync", "complaint.reticket",
               who + " old_ticket=" + r.old_ticket + " new_ticket=" + r.new_ticket +
                   " reason=ticket_conflict conflicts=" + std::to_string(r.conflicts) +
                   (platform_last_ticket.empty() ? "" : " platform_last_ticket=" + std::string(platform_last_ticket)));
  r.outcome = ReticketResult::Outcome::reticketed;
  tx.commit();
  return r;
}

std::vector<TicketChange> Store::ticket_changes(bool unacknowledged_only, size_t limit) {
  std::vector<TicketChange> out;
  Stmt q(db_, stmts_->cache,
         "SELECT id, complaint_id, old_ticket, new_ticket, reason, at_ms, acknowledged_ms, acknowledged_by "
         "FROM ticket_changes WHERE ?1 = 0 OR acknowledged_ms = 0 ORDER BY id LIMIT ?2");
  q.bind(1, int64_t(unacknowledged_only ? 1 : 0)).bind(2, static_cast<int64_t>(limit));
  while (q.step())
    out.push_back({q.i64(0), q.text(1), q.text(2), q.text(3), q.text(4), q.i64(5), q.i64(6), q.text(7)});
  return out;
}

int64_t Store::acknowledge_ticket_changes(std::string_view complaint_id, std::string_view actor) {
  const int64_t now = now_ms();
  StatementCache& sc = stmts_->cache;
  check_writable();
  Tx tx(db_);
  const std::string who = actor.empty() ? "staff" : std::string(actor);
  std::vector<std::string> details;
  {
    Stmt up(db_, sc,
            "UPDATE ticket_changes SET acknowledged_ms = ?1, acknowledged_by = ?2 "
            "WHERE acknowledged_ms = 0 AND (?3 = '' OR complaint_id = ?3) RETURNING complaint_id, old_ticket, new_ticket");
    up.bind(1, now).bind(2, who).bind(3, complaint_id);
    while (up.step()) details.push_back("complaint=" + up.text(0) + " old_ticket=" + up.text(1) + " new_ticket=" + up.text(2));
  }
  AuditAppender audit(db_, sc);
  for (const std::string& d : details) audit.append(now, who, "complaint.reticket_seen", d);
  tx.commit();
  return static_cast<int64_t>(details.size());
}

OutboxCounts Store::outbox_counts() {
  OutboxCounts counts;
  Stmt q(db_, stmts_->cache, "SELECT state, count(*) FROM outbox GROUP BY state");
  while (q.step()) {
    std::string s = q.text(0);
    int64_t n = q.i64(1);
    if (s == "pending") counts.pending = n;
    else if (s == "in_flight") counts.in_flight = n;
    else if (s == "delivered") counts.delivered = n;
    else if (s == "held") counts.held = n;
  }
  return counts;
}

std::vector<OutboxItem> Store::outbox_items(OutboxState state, size_t limit) {
  std::vector<OutboxItem> items;
  Stmt q(db_, stmts_->cache, "SELECT " OUTBOX_COLUMNS "WHERE o.state = ? ORDER BY o.seq LIMIT ?");
  q.bind(1, to_string(state)).bind(2, static_cast<int64_t>(limit));
  while (q.step()) items.push_back(read_item(q));
  return items;
}

int64_t Store::next_due_ms() {
  Stmt q(db_, stmts_->cache, "SELECT min(not_before_ms) FROM outbox WHERE state = 'pending'");
  return q.step() && !q.null(0) ? q.i64(0) : 0;
}

void Store::apply_updates(const std::vector<PlatformUpdate>& updates, const std::optional<std::string>& next_cursor) {
  const int64_t now = now_ms();
  StatementCache& sc = stmts_->cache;
  check_writable();
  Tx tx(db_);
  int64_t applied = 0;
  for (const PlatformUpdate& u : updates) {
    int64_t platform_at_ms = 0;
    {
      Stmt q(db_, sc, "SELECT platform_at_ms FROM complaints WHERE id = ?");
      q.bind(1, u.complaint_id);
      if (!q.step()) continue;  // not ours (or purged long ago): skip
      platform_at_ms = q.i64(0);
    }
    const int64_t at_ms = parse_rfc3339(u.at).value_or(0) * 1000;
    // The same update twice (after a 410 restart) is one timeline entry.
    Stmt ins(db_, sc,
             "INSERT OR IGNORE INTO platform_updates (complaint_id, case_no, status, at, at_ms, note, received_ms) "
             "VALUES (?, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, u.complaint_id).bind(2, u.case_no).bind(3, u.status).bind(4, u.at).bind(5, at_ms).bind(6, u.note)
        .bind(7, now)
        .run();
    if (sqlite3_changes64(db_) > 0) ++applied;
    if (at_ms >= platform_at_ms) {  // an older update replayed does not turn the status back
      Stmt up(db_, sc, "UPDATE complaints SET platform_status = ?, platform_at_ms = ? WHERE id = ?");
      up.bind(1, u.status).bind(2, at_ms).bind(3, u.complaint_id).run();
    }
    if (!u.case_no.empty()) {
      Stmt c(db_, sc, "UPDATE complaints SET case_no = ? WHERE id = ? AND case_no = ''");
      c.bind(1, u.case_no).bind(2, u.complaint_id).run();
    }
  }
  if (next_cursor) {
    Stmt s(db_, sc,
           "INSERT INTO sync_state (key, value, updated_ms) VALUES ('updates_cursor', ?, ?) "
           "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_ms = excluded.updated_ms");
    s.bind(1, *next_cursor).bind(2, now).run();
  }
  if (applied > 0) append_audit_in_tx(db_, sc, now, "sync", "updates.apply", "count=" + std::to_string(applied));
  tx.commit();
}

std::optional<std::string> Store::updates_cursor() { return state("updates_cursor"); }

void Store::clear_updates_cursor() {
  check_writable();
  Stmt s(db_, stmts_->cache, "DELETE FROM sync_state WHERE key = 'updates_cursor'");
  s.run();
}

void Store::set_state(std::string_view key, std::string_view value) {
  check_writable();
  Stmt s(db_, stmts_->cache,
         "INSERT INTO sync_state (key, value, updated_ms) VALUES (?, ?, ?) "
         "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_ms = excluded.updated_ms");
  s.bind(1, key).bind(2, value).bind(3, now_ms()).run();
}

void Store::transact_state(const std::function<void(StateTx&)>& fn) {
  struct Impl : StateTx {
    Impl(sqlite3* db, StatementCache& sc, int64_t now) : db(db), sc(sc), now(now), audit_(db, sc) {}
    std::optional<std::string> get(std::string_view key) override {
      Stmt q(db, sc, "SELECT value FROM sync_state WHERE key = ?");
      q.bind(1, key);
      if (!q.step()) return std::nullopt;
      return q.text(0);
    }
    void set(std::string_view key, std::string_view value) override {
      Stmt s(db, sc,
             "INSERT INTO sync_state (key, value, updated_ms) VALUES (?, ?, ?) "
             "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_ms = excluded.updated_ms");
      s.bind(1, key).bind(2, value).bind(3, now).run();
    }
    void audit(std::string_view actor, std::string_view action, std::string_view detail) override {
      audit_.append(now, actor, action, detail);
    }
    sqlite3* db;
    StatementCache& sc;
    int64_t now;
    AuditAppender audit_;
  };
  check_writable();
  Tx tx(db_);
  Impl impl(db_, stmts_->cache, now_ms());
  fn(impl);
  tx.commit();
}

std::optional<std::string> Store::state(std::string_view key) {
  Stmt q(db_, stmts_->cache, "SELECT value FROM sync_state WHERE key = ?");
  q.bind(1, key);
  if (!q.step()) return std::nullopt;
  return q.text(0);
}

std::optional<Complaint> Store::complaint(const std::string& id) {
  std::string text;
  {
    Stmt q(db_, stmts_->cache, "SELECT json FROM complaints WHERE id = ?");
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    text = q.text(0);
  }
  return parse_complaint(text);
}

std::optional<Complaint> Store::complaint_by_ticket(const std::string& ticket) {
  std::string text;
  {
    Stmt q(db_, stmts_->cache,
           "SELECT json FROM complaints WHERE ticket = ?1 UNION ALL "
           "SELECT c.json FROM ticket_changes t JOIN complaints c ON c.id = t.complaint_id WHERE t.old_ticket = ?1 "
           "LIMIT 1");
    q.bind(1, ticket);
    if (!q.step()) return std::nullopt;
    text = q.text(0);
  }
  return parse_complaint(text);
}

void Store::append_audit(std::string_view actor, std::string_view action, std::string_view detail) {
  const int64_t now = now_ms();
  check_writable();
  Tx tx(db_);
  append_audit_in_tx(db_, stmts_->cache, now, actor, action, detail);
  tx.commit();
}

AuditVerifyResult Store::verify_audit() {
  AuditVerifyResult r;
  Tx tx(db_, /*immediate=*/false);  // one consistent snapshot
  Stmt q(db_, stmts_->cache, "SELECT seq, at_ms, actor, action, detail, prev_hash, hash FROM audit ORDER BY seq");
  std::string prev = kZeroHash;
  int64_t expected_seq = 1;
  while (q.step()) {
    ++r.records;
    if (!r.ok) continue;
    int64_t seq = q.i64(0);
    std::string prev_hash = q.text(5), hash = q.text(6);
    std::string problem;
    if (seq != expected_seq)
      problem = "record " + std::to_string(expected_seq) + (seq > expected_seq ? " is missing" : " is out of order");
    else if (prev_hash != prev)
      problem = "its previous-record hash does not match the record before it";
    else if (audit_hash(prev_hash, seq, q.i64(1), q.text(2), q.text(3), q.text(4)) != hash)
      problem = "its content does not match its hash (edited)";
    if (!problem.empty()) {
      r.ok = false;
      r.first_broken = seq;
      r.problem = "audit record " + std::to_string(seq) + ": " + problem;
    }
    prev = hash;
    expected_seq = seq + 1;
  }
  return r;
}

namespace {

// Parsed stored JSON, or an empty object when unreadable: a purge then drops
// it all rather than keep what it cannot look into.
nlohmann::json parse_or_empty(const std::string& text) {
  nlohmann::json j = parse_untrusted_json(text);
  return j.is_object() ? j : nlohmann::json::object();
}

}  // namespace

// "Delivery is done": the complaint is delivered and none of its events is
// still to send (pending, in flight, or held for staff), so nothing will
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
           "AND EXISTS (SELECT 1 FROM outbox o WHERE o.ref_id = c.id AND o.kind = 'complaint' "
           "            AND o.state = 'delivered') "
           "AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.state IN ('pending', 'in_flight', 'held') "
           "                AND e.kind = 'event' AND e.complaint_id = c.id)");
    q.bind(1, cutoff_ms);
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
