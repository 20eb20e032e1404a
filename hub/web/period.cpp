#include "web/period.h"

#include <algorithm>
#include <string>

#include "util/time.h"

namespace odr::hub::web {

namespace {

constexpr int64_t kChinaOffsetS = 8 * 3600;
constexpr int64_t kDayS = 86400;
constexpr int64_t kMaxCustomDays = 366;

int64_t day_start_s(int64_t day) { return day * kDayS - kChinaOffsetS; }

// The first day of the period of this kind that holds `day`.
int64_t period_start(PeriodKind k, int64_t day) {
  int y;
  unsigned m, d;
  civil_from_days(day, y, m, d);
  if (k == PeriodKind::week) return day - (day + 3) % 7;  // 1970-01-01 was a Thursday
  if (k == PeriodKind::month) return days_from_civil(y, m, 1);
  return days_from_civil(y, (m - 1) / 3 * 3 + 1, 1);
}

// The first day of the period before the one starting at `start`.
int64_t previous_start(PeriodKind k, int64_t start) {
  if (k == PeriodKind::week) return start - 7;
  return period_start(k, start - 1);
}

std::optional<PeriodChoice> refuse(const char** error, const char* key) {
  *error = key;
  return std::nullopt;
}

}  // namespace

const char* to_string(PeriodKind k) {
  switch (k) {
    case PeriodKind::week: return "week";
    case PeriodKind::month: return "month";
    case PeriodKind::quarter: return "quarter";
    case PeriodKind::custom: return "custom";
  }
  return "month";
}

int64_t PeriodChoice::from_s() const { return day_start_s(first_day); }
int64_t PeriodChoice::to_s() const { return day_start_s(last_day + 1); }
int64_t PeriodChoice::prev_from_s() const { return day_start_s(prev_first_day); }
int64_t PeriodChoice::prev_to_s() const { return day_start_s(prev_last_day + 1); }

std::optional<PeriodChoice> choose_period(std::string_view kind, std::string_view from, std::string_view to,
                                          int64_t now_s, const char** error) {
  const int64_t today = (now_s + kChinaOffsetS) / kDayS;
  PeriodChoice c;
  if (kind.empty() || kind == "month") c.kind = PeriodKind::month;
  else if (kind == "week") c.kind = PeriodKind::week;
  else if (kind == "quarter") c.kind = PeriodKind::quarter;
  else if (kind == "custom") c.kind = PeriodKind::custom;
  else return refuse(error, "period.bad_kind");
  if (c.kind != PeriodKind::custom) {
    c.first_day = period_start(c.kind, today);
    c.last_day = today;
    c.prev_first_day = previous_start(c.kind, c.first_day);
    // Like for like: as many days of the period before as have passed of this one,
    // but never past its own end (31 March compared with a February).
    c.prev_last_day = std::min(c.prev_first_day + (today - c.first_day), c.first_day - 1);
    return c;
  }
  const std::optional<int64_t> a = parse_date(std::string(from)), b = parse_date(std::string(to));
  if (!a || !b) return refuse(error, "period.bad_date");
  if (*b < *a) return refuse(error, "period.backwards");
  if (*b - *a + 1 > kMaxCustomDays) return refuse(error, "period.too_long");
  c.first_day = *a;
  c.last_day = *b;
  c.prev_last_day = *a - 1;
  c.prev_first_day = *a - (*b - *a + 1);
  return c;
}

}  // namespace odr::hub::web
