// Under cage (Debian's 0.1.4) the kiosk's fullscreen X window came out
// black: cage scans the focused view's buffer straight out to the output
// instead of compositing it, with no check that this can work. With
// Xwayland's software buffers (no GPU: no glamor) the output, and every
// screenshot of it, stays black while the app draws happily. cage skips
// that path for a view whose X window has transient children, so the
// kiosk gives its window one that is never mapped. Only when running as a
// Wayland compositor's X client (WAYLAND_DISPLAY set); Xvfb and X servers
// are left alone.
#pragma once

namespace odr::kiosk {

// Call once after the window is open (its GL context current).
void keep_composited_under_wayland();

}  // namespace odr::kiosk
