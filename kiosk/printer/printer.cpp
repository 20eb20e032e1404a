#include "printer/printer.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "util/time.h"

namespace odr::kiosk {

namespace {

constexpr size_t kJobsKept = 32;
constexpr int64_t kMinCheckGapMs = 2000;  // check() from a screen: at most this often

}  // namespace

PrinterHealth health_of(LinkError e) {
  switch (e) {
    case LinkError::none: return PrinterHealth::ready;
    case LinkError::timed_out: return PrinterHealth::not_answering;
    case LinkError::io: return PrinterHealth::error;
    default: return PrinterHealth::offline;  // no device, refused, closed
  }
}

EscPosPrinter::EscPosPrinter(PrinterOptions o) : o_(std::move(o)) {
  const PrinterConfig& c = o_.config;
  address_ = {c.device, c.host, c.port};
  format_.encoding = encoding_from_name(c.encoding);
  format_.qr = qr_mode_from_name(c.qr);
  format_.width_dots = width_dots_for_paper(c.paper_mm);
  format_.cut = c.cut;
  if (::pipe2(cancel_, O_CLOEXEC | O_NONBLOCK) != 0) cancel_[0] = cancel_[1] = -1;
  thread_ = std::thread([this] { run(); });
}

EscPosPrinter::~EscPosPrinter() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  if (cancel_[1] >= 0) {
    const char x = 1;
    [[maybe_unused]] ssize_t n = ::write(cancel_[1], &x, 1);
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (int fd : cancel_)
    if (fd >= 0) ::close(fd);
}

uint64_t EscPosPrinter::print(const Receipt& r) {
  uint64_t id;
  {
    std::lock_guard<std::mutex> l(mu_);
    id = next_id_++;
    queue_.push_back({id, r});
    jobs_[id] = {id, JobPhase::queued, PrinterHealth::unknown};
    while (jobs_.size() > kJobsKept) jobs_.erase(jobs_.begin());
  }
  cv_.notify_all();
  return id;
}

PrintJob EscPosPrinter::job(uint64_t id) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = jobs_.find(id);
  return it == jobs_.end() ? PrintJob{id, JobPhase::none, PrinterHealth::unknown} : it->second;
}

PrinterState EscPosPrinter::state() const {
  std::lock_guard<std::mutex> l(mu_);
  return state_;
}

void EscPosPrinter::check() {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (state_.busy || check_wanted_ || (state_.checked_ms && now_ms() - state_.checked_ms < kMinCheckGapMs)) return;
    check_wanted_ = true;
  }
  cv_.notify_all();
}

int64_t EscPosPrinter::now_ms() const { return o_.clock_ms ? o_.clock_ms() : now_unix_ms(); }

void EscPosPrinter::set_job(uint64_t id, JobPhase phase, PrinterHealth why) {
  bool stopping;
  {
    std::lock_guard<std::mutex> l(mu_);
    jobs_[id] = {id, phase, why};
    state_.busy = phase == JobPhase::printing;
    stopping = stop_;
  }
  if (o_.wake && !stopping) o_.wake();  // at stop the window may be going
}

void EscPosPrinter::set_health(PrinterHealth h) {
  bool changed;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stop_) return;  // a cancelled job says nothing about the printer
    changed = state_.health != h;
    state_.health = h;
    state_.checked_ms = now_ms();
  }
  if (changed) {
    // The kind of trouble only: no receipt content, no personal data.
    fprintf(stderr, "odr-kiosk: printer %s: %s\n", address_.describe().c_str(), to_string(h));
    if (o_.wake) o_.wake();
  }
}

void EscPosPrinter::run() {
  // A device that goes away mid-write must not kill the kiosk with SIGPIPE.
  sigset_t pipe_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, nullptr);
  const auto poll_every = std::chrono::seconds(o_.config.status_poll_s > 0 ? o_.config.status_poll_s : 86400);
  std::unique_lock<std::mutex> l(mu_);
  while (!stop_) {
    const bool woken = cv_.wait_for(l, poll_every, [this] { return stop_ || !queue_.empty() || check_wanted_; });
    if (stop_) break;
    if (!queue_.empty()) {
      Queued q = std::move(queue_.front());
      queue_.pop_front();
      l.unlock();
      print_one(q);
      l.lock();
    } else if (check_wanted_ || (!woken && o_.config.status_poll_s > 0)) {
      check_wanted_ = false;
      state_.busy = true;
      l.unlock();
      const PrinterHealth h = check_now();
      l.lock();
      state_.busy = false;
      if (!stop_) {
        l.unlock();
        set_health(h);
        l.lock();
      }
    }
  }
}

PrinterHealth EscPosPrinter::ask(PrinterLink& link) {
  if (!o_.config.status) return PrinterHealth::ready;
  // Bytes already waiting are no answer to this question: a printer that
  // took a DLE EOT inside image data answered it; drop them.
  std::string stale;
  if (LinkResult d = link.read_up_to(64, 0, &stale); !d.ok()) return health_of(d.error);
  LinkResult w = link.write_all(status_query(), o_.config.status_timeout_ms);
  if (!w.ok()) return health_of(w.error);
  std::string reply;
  LinkResult r = link.read_up_to(kStatusReplyBytes, o_.config.status_timeout_ms, &reply);
  if (!r.ok() && r.error != LinkError::timed_out) return health_of(r.error);
  return health_from_status(reply);
}

PrinterHealth EscPosPrinter::check_now() {
  PrinterLink link;
  LinkResult r = link.open(address_, o_.config.connect_timeout_ms, cancel_[0]);
  if (!r.ok()) return health_of(r.error);
  return ask(link);
}

void EscPosPrinter::print_one(const Queued& q) {
  set_job(q.id, JobPhase::printing);
  const std::string bytes = encode_receipt(q.receipt, format_);
  auto failed = [&](PrinterHealth why) {
    set_health(why);
    set_job(q.id, JobPhase::failed, why);
  };
  PrinterLink link;
  LinkResult r = link.open(address_, o_.config.connect_timeout_ms, cancel_[0]);
  if (!r.ok()) return failed(health_of(r.error));
  // Paper out or the cover open: said before a line is printed.
  PrinterHealth before = ask(link);
  if (!can_print(before)) return failed(before);
  if (LinkResult w = link.write_all(bytes, o_.config.write_timeout_ms); !w.ok()) return failed(health_of(w.error));
  // The paper may have run out on this receipt.
  PrinterHealth after = ask(link);
  if (!can_print(after)) return failed(after);
  set_health(after);
  set_job(q.id, JobPhase::printed);
}

}  // namespace odr::kiosk
