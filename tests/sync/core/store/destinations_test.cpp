// More than one destination (issue 14): one outbox row per destination, each
// with its own state; the hub's backfill once; the hub-only 'update' items
// queued in the same transaction as the case number or platform update they
// forward; their deterministic ids; the purge waiting for every destination.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "helpers.h"
#include "util/crypto.h"
#include "util/uuid.h"

namespace odr::test {
namespace {

class DestinationsTest : public ::testing::Test {
 protected:
  FakeClock clock;
  std::string dir = fresh_dir("destinations");
  std::string path = dir + "/store.db";

  std::unique_ptr<Store> open(bool hub) {
    StoreOptions o = options_with(clock);
    if (hub) o.destinations = {"gateway", "hub"};
    return std::make_unique<Store>(path, o);
  }
  int64_t rows(const std::string& where) { return query_int(path, "SELECT count(*) FROM outbox WHERE " + where); }
  // Claims and delivers every due item of (destination, kind).
  void deliver(Store& s, const char* dest, OutboxKind kind, const std::string& case_no = "") {
    for (const OutboxItem& it : s.claim(kind, 100, "t", 30000, dest))
      s.mark_delivered(it.seq, kind == OutboxKind::complaint ? case_no : "");
  }
};

TEST_F(DestinationsTest, EachItemHasOneRowPerDestinationWithItsOwnState) {
  auto s = open(true);
  SubmitResult a = s->submit_complaint(sample_complaint());
  s->record_event(sample_event(a.id, "first_response"));
  EXPECT_EQ(rows("destination = 'gateway'"), 2);
  EXPECT_EQ(rows("destination = 'hub'"), 2);

  auto g = s->claim(OutboxKind::complaint, 10, "g", 30000, kGatewayDestination);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].destination, "gateway");
  s->release(g[0].seq, "HTTP 503", *clock.ms + 60000);  // the gateway backs off
  auto h = s->claim(OutboxKind::complaint, 10, "h", 30000, kHubDestination);
  ASSERT_EQ(h.size(), 1u) << "the gateway's backoff does not delay the hub";
  EXPECT_EQ(h[0].destination, "hub");
  EXPECT_EQ(nlohmann::json::parse(h[0].payload)["ticket"], a.ticket);
  s->mark_delivered(h[0].seq, "");
  EXPECT_TRUE(s->claim(OutboxKind::event, 10, "g", 30000, kGatewayDestination).empty())
      << "the gateway's event waits for the gateway's complaint";
  EXPECT_EQ(s->claim(OutboxKind::event, 10, "h", 30000, kHubDestination).size(), 1u);
  EXPECT_EQ(s->outbox_counts(kGatewayDestination).pending, 2);
  EXPECT_EQ(s->outbox_counts(kHubDestination).delivered, 1);
  EXPECT_EQ(s->outbox_counts(kHubDestination).in_flight, 1);
  EXPECT_EQ(s->outbox_items(OutboxState::pending, 10, kGatewayDestination).at(0).not_before_ms, *clock.ms + 60000);
}

TEST_F(DestinationsTest, RetryHeldTakesADestination) {
  auto s = open(true);
  s->submit_complaint(sample_complaint());
  for (const char* d : {kGatewayDestination, kHubDestination})
    s->mark_held(s->claim(OutboxKind::complaint, 10, "t", 30000, d).at(0).seq, "rejected");
  EXPECT_EQ(s->retry_held("staff", kHubDestination), 1);
  EXPECT_EQ(s->outbox_counts(kHubDestination).pending, 1);
  EXPECT_EQ(s->outbox_counts(kGatewayDestination).held, 1);
  EXPECT_EQ(s->retry_held("staff"), 1) << "no destination: every destination's";
}

TEST_F(DestinationsTest, HubConfiguredLaterGetsTheHistoryOnce) {
  std::string a_id;
  {
    auto s = open(false);
    a_id = s->submit_complaint(sample_complaint()).id;
    s->submit_complaint(sample_complaint());
    s->record_event(sample_event(a_id, "first_response"));
    deliver(*s, kGatewayDestination, OutboxKind::complaint, "3201002026112800042");
    EXPECT_EQ(rows("destination = 'hub'"), 0) << "no hub configured: no hub rows, no update items";
  }
  open(true);
  EXPECT_EQ(rows("destination = 'hub' AND kind = 'complaint'"), 2);
  EXPECT_EQ(rows("destination = 'hub' AND kind = 'event'"), 1);
  EXPECT_EQ(rows("destination = 'hub' AND kind = 'update'"), 2) << "the case numbers learned before";
  EXPECT_EQ(rows("destination = 'hub' AND state = 'pending'"), 5);
  EXPECT_EQ(rows("destination = 'gateway' AND state = 'delivered'"), 2) << "the gateway's rows are left as they were";
  open(true);
  EXPECT_EQ(rows("destination = 'hub'"), 5) << "backfilled once";
}

TEST_F(DestinationsTest, CaseNumberGoesToTheHubAsAnUpdateItem) {
  auto s = open(true);
  SubmitResult a = s->submit_complaint(sample_complaint());
  deliver(*s, kGatewayDestination, OutboxKind::complaint, "3201002026112800042");
  auto items = s->outbox_items(OutboxState::pending, 10, kHubDestination);
  ASSERT_EQ(items.size(), 2u);
  ASSERT_EQ(items[1].kind, OutboxKind::update);
  nlohmann::json u = nlohmann::json::parse(items[1].payload);
  EXPECT_EQ(u["complaint_id"], a.id);
  EXPECT_EQ(u["case_no"], "3201002026112800042");
  EXPECT_FALSE(u.contains("status"));
  EXPECT_EQ(u["at"], format_rfc3339(*clock.ms / 1000, 480));
  EXPECT_EQ(u["id"], forward_update_id(a.id, "", u["at"].get<std::string>(), "3201002026112800042", ""));
  EXPECT_EQ(items[1].ref_id, u["id"]);
  EXPECT_TRUE(s->claim(OutboxKind::update, 10, "h", 30000, kHubDestination).empty())
      << "an update waits for its complaint at the hub";
  deliver(*s, kHubDestination, OutboxKind::complaint);
  EXPECT_EQ(s->claim(OutboxKind::update, 10, "h", 30000, kHubDestination).size(), 1u);
  EXPECT_TRUE(s->claim(OutboxKind::update, 10, "g", 30000, kGatewayDestination).empty());
}

TEST_F(DestinationsTest, CaseNumberAndItsUpdateItemAreOneTransaction) {
  auto s = open(true);
  SubmitResult a = s->submit_complaint(sample_complaint());
  ASSERT_EQ(exec_raw(path, "CREATE TRIGGER no_updates BEFORE INSERT ON outbox WHEN NEW.kind = 'update' "
                           "BEGIN SELECT RAISE(ABORT, 'no'); END"),
            SQLITE_OK);
  auto g = s->claim(OutboxKind::complaint, 10, "g", 30000, kGatewayDestination);
  EXPECT_THROW(s->mark_delivered(g.at(0).seq, "3201002026112800042"), StoreError);
  EXPECT_EQ(query_text(path, "SELECT case_no FROM complaints WHERE id = '" + a.id + "'"), "");
  EXPECT_EQ(rows("destination = 'gateway' AND state = 'delivered'"), 0);

  PlatformUpdate up{a.id, "3201002026112800042", "accepted", "2026-11-28T11:00:00+08:00", "已受理"};
  EXPECT_THROW(s->apply_updates({up}, std::string("c1")), StoreError);
  EXPECT_EQ(query_int(path, "SELECT count(*) FROM platform_updates"), 0);
  EXPECT_FALSE(s->updates_cursor());
}

TEST_F(DestinationsTest, PlatformUpdatesGoToTheHubOnceWithDeterministicIds) {
  auto s = open(true);
  SubmitResult a = s->submit_complaint(sample_complaint());
  PlatformUpdate up{a.id, "", "mediating", "2026-11-28T11:00:00+08:00", "调解中"};
  s->apply_updates({up}, std::string("c1"));
  s->apply_updates({up}, std::string("c2"));  // again after a 410
  EXPECT_EQ(rows("kind = 'update'"), 1);
  EXPECT_EQ(rows("kind = 'update' AND destination = 'hub'"), 1);
  std::string id = forward_update_id(a.id, "mediating", up.at, "", "调解中");
  EXPECT_EQ(query_text(path, "SELECT ref_id FROM outbox WHERE kind = 'update'"), id);
  nlohmann::json u = nlohmann::json::parse(query_text(path, "SELECT payload FROM outbox WHERE kind = 'update'"));
  EXPECT_EQ(u, nlohmann::json({{"id", id}, {"complaint_id", a.id}, {"status", "mediating"}, {"at", up.at},
                               {"note", "调解中"}}));
}

TEST_F(DestinationsTest, ForwardIdIsAVersion8UuidOfItsInputs) {
  std::string id = forward_update_id("c", "settled", "2026-11-28T11:00:00+08:00", "", "");
  EXPECT_TRUE(is_uuid(id));
  EXPECT_EQ(id[14], '8');
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos);
  EXPECT_EQ(id, forward_update_id("c", "settled", "2026-11-28T11:00:00+08:00", "", ""));
  EXPECT_NE(id, forward_update_id("c", "closed", "2026-11-28T11:00:00+08:00", "", ""));
  EXPECT_NE(id, forward_update_id("c", "settled", "2026-11-28T11:00:00+08:00", "", "x"));
  // The SHA-256 of the joined inputs, its first 16 bytes with version and variant set.
  std::string h = sha256_hex("c\nsettled\n2026-11-28T11:00:00+08:00\n");
  EXPECT_EQ(id.substr(0, 8), h.substr(0, 8));
  EXPECT_EQ(id.substr(24), h.substr(20, 12));
}

TEST_F(DestinationsTest, PurgeWaitsForEveryDestination) {
  auto s = open(true);
  s->submit_complaint(sample_complaint());
  deliver(*s, kGatewayDestination, OutboxKind::complaint, "3201002026112800042");
  clock.advance(86'400'000);
  EXPECT_EQ(s->purge_personal_data(*clock.ms), 0) << "the hub has not got it yet";
  deliver(*s, kHubDestination, OutboxKind::complaint);
  EXPECT_EQ(s->purge_personal_data(*clock.ms), 1);
}

TEST_F(DestinationsTest, UnknownDestinationIsRefused) {
  StoreOptions o = options_with(clock);
  o.destinations = {"gateway", "elsewhere"};
  EXPECT_THROW(Store(path, o), StoreError);
  o.destinations = {"hub"};
  EXPECT_THROW(Store(path, o), StoreError);
}

}  // namespace
}  // namespace odr::test
