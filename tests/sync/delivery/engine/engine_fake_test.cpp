// The engine's own logic against an in-process gateway (support/fake_gateway.h):
// batching, pipelining, the 413 split and rows of the error table, in
// milliseconds and without TLS. engine_test.cpp keeps the same behaviour
// covered end to end against the real platform-sim over HTTPS.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "engine/engine.h"
#include "model/personal.h"
#include "protocol/heartbeat.h"
#include "support/fake_gateway.h"
#include "support/samples.h"
#include "support/sync.h"
#include "support/temp.h"
#include "util/time.h"

namespace odr::test {
namespace {

class EngineFake : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fresh_dir(std::string("engine-fake-") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    path = dir + "/kiosk.db";
    store = std::make_unique<Store>(path, store_options());
    gateway = std::make_shared<FakeGatewayState>();
  }
  void submit(int n) {
    for (int i = 0; i < n; ++i) store->submit_complaint(valid_complaint(i));
  }
  std::unique_ptr<SyncEngine> engine() {
    SyncOptions o;
    o.store_path = path;
    o.store = store_options();
    o.base_url = "https://gateway.test/odr/v1";
    o.kiosk_id = "kiosk-dev";
    o.key = std::string(32, 'k');
    o.backoff = {1, 2};
    o.constrained_interval_ms = 0;
    o.log = logs.fn();
    return std::make_unique<SyncEngine>(o, make_fake_gateway(gateway));
  }
  std::vector<size_t> batch_sizes() {
    std::vector<size_t> out;
    for (const FakeRequest& r : gateway->batches()) out.push_back(r.ids.size());
    return out;
  }

  std::string dir, path;
  std::unique_ptr<Store> store;
  std::shared_ptr<FakeGatewayState> gateway;
  LogSink logs;
};

TEST_F(EngineFake, BatchesAtTheProtocolsLimit) {
  submit(250);
  SyncReport r = engine()->deliver_pending();
  EXPECT_EQ(r.complaints_delivered, 250);
  EXPECT_EQ(batch_sizes(), (std::vector<size_t>{100, 100, 50}));
  EXPECT_EQ(gateway->distinct_delivered(), 250u);
  for (const auto& [id, times] : gateway->accepted) EXPECT_EQ(times, 1) << id;
  EXPECT_EQ(store->outbox_counts().pending, 0);
}

// The next batch goes out while the gateway works on the last one, before
// the engine writes that one's answer to the store.
TEST_F(EngineFake, SendsTheNextBatchBeforeStoringTheLastAnswer) {
  submit(250);
  std::vector<int64_t> delivered_at_start;
  gateway->on_start = [&](const FakeRequest& f) {
    if (!f.path.ends_with("complaints:batch")) return;
    Store reader(path, store_options());
    delivered_at_start.push_back(reader.outbox_counts().delivered);
  };
  SyncReport r = engine()->deliver_pending();
  EXPECT_EQ(r.complaints_delivered, 250);
  EXPECT_EQ(delivered_at_start, (std::vector<int64_t>{0, 0, 100}));
}

// A gateway that takes at most 30 items: 413 too_many_items splits the batch,
// the engine learns the limit, and every complaint arrives once.
TEST_F(EngineFake, SplitsOn413AndLearnsTheLimit) {
  submit(250);
  gateway->max_items = 30;
  SyncReport r = engine()->deliver_pending();
  EXPECT_EQ(r.complaints_delivered, 250) << r.error;
  EXPECT_EQ(gateway->distinct_delivered(), 250u);
  for (const auto& [id, times] : gateway->accepted) EXPECT_EQ(times, 1) << id;
  // Bisecting between the largest batch taken and the smallest refused finds
  // the limit in a few 413s. (The batch the engine planned while the first
  // 413 was on its way still goes out at the old size: pipelining.)
  const std::vector<size_t> sizes = batch_sizes();
  size_t refused = 0;
  for (size_t n : sizes) refused += n > 30;
  EXPECT_GE(refused, 2u);
  EXPECT_LE(refused, 8u);
  ASSERT_GE(sizes.size(), 3u);
  for (size_t k = sizes.size() - 3; k < sizes.size(); ++k)
    EXPECT_LE(sizes[k], 30u) << "once learned, batches stay under it";
}

// A sender killed with a batch in flight never marks it: the items come back
// when their lease runs out, and go in a batch half as large for each time
// that happened to them (Store::claim), so a kiosk-sync that never lives
// through a whole batch (a crash loop, a watchdog) still gets them through.
// Items that never died with a sender keep the full size.
TEST_F(EngineFake, ItemsWhoseSenderDiedBeforeAnAnswerGoInSmallerBatches) {
  submit(250);
  gateway->script = [](const FakeRequest&) -> std::optional<HttpResponse> { return error_answer(503, "unavailable"); };
  auto die_with_a_batch = [&](const std::string& who) {
    EXPECT_FALSE(store->claim(OutboxKind::complaint, 100, who, 1).empty());  // a 1 ms lease, never answered
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  };
  std::vector<size_t> first_batch;
  for (int death = 0; death < 4; ++death) {
    die_with_a_batch("killed-" + std::to_string(death));
    const size_t before = gateway->batches().size();
    SyncReport r = engine()->deliver_pending();  // a new process each time, answered 503
    EXPECT_TRUE(r.failed);
    ASSERT_GT(gateway->batches().size(), before);
    first_batch.push_back(gateway->batches()[before].ids.size());
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the 503's backoff (1-2 ms) over
  }
  EXPECT_EQ(first_batch, (std::vector<size_t>{50, 25, 12, 6}));
  EXPECT_GE(logs.count_containing("their sender died before an answer"), 4u) << "each resend noted";

  // The gateway answers again: everything arrives once.
  gateway->script = nullptr;
  die_with_a_batch("killed-last");
  const size_t before = gateway->batches().size();
  SyncReport r = engine()->deliver_pending();
  EXPECT_EQ(r.complaints_delivered, 250) << r.error;
  EXPECT_EQ(gateway->distinct_delivered(), 250u);
  for (const auto& [id, times] : gateway->accepted) EXPECT_EQ(times, 1) << id;
  const std::vector<FakeRequest> sent = gateway->batches();
  EXPECT_EQ(sent[before].ids.size(), 3u) << "halved once more for the last death";
  size_t largest_after = 0;
  for (size_t k = before; k < sent.size(); ++k) largest_after = std::max(largest_after, sent[k].ids.size());
  EXPECT_EQ(largest_after, 100u) << "items that never died with a sender go at the full size";
  EXPECT_EQ(store->outbox_counts().pending, 0);
}

// Rows of the error table (docs/protocol.md) for one complaint's batch.
struct Row {
  const char* name;
  int status;
  const char* code;
  std::map<std::string, std::string> headers;
  bool held, failed, stopped;
  int64_t min_wait_ms;  // the backoff at least this long
};

TEST_F(EngineFake, ErrorTable) {
  const std::vector<Row> rows = {
      {"400 holds", 400, "bad_request", {}, true, false, false, 0},
      {"415 holds", 415, "unsupported_media_type", {}, true, false, false, 0},
      {"404 stops", 404, "not_found", {}, false, false, true, 0},
      {"500 retries later", 500, "internal_error", {}, false, true, false, 0},
      {"503 waits Retry-After", 503, "unavailable", {{"retry-after", "120"}}, false, true, false, 100'000},
      {"429 waits Retry-After", 429, "rate_limited", {{"retry-after", "60"}}, false, true, false, 50'000},
  };
  int i = 0;
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    store.reset();
    path = dir + "/row-" + std::to_string(i++) + ".db";
    store = std::make_unique<Store>(path, store_options());
    submit(1);
    gateway = std::make_shared<FakeGatewayState>();
    gateway->script = [&row](const FakeRequest& f) -> std::optional<HttpResponse> {
      if (!f.path.ends_with("complaints:batch")) return std::nullopt;
      return error_answer(row.status, row.code, row.headers);
    };
    const int64_t before = now_unix_ms();
    SyncReport r = engine()->deliver_pending();
    EXPECT_EQ(r.held > 0, row.held);
    EXPECT_EQ(r.failed, row.failed);
    EXPECT_EQ(r.stopped, row.stopped);
    EXPECT_EQ(r.complaints_delivered, 0);
    OutboxCounts c = store->outbox_counts();
    EXPECT_EQ(c.held, row.held ? 1 : 0);
    EXPECT_EQ(c.pending, row.held ? 0 : 1) << "kept for later unless held";
    if (row.min_wait_ms > 0) {
      EXPECT_GE(r.backoff_until_ms - before, row.min_wait_ms);
    }
  }
}

// The hub's engine sends what only the kiosk knows: the case numbers the
// gateway gave and the platform's updates, as {"updates":[...]} to
// updates:batch after their complaint, and marks them as events are marked.
// The heartbeat says why items are held, per destination, newest first and at
// most 5 of them: kind, ticket, code, the reason printable with the phone it
// quotes masked; never the consumer's name, phone or the complaint's text.
TEST_F(EngineFake, HeartbeatSaysWhyItemsAreHeldWithoutPersonalData) {
  submit(7);
  std::vector<OutboxItem> items = store->claim(OutboxKind::complaint, 10, "t", 30000);
  ASSERT_EQ(items.size(), 7u);
  for (size_t i = 0; i + 1 < items.size(); ++i) store->mark_held(items[i].seq, "too large", held_code::too_large);
  const Complaint quoted = valid_complaint(6);
  const OutboxItem& last = items.back();
  store->mark_held(last.seq, "rejected by the gateway: invalid_field consumer.phone: " + quoted.consumer.phone +
                                 " is not a number\x01\nsee \xe2\x80\xae docs",
                   held_code::rejected);
  SyncOptions o;
  o.store_path = path;
  const nlohmann::json j = nlohmann::json::parse(heartbeat_body(*store, o));
  const nlohmann::json& gw = j.at("outbox").at(0);
  ASSERT_EQ(gw.at("destination"), "gateway");
  EXPECT_EQ(gw.at("held"), 7);
  ASSERT_EQ(gw.at("held_items").size(), 5u);
  const nlohmann::json& newest = gw["held_items"][0];
  EXPECT_EQ(newest.at("kind"), "complaint");
  EXPECT_EQ(newest.at("ticket"), store->complaint(last.ref_id)->ticket);
  EXPECT_EQ(newest.at("code"), "rejected");
  EXPECT_EQ(newest.at("message"),
            "rejected by the gateway: invalid_field consumer.phone: " + mask_phone(quoted.consumer.phone) +
                " is not a number see  docs");
  EXPECT_TRUE(parse_rfc3339(newest.at("held_at").get<std::string>()));
  EXPECT_EQ(gw["held_items"][1].at("code"), "too_large");
  const std::string text = j.dump();
  for (int i = 0; i < 7; ++i) {
    const Complaint c = valid_complaint(i);
    for (const std::string& personal : {c.consumer.name, c.consumer.phone, c.consumer.address, c.description})
      EXPECT_EQ(text.find(personal), std::string::npos) << personal;
  }
  Heartbeat back;
  std::string why;
  EXPECT_TRUE(parse_heartbeat(j.dump(), back, why)) << why;
}

TEST_F(EngineFake, HubEngineForwardsCaseNumbersAndUpdatesAfterTheirComplaint) {
  StoreOptions both = store_options();
  both.destinations = {kGatewayDestination, kHubDestination};
  store = std::make_unique<Store>(path, both);
  const std::string a = store->submit_complaint(valid_complaint(1)).id;
  auto options = [&](const char* destination) {
    SyncOptions o;
    o.destination = destination;
    o.store_path = path;
    o.store = both;
    o.base_url = "https://gateway.test/odr/v1";
    o.kiosk_id = "kiosk-dev";
    o.key = std::string(32, 'k');
    o.backoff = {1, 2};
    o.log = logs.fn();
    return o;
  };
  SyncEngine(options(kGatewayDestination), make_fake_gateway(gateway)).deliver_pending();
  const std::string case_no = "CASE-" + a.substr(0, 8);
  const std::string at = "2026-11-28T11:00:00+08:00";
  store->apply_updates({{a, "", "mediating", at, "调解中"}}, std::string("c1"));

  auto hub = std::make_shared<FakeGatewayState>();
  SyncReport r = SyncEngine(options(kHubDestination), make_fake_gateway(hub)).deliver_pending();
  EXPECT_TRUE(r.ok()) << r.error;
  std::vector<FakeRequest> sent = hub->batches();
  ASSERT_GE(sent.size(), 2u);
  EXPECT_TRUE(sent[0].path.ends_with("/complaints:batch")) << "updates only after their complaint";
  // A complaint's updates go in the order they were learned, one batch after
  // another (as a complaint's events do).
  nlohmann::json body = {{"updates", nlohmann::json::array()}};
  for (size_t i = 1; i < sent.size(); ++i) {
    EXPECT_EQ(sent[i].path, "/odr/v1/updates:batch");
    const nlohmann::json batch = nlohmann::json::parse(sent[i].body);
    for (const auto& u : batch["updates"]) body["updates"].push_back(u);
  }
  ASSERT_EQ(body["updates"].size(), 2u);
  nlohmann::json learned = body["updates"][0], platform = body["updates"][1];
  EXPECT_EQ(learned["complaint_id"], a);
  EXPECT_EQ(learned["case_no"], case_no);
  EXPECT_FALSE(learned.contains("status"));
  EXPECT_EQ(learned["id"], forward_update_id(a, "", learned["at"].get<std::string>(), case_no, ""));
  EXPECT_EQ(platform, nlohmann::json({{"id", forward_update_id(a, "mediating", at, "", "调解中")},
                                      {"complaint_id", a}, {"status", "mediating"}, {"at", at}, {"note", "调解中"}}));
  EXPECT_EQ(store->outbox_counts(kHubDestination).delivered, 3);
  EXPECT_EQ(store->outbox_counts(kHubDestination).pending, 0);
  for (const FakeRequest& f : gateway->batches()) EXPECT_FALSE(f.path.ends_with("updates:batch")) << "hub only";
}

}  // namespace
}  // namespace odr::test
