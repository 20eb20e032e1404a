// Index of this file:
// [SECTION] Figures: rates and sums
// [SECTION] The period's figures per store, region, chain
// [SECTION] Open complaints
// [SECTION] Kiosks to look at

#include "figures.h"

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

// One row per store in scope. The complaints of the period (c), what their
// events (ev, sat) and platform updates (pu) say, then each complaint's
// facts (f) as figures.h defines them, summed per store. $3 is today's
// local date, for open complaints past their deadline.
const char* kPeriodFigures = R"SQL(
WITH s AS (
  SELECT s.id, s.name, s.region_id, r.name AS region_name FROM stores s JOIN regions r ON r.id = s.region_id
  WHERE ($4 = '' OR s.region_id = $4) AND ($5 = '' OR s.id = $5)
), c AS (
  SELECT c.id, c.store_id, c.deadline FROM complaints c JOIN s ON s.id = c.store_id
  WHERE c.filed_at >= to_timestamp($1) AND c.filed_at < to_timestamp($2)
), ev AS (
  SELECT e.complaint_id,
    min(e.at) FILTER (WHERE e.type = 'settled') AS desk_settled_at,
    bool_or(e.type = 'not_settled') AS desk_not_settled,
    min(e.at) FILTER (WHERE e.type IN ('settled', 'not_settled', 'withdrawn')) AS final_at,
    count(*) FILTER (WHERE e.type = 'compensation_prepaid') AS comp_n,
    coalesce(sum((e.payload->'data'->>'amount_fen')::bigint) FILTER (WHERE e.type = 'compensation_prepaid'), 0) AS comp_fen
  FROM events e JOIN c ON c.id = e.complaint_id GROUP BY e.complaint_id
), sat AS (
  SELECT DISTINCT ON (e.complaint_id) e.complaint_id, (e.payload->'data'->>'score')::int AS score
  FROM events e JOIN c ON c.id = e.complaint_id WHERE e.type = 'satisfaction'
  ORDER BY e.complaint_id, e.at DESC
), pu AS (
  SELECT p.complaint_id, min(p.at) AS first_at,
    (array_agg(p.status ORDER BY p.at DESC, p.id DESC))[1] AS latest,
    min(p.at) FILTER (WHERE p.status IN ('settled', 'not_settled', 'closed')) AS final_at
  FROM platform_updates p JOIN c ON c.id = p.complaint_id WHERE p.status IS NOT NULL GROUP BY p.complaint_id
), f AS (
  SELECT c.store_id, c.deadline, sat.score, coalesce(ev.comp_n, 0) AS comp_n, coalesce(ev.comp_fen, 0) AS comp_fen,
    ev.desk_settled_at IS NOT NULL AND (pu.first_at IS NULL OR ev.desk_settled_at < pu.first_at) AS on_spot,
    coalesce(pu.latest = 'settled', false) OR ev.desk_settled_at IS NOT NULL AS settled,
    coalesce(pu.latest = 'not_settled', false) OR coalesce(ev.desk_not_settled, false) AS not_settled,
    (least(ev.final_at, pu.final_at) AT TIME ZONE 'Asia/Shanghai')::date AS final_day
  FROM c LEFT JOIN ev ON ev.complaint_id = c.id LEFT JOIN sat ON sat.complaint_id = c.id
    LEFT JOIN pu ON pu.complaint_id = c.id
)
SELECT s.id, s.name, s.region_id, s.region_name, count(f.store_id),
  count(*) FILTER (WHERE f.on_spot),
  count(*) FILTER (WHERE f.settled AND NOT f.on_spot),
  count(*) FILTER (WHERE f.not_settled AND NOT f.settled),
  count(*) FILTER (WHERE f.final_day <= f.deadline),
  count(*) FILTER (WHERE f.final_day > f.deadline OR (f.final_day IS NULL AND f.deadline < $3::date)),
  count(*) FILTER (WHERE f.score = 1), count(*) FILTER (WHERE f.score = 2), count(*) FILTER (WHERE f.score = 3),
  count(*) FILTER (WHERE f.score = 4), count(*) FILTER (WHERE f.score = 5),
  coalesce(sum(f.comp_n), 0), coalesce(sum(f.comp_fen), 0)
FROM s LEFT JOIN f ON f.store_id = s.id
GROUP BY s.id, s.name, s.region_id, s.region_name ORDER BY s.id
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
  PgResult r = c.exec(kPeriodFigures, scoped({std::to_string(p.from_s), std::to_string(p.to_s),
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

// The status test matches the partial index complaints_open_deadline; a
// final status always means a final outcome, so it only narrows. The
// NOT EXISTS make "open" exactly figures.h's: no final outcome at all.
const char* kOpenComplaints = R"SQL(
SELECT c.id::text, c.ticket, c.store_id, s.name, c.business_name, c.category_kind, c.category_code, c.status,
  coalesce(c.case_no, ''), to_char(c.filed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), c.deadline::text
FROM complaints c JOIN stores s ON s.id = c.store_id
WHERE c.status NOT IN ('settled', 'not_settled', 'closed')
  AND ($1 = '' OR s.region_id = $1) AND ($2 = '' OR c.store_id = $2)
  AND NOT EXISTS (SELECT 1 FROM events e WHERE e.complaint_id = c.id
                  AND e.type IN ('settled', 'not_settled', 'withdrawn'))
  AND NOT EXISTS (SELECT 1 FROM platform_updates p WHERE p.complaint_id = c.id
                  AND p.status IN ('settled', 'not_settled', 'closed'))
ORDER BY c.deadline, c.filed_at, c.id
)SQL";

}  // namespace

std::vector<OpenComplaint> open_complaints(PgConn& c, const Scope& scope, const WorkdayCalendar& cal, int64_t now_s) {
  PgResult r = c.exec(kOpenComplaints, scoped({}, scope));
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
