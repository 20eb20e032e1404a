#include "platform/watchdog.h"

#include <systemd/sd-daemon.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>

namespace odr::kiosk {
namespace {

int64_t mono_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

// The unit's main process is cage and the kiosk its child, so systemd's
// WATCHDOG_PID names cage: sd_watchdog_enabled() would say no. The interval
// is read here instead; the unit has NotifyAccess=all so our pings count.
int64_t watchdog_interval_ms() {
  const char* usec = getenv("WATCHDOG_USEC");
  if (!usec || !getenv("NOTIFY_SOCKET")) return 0;
  char* end = nullptr;
  const long long v = strtoll(usec, &end, 10);
  return (end && *end == '\0' && v > 0) ? v / 1000 : 0;
}

struct State {
  int64_t interval_ms = 0;
  int64_t last_ping_ms = 0;
  bool ready = false;
};

}  // namespace

void watch_frame_loop(LoopHooks& hooks) {
  if (!getenv("NOTIFY_SOCKET")) return;
  auto st = std::make_shared<State>();
  st->interval_ms = watchdog_interval_ms();
  auto after = hooks.after_frame;
  hooks.after_frame = [st, after] {
    if (after) after();
    const int64_t now = mono_ms();
    if (!st->ready) {
      st->ready = true;
      st->last_ping_ms = now;
      sd_notify(0, "READY=1\nSTATUS=welcome screen on");
      return;
    }
    if (st->interval_ms > 0 && now - st->last_ping_ms >= 1000) {
      st->last_ping_ms = now;
      sd_notify(0, "WATCHDOG=1");
    }
  };
  if (st->interval_ms <= 0) return;
  // An idle welcome screen draws nothing for minutes: wake for a frame
  // (a deadline the loop draws at) well inside the interval.
  auto deadline = hooks.deadline_ms;
  auto now_ms = hooks.now_ms;
  hooks.deadline_ms = [st, deadline, now_ms] {
    const int64_t app = deadline ? deadline() : 0;
    const int64_t wd = now_ms() + st->interval_ms / 3;
    return app > 0 && app < wd ? app : wd;
  };
}

}  // namespace odr::kiosk
