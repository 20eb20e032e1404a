// A touch calendar for the purchase date: one month of big day cells,
// Monday first (as in China), previous / next month, days after today
// disabled (a purchase cannot be in the future).
#pragma once
#include <imgui.h>
#include <imgui_internal.h>

#include <cstdint>

namespace odr::kiosk {

struct CalendarState {
  int year = 0;
  int month = 0;  // 1..12; 0: start at the month of today
};

// Draws into r. Returns true when a day was tapped, with *picked set to it
// (days since 1970-01-01). Day cells have ids "cal.day.YYYY-MM-DD".
bool calendar(CalendarState& st, const ImRect& r, int64_t selected_day, int64_t today_day, int64_t* picked);

}  // namespace odr::kiosk
