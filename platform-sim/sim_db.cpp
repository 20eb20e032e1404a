#include "sim_db.h"

#include <sqlite3.h>

#include <cstdio>
#include <stdexcept>

#include "protocol/signing.h"
#include "sqlite/sqlite.h"
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

// What the shared SQLite layer's messages call this file.
constexpr const char* kSubject = "the simulator's database";

std::string status_note(const std::string& status) {
  if (status == "received") return "已收到 / received by the platform";
  if (status == "accepted") return "已受理 / accepted for handling";
  if (status == "mediating") return "调解中 / mediation started";
  if (status == "settled") return "调解成功 / settled";
  if (status == "not_settled") return "调解不成 / mediation ended without agreement";
  if (status == "closed") return "已终止 / closed";
  return status;
}

// q has selected the kiosk of an id already held (kiosk_id first): the item
// is a duplicate when it is this kiosk's, an id_conflict when another's.
// False when the id is new.
bool known_id(Stmt& q, const std::string& kiosk, ItemResult& r) {
  if (!q.step()) return false;
  if (q.text(0) == kiosk) {
    r.status = item_status::duplicate;
  } else {
    r.status = item_status::rejected;
    r.error = {wire_err::id_conflict, "id", "this id is held for another kiosk"};
  }
  return true;
}

// An item that broke a field rule (checked before the lock) is rejected as such.
bool broke_a_rule(const ItemError& invalid, ItemResult& r) {
  if (invalid.code.empty()) return false;
  r.status = item_status::rejected;
  r.error = invalid;
  return true;
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
  exec(db_, "PRAGMA journal_mode=WAL", kSubject);
  exec(db_, "PRAGMA synchronous=NORMAL", kSubject);
  exec(db_, kSchema, kSubject);
  stmts_ = std::make_unique<StatementCache>(db_, kSubject);
  {
    Stmt q(db_, *stmts_, "SELECT value FROM meta WHERE key='cursor_epoch'");
    if (q.step()) epoch_ = q.text(0);
  }
  if (epoch_.empty()) new_epoch();
}

SimDb::~SimDb() {
  stmts_.reset();  // its statements go before the connection
  sqlite3_close(db_);
}

void SimDb::forget_cursors() {
  std::lock_guard<std::mutex> lock(mu_);
  new_epoch();
}

void SimDb::new_epoch() {
  std::string e = random_hex(4);
  Stmt(db_, *stmts_,
       "INSERT INTO meta(key,value) VALUES('cursor_epoch',?) ON CONFLICT(key) DO UPDATE SET value=excluded.value")
      .bind(1, e)
      .run();
  epoch_ = e;
}

std::string SimDb::cursor_for(const std::string& kiosk, int64_t seq) const {
  return "s=" + std::to_string(seq) + "&e=" + epoch_ + "&k=" + sha256_hex(kiosk).substr(0, 8) + kCursorTail;
}

void SimDb::add_update(const std::string& kiosk, const std::string& complaint_id, const std::string& case_no,
                       const std::string& status, int64_t now_ms, const std::string& note) {
  Stmt(db_, *stmts_, "INSERT INTO updates(kiosk_id,complaint_id,case_no,status,at,note) VALUES(?,?,?,?,?,?)")
      .bind(1, kiosk)
      .bind(2, complaint_id)
      .bind(3, case_no)
      .bind(4, status)
      .bind(5, format_rfc3339(now_ms / 1000))
      .bind(6, note)
      .run();
}

// region code (6) + local date (8) + sequence of the day (5): 3201002026112800042.
std::string SimDb::next_case_no(const std::string& region_code, int64_t now_ms) {
  std::string day = local_date(now_ms / 1000);
  std::string compact = day.substr(0, 4) + day.substr(5, 2) + day.substr(8, 2);
  Stmt q(db_, *stmts_,
         "INSERT INTO case_seq(day,last) VALUES(?,1) ON CONFLICT(day) DO UPDATE SET last=last+1 RETURNING last");
  q.bind(1, compact);
  // RETURNING: the row is written by the first step.
  if (!q.step()) throw StoreError(StoreError::Kind::io, std::string(kSubject) + " gave no case number");
  const int64_t n = q.i64(0);
  char seq[24];
  std::snprintf(seq, sizeof seq, "%05lld", static_cast<long long>(n));
  std::string region = region_code.size() == 6 ? region_code : "000000";
  return region + compact + seq;
}

std::vector<ItemResult> SimDb::store_complaints(const std::string& kiosk, const std::vector<IncomingComplaint>& items,
                                                int64_t now_ms, const Progression& prog) {
  std::lock_guard<std::mutex> lock(mu_);
  Tx tx(db_, /*immediate=*/true, kSubject);
  std::vector<ItemResult> out;
  out.reserve(items.size());
  for (const auto& c : items) out.push_back(store_complaint(kiosk, c, now_ms, prog));
  tx.commit();
  return out;
}

ItemResult SimDb::store_complaint(const std::string& kiosk, const IncomingComplaint& c, int64_t now_ms,
                                  const Progression& prog) {
  ItemResult r;
  r.id = c.id;
  if (!c.id.empty()) {
    Stmt q(db_, *stmts_, "SELECT kiosk_id, case_no FROM complaints WHERE id=?");
    q.bind(1, c.id);
    if (known_id(q, kiosk, r)) {
      if (r.status == item_status::duplicate) r.case_no = q.text(1);
      return r;
    }
  }
  if (broke_a_rule(c.invalid, r)) return r;
  {
    Stmt q(db_, *stmts_, "SELECT 1 FROM complaints WHERE kiosk_id=? AND ticket=?");
    q.bind(1, kiosk).bind(2, c.ticket);
    if (q.step()) {
      r.status = item_status::rejected;
      r.error = {wire_err::ticket_conflict, "ticket", "this kiosk already used the ticket for another complaint",
                 last_ticket(kiosk)};
      return r;
    }
  }
  r.case_no = next_case_no(c.region_code, now_ms);
  std::uniform_real_distribution<double> coin(0.0, 1.0);
  const std::string outcome = coin(rng_) < prog.not_settled_ratio ? "not_settled" : "settled";
  {
    Stmt q(db_, *stmts_,
           "INSERT INTO complaints(id,kiosk_id,ticket,case_no,status,outcome,received_ms,next_change_ms,"
           "respondent_name,category_code,phone_masked,channel,created_at,body) "
           "VALUES(?,?,?,?,'received',?,?,?,?,?,?,?,?,?)");
    q.bind(1, c.id).bind(2, kiosk).bind(3, c.ticket).bind(4, r.case_no).bind(5, outcome).bind(6, now_ms);
    if (prog.accept_after_ms >= 0) q.bind(7, now_ms + prog.accept_after_ms);
    q.bind(8, c.respondent_name)
        .bind(9, c.category_code)
        .bind(10, c.phone_masked)
        .bind(11, c.channel)
        .bind(12, c.created_at)
        .bind(13, c.body)
        .run();
  }
  add_update(kiosk, c.id, r.case_no, "received", now_ms, status_note("received"));
  r.status = item_status::accepted;
  return r;
}

// The optional last_ticket of a ticket_conflict (docs/protocol.md): the
// ticket of the complaint this kiosk sent last. Tickets are opaque to the
// platform, so "last received", not "largest".
std::string SimDb::last_ticket(const std::string& kiosk) {
  Stmt q(db_, *stmts_, "SELECT ticket FROM complaints WHERE kiosk_id=? ORDER BY received_ms DESC, rowid DESC LIMIT 1");
  q.bind(1, kiosk);
  return q.step() ? q.text(0) : std::string();
}

std::vector<ItemResult> SimDb::store_events(const std::string& kiosk, const std::vector<IncomingEvent>& items,
                                            int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  Tx tx(db_, /*immediate=*/true, kSubject);
  std::vector<ItemResult> out;
  out.reserve(items.size());
  for (const auto& e : items) out.push_back(store_event(kiosk, e, now_ms));
  tx.commit();
  return out;
}

ItemResult SimDb::store_event(const std::string& kiosk, const IncomingEvent& e, int64_t now_ms) {
  ItemResult r;
  r.id = e.id;
  if (!e.id.empty()) {
    Stmt q(db_, *stmts_, "SELECT kiosk_id FROM events WHERE id=?");
    q.bind(1, e.id);
    if (known_id(q, kiosk, r)) return r;
  }
  if (broke_a_rule(e.invalid, r)) return r;
  std::string case_no, status;
  {
    Stmt q(db_, *stmts_, "SELECT case_no, status FROM complaints WHERE id=? AND kiosk_id=?");
    q.bind(1, e.complaint_id).bind(2, kiosk);
    if (!q.step()) {
      r.status = item_status::rejected;
      r.error = {wire_err::unknown_complaint, "complaint_id", "the platform holds no such complaint of this kiosk"};
      return r;
    }
    case_no = q.text(0);
    status = q.text(1);
  }
  Stmt(db_, *stmts_, "INSERT INTO events(id,kiosk_id,complaint_id,type,at,received_ms,body) VALUES(?,?,?,?,?,?,?)")
      .bind(1, e.id)
      .bind(2, kiosk)
      .bind(3, e.complaint_id)
      .bind(4, e.type)
      .bind(5, e.at)
      .bind(6, now_ms)
      .bind(7, e.body)
      .run();
  // What the desk reports ends the platform's own handling.
  const bool terminal = status == "settled" || status == "not_settled" || status == "closed";
  std::string next;
  if (!terminal && e.type == "settled") next = "settled";
  if (!terminal && e.type == "withdrawn") next = "closed";
  if (!next.empty()) {
    Stmt(db_, *stmts_, "UPDATE complaints SET status=?, next_change_ms=NULL WHERE id=?")
        .bind(1, next)
        .bind(2, e.complaint_id)
        .run();
    add_update(kiosk, e.complaint_id, case_no, next, now_ms,
               next == "settled" ? "商场先行和解 / settled at the mall's desk" : "消费者撤回 / withdrawn by the consumer");
  }
  r.status = item_status::accepted;
  return r;
}

bool SimDb::remember_nonce(const std::string& kiosk, const std::string& nonce, int64_t now_s) {
  std::lock_guard<std::mutex> lock(mu_);
  if (++nonce_calls_ % 1000 == 0)
    Stmt(db_, *stmts_, "DELETE FROM nonces WHERE seen_s < ?").bind(1, now_s - kNonceWindowS).run();
  Stmt(db_, *stmts_,
       "INSERT INTO nonces(kiosk_id,nonce,seen_s) VALUES(?,?,?) "
       "ON CONFLICT(kiosk_id,nonce) DO UPDATE SET seen_s=excluded.seen_s WHERE nonces.seen_s < excluded.seen_s - ?")
      .bind(1, kiosk)
      .bind(2, nonce)
      .bind(3, now_s)
      .bind(4, kNonceWindowS)
      .run();
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
  Stmt q(db_, *stmts_,
         "SELECT seq, complaint_id, case_no, status, at, note FROM updates WHERE kiosk_id=? AND seq>? ORDER BY seq LIMIT ?");
  q.bind(1, kiosk).bind(2, after).bind(3, static_cast<int64_t>(limit) + 1);
  out = UpdatesAnswer{};
  int64_t last = after;
  while (q.step()) {
    if (static_cast<int>(out.updates.size()) == limit) {
      out.more = true;
      break;
    }
    last = q.i64(0);
    out.updates.push_back({q.text(1), q.text(2), q.text(3), q.text(4), q.text(5)});
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
    Stmt q(db_, *stmts_,
           "SELECT id, kiosk_id, case_no, status, outcome FROM complaints "
           "WHERE next_change_ms IS NOT NULL AND next_change_ms <= ? ORDER BY next_change_ms LIMIT 1000");
    q.bind(1, now_ms);
    while (q.step()) due.push_back({q.text(0), q.text(1), q.text(2), q.text(3), q.text(4)});
  }
  if (due.empty()) return 0;
  Tx tx(db_, /*immediate=*/true, kSubject);
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
    Stmt q(db_, *stmts_, "UPDATE complaints SET status=COALESCE(?,status), next_change_ms=? WHERE id=?");
    if (!next.empty()) q.bind(1, next);
    if (!next.empty() && delay >= 0) q.bind(2, now_ms + delay);
    q.bind(3, d.id).run();
    if (!next.empty()) add_update(d.kiosk, d.id, d.case_no, next, now_ms, status_note(next));
  }
  tx.commit();
  return static_cast<int>(due.size());
}

int64_t SimDb::next_due_ms(int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt q(db_, *stmts_, "SELECT MIN(next_change_ms) FROM complaints WHERE next_change_ms IS NOT NULL");
  if (!q.step() || q.null(0)) return -1;
  const int64_t t = q.i64(0);
  return t <= now_ms ? 0 : t - now_ms;
}

DbCounts SimDb::counts() {
  std::lock_guard<std::mutex> lock(mu_);
  DbCounts c;
  auto one = [&](const char* sql) {
    Stmt q(db_, *stmts_, sql);
    return q.step() ? q.i64(0) : int64_t{0};
  };
  c.complaints = one("SELECT COUNT(*) FROM complaints");
  c.events = one("SELECT COUNT(*) FROM events");
  c.updates = one("SELECT COUNT(*) FROM updates");
  Stmt q(db_, *stmts_, "SELECT status, COUNT(*) FROM complaints GROUP BY status ORDER BY status");
  while (q.step()) c.by_status.emplace_back(q.text(0), q.i64(1));
  return c;
}

std::vector<ComplaintRow> SimDb::list_complaints(size_t limit) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt q(db_, *stmts_,
         "SELECT c.id, c.kiosk_id, c.ticket, c.case_no, c.status, c.respondent_name, c.category_code, c.phone_masked, "
         "c.channel, c.received_ms, (SELECT COUNT(*) FROM events e WHERE e.complaint_id=c.id) "
         "FROM complaints c ORDER BY c.received_ms DESC, c.case_no DESC LIMIT ?");
  q.bind(1, static_cast<int64_t>(limit));
  std::vector<ComplaintRow> rows;
  while (q.step()) {
    ComplaintRow r;
    r.id = q.text(0);
    r.kiosk_id = q.text(1);
    r.ticket = q.text(2);
    r.case_no = q.text(3);
    r.status = q.text(4);
    r.respondent_name = q.text(5);
    r.category_code = q.text(6);
    r.phone_masked = q.text(7);
    r.channel = q.text(8);
    r.received_ms = q.i64(9);
    r.events = static_cast<int>(q.i64(10));
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace odr::sim
