// When to try again: the pure arithmetic of the protocol's error table, kept
// apart from the engine so tests can check the schedule without a network.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace odr {

// Exponential backoff with full jitter: after the n-th failure in a row the
// wait is uniform in [0, min(cap, base * 2^(n-1))]. The protocol's values are
// 1 s doubling to a 5 min cap; tests shrink them.
struct BackoffPolicy {
  int64_t base_ms = 1000;
  int64_t cap_ms = 300'000;
};

// min(cap, base * 2^(failures-1)); failures < 1 counts as 1. Never overflows.
int64_t backoff_ceiling_ms(const BackoffPolicy& policy, int failures);
// Full jitter: floor(u01 * (ceiling + 1)), u01 in [0, 1).
int64_t backoff_delay_ms(const BackoffPolicy& policy, int failures, double u01);
// The same with a cryptographic random u01 (kiosks booted together must not
// retry in step).
int64_t backoff_delay_ms(const BackoffPolicy& policy, int failures);

// Retry-After of a 429/503 answer, as milliseconds to wait from now.
// value: delta-seconds ("120") or an HTTP date on the SERVER's clock. A date
// is measured against the answer's Date header (date_header) when it has
// one, else against the kiosk's clock corrected by the learned offset
// (local_now_s + clock_offset_s). A date in the past means "now" (0).
// nullopt: no header or not understood (the caller backs off as for 5xx).
std::optional<int64_t> retry_after_ms(const std::string& value, const std::string& date_header, int64_t local_now_s,
                                      int64_t clock_offset_s);

// A run of consecutive items [begin, end) that go in one request.
struct BatchRange {
  size_t begin = 0, end = 0;
  bool too_large = false;  // one item that alone exceeds max_bytes: it goes alone (the gateway decides)
  size_t size() const { return end - begin; }
};

// Cuts items (given their JSON sizes, in send order) into requests of at most
// max_items and at most max_bytes of body, counting the envelope
// ({"complaints":[ ... ]}) as envelope_bytes and one comma between items.
std::vector<BatchRange> plan_batches(const std::vector<size_t>& item_bytes, size_t max_items, size_t max_bytes,
                                     size_t envelope_bytes);

// A limit taught by 413 answers (bytes as sent, bytes inflated, items a
// request), found by bisection between the largest size the gateway took
// and the smallest it refused, so a few 413s find it whatever the sizes.
// It starts at the protocol's value; after recover_ms without a refusal it
// doubles back towards it (a gateway's or proxy's limit can be raised
// again, and one odd 413 must not slow a kiosk for the life of the process).
struct LearnedLimit {
  size_t max = 0;         // the protocol's value
  size_t value = 0;       // in force now (== max: nothing learned)
  size_t refused_at = 0;  // smallest size refused (0: none)
  size_t took = 0;        // largest size taken below refused_at (0: none)
  int64_t since_ms = 0;   // last refusal or recovery step
  int64_t recover_ms = 600'000;

  static LearnedLimit of(size_t max, int64_t recover_ms) { return {max, max, 0, 0, 0, recover_ms}; }
  size_t current(int64_t now_ms);               // applies the recovery due by now
  void refused(size_t size, int64_t now_ms);    // a request of this size got 413
  void accepted(size_t size, int64_t now_ms);   // a request of this size went through
  bool lowered(int64_t now_ms) { return current(now_ms) < max; }
};

// How many of n items to keep when a body of wire_bytes must fit into
// limit bytes: proportional, at least 1, fewer than n when it does not fit.
size_t shrink_to_fit(size_t n, size_t wire_bytes, size_t limit);

// After a 413: the two halves of a batch (the second may be empty for one item).
std::pair<BatchRange, BatchRange> split_batch(const BatchRange& r);

}  // namespace odr
