// The local store. One SQLite file in WAL mode with synchronous=FULL: a
// COMMIT that returned is on the disk. Every write runs in BEGIN IMMEDIATE,
// so two processes on the same file take turns (busy timeout) instead of
// failing half-way, and a failure rolls everything back: no partial rows.
//
// The Store's members live in one file per job:
//   store.cpp         submits, events, tickets (and re-ticketing after a
//                     ticket_conflict), platform updates, shared state, reads
//   schema.cpp        opening, the checks before any write, kMigrations
//   audit.cpp         the hash-chained audit log and its verification
//   purge.cpp         the retention purge of personal data
//   ../outbox/        the outbox: claim, leases, marks, counts
//   ../sqlite/        the SQLite layer all of them use (Stmt, Tx, errors)
#include <sqlite3.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "model/json.h"
#include "model/personal.h"
#include "store_internal.h"
#include "util/crypto.h"  // wipe
#include "util/time.h"
#include "util/uuid.h"

namespace odr {

namespace {

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
// (SQLite 3.15 under SQLCipher: no UPSERT, no RETURNING; a row made first,
// then changed, in the caller's transaction.)
void ensure_ticket_counter(sqlite3* db, StatementCache& sc, const std::string& prefix, const std::string& day) {
  Stmt ins(db, sc, "INSERT OR IGNORE INTO ticket_counters (prefix, day, last) VALUES (?, ?, 0)");
  ins.bind(1, prefix).bind(2, day).run();
}

void raise_ticket_counter(sqlite3* db, StatementCache& sc, const std::string& prefix, const std::string& day, int64_t n) {
  ensure_ticket_counter(db, sc, prefix, day);
  Stmt up(db, sc, "UPDATE ticket_counters SET last = max(last, ?3) WHERE prefix = ?1 AND day = ?2");
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
      ensure_ticket_counter(db, sc, prefix, day);
      Stmt up(db, sc, "UPDATE ticket_counters SET last = last + ?3 WHERE prefix = ?1 AND day = ?2");
      up.bind(1, prefix).bind(2, day).bind(3, step).run();
      Stmt next(db, sc, "SELECT last FROM ticket_counters WHERE prefix = ?1 AND day = ?2");
      next.bind(1, prefix).bind(2, day);
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

int64_t Store::now_ms() const { return options_.clock_ms ? options_.clock_ms() : now_unix_ms(); }
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
  queue_item_in_tx(db_, sc, *this, "complaint", c.id, c.id, now);
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
  queue_item_in_tx(db_, sc, *this, "event", e.id, e.complaint_id, now);
  if (const char* status = local_status_after(e.type)) {
    Stmt up(db_, sc, "UPDATE complaints SET status = ? WHERE id = ?");
    up.bind(1, status).bind(2, e.complaint_id).run();
  }
  std::string actor = !audit_actor.empty() ? std::string(audit_actor)
                      : !e.staff_id.empty() ? staff_actor(e.staff_id)
                                            : std::string("consumer");
  append_audit_in_tx(db_, sc, now, actor, "event." + e.type,
                     "id=" + e.id + " complaint=" + e.complaint_id + " ticket=" + ticket);
  tx.commit();
  return e.id;
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
    hold_row(db_, sc, seq,
             "rejected by the gateway: ticket_conflict " + std::to_string(r.conflicts) + " times in a row (ticket " +
                 r.old_ticket + "); not re-ticketed again: check kiosk.id and kiosk.ticket_prefix",
             held_code::ticket_conflict, now);
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
    Stmt q(db_, sc,
           "SELECT complaint_id, old_ticket, new_ticket FROM ticket_changes "
           "WHERE acknowledged_ms = 0 AND (?1 = '' OR complaint_id = ?1) ORDER BY id");
    q.bind(1, complaint_id);
    while (q.step()) details.push_back("complaint=" + q.text(0) + " old_ticket=" + q.text(1) + " new_ticket=" + q.text(2));
    Stmt up(db_, sc,
            "UPDATE ticket_changes SET acknowledged_ms = ?1, acknowledged_by = ?2 "
            "WHERE acknowledged_ms = 0 AND (?3 = '' OR complaint_id = ?3)");
    up.bind(1, now).bind(2, who).bind(3, complaint_id).run();
  }
  AuditAppender audit(db_, sc);
  for (const std::string& d : details) audit.append(now, who, "complaint.reticket_seen", d);
  tx.commit();
  return static_cast<int64_t>(details.size());
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
    if (sqlite3_changes(db_) > 0) ++applied;
    queue_forward_update_in_tx(db_, sc, *this, {u.complaint_id, u.case_no, u.status, u.at, u.note});
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
           "INSERT OR REPLACE INTO sync_state (key, value, updated_ms) VALUES ('updates_cursor', ?, ?)");
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
         "INSERT OR REPLACE INTO sync_state (key, value, updated_ms) VALUES (?, ?, ?)");
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
             "INSERT OR REPLACE INTO sync_state (key, value, updated_ms) VALUES (?, ?, ?)");
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

std::string Store::last_complaint_at() {
  Stmt q(db_, stmts_->cache, "SELECT created_at FROM complaints ORDER BY rowid DESC LIMIT 1");
  return q.step() ? q.text(0) : std::string();
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

}  // namespace odr
