// A clock the test moves, for StoreOptions::clock_ms and the like.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>

#include "support/samples.h"

namespace odr::test {

struct FakeClock {
  std::shared_ptr<int64_t> ms = std::make_shared<int64_t>(kNowS * 1000);
  std::function<int64_t()> fn() const {
    auto p = ms;
    return [p] { return *p; };
  }
  void advance(int64_t d) { *ms += d; }
};

}  // namespace odr::test
