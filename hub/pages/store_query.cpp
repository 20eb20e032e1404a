#include "hub/pages/store_query.h"

#include <algorithm>

#include "model/complaint.h"
#include "util/uuid.h"

namespace odr::hub::pages {

namespace {

// The row's columns, the same in the list and the detail. The outcome and
// on-time columns are what the complaint counts for in the period figures:
// complaint_counts(c) (schema v8), the one home of that rule, as k; late is
// decided late, or open with the deadline before $1, today's China date.
const char* kRowColumns = R"SQL(
  c.id::text, c.ticket, c.kiosk_id, to_char(c.filed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'),
  c.business_name, c.category_kind, c.category_code, c.status, coalesce(c.case_no, ''), c.deadline::text,
  coalesce(c.consumer_name, ''), coalesce(c.consumer_phone, ''), c.personal_policy,
  k.on_spot = 1, k.on_spot + k.via_platform = 1, k.not_settled = 1,
  coalesce(c.outcome_day::text, ''), k.on_time = 1, k.late = 1 OR (k.open = 1 AND c.deadline < $1::date),
  coalesce(c.satisfaction, 0), c.compensation_count, c.compensation_fen)SQL";
constexpr int kRowColumnCount = 22;

bool yes(const PgResult& r, int i, int col) { return r.text(i, col) == "t"; }

ComplaintRow row_of(const PgResult& r, int i) {
  ComplaintRow x;
  int k = 0;
  for (std::string* s : {&x.id, &x.ticket, &x.kiosk_id, &x.filed_at, &x.business_name, &x.category_kind,
                         &x.category_code, &x.status, &x.case_no, &x.deadline, &x.consumer_name, &x.consumer_phone,
                         &x.personal_policy})
    *s = r.text(i, k++);
  x.on_spot = yes(r, i, k++);
  x.settled = yes(r, i, k++);
  x.not_settled = yes(r, i, k++);
  x.outcome_day = r.text(i, k++);
  x.on_time = yes(r, i, k++);
  x.late = yes(r, i, k++);
  x.satisfaction = static_cast<int>(r.integer(i, k++));
  x.compensation_count = r.integer(i, k++);
  x.compensation_fen = r.integer(i, k++);
  return x;
}

}  // namespace

std::optional<StoreRef> find_store(PgConn& c, const std::string& store_id) {
  PgResult r = c.exec("SELECT s.id, s.name, s.region_id, g.name FROM stores s JOIN regions g ON g.id = s.region_id"
                      " WHERE s.id = $1",
                      {store_id});
  if (r.rows() == 0) return std::nullopt;
  return StoreRef{r.text(0, 0), r.text(0, 1), r.text(0, 2), r.text(0, 3)};
}

// No filter, the open ones, or one of the platform's statuses (model/complaint.h).
bool is_status_filter(const std::string& s) {
  return s.empty() || s == "open" || std::find(kPlatformStatuses.begin(), kPlatformStatuses.end(), s) != kPlatformStatuses.end();
}

ComplaintList store_complaints(PgConn& c, const std::string& store_id, const ComplaintFilter& f,
                               const std::string& today) {
  const std::string sql = std::string("SELECT") + kRowColumns + R"SQL(, count(*) OVER ()
FROM complaints c, complaint_counts(c) k
WHERE c.store_id = $2 AND c.filed_at >= to_timestamp($3) AND c.filed_at < to_timestamp($4)
  AND ($5 = '' OR ($5 = 'open' AND c.outcome_at IS NULL) OR c.status = $5)
  AND ($6 = '' OR c.category_code = $6)
  AND ($7 = '' OR strpos(lower(c.business_name), lower($7)) > 0)
ORDER BY c.filed_at DESC, c.id DESC
LIMIT $8 OFFSET $9)SQL";
  const int64_t limit = f.page > 0 ? kPageSize : INT64_MAX;
  const int64_t offset = f.page > 0 ? static_cast<int64_t>(f.page - 1) * kPageSize : 0;
  PgResult r = c.exec(sql, {today, store_id, std::to_string(f.from_s), std::to_string(f.to_s), f.status, f.category,
                            f.business, std::to_string(limit), std::to_string(offset)});
  ComplaintList out;
  for (int i = 0; i < r.rows(); ++i) out.rows.push_back(row_of(r, i));
  if (r.rows() > 0) out.total = r.integer(0, kRowColumnCount);
  else if (offset > 0) {  // a page past the end: still say how many there are
    ComplaintFilter first = f;
    first.page = 1;
    out.total = store_complaints(c, store_id, first, today).total;
  }
  return out;
}

FilterChoices filter_choices(PgConn& c, const std::string& store_id) {
  PgResult r = c.exec("SELECT DISTINCT category_kind, category_code FROM complaints WHERE store_id = $1 ORDER BY 2, 1",
                      {store_id});
  FilterChoices out;
  for (int i = 0; i < r.rows(); ++i) out.categories.emplace_back(r.text(i, 0), r.text(i, 1));
  return out;
}

std::optional<ComplaintDetail> find_complaint(PgConn& c, const std::string& id, const std::string& today) {
  if (!is_uuid(id)) return std::nullopt;  // never a cast error for a guessed URL
  const std::string sql = std::string("SELECT") + kRowColumns + R"SQL(,
  s.id, s.name, s.region_id, g.name, c.channel, coalesce(c.consumer_address, ''), c.payload::text, c.deadline_estimated
FROM complaints c JOIN stores s ON s.id = c.store_id JOIN regions g ON g.id = s.region_id, complaint_counts(c) k
WHERE c.id = $2::uuid)SQL";
  PgResult r = c.exec(sql, {today, id});
  if (r.rows() == 0) return std::nullopt;
  const int k = kRowColumnCount;
  ComplaintDetail d;
  d.row = row_of(r, 0);
  d.store = StoreRef{r.text(0, k), r.text(0, k + 1), r.text(0, k + 2), r.text(0, k + 3)};
  d.channel = r.text(0, k + 4);
  d.consumer_address = r.text(0, k + 5);
  d.payload = r.text(0, k + 6);
  d.deadline_estimated = r.text(0, k + 7) == "t";
  return d;
}

std::vector<TimelineStep> complaint_timeline(PgConn& c, const std::string& complaint_id) {
  PgResult r = c.exec(R"SQL(
SELECT 'event', e.type, to_char(e.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'), e.payload::text, '', '', e.at
  FROM events e WHERE e.complaint_id = $1::uuid
UNION ALL
SELECT 'platform', coalesce(u.status, ''), to_char(u.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'), '',
  coalesce(u.case_no, ''), coalesce(u.note, ''), u.at
  FROM platform_updates u WHERE u.complaint_id = $1::uuid
ORDER BY 7, 1, 2)SQL",
                      {complaint_id});
  std::vector<TimelineStep> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4), r.text(i, 5)});
  return out;
}

}  // namespace odr::hub::pages
