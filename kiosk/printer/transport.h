// The way to the receipt printer: a USB printer's device file (/dev/usb/lp0)
// or a network printer's raw TCP port (9100). Non-blocking underneath: every
// call returns by its time-out, or at once when `cancel` (a file descriptor)
// becomes readable, so a printer that accepts, stalls and closes costs its
// caller only the time-out. Runs on the printer's own thread, never the UI's.
#pragma once
#include <string>
#include <string_view>

namespace odr::kiosk {

struct PrinterAddress {
  std::string device;  // a device file, or
  std::string host;    // an IP address (no name lookup)
  int port = 9100;
  std::string describe() const;  // for logs: "/dev/usb/lp0", "192.168.1.50:9100"
};

enum class LinkError {
  none,
  no_device,  // no such device file, or no printer on it
  refused,    // nothing listens there, or no route
  timed_out,
  closed,     // the printer closed the connection (or the device went away)
  cancelled,  // `cancel` became readable
  io,         // any other error (detail says which)
};
const char* to_string(LinkError e);

struct LinkResult {
  LinkError error = LinkError::none;
  std::string detail;  // strerror text, for logs
  bool ok() const { return error == LinkError::none; }
};

class PrinterLink {
 public:
  PrinterLink() = default;
  ~PrinterLink();
  PrinterLink(PrinterLink&& o) noexcept;
  PrinterLink& operator=(PrinterLink&& o) noexcept;
  PrinterLink(const PrinterLink&) = delete;
  PrinterLink& operator=(const PrinterLink&) = delete;

  // Opens the device or connects within timeout_ms. cancel: -1 for none.
  LinkResult open(const PrinterAddress& a, int timeout_ms, int cancel = -1);
  bool is_open() const { return fd_ >= 0; }
  // All of bytes within timeout_ms (the whole write, not each piece).
  LinkResult write_all(std::string_view bytes, int timeout_ms);
  // Reads until n bytes have come or timeout_ms passes; *out holds what came.
  // A time-out with fewer bytes is not an error: out->size() tells.
  LinkResult read_up_to(size_t n, int timeout_ms, std::string* out);
  void close();

 private:
  // Waits for events on fd_ (or cancel) until deadline_ms (monotonic ms).
  LinkResult wait(short events, int64_t deadline_ms);
  int fd_ = -1;
  int cancel_ = -1;
  bool socket_ = false;
};

}  // namespace odr::kiosk
