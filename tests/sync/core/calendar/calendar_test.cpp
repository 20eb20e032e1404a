// The working-day calendar against the shipped config/workdays data. Every
// expected date below is counted by hand from the State Council notices
// (see the comments); day 1 is the first working day AFTER submission.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "calendar/calendar.h"
#include "util/time.h"

namespace odr {
namespace {

int64_t D(const char* s) {
  auto d = parse_date(s);
  EXPECT_TRUE(d.has_value()) << s;
  return d.value_or(0);
}

std::string source_dir() {
  const char* s = std::getenv("ODR_SOURCE_DIR");
  return s ? s : ODR_SOURCE_DIR_BUILT;
}

class CalendarTest : public ::testing::Test {
 protected:
  void SetUp() override { cal = load_workday_calendar(source_dir() + "/config/workdays"); }
  WorkdayCalendar cal;
};

TEST_F(CalendarTest, ShipsTheYearsWithNotices) {
  EXPECT_TRUE(has_year(cal, 2024));
  EXPECT_TRUE(has_year(cal, 2025));
  EXPECT_TRUE(has_year(cal, 2026));
  EXPECT_FALSE(has_year(cal, 2023));
  EXPECT_FALSE(has_year(cal, 2027));
}

TEST_F(CalendarTest, SpringFestival2026Days) {
  EXPECT_TRUE(is_working_day(cal, D("2026-02-13")));   // Friday, plain working day
  EXPECT_TRUE(is_working_day(cal, D("2026-02-14")));   // Saturday, adjusted working day
  EXPECT_FALSE(is_working_day(cal, D("2026-02-15")));  // Sunday, holiday
  EXPECT_FALSE(is_working_day(cal, D("2026-02-16")));  // Monday, holiday
  EXPECT_FALSE(is_working_day(cal, D("2026-02-23")));  // Monday, last holiday
  EXPECT_TRUE(is_working_day(cal, D("2026-02-24")));   // Tuesday, back to work
  EXPECT_TRUE(is_working_day(cal, D("2026-02-28")));   // Saturday, adjusted working day
  EXPECT_FALSE(is_working_day(cal, D("2026-03-01")));  // Sunday, plain weekend
  EXPECT_TRUE(is_working_day(cal, D("2026-01-04")));   // Sunday, adjusted for New Year
  EXPECT_FALSE(is_working_day(cal, D("2026-01-01")));  // Thursday, New Year's Day
}

TEST_F(CalendarTest, DueDateAcrossSpringFestival2026) {
  // Filed Thu 02-12. 1: Fri 13, 2: Sat 14 (adjusted), 15..23 off,
  // 3: Tue 24, 4: 25, 5: 26, 6: Fri 27, 7: Sat 28 (adjusted), 8: Mon 03-02,
  // 9: 03-03, 10: Wed 03-04. (Plain Mon-Fri would say 02-26.)
  auto due = add_working_days(cal, D("2026-02-12"), 10);
  EXPECT_EQ(format_date(due.day), "2026-03-04");
  EXPECT_FALSE(due.estimated);
  // Filed Fri 02-13 (a working day; the filing day itself never counts).
  // 1: Sat 14, 2: Tue 24, 3: 25, 4: 26, 5: 27, 6: Sat 28, 7: 03-02, 8: 03-03,
  // 9: 03-04, 10: Thu 03-05.
  EXPECT_EQ(format_date(add_working_days(cal, D("2026-02-13"), 10).day), "2026-03-05");
  // Filed on the holiday Wed 02-18. 1: Tue 24, ..., 4: Fri 27, 5: Sat 28,
  // 6: 03-02, 7: 03-03, 8: 03-04, 9: 03-05, 10: Fri 03-06.
  EXPECT_EQ(format_date(add_working_days(cal, D("2026-02-18"), 10).day), "2026-03-06");
  // Filed on the adjusted Saturday 02-14: 1 working day later is Tue 02-24.
  EXPECT_EQ(format_date(add_working_days(cal, D("2026-02-14"), 1).day), "2026-02-24");
  // Zero days is the day itself.
  EXPECT_EQ(add_working_days(cal, D("2026-02-14"), 0).day, D("2026-02-14"));
}

TEST_F(CalendarTest, DueDateAcrossYearEnd2025To2026) {
  // Filed Mon 2025-12-22. 1: Tue 23, 2: 24, 3: 25, 4: Fri 26, 5: Mon 29,
  // 6: 30, 7: Wed 31, 2026-01-01..03 off, 8: Sun 01-04 (adjusted), 9: Mon 05,
  // 10: Tue 01-06.
  auto due = add_working_days(cal, D("2025-12-22"), 10);
  EXPECT_EQ(format_date(due.day), "2026-01-06");
  EXPECT_FALSE(due.estimated);
  // (12-31, 01-05]: Jan 1, 2, 3 off; Sun 4 and Mon 5 working = 2.
  auto n = working_days_between(cal, D("2025-12-31"), D("2026-01-05"));
  EXPECT_EQ(n.days, 2);
  EXPECT_FALSE(n.estimated);
  EXPECT_EQ(working_days_between(cal, D("2026-01-05"), D("2025-12-31")).days, -2);
  EXPECT_EQ(working_days_between(cal, D("2026-01-05"), D("2026-01-05")).days, 0);
}

TEST_F(CalendarTest, YearWithoutDataIsMondayToFridayAndEstimated) {
  // Filed Wed 2026-12-23. 1: Thu 24, 2: Fri 25, 3: Mon 28, 4: 29, 5: 30,
  // 6: Thu 31, then 2027 has no notice: 7: Fri 2027-01-01 (counted, Mon-Fri),
  // 8: Mon 04, 9: 05, 10: Wed 01-06. Estimated.
  auto due = add_working_days(cal, D("2026-12-23"), 10);
  EXPECT_EQ(format_date(due.day), "2027-01-06");
  EXPECT_TRUE(due.estimated);
  // Entirely in 2023 (no file shipped): Thu 09-28, 1: Fri 29, 2..6: Oct 2..6,
  // 7..10: Oct 9..12. (The real 2023 calendar had a National Day break.)
  auto old = add_working_days(cal, D("2023-09-28"), 10);
  EXPECT_EQ(format_date(old.day), "2023-10-12");
  EXPECT_TRUE(old.estimated);
  EXPECT_TRUE(working_days_between(cal, D("2026-12-30"), D("2027-01-04")).estimated);
  EXPECT_FALSE(working_days_between(cal, D("2026-12-01"), D("2026-12-31")).estimated);
}

TEST_F(CalendarTest, DeadlineStatusAsStaffSeeIt) {
  const int64_t filed = D("2026-02-12");  // due 2026-03-04 (see above)
  auto d = deadline_for(cal, filed, D("2026-02-20"), 10);  // in the holiday
  EXPECT_EQ(format_date(d.due_day), "2026-03-04");
  // (02-20, 03-04]: Tue 24, 25, 26, 27, Sat 28, 03-02, 03, 04 = 8.
  EXPECT_EQ(d.days_left, 8);
  EXPECT_FALSE(d.overdue);
  EXPECT_FALSE(d.due_soon);
  d = deadline_for(cal, filed, D("2026-03-03"), 10);
  EXPECT_EQ(d.days_left, 1);
  EXPECT_TRUE(d.due_soon);
  d = deadline_for(cal, filed, D("2026-03-04"), 10);
  EXPECT_EQ(d.days_left, 0);
  EXPECT_TRUE(d.due_soon);
  EXPECT_FALSE(d.overdue);
  d = deadline_for(cal, filed, D("2026-03-07"), 10);  // Saturday: Thu 5 and Fri 6 passed
  EXPECT_TRUE(d.overdue);
  EXPECT_EQ(d.days_left, -2);
  // Due Fri 03-06 (filed 02-18); on Sat 03-07 no working day has passed,
  // but it is late all the same.
  d = deadline_for(cal, D("2026-02-18"), D("2026-03-07"), 10);
  EXPECT_TRUE(d.overdue);
  EXPECT_EQ(d.days_left, -1);
  EXPECT_FALSE(d.due_soon);
}

TEST(CalendarLoad, BadFilesAreNamedAndMissingFolderIsAnError) {
  namespace fs = std::filesystem;
  const char* tmp = std::getenv("ODR_TEST_TMP");
  fs::path dir = fs::path(tmp ? tmp : "/tmp") / "calendar_bad";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "2026.json") << R"({"year": 2026, "days": [{"date": "2026-02-30", "isOffDay": true}]})";
  try {
    load_workday_calendar(dir.string());
    FAIL() << "a bad date must not load";
  } catch (const CalendarError& e) {
    EXPECT_NE(std::string(e.what()).find("2026.json"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("days[0]"), std::string::npos) << e.what();
  }
  std::ofstream(dir / "2026.json", std::ios::trunc) << "{not json";
  EXPECT_THROW(load_workday_calendar(dir.string()), CalendarError);
  std::ofstream(dir / "2026.json", std::ios::trunc) << R"({"year": 2025, "days": []})";
  EXPECT_THROW(load_workday_calendar(dir.string()), CalendarError);  // year != file name
  std::ofstream(dir / "2026.json", std::ios::trunc) << R"({"year": 2026, "days": []})";
  std::ofstream(dir / "notes.json") << "ignored: not a YYYY.json";
  auto cal = load_workday_calendar(dir.string());
  EXPECT_TRUE(has_year(cal, 2026));
  EXPECT_THROW(load_workday_calendar((dir / "missing").string()), CalendarError);
}

}  // namespace
}  // namespace odr
