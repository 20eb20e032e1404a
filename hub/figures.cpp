// Index of this file:
// [SECTION] Figures: rates and sums
// [SECTION] The period's figures per store, region, chain
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

// One row per store in scope: its complaints of the period, read from the
// facts folded in at intake (schema v3, v4) by an index-only scan of
// complaints_store_period per store, counted as figures.h defines them,
// grouped before the stores' names are joined. $3 is today's local date,
// for open complaints past their deadline.
const char* kPeriodHead = R"SQL(
WITH f AS (
  SELECT c.store_id, c.deadline, c.satisfaction AS score, c.compensation_count AS comp_n, c.compensation_fen AS comp_fen,
    c.desk_settled_at IS NOT NULL AND (c.first_platform_at IS NULL OR c.desk_settled_at < c.first_platform_at) AS on_spot,
    c.platform_status IS NOT DISTINCT FROM 'settled' OR c.desk_settled_at IS NOT NULL AS settled,
    c.platform_status IS NOT DISTINCT FROM 'not_settled' OR c.desk_not_settled AS not_settled,
    c.outcome_day AS final_day
  FROM complaints c
  WHERE c.filed_at >= to_timestamp($1) AND c.filed_at < to_timestamp($2)
)SQL";
// A region or store: its stores as a semi-join (an index scan per store).
// Chain-wide there is none (every complaint's store is a store: ~1/3 of
// the time with 1 M complaints in the period). Chosen in
// the text, not as "$4 = '' OR ...": an OR keeps PostgreSQL from making
// the subquery a join (a region took 480 ms instead of 24 at 1 M).
const char* kPeriodScope = R"SQL(
    AND c.store_id IN (SELECT id FROM stores WHERE ($4 = '' OR region_id = $4) AND ($5 = '' OR id = $5))
)SQL";
const char* kPeriodTail = R"SQL(
), a AS (
  SELECT store_id, count(*) AS received,
    count(*) FILTER (WHERE on_spot) AS on_spot,
    count(*) FILTER (WHERE settled AND NOT on_spot) AS via_platform,
    count(*) FILTER (WHERE not_settled AND NOT settled) AS not_settled,
    count(*) FILTER (WHERE final_day <= deadline) AS on_time,
    count(*) FILTER (WHERE final_day > deadline OR (final_day IS NULL AND deadline < $3::date)) AS late,
    count(*) FILTER (WHERE score = 1) AS s1, count(*) FILTER (WHERE score = 2) AS s2,
    count(*) FILTER (WHERE score = 3) AS s3, count(*) FILTER (WHERE score = 4) AS s4,
    count(*) FILTER (WHERE score = 5) AS s5, sum(comp_n) AS comp_n, sum(comp_fen) AS comp_fen
  FROM f GROUP BY store_id
)
SELECT s.id, s.name, s.region_id, r.name, coalesce(a.received, 0), coalesce(a.on_spot, 0), coalesce(a.via_platform, 0),
  coalesce(a.not_settled, 0), coalesce(a.on_time, 0), coalesce(a.late, 0), coalesce(a.s1, 0), coalesce(a.s2, 0),
  coalesce(a.s3, 0), coalesce(a.s4, 0), coalesce(a.s5, 0), coalesce(a.comp_n, 0), coalesce(a.comp_fen, 0)
FROM stores s JOIN regions r ON r.id = s.region_id LEFT JOIN a ON a.store_id = s.id
WHERE ($4 = '' OR s.region_id = $4) AND ($5 = '' OR s.id = $5)
ORDER BY s.id
)SQL";

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
  PgResult r = c.exec(std::string(kPeriodHead) + (chain ? "" : kPeriodScope) + kPeriodTail, scoped({std::to_string(p.from_s), std::to_string(p.to_s),
                                              format_date(local_today(now_s))},
                                             scope));
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

// The board's counts from the narrow partial index complaints_open_count
// (v7), per store for a region: $1 today, $2 the date two working days ahead.
const char* kOpenSummary = R"SQL(
SELECT count(*), count(*) FILTER (WHERE c.deadline < $1::date),
  count(*) FILTER (WHERE c.deadline >= $1::date AND c.deadline <= $2::date)
FROM complaints c
WHERE c.outcome_at IS NULL
  AND ($3 = '' OR c.store_id IN (SELECT id FROM stores WHERE region_id = $3)) AND ($4 = '' OR c.store_id = $4)
)SQL";

}  // namespace

bool OpenComplaint::due_soon() const { return !overdue() && days_left <= kDueSoonWorkingDays; }

std::vector<OpenComplaint> open_complaints(PgConn& c, const Scope& scope, const WorkdayCalendar& cal, int64_t now_s,
                                           const OpenPage& page) {
  PgResult r = c.exec(kOpenComplaints, {scope.store.empty() ? scope.region : std::string(), scope.store,
                                        page.limit > 0 ? Param(std::to_string(page.limit)) : Param(),
                                        std::to_string(std::max<int64_t>(0, page.offset))});
  const int64_t today = local_today(now_s);
  std::vector<OpenComplaint> out;
  for (int i = 0; i < r.rows(); ++i) {
    OpenComplaint o{r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4), r.text(i, 5),
                    r.text(i, 6), r.text(i, 7), r.text(i, 8), r.text(i, 9), r.text(i, 10)};
    const WorkingDayCount left = working_days_between(cal, today, parse_date(o.deadline).value_or(today));
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
