// The tour: drives every screen of the shopper's flow by taps and typing,
// in both languages, both orientations and large text, and asks for a
// screenshot of each. odr-kiosk --tour DIR runs it in the real window and
// writes one PNG per shot; it is also how the README's demo shows the app on
// a machine without a display.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "testing/driver.h"

namespace odr::kiosk {

struct TourHooks {
  std::function<void(const std::string& name)> shot;  // screenshot of the frame just drawn
  std::function<void(int width, int height)> resize;  // the window (or headless display) size
  std::function<void(int64_t ms)> advance_clock;      // moves the app's clock (the idle overlay)
  bool elderly_only = false;  // only the elderly-mode walks, in both languages and orientations
};

struct TourResult {
  int shots = 0;
};

TourResult run_tour(Driver& d, const TourHooks& hooks);

}  // namespace odr::kiosk
