// The engine's error table as a pure function: an HTTP answer (or a
// transport failure) becomes one verdict per row of the protocol's table.
// What the engine then does with each verdict (retry at once, split, hold,
// back off, stop) is SyncEngine::handle_answer / on_failure.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "transport/transport.h"

namespace odr {

struct AnswerOutcome {
  enum Verdict {
    ok,            // 2xx: read the body
    clock_skew,    // 401 clock_skew: fix the offset, retry once at once
    refused,       // other 401: signed again and retried; stops after max_auth_refusals in a row
    fatal,         // 404, redirects, a 401 that persisted: stop syncing, alert staff
    split,         // 413: halve the batch
    slow_down,     // 429/503: wait Retry-After (or back off when absent)
    transient,     // 5xx, time-outs, resets, TLS, garbage: back off
    client_fault,  // 400, other 4xx: hold the items, alert staff, no hot retry
    gone,          // 410: start the updates again without a cursor
    aborted,       // stop() was called
  } verdict = transient;
  std::string error;                  // one line for logs and status
  std::string code;                   // the error body's code, when it had one
  std::optional<int64_t> wait_ms;     // slow_down with Retry-After
  std::optional<int64_t> server_time; // clock_skew
  bool tls = false;
  bool not_tls = false;               // plain HTTP where TLS was expected
  bool no_answer = false;             // the connection closed before any answer (a lost acknowledgement?)
};

// local_now_s and clock_offset_s read a Retry-After given as a date.
AnswerOutcome classify_answer(const HttpResponse& r, int64_t local_now_s, int64_t clock_offset_s);

}  // namespace odr
