// Ticket numbers after a lost, re-created or restored store (issue 10,
// defect 10): the real platform-sim over HTTPS holds the tickets an earlier
// install of the same kiosk delivered, and answers ticket_conflict. The
// kiosk gives each such complaint a new ticket, tells staff, and sends it
// again with the same id: one case per complaint at the platform.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <set>

#include "engine/sync_state.h"
#include "support/sync.h"

using namespace odr;
using namespace odr::test;

namespace {

int64_t query_int(Store& store, const std::string& sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(store.handle(), sql.c_str(), -1, &s, nullptr) != SQLITE_OK) return -1;
  int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
  sqlite3_finalize(s);
  return v;
}

class TicketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fresh_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    sim.start(dir + "/sim", {}, dev());
  }
  static std::string dev() {
    static std::string d = dev_setup(fresh_dir("ticket-dev"));
    return d;
  }
  std::unique_ptr<SyncEngine> engine_for(const std::string& path, int max_conflicts = 20) {
    SyncOptions o = engine_options(sim, path);
    o.max_ticket_conflicts = max_conflicts;
    o.log = log.fn();
    return std::make_unique<SyncEngine>(std::move(o));
  }
  // An earlier install of this kiosk: delivers n complaints, then (when
  // given) one with a ticket of another shape, so the gateway's last_ticket
  // tells the kiosk nothing it can use.
  std::vector<std::string> earlier_install(int n, const std::string& odd_last_ticket = "") {
    std::string path = dir + "/earlier.db";
    Store old(path, store_options());
    std::vector<std::string> tickets;
    for (int i = 0; i < n; ++i) tickets.push_back(old.submit_complaint(valid_complaint(900 + i)).ticket);
    if (!odd_last_ticket.empty()) {
      Complaint c = valid_complaint(999);
      c.ticket = odd_last_ticket;
      old.submit_complaint(c);
    }
    auto e = engine_for(path);
    EXPECT_TRUE(e->run_once().ok());
    EXPECT_EQ(old.outbox_counts().delivered, n + (odd_last_ticket.empty() ? 0 : 1));
    return tickets;
  }
  // ticket -> id of what the gateway holds for this kiosk.
  std::map<std::string, std::string> gateway_tickets() {
    std::map<std::string, std::string> m;
    const nlohmann::json all = sim.call("GET", "/_sim/complaints");  // kept: the loop reads into it
    for (const auto& c : all["complaints"]) m[c["ticket"]] = c["id"];
    return m;
  }
  static int64_t ticket_number(const std::string& t) { return std::stoll(t.substr(t.rfind('-') + 1)); }

  std::string dir;
  Sim sim;
  LogSink log;
};

TEST_F(TicketTest, AReCreatedStoreReticketsEachConflictOnceAndThePlatformHoldsOneCaseEach) {
  std::vector<std::string> old_tickets = earlier_install(5);  // -0001 .. -0005 are the platform's
  const std::string path = dir + "/kiosk.db";  // the store re-created empty: its counter starts at 1 again
  Store store(path, store_options());
  std::vector<SubmitResult> mine;
  for (int i = 0; i < 3; ++i) mine.push_back(store.submit_complaint(valid_complaint(i)));
  ASSERT_EQ(mine[0].ticket, old_tickets[0]) << "the defect: the same numbers again";

  auto engine = engine_for(path);
  SyncReport r = engine->run_once();
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(store.outbox_counts().delivered, 3);
  EXPECT_EQ(store.outbox_counts().held, 0);

  // The platform: 8 cases, each ticket once, and each of ours under its id.
  std::map<std::string, std::string> at_gateway = gateway_tickets();
  EXPECT_EQ(at_gateway.size(), 8u);
  EXPECT_EQ(sim.complaints().size(), 8u) << "no complaint filed twice";
  std::set<std::string> new_tickets;
  for (const SubmitResult& m : mine) {
    std::optional<Complaint> c = store.complaint(m.id);
    ASSERT_TRUE(c);
    EXPECT_NE(c->ticket, m.ticket);
    EXPECT_GT(ticket_number(c->ticket), 5) << "beyond what the platform holds (its last_ticket)";
    EXPECT_EQ(at_gateway[c->ticket], m.id);
    new_tickets.insert(c->ticket);
    // The consumer's printed ticket still finds the complaint at the desk.
    std::optional<Complaint> by_old = store.complaint_by_ticket(m.ticket);
    ASSERT_TRUE(by_old);
    EXPECT_EQ(by_old->id, m.id);
  }
  EXPECT_EQ(new_tickets.size(), 3u);

  // Staff are told: three changes not yet seen, an alert, an audit record each.
  std::vector<TicketChange> changes = store.ticket_changes();
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].old_ticket, mine[0].ticket);
  EXPECT_EQ(changes[0].reason, "ticket_conflict");
  SyncStatus s = read_sync_status(store);
  ASSERT_EQ(s.alerts.size(), 1u);
  EXPECT_EQ(s.alerts[0].code, "ticket");
  EXPECT_NE(s.alerts[0].message.find("3 complaint(s) got a new ticket"), std::string::npos) << s.alerts[0].message;
  EXPECT_EQ(query_int(store, "SELECT count(*) FROM audit WHERE action = 'complaint.reticket' AND detail LIKE '%old_ticket=" +
                                 mine[1].ticket + " new_ticket=%'"),
            1);
  EXPECT_TRUE(store.verify_audit().ok);

  // The counter went past the platform's numbers: the next complaint goes at once.
  SubmitResult later = store.submit_complaint(valid_complaint(10));
  EXPECT_GT(ticket_number(later.ticket), ticket_number(*new_tickets.rbegin()));
  EXPECT_TRUE(engine->run_once().ok());
  EXPECT_EQ(store.ticket_changes().size(), 3u) << "no new conflict";

  // Staff told the consumer of one, then of the rest.
  EXPECT_EQ(store.acknowledge_ticket_changes(mine[0].id, "staff:staff-001"), 1);
  EXPECT_EQ(store.ticket_changes().size(), 2u);
  EXPECT_EQ(store.acknowledge_ticket_changes("", "staff:staff-001"), 2);
  EXPECT_TRUE(read_sync_status(store).alerts.empty());
  EXPECT_EQ(store.ticket_changes(false).size(), 3u) << "kept, only marked seen";
}

TEST_F(TicketTest, WithoutAUsableLastTicketTheKioskStepsPastThePlatformsNumbersInAFewTries) {
  earlier_install(6, "OLD-1");  // -0001 .. -0006, and the last one the platform got says nothing
  const std::string path = dir + "/kiosk.db";
  Store store(path, store_options());
  SubmitResult mine = store.submit_complaint(valid_complaint(1));
  auto engine = engine_for(path);
  EXPECT_TRUE(engine->run_once().ok());
  EXPECT_EQ(store.outbox_counts().delivered, 1);
  // -0001 -> -0002 -> -0004 -> -0008: three conflicts, not six.
  std::vector<TicketChange> changes = store.ticket_changes();
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(store.complaint(mine.id)->ticket.substr(store.complaint(mine.id)->ticket.size() - 4), "0008");
  EXPECT_EQ(gateway_tickets().size(), 8u);
}

TEST_F(TicketTest, ConflictsThatKeepComingAreHeldWithAClearReasonNotLoopedOn) {
  earlier_install(6, "OLD-1");
  const std::string path = dir + "/kiosk.db";
  Store store(path, store_options());
  SubmitResult mine = store.submit_complaint(valid_complaint(1));
  auto engine = engine_for(path, /*max_conflicts=*/2);
  SyncReport r = engine->run_once();
  EXPECT_EQ(r.held, 1);
  EXPECT_EQ(store.outbox_counts().held, 1);
  std::vector<OutboxItem> held = store.outbox_items(OutboxState::held);
  ASSERT_EQ(held.size(), 1u);
  EXPECT_NE(held[0].last_error.find("ticket_conflict 3 times"), std::string::npos) << held[0].last_error;
  EXPECT_EQ(sim.count_all("/complaints:batch"), 1 + 3) << "the earlier install's, then three tries: bounded";
  EXPECT_EQ(sim.complaints().count(mine.id), 0u);
  // Not retried by itself.
  engine->run_once();
  EXPECT_EQ(sim.count_all("/complaints:batch"), 4);
}

}  // namespace
