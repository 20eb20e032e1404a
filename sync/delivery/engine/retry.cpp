#include "engine/retry.h"

#include <algorithm>
#include <cctype>

#include "util/crypto.h"
#include "util/time.h"

namespace odr {

int64_t backoff_ceiling_ms(const BackoffPolicy& p, int failures) {
  int64_t base = std::max<int64_t>(p.base_ms, 1);
  int64_t cap = std::max<int64_t>(p.cap_ms, base);
  int n = std::max(failures, 1) - 1;
  int64_t v = base;
  for (int i = 0; i < n && v < cap; ++i) v = (v > cap / 2) ? cap : v * 2;
  return std::min(v, cap);
}

int64_t backoff_delay_ms(const BackoffPolicy& p, int failures, double u01) {
  int64_t ceiling = backoff_ceiling_ms(p, failures);
  if (!(u01 >= 0.0)) u01 = 0.0;  // also catches NaN
  if (u01 >= 1.0) u01 = 0.999999999;
  return std::min<int64_t>(ceiling, int64_t(u01 * double(ceiling + 1)));
}

int64_t backoff_delay_ms(const BackoffPolicy& p, int failures) {
  uint64_t r = 0;
  random_bytes(reinterpret_cast<unsigned char*>(&r), sizeof r);
  double u01 = double(r >> 11) / double(uint64_t(1) << 53);
  return backoff_delay_ms(p, failures, u01);
}

std::optional<int64_t> retry_after_ms(const std::string& value, const std::string& date_header, int64_t local_now_s,
                                      int64_t clock_offset_s) {
  size_t b = value.find_first_not_of(" \t");
  if (b == std::string::npos) return std::nullopt;
  size_t e = value.find_last_not_of(" \t");
  std::string v = value.substr(b, e - b + 1);
  if (std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); })) {
    if (v.size() > 9) return int64_t(999'999'999) * 1000;  // absurdly long: the caller caps it
    return int64_t(std::stoll(v)) * 1000;
  }
  std::optional<int64_t> at = parse_http_date(v);
  if (!at) return std::nullopt;
  int64_t server_now = local_now_s + clock_offset_s;
  if (std::optional<int64_t> d = parse_http_date(date_header)) server_now = *d;
  return std::max<int64_t>(0, (*at - server_now) * 1000);
}

std::vector<BatchRange> plan_batches(const std::vector<size_t>& item_bytes, size_t max_items, size_t max_bytes,
                                     size_t envelope_bytes) {
  std::vector<BatchRange> out;
  max_items = std::max<size_t>(max_items, 1);
  size_t i = 0;
  while (i < item_bytes.size()) {
    if (envelope_bytes + item_bytes[i] > max_bytes) {
      out.push_back({i, i + 1, true});
      ++i;
      continue;
    }
    BatchRange r{i, i, false};
    size_t bytes = envelope_bytes;
    while (r.end < item_bytes.size() && r.size() < max_items) {
      size_t add = item_bytes[r.end] + (r.size() > 0 ? 1 : 0);
      if (bytes + add > max_bytes) break;
      bytes += add;
      ++r.end;
    }
    out.push_back(r);
    i = r.end;
  }
  return out;
}

static size_t midpoint(size_t took, size_t refused_at) {
  size_t v = took ? took + (refused_at - took) / 2 : refused_at / 2;
  return std::clamp<size_t>(v, 1, refused_at > 1 ? refused_at - 1 : 1);
}

size_t LearnedLimit::current(int64_t now_ms) {
  if (value >= max || recover_ms <= 0) return value;
  while (value < max && now_ms - since_ms >= recover_ms) {
    value = value > max / 2 ? max : value * 2;
    refused_at = value < max ? value + 1 : 0;  // to be found again, above the old one
    took = std::min(took, value);
    since_ms += recover_ms;
  }
  return value;
}

void LearnedLimit::refused(size_t size, int64_t now_ms) {
  current(now_ms);
  size = std::max<size_t>(size, 1);
  if (refused_at == 0 || size < refused_at) refused_at = size;
  if (took >= refused_at) took = 0;
  value = std::min(value, midpoint(took, refused_at));
  since_ms = now_ms;
}

void LearnedLimit::accepted(size_t size, int64_t now_ms) {
  current(now_ms);
  if (refused_at == 0 || size >= refused_at || size <= took) return;
  took = size;
  value = std::max(value, midpoint(took, refused_at));
}

size_t shrink_to_fit(size_t n, size_t wire_bytes, size_t limit) {
  if (n <= 1 || wire_bytes <= limit) return n;
  size_t keep = size_t(double(n) * double(limit) / double(wire_bytes));
  return std::clamp<size_t>(keep, 1, n - 1);
}

std::pair<BatchRange, BatchRange> split_batch(const BatchRange& r) {
  size_t mid = r.begin + (r.size() + 1) / 2;
  return {BatchRange{r.begin, mid, false}, BatchRange{mid, r.end, false}};
}

}  // namespace odr
