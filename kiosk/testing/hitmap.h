// The hit map: what is on the real screen, for tests that drive the real
// binary through the X server (tests/xinput). When ODR_KIOSK_HITMAP names a
// file, the kiosk rewrites it (atomically) after every frame it puts on
// screen: the step, the overlay, the focused field, and each tappable
// rectangle with its state (enabled, selected, a target or a value shown). Tests read it to know where to send XTest
// events; pixels and the store tell them what happened. Off otherwise.
#pragma once
#include <string>

namespace odr::kiosk {

class App;

// Writes the map of app's last frame to path (via path.tmp and rename).
// frame_no counts the frames on screen, so a reader can wait for a newer one.
void write_hitmap(const App& app, const std::string& path, long long frame_no);

}  // namespace odr::kiosk
