// The retry arithmetic of the protocol's error table, without a network:
// full-jitter backoff (1 s doubling to 5 min), Retry-After in both forms,
// and cutting a backlog into requests within the batch limits.
#include <gtest/gtest.h>

#include "engine/retry.h"
#include "protocol/messages.h"

using namespace odr;

TEST(Backoff, CeilingDoublesFromOneSecondToFiveMinuteCap) {
  BackoffPolicy p;  // the protocol's defaults
  EXPECT_EQ(p.base_ms, 1000);
  EXPECT_EQ(p.cap_ms, 300000);
  const int64_t expected[] = {1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000, 300000, 300000};
  for (int n = 1; n <= 11; ++n) EXPECT_EQ(backoff_ceiling_ms(p, n), expected[n - 1]) << "failure " << n;
  EXPECT_EQ(backoff_ceiling_ms(p, 0), 1000);        // nonsense counts as the first
  EXPECT_EQ(backoff_ceiling_ms(p, 1000000), 300000);  // no overflow after a long outage
}

TEST(Backoff, FullJitterSpansZeroToCeiling) {
  BackoffPolicy p;
  EXPECT_EQ(backoff_delay_ms(p, 3, 0.0), 0);
  EXPECT_EQ(backoff_delay_ms(p, 3, 0.5), 2000);
  EXPECT_EQ(backoff_delay_ms(p, 3, 0.9999999999), 4000);
  EXPECT_EQ(backoff_delay_ms(p, 50, 0.9999999999), 300000);
  EXPECT_EQ(backoff_delay_ms(p, 3, 7.0), 4000);  // out-of-range u01 is clamped
  EXPECT_EQ(backoff_delay_ms(p, 3, -1.0), 0);
}

TEST(Backoff, RandomDelaysStayInBoundsAndSpread) {
  BackoffPolicy p;
  for (int n = 1; n <= 12; ++n) {
    int64_t ceiling = backoff_ceiling_ms(p, n);
    int64_t lo = ceiling, hi = 0;
    double sum = 0;
    const int kDraws = 400;
    for (int i = 0; i < kDraws; ++i) {
      int64_t d = backoff_delay_ms(p, n);
      ASSERT_GE(d, 0);
      ASSERT_LE(d, ceiling);
      lo = std::min(lo, d);
      hi = std::max(hi, d);
      sum += double(d);
    }
    // Uniform over [0, ceiling]: draws reach both ends and average about half.
    EXPECT_LT(lo, ceiling / 10 + 1) << n;
    EXPECT_GT(hi, ceiling * 9 / 10) << n;
    EXPECT_NEAR(sum / kDraws, ceiling / 2.0, ceiling * 0.1) << n;
  }
}

TEST(Backoff, ShrunkPolicyForTests) {
  BackoffPolicy p{10, 80};
  EXPECT_EQ(backoff_ceiling_ms(p, 1), 10);
  EXPECT_EQ(backoff_ceiling_ms(p, 4), 80);
  EXPECT_EQ(backoff_ceiling_ms(p, 5), 80);
}

TEST(RetryAfter, Seconds) {
  EXPECT_EQ(retry_after_ms("120", "", 1000, 0), 120000);
  EXPECT_EQ(retry_after_ms(" 3 ", "", 1000, 0), 3000);
  EXPECT_EQ(retry_after_ms("0", "", 1000, 0), 0);
}

TEST(RetryAfter, HttpDateMeasuredAgainstTheServersDateHeader) {
  // The kiosk's clock is a day off; the server says it is 01:07:00 and to come back at 01:07:30.
  int64_t kiosk_now = 1795828020 - 86400;
  auto ms = retry_after_ms(format_http_date(1795828050), format_http_date(1795828020), kiosk_now, 0);
  ASSERT_TRUE(ms);
  EXPECT_EQ(*ms, 30000);
  // Also the RFC 850 and asctime forms.
  EXPECT_EQ(retry_after_ms("Sat, 28 Nov 2026 01:07:30 GMT", "Saturday, 28-Nov-26 01:07:00 GMT", 0, 0), 30000);
  EXPECT_EQ(retry_after_ms("Sat Nov 28 01:07:30 2026", "Sat, 28 Nov 2026 01:07:00 GMT", 0, 0), 30000);
}

TEST(RetryAfter, HttpDateWithoutDateHeaderUsesLearnedOffset) {
  int64_t server_now = 1795828020;
  int64_t kiosk_now = server_now - 600;  // kiosk is 10 min behind, offset learned: +600
  EXPECT_EQ(retry_after_ms(format_http_date(server_now + 5), "", kiosk_now, 600), 5000);
  // Without the offset the wait would be ten minutes too long.
  EXPECT_EQ(retry_after_ms(format_http_date(server_now + 5), "", kiosk_now, 0), 605000);
}

TEST(RetryAfter, PastDateMeansNowAndGarbageMeansUnknown) {
  EXPECT_EQ(retry_after_ms(format_http_date(100), format_http_date(200), 0, 0), 0);
  EXPECT_FALSE(retry_after_ms("", "", 0, 0));
  EXPECT_FALSE(retry_after_ms("soon", "", 0, 0));
  EXPECT_FALSE(retry_after_ms("-5", "", 0, 0));
  EXPECT_FALSE(retry_after_ms("1.5", "", 0, 0));
}

TEST(Batches, LimitsOnItemsAndBytes) {
  const size_t envelope = make_batch_body("complaints", {}).size();
  std::vector<size_t> sizes(250, 1000);
  auto plan = plan_batches(sizes, 100, 1024 * 1024, envelope);
  ASSERT_EQ(plan.size(), 3u);
  EXPECT_EQ(plan[0].size(), 100u);
  EXPECT_EQ(plan[1].size(), 100u);
  EXPECT_EQ(plan[2].size(), 50u);
  EXPECT_EQ(plan[2].end, 250u);

  // 5 KiB items: the 1 MiB body fills before 100 items would.
  std::vector<size_t> big(300, 20 * 1024);
  plan = plan_batches(big, 100, 1024 * 1024, envelope);
  size_t covered = 0;
  for (const BatchRange& r : plan) {
    EXPECT_EQ(r.begin, covered);
    size_t bytes = envelope + (r.size() - 1);
    for (size_t i = r.begin; i < r.end; ++i) bytes += big[i];
    EXPECT_LE(bytes, 1024u * 1024u);
    EXPECT_FALSE(r.too_large);
    covered = r.end;
  }
  EXPECT_EQ(covered, 300u);
  EXPECT_EQ(plan[0].size(), 51u);  // 51 * 20481 + envelope <= 1 MiB < 52 * 20481
}

TEST(Batches, ExactFitCountsEnvelopeAndCommas) {
  // Real bodies: the plan's arithmetic must equal make_batch_body's length.
  std::vector<std::string> objs = {"{\"a\":1}", "{\"bb\":22}", "{\"c\":3}"};
  std::string body = make_batch_body("events", objs);
  const size_t envelope = make_batch_body("events", {}).size();
  std::vector<size_t> sizes = {objs[0].size(), objs[1].size(), objs[2].size()};
  auto plan = plan_batches(sizes, 500, body.size(), envelope);
  ASSERT_EQ(plan.size(), 1u);
  plan = plan_batches(sizes, 500, body.size() - 1, envelope);
  EXPECT_EQ(plan.size(), 2u);
}

TEST(Batches, AnItemTooLargeAloneIsMarkedNotDropped) {
  std::vector<size_t> sizes = {100, 5000, 100, 100};
  auto plan = plan_batches(sizes, 100, 1000, 20);
  ASSERT_EQ(plan.size(), 3u);
  EXPECT_FALSE(plan[0].too_large);
  EXPECT_EQ(plan[0].size(), 1u);
  EXPECT_TRUE(plan[1].too_large);
  EXPECT_EQ(plan[1].begin, 1u);
  EXPECT_EQ(plan[2].begin, 2u);
  EXPECT_EQ(plan[2].end, 4u);
}

TEST(Batches, SplitHalves) {
  auto [a, b] = split_batch(BatchRange{10, 17, false});
  EXPECT_EQ(a.begin, 10u);
  EXPECT_EQ(a.end, 14u);
  EXPECT_EQ(b.begin, 14u);
  EXPECT_EQ(b.end, 17u);
  auto [c, d] = split_batch(BatchRange{3, 5, false});
  EXPECT_EQ(c.size(), 1u);
  EXPECT_EQ(d.size(), 1u);
}

TEST(LearnedLimit, BisectsBetweenWhatWasTakenAndWhatWasRefused) {
  LearnedLimit l = LearnedLimit::of(1'000'000, 600'000);
  EXPECT_FALSE(l.lowered(0));
  l.refused(500'000, 0);
  EXPECT_EQ(l.current(0), 250'000u);
  l.refused(250'000, 1);
  l.refused(125'000, 2);
  EXPECT_EQ(l.current(2), 62'500u);
  l.accepted(8'000, 3);  // the gateway took this much: try halfway up
  EXPECT_EQ(l.current(3), 8'000u + (125'000u - 8'000u) / 2);
  // A true limit of 9,000: refusals and acceptances close in on it in a few steps.
  size_t v = l.current(4);
  int steps = 0;
  for (; steps < 40 && (v > 9'000 || v < 8'900); ++steps) {
    if (v > 9'000) l.refused(v, 5 + steps);
    else l.accepted(v, 5 + steps);
    v = l.current(5 + steps);
  }
  EXPECT_LT(steps, 20);
  EXPECT_LE(v, 9'000u);
  EXPECT_TRUE(l.lowered(100));
}

TEST(LearnedLimit, GrowsBackAfterTheRecoveryTime) {
  LearnedLimit l = LearnedLimit::of(1'000'000, 1000);
  l.refused(20'000, 0);
  EXPECT_EQ(l.current(999), 10'000u);
  EXPECT_EQ(l.current(1000), 20'000u) << "doubles after a quiet recovery time";
  EXPECT_EQ(l.current(3500), 80'000u);
  EXPECT_EQ(l.current(10'000), 1'000'000u) << "up to the protocol's value, no further";
  EXPECT_FALSE(l.lowered(10'000));
  l.refused(30'000, 10'000);
  EXPECT_EQ(l.current(10'500), 15'000u) << "learned again after it grew back";
}

TEST(LearnedLimit, NeverBelowOneNorRaisedByASizeAboveARefusal) {
  LearnedLimit l = LearnedLimit::of(100, 600'000);
  l.refused(2, 0);
  EXPECT_EQ(l.current(0), 1u);
  l.refused(1, 0);
  EXPECT_EQ(l.current(0), 1u);
  l.accepted(50, 0);  // bigger than what was refused: no information
  EXPECT_EQ(l.current(0), 1u);
}

TEST(Batches, ShrinkToFitKeepsAtLeastOneAndCutsWhenOver) {
  EXPECT_EQ(shrink_to_fit(10, 5000, 6000), 10u);
  EXPECT_EQ(shrink_to_fit(10, 20000, 10000), 5u);
  EXPECT_EQ(shrink_to_fit(10, 10001, 10000), 9u) << "just over: one fewer";
  EXPECT_EQ(shrink_to_fit(10, 1'000'000, 10), 1u);
  EXPECT_EQ(shrink_to_fit(1, 1'000'000, 10), 1u);
}
