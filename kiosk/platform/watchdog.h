// systemd supervision of the frame loop (odr-kiosk.service, Type=notify,
// WatchdogSec=30): READY=1 once the first frame is on screen, WATCHDOG=1
// after frames, and a frame at least every third of the watchdog interval
// even when nothing changes, so a hung UI thread is killed and restarted.
// Outside systemd (no NOTIFY_SOCKET / WATCHDOG_USEC) it changes nothing.
#pragma once
#include "platform/loop.h"

namespace odr::kiosk {

// Wraps hooks.after_frame and hooks.deadline_ms. Call just before run_loop.
void watch_frame_loop(LoopHooks& hooks);

}  // namespace odr::kiosk
