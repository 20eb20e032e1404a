#include "sim_db.h"

#include <sqlite3.h>

#include <cstdio>
#include <stdexcept>

#include "protocol/signing.h"
#include "util/crypto.h"
#include "util/time.h"

namespace odr::sim {

namespace {

const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS complaints(
  id TEXT PRIMARY KEY,
  kiosk_id TEXT NOT NULL,
  ticket TEXT NOT NULL,
  case_no TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  outcome TEXT NOT NULL,          -- where mediation will end: settled or not_settled
  received_ms INTEGER NOT NULL,
  next_change_ms INTEGER,         -- NULL: nothing more happens by itself
  respondent_name TEXT, category_code TEXT, phone_masked TEXT, channel TEXT, created_at TEXT,
  body TEXT NOT NULL,
  UNIQUE(kiosk_id, ticket));
CREATE INDEX IF NOT EXISTS complaints_due ON complaints(next_change_ms) WHERE next_change_ms IS NOT NULL;
CREATE TABLE IF NOT EXISTS events(
  id TEXT PRIMARY KEY,
  kiosk_id TEXT NOT NULL,
  complaint_id TEXT NOT NULL,
  type TEXT NOT NULL,
  at TEXT,
  received_ms INTEGER NOT NULL,
  body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_complaint ON events(complaint_id);
CREATE TABLE IF NOT EXISTS updates(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  kiosk_id TEXT NOT NULL,
  complaint_id TEXT NOT NULL,
  case_no TEXT NOT NULL,
  status TEXT NOT NULL,
  at TEXT NOT NULL,
  note TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS updates_kiosk ON updates(kiosk_id, seq);
CREATE TABLE IF NOT EXISTS nonces(kiosk_id TEXT NOT NULL, nonce TEXT NOT NULL, seen_s INTEGER NOT NULL,
  PRIMARY KEY(kiosk_id, nonce)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS case_seq(day TEXT PRIMARY KEY, last INTEGER NOT NULL);
)sql";

// Cursors are opaque to the client and deliberately hold characters that
// must be percent-encoded (& = ; ~ space / + % # and a non-ASCII letter), so
// a client that forgets to encode, or signs the decoded form, fails here
// rather than at a real gateway.
const char* kCursorTail = ";~ /+%#\xC3\xA9";

struct Tx {
  sqlite3* db;
  bool done = false;
  explicit Tx(sqlite3* d) : db(d) {
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("BEGIN: ") + sqlite3_errmsg(db));
  }
  void commit() {
    if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("COMMIT: ") + sqlite3_errmsg(db));
    done = true;
  }
  ~Tx() {
    if (!done) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
};

void put(sqlite3_stmt* s, int i, const std::string& v) { sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); }
void put(sqlite3_stmt* s, int i, int64_t v) { sqlite3_bind_int64(s, i, v); }
std::string col(sqlite3_stmt* s, int i) {
  const unsigned char* t = sqlite3_column_text(s, i);
  return t ? std::string(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_column_bytes(s, i))) : "";
}

// Resets the statement when the scope ends, whatever happened.
struct Use {
  sqlite3_stmt* s;
  explicit Use(sqlite3_stmt* st) : s(st) {}
  ~Use() {
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
  }
};

std::string status_note(const std::string& status) {
  if (status == "received") return "已收到 / received by the platform";
  if (status == "accepted") return "已受理 / accepted for handling";
  if (status == "mediating") return "调解中 / mediation started";
  if (status == "settled") return "调解成功 / settled";
  if (status == "not_settled") return "调解不成 / mediation ended without agreement";
  if (status == "closed") return "已终止 / closed";
  return status;
}

}  // namespace

SimDb::SimDb(const std::string& path) : rng_(std::random_device{}()) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("cannot open " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db_, 5000);
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=NORMAL");
  exec(kSchema);
  sqlite3_stmt* s = stmt("SELECT value FROM meta WHERE key='cursor_epoch'");
  {
    Use u(s);
    if (sqlite3_step(s) == SQLITE_ROW) epoch_ = col(s, 0);
  }
  if (epoch_.empty()) new_epoch();
}

SimDb::~SimDb() {
  for (auto& [sql, s] : stmts_) sqlite3_finalize(s);
  sqlite3_close(db_);
}

void SimDb::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "?";
    sqlite3_free(err);
    throw std::runtime_error(std::string("sqlite: ") + msg);
  }
}

sqlite3_stmt* SimDb::stmt(const char* sql) {
  for (auto& [k, s] : stmts_)
    if (k == sql) return s;
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK)
    throw std::runtime_error(std::string("sqlite prepare: ") + sqlite3_errmsg(db_) + " in " + sql);
  stmts_.emplace_back(sql, s);
  return s;
}

void SimDb::forget_cursors() {
  std::lock_guard<std::mutex> lock(mu_);
  new_epoch();
}

void SimDb::new_epoch() {
  std::string e = random_hex(4);
  sqlite3_stmt* s = stmt("INSERT INTO meta(key,value) VALUES('cursor_epoch',?) "
                         "ON CONFLICT(key) DO UPDATE SET value=excluded.value");
  Use u(s);
  put(s, 1, e);
  if (sqlite3_step(s) != SQLITE_DONE) throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db_));
  epoch_ = e;
}

std::string SimDb::cursor_for(const std::string& kiosk, int64_t seq) const {
  return "s=" + std::to_string(seq) + "&e=" + epoch_ + "&k=" + sha256_hex(kiosk).substr(0, 8) + kCursorTail;
}

void SimDb::add_update(const std::string& kiosk, const std::string& complaint_id, const std::string& case_no,
                       const std::string& status, int64_t now_ms, const std::string& note) {
  sqlite3_stmt* s = stmt("INSERT INTO updates(kiosk_id,complaint_id,case_no,status,at,note) VALUES(?,?,?,?,?,?)");
  Use u(s);
  put(s, 1, kiosk);
  put(s, 2, complaint_id);
  put(s, 3, case_no);
  put(s, 4, status);
  put(s, 5, format_rfc3339(now_ms / 1000));
  put(s, 6, note);
  if (sqlite3_step(s) != SQLITE_DONE) throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db_));
}

// region code (6) + local date (8) + sequence of the day (5): 3201002026112800042.
std::string SimDb::next_case_no(const std::string& region_code, int64_t now_ms) {
  std::string day = local_date(now_ms / 1000);
  std::string compact = day.substr(0, 4) + day.substr(5, 2) + day.substr(8, 2);
  sqlite3_stmt* s = stmt("INSERT INTO case_seq(day,last) VALUES(?,1) "
                         "ON CONFLICT(day) DO UPDATE SET last=last+1 RETURNING last");
  Use u(s);
  put(s, 1, compact);
  if (sqlite3_step(s) != SQLITE_ROW) throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db_));
  int64_t n = sqlite3_column_int64(s, 0);
  char seq[24];
  std::snprintf(seq, sizeof seq, "%05lld", static_cast<long long>(n));
  std::string region = region_code.size() == 6 ? region_code : "000000";
  return region + compact + seq;
}

std::vector<ItemResult> SimDb::store_complaints(const std::string& kiosk, const std::vector<IncomingComplaint>& items,
                                                int64_t now_ms, const Progression& prog) {
  std::lock_guard<std::mutex> lock(mu_);
  Tx tx(db_);
  std::vector<ItemResult> out;
  out.reserve(items.size());
  std::uniform_real_distribution<double> coin(0.0, 1.0);
  for (const auto& c : items) {
    ItemResult r;
    r.id = c.id;
    if (!c.id.empty()) {
      sqlite3_stmt* s = stmt("SELECT kiosk_id, case_no FROM complaints WHERE id=?");
      Use u(s);
      put(s, 1, c.id);
      if (sqlite3_step(s) == SQLITE_ROW) {
        if (col(s, 0) == kiosk) {
          r.status = item_status::duplicate;
          r.case_no = col(s, 1);
        } else {
          r.status = item_status::rejected;
          r.error = {wire_err::id_conflict, "id", "this id is held for another kiosk"};
        }
        out.push_back(std::move(r));
        continue;
      }
    }
    if (!c.invalid.code.empty()) {
      r.status = item_status::rejected;
      r.error = c.invalid;
      out.push_back(std::move(r));
      continue;
    }
    {
      sqlite3_stmt* s = stmt("SELECT 1 FROM complaints WHERE kiosk_id=? AND ticket=?");
      Use u(s);
      put(s, 1, kiosk);
      put(s, 2, c.ticket);
      if (sqlite3_step(s) == SQLITE_ROW) {
        r.status = item_status::rejected;
        r.error = {wire_err::ticket_conflict, "ticket", "this kiosk already used the ticket for another complaint",
                   last_ticket(kiosk)};
        out.push_back(std::move(r));
        continue;
      }
    }
    r.case_no = next_case_no(c.region_code, now_ms);
    std::string outcome = coin(rng_) < prog.not_settled_ratio ? "not_settled" : "settled";
    {
      sqlite3_stmt* s = stmt(
          "INSERT INTO complaints(id,kiosk_id,ticket,case_no,status,outcome,received_ms,next_change_ms,"
          "respondent_name,category_code,phone_masked,channel,created_at,body) "
          "VALUES(?,?,?,?,'received',?,?,?,?,?,?,?,?,?)");
      Use u(s);
      put(s, 1, c.id);
      put(s, 2, kiosk);
      put(s, 3, c.ticket);
      put(s, 4, r.case_no);
      put(s, 5, outcome);
      put(s, 6, now_ms);
      if (prog.accept_after_ms >= 0) put(s, 7, now_ms + prog.accept_after_ms);
      put(s, 8, c.respondent_name);
      put(s, 9, c.category_code);
      put(s, 10, c.phone_masked);
      put(s, 11, c.channel);
      put(s, 12, c.created_at);
      put(s, 13, c.body);
      if (sqlite3_step(s) != SQLITE_DONE) throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db_));
    }
    add_update(kiosk, c.id, r.case_no, "received", now_ms, status_note("received"));
    r.status = item_status::accepted;
    out.push_back(std::move(r));
  }
  tx.commit();
  return out;
}

// The optional last_ticket of a ticket_conflict (docs/protocol.md): the
// ticket of the complaint this kiosk sent last. Tickets are opaque to the
// platform, so "last received", not "largest".
std::string SimDb::last_ticket(const std::string& kiosk) {
  sqlite3_stmt* s = stmt("SELECT ticket FROM complaints WHERE kiosk_id=? ORDER BY received_ms DESC, rowid DESC LIMIT 1");
  Use u(s);
  put(s, 1, kiosk);
  return sqlite3_step(s) == SQLITE_ROW ? col(s, 0) : std::string();
}

std::vector<ItemResult> SimDb::store_events(const std::string& kiosk, const std::vector<IncomingEvent>& items,
                                            int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  Tx tx(db_);
  std::vector<ItemResult> out;
  out.reserve(items.size());
  for (const auto& e : items) {
    ItemResult r;
    r.id = e.id;
    if (!e.id.empty()) {
      sqlite3_stmt* s = stmt("SELECT kiosk_id FROM events WHERE id=?");
      Use u(s);
      put(s, 1, e.id);
      if (sqlite3_step(s) == SQLITE_ROW) {
        if (col(s, 0) == kiosk) {
          r.status = item_status::duplicate;
        } else {
          r.status = item_status::rejected;
          r.error = {wire_err::id_conflict, "id", "this id is held for another kiosk"};
        }
        out.push_back(std::move(r));
        continue;
      }
    }
    if (!e.invalid.code.empty()) {
      r.status = item_status::rejected;
      r.error = e.invalid;
      out.push_back(std::move(r));
      continue;
    }
    std::string case_no, status;
    {
      sqlite3_stmt* s = stmt("SELECT case_no, status FROM complaints WHERE id=? AND kiosk_id=?");
      Use u(s);
      put(s, 1, e.complaint_id);
      put(s, 2, kiosk);
      if (sqlite3_step(s) != SQLITE_ROW) {
        r.status = item_status::rejected;
        r.error = {wire_err::unknown_complaint, "complaint_id", "the platform holds no such complaint of this kiosk"};
        out.push_back(std::move(r));
        continue;
      }
      case_no = col(s, 0);
      status = col(s, 1);
    }
    {
      sqlite3_stmt* s = stmt("INSERT INTO events(id,kiosk_id,complaint_id,type,at,received_ms,body) VALUES(?,?,?,?,?,?,?)");
      Use u(s);
      put(s, 1, e.id);
      put(s, 2, kiosk);
      put(s, 3, e.complaint_id);
      put(s, 4, e.type);
      put(s, 5, e.at);
      put(s, 6, now_ms);
      put(s, 7, e.body);
      if (sqlite3_step(s) != SQLITE_DONE) throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db_));
    }
    // What the desk reports ends the platform's own handling.
    bool terminal = status == "settled" || status == "not_settled" || status == "closed";
    std::string next;
    if (!terminal && e.type == "settled") next = "settled";
    if (!terminal && e.type == "withdrawn") next = "closed";
    if (!next.empty()) {
      sqlite3_stmt* s = stmt("UPDATE complaints SET status=?, next_change_ms=NULL WHERE id=?");
      Use u(s);
      put(s, 1, next);
      put(s, 2, e.complaint_id);
      if (sqlite3_step(s) != SQLITE_DONE) throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db_));
      add_update(kiosk, e.complaint_id, case_no, next, now_ms,
                 next == "settled" ? "商场先行和解 / settled at the mall's desk" : "消费者撤回 / withdrawn by the consumer");
    }
    r.status = item_status::accepted;
    out.push_back(std::move(r));
  }
  tx.commit();
  return out;
}

bool SimDb::remember_nonce(const std::string& kiosk, const std::string& nonce, int64_t now_s) {
  std::lock_guard<std::mutex> lock(mu_);
  if (++nonce_calls_ % 1000 == 0) {
    sqlite3_stmt* s = stmt("DELETE FROM nonces WHERE seen_s < ?");
    Use u(s);
    put(s, 1, now_s - kNonceWindowS);
    sqlite3_step(s);
  }
  sqlite3_stmt* s = stmt(
      "INSERT INTO nonces(kiosk_id,nonce,seen_s) VALUES(?,?,?) "
      "ON CONFLICT(kiosk_id,nonce) DO UPDATE SET seen_s=excluded.seen_s WHERE nonces.seen_s < excluded.seen_s - ?");
  Use u(s);
  put(s, 1, kiosk);
  put(s, 2, nonce);
  put(s, 3, now_s);
  put(s, 4, kNonceWindowS);
  if (sqlite3_step(s) != SQLITE_DONE) throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db_));
  return sqlite3_changes(db_) == 1;
}

bool SimDb::read_updates(const std::string& kiosk, const std::string& cursor, int limit, UpdatesAnswer& out) {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t after = 0;
  if (!cursor.empty()) {
    // s=<seq>&e=<epoch>&k=<kiosk hash><tail>
    std::string tail = kCursorTail;
    if (cursor.size() <= tail.size() || cursor.compare(cursor.size() - tail.size(), tail.size(), tail) != 0) return false;
    std::string core = cursor.substr(0, cursor.size() - tail.size());
    size_t e = core.find("&e="), k = core.find("&k=");
    if (core.rfind("s=", 0) != 0 || e == std::string::npos || k == std::string::npos || k < e) return false;
    std::string seq = core.substr(2, e - 2);
    if (seq.empty() || seq.size() > 18 || seq.find_first_not_of("0123456789") != std::string::npos) return false;
    if (core.substr(e + 3, k - e - 3) != epoch_) return false;
    if (core.substr(k + 3) != sha256_hex(kiosk).substr(0, 8)) return false;
    after = std::stoll(seq);
  }
  sqlite3_stmt* s = stmt("SELECT seq, complaint_id, case_no, status, at, note FROM updates "
                         "WHERE kiosk_id=? AND seq>? ORDER BY seq LIMIT ?");
  Use u(s);
  put(s, 1, kiosk);
  put(s, 2, after);
  put(s, 3, static_cast<int64_t>(limit) + 1);
  out = UpdatesAnswer{};
  int64_t last = after;
  while (sqlite3_step(s) == SQLITE_ROW) {
    if (static_cast<int>(out.updates.size()) == limit) {
      out.more = true;
      break;
    }
    last = sqlite3_column_int64(s, 0);
    out.updates.push_back({col(s, 1), col(s, 2), col(s, 3), col(s, 4), col(s, 5)});
  }
  out.next_cursor = cursor_for(kiosk, last);
  return true;
}

int SimDb::advance(int64_t now_ms, const Progression& prog) {
  std::lock_guard<std::mutex> lock(mu_);
  struct Due {
    std::string id, kiosk, case_no, status, outcome;
  };
  std::vector<Due> due;
  {
    sqlite3_stmt* s = stmt("SELECT id, kiosk_id, case_no, status, outcome FROM complaints "
                           "WHERE next_change_ms IS NOT NULL AND next_change_ms <= ? ORDER BY next_change_ms LIMIT 1000");
    Use u(s);
    put(s, 1, now_ms);
    while (sqlite3_step(s) == SQLITE_ROW) due.push_back({col(s, 0), col(s, 1), col(s, 2), col(s, 3), col(s, 4)});
  }
  if (due.empty()) return 0;
  Tx tx(db_);
  for (const auto& d : due) {
    std::string next;
    int64_t delay = -1;
    if (d.status == "received") {
      next = "accepted";
      delay = prog.mediate_after_ms;
    } else if (d.status == "accepted") {
      next = "mediating";
      delay = prog.finish_after_ms;
    } else if (d.status == "mediating") {
      next = d.outcome;
    }
    sqlite3_stmt* s = stmt("UPDATE complaints SET status=COALESCE(?,status), next_change_ms=? WHERE id=?");
    Use u(s);
    if (!next.empty()) put(s, 1, next);
    if (!next.empty() && delay >= 0) put(s, 2, now_ms + delay);
    put(s, 3, d.id);
    if (sqlite3_step(s) != SQLITE_DONE) throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db_));
    if (!next.empty()) add_update(d.kiosk, d.id, d.case_no, next, now_ms, status_note(next));
  }
  tx.commit();
  return static_cast<int>(due.size());
}

int64_t SimDb::next_due_ms(int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  sqlite3_stmt* s = stmt("SELECT MIN(next_change_ms) FROM complaints WHERE next_change_ms IS NOT NULL");
  Use u(s);
  if (sqlite3_step(s) != SQLITE_ROW || sqlite3_column_type(s, 0) == SQLITE_NULL) return -1;
  int64_t t = sqlite3_column_int64(s, 0);
  return t <= now_ms ? 0 : t - now_ms;
}

DbCounts SimDb::counts() {
  std::lock_guard<std::mutex> lock(mu_);
  DbCounts c;
  auto one = [&](const char* sql) {
    sqlite3_stmt* s = stmt(sql);
    Use u(s);
    return sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : int64_t{0};
  };
  c.complaints = one("SELECT COUNT(*) FROM complaints");
  c.events = one("SELECT COUNT(*) FROM events");
  c.updates = one("SELECT COUNT(*) FROM updates");
  sqlite3_stmt* s = stmt("SELECT status, COUNT(*) FROM complaints GROUP BY status ORDER BY status");
  Use u(s);
  while (sqlite3_step(s) == SQLITE_ROW) c.by_status.emplace_back(col(s, 0), sqlite3_column_int64(s, 1));
  return c;
}

std::vector<ComplaintRow> SimDb::list_complaints(size_t limit) {
  std::lock_guard<std::mutex> lock(mu_);
  sqlite3_stmt* s = stmt(
      "SELECT c.id, c.kiosk_id, c.ticket, c.case_no, c.status, c.respondent_name, c.category_code, c.phone_masked, "
      "c.channel, c.received_ms, (SELECT COUNT(*) FROM events e WHERE e.complaint_id=c.id) "
      "FROM complaints c ORDER BY c.received_ms DESC, c.case_no DESC LIMIT ?");
  Use u(s);
  put(s, 1, static_cast<int64_t>(limit));
  std::vector<ComplaintRow> rows;
  while (sqlite3_step(s) == SQLITE_ROW) {
    ComplaintRow r;
    r.id = col(s, 0);
    r.kiosk_id = col(s, 1);
    r.ticket = col(s, 2);
    r.case_no = col(s, 3);
    r.status = col(s, 4);
    r.respondent_name = col(s, 5);
    r.category_code = col(s, 6);
    r.phone_masked = col(s, 7);
    r.channel = col(s, 8);
    r.received_ms = sqlite3_column_int64(s, 9);
    r.events = static_cast<int>(sqlite3_column_int64(s, 10));
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace odr::sim
