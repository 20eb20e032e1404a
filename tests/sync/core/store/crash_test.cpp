// Crash durability: a child submits complaints in a loop and reports each
// returned ticket; we SIGKILL it at random moments, many times. Every ticket
// it reported must be in the store, the file must pass integrity_check, and
// no ticket may be used twice.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "helpers.h"
#include "support/process.h"

namespace odr::test {
namespace {

void check_store(const std::string& path, const std::vector<std::string>& reported) {
  Store s(path);
  for (const auto& t : reported) EXPECT_TRUE(s.complaint_by_ticket(t)) << "reported but lost: " << t;

  EXPECT_EQ(query_text(path, "PRAGMA integrity_check"), "ok");
  int64_t complaints = query_int(path, "SELECT count(*) FROM complaints");
  EXPECT_EQ(query_int(path, "SELECT count(DISTINCT ticket) FROM complaints"), complaints);
  EXPECT_EQ(query_int(path, "SELECT count(*) FROM outbox WHERE kind = 'complaint'"), complaints)
      << "every complaint queued exactly once";
  EXPECT_EQ(query_int(path, "SELECT count(*) FROM audit WHERE action = 'complaint.submit'"), complaints);
  // Numbers are handed out in the same transaction as the row: no gaps either.
  EXPECT_EQ(query_int(path, "SELECT max(CAST(substr(ticket, 12) AS INTEGER)) FROM complaints"), complaints);
  EXPECT_EQ(query_int(path, "SELECT last FROM ticket_counters"), complaints);
  AuditVerifyResult v = s.verify_audit();
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_GE(complaints, static_cast<int64_t>(reported.size()));
}

TEST(CrashDurability, KilledSubmitterNeverLosesOrDuplicatesATicket) {
  const std::string path = fresh_dir("crash") + "/kiosk.db";
  const unsigned seed = std::random_device{}();
  std::mt19937 rng(seed);
  SCOPED_TRACE("seed " + std::to_string(seed));

  std::vector<std::string> reported;
  std::set<std::string> unique;
  int rounds = 0, killed = 0;
  const auto stop = std::chrono::steady_clock::now() + std::chrono::seconds(12);
  while (std::chrono::steady_clock::now() < stop && rounds < 300) {
    Child c = spawn_piped({bin_path("submit_child"), path});
    ASSERT_GT(c.pid, 0);
    // Mostly mid-stream kills; some very early ones land in open/migration.
    int delay = std::uniform_int_distribution<int>(0, 9)(rng) < 2 ? std::uniform_int_distribution<int>(0, 8)(rng)
                                                                   : std::uniform_int_distribution<int>(10, 160)(rng);
    std::string buf;
    read_until(c, buf, std::chrono::steady_clock::now() + std::chrono::milliseconds(delay));
    ::kill(c.pid, SIGKILL);
    read_to_end(c, buf);  // what it wrote before dying is still in the pipe
    int status = reap(c);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child stopped by itself (exit " << WEXITSTATUS(status)
                                     << "): the store refused to open after a kill?";
    ++killed;
    for (const auto& t : lines(buf)) {
      EXPECT_TRUE(unique.insert(t).second) << "ticket handed out twice: " << t;
      reported.push_back(t);
    }
    ++rounds;
  }
  std::printf("crash test: %d kills, %zu tickets reported\n", killed, reported.size());
  EXPECT_GE(killed, 30);
  EXPECT_GE(reported.size(), 100u);
  check_store(path, reported);
}

TEST(CrashDurability, TwoSubmittersAtOnceGetDistinctTickets) {
  const std::string path = fresh_dir("two-submitters") + "/kiosk.db";
  { Store s(path); }  // created once, so both children only open it
  Child a = spawn_piped({bin_path("submit_child"), path, "150"});
  Child b = spawn_piped({bin_path("submit_child"), path, "150"});
  std::string out_a, out_b;
  read_to_end(a, out_a);
  read_to_end(b, out_b);
  EXPECT_EQ(reap(a), 0);
  EXPECT_EQ(reap(b), 0);
  std::vector<std::string> all = lines(out_a);
  for (const auto& t : lines(out_b)) all.push_back(t);
  ASSERT_EQ(all.size(), 300u);
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), 300u);
  check_store(path, all);
}

}  // namespace
}  // namespace odr::test
