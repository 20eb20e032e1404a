#include "calendar/calendar.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "util/time.h"

namespace odr {

namespace fs = std::filesystem;

void add_workday_year(WorkdayCalendar& cal, const std::string& json_text, const std::string& source) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::exception& e) {
    throw CalendarError(source + ": not valid JSON (" + e.what() + ")");
  }
  if (!j.is_object() || !j.contains("year") || !j["year"].is_number_integer())
    throw CalendarError(source + ": missing integer \"year\"");
  const int year = j["year"].get<int>();
  if (year < 1970 || year > 9999) throw CalendarError(source + ": \"year\" out of range");
  if (!j.contains("days") || !j["days"].is_array()) throw CalendarError(source + ": missing array \"days\"");
  // Parse everything first so a bad entry leaves the calendar untouched.
  std::vector<std::pair<int64_t, bool>> entries;
  size_t index = 0;
  for (const auto& d : j["days"]) {
    const std::string where = source + ": days[" + std::to_string(index++) + "]";
    if (!d.is_object() || !d.contains("date") || !d["date"].is_string())
      throw CalendarError(where + ": missing \"date\"");
    if (!d.contains("isOffDay") || !d["isOffDay"].is_boolean())
      throw CalendarError(where + ": missing boolean \"isOffDay\"");
    auto day = parse_date(d["date"].get<std::string>());
    if (!day) throw CalendarError(where + ": bad date \"" + d["date"].get<std::string>() + "\"");
    entries.emplace_back(*day, !d["isOffDay"].get<bool>());
  }
  for (auto [day, working] : entries) {
    const int wd = weekday_of_day(day);
    const bool plain = wd >= 1 && wd <= 5;
    if (working == plain)
      cal.exceptions.erase(day);  // says what Mon-Fri says anyway
    else
      cal.exceptions[day] = working;
  }
  cal.years.insert(year);
}

WorkdayCalendar load_workday_calendar(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw CalendarError(dir + ": working-day folder not found");
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const auto name = entry.path().filename().string();
    // YYYY.json only: the README and editor backups sit next to them.
    if (name.size() == 9 && name.ends_with(".json") &&
        std::all_of(name.begin(), name.begin() + 4, [](char c) { return c >= '0' && c <= '9'; }))
      files.push_back(entry.path());
  }
  if (ec) throw CalendarError(dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  WorkdayCalendar cal;
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw CalendarError(path.string() + ": cannot be read");
    std::stringstream ss;
    ss << in.rdbuf();
    add_workday_year(cal, ss.str(), path.string());
    const int named = std::stoi(path.filename().string().substr(0, 4));
    if (!cal.years.count(named)) throw CalendarError(path.string() + ": \"year\" does not match the file name");
  }
  return cal;
}

int year_of_day(int64_t day) {
  int y;
  unsigned m, d;
  civil_from_days(day, y, m, d);
  return y;
}

int weekday_of_day(int64_t day) {
  // 1970-01-01 was a Thursday (4).
  int64_t w = (day + 4) % 7;
  return static_cast<int>(w < 0 ? w + 7 : w);
}

bool has_year(const WorkdayCalendar& cal, int year) { return cal.years.count(year) != 0; }

bool is_working_day(const WorkdayCalendar& cal, int64_t day) {
  auto it = cal.exceptions.find(day);
  if (it != cal.exceptions.end()) return it->second;
  const int wd = weekday_of_day(day);
  return wd >= 1 && wd <= 5;
}

WorkingDate add_working_days(const WorkdayCalendar& cal, int64_t from, int n) {
  WorkingDate r{from, false};
  for (int counted = 0; counted < n;) {
    ++r.day;
    if (!has_year(cal, year_of_day(r.day))) r.estimated = true;
    if (is_working_day(cal, r.day)) ++counted;
  }
  return r;
}

WorkingDayCount working_days_between(const WorkdayCalendar& cal, int64_t from, int64_t to) {
  WorkingDayCount r;
  const int64_t lo = std::min(from, to), hi = std::max(from, to);
  for (int64_t day = lo + 1; day <= hi; ++day) {
    if (!has_year(cal, year_of_day(day))) r.estimated = true;
    if (is_working_day(cal, day)) ++r.days;
  }
  if (to < from) r.days = -r.days;
  return r;
}

Deadline deadline_for(const WorkdayCalendar& cal, int64_t submitted_day, int64_t today, int working_days) {
  Deadline d;
  const WorkingDate due = add_working_days(cal, submitted_day, working_days);
  const WorkingDayCount left = working_days_between(cal, today, due.day);
  d.due_day = due.day;
  d.overdue = today > due.day;
  d.days_left = left.days;
  if (d.overdue && d.days_left >= 0) d.days_left = -1;
  d.due_soon = !d.overdue && d.days_left <= 1;
  d.estimated = due.estimated || left.estimated;
  return d;
}

std::optional<int64_t> local_day_of(const std::string& rfc3339, int tz_offset_minutes) {
  auto t = parse_rfc3339(rfc3339);
  if (!t) return std::nullopt;
  return parse_date(local_date(*t, tz_offset_minutes));
}

}  // namespace odr
