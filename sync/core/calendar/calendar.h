// China's working-day calendar: Monday to Friday, minus public holidays,
// plus adjusted working days (调休) on weekends, from the State Council's
// yearly notice. One JSON file a year in config/workdays/ (see its README).
//
// Days are whole local dates counted as days since 1970-01-01
// (util/time.h: parse_date, format_date, days_from_civil).
//
// Deadline rule: the submission day is day 0 and never counts, even when
// it is a working day; day 1 is the first working day AFTER it. So a
// complaint filed on Friday with a 10-working-day limit is due on the 10th
// working day from the Monday after. A year without a file falls back to
// Monday to Friday and every answer touching it says `estimated`.
#pragma once
#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <unordered_map>

namespace odr {

class CalendarError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct WorkdayCalendar {
  std::unordered_map<int64_t, bool> exceptions;  // day -> working? (only days that differ from Mon-Fri)
  std::set<int> years;                           // years with an official file
};

// Reads every YYYY.json in dir. A missing folder or a malformed file throws
// CalendarError naming the file and entry; callers that must run anyway
// (the kiosk) may fall back to an empty calendar, where all is estimated.
WorkdayCalendar load_workday_calendar(const std::string& dir);
// Adds one year's file (its text); source names it in errors.
void add_workday_year(WorkdayCalendar& cal, const std::string& json_text, const std::string& source);

bool has_year(const WorkdayCalendar& cal, int year);
int year_of_day(int64_t day);
int weekday_of_day(int64_t day);  // 0 = Sunday ... 6 = Saturday
bool is_working_day(const WorkdayCalendar& cal, int64_t day);

struct WorkingDate {
  int64_t day = 0;
  bool estimated = false;  // some day on the way fell in a year without data
};
// The n-th working day after `from` (n >= 0; n == 0 gives `from` itself).
WorkingDate add_working_days(const WorkdayCalendar& cal, int64_t from, int n);

struct WorkingDayCount {
  int64_t days = 0;
  bool estimated = false;
};
// Working days in (from, to] when to >= from; minus the working days in
// (to, from] when to < from. "Working days left" is
// working_days_between(today, due): 0 means due today, negative overdue.
WorkingDayCount working_days_between(const WorkdayCalendar& cal, int64_t from, int64_t to);

// Everything a staff screen shows about one complaint's deadline.
struct Deadline {
  int64_t due_day = 0;
  int64_t days_left = 0;  // working days; < 0 when overdue
  bool overdue = false;   // today is after the due date
  bool due_soon = false;  // due today or on the next working day
  bool estimated = false;
};
// An overdue complaint always shows at least one day late, even on a
// weekend right after the due date (when no working day has passed yet).
Deadline deadline_for(const WorkdayCalendar& cal, int64_t submitted_day, int64_t today, int working_days);

// The local date of an RFC 3339 time at the kiosk's offset; nullopt if malformed.
std::optional<int64_t> local_day_of(const std::string& rfc3339, int tz_offset_minutes);

}  // namespace odr
