// Staff views of delivery (list, detail timeline, dashboard counts) are the
// platform's: the gateway's outbox rows. The hub's show in the sync panel
// (engine/sync_state.h); held items of either destination are listed.
#include "reports/reports.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "model/json.h"
#include "sqlite/sqlite.h"
#include "staff/atomic_file.h"
#include "util/crypto.h"
#include "util/csv.h"
#include "util/time.h"
#include "util/utf8.h"

namespace odr {

namespace {

// A figure that may have no value (an average of nothing is NULL).
std::optional<double> opt_f64(Stmt& q, int col) { return q.null(col) ? std::nullopt : std::optional<double>(q.f64(col)); }

// --- SQL functions for the calendar ---------------------------------------

struct CalendarContext {
  WorkdayCalendar calendar;
  int working_days;
  int tz_offset_minutes;
  std::unordered_map<int64_t, int64_t> due_by_day;  // many complaints share a filing day
};

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

int64_t local_day_of_ms(int64_t ms, int tz) { return floor_div(floor_div(ms, 1000) + tz * 60, 86400); }
int64_t start_ms_of_day(int64_t day, int tz) { return (day * 86400 - tz * 60) * 1000; }

// odr_local_day(ms): the local date (days since 1970-01-01) of a Unix time in ms.
void sql_local_day(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  auto* c = static_cast<CalendarContext*>(sqlite3_user_data(ctx));
  sqlite3_result_int64(ctx, local_day_of_ms(sqlite3_value_int64(argv[0]), c->tz_offset_minutes));
}

// odr_due_day(created_ms): the due date (a local day) of a complaint filed then.
void sql_due_day(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  auto* c = static_cast<CalendarContext*>(sqlite3_user_data(ctx));
  const int64_t filed = local_day_of_ms(sqlite3_value_int64(argv[0]), c->tz_offset_minutes);
  auto it = c->due_by_day.find(filed);
  if (it == c->due_by_day.end())
    it = c->due_by_day.emplace(filed, add_working_days(c->calendar, filed, c->working_days).day).first;
  sqlite3_result_int64(ctx, it->second);
}

// The complaints as staff see them: outcome, due date, sync state, and the
// moments that the figures measure. Temporary: lives on this connection only.
const char* kStaffView = R"sql(
CREATE TEMP VIEW IF NOT EXISTS staff_complaints AS
SELECT c.id, c.ticket, c.case_no, c.created_at, c.created_ms, c.phone_last4, c.status, c.platform_status, c.json,
  CASE
    WHEN c.status IN ('settled', 'not_settled', 'withdrawn') THEN c.status
    WHEN c.platform_status IN ('settled', 'not_settled') THEN c.platform_status
    WHEN c.platform_status IN ('closed', 'transferred') THEN 'closed'
    ELSE 'open'
  END AS outcome,
  odr_due_day(c.created_ms) AS due_day,
  (SELECT o.state FROM outbox o WHERE o.destination = 'gateway' AND o.kind = 'complaint' AND o.ref_id = c.id) AS sync_state,
  EXISTS (SELECT 1 FROM outbox o WHERE o.complaint_id = c.id AND o.state = 'held') AS held,
  (SELECT min(e.at_ms) FROM events e WHERE e.complaint_id = c.id AND e.type = 'first_response') AS first_response_ms,
  CASE
    WHEN c.status IN ('settled', 'not_settled', 'withdrawn') THEN
      (SELECT min(e.at_ms) FROM events e WHERE e.complaint_id = c.id AND e.type = c.status)
    WHEN c.platform_status IN ('settled', 'not_settled', 'closed', 'transferred') THEN
      (SELECT min(u.at_ms) FROM platform_updates u WHERE u.complaint_id = c.id
         AND u.status IN ('settled', 'not_settled', 'closed', 'transferred'))
  END AS concluded_ms
FROM main.complaints c
)sql";

#define ROW_COLUMNS                                                                                          \
  "id, ticket, case_no, created_at, created_ms, status, outcome, platform_status, coalesce(sync_state, ''), " \
  "held, json_extract(json, '$.consumer.name'), json_extract(json, '$.consumer.phone'), "                     \
  "json_extract(json, '$.respondent.name') "

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

std::string compact_date(int64_t day) {
  std::string d = format_date(day);
  d.erase(std::remove(d.begin(), d.end(), '-'), d.end());
  return d;
}

}  // namespace

const char* to_string(ListFilter f) {
  switch (f) {
    case ListFilter::open: return "open";
    case ListFilter::overdue: return "overdue";
    case ListFilter::settled: return "settled";
    case ListFilter::not_settled: return "not_settled";
    case ListFilter::held: return "held";
    default: return "all";
  }
}

// --- Reports ------------------------------------------------------------------

Reports::Reports(Store& store, const WorkdayCalendar& calendar, int deadline_working_days)
    : store_(store), calendar_(calendar), working_days_(deadline_working_days),
      tz_(store.options().tz_offset_minutes) {
  sqlite3* db = store_.handle();
  auto* ctx = new CalendarContext{calendar, deadline_working_days, tz_, {}};
  // SQLite owns ctx from here (and deletes it with the function or the connection).
  int rc = sqlite3_create_function_v2(db, "odr_due_day", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, ctx, sql_due_day,
                                      nullptr, nullptr, [](void* p) { delete static_cast<CalendarContext*>(p); });
  if (rc != SQLITE_OK) fail(db, rc, "create function odr_due_day");
  auto* ctx2 = new CalendarContext{{}, deadline_working_days, tz_, {}};
  rc = sqlite3_create_function_v2(db, "odr_local_day", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, ctx2, sql_local_day,
                                  nullptr, nullptr, [](void* p) { delete static_cast<CalendarContext*>(p); });
  if (rc != SQLITE_OK) fail(db, rc, "create function odr_local_day");
  exec(db, kStaffView);
}

int64_t Reports::today() const { return local_day_of_ms(store_.now_ms(), tz_); }

static ComplaintRow read_row(Stmt& q, const WorkdayCalendar& cal, int64_t today, int working_days, int tz) {
  ComplaintRow r;
  r.id = q.text(0);
  r.ticket = q.text(1);
  r.case_no = q.text(2);
  r.created_at = q.text(3);
  r.created_ms = q.i64(4);
  r.status = q.text(5);
  r.outcome = q.text(6);
  r.platform_status = q.text(7);
  r.sync_state = q.text(8);
  r.held = q.i64(9) != 0;
  std::string name = q.text(10), phone = q.text(11);
  r.name_masked = mask_name(name);
  r.phone_masked = mask_phone(phone);
  wipe(name);
  wipe(phone);
  r.respondent = q.text(12);
  r.deadline = deadline_for(cal, local_day_of_ms(r.created_ms, tz), today, working_days);
  r.due_date = format_date(r.deadline.due_day);
  return r;
}

std::vector<ComplaintRow> Reports::list(const ListQuery& lq) {
  std::string search = lq.search;
  while (!search.empty() && search.back() == ' ') search.pop_back();
  while (!search.empty() && search.front() == ' ') search.erase(search.begin());
  const bool four_digits =
      search.size() == 4 && std::all_of(search.begin(), search.end(), [](char c) { return c >= '0' && c <= '9'; });
  // The inner query picks the rows (cheap columns only); the outer one
  // fills in the rest for those alone.
  Stmt q(store_.handle(),
          "SELECT " ROW_COLUMNS "FROM temp.staff_complaints WHERE id IN ("
          " SELECT id FROM temp.staff_complaints WHERE "
          " CASE :filter "
          "  WHEN 'open' THEN outcome = 'open' "
          "  WHEN 'overdue' THEN outcome = 'open' AND due_day < :today "
          "  WHEN 'settled' THEN outcome = 'settled' "
          "  WHEN 'not_settled' THEN outcome = 'not_settled' "
          "  WHEN 'held' THEN held "
          "  ELSE 1 END "
          " AND (:search = '' "
          // Four digits: the phone's last four, or the number at the end of a ticket read aloud.
          "  OR (:four AND (phone_last4 = :search OR ticket LIKE '%-' || :search)) "
          "  OR (NOT :four AND (instr(upper(ticket), upper(:search)) > 0 "
          "                     OR (case_no <> '' AND instr(case_no, :search) > 0)))) "
          // Open ones by deadline, most urgent first: the due date only ever
          // grows with the filing time, so filing order is deadline order,
          // without the calendar on every row. Closed ones newest first.
          " ORDER BY CASE WHEN :filter IN ('open', 'overdue') THEN created_ms ELSE -created_ms END, ticket LIMIT :limit) "
          "ORDER BY CASE WHEN :filter IN ('open', 'overdue') THEN created_ms ELSE -created_ms END, ticket");
  const int64_t today = this->today();
  q.bind(":filter", std::string(to_string(lq.filter)))
      .bind(":today", today)
      .bind(":search", search)
      .bind(":four", int64_t{four_digits})
      .bind(":limit", static_cast<int64_t>(lq.limit));
  std::vector<ComplaintRow> rows;
  while (q.step()) rows.push_back(read_row(q, calendar_, today, working_days_, tz_));
  return rows;
}

std::optional<ComplaintDetail> Reports::detail(const std::string& complaint_id) {
  ComplaintDetail d;
  const int64_t today = this->today();
  {
    Stmt q(store_.handle(), "SELECT " ROW_COLUMNS "FROM temp.staff_complaints WHERE id = :id");
    q.bind(":id", complaint_id);
    if (!q.step()) return std::nullopt;
    d.row = read_row(q, calendar_, today, working_days_, tz_);
  }
  auto c = store_.complaint(complaint_id);
  if (!c) return std::nullopt;
  d.complaint = std::move(*c);

  TimelineEntry filed;
  filed.at_ms = d.row.created_ms;
  filed.at = d.row.created_at;
  filed.source = "local";
  filed.kind = "submitted";
  Stmt q(store_.handle(),
          "SELECT e.at_ms, e.at, 'local', e.type, e.json, coalesce(o.state, ''), coalesce(o.last_error, ''), "
          "       e.rowid AS ord "
          "FROM events e LEFT JOIN outbox o ON o.destination = 'gateway' AND o.kind = 'event' AND o.ref_id = e.id "
          "WHERE e.complaint_id = :id "
          "UNION ALL "
          "SELECT u.at_ms, u.at, 'platform', u.status, u.note, '', '', u.id FROM platform_updates u "
          "WHERE u.complaint_id = :id "
          "ORDER BY 1, 3, 8");
  q.bind(":id", complaint_id);
  {
    Stmt s(store_.handle(), "SELECT state, last_error FROM outbox WHERE destination = 'gateway' AND kind = 'complaint' AND ref_id = :id");
    s.bind(":id", complaint_id);
    if (s.step()) {
      filed.sync_state = s.text(0);
      filed.sync_error = s.text(1);
    }
  }
  d.timeline.push_back(filed);
  while (q.step()) {
    TimelineEntry t;
    t.at_ms = q.i64(0);
    t.at = q.text(1);
    t.source = q.text(2);
    t.kind = q.text(3);
    if (t.source == "local") {
      Event e;
      try {
        from_json(nlohmann::json::parse(q.text(4)), e);
      } catch (const nlohmann::json::exception&) {
        // Written by the store from a validated event: unreadable means damaged; show the type alone.
      }
      t.staff_id = e.staff_id;
      t.method = e.method;
      t.data = std::move(e.data);
      t.sync_state = q.text(5);
      t.sync_error = q.text(6);
      if (t.kind == "first_response") d.has_first_response = true;
    } else {
      t.note = q.text(4);
    }
    d.timeline.push_back(std::move(t));
  }
  return d;
}

int64_t Reports::overdue_count() {
  Stmt q(store_.handle(),
          "SELECT count(*) FROM temp.staff_complaints WHERE outcome = 'open' AND due_day < :today");
  q.bind(":today", today());
  return q.step() ? q.i64(0) : 0;
}

Dashboard Reports::dashboard(int days) {
  Dashboard d;
  d.days = std::max(days, 1);
  d.to_day = today();
  d.from_day = d.to_day - d.days + 1;
  const int64_t from_ms = start_ms_of_day(d.from_day, tz_), to_ms = start_ms_of_day(d.to_day + 1, tz_);
  sqlite3* db = store_.handle();
  {
    Stmt q(db,
            "SELECT count(*), "
            "  coalesce(sum(outcome = 'settled'), 0), coalesce(sum(outcome = 'not_settled'), 0), "
            "  coalesce(sum(outcome = 'withdrawn'), 0), coalesce(sum(outcome = 'open'), 0), "
            "  coalesce(sum(outcome <> 'open' AND odr_local_day(concluded_ms) <= due_day), 0), "
            "  coalesce(sum(outcome <> 'open' OR due_day < :today), 0) "
            "FROM temp.staff_complaints WHERE created_ms >= :from AND created_ms < :to");
    q.bind(":today", d.to_day).bind(":from", from_ms).bind(":to", to_ms);
    if (q.step()) {
      d.received = q.i64(0);
      d.settled = q.i64(1);
      d.not_settled = q.i64(2);
      d.withdrawn = q.i64(3);
      d.open = q.i64(4);
      d.on_time = q.i64(5);
      d.on_time_base = q.i64(6);
    }
  }
  if (d.settled + d.not_settled > 0)
    d.settlement_rate = static_cast<double>(d.settled) / static_cast<double>(d.settled + d.not_settled);
  if (d.on_time_base > 0) d.on_time_rate = static_cast<double>(d.on_time) / static_cast<double>(d.on_time_base);
  {
    // Median: the middle value, or the mean of the two middle values.
    Stmt q(db,
           "SELECT first_response_ms - created_ms AS wait FROM temp.staff_complaints "
           "WHERE created_ms >= :from AND created_ms < :to AND first_response_ms IS NOT NULL ORDER BY wait");
    q.bind(":from", from_ms).bind(":to", to_ms);
    std::vector<int64_t> waits;
    while (q.step()) waits.push_back(q.i64(0));
    d.first_responses = static_cast<int64_t>(waits.size());
    if (!waits.empty()) {
      const size_t n = waits.size();
      const double mid = n % 2 ? double(waits[n / 2]) : (double(waits[n / 2 - 1]) + double(waits[n / 2])) / 2;
      d.median_first_response_minutes = mid / 60000.0;
    }
  }
  {
    // Each complaint's latest rating counts once.
    Stmt q(db,
            "SELECT count(*), avg(score) FROM ("
            "  SELECT (SELECT json_extract(e.json, '$.data.score') FROM events e "
            "          WHERE e.complaint_id = c.id AND e.type = 'satisfaction' "
            "          ORDER BY e.at_ms DESC, e.rowid DESC LIMIT 1) AS score "
            "  FROM complaints c WHERE c.created_ms >= :from AND c.created_ms < :to "
            "  AND EXISTS (SELECT 1 FROM events e WHERE e.complaint_id = c.id AND e.type = 'satisfaction'))");
    q.bind(":from", from_ms).bind(":to", to_ms);
    if (q.step()) {
      d.ratings = q.i64(0);
      d.average_satisfaction = opt_f64(q, 1);
    }
  }
  {
    Stmt q(db,
            "SELECT count(*), coalesce(sum(json_extract(json, '$.data.amount_fen')), 0) FROM events "
            "WHERE type = 'compensation_prepaid' AND at_ms >= :from AND at_ms < :to");
    q.bind(":from", from_ms).bind(":to", to_ms);
    if (q.step()) {
      d.compensation_count = q.i64(0);
      d.compensation_fen = q.i64(1);
    }
  }
  d.overdue_now = overdue_count();
  {
    Stmt q(db,
            "SELECT coalesce(sum(state = 'pending'), 0), coalesce(sum(state = 'in_flight'), 0), "
            "       coalesce(sum(state = 'held'), 0) FROM outbox WHERE destination = 'gateway'");
    if (q.step()) {
      d.sync_pending = q.i64(0);
      d.sync_in_flight = q.i64(1);
      d.sync_held = q.i64(2);
    }
  }
  {
    Stmt q(db,
            // One pass over the window's complaints, then every day of it (zero when none).
            "WITH RECURSIVE days(day) AS (SELECT :first UNION ALL SELECT day + 1 FROM days WHERE day < :last), "
            "counts AS (SELECT odr_local_day(created_ms) AS day, count(*) AS n FROM complaints "
            "           WHERE created_ms >= :from AND created_ms < :to GROUP BY 1) "
            "SELECT days.day, coalesce(counts.n, 0) FROM days LEFT JOIN counts ON counts.day = days.day "
            "ORDER BY days.day");
    q.bind(":first", d.from_day).bind(":last", d.to_day).bind(":from", from_ms).bind(":to", to_ms);
    while (q.step()) d.per_day.push_back(q.i64(1));
  }
  return d;
}

std::vector<HeldItem> Reports::held_items(size_t limit) {
  Stmt q(store_.handle(),
          "SELECT o.seq, o.kind, c.ticket, coalesce(e.type, ''), o.last_error, o.attempts FROM outbox o "
          "JOIN complaints c ON c.id = o.complaint_id "
          "LEFT JOIN events e ON o.kind = 'event' AND e.id = o.ref_id "
          "WHERE o.state = 'held' AND o.kind != 'update' ORDER BY o.seq LIMIT :limit");
  q.bind(":limit", static_cast<int64_t>(limit));
  std::vector<HeldItem> items;
  while (q.step()) {
    HeldItem h;
    h.seq = q.i64(0);
    h.kind = q.text(1);
    h.ticket = q.text(2);
    h.event_type = q.text(3);
    h.reason = q.text(4);
    h.attempts = static_cast<int>(q.i64(5));
    items.push_back(std::move(h));
  }
  return items;
}

// --- export -------------------------------------------------------------------

namespace {

// One complaint of an export: its list row, its JSON as stored, and the
// moments the CSV shows.
struct ExportItem {
  ComplaintRow row;
  std::string json;
  int64_t first_response_ms = 0, concluded_ms = 0;
};

// A complaint's events as exported, and the figures the CSV takes from them.
struct ExportEvents {
  nlohmann::json list = nlohmann::json::array();
  int satisfaction = 0;  // the latest rating
  int64_t prepaid_fen = 0;
};

ExportEvents export_events(sqlite3* db, const std::string& complaint_id, bool include_personal) {
  ExportEvents ev;
  Stmt q(db, "SELECT json FROM events WHERE complaint_id = :id ORDER BY at_ms, rowid");
  q.bind(":id", complaint_id);
  while (q.step()) {
    nlohmann::json e = nlohmann::json::parse(q.text(0), nullptr, false);
    if (!e.is_object()) continue;
    if (!e.contains("data") || !e["data"].is_object()) e["data"] = nlohmann::json::object();
    const std::string type = e.value("type", "");
    if (type == "satisfaction") ev.satisfaction = e["data"].value("score", 0);
    if (type == "compensation_prepaid") ev.prepaid_fen += e["data"].value("amount_fen", int64_t{0});
    if (!include_personal) {
      // Free text written by staff or the consumer may name people.
      for (const char* k : {"note", "comment", "reason"})
        if (e["data"].contains(k)) e["data"][k] = "";
    }
    ev.list.push_back(std::move(e));
  }
  return ev;
}

// The stored JSON (an object, even when damaged) and the complaint read from it.
Complaint parse_stored(const std::string& text, nlohmann::json& j) {
  j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) j = nlohmann::json::object();
  Complaint c;
  try {
    from_json(j, c);
  } catch (const nlohmann::json::exception&) {
  }
  return c;
}

// An export without personal data: the name and phone masked as in the
// staff list, the address, the description and the demand's words blank,
// in the CSV's fields and in the JSON alike.
void leave_out_personal(Complaint& c, nlohmann::json& j, const ComplaintRow& row) {
  c.consumer.name = row.name_masked;
  c.consumer.phone = row.phone_masked;
  c.consumer.address = "";
  c.description = "";
  if (j.contains("consumer") && j["consumer"].is_object()) {
    j["consumer"]["name"] = c.consumer.name;
    j["consumer"]["phone"] = c.consumer.phone;
    j["consumer"]["address"] = "";
  }
  j["description"] = "";
  c.demand.text = "";
  if (j.contains("demand") && j["demand"].is_object()) j["demand"]["text"] = "";
}

// The BOM (spreadsheets then read UTF-8, not the local code page) and the
// headers: what a Chinese clerk reads, each with its field name for whoever
// imports the file (the JSON beside it uses the field names alone).
std::string csv_start() {
  static const char* const kColumns[][2] = {
      {"工单号", "ticket"}, {"平台案件号", "case_no"}, {"登记时间", "created_at"}, {"处理结果", "outcome"},
      {"状态", "status"}, {"平台状态", "platform_status"}, {"处理期限", "due_date"}, {"同步状态", "sync_state"},
      {"被投诉方", "respondent"}, {"统一社会信用代码", "credit_code"}, {"铺位号", "booth"},
      {"投诉类型", "category_kind"}, {"分类代码", "category_code"}, {"问题", "problems"},
      {"商品或服务", "purchase_item"}, {"购买日期", "purchase_date"}, {"金额（分）", "purchase_amount_fen"},
      {"诉求", "demand_types"}, {"诉求金额（分）", "demand_amount_fen"}, {"首次响应时间", "first_response_at"},
      {"办结时间", "concluded_at"}, {"满意度", "satisfaction"}, {"先行赔付（分）", "compensation_prepaid_fen"},
      {"投诉人", "consumer_name"}, {"联系电话", "consumer_phone"}, {"地址", "consumer_address"},
      {"投诉内容", "description"}};
  std::vector<std::string> headers;
  for (const auto& col : kColumns) headers.push_back(std::string(col[0]) + " " + col[1]);
  std::string csv = kCsvBom;
  add_csv_line(csv, headers);
  return csv;
}

// One complaint's cells, in the order of csv_start's headers.
std::vector<std::string> csv_cells(const ExportItem& it, const Complaint& c, const ExportEvents& ev, int tz) {
  auto time_of = [&](int64_t ms) { return ms ? format_rfc3339(ms / 1000, tz) : std::string(); };
  const ComplaintRow& r = it.row;
  return {r.ticket, r.case_no, r.created_at, r.outcome, r.status, r.platform_status,
          r.due_date + (r.deadline.estimated ? " (estimate)" : ""), r.sync_state,
          c.respondent.name, c.respondent.credit_code, c.respondent.booth, c.category.kind, c.category.code,
          join(c.category.problems, ";"), c.purchase.item, c.purchase.date, std::to_string(c.purchase.amount_fen),
          join(c.demand.types, ";"), c.demand.amount_fen ? std::to_string(*c.demand.amount_fen) : "",
          time_of(it.first_response_ms), time_of(it.concluded_ms),
          ev.satisfaction ? std::to_string(ev.satisfaction) : "", std::to_string(ev.prepaid_fen), c.consumer.name,
          c.consumer.phone, c.consumer.address, c.description};
}

// One complaint in the JSON file: as sent (masked as asked), what the desk
// knows of it, and its events.
nlohmann::json json_entry(const ComplaintRow& r, nlohmann::json complaint, nlohmann::json events) {
  return {{"complaint", std::move(complaint)},
          {"local",
           {{"status", r.status},
            {"outcome", r.outcome},
            {"platform_status", r.platform_status},
            {"case_no", r.case_no},
            {"due_date", r.due_date},
            {"due_date_estimated", r.deadline.estimated},
            {"sync_state", r.sync_state}}},
          {"events", std::move(events)}};
}

// odr-export-<kiosk>-<from>-<to>-<date and time of the export>.
std::string export_base_name(const std::string& kiosk_id, const ExportRequest& req, int64_t now_s, int tz) {
  std::string stamp = format_rfc3339(now_s, tz).substr(11, 8);
  stamp.erase(std::remove(stamp.begin(), stamp.end(), ':'), stamp.end());
  return "odr-export-" + kiosk_id + "-" + compact_date(req.from_day) + "-" + compact_date(req.to_day) + "-" +
         compact_date(local_day_of_ms(now_s * 1000, tz)) + stamp;
}

// The complaints filed in [from_ms, to_ms), in filing order.
std::vector<ExportItem> export_items(Store& store, const WorkdayCalendar& cal, int working_days, int tz,
                                     int64_t from_ms, int64_t to_ms, int64_t today) {
  std::vector<ExportItem> items;
  Stmt q(store.handle(),
         "SELECT " ROW_COLUMNS ", json, coalesce(first_response_ms, 0), coalesce(concluded_ms, 0) "
         "FROM temp.staff_complaints WHERE created_ms >= :from AND created_ms < :to ORDER BY created_ms, ticket");
  q.bind(":from", from_ms).bind(":to", to_ms);
  while (q.step()) {
    ExportItem it;
    it.row = read_row(q, cal, today, working_days, tz);
    it.json = q.text(13);
    it.first_response_ms = q.i64(14);
    it.concluded_ms = q.i64(15);
    items.push_back(std::move(it));
  }
  return items;
}

}  // namespace

ExportResult Reports::export_period(const ExportRequest& req) {
  namespace fs = std::filesystem;
  if (req.dir.empty()) throw StoreError(StoreError::Kind::io, "export: no export folder configured");
  if (req.to_day < req.from_day) throw StoreError(StoreError::Kind::invalid, "export: the period ends before it starts");
  const int64_t from_ms = start_ms_of_day(req.from_day, tz_), to_ms = start_ms_of_day(req.to_day + 1, tz_);
  std::vector<ExportItem> items = export_items(store_, calendar_, working_days_, tz_, from_ms, to_ms, today());

  std::string csv = csv_start();
  nlohmann::json out_list = nlohmann::json::array();
  for (ExportItem& it : items) {
    nlohmann::json j;
    Complaint c = parse_stored(it.json, j);
    ExportEvents ev = export_events(store_.handle(), it.row.id, req.include_personal);
    if (!req.include_personal) leave_out_personal(c, j, it.row);
    add_csv_line(csv, csv_cells(it, c, ev, tz_));
    out_list.push_back(json_entry(it.row, std::move(j), std::move(ev.list)));
    wipe(it.json);
    wipe(c.consumer.name);
    wipe(c.consumer.phone);
    wipe(c.consumer.address);
    wipe(c.description);
  }
  const int64_t now_s = store_.now_ms() / 1000;
  nlohmann::json doc = {{"format", "odr-export-v1"},
                        {"kiosk_id", store_.options().kiosk_id},
                        {"exported_at", format_rfc3339(now_s, tz_)},
                        {"period", {{"from", format_date(req.from_day)}, {"to", format_date(req.to_day)}}},
                        {"personal_data", req.include_personal},
                        {"complaints", std::move(out_list)}};
  std::string json_text = doc.dump(2) + "\n";

  const std::string base = export_base_name(store_.options().kiosk_id, req, now_s, tz_);
  ExportResult r;
  r.csv_path = (fs::path(req.dir) / (base + ".csv")).string();
  r.json_path = (fs::path(req.dir) / (base + ".json")).string();
  r.complaints = static_cast<int64_t>(items.size());
  try {
    write_file_atomic(r.csv_path, csv, 0600);
    write_file_atomic(r.json_path, json_text, 0600);
  } catch (const std::runtime_error& e) {
    wipe(csv);
    wipe(json_text);
    throw StoreError(StoreError::Kind::io, std::string("export not written: ") + e.what());
  }
  wipe(csv);
  wipe(json_text);
  store_.append_audit(staff_actor(req.staff_id), "staff.export",
                      "from=" + format_date(req.from_day) + " to=" + format_date(req.to_day) +
                          " complaints=" + std::to_string(r.complaints) +
                          " personal=" + (req.include_personal ? "1" : "0"));
  return r;
}

}  // namespace odr
