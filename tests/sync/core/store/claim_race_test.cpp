// Two processes claiming from one outbox at the same time never get the same
// item, and between them they get every item.
#include <gtest/gtest.h>

#include <set>

#include "helpers.h"
#include "support/process.h"

namespace odr::test {
namespace {

TEST(ClaimRace, TwoProcessesNeverClaimTheSameItem) {
  const std::string path = fresh_dir("claim-race") + "/kiosk.db";
  const int n = 1500;
  {
    Store s(path);
    // Setup only: no fsync per submit, so filling the outbox takes no time.
    ASSERT_EQ(sqlite3_exec(s.handle(), "PRAGMA synchronous = OFF", nullptr, nullptr, nullptr), SQLITE_OK);
    for (int i = 0; i < n; ++i) s.submit_complaint(sample_complaint());
  }
  Child a = spawn_piped({bin_path("claim_child"), path, "sender-a", "3"});
  Child b = spawn_piped({bin_path("claim_child"), path, "sender-b", "3"});
  std::string out_a, out_b;
  // Read both as they go so neither blocks on a full pipe.
  bool open_a = true, open_b = true;
  while (open_a || open_b) {
    auto soon = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
    if (open_a) open_a = read_until(a, out_a, soon);
    if (open_b) open_b = read_until(b, out_b, soon);
  }
  EXPECT_EQ(reap(a), 0);
  EXPECT_EQ(reap(b), 0);

  std::vector<std::string> la = lines(out_a), lb = lines(out_b);
  std::set<std::string> sa(la.begin(), la.end()), sb(lb.begin(), lb.end());
  EXPECT_EQ(sa.size(), la.size()) << "a claimed something twice";
  EXPECT_EQ(sb.size(), lb.size()) << "b claimed something twice";
  size_t both = 0;
  for (const auto& s : sa) both += sb.count(s);
  EXPECT_EQ(both, 0u) << "items claimed by both processes";
  EXPECT_EQ(sa.size() + sb.size(), static_cast<size_t>(n));
  EXPECT_GT(sa.size(), 0u) << "both processes took part";
  EXPECT_GT(sb.size(), 0u) << "both processes took part";
  std::printf("claims: a %zu, b %zu\n", sa.size(), sb.size());

  // The file agrees: every item in flight, leased to the one that reported it.
  EXPECT_EQ(query_int(path, "SELECT count(*) FROM outbox WHERE state = 'in_flight'"), n);
  EXPECT_EQ(query_int(path, "SELECT count(*) FROM outbox WHERE lease_owner = 'sender-a'"),
            static_cast<int64_t>(sa.size()));
  EXPECT_EQ(query_int(path, "SELECT max(attempts) FROM outbox"), 1);
}

}  // namespace
}  // namespace odr::test
