// The period a dashboard page shows, and the one it is compared with.
// Periods are China's local calendar (UTC+8, no summer time): this week
// (from Monday), this month, this quarter, each up to and including today,
// or custom dates. The comparison is like for like: the same number of
// days from the start of the period before (本月至今 vs 上月同期), and for
// custom dates the same number of days just before them.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace odr::hub::web {

enum class PeriodKind { week, month, quarter, custom };
const char* to_string(PeriodKind k);  // "week", "month", "quarter", "custom": the ?period= word

struct PeriodChoice {
  PeriodKind kind = PeriodKind::month;
  int64_t first_day = 0, last_day = 0;            // days since 1970-01-01, both shown
  int64_t prev_first_day = 0, prev_last_day = 0;  // the period compared with
  // Unix seconds [from, to): what hub/figures.h's Period takes.
  int64_t from_s() const;
  int64_t to_s() const;
  int64_t prev_from_s() const;
  int64_t prev_to_s() const;
};

// From a page's query: period=week|month|quarter|custom (default month),
// from= and to= (YYYY-MM-DD, both shown) for custom. nullopt with *error
// set to a texts.h key when the words or dates are wrong (to before from,
// a span over 366 days, a date that does not exist).
std::optional<PeriodChoice> choose_period(std::string_view kind, std::string_view from, std::string_view to,
                                          int64_t now_s, const char** error);

}  // namespace odr::hub::web
