// The sync engine: delivers the outbox to the ODR gateway and pulls the
// platform's updates back, following odr-sync-v1.md to the letter.
//
//   outbox --claim--> batches --signed POST--> gateway
//          <--mark_delivered / mark_held / release (with backoff)--
//   gateway --GET /updates--> Store::apply_updates (cursor after the updates)
//
// Runs two ways over the same code: run_once() on the caller's thread
// (kiosk-sync once), or a background thread (start / wake / stop) inside the
// kiosk or `kiosk-sync run`. It has its own Store connection on the store
// file, so the kiosk and kiosk-sync can run at once: the store's leases keep
// them from sending the same item at the same time, and the gateway's
// idempotency on id makes a second copy harmless anyway.
//
// Never logs personal data or the key: log lines carry counts, codes, times.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "engine/answer.h"
#include "engine/retry.h"
#include "protocol/messages.h"
#include "store/store.h"
#include "transport/transport.h"

namespace odr {

struct SyncOptions {
  // Which of the store's destinations this engine delivers to (one engine
  // each). Only the gateway's pulls GET /updates; the hub's also sends the
  // forwarded 'update' items and, every heartbeat_interval_ms, a heartbeat.
  std::string destination = kGatewayDestination;
  int64_t heartbeat_interval_ms = 0;  // 0: none (the gateway)
  // The receipt printer's state for the heartbeat ("ok", "paper_out", ...);
  // empty function or "": no printer is reported.
  std::function<std::string()> printer_state;
  std::string store_path;
  StoreOptions store;
  std::string base_url;  // https://host[:port]/path
  std::string kiosk_id;
  std::string key;  // raw 32 bytes; the engine wipes its copy when destroyed
  TransportOptions transport;
  BackoffPolicy backoff;                    // 1 s doubling to 5 min (tests shrink it)
  int64_t poll_interval_ms = 30'000;        // /health and /updates when idle
  int64_t stopped_retry_ms = 3'600'000;     // after a 401/404 the background loop tries again this rarely
  int max_auth_refusals = 3;                // 401s in a row (each signed afresh, with backoff) before syncing stops
  int64_t max_wait_ms = 3'600'000;          // a Retry-After longer than this is cut to it
  int64_t lease_ms = 0;                     // 0: request time-out + 60 s
  int max_ticket_conflicts = 20;            // ticket_conflicts of one complaint before it is held, not re-ticketed
  size_t max_complaints_per_batch = 100;    // the protocol's limits
  size_t max_events_per_batch = 500;
  size_t max_body_bytes = 1024 * 1024;
  int64_t limit_recovery_ms = 600'000;      // a limit learned from 413s doubles back after this without a 413
  int64_t constrained_interval_ms = 50;     // while such a limit is in force: batch requests at most 20/s
  size_t gzip_above_bytes = 16 * 1024;      // gzip request bodies larger than this (0: never)
  int updates_limit = 100;
  // Retention: personal data of complaints whose delivery is done and that
  // were filed more than retention_ms ago is blanked by the background loop,
  // once at start and then every purge_interval_ms. 0: never.
  int64_t retention_ms = 0;
  int64_t purge_interval_ms = 3'600'000;
  std::string owner;                        // lease owner; empty: "sync-<pid>-<random>"
  // One log line (no newline). Empty: stderr with a time stamp in front.
  std::function<void(const std::string&)> log;
};

// The store file, store options and sync options of a kiosk config. The key
// file is read here: throws KeyError (protocol/signing.h) or ConfigError.
std::string store_path_from_config(const KioskConfig& config);
StoreOptions store_options_from_config(const KioskConfig& config);
SyncOptions sync_options_from_config(const KioskConfig& config);  // the gateway's
SyncOptions hub_sync_options_from_config(const KioskConfig& config);
// One per configured destination, the gateway first.
std::vector<SyncOptions> all_sync_options_from_config(const KioskConfig& config);
// odr.retention_days in milliseconds.
int64_t retention_ms_from_config(const KioskConfig& config);

// Blanks the personal data of complaints filed more than retention_ms before
// the store's now whose delivery is done (Store::purge_personal_data).
// Returns how many; retention_ms <= 0 purges nothing.
int64_t purge_expired_personal_data(Store& store, int64_t retention_ms);

// The heartbeat's body for the hub, from the store now (protocol/heartbeat.h).
std::string heartbeat_body(Store& store, const SyncOptions& options);

// What one pass did.
struct SyncReport {
  int64_t complaints_delivered = 0;  // accepted + duplicate
  int64_t events_delivered = 0;
  int64_t held = 0;                  // rejected or 4xx during this pass
  int64_t updates_applied = 0;
  int64_t requests = 0;
  bool failed = false;   // a transient failure: items stay pending, retried after backoff_until_ms
  bool stopped = false;  // 401/404: syncing stopped, staff alerted
  bool aborted = false;  // stop() during the pass
  bool deferred = false; // nothing sent: a backoff or Retry-After (maybe from before a restart) is not over
  std::string error;     // the last failure, for the operator
  int64_t backoff_until_ms = 0;
  bool ok() const { return !failed && !stopped && !aborted && !deferred && held == 0; }
};

class SyncEngine {
 public:
  // transport: empty makes a CurlTransport from options.transport.
  // Throws StoreError when the store cannot be opened, std::invalid_argument
  // when the base URL is not https://.
  explicit SyncEngine(SyncOptions options, std::unique_ptr<Transport> transport = nullptr);
  ~SyncEngine();  // stops the thread
  SyncEngine(const SyncEngine&) = delete;
  SyncEngine& operator=(const SyncEngine&) = delete;

  // One pass on the caller's thread: /health, complaints, events, updates.
  // Not while the background thread runs. While a backoff or Retry-After
  // is not over (this engine's, or one left in the store by an earlier
  // process for the same gateway) it sends nothing and reports deferred.
  SyncReport run_once();
  // Only the outbox (complaints, then events): no /health, no /updates.
  SyncReport deliver_pending();
  // GET /health: records reachable, server time and clock offset. True when it answered 200.
  bool check_health();
  // The retention purge on the caller's thread (the background loop does it
  // by itself): returns how many complaints were blanked. Never throws; a
  // store error is logged and counts as 0.
  int64_t purge_personal_data();

  // The background thread.
  void start();
  void wake();  // something new in the outbox: deliver now (unless backing off)
  void stop();  // aborts an in-flight transfer; returns when the thread has ended
  bool running() const { return thread_.joinable(); }

  int64_t clock_offset_s() const { return clock_offset_s_.load(); }
  // POST {base}/heartbeat now (the hub's engine does it by itself at start
  // and every heartbeat_interval_ms). True when the hub answered 200.
  bool send_heartbeat();

 private:
  enum class Step { ok, stop_pass };
  using Outcome = AnswerOutcome;
  struct Range;

  void thread_main();
  void clear_stopped();
  SyncReport pass(bool poll);
  Step deliver(OutboxKind kind, SyncReport& report);
  struct Batch;
  std::string batch_body(OutboxKind kind, const std::vector<OutboxItem>& items, size_t begin, size_t end);
  std::string skey(const char* key) const;  // this destination's sync_state key
  Step send_range(OutboxKind kind, const std::shared_ptr<std::vector<OutboxItem>>& items, size_t begin, size_t end,
                  SyncReport& report);
  void build_batch(OutboxKind kind, Batch& b);
  void build_fitting(OutboxKind kind, Batch& b, std::vector<BatchRange>& plan, size_t next);
  HttpResponse send_batch(OutboxKind kind, Batch& b);
  bool held_over_protocol_limit(OutboxKind kind, Batch& b, SyncReport& report);
  void pace();
  std::optional<Step> hold_unreadable(OutboxKind kind, Batch& b, const Outcome& o, SyncReport& report);
  std::string destination() const;
  void set_backoff(int64_t until_ms);
  void save_limits();
  void load_waits();
  Step answer_batch(OutboxKind kind, Batch& b, const HttpResponse& r, bool may_retry, SyncReport& report);
  Step handle_answer(OutboxKind kind, Batch& b, const HttpResponse& r, Outcome o, const std::string& why,
                     bool may_retry, SyncReport& report);
  Step apply_results(OutboxKind kind, Batch& b, const BatchAnswer& answer, double http_s, SyncReport& report);
  size_t reticket_conflicts(const std::vector<std::pair<const OutboxItem*, std::string>>& conflicts);
  enum class Compress { if_large, never };
  HttpRequest make_request(const std::string& method, const std::string& target, const std::string& body, bool sign,
                           Compress compress = Compress::if_large);
  void note_answer(const HttpResponse& r);
  Step pull_updates(SyncReport& report);
  HttpResponse exchange(const std::string& method, const std::string& target, const std::string& body, bool sign);
  Outcome classify(const HttpResponse& resp);
  Step on_failure(const Outcome& o, SyncReport& report, const std::string& what);
  bool note_refusal(Outcome& o);
  std::string refusals_summary() const;
  bool pause_before_retry();
  void release_all(std::vector<OutboxItem>& items, size_t begin, size_t end, const std::string& why, int64_t not_before);
  void learn_offset(int64_t server_time_s, const char* source);
  void set_reachable(bool reachable);
  void record_success();
  void record_error(const std::string& error);
  void raise_alert(const char* code, const std::string& message);
  void drop_alert(const char* code);
  void log(const std::string& line);
  int64_t now_ms() const;

  SyncOptions options_;
  std::unique_ptr<Transport> transport_;
  std::unique_ptr<Store> store_;
  std::string origin_, base_path_;

  std::atomic<int64_t> clock_offset_s_{0};
  int failures_ = 0;               // consecutive transient failures: the backoff exponent
  int64_t backoff_until_ms_ = 0;   // no request before this
  bool stopped_ = false;           // 401/404 seen
  std::vector<std::string> refusals_;  // codes of the 401s in a row (other than clock_skew)
  // Taught by 413s: items a request, body bytes as sent, body bytes inflated.
  LearnedLimit complaint_items_, event_items_, wire_bytes_, raw_bytes_;
  int64_t last_batch_ms_ = 0;  // when the last batch request went (pacing)
  std::string saved_limits_;   // what the store holds, to write only changes
  std::optional<bool> reachable_;  // last written, to write only changes

  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool woken_ = false;
  std::atomic<bool> stopping_{false};
};

}  // namespace odr
