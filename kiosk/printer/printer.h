// The receipt printer as the running kiosk has it: a ReceiptPrinter
// (receipt/status.h) with its own thread that encodes each receipt, opens
// the device or connection, asks for the status (DLE EOT) where the printer
// answers, writes, and asks again; all with the config's time-outs. The UI
// thread only queues and reads state under a mutex: no call here waits for
// the printer. Between jobs it asks for the status every status_poll_s.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "config/config.h"
#include "printer/transport.h"
#include "receipt/status.h"

namespace odr::kiosk {

struct PrinterOptions {
  PrinterConfig config;
  std::function<void()> wake;         // a job or the health changed (called on the printer's thread)
  std::function<int64_t()> clock_ms;  // Unix ms for PrinterState::checked_ms (empty: the system clock)
};

// What a failed link means for the shopper and staff.
PrinterHealth health_of(LinkError e);

class EscPosPrinter final : public ReceiptPrinter {
 public:
  explicit EscPosPrinter(PrinterOptions o);
  // Cancels whatever is under way (the link's cancel fd) and joins: returns
  // at once even while a printer stalls.
  ~EscPosPrinter() override;
  EscPosPrinter(const EscPosPrinter&) = delete;
  EscPosPrinter& operator=(const EscPosPrinter&) = delete;

  uint64_t print(const Receipt& r) override;
  PrintJob job(uint64_t id) const override;
  PrinterState state() const override;
  void check() override;

 private:
  struct Queued {
    uint64_t id;
    Receipt receipt;
  };
  void run();
  void print_one(const Queued& q);
  // Opens, asks, closes: the health now.
  PrinterHealth check_now();
  // The status over an open link (ready when the printer is not asked).
  PrinterHealth ask(PrinterLink& link);
  void set_job(uint64_t id, JobPhase phase, PrinterHealth why = PrinterHealth::unknown);
  void set_health(PrinterHealth h);
  int64_t now_ms() const;

  PrinterOptions o_;
  PrinterAddress address_;
  ReceiptFormat format_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Queued> queue_;
  std::map<uint64_t, PrintJob> jobs_;  // the latest few
  PrinterState state_;
  uint64_t next_id_ = 1;
  bool check_wanted_ = true;  // a first look at start
  bool stop_ = false;
  int cancel_[2] = {-1, -1};  // a pipe: written once at stop, ends any wait on the printer
  std::thread thread_;
};

}  // namespace odr::kiosk
