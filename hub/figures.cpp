// Index of this file:
// [SECTION] Figures: rates and sums
// [SECTION] The period's figures per store, region, chain (the rollup)
// [SECTION] Open complaints
// [SECTION] Kiosks to look at

#include "figures.h"

#include <algorithm>
#include <map>

#include "util/time.h"

namespace odr::hub {

namespace {

// The scope as the last two parameters ('' = any), the same in each query.
std::vector<Param> scoped(std::vector<Param> params, const Scope& s) {
  params.push_back(s.store.empty() ? s.region : std::string());
  params.push_back(s.store);
  return params;
}

int64_t local_today(int64_t now_s) { return (now_s + kChinaOffsetMinutes * 60) / 86400; }

}  // namespace

// -----------------------------------------------------------------------------
// [SECTION] Figures: rates and sums
// -----------------------------------------------------------------------------

std::optional<double> Figures::settlement_rate() const {
  const int64_t decided = settled() + not_settled;
  if (decided == 0) return std::nullopt;
  return static_cast<double>(settled()) / static_cast<double>(decided);
}

std::optional<double> Figures::on_time_rate() const {
  if (on_time + late == 0) return std::nullopt;
  return static_cast<double>(on_time) / static_cast<double>(on_time + late);
}

std::optional<double> Figures::satisfaction_mean() const {
  int64_t n = 0, sum = 0;
  for (int i = 0; i < 5; ++i) {
    n += satisfaction[i];
    sum += satisfaction[i] * (i + 1);
  }
  if (n == 0) return std::nullopt;
  return static_cast<double>(sum) / static_cast<double>(n);
}

void Figures::add(const Figures& o) {
  received += o.received;
  settled_on_spot += o.settled_on_spot;
  settled_platform += o.settled_platform;
  not_settled += o.not_settled;
  on_time += o.on_time;
  late += o.late;
  for (int i = 0; i < 5; ++i) satisfaction[i] += o.satisfaction[i];
  compensation_count += o.compensation_count;
  compensation_fen += o.compensation_fen;
}

// -----------------------------------------------------------------------------
// [SECTION] The period's figures per store, region, chain
// -----------------------------------------------------------------------------

namespace {

constexpr int64_t kDayS = 86400;
int64_t day_start_s(int64_t day) { return day * kDayS - kChinaOffsetMinutes * 60; }

// The whole China-local days inside [from, to), as [first, end): what the
// rollup can answer. The rest of the period, at most a part day at each
// end, is counted complaint by complaint.
struct WholeDays {
  int64_t first = 0, end = 0;
  bool empty() const { return end <= first; }
};
WholeDays whole_days(const Period& p) {
  const int64_t off = kChinaOffsetMinutes * 60;
  const auto floor_div = [](int64_t a, int64_t b) { return a / b - (a % b < 0 ? 1 : 0); };
  WholeDays d{floor_div(p.from_s + off + kDayS - 1, kDayS), floor_div(p.to_s + off, kDayS)};
  if (d.empty()) d = {0, 0};
  return d;
}

// The store_day_figures columns (schema v8), summed: the rollup's days, and
// (UNION ALL) the part days' complaints counted by complaint_counts, the
// rollup's own rule, so both halves count alike.
const char* kPeriodSums = R"SQL(
  sum(received) AS received, sum(on_spot) AS on_spot, sum(via_platform) AS via_platform,
  sum(not_settled) AS not_settled, sum(on_time) AS on_time, sum(late) AS late, sum(s1) AS s1, sum(s2) AS s2,
  sum(s3) AS s3, sum(s4) AS s4, sum(s5) AS s5, sum(comp_n) AS comp_n, sum(comp_fen) AS comp_fen
)SQL";
// No count at all: a sum of rows that cancel out.
const char* kNoCounts = R"SQL(
  (received, on_spot, via_platform, not_settled, on_time, late, s1, s2, s3, s4, s5, comp_n, comp_fen, open)
    <> (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
)SQL";

// $1 $2: the whole days [first, end); $3 $4 / $5 $6: the part days' Unix
// seconds; $7 today; $8 region, $9 store. A scope's stores are a semi-join
// on the stores' indexes. Late: decided late, or open with the deadline
// before today.
std::string period_sql(bool chain, bool parts) {
  const std::string in_scope = chain ? "" : " AND store_id IN (SELECT id FROM scope)";
  std::string q = "WITH scope AS (SELECT id FROM stores WHERE ($8 = '' OR region_id = $8) AND ($9 = '' OR id = $9)),\n"
                  "k AS (\n  SELECT * FROM store_day_figures WHERE day >= $1::date AND day < $2::date" + in_scope + "\n";
  if (parts)
    q += "  UNION ALL SELECT k.* FROM complaints c, complaint_counts(c) k\n"
         "  WHERE ((c.filed_at >= to_timestamp($3) AND c.filed_at < to_timestamp($4))\n"
         "     OR (c.filed_at >= to_timestamp($5) AND c.filed_at < to_timestamp($6)))\n"
         "    AND c.store_id IN (SELECT id FROM scope)\n";  // per store: complaints_store_period
  else  // the same parameters either way (each must appear once to have a type): here all NULL
    q += "  AND $3::text IS NULL AND $4::text IS NULL AND $5::text IS NULL AND $6::text IS NULL\n";
  q += "), a AS (SELECT store_id," + std::string(kPeriodSums) +
       ", sum(open) FILTER (WHERE deadline < $7::date) AS open_late FROM k GROUP BY store_id)\n";
  q += R"SQL(SELECT s.id, s.name, s.region_id, r.name, coalesce(a.received, 0), coalesce(a.on_spot, 0),
  coalesce(a.via_platform, 0), coalesce(a.not_settled, 0), coalesce(a.on_time, 0),
  coalesce(a.late, 0) + coalesce(a.open_late, 0), coalesce(a.s1, 0), coalesce(a.s2, 0), coalesce(a.s3, 0),
  coalesce(a.s4, 0), coalesce(a.s5, 0), coalesce(a.comp_n, 0), coalesce(a.comp_fen, 0)
FROM stores s JOIN regions r ON r.id = s.region_id LEFT JOIN a ON a.store_id = s.id
WHERE s.id IN (SELECT id FROM scope)
ORDER BY s.id
)SQL";
  return q;
}

Figures figures_of_row(const PgResult& r, int i) {
  Figures f;
  int col = 4;
  f.received = r.integer(i, col++);
  f.settled_on_spot = r.integer(i, col++);
  f.settled_platform = r.integer(i, col++);
  f.not_settled = r.integer(i, col++);
  f.on_time = r.integer(i, col++);
  f.late = r.integer(i, col++);
  for (int k = 0; k < 5; ++k) f.satisfaction[k] = r.integer(i, col++);
  f.compensation_count = r.integer(i, col++);
  f.compensation_fen = r.integer(i, col++);
  return f;
}

}  // namespace

FigureReport period_figures(PgConn& c, const Scope& scope, const Period& p, int64_t now_s) {
  const bool chain = scope.region.empty() && scope.store.empty();
  const WholeDays d = whole_days(p);
  // The part days: before the first whole day and after the last (empty ranges when none).
  const int64_t head_end = d.empty() ? p.to_s : std::min(p.to_s, day_start_s(d.first));
  const int64_t tail_from = d.empty() ? p.to_s : std::max(p.from_s, day_start_s(d.end));
  const bool parts = p.from_s < head_end || tail_from < p.to_s;
  const auto num = [](int64_t v) { return Param(std::to_string(v)); };
  std::vector<Param> params = {format_date(d.first), format_date(d.end)};
  for (int64_t v : {p.from_s, head_end, tail_from, p.to_s}) params.push_back(parts ? num(v) : Param());
  params.push_back(format_date(local_today(now_s)));
  PgResult r = c.exec(period_sql(chain, parts), scoped(std::move(params), scope));
  FigureReport out;
  std::map<std::string, RegionFigures> regions;
  for (int i = 0; i < r.rows(); ++i) {
    StoreFigures s{r.text(i, 0), r.text(i, 1), r.text(i, 2), figures_of_row(r, i)};
    RegionFigures& g = regions[s.region_id];
    g.region_id = s.region_id;
    g.region_name = r.text(i, 3);
    g.f.add(s.f);
    out.chain.add(s.f);
    out.stores.push_back(std::move(s));
  }
  for (auto& [id, g] : regions) out.regions.push_back(std::move(g));
  return out;
}

// Sums each store's, day's and deadline's rows into one (one hub at a time: the others
// find the lock taken and leave it). Rows that sum to nothing go. The
// DELETE and INSERT are one statement: readers see the sums before or after.
int64_t compact_figures(PgConn& c) {
  PgTx tx(c);
  if (c.exec("SELECT pg_try_advisory_xact_lock(7220116)", {}).text(0, 0) != "t") return 0;
  const std::string sql = std::string(R"SQL(
WITH many AS (SELECT store_id, day, deadline FROM store_day_figures GROUP BY 1, 2, 3 HAVING count(*) > 1),
gone AS (DELETE FROM store_day_figures f USING many m
  WHERE f.store_id = m.store_id AND f.day = m.day AND f.deadline = m.deadline RETURNING f.*),
summed AS (SELECT store_id, day, deadline,)SQL") + kPeriodSums + ", sum(open) AS open FROM gone GROUP BY 1, 2, 3),\n" +
                          "kept AS (INSERT INTO store_day_figures SELECT * FROM summed WHERE" + kNoCounts +
                          " RETURNING 1)\nSELECT (SELECT count(*) FROM gone) - (SELECT count(*) FROM kept)";
  PgResult r = c.exec(sql, {});
  tx.commit();
  return r.integer(0, 0);
}

// -----------------------------------------------------------------------------
// [SECTION] Open complaints
// -----------------------------------------------------------------------------

namespace {

// Open: no final outcome yet (outcome_at, folded in at intake), read in
// deadline order by an index-only scan of complaints_open_board (v5); the
// scope's stores as a semi-join, so a page (LIMIT) stops the scan early.
// $3 NULL: every row.
const char* kOpenComplaints = R"SQL(
SELECT c.id::text, c.ticket, c.store_id, s.name, c.business_name, c.category_kind, c.category_code, c.status,
  coalesce(c.case_no, ''), to_char(c.filed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), c.deadline::text
FROM complaints c JOIN stores s ON s.id = c.store_id
WHERE c.outcome_at IS NULL AND ($1 = '' OR s.region_id = $1) AND ($2 = '' OR c.store_id = $2)
ORDER BY c.deadline, c.filed_at, c.id
LIMIT $3::bigint OFFSET $4::bigint
)SQL";

// The board's counts from the rollup's open complaints by deadline (v8):
// its rows that still hold any, not the complaints (counting 150 k open
// ones took ~300 ms at 1 M while the table's pages were not yet vacuumed).
// $1 today, $2 the date two working days ahead.
const char* kOpenSummary = R"SQL(
SELECT coalesce(sum(open), 0), coalesce(sum(open) FILTER (WHERE deadline < $1::date), 0),
  coalesce(sum(open) FILTER (WHERE deadline >= $1::date AND deadline <= $2::date), 0)
FROM store_day_figures
WHERE open <> 0
  AND ($3 = '' OR store_id IN (SELECT id FROM stores WHERE region_id = $3)) AND ($4 = '' OR store_id = $4)
)SQL";

}  // namespace

WorkingDayCount working_days_left(const WorkdayCalendar& cal, int64_t now_s, const std::string& deadline) {
  const int64_t today = local_today(now_s);
  return working_days_between(cal, today, parse_date(deadline).value_or(today));
}

bool OpenComplaint::due_soon() const { return !overdue() && days_left <= kDueSoonWorkingDays; }

std::vector<OpenComplaint> open_complaints(PgConn& c, const Scope& scope, const WorkdayCalendar& cal, int64_t now_s,
                                           const OpenPage& page) {
  PgResult r = c.exec(kOpenComplaints, {scope.store.empty() ? scope.region : std::string(), scope.store,
                                        page.limit > 0 ? Param(std::to_string(page.limit)) : Param(),
                                        std::to_string(std::max<int64_t>(0, page.offset))});
  std::vector<OpenComplaint> out;
  for (int i = 0; i < r.rows(); ++i) {
    OpenComplaint o{r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4), r.text(i, 5),
                    r.text(i, 6), r.text(i, 7), r.text(i, 8), r.text(i, 9), r.text(i, 10)};
    const WorkingDayCount left = working_days_left(cal, now_s, o.deadline);
    o.days_left = left.days;
    o.estimated = left.estimated;
    out.push_back(std::move(o));
  }
  return out;  // by deadline, so by days left (working days keep the order)
}

OpenSummary open_summary(PgConn& c, const Scope& scope, const WorkdayCalendar& cal, int64_t now_s) {
  const int64_t today = local_today(now_s);
  // Deadlines are working days: 0-2 left is a deadline from today to the 2nd working day ahead.
  const int64_t soon = add_working_days(cal, today, kDueSoonWorkingDays).day;
  PgResult r = c.exec(kOpenSummary, scoped({format_date(today), format_date(soon)}, scope));
  return {r.integer(0, 0), r.integer(0, 1), r.integer(0, 2)};
}

// -----------------------------------------------------------------------------
// [SECTION] Kiosks to look at
// -----------------------------------------------------------------------------

std::vector<KioskAlert> kiosk_alerts(PgConn& c, const Scope& scope, int silent_after_minutes, int64_t now_s) {
  PgResult r = c.exec(R"SQL(
SELECT k.id, k.store_id, coalesce(to_char(l.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), ''),
  coalesce((SELECT sum((o->>'held')::bigint) FROM jsonb_array_elements(h.outbox) o), 0) AS held,
  l.received_at IS NULL OR l.received_at < to_timestamp($1) - make_interval(mins => $2::int) AS silent
FROM kiosks k JOIN stores s ON s.id = k.store_id
  LEFT JOIN kiosk_last_heartbeat l ON l.kiosk_id = k.id LEFT JOIN heartbeats h ON h.id = l.heartbeat_id
WHERE ($3 = '' OR s.region_id = $3) AND ($4 = '' OR k.store_id = $4)
ORDER BY k.id
)SQL",
                      scoped({std::to_string(now_s), std::to_string(silent_after_minutes)}, scope));
  std::vector<KioskAlert> out;
  for (int i = 0; i < r.rows(); ++i) {
    KioskAlert a{r.text(i, 0), r.text(i, 1), r.text(i, 2), r.integer(i, 3), r.text(i, 4) == "t"};
    if (a.silent || a.held > 0) out.push_back(std::move(a));
  }
  return out;
}

}  // namespace odr::hub
