// Index of this file:
// [SECTION] Kiosk keys and nonces
// [SECTION] Complaints: rows, the insert, the answers
// [SECTION] Events
// [SECTION] Platform updates forwarded by kiosks
// [SECTION] Heartbeats and the purge

#include "intake_db.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "model/json.h"
#include "protocol/intake.h"
#include "protocol/signing.h"
#include "util/crypto.h"
#include "util/time.h"
#include "util/uuid.h"

namespace odr::hub {

namespace {

using nlohmann::json;

std::string lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

Param opt_text(const std::string& s) { return s.empty() ? Param() : Param(s); }

// {"a","b"} for a uuid[] or text[] parameter; the values are UUIDs (no quoting needed).
std::string uuid_array(const std::vector<std::string>& ids) {
  std::string out = "{";
  for (const auto& id : ids) out += (out.size() > 1 ? "," : "") + id;
  return out + "}";
}

// id (lowercase) -> kiosk of every stored item among ids (UUIDs only).
std::map<std::string, std::string> owners(PgConn& c, const char* table, const std::vector<std::string>& ids) {
  std::map<std::string, std::string> out;
  if (ids.empty()) return out;
  PgResult r = c.exec(std::string("SELECT id::text, kiosk_id FROM ") + table + " WHERE id = ANY($1::uuid[])",
                      {uuid_array(ids)});
  for (int i = 0; i < r.rows(); ++i) out[r.text(i, 0)] = r.text(i, 1);
  return out;
}

// What every item gets before it is stored: the id as sent, the rule it broke.
struct Checked {
  std::string id;     // as sent
  std::string id_lc;  // lowercase, "" when not a UUID
  ItemError invalid;
};

// The answer for an item that was not stored now, from who holds its id.
bool answer_known(const Checked& k, const std::map<std::string, std::string>& held, const std::string& kiosk,
                  ItemResult& r) {
  auto it = k.id_lc.empty() ? held.end() : held.find(k.id_lc);
  if (it == held.end()) return false;
  if (it->second == kiosk) {
    r.status = item_status::duplicate;
  } else {
    r.status = item_status::rejected;
    r.error = {wire_err::id_conflict, "id", "this id is held for another kiosk"};
  }
  return true;
}

// Accepted: the first item of each id the insert returned; the rest need a look-up.
std::vector<bool> mark_inserted(const std::vector<Checked>& ks, const std::set<std::string>& inserted,
                                std::vector<ItemResult>& out) {
  std::vector<bool> done(ks.size(), false);
  std::set<std::string> claimed;
  for (size_t i = 0; i < ks.size(); ++i) {
    out[i].id = ks[i].id;
    if (ks[i].invalid.code.empty() && inserted.count(ks[i].id_lc) && claimed.insert(ks[i].id_lc).second) {
      out[i].status = item_status::accepted;
      done[i] = true;
    }
  }
  return done;
}

std::vector<std::string> ids_to_look_up(const std::vector<Checked>& ks, const std::vector<bool>& done) {
  std::vector<std::string> ids;
  for (size_t i = 0; i < ks.size(); ++i)
    if (!done[i] && !ks[i].id_lc.empty()) ids.push_back(ks[i].id_lc);
  return ids;
}

Checked checked_id(const json& item) {
  Checked k;
  k.id = string_at(item, "id");
  if (is_uuid(k.id)) k.id_lc = lower(k.id);
  return k;
}

}  // namespace

// -----------------------------------------------------------------------------
// [SECTION] Kiosk keys and nonces
// -----------------------------------------------------------------------------

std::optional<std::string> kiosk_key(PgConn& c, const std::string& kiosk) {
  PgResult r = c.exec_prepared("odr_kiosk_key", "SELECT encode(key, 'base64') FROM kiosks WHERE id = $1", {kiosk});
  if (r.rows() == 0) return std::nullopt;
  std::string b64 = r.text(0, 0);
  std::string key = decode_key(b64);
  wipe(b64);
  return key;
}

namespace {

// In the caller's transaction. A row comes back when the nonce is new or
// was last seen before the window. Empty: nothing to remember.
bool nonce_is_new(PgConn& c, const std::string& kiosk, const std::string& nonce, int64_t now_s) {
  if (nonce.empty()) return true;
  PgResult r = c.exec_prepared(
      "odr_nonce",
      "INSERT INTO nonces (kiosk_id, nonce, seen_at) VALUES ($1, $2, to_timestamp($3)) "
      "ON CONFLICT (kiosk_id, nonce) DO UPDATE SET seen_at = excluded.seen_at "
      "WHERE nonces.seen_at < excluded.seen_at - make_interval(secs => $4) RETURNING 1",
      {kiosk, nonce, std::to_string(now_s), std::to_string(kNonceWindowS)});
  return r.rows() == 1;
}

}  // namespace

bool remember_nonce(PgConn& c, const std::string& kiosk, const std::string& nonce, int64_t now_s) {
  // Committed without waiting for the disk: its request stored nothing, so
  // a nonce lost in a crash lets a replay store nothing either.
  PgTx tx(c);
  c.exec_script("SET LOCAL synchronous_commit = off");
  const bool fresh = nonce_is_new(c, kiosk, nonce, now_s);
  tx.commit();
  return fresh;
}

int64_t forget_old_nonces(PgConn& c, int64_t now_s) {
  PgResult r = c.exec("WITH d AS (DELETE FROM nonces WHERE seen_at < to_timestamp($1) RETURNING 1) SELECT count(*) FROM d",
                      {std::to_string(now_s - kNonceWindowS)});
  return r.integer(0, 0);
}

// -----------------------------------------------------------------------------
// [SECTION] Complaints: rows, the insert, the answers
// -----------------------------------------------------------------------------

namespace {

// One complaint as a row for jsonb_to_recordset: the columns, then the
// personal policy applied to what is kept (columns and payload alike).
json complaint_row(Complaint& c, const IntakeRules& rules) {
  const std::optional<int64_t> day = local_day_of(c.created_at, 480);  // the calendar is China's
  WorkingDate due = add_working_days(*rules.calendar, day.value_or(0), rules.deadline_working_days);
  apply_personal_policy(c, rules.personal);
  json row = {{"id", c.id},
              {"ticket", c.ticket},
              {"filed_at", c.created_at},
              {"channel", c.channel},
              {"business_name", c.respondent.name},
              {"business_credit_code", c.respondent.credit_code},
              {"business_region_code", c.respondent.region_code},
              {"category_kind", c.category.kind},
              {"category_code", c.category.code},
              {"problems", c.category.problems},
              {"purchase_amount_fen", c.purchase.amount_fen},
              {"demand_types", c.demand.types},
              {"demand_amount_fen", c.demand.amount_fen ? json(*c.demand.amount_fen) : json(nullptr)},
              {"deadline", format_date(due.day)},
              {"deadline_estimated", due.estimated},
              {"payload", json(c)}};
  for (auto [key, value] : {std::pair{"consumer_name", &c.consumer.name}, std::pair{"consumer_phone", &c.consumer.phone},
                            std::pair{"consumer_address", &c.consumer.address}})
    row[key] = value->empty() ? json(nullptr) : json(*value);
  wipe_complaint(c);
  return row;
}

const char* kInsertComplaints = R"SQL(
INSERT INTO complaints (id, kiosk_id, store_id, ticket, filed_at, channel, business_name, business_credit_code,
  business_region_code, category_kind, category_code, problems, purchase_amount_fen, demand_types,
  demand_amount_fen, deadline, deadline_estimated, personal_policy, consumer_name, consumer_phone,
  consumer_address, payload)
SELECT r.id, k.id, k.store_id, r.ticket, r.filed_at, r.channel, r.business_name, r.business_credit_code,
  r.business_region_code, r.category_kind, r.category_code, r.problems, r.purchase_amount_fen, r.demand_types,
  r.demand_amount_fen, r.deadline, r.deadline_estimated, $3, r.consumer_name, r.consumer_phone,
  r.consumer_address, r.payload
FROM jsonb_to_recordset($2::jsonb) AS r(id uuid, ticket text, filed_at timestamptz, channel text,
  business_name text, business_credit_code text, business_region_code text, category_kind text,
  category_code text, problems text[], purchase_amount_fen bigint, demand_types text[], demand_amount_fen bigint,
  deadline date, deadline_estimated boolean, consumer_name text, consumer_phone text, consumer_address text,
  payload jsonb, ord bigint)
JOIN kiosks k ON k.id = $1
ORDER BY r.id, r.ord  -- every process takes the rows' locks in one order: no deadlock between hubs
ON CONFLICT DO NOTHING
RETURNING id::text
)SQL";

// One statement for the whole batch, prepared once per connection.
std::set<std::string> insert_rows(PgConn& c, const char* name, const char* sql, const std::vector<Param>& params) {
  std::set<std::string> out;
  PgResult r = c.exec_prepared(name, sql, params);
  for (int i = 0; i < r.rows(); ++i) out.insert(r.text(i, 0));
  return out;
}

std::string last_ticket(PgConn& c, const std::string& kiosk) {
  PgResult r = c.exec("SELECT ticket FROM complaints WHERE kiosk_id = $1 ORDER BY seq DESC LIMIT 1", {kiosk});
  return r.rows() ? r.text(0, 0) : std::string();
}

}  // namespace

std::optional<std::vector<ItemResult>> store_complaints(PgConn& c, const std::string& kiosk, const json& items,
                                                        const IntakeRules& rules, int64_t now_s, const std::string& nonce) {
  ValidationContext ctx;
  ctx.now_unix_s = now_s;
  std::vector<Checked> ks;
  json rows = json::array();
  for (const json& item : items) {
    Checked k = checked_id(item);
    Complaint x;
    k.invalid = check_complaint_item(item, kiosk, ctx, x);
    if (k.invalid.code.empty()) {
      rows.push_back(complaint_row(x, rules));
      rows.back()["ord"] = ks.size();  // the item's place: the first copy of an id is the accepted one
    }
    wipe_complaint(x);
    ks.push_back(std::move(k));
  }
  PgTx tx(c);
  if (!nonce_is_new(c, kiosk, nonce, now_s)) return std::nullopt;
  std::set<std::string> inserted;
  if (!rows.empty()) inserted = insert_rows(c, "odr_insert_complaints", kInsertComplaints, {kiosk, rows.dump(), to_string(rules.personal)});
  std::vector<ItemResult> out(ks.size());
  std::vector<bool> done = mark_inserted(ks, inserted, out);
  const auto held = owners(c, "complaints", ids_to_look_up(ks, done));
  for (size_t i = 0; i < ks.size(); ++i) {
    if (done[i] || answer_known(ks[i], held, kiosk, out[i])) continue;
    out[i].status = item_status::rejected;
    out[i].error = ks[i].invalid.code.empty()
                       ? ItemError{wire_err::ticket_conflict, "ticket",
                                   "this kiosk already used the ticket for another complaint", last_ticket(c, kiosk)}
                       : ks[i].invalid;
  }
  if (rules.before_commit) rules.before_commit();
  tx.commit();
  return out;
}

// -----------------------------------------------------------------------------
// [SECTION] Events
// -----------------------------------------------------------------------------

namespace {

// Stores the events whose complaint this kiosk delivered here, then folds
// them into the complaint's facts the dashboard reads (schema v3, figures.h):
// status for settled / withdrawn (the latest of the batch wins, unless the
// complaint has ended already), the first desk settlement, a desk
// not_settled, the first final outcome, compensation sums, the latest
// satisfaction. Each fold is order-free (least, greatest, sums of rows
// inserted now), so batches may arrive in any order and two hubs at once
// fold the same: the SET runs again on the locked row's newest version.
// One UPDATE: a statement may change a row only once.
const char* kInsertEvents = R"SQL(
WITH ins AS (
  INSERT INTO events (id, complaint_id, kiosk_id, type, at, payload)
  SELECT r.id, r.complaint_id, $1, r.type, r.at, r.payload
  FROM jsonb_to_recordset($2::jsonb) AS r(id uuid, complaint_id uuid, type text,
    at timestamptz, payload jsonb, ord bigint)
  JOIN complaints c ON c.id = r.complaint_id AND c.kiosk_id = $1
  ORDER BY r.id, r.ord
  ON CONFLICT DO NOTHING
  RETURNING id, complaint_id, type, at, payload
), a AS (
  SELECT complaint_id,
    (array_agg(CASE type WHEN 'settled' THEN 'settled' ELSE 'closed' END ORDER BY at DESC)
      FILTER (WHERE type IN ('settled', 'withdrawn')))[1] AS next,
    max(at) FILTER (WHERE type IN ('settled', 'withdrawn')) AS next_at,
    min(at) FILTER (WHERE type = 'settled') AS settled_at,
    bool_or(type = 'not_settled') AS not_settled,
    min(at) FILTER (WHERE type IN ('settled', 'not_settled', 'withdrawn')) AS final_at,
    count(*) FILTER (WHERE type = 'compensation_prepaid') AS comp_n,
    coalesce(sum((payload->'data'->>'amount_fen')::bigint) FILTER (WHERE type = 'compensation_prepaid'), 0) AS comp_fen,
    (array_agg((payload->'data'->>'score')::smallint ORDER BY at DESC) FILTER (WHERE type = 'satisfaction'))[1] AS score,
    max(at) FILTER (WHERE type = 'satisfaction') AS score_at
  FROM ins GROUP BY complaint_id
), moved AS (
  UPDATE complaints c SET
    status = CASE WHEN a.next IS NOT NULL AND c.status NOT IN ('settled', 'not_settled', 'closed') THEN a.next
                  ELSE c.status END,
    status_at = CASE WHEN a.next IS NOT NULL AND c.status NOT IN ('settled', 'not_settled', 'closed') THEN a.next_at
                     ELSE c.status_at END,
    desk_settled_at = least(c.desk_settled_at, a.settled_at),
    desk_not_settled = c.desk_not_settled OR a.not_settled,
    outcome_at = least(c.outcome_at, a.final_at),
    outcome_day = (least(c.outcome_at, a.final_at) AT TIME ZONE 'Asia/Shanghai')::date,
    compensation_count = c.compensation_count + a.comp_n,
    compensation_fen = c.compensation_fen + a.comp_fen,
    satisfaction = CASE WHEN a.score_at >= coalesce(c.satisfaction_at, '-infinity') THEN a.score ELSE c.satisfaction END,
    satisfaction_at = greatest(c.satisfaction_at, a.score_at)
  FROM a WHERE c.id = a.complaint_id  -- a batch of first responses only changes nothing: no new row version
    AND (a.next IS NOT NULL OR a.settled_at IS NOT NULL OR a.not_settled OR a.final_at IS NOT NULL OR a.comp_n > 0
         OR a.score_at IS NOT NULL)
  RETURNING 1
)
SELECT id::text FROM ins
)SQL";

}  // namespace

namespace {

// Stores the rows of items that passed their rules (one transaction) and
// answers each: accepted when inserted now; duplicate or id_conflict when
// the id is held; the item's rule; else unknown_complaint (the insert joins
// only complaints this kiosk delivered here).
std::optional<std::vector<ItemResult>> store_for_complaints(PgConn& c, const std::string& kiosk,
                                                            const std::vector<Checked>& ks, const json& rows,
                                                            const char* name, const char* sql, const char* table,
                                                            const IntakeRules& rules, int64_t now_s,
                                                            const std::string& nonce) {
  PgTx tx(c);
  if (!nonce_is_new(c, kiosk, nonce, now_s)) return std::nullopt;
  std::set<std::string> inserted;
  if (!rows.empty()) inserted = insert_rows(c, name, sql, {kiosk, rows.dump()});
  std::vector<ItemResult> out(ks.size());
  std::vector<bool> done = mark_inserted(ks, inserted, out);
  const auto held = owners(c, table, ids_to_look_up(ks, done));
  for (size_t i = 0; i < ks.size(); ++i) {
    if (done[i] || answer_known(ks[i], held, kiosk, out[i])) continue;
    out[i].status = item_status::rejected;
    out[i].error = ks[i].invalid.code.empty() ? ItemError{wire_err::unknown_complaint, "complaint_id",
                                                          "the hub holds no such complaint of this kiosk"}
                                              : ks[i].invalid;
  }
  if (rules.before_commit) rules.before_commit();
  tx.commit();
  return out;
}

}  // namespace

std::optional<std::vector<ItemResult>> store_events(PgConn& c, const std::string& kiosk, const json& items,
                                                    const IntakeRules& rules, int64_t now_s, const std::string& nonce) {
  ValidationContext ctx;
  ctx.now_unix_s = now_s;
  std::vector<Checked> ks;
  json rows = json::array();
  for (const json& item : items) {
    Checked k = checked_id(item);
    Event e;
    k.invalid = check_event_item(item, ctx, e);
    if (k.invalid.code.empty())
      rows.push_back({{"id", e.id}, {"complaint_id", e.complaint_id}, {"type", e.type}, {"at", e.at},
                      {"payload", json(e)}, {"ord", ks.size()}});
    ks.push_back(std::move(k));
  }
  return store_for_complaints(c, kiosk, ks, rows, "odr_insert_events", kInsertEvents, "events", rules, now_s, nonce);
}

// -----------------------------------------------------------------------------
// [SECTION] Platform updates forwarded by kiosks
// -----------------------------------------------------------------------------

namespace {

// Stores the updates whose complaint this kiosk delivered here, then moves
// the complaint to the latest of them: status / status_at and case_no /
// case_no_at each only when the update's `at` is not older than what the
// complaint holds (updates arrive out of order; an older one is history
// only). It folds the dashboard's platform facts too (schema v3): the
// platform's own latest status, its first status, the first final outcome. The comparisons are in the UPDATE's SET, which PostgreSQL
// evaluates again on the locked row's newest version, so two hubs storing
// updates of one complaint at once still leave the latest.
const char* kInsertUpdates = R"SQL(
WITH ins AS (
  INSERT INTO platform_updates (id, complaint_id, kiosk_id, case_no, status, at, note)
  SELECT r.id, r.complaint_id, $1, r.case_no, r.status, r.at, r.note
  FROM jsonb_to_recordset($2::jsonb) AS r(id uuid, complaint_id uuid, case_no text, status text,
    at timestamptz, note text, ord bigint)
  JOIN complaints c ON c.id = r.complaint_id AND c.kiosk_id = $1
  ORDER BY r.id, r.ord
  ON CONFLICT DO NOTHING
  RETURNING id, complaint_id, case_no, status, at
), l AS (  -- one row per complaint: one UPDATE may change a row only once
  SELECT complaint_id,
    (array_agg(status ORDER BY at DESC, id DESC) FILTER (WHERE status IS NOT NULL))[1] AS status,
    max(at) FILTER (WHERE status IS NOT NULL) AS status_at,
    (array_agg(case_no ORDER BY at DESC, id DESC) FILTER (WHERE case_no IS NOT NULL))[1] AS case_no,
    max(at) FILTER (WHERE case_no IS NOT NULL) AS case_no_at,
    min(at) FILTER (WHERE status IS NOT NULL) AS first_at,
    min(at) FILTER (WHERE status IN ('settled', 'not_settled', 'closed')) AS final_at
  FROM ins GROUP BY complaint_id
), moved AS (
  UPDATE complaints c SET
    status = CASE WHEN l.status_at >= coalesce(c.status_at, '-infinity') THEN l.status ELSE c.status END,
    status_at = CASE WHEN l.status_at >= coalesce(c.status_at, '-infinity') THEN l.status_at ELSE c.status_at END,
    case_no = CASE WHEN l.case_no_at >= coalesce(c.case_no_at, '-infinity') THEN l.case_no ELSE c.case_no END,
    case_no_at = CASE WHEN l.case_no_at >= coalesce(c.case_no_at, '-infinity') THEN l.case_no_at ELSE c.case_no_at END,
    platform_status = CASE WHEN l.status_at >= coalesce(c.platform_status_at, '-infinity') THEN l.status
                           ELSE c.platform_status END,
    platform_status_at = greatest(c.platform_status_at, l.status_at),
    first_platform_at = least(c.first_platform_at, l.first_at),
    outcome_at = least(c.outcome_at, l.final_at),
    outcome_day = (least(c.outcome_at, l.final_at) AT TIME ZONE 'Asia/Shanghai')::date
  FROM l WHERE c.id = l.complaint_id
  RETURNING 1
)
SELECT id::text FROM ins
)SQL";

}  // namespace

std::optional<std::vector<ItemResult>> store_updates(PgConn& c, const std::string& kiosk, const json& items,
                                                     const IntakeRules& rules, int64_t now_s, const std::string& nonce) {
  std::vector<Checked> ks;
  json rows = json::array();
  for (const json& item : items) {
    Checked k = checked_id(item);
    ForwardedUpdate u;
    k.invalid = check_update_item(item, u);
    if (k.invalid.code.empty())
      rows.push_back({{"id", u.id}, {"complaint_id", u.complaint_id},
                      {"case_no", u.case_no.empty() ? json(nullptr) : json(u.case_no)},
                      {"status", u.status.empty() ? json(nullptr) : json(u.status)}, {"at", u.at},
                      {"note", u.note.empty() ? json(nullptr) : json(u.note)}, {"ord", ks.size()}});
    ks.push_back(std::move(k));
  }
  return store_for_complaints(c, kiosk, ks, rows, "odr_insert_updates", kInsertUpdates, "platform_updates", rules,
                              now_s, nonce);
}

// -----------------------------------------------------------------------------
// [SECTION] Heartbeats and the purge
// -----------------------------------------------------------------------------

bool store_heartbeat(PgConn& c, const std::string& kiosk, const Heartbeat& h, int64_t now_s, const std::string& nonce) {
  PgTx tx(c);
  if (!nonce_is_new(c, kiosk, nonce, now_s)) return false;
  c.exec_prepared("odr_heartbeat", R"SQL(
WITH h AS (
  INSERT INTO heartbeats (kiosk_id, version, outbox, last_gateway_success, clock_offset_s, disk_free_bytes,
    printer, last_complaint_at)
  VALUES ($1, $2, $3::jsonb, $4::timestamptz, $5, $6, $7, $8::timestamptz)
  RETURNING id, kiosk_id, received_at)
INSERT INTO kiosk_last_heartbeat (kiosk_id, heartbeat_id, received_at)
SELECT kiosk_id, id, received_at FROM h
ON CONFLICT (kiosk_id) DO UPDATE SET heartbeat_id = excluded.heartbeat_id, received_at = excluded.received_at
WHERE kiosk_last_heartbeat.received_at <= excluded.received_at
)SQL",
         {kiosk, h.version, outbox_json_text(h), opt_text(h.last_gateway_success), std::to_string(h.clock_offset_s),
          h.disk_free_bytes ? Param(std::to_string(*h.disk_free_bytes)) : Param(), opt_text(h.printer),
          opt_text(h.last_complaint_at)});
  tx.commit();
  return true;
}

int64_t purge_personal(PgConn& c, int retention_days) {
  // The payload's personal fields from the one list (model/personal.h).
  std::string payload = "payload";
  for (const PersonalJsonField& f : personal_json_fields()) {
    std::string path = *f.object ? std::string("{") + f.object + "," + f.key + "}" : std::string("{") + f.key + "}";
    payload = "jsonb_set(" + payload + ", '" + path + "', '\"\"', false)";
  }
  PgResult r = c.exec(
      "WITH p AS (UPDATE complaints SET consumer_name = NULL, consumer_phone = NULL, consumer_address = NULL, "
      "personal_policy = 'none', payload = " + payload +
          " WHERE filed_at < now() - make_interval(days => $1) AND personal_policy <> 'none' RETURNING 1) "
          "SELECT count(*) FROM p",
      {std::to_string(retention_days)});
  return r.integer(0, 0);
}

}  // namespace odr::hub
