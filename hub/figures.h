// The head office's figures (issue 14/15): plain data, read from PostgreSQL
// with one query each; no HTTP here (the dashboard renders these).
//
// What is counted (docs/protocol.md and hub/README.md say the same):
// - A period [from, to) picks complaints by filed_at: every period figure
//   is about the complaints received in it (their outcomes whenever they
//   came), so a period's figures do not change meaning as cases close.
// - Settled on the spot: a `settled` event at the desk before any platform
//   status (or with none). Settled through the platform: not on the spot,
//   and the platform's latest status is `settled` or the desk recorded
//   `settled` after the platform had the case.
// - Not settled: not settled either way, and the platform's latest status
//   is `not_settled` or the desk recorded `not_settled`.
// - 和解率 (settlement rate) = settled / (settled + not settled); withdrawn,
//   closed, transferred and open complaints are in neither.
// - On time: the first final outcome (a settled / not_settled / withdrawn
//   event, or the platform's settled / not_settled / closed) falls, in
//   China's local date, on or before the deadline (the hub's 10th working
//   day, sync/core/calendar, set at intake). Late: after it, or still open
//   with the deadline before today. Open within the deadline: neither.
// - Satisfaction: each complaint's latest `satisfaction` score (1-5).
// - Compensation first: every `compensation_prepaid` event, its amount_fen.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "calendar/calendar.h"
#include "pg.h"

namespace odr::hub {

// Chain-wide when both are empty; a store when store is set; else a region.
struct Scope {
  std::string region;
  std::string store;
};

struct Period {
  int64_t from_s = 0;  // Unix seconds, inclusive
  int64_t to_s = 0;    // exclusive
};

struct Figures {
  int64_t received = 0;
  int64_t settled_on_spot = 0;
  int64_t settled_platform = 0;
  int64_t not_settled = 0;
  int64_t on_time = 0;
  int64_t late = 0;
  std::array<int64_t, 5> satisfaction{};  // [0]: score 1 ... [4]: score 5
  int64_t compensation_count = 0;
  int64_t compensation_fen = 0;

  int64_t settled() const { return settled_on_spot + settled_platform; }
  std::optional<double> settlement_rate() const;  // nullopt: nothing decided
  std::optional<double> on_time_rate() const;
  std::optional<double> satisfaction_mean() const;
  void add(const Figures& o);
};

struct StoreFigures {
  std::string store_id, store_name, region_id;
  Figures f;
};
struct RegionFigures {
  std::string region_id, region_name;
  Figures f;
};
struct FigureReport {
  std::vector<StoreFigures> stores;    // every store in scope, by id (zero rows too)
  std::vector<RegionFigures> regions;  // regions of those stores, by id
  Figures chain;                       // the scope's total
};

// now_s decides "today" for open complaints past their deadline. The
// period's whole China-local days come from the rollup (store_day_figures,
// schema v8, where complaint_counts() is the rule above in SQL); a part day
// at either end is counted complaint by complaint with the same rule.
FigureReport period_figures(PgConn& c, const Scope& scope, const Period& p, int64_t now_s);
// Folds the rollup's rows back to one per store and day (intake appends a
// row per statement); returns how many rows went. Run by the hub's
// maintenance; safe beside intake and another hub doing the same.
int64_t compact_figures(PgConn& c);

// An open complaint: no final outcome yet (see above).
struct OpenComplaint {
  std::string id, ticket, store_id, store_name, business_name, category_kind, category_code;
  std::string status;   // the complaint's latest status (platform's or desk's)
  std::string case_no;  // "" none yet
  std::string filed_at, deadline;  // RFC 3339 / YYYY-MM-DD
  int64_t days_left = 0;  // working days from today to the deadline; 0 due today, < 0 overdue
  bool estimated = false;  // the calendar had no file for some day on the way
  bool overdue() const { return days_left < 0; }
  bool due_soon() const;  // not overdue, kDueSoonWorkingDays or fewer left
};
// Working days from today (China's date at now_s) to a YYYY-MM-DD deadline:
// 0 due today, < 0 overdue. The board's days_left and the detail page's.
WorkingDayCount working_days_left(const WorkdayCalendar& cal, int64_t now_s, const std::string& deadline);
// A slice of the board, in its order.
struct OpenPage {
  int64_t limit = 0;  // 0: every row
  int64_t offset = 0;
};
// The open complaints in scope, fewest days left first (overdue first): by
// deadline, then filed_at, then id; the page's slice of that order.
std::vector<OpenComplaint> open_complaints(PgConn& c, const Scope& scope, const WorkdayCalendar& cal, int64_t now_s,
                                           const OpenPage& page = {});
// Due soon: this many working days left or fewer (0: due today).
inline constexpr int kDueSoonWorkingDays = 2;
// The board's counts without its rows: overdue (deadline before today),
// due_soon (as OpenComplaint::due_soon, by the calendar).
struct OpenSummary {
  int64_t open = 0, overdue = 0, due_soon = 0;
};
OpenSummary open_summary(PgConn& c, const Scope& scope, const WorkdayCalendar& cal, int64_t now_s);

// A kiosk to look at: silent for more than the limit, or holding items.
struct KioskAlert {
  std::string kiosk_id, store_id;
  std::string last_heard_at;  // RFC 3339; "" never
  int64_t held = 0;           // held items over every destination, latest heartbeat
  bool silent = false;
};
std::vector<KioskAlert> kiosk_alerts(PgConn& c, const Scope& scope, int silent_after_minutes, int64_t now_s);

}  // namespace odr::hub
