// What the receipt printer is doing, as the screens see it: its health (from
// the ESC/POS real-time status, DLE EOT, or from what the connection did),
// the state of each print job, and the one interface the screens print
// through (ReceiptPrinter; kiosk/printer implements it on its own thread).
// No I/O here.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "receipt/receipt.h"

namespace odr::kiosk {

enum class PrinterHealth {
  unknown,         // not asked yet
  ready,
  paper_low,       // the near-end sensor: still prints
  paper_out,
  cover_open,
  error,           // cutter jam, head too hot, ... (the printer's error bits)
  offline,         // no device, connection refused, or the printer closed it
  not_answering,   // connected, but no answer in time
};
const char* to_string(PrinterHealth h);  // "paper_out": the i18n keys' last part
// Whether a receipt can be printed in this state (paper low still prints).
bool can_print(PrinterHealth h);

// The real-time status queries, sent together: DLE EOT 1 (printer), 2
// (offline cause), 4 (roll paper sensor). The printer answers one byte each.
std::string_view status_query();
inline constexpr size_t kStatusReplyBytes = 3;
// The answer to status_query() (what arrived, in order) as a health; fewer
// than 3 bytes or bytes that are not status bytes (0xx1xx10): not_answering.
PrinterHealth health_from_status(std::string_view reply);

enum class JobPhase { none, queued, printing, printed, failed };
struct PrintJob {
  uint64_t id = 0;
  JobPhase phase = JobPhase::none;
  PrinterHealth why = PrinterHealth::unknown;  // when failed: the reason
};

struct PrinterState {
  PrinterHealth health = PrinterHealth::unknown;
  int64_t checked_ms = 0;  // when health was last learnt (Unix ms; 0: never)
  bool busy = false;       // a job or a status check is under way
};

// What the screens print through. Every call returns at once: the work is
// done elsewhere, and the answer is read back with job() and state().
class ReceiptPrinter {
 public:
  virtual ~ReceiptPrinter() = default;
  // Queues a receipt; returns its job id (never 0).
  virtual uint64_t print(const Receipt& r) = 0;
  virtual PrintJob job(uint64_t id) const = 0;
  virtual PrinterState state() const = 0;
  // Asks the printer for its status soon (a staff screen opened).
  virtual void check() = 0;
};

}  // namespace odr::kiosk
