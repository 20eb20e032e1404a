// The outbox: what still has to reach the platform, in the same SQLite
// file and the same transactions as the complaints and events it carries
// (Store::submit_complaint queues the item with the row). The sync engine
// claims items with a lease, sends them, and marks the answer: delivered,
// held for staff, or released to try again after a backoff. Members of
// Store (store/store.h); the types are in outbox.h.
#include <sqlite3.h>

#include <algorithm>
#include <vector>

#include "store_internal.h"
#include "util/time.h"

namespace odr {

void hold_row(sqlite3* db, StatementCache& sc, int64_t seq, std::string_view reason, std::string_view code, int64_t now_ms) {
  Stmt up(db, sc,
          "UPDATE outbox SET state = 'held', last_error = ?, lease_owner = '', lease_until_ms = 0, held_ms = ?, "
          "held_code = ? WHERE seq = ?");
  up.bind(1, reason).bind(2, now_ms).bind(3, code).bind(4, seq).run();
}

namespace {

OutboxState state_from(const std::string& s) {
  if (s == "in_flight") return OutboxState::in_flight;
  if (s == "delivered") return OutboxState::delivered;
  if (s == "held") return OutboxState::held;
  return OutboxState::pending;
}

OutboxKind kind_from(const std::string& s) {
  if (s == "event") return OutboxKind::event;
  if (s == "update") return OutboxKind::update;
  return OutboxKind::complaint;
}

#define OUTBOX_COLUMNS                                                                                                \
  "o.seq, o.kind, o.ref_id, o.complaint_id, COALESCE(c.json, e.json, o.payload), o.state, o.attempts, "              \
  "o.not_before_ms, o.lease_owner, o.lease_until_ms, o.case_no, o.last_error, o.destination, o.unanswered FROM outbox o " \
  "LEFT JOIN complaints c ON o.kind = 'complaint' AND c.id = o.ref_id "                                           \
  "LEFT JOIN events e ON o.kind = 'event' AND e.id = o.ref_id "

OutboxItem read_item(Stmt& q) {
  OutboxItem it;
  it.seq = q.i64(0);
  it.kind = kind_from(q.text(1));
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
  it.destination = q.text(12);
  it.unanswered = static_cast<int>(q.i64(13));
  return it;
}

// Claimed items (their seqs in temp.claim_seqs) whose stored JSON cannot be
// read are held, not sent: a damaged row would make the whole batch body malformed.
size_t hold_unreadable_in_tx(sqlite3* db, StatementCache& sc, int64_t now) {
  std::vector<int64_t> seqs;
  std::vector<std::string> held;
  {
    Stmt q(db, sc,
           "SELECT seq, kind, ref_id FROM outbox WHERE seq IN (SELECT seq FROM temp.claim_seqs) AND NOT json_valid(COALESCE("
           "  (SELECT c.json FROM complaints c WHERE outbox.kind = 'complaint' AND c.id = outbox.ref_id), "
           "  (SELECT e.json FROM events e WHERE outbox.kind = 'event' AND e.id = outbox.ref_id), outbox.payload))");
    while (q.step()) {
      seqs.push_back(q.i64(0));
      held.push_back("seq=" + std::to_string(q.i64(0)) + " " + q.text(1) + "=" + q.text(2));
    }
  }
  for (int64_t seq : seqs)
    hold_row(db, sc, seq, "unreadable in the local store (damaged JSON): not sent", held_code::unreadable, now);
  if (held.empty()) return 0;
  AuditAppender audit(db, sc);
  for (const std::string& d : held) audit.append(now, "sync", "outbox.held", d + " reason=unreadable");
  return held.size();
}

// The chosen seqs, for the set statements of one claim (SQLite 3.15 under
// SQLCipher has no json_each to pass them as one array).
void set_claim_seqs(sqlite3* db, StatementCache& sc, const std::vector<int64_t>& seqs) {
  exec(db, "CREATE TEMP TABLE IF NOT EXISTS claim_seqs (seq INTEGER PRIMARY KEY)");
  Stmt(db, sc, "DELETE FROM temp.claim_seqs").run();
  for (int64_t seq : seqs) Stmt(db, sc, "INSERT INTO temp.claim_seqs (seq) VALUES (?)").bind(1, seq).run();
}

}  // namespace

const char* to_string(OutboxKind k) {
  switch (k) {
    case OutboxKind::event: return "event";
    case OutboxKind::update: return "update";
    default: return "complaint";
  }
}

bool is_known_destination(std::string_view d) { return d == kGatewayDestination || d == kHubDestination; }

bool Store::has_destination(std::string_view d) const {
  for (const std::string& x : options_.destinations)
    if (x == d) return true;
  return false;
}

const char* to_string(OutboxState s) {
  switch (s) {
    case OutboxState::in_flight: return "in_flight";
    case OutboxState::delivered: return "delivered";
    case OutboxState::held: return "held";
    default: return "pending";
  }
}
// Inside a transaction: the item, or not_found (which rolls the whole batch back).
OutboxRow outbox_row(sqlite3* db, StatementCache& sc, int64_t seq) {
  Stmt q(db, sc, "SELECT kind, ref_id, state, destination FROM outbox WHERE seq = ?");
  q.bind(1, seq);
  if (!q.step()) throw StoreError(StoreError::Kind::not_found, "no outbox item " + std::to_string(seq));
  return {q.text(0), q.text(1), q.text(2), q.text(3)};
}

std::vector<OutboxItem> Store::claim(OutboxKind kind, size_t max, std::string_view owner, int64_t lease_ms,
                                     std::string_view destination) {
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
      // Events and updates (kind ?4) wait for their complaint in the same
      // destination and for earlier ones of their kind.
#define CLAIM_AFTER_COMPLAINT                                                                      \
    " AND EXISTS (SELECT 1 FROM outbox c WHERE c.ref_id = o.complaint_id AND c.kind = 'complaint' "  \
    "             AND c.destination = ?3 AND c.state = 'delivered') "                                \
    " AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.destination = ?3 "                              \
    "                 AND p.state IN ('pending', 'in_flight', 'held') "                              \
    "                 AND p.kind = ?4 AND p.complaint_id = o.complaint_id AND p.seq < o.seq) "
      Stmt q(db_, sc,
             kind == OutboxKind::complaint
                 ? "SELECT seq, unanswered FROM outbox o WHERE destination = ?3 AND state = 'pending' "
                   "AND kind = 'complaint' AND not_before_ms <= ?1 AND ?4 = 'complaint' "
                   "UNION ALL "
                   "SELECT seq, unanswered + 1 FROM outbox o WHERE destination = ?3 AND state = 'in_flight' "
                   "AND kind = 'complaint' "
                   "AND lease_until_ms <= ?1 "
                   "ORDER BY seq LIMIT ?2"
                 : "SELECT seq, unanswered FROM outbox o WHERE destination = ?3 AND state = 'pending' AND kind = ?4 "
                   "AND not_before_ms <= ?1 "
                   CLAIM_AFTER_COMPLAINT
                   "UNION ALL "
                   "SELECT seq, unanswered + 1 FROM outbox o WHERE destination = ?3 AND state = 'in_flight' AND kind = ?4 "
                   "AND lease_until_ms <= ?1 "
                   CLAIM_AFTER_COMPLAINT
                   "ORDER BY seq LIMIT ?2");
#undef CLAIM_AFTER_COMPLAINT
      q.bind(1, now).bind(2, static_cast<int64_t>(max)).bind(3, destination).bind(4, to_string(kind));
      // Items whose sender died with them in flight, before an answer
      // (killed, a power cut, a link too slow for the batch), go in a batch
      // half as large for each such death: a sender that never lives
      // through a whole batch still gets them through, one at a time at
      // worst. Items that never died with a sender keep the full size.
      size_t cap = max;
      while (q.step() && seqs.size() < cap) {
        if (seqs.empty()) cap = std::max<size_t>(1, max >> std::min<int64_t>(q.i64(1), 16));
        seqs.push_back(q.i64(0));
      }
    }
    if (seqs.empty()) {
      tx.commit();
      return items;
    }
    // The chosen seqs in a temp table: one UPDATE and one SELECT for the
    // whole batch instead of two statements per item.
    set_claim_seqs(db_, sc, seqs);
    const size_t held = hold_unreadable_in_tx(db_, sc, now);
    {
      Stmt up(db_, sc,
              "UPDATE outbox SET unanswered = unanswered + (state = 'in_flight'), state = 'in_flight', lease_owner = ?, "
              "lease_until_ms = ?, attempts = attempts + 1 WHERE seq IN (SELECT seq FROM temp.claim_seqs) "
              "AND state != 'held'");
      up.bind(1, owner).bind(2, now + lease_ms).run();
    }
    {
      Stmt q(db_, sc,
             "SELECT " OUTBOX_COLUMNS "WHERE o.seq IN (SELECT seq FROM temp.claim_seqs) AND o.state = 'in_flight' "
             "ORDER BY o.seq");
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

void Store::mark_held(int64_t seq, std::string_view reason, std::string_view code) {
  mark_held(std::vector<HeldMark>{{seq, std::string(reason), std::string(code)}});
}

void Store::release(int64_t seq, std::string_view error, int64_t not_before_ms) {
  release(std::vector<int64_t>{seq}, error, not_before_ms);
}

namespace {

// Marks items in one transaction, an audit record (`action`) for each. An
// item already delivered is left as it is: the platform has it, and a second
// answer for it or a late rejection of a retry changes nothing. mark(m, row)
// updates one item and returns its audit record's detail.
template <typename Mark, typename MarkOne>
void mark_each(sqlite3* db, StatementCache& sc, int64_t now, const std::vector<Mark>& marks, const char* action,
               MarkOne mark) {
  Tx tx(db);
  AuditAppender audit(db, sc);
  for (const Mark& m : marks) {
    OutboxRow row = outbox_row(db, sc, m.seq);
    if (row.state == "delivered") continue;
    audit.append(now, "sync", action, mark(m, row));
  }
  tx.commit();
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
  mark_each(db_, sc, now, marks, "outbox.delivered", [&](const DeliveredMark& m, const OutboxRow& row) {
    Stmt up(db_, sc,
            "UPDATE outbox SET state = 'delivered', case_no = ?, lease_owner = '', lease_until_ms = 0, "
            "last_error = '', delivered_ms = ? WHERE seq = ?");
    up.bind(1, m.case_no).bind(2, now).bind(3, m.seq).run();
    if (row.kind == "complaint" && !m.case_no.empty()) {
      Stmt c(db_, sc, "UPDATE complaints SET case_no = ? WHERE id = ?");
      c.bind(1, m.case_no).bind(2, row.ref_id).run();
      // What only the kiosk learns: the hub hears of the case number too.
      if (row.destination == kGatewayDestination)
        queue_forward_update_in_tx(db_, sc, *this, {row.ref_id, m.case_no, "", format_rfc3339(now / 1000, options_.tz_offset_minutes), ""});
    }
    std::string detail = "seq=" + std::to_string(m.seq) + " " + row.kind + "=" + row.ref_id;
    if (!m.case_no.empty()) detail += " case_no=" + m.case_no;
    return detail;
  });
}

void Store::mark_held(const std::vector<HeldMark>& marks) {
  if (marks.empty()) return;
  const int64_t now = now_ms();
  StatementCache& sc = stmts_->cache;
  check_writable();
  mark_each(db_, sc, now, marks, "outbox.held", [&](const HeldMark& m, const OutboxRow& row) {
    hold_row(db_, sc, m.seq, m.reason, m.code.empty() ? held_code::other : m.code, now);
    // The reason may quote what was typed: it stays in the outbox, not in the audit log.
    return "seq=" + std::to_string(m.seq) + " " + row.kind + "=" + row.ref_id;
  });
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

int64_t Store::retry_held(std::string_view actor, std::string_view destination) {
  const int64_t now = now_ms();
  StatementCache& sc = stmts_->cache;
  check_writable();
  Tx tx(db_);
  Stmt up(db_, sc,
          "UPDATE outbox SET state = 'pending', not_before_ms = 0 WHERE state = 'held' AND (?1 = '' OR destination = ?1)");
  up.bind(1, destination).run();
  int64_t n = sqlite3_changes(db_);
  std::string detail = "count=" + std::to_string(n);
  if (!destination.empty()) detail += " destination=" + std::string(destination);
  if (n > 0) append_audit_in_tx(db_, sc, now, actor.empty() ? "staff" : actor, "outbox.retry_held", detail);
  tx.commit();
  return n;
}

OutboxCounts Store::outbox_counts(std::string_view destination) {
  OutboxCounts counts;
  Stmt q(db_, stmts_->cache, "SELECT state, count(*) FROM outbox WHERE destination = ? GROUP BY state");
  q.bind(1, destination);
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

std::vector<OutboxItem> Store::outbox_items(OutboxState state, size_t limit, std::string_view destination) {
  std::vector<OutboxItem> items;
  Stmt q(db_, stmts_->cache,
         "SELECT " OUTBOX_COLUMNS "WHERE o.state = ? AND o.destination = ? ORDER BY o.seq LIMIT ?");
  q.bind(1, to_string(state)).bind(2, destination).bind(3, static_cast<int64_t>(limit));
  while (q.step()) items.push_back(read_item(q));
  return items;
}

int64_t Store::next_due_ms(std::string_view destination) {
  Stmt q(db_, stmts_->cache, "SELECT min(not_before_ms) FROM outbox WHERE destination = ? AND state = 'pending'");
  q.bind(1, destination);
  return q.step() && !q.null(0) ? q.i64(0) : 0;
}

// Newest held first; a complaint's ticket, never its JSON.
std::vector<HeldSummary> Store::recent_held(std::string_view destination, size_t limit) {
  std::vector<HeldSummary> out;
  Stmt q(db_, stmts_->cache,
         "SELECT o.kind, coalesce(c.ticket, ''), o.held_code, o.last_error, o.held_ms FROM outbox o "
         "LEFT JOIN complaints c ON o.kind = 'complaint' AND c.id = o.ref_id "
         "WHERE o.state = 'held' AND o.destination = ? ORDER BY o.held_ms DESC, o.seq DESC LIMIT ?");
  q.bind(1, destination).bind(2, static_cast<int64_t>(limit));
  while (q.step()) {
    HeldSummary h;
    h.kind = kind_from(q.text(0));
    h.ticket = q.text(1);
    h.code = q.text(2).empty() ? held_code::other : q.text(2);
    h.reason = q.text(3);
    h.held_ms = q.i64(4);
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace odr
