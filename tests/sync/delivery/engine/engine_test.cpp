// The sync engine against the real platform-sim over HTTPS on 127.0.0.1 with
// the dev CA: every row of the protocol's error table, seen from the kiosk
// (local store) and from the gateway (its own records and request counts).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sqlite3.h>
#include <sys/socket.h>

#include <atomic>
#include <cstring>

#include <random>
#include <set>

#include "engine/sync_state.h"
#include "support/sync.h"
#include "util/utf8.h"

using namespace odr;
using namespace odr::test;
using nlohmann::json;

namespace {

struct Local {
  std::string case_no, platform_status;
};

// What the kiosk's store says per complaint id (read straight from the file).
std::map<std::string, Local> local_complaints(Store& store) {
  std::map<std::string, Local> m;
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(store.handle(), "SELECT id, COALESCE(case_no,''), COALESCE(platform_status,'') FROM complaints",
                     -1, &s, nullptr);
  while (sqlite3_step(s) == SQLITE_ROW)
    m[reinterpret_cast<const char*>(sqlite3_column_text(s, 0))] = {
        reinterpret_cast<const char*>(sqlite3_column_text(s, 1)),
        reinterpret_cast<const char*>(sqlite3_column_text(s, 2))};
  sqlite3_finalize(s);
  return m;
}

// (complaint_id, event type) in the order the gateway stored them.
std::vector<std::pair<std::string, std::string>> gateway_events(const std::string& sim_db) {
  std::vector<std::pair<std::string, std::string>> v;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(sim_db.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return v;
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "SELECT complaint_id, type FROM events ORDER BY rowid", -1, &s, nullptr);
  while (s && sqlite3_step(s) == SQLITE_ROW)
    v.push_back({reinterpret_cast<const char*>(sqlite3_column_text(s, 0)),
                 reinterpret_cast<const char*>(sqlite3_column_text(s, 1))});
  sqlite3_finalize(s);
  sqlite3_close(db);
  return v;
}

std::vector<std::string> submit(Store& store, int n, int first = 0) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) ids.push_back(store.submit_complaint(valid_complaint(first + i)).id);
  return ids;
}

// Runs passes until nothing is pending or in flight (bounded).
void drain(SyncEngine& engine, Store& store, int max_passes = 200) {
  for (int i = 0; i < max_passes; ++i) {
    OutboxCounts c = store.outbox_counts();
    if (c.pending == 0 && c.in_flight == 0) return;
    SyncReport r = engine.run_once();
    if (r.failed) std::this_thread::sleep_for(std::chrono::milliseconds(std::max<int64_t>(0, r.backoff_until_ms - now_unix_ms()) + 5));
  }
}

bool wait_for(const std::function<bool()>& cond, int timeout_ms) {
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < until) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return cond();
}

// No log line may carry what a shopper typed.
void expect_no_personal_data(const LogSink& log, int n) {
  for (const std::string& line : log.snapshot()) {
    EXPECT_EQ(line.find("测试顾客"), std::string::npos) << line;
    EXPECT_EQ(line.find("北京东路"), std::string::npos) << line;
    EXPECT_EQ(line.find("过期"), std::string::npos) << line;
    for (int i = 0; i < n; ++i) EXPECT_EQ(line.find(valid_complaint(i).consumer.phone), std::string::npos) << line;
  }
}

// The real curl transport, counting what the engine hands it: every attempt
// the engine knows of, with the nonce it was signed with.
class CountingTransport : public Transport {
 public:
  struct Seen {
    std::mutex mu;
    int64_t batches = 0;
    std::vector<std::string> nonces;
  };
  explicit CountingTransport(std::unique_ptr<Transport> inner) : inner_(std::move(inner)) {}
  HttpResponse send(const HttpRequest& r) override {
    note(r);
    return inner_->send(r);
  }
  void start(HttpRequest r) override {
    note(r);
    inner_->start(std::move(r));
  }
  HttpResponse finish() override { return inner_->finish(); }
  void abort() override { inner_->abort(); }
  void resume() override { inner_->resume(); }
  std::shared_ptr<Seen> seen = std::make_shared<Seen>();

 private:
  void note(const HttpRequest& r) {
    if (r.url.find(":batch") == std::string::npos) return;
    std::lock_guard<std::mutex> lock(seen->mu);
    ++seen->batches;
    for (const auto& [k, v] : r.headers)
      if (k == kHeaderNonce) seen->nonces.push_back(v);
  }
  std::unique_ptr<Transport> inner_;
};

// Sends the first `replays` batch requests twice, as libcurl did after a
// lost answer: the gateway stores the first copy and answers the second,
// which carries the same nonce, with 401 replayed_nonce.
class ReplayingTransport : public CountingTransport {
 public:
  ReplayingTransport(const TransportOptions& o, int replays)
      : CountingTransport(make_curl_transport(o)), replays_(replays), twin_(make_curl_transport(o)) {}
  void start(HttpRequest r) override {
    replay(r);
    CountingTransport::start(std::move(r));
  }
  HttpResponse send(const HttpRequest& r) override {
    replay(r);
    return CountingTransport::send(r);
  }

 private:
  void replay(const HttpRequest& r) {
    if (replays_ > 0 && r.url.find(":batch") != std::string::npos) {
      --replays_;
      twin_->send(r);  // the copy whose answer is "lost"
    }
  }
  int replays_;
  std::unique_ptr<Transport> twin_;
};

class SyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fresh_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    store_path = dir + "/kiosk.db";
    store = std::make_unique<Store>(store_path, store_options());
  }
  void start_sim(const std::vector<std::string>& extra = {}) { sim.start(dir + "/sim", extra, shared_dev()); }
  // One CA and kiosk key for the whole run: dev-setup costs a few key generations.
  static std::string shared_dev() {
    static std::string dev = dev_setup(fresh_dir("sync-dev"));
    return dev;
  }
  std::unique_ptr<SyncEngine> make_engine(SyncOptions o) {
    o.log = log.fn();
    return std::make_unique<SyncEngine>(std::move(o));
  }
  std::unique_ptr<SyncEngine> make_engine() { return make_engine(engine_options(sim, store_path)); }
  std::unique_ptr<SyncEngine> make_engine(SyncOptions o, std::unique_ptr<Transport> t) {
    o.log = log.fn();
    return std::make_unique<SyncEngine>(std::move(o), std::move(t));
  }
  std::string state(const char* key) { return store->state(key).value_or(""); }

  std::string dir, store_path;
  std::unique_ptr<Store> store;
  Sim sim;
  LogSink log;
};

TEST_F(SyncTest, HappyPathComplaintsAndEventsArriveOnceInOrderAndUpdatesComeBack) {
  start_sim({"--accept-after-ms", "100", "--mediate-after-ms", "200", "--finish-after-ms", "300"});
  const int n = 25;
  std::vector<std::string> ids = submit(*store, n);
  // Each complaint gets two staff events, recorded in order.
  std::vector<std::pair<std::string, std::string>> local_events;
  for (const std::string& id : ids) {
    for (const char* type : {"first_response", "settled"}) {
      store->record_event(staff_event(id, type), "staff-001");
      local_events.push_back({id, type});
    }
  }
  auto engine = make_engine();
  SyncReport r = engine->run_once();
  // Events wait for their complaint; the store's gate may take a second round for the later ones.
  drain(*engine, *store);
  EXPECT_FALSE(r.failed) << r.error;
  OutboxCounts c = store->outbox_counts();
  EXPECT_EQ(c.delivered, n + 2 * n);
  EXPECT_EQ(c.pending + c.in_flight + c.held, 0);

  std::map<std::string, std::string> on_gateway = sim.complaints();
  ASSERT_EQ(on_gateway.size(), size_t(n));
  auto local = local_complaints(*store);
  for (const std::string& id : ids) {
    ASSERT_TRUE(on_gateway.count(id)) << id;
    EXPECT_FALSE(on_gateway[id].empty());
    EXPECT_EQ(local[id].case_no, on_gateway[id]) << "the kiosk keeps the platform's case number";
  }
  // Per complaint, the gateway got the events in the order they happened.
  auto remote_events = gateway_events(sim.dir + "/sim.db");
  ASSERT_EQ(remote_events.size(), local_events.size());
  std::map<std::string, std::vector<std::string>> local_by, remote_by;
  for (auto& [cid, t] : local_events) local_by[cid].push_back(t);
  for (auto& [cid, t] : remote_events) remote_by[cid].push_back(t);
  EXPECT_EQ(local_by, remote_by);

  // The sim moves the cases along; later passes pull the updates in.
  auto finished = [&] {
    local = local_complaints(*store);
    for (const std::string& id : ids)
      if (local[id].platform_status != "settled" && local[id].platform_status != "not_settled") return false;
    return true;
  };
  for (int i = 0; i < 50 && !finished(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    SyncReport u = engine->run_once();
    EXPECT_FALSE(u.failed) << u.error;
  }
  EXPECT_TRUE(finished()) << "every case reached its end status on the kiosk";
  EXPECT_TRUE(store->updates_cursor().has_value());
  EXPECT_FALSE(state(sync_key::last_success).empty());
  EXPECT_EQ(state(sync_key::reachable), "1");
  EXPECT_GE(log.count_containing("deliver ok"), 1u);
  expect_no_personal_data(log, n);
}

TEST_F(SyncTest, CursorForgottenByTheGatewayStartsOverHarmlessly) {
  start_sim({"--accept-after-ms", "50", "--mediate-after-ms", "100", "--finish-after-ms", "150"});
  std::vector<std::string> ids = submit(*store, 5);
  auto engine = make_engine();
  engine->run_once();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  engine->run_once();
  auto before = local_complaints(*store);
  ASSERT_TRUE(store->updates_cursor().has_value());
  sim.call("POST", "/_sim/forget-cursors", "{}");
  SyncReport r = engine->run_once();
  EXPECT_FALSE(r.failed) << r.error;
  EXPECT_EQ(sim.count("/updates", "410"), 1);
  EXPECT_EQ(log.count_containing("updates gone"), 1u);
  EXPECT_GE(r.updates_applied, 5) << "started again from the beginning";
  auto after = local_complaints(*store);
  for (const std::string& id : ids) EXPECT_EQ(after[id].platform_status, before[id].platform_status);
}

TEST_F(SyncTest, LostAcknowledgementsStillGiveExactlyOnce) {
  start_sim({"--drop-after-store", "0.5", "--seed", "7"});
  const int n = 60;
  std::vector<std::string> ids = submit(*store, n);
  SyncOptions o = engine_options(sim, store_path);
  o.max_complaints_per_batch = 10;  // more requests, more dropped answers
  auto engine = make_engine(o);
  drain(*engine, *store, 400);
  OutboxCounts c = store->outbox_counts();
  EXPECT_EQ(c.delivered, n);
  EXPECT_EQ(c.pending + c.in_flight + c.held, 0);
  EXPECT_GT(sim.count("/complaints:batch", "dropped"), 0) << "the fault must have happened";
  std::map<std::string, std::string> on_gateway = sim.complaints();
  EXPECT_EQ(on_gateway.size(), size_t(n)) << "each complaint exactly once on the gateway";
  auto local = local_complaints(*store);
  for (const std::string& id : ids) EXPECT_EQ(local[id].case_no, on_gateway[id]);
}

// issue 9 "on the wire" 1: a lost answer on a reused keep-alive connection
// made libcurl send the same signed request again by itself (same nonce),
// the gateway said 401 replayed_nonce and the engine stopped for an hour.
// Follow-up of issue 10: a request time-out with nothing read is the lost
// acknowledgement of a slow Wi-Fi. It is sent again at once, signed afresh
// (safe: the gateway keys on id), not left to a backoff. Before: backoff.
TEST_F(SyncTest, ATimeOutWithNothingReadIsSentAgainAtOnceSignedAfresh) {
  start_sim({"--slow-ack-ms", "4000"});  // stored, answered after the client gave up
  std::vector<std::string> ids = submit(*store, 3);
  SyncOptions o = engine_options(sim, store_path);
  o.transport.request_timeout_s = 1;
  o.backoff = {60'000, 60'000};  // a backoff would be plain to see
  auto t = std::make_unique<CountingTransport>(make_curl_transport(o.transport));
  auto seen = t->seen;
  auto engine = make_engine(o, std::move(t));
  SyncReport r = engine->deliver_pending();
  EXPECT_FALSE(r.failed) << r.error;
  EXPECT_EQ(store->outbox_counts().delivered, 3);
  EXPECT_EQ(sim.complaints().size(), 3u) << "exactly once: the re-send was answered duplicate";
  EXPECT_EQ(log.count_containing("no answer: sending again"), 1u);
  std::lock_guard<std::mutex> lock(seen->mu);
  EXPECT_EQ(seen->batches, 2);
  ASSERT_EQ(seen->nonces.size(), 2u);
  EXPECT_NE(seen->nonces[0], seen->nonces[1]) << "signed afresh";
  EXPECT_EQ(sim.count("/complaints:batch", "401"), 0);
}

TEST_F(SyncTest, ThirtyPercentLostAcknowledgementsDrainTwoThousandWithoutStoppingExactlyOnce) {
  start_sim({"--drop-after-store", "0.3", "--seed", "11"});
  const int n = 2000;
  sqlite3_exec(store->handle(), "PRAGMA synchronous = OFF", nullptr, nullptr, nullptr);  // test setup speed only
  std::vector<std::string> ids = submit(*store, n);
  SyncOptions o = engine_options(sim, store_path);
  o.max_complaints_per_batch = 25;  // 80 batches: many lost answers, most on reused connections
  auto counting = std::make_unique<CountingTransport>(make_curl_transport(o.transport));
  std::shared_ptr<CountingTransport::Seen> seen = counting->seen;
  auto engine = make_engine(o, std::move(counting));
  auto t0 = std::chrono::steady_clock::now();
  engine->start();
  wait_for([&] { return store->outbox_counts().delivered == n || !state(sync_key::stopped).empty(); }, 120000);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  engine->stop();

  EXPECT_EQ(state(sync_key::stopped), "") << "a lost answer never stops syncing";
  ASSERT_EQ(store->outbox_counts().delivered, n) << "drained within the bound";
  EXPECT_TRUE(read_sync_status(*store).alerts.empty());
  nlohmann::json stats = sim.stats();
  int64_t dropped = sim.count("/complaints:batch", "dropped");
  int64_t on_wire = sim.count_all("/complaints:batch");
  EXPECT_GE(dropped, 10) << "the fault must have happened, often";
  EXPECT_EQ(sim.count("/complaints:batch", "401"), 0) << "no request went twice with the same nonce";
  // Exactly once: every complaint stored once, every re-send answered duplicate.
  const nlohmann::json& res = stats["results"]["complaints"];
  EXPECT_EQ(res["accepted"].get<int64_t>(), n);
  EXPECT_EQ(res["rejected"].get<int64_t>(), 0);
  EXPECT_GE(res["duplicate"].get<int64_t>(), dropped) << "each dropped batch was sent again";
  std::map<std::string, std::string> on_gateway = sim.complaints();
  EXPECT_EQ(on_gateway.size(), size_t(n));
  auto local = local_complaints(*store);
  for (const std::string& id : ids) ASSERT_EQ(local[id].case_no, on_gateway[id]) << id;
  // libcurl re-sent nothing behind the engine's back, and each attempt was signed afresh.
  std::lock_guard<std::mutex> lock(seen->mu);
  EXPECT_EQ(seen->batches, on_wire) << "the gateway saw requests the engine never made";
  std::set<std::string> distinct(seen->nonces.begin(), seen->nonces.end());
  EXPECT_EQ(distinct.size(), seen->nonces.size()) << "a nonce went twice";
  std::printf("lost-ack drain: %d complaints, %lld batch requests, %lld answers lost (%.0f%%), %lld duplicates answered, %.1f s\n",
              n, (long long)on_wire, (long long)dropped, 100.0 * double(dropped) / double(std::max<int64_t>(on_wire, 1)),
              (long long)res["duplicate"].get<int64_t>(), secs);
}

TEST_F(SyncTest, ReplayedNonceIsTransientAndRetriedSignedAfresh) {
  start_sim();
  submit(*store, 10);
  SyncOptions o = engine_options(sim, store_path);
  auto engine = make_engine(o, std::make_unique<ReplayingTransport>(o.transport, 2));
  SyncReport r = engine->run_once();
  EXPECT_FALSE(r.stopped) << r.error;
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(store->outbox_counts().delivered, 10);
  EXPECT_EQ(sim.count("/complaints:batch", "401"), 2) << "two replays seen by the gateway";
  // Stored once by the first copy; the second twin and the last retry found them stored.
  EXPECT_EQ(sim.stats()["results"]["complaints"]["accepted"].get<int64_t>(), 10);
  EXPECT_EQ(sim.stats()["results"]["complaints"]["duplicate"].get<int64_t>(), 20);
  EXPECT_EQ(state(sync_key::stopped), "");
  EXPECT_TRUE(read_sync_status(*store).alerts.empty());
  EXPECT_EQ(log.count_containing("refused"), 2u);
}

TEST_F(SyncTest, RetryAfterSecondsIsWaitedOut) {
  start_sim({"--fail-429", "1", "--retry-after-seconds", "1"});
  submit(*store, 3);
  auto engine = make_engine();
  auto t0 = std::chrono::steady_clock::now();
  engine->start();
  // The first try meets the 429; then the gateway recovers.
  ASSERT_TRUE(wait_for([&] { return sim.count("/complaints:batch", "429") >= 1; }, 5000));
  sim.faults({{"fail_429", 0}});
  ASSERT_TRUE(wait_for([&] { return store->outbox_counts().delivered == 3; }, 10000));
  double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  engine->stop();
  EXPECT_GE(waited, 0.9) << "Retry-After: 1 means a second, not the 20 ms test backoff";
  EXPECT_EQ(sim.count("/complaints:batch", "429"), 1) << "no retry before Retry-After";
  EXPECT_EQ(sim.count("/complaints:batch", "200"), 1);
}

// issue 9 "on the wire" 3: Retry-After and backoff lived in memory only, so
// a restarted kiosk sent at once into an overloaded gateway.
TEST_F(SyncTest, RestartDuringARetryAfterWaitSendsNothingBeforeTheWaitIsOver) {
  start_sim({"--fail-429", "1", "--retry-after-seconds", "3"});
  submit(*store, 3);
  {
    auto engine = make_engine();
    engine->start();
    ASSERT_TRUE(wait_for([&] { return sim.count("/complaints:batch", "429") >= 1; }, 10000));
    engine->stop();  // the process ends during the wait
  }
  sim.faults({{"fail_429", 0}});
  // Restarted: a new engine on the same store, with a new complaint that no
  // earlier release put off, and a first pass that would poll /updates.
  submit(*store, 1, 3);
  {
    auto once = make_engine();  // kiosk-sync once
    SyncReport r = once->run_once();
    EXPECT_TRUE(r.deferred) << r.error;
    EXPECT_EQ(r.requests, 0);
  }
  auto engine = make_engine();  // kiosk-sync run, or the kiosk
  engine->start();
  ASSERT_TRUE(wait_for([&] { return store->outbox_counts().delivered == 4; }, 20000));
  engine->stop();
  // The gateway's log: nothing signed after the 429 until its 3 s were over.
  const nlohmann::json stats = sim.stats();
  int64_t t429 = -1, first_after = -1;
  for (const auto& r : stats["recent"]) {
    const std::string route = r["route"], status = r["status"];
    if (!Sim::route_matches(route, "/complaints:batch") && !Sim::route_matches(route, "/updates")) continue;
    if (status == "429") t429 = r["t_ms"].get<int64_t>();
    else if (t429 >= 0 && first_after < 0) first_after = r["t_ms"].get<int64_t>();
  }
  ASSERT_GE(t429, 0);
  ASSERT_GE(first_after, 0);
  EXPECT_GE(first_after - t429, 2900) << "a restart cut the gateway's Retry-After: 3 short";
  EXPECT_EQ(sim.count("/complaints:batch", "429"), 1);
}

TEST_F(SyncTest, RetryAfterHttpDateIsMeasuredOnTheServersClock) {
  // The gateway's clock is an hour ahead. Its Retry-After date is 2 s after
  // its own now: measured against the kiosk's clock it would be an hour.
  start_sim({"--fail-429", "1", "--retry-after-seconds", "2", "--retry-after-date", "--clock-skew-s", "3600"});
  submit(*store, 3);
  auto engine = make_engine();
  auto t0 = std::chrono::steady_clock::now();
  engine->start();
  ASSERT_TRUE(wait_for([&] { return sim.count("/complaints:batch", "429") >= 1; }, 5000));
  sim.faults({{"fail_429", 0}});
  ASSERT_TRUE(wait_for([&] { return store->outbox_counts().delivered == 3; }, 10000)) << "waited an hour?";
  double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  engine->stop();
  EXPECT_GE(waited, 0.9);  // a date has whole seconds: 2 s means 1 to 2 s from now
  EXPECT_EQ(sim.count("/complaints:batch", "429"), 1);
  EXPECT_NEAR(double(engine->clock_offset_s()), 3600.0, 2.0);
}

// The number after key= in a log line (-1 when absent).
int64_t log_number(const std::string& line, const std::string& key) {
  size_t p = line.find(" " + key + "=");
  if (p == std::string::npos) return -1;
  return std::atoll(line.c_str() + p + key.size() + 2);
}

TEST_F(SyncTest, ServiceUnavailableStormBacksOffWithoutAHotLoop) {
  // Proved by order, not by counting requests in a wall-clock window (a
  // loaded machine stretches windows): each retry reaches the gateway no
  // sooner than the wait the engine announced after the failure before it,
  // and the announced waits follow the schedule. A hot loop, or any retry
  // that skips its wait, breaks the first check with near certainty: all of
  // 8 full-jitter waits would have to come out shorter than a round trip.
  start_sim({"--fail-503", "1"});
  submit(*store, 5);
  SyncOptions o = engine_options(sim, store_path);
  o.backoff = {100, 800};
  auto engine = make_engine(o);
  engine->start();
  const size_t tries = 8;
  ASSERT_TRUE(wait_for([&] { return log.count_containing("deliver fail") >= tries; }, 120000)) << "it does keep trying";
  EXPECT_EQ(store->outbox_counts().delivered, 0);
  EXPECT_EQ(store->outbox_counts().held, 0) << "a 503 never holds an item";
  sim.faults({{"fail_503", 0}});
  ASSERT_TRUE(wait_for([&] { return store->outbox_counts().delivered == 5; }, 30000));
  engine->stop();

  // The engine's side: one line per failure, "retry_in_ms=D failures=K".
  std::vector<int64_t> waits;
  for (const std::string& line : log.snapshot()) {
    if (line.find("deliver fail") == std::string::npos) continue;
    int64_t d = log_number(line, "retry_in_ms"), k = log_number(line, "failures");
    ASSERT_GE(d, 0) << line;
    EXPECT_EQ(k, int64_t(waits.size()) + 1) << "each failure in a row raises the backoff: " << line;
    EXPECT_LE(d, backoff_ceiling_ms(o.backoff, int(k))) << line;
    waits.push_back(d);
  }
  ASSERT_GE(waits.size(), tries);
  // The gateway's side: when each batch request was answered, in order.
  std::vector<std::pair<int64_t, std::string>> answered;
  nlohmann::json stats = sim.stats();
  for (const auto& r : stats["recent"])
    if (Sim::route_matches(r["route"].get<std::string>(), "/complaints:batch"))
      answered.push_back({r["t_ms"].get<int64_t>(), r["status"].get<std::string>()});
  ASSERT_EQ(answered.size(), waits.size() + 1) << "every 503 was read and logged, then one 200";
  EXPECT_EQ(answered.back().second, "200");
  // Request i+1 arrived after answer i was read and its wait had passed
  // (times are whole milliseconds on the same clock: 2 ms of rounding).
  for (size_t i = 0; i < waits.size(); ++i) {
    EXPECT_EQ(answered[i].second, "503");
    EXPECT_GE(answered[i + 1].first - answered[i].first, waits[i] - 2)
        << "retry " << i + 1 << " came before its backoff of " << waits[i] << " ms ended";
  }
  // And the waits are real ones: full jitter makes their sum fall below 5%
  // of the ceilings' sum with probability < 1e-7 over 8 tries.
  int64_t sum = 0, ceilings = 0;
  for (size_t i = 0; i < waits.size(); ++i) {
    sum += waits[i];
    ceilings += backoff_ceiling_ms(o.backoff, int(i) + 1);
  }
  EXPECT_GE(sum * 20, ceilings) << "waits of " << sum << " ms against ceilings of " << ceilings << " ms";
}

// A complaint of 6.4 to 8.5 KB (a long description and demand text of
// random Chinese characters: gzip takes off only about a third).
Complaint long_complaint(int i, std::mt19937& rng) {
  Complaint c = valid_complaint(i);
  auto text = [&](size_t n) {
    std::string t;
    for (size_t k = 0; k < n; ++k) append_utf8(t, char32_t(0x4E00 + rng() % (0x9FA5 - 0x4E00)));
    return t;
  };
  c.description = text(1800 + rng() % 200);
  c.demand.text = text(rng() % 500);
  return c;
}

// Batch requests in the busiest second, from the sim's request log.
int64_t peak_requests_per_second(Sim& sim) {
  std::vector<int64_t> t;
  const nlohmann::json stats = sim.stats();
  for (const auto& r : stats["recent"])
    if (Sim::route_matches(r["route"].get<std::string>(), "/complaints:batch")) t.push_back(r["t_ms"].get<int64_t>());
  int64_t peak = 0;
  for (size_t i = 0, j = 0; j < t.size(); ++j) {
    while (t[j] - t[i] >= 1000) ++i;
    peak = std::max<int64_t>(peak, int64_t(j - i + 1));
  }
  return peak;
}

// issue 9 "on the wire" 2: after 413s, complaints that fit alone were held
// as "larger than 1 MiB", and splitting peaked at 430 requests/s.
class BodyLimitTest : public SyncTest, public ::testing::WithParamInterface<std::vector<std::string>> {};

TEST_P(BodyLimitTest, EveryItemThatFitsAloneGoesAtABoundedRate) {
  start_sim(GetParam());
  const int n = 300;
  sqlite3_exec(store->handle(), "PRAGMA synchronous = OFF", nullptr, nullptr, nullptr);  // test setup speed only
  std::mt19937 rng(9);
  size_t smallest = SIZE_MAX, largest = 0;
  for (int i = 0; i < n; ++i) {
    Complaint c = long_complaint(i, rng);
    store->submit_complaint(c);
  }
  for (const OutboxItem& it : store->outbox_items(OutboxState::pending, n)) {
    smallest = std::min(smallest, it.payload.size());
    largest = std::max(largest, it.payload.size());
  }
  ASSERT_GE(smallest, 6000u);
  ASSERT_LE(largest + 20, 9000u) << "every item fits alone";
  SyncOptions o = engine_options(sim, store_path);
  o.constrained_interval_ms = 20;  // at most 50 requests/s once a 413 was seen (the default is 50 ms: 20/s)
  auto engine = make_engine(o);
  auto t0 = std::chrono::steady_clock::now();
  drain(*engine, *store, 50);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  OutboxCounts c = store->outbox_counts();
  EXPECT_EQ(c.held, 0) << "nothing that fits alone is held";
  EXPECT_EQ(c.delivered, n);
  EXPECT_EQ(sim.complaints().size(), size_t(n));
  const int64_t requests = sim.count_all("/complaints:batch"), refused = sim.count("/complaints:batch", "413");
  const int64_t peak = peak_requests_per_second(sim);
  EXPECT_LE(refused, 40) << "the limit is learned, not hit again and again";
  EXPECT_LE(requests, n + refused) << "no more requests than one per complaint and one per 413";
  EXPECT_LE(peak, 1000 / 20 + 5) << "paced while the limit is in force";
  std::printf("413 drain (%s): %d complaints of %zu-%zu bytes, %lld requests (%lld 413), peak %lld/s, %.1f s\n",
              GetParam().size() > 2 ? "limit as sent only" : "as sent and inflated", n, smallest, largest,
              (long long)requests, (long long)refused, (long long)peak, secs);
}

INSTANTIATE_TEST_SUITE_P(Limits, BodyLimitTest,
                         ::testing::Values(std::vector<std::string>{"--max-body-bytes", "9000"},
                                           std::vector<std::string>{"--max-body-bytes", "12000", "--max-inflated-bytes",
                                                                    "1048576"}));

TEST_F(SyncTest, TooManyItemsSplitsTheBatch) {
  start_sim({"--max-batch", "7"});
  std::vector<std::string> ids = submit(*store, 30);
  auto engine = make_engine();
  SyncReport r = engine->run_once();
  EXPECT_FALSE(r.failed) << r.error;
  EXPECT_EQ(store->outbox_counts().delivered, 30);
  EXPECT_GE(sim.count("/complaints:batch", "413"), 1);
  EXPECT_EQ(sim.complaints().size(), 30u);
  EXPECT_GE(log.count_containing("split"), 1u);
}

TEST_F(SyncTest, BodyTooLargeSplitsTheBatch) {
  start_sim({"--max-body-bytes", "6000"});
  submit(*store, 20);
  SyncOptions o = engine_options(sim, store_path);
  o.gzip_above_bytes = 0;  // the limit is on the bytes as sent
  auto engine = make_engine(o);
  SyncReport r = engine->run_once();
  EXPECT_FALSE(r.failed) << r.error;
  EXPECT_EQ(store->outbox_counts().delivered, 20);
  EXPECT_GE(sim.count("/complaints:batch", "413"), 1);
  EXPECT_EQ(sim.complaints().size(), 20u);
}

TEST_F(SyncTest, GzipRequestBodiesAreSignedAsSent) {
  start_sim();
  submit(*store, 40);
  SyncOptions o = engine_options(sim, store_path);
  o.gzip_above_bytes = 100;
  auto engine = make_engine(o);
  SyncReport r = engine->run_once();
  EXPECT_FALSE(r.failed) << r.error;
  EXPECT_EQ(store->outbox_counts().delivered, 40);
  EXPECT_EQ(sim.complaints().size(), 40u);
}

TEST_F(SyncTest, ClockSkewIsCorrectedAndRetriedOnce) {
  start_sim();
  auto engine = make_engine();
  engine->start();  // the first pass checks /health while the clocks agree
  ASSERT_TRUE(wait_for([&] { return sim.count("/health", "200") >= 1; }, 5000));
  ASSERT_TRUE(wait_for([&] { return state(sync_key::last_success) != "" || sim.count_all("/updates") >= 1; }, 5000));
  EXPECT_EQ(engine->clock_offset_s(), 0);
  sim.faults({{"clock_skew_s", -1000}});  // now the gateway's clock is 1000 s behind
  submit(*store, 4);
  engine->wake();  // a delivery pass: no /health first, so the 401 clock_skew is what teaches the offset
  ASSERT_TRUE(wait_for([&] { return store->outbox_counts().delivered == 4; }, 5000));
  engine->stop();
  EXPECT_EQ(sim.count("/complaints:batch", "401"), 1) << "one clock_skew, then signed with corrected time";
  EXPECT_EQ(sim.count("/complaints:batch", "200"), 1) << "retried at once, once";
  EXPECT_NEAR(double(engine->clock_offset_s()), -1000.0, 2.0);
  EXPECT_NEAR(std::stod(state(sync_key::clock_offset_s)), -1000.0, 2.0) << "kept for status and the next run";
  EXPECT_EQ(log.count_containing("clock offset"), 1u);
}

TEST_F(SyncTest, BadKeyStopsSyncingAndAlertsStaff) {
  start_sim();
  submit(*store, 3);
  SyncOptions o = engine_options(sim, store_path);
  o.key = std::string(32, 'x');  // not this kiosk's key
  auto engine = make_engine(o);
  SyncReport r = engine->run_once();
  EXPECT_TRUE(r.stopped);
  EXPECT_EQ(sim.count("/complaints:batch", "401"), 3) << "stopped only after 3 refusals, each signed afresh";
  EXPECT_EQ(store->outbox_counts().pending, 3) << "kept, not held, not lost";
  EXPECT_EQ(store->outbox_counts().held, 0);
  SyncStatus s = read_sync_status(*store);
  EXPECT_FALSE(s.stopped.empty());
  ASSERT_FALSE(s.alerts.empty());
  EXPECT_EQ(s.alerts[0].code, "auth");
  EXPECT_NE(s.alerts[0].message.find("3 signed request(s) in a row"), std::string::npos) << s.alerts[0].message;
  EXPECT_NE(s.alerts[0].message.find("HTTP 401: bad_signature 3x"), std::string::npos) << s.alerts[0].message;
  // In the background it does not try again and again: one more round of 3.
  engine->start();
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  engine->stop();
  EXPECT_LE(sim.count("/complaints:batch", "401"), 6);
  // The key itself is never logged.
  for (const std::string& line : log.snapshot()) EXPECT_EQ(line.find("xxxxxxxx"), std::string::npos);
}

// The real curl transport; the next `n` batch requests go with a broken
// signature, so the gateway answers 401 bad_signature to exactly those.
class SignatureBreakingTransport : public CountingTransport {
 public:
  explicit SignatureBreakingTransport(const TransportOptions& o) : CountingTransport(make_curl_transport(o)) {}
  void start(HttpRequest r) override { CountingTransport::start(spoil(std::move(r))); }
  HttpResponse send(const HttpRequest& r) override { return CountingTransport::send(spoil(r)); }
  std::shared_ptr<std::atomic<int>> n = std::make_shared<std::atomic<int>>(0);

 private:
  HttpRequest spoil(HttpRequest r) {
    if (r.url.find(":batch") == std::string::npos || n->load() <= 0) return r;
    --*n;
    for (auto& [k, v] : r.headers)
      if (k == kHeaderSignature) v = std::string(64, '0');
    return r;
  }
};

// Follow-up of issue 10: after a stop is cleared (a new run), the count of
// 401s in a row starts again. Before, it was kept, so one stray 401 (a
// replayed nonce after a lost answer) stopped syncing again at once.
TEST_F(SyncTest, AClearedStopStartsTheRefusalCountAgain) {
  start_sim();
  submit(*store, 2);
  SyncOptions o = engine_options(sim, store_path);
  auto t = std::make_unique<SignatureBreakingTransport>(o.transport);
  auto n = t->n;
  auto engine = make_engine(o, std::move(t));
  n->store(3);
  SyncReport r = engine->run_once();
  EXPECT_TRUE(r.stopped);
  EXPECT_EQ(sim.count("/complaints:batch", "401"), 3);
  n->store(1);  // one more refusal, then the signatures are right again
  r = engine->run_once();  // a new run clears the stop
  EXPECT_FALSE(r.stopped) << r.error;
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(sim.count("/complaints:batch", "401"), 4);
  EXPECT_EQ(store->outbox_counts().delivered, 2);
  EXPECT_TRUE(read_sync_status(*store).stopped.empty());
}

TEST_F(SyncTest, UnknownKioskStopsAndWrongBaseUrlStops) {
  start_sim();
  submit(*store, 2);
  {
    SyncOptions o = engine_options(sim, store_path);
    o.kiosk_id = "kiosk-nobody";
    auto engine = make_engine(o);
    SyncReport r = engine->run_once();
    EXPECT_TRUE(r.stopped);
    EXPECT_NE(r.error.find("unknown_kiosk"), std::string::npos) << r.error;
  }
  {
    SyncOptions o = engine_options(sim, store_path);
    o.base_url = sim.origin() + "/odr/v0";
    auto engine = make_engine(o);
    SyncReport r = engine->run_once();
    EXPECT_TRUE(r.stopped);
    EXPECT_NE(r.error.find("404"), std::string::npos) << r.error;
    SyncStatus s = read_sync_status(*store);
    bool not_found = false;
    for (const auto& a : s.alerts) not_found |= a.code == "not_found";
    EXPECT_TRUE(not_found);
  }
  EXPECT_EQ(store->outbox_counts().pending, 2);
  // Fixed config: the next run delivers and clears the stop and the alerts.
  auto engine = make_engine();
  SyncReport r = engine->run_once();
  EXPECT_TRUE(r.ok()) << r.error;
  SyncStatus s = read_sync_status(*store);
  EXPECT_TRUE(s.stopped.empty());
  EXPECT_TRUE(s.alerts.empty());
  EXPECT_EQ(s.counts.delivered, 2);
}

TEST_F(SyncTest, RejectedItemsAreHeldWhileTheOthersDeliver) {
  start_sim();
  // Another install of the same kiosk (a wiped disk) already used ticket -0001.
  {
    std::string other_path = dir + "/old-install.db";
    Store other(other_path, store_options());
    other.submit_complaint(valid_complaint(900));
    SyncOptions o = engine_options(sim, other_path);
    auto e = make_engine(o);
    ASSERT_TRUE(e->run_once().ok());
  }
  std::vector<std::string> ids = submit(*store, 6);  // the first one reuses that ticket
  // And the gateway disagrees with the kiosk about one field of another.
  sqlite3_exec(store->handle(),
               ("UPDATE complaints SET json = json_set(json, '$.consumer.phone', '12345') WHERE id = '" + ids[3] + "'")
                   .c_str(),
               nullptr, nullptr, nullptr);
  auto engine = make_engine();
  SyncReport r = engine->run_once();
  EXPECT_EQ(r.held, 1);
  OutboxCounts c = store->outbox_counts();
  EXPECT_EQ(c.delivered, 5) << "the ticket conflict got a new ticket and went again (tests/sync/ticket_test.cpp)";
  EXPECT_EQ(c.held, 1);
  std::vector<OutboxItem> held = store->outbox_items(OutboxState::held);
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0].ref_id, ids[3]);
  EXPECT_NE(held[0].last_error.find("consumer.phone"), std::string::npos) << held[0].last_error;
  SyncStatus s = read_sync_status(*store);
  ASSERT_EQ(s.alerts.size(), 2u);
  EXPECT_EQ(s.alerts[0].code, "held");
  EXPECT_EQ(s.alerts[1].code, "ticket");
  // A held item is not retried by itself: the old install's batch, this
  // one's, and the re-ticketed complaint sent again.
  engine->run_once();
  EXPECT_EQ(sim.count_all("/complaints:batch"), 3);
  expect_no_personal_data(log, 6);
}

// issue 10 item 2: one damaged row made the batch body malformed; the
// gateway's 400 held all 100, and again after retry-held.
TEST_F(SyncTest, OneUnreadableRowIsHeldAloneAndTheRestOfItsBatchGoes) {
  start_sim();
  std::vector<std::string> ids = submit(*store, 100);
  // The row goes bad while the engine runs; the claim holds it before
  // anything is sent.
  auto engine = make_engine();
  ASSERT_EQ(sqlite3_exec(store->handle(),
                         ("UPDATE complaints SET json = substr(json, 1, 40) WHERE id = '" + ids[37] + "'").c_str(),
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  SyncReport r = engine->run_once();
  EXPECT_FALSE(r.failed) << r.error;
  OutboxCounts c = store->outbox_counts();
  EXPECT_EQ(c.delivered, 99);
  EXPECT_EQ(c.held, 1);
  EXPECT_EQ(c.pending + c.in_flight, 0);
  std::vector<OutboxItem> held = store->outbox_items(OutboxState::held);
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0].ref_id, ids[37]);
  EXPECT_NE(held[0].last_error.find("unreadable in the local store"), std::string::npos) << held[0].last_error;
  EXPECT_EQ(sim.complaints().size(), 99u);
  EXPECT_EQ(sim.count("/complaints:batch", "400"), 0) << "held at claim: never sent";
  // retry-held gives it another go; it is still damaged, so it alone is held again.
  store->retry_held("test");
  drain(*engine, *store);
  EXPECT_EQ(store->outbox_counts().held, 1);
  EXPECT_EQ(store->outbox_counts().delivered, 99);
  SyncStatus s = read_sync_status(*store);
  bool unreadable = false;
  for (const SyncAlert& al : s.alerts) unreadable |= al.code == "unreadable";
  EXPECT_TRUE(unreadable) << "staff and `kiosk-sync status` see it";
}

// Product decision (经营者首问制度: the desk takes complaints at once): a store
// whose file SQLite finds sound but which holds an unreadable complaint row
// opens and takes new complaints; the damaged row is held, never sent, and
// raises an alert. (Before: refused whole at open, no writes.)
TEST_F(SyncTest, AStoreWithAnUnreadableRowOpensTakesComplaintsAndHoldsOnlyThatRow) {
  start_sim();
  std::vector<std::string> ids = submit(*store, 5);
  ASSERT_EQ(sqlite3_exec(store->handle(),
                         ("UPDATE complaints SET json = substr(json, 1, 40) WHERE id = '" + ids[2] + "'").c_str(),
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  store.reset();
  store = std::make_unique<Store>(store_path, store_options());  // the kiosk starts again
  EXPECT_EQ(store->unreadable_rows().complaints, 1);
  SubmitResult fresh = store->submit_complaint(valid_complaint(50));
  EXPECT_FALSE(fresh.ticket.empty());
  auto engine = make_engine();  // its own connection opens too
  drain(*engine, *store);
  OutboxCounts c = store->outbox_counts();
  EXPECT_EQ(c.delivered, 5) << "4 readable old ones and the new one";
  EXPECT_EQ(c.held, 1);
  EXPECT_EQ(sim.complaints().count(ids[2]), 0u) << "never sent";
  EXPECT_EQ(sim.complaints().count(fresh.id), 1u);
  EXPECT_EQ(sim.count("/complaints:batch", "400"), 0);
  SyncStatus s = read_sync_status(*store);
  std::string alert;
  for (const SyncAlert& al : s.alerts)
    if (al.code == "unreadable") alert = al.message;
  EXPECT_NE(alert.find("1 complaint(s)"), std::string::npos) << alert;
}

TEST_F(SyncTest, GarbageAnswersNeverMarkAnythingDelivered) {
  start_sim({"--garbage", "1", "--garbage-kind", "mixed", "--seed", "3"});
  submit(*store, 8);
  auto engine = make_engine();
  for (int i = 0; i < 8; ++i) {
    SyncReport r = engine->run_once();
    EXPECT_TRUE(r.failed);
    EXPECT_EQ(store->outbox_counts().delivered, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(std::max<int64_t>(0, r.backoff_until_ms - now_unix_ms()) + 5));
  }
  EXPECT_EQ(store->outbox_counts().pending, 8);
  EXPECT_EQ(store->outbox_counts().held, 0);
  sim.faults({{"garbage", 0}});
  drain(*engine, *store);
  EXPECT_EQ(store->outbox_counts().delivered, 8);
  EXPECT_EQ(sim.complaints().size(), 8u);
}

TEST_F(SyncTest, StopAbortsAnInFlightTransferPromptly) {
  start_sim({"--latency-ms", "3000"});
  submit(*store, 2);
  auto engine = make_engine();
  engine->start();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // /health is slow too: it is in flight now
  auto t0 = std::chrono::steady_clock::now();
  engine->stop();
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(took, 2.0) << "stop() must not wait for the network (3 s latency)";
  OutboxCounts c = store->outbox_counts();
  EXPECT_EQ(c.pending + c.in_flight, 2);
}

// A stop that lands while the engine claims (a write to the store, an fsync)
// must give the claim back: left leased, the items would wait out the lease
// (request time-out + 60 s) before this kiosk or the next run sent them.
TEST_F(SyncTest, StoppedAtAnyMomentLeavesNothingLeased) {
  start_sim();
  submit(*store, 3);
  sim.faults({{"fail_503", 1}});  // claim, 503, release, again and again
  SyncOptions o = engine_options(sim, store_path);
  o.backoff = {1, 2};
  for (int i = 0; i < 40; ++i) {
    auto engine = make_engine(o);
    engine->start();
    std::this_thread::sleep_for(std::chrono::microseconds(500 + 700 * (i % 11)));
    engine->stop();
    OutboxCounts c = store->outbox_counts();
    ASSERT_EQ(c.in_flight, 0) << "stop number " << i << " left a claim leased";
    ASSERT_EQ(c.pending, 3);
  }
}

// The gateway closes a kept-alive connection that sat idle (10 s on the
// simulator; the kiosk polls every 30 s). The next GET finds it dead before
// any answer: a GET changes nothing, so it goes once more at once on a new
// connection, signed afresh, instead of failing every poll.
TEST_F(SyncTest, AGetOnAConnectionTheGatewayClosedWhileIdleIsSentAgainAtOnce) {
  start_sim({"--keep-alive-s", "1"});
  auto engine = make_engine();
  SyncReport first = engine->run_once();
  ASSERT_FALSE(first.failed) << first.error;
  for (int i = 0; i < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2200));  // the gateway has closed it by now
    SyncReport r = engine->run_once();
    EXPECT_FALSE(r.failed) << r.error;
  }
  EXPECT_EQ(log.count_containing("health fail"), 0u);
  EXPECT_EQ(log.count_containing("fail"), 0u);
}

TEST_F(SyncTest, WakeDeliversAtOnce) {
  start_sim();
  auto engine = make_engine();
  engine->start();
  ASSERT_TRUE(wait_for([&] { return sim.count_all("/updates") >= 1; }, 5000));  // idle now, next poll in a minute
  submit(*store, 1);
  auto t0 = std::chrono::steady_clock::now();
  engine->wake();
  ASSERT_TRUE(wait_for([&] { return store->outbox_counts().delivered == 1; }, 3000));
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  engine->stop();
  EXPECT_LT(took, 2.0);
}

// Files a complaint's creation days_ago days back (as if filed then).
void backdate(Store& store, const std::string& id, int days_ago) {
  const std::string ms = std::to_string(int64_t(days_ago) * 86'400'000);
  std::string sql = "UPDATE complaints SET created_ms = created_ms - " + ms + ", stored_ms = stored_ms - " + ms +
                    " WHERE id = '" + id + "'";
  ASSERT_EQ(sqlite3_exec(store.handle(), sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
}

TEST_F(SyncTest, RetentionPurgesDoneComplaintsFiledLongAgoAtStartAndThenPeriodically) {
  start_sim();
  std::vector<std::string> ids = submit(*store, 3);  // old and done, old with an event to send, recent
  {
    auto engine = make_engine();
    drain(*engine, *store);
  }
  ASSERT_EQ(store->outbox_counts().delivered, 3);
  const std::string old_done = ids[0], old_event = ids[1], recent = ids[2];
  const std::string old_pending = store->submit_complaint(valid_complaint(3)).id;
  store->record_event(staff_event(old_event, "first_response"));
  for (const std::string& id : {old_done, old_event, old_pending}) backdate(*store, id, 4);
  auto phone = [&](const std::string& id) { return store->complaint(id)->consumer.phone; };
  sim.faults({{"fail_503", 1}});  // nothing more is delivered for now

  // Once at start (the hourly tick is an hour away).
  SyncOptions o = engine_options(sim, store_path);
  o.retention_ms = 3 * 86'400'000LL;
  auto engine = make_engine(o);
  engine->start();
  ASSERT_TRUE(wait_for([&] { return phone(old_done).empty(); }, 5000)) << "purged at start";
  engine->stop();
  EXPECT_EQ(store->complaint(old_done)->consumer.name, "");
  EXPECT_EQ(store->complaint(old_done)->description, "");
  EXPECT_FALSE(store->complaint(old_done)->ticket.empty()) << "the case itself stays";
  EXPECT_EQ(phone(old_event), valid_complaint(1).consumer.phone) << "its event is not delivered yet";
  EXPECT_EQ(phone(recent), valid_complaint(2).consumer.phone) << "filed within the retention time";
  EXPECT_EQ(phone(old_pending), valid_complaint(3).consumer.phone) << "not delivered yet";
  EXPECT_EQ(log.count_containing("purge personal_data complaints=1"), 1u);

  // Then on its own schedule: once the rest is delivered, the next purge takes them.
  o.purge_interval_ms = 300;
  engine = make_engine(o);
  engine->start();
  sim.faults({{"fail_503", 0}});
  ASSERT_TRUE(wait_for([&] { return phone(old_event).empty() && phone(old_pending).empty(); }, 10000));
  engine->stop();
  EXPECT_EQ(store->outbox_counts().delivered, 5);
  EXPECT_EQ(phone(recent), valid_complaint(2).consumer.phone);

  // The audit log names each purged complaint by id and ticket, nothing personal.
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(store->handle(), "SELECT detail FROM audit WHERE action = 'personal_data.purge' ORDER BY seq", -1, &st,
                     nullptr);
  std::vector<std::string> details;
  while (sqlite3_step(st) == SQLITE_ROW) details.push_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
  sqlite3_finalize(st);
  ASSERT_EQ(details.size(), 3u);
  EXPECT_EQ(details[0].rfind("id=" + old_done + " ticket=", 0), 0u) << details[0];
  for (const std::string& d : details) {
    EXPECT_EQ(d.find("测试顾客"), std::string::npos) << d;
    for (int i = 0; i < 4; ++i) EXPECT_EQ(d.find(valid_complaint(i).consumer.phone), std::string::npos) << d;
    EXPECT_EQ(d.find("北京东路"), std::string::npos) << d;
  }
  EXPECT_TRUE(store->verify_audit().ok);
  expect_no_personal_data(log, 4);
}

TEST_F(SyncTest, GatewayDownIsTransientAndReported) {
  start_sim();
  int port = sim.port;
  sim.stop();  // nothing listens there now
  submit(*store, 2);
  SyncOptions o = engine_options(sim, store_path);
  o.base_url = "https://127.0.0.1:" + std::to_string(port) + "/odr/v1";
  auto engine = make_engine(o);
  SyncReport r = engine->run_once();
  EXPECT_TRUE(r.failed);
  EXPECT_FALSE(r.stopped);
  EXPECT_NE(r.error.find("connect"), std::string::npos) << r.error;
  EXPECT_EQ(store->outbox_counts().pending, 2);
  EXPECT_EQ(state(sync_key::reachable), "0");
  EXPECT_FALSE(state(sync_key::last_error).empty());
}

TEST_F(SyncTest, LastErrorClearsAfterRecovery) {
  start_sim({"--fail-503", "1"});
  submit(*store, 2);
  auto engine = make_engine();
  SyncReport r = engine->run_once();
  ASSERT_TRUE(r.failed);
  EXPECT_NE(state(sync_key::last_error).find("503"), std::string::npos) << state(sync_key::last_error);
  sim.faults({{"fail_503", 0}});
  std::this_thread::sleep_for(std::chrono::milliseconds(std::max<int64_t>(0, r.backoff_until_ms - now_unix_ms()) + 5));
  r = engine->run_once();
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(store->outbox_counts().delivered, 2);
  SyncStatus s = read_sync_status(*store);
  EXPECT_EQ(s.last_error, "") << "an old error is not shown as current";
  EXPECT_EQ(s.last_error_at, "");
  EXPECT_FALSE(s.last_success.empty());
}

// A plain HTTP server where the gateway should be: it answers anything
// (a TLS ClientHello too) with an HTTP 400 page, as nginx on a plain port does.
struct PlainHttpServer {
  int fd = -1, port = 0;
  std::thread thread;
  std::atomic<bool> stop{false};
  PlainHttpServer() {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    ::listen(fd, 8);
    thread = std::thread([this] {
      while (!stop.load()) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        int c = ::accept(fd, nullptr, nullptr);
        if (c < 0) continue;
        char buf[4096];
        (void)::recv(c, buf, sizeof buf, 0);
        const char* answer = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\nContent-Length: 22\r\n"
                             "Connection: close\r\n\r\n<h1>400 Bad Request</h1>";
        (void)::send(c, answer, std::strlen(answer), MSG_NOSIGNAL);
        ::close(c);
      }
    });
  }
  ~PlainHttpServer() {
    stop = true;
    thread.join();
    ::close(fd);
  }
};

TEST_F(SyncTest, PlainHttpServerIsReportedAsNotTlsNotAsACertificateFailure) {
  start_sim();  // for the CA only
  PlainHttpServer plain;
  submit(*store, 1);
  SyncOptions o = engine_options(sim, store_path);
  o.base_url = "https://127.0.0.1:" + std::to_string(plain.port) + "/odr/v1";
  auto engine = make_engine(o);
  SyncReport r = engine->run_once();
  EXPECT_TRUE(r.failed);
  EXPECT_FALSE(r.stopped);
  EXPECT_NE(r.error.find("not_tls"), std::string::npos) << r.error;
  EXPECT_EQ(store->outbox_counts().pending, 1);
  SyncStatus s = read_sync_status(*store);
  ASSERT_EQ(s.alerts.size(), 1u);
  EXPECT_EQ(s.alerts[0].code, "tls");
  EXPECT_NE(s.alerts[0].message.find("plain HTTP, not TLS"), std::string::npos) << s.alerts[0].message;
  EXPECT_EQ(s.alerts[0].message.find("certificate"), std::string::npos) << s.alerts[0].message;
}

// --- TLS ----------------------------------------------------------------------

// Items of a failed pass are due again when its backoff ends.
void wait_out(const SyncReport& r) {
  std::this_thread::sleep_for(std::chrono::milliseconds(std::max<int64_t>(0, r.backoff_until_ms - now_unix_ms()) + 5));
}

class TlsTest : public SyncTest {
 protected:
  void expect_tls_failure(SyncOptions o, const std::string& what) {
    submit(*store, 2);
    auto engine = make_engine(std::move(o));
    SyncReport r = engine->run_once();
    wait_out(r);
    EXPECT_TRUE(r.failed) << what;
    EXPECT_NE(r.error.find("tls"), std::string::npos) << what << ": " << r.error;
    EXPECT_EQ(store->outbox_counts().delivered, 0) << what;
    EXPECT_EQ(store->outbox_counts().pending, 2) << what;
    EXPECT_EQ(sim.count_all("/complaints:batch"), 0) << what << ": nothing may be sent over that connection";
    SyncStatus s = read_sync_status(*store);
    bool tls_alert = false;
    for (const auto& a : s.alerts) tls_alert |= a.code == "tls";
    EXPECT_TRUE(tls_alert) << what;
  }
};

TEST_F(TlsTest, UnknownCa) {
  start_sim();
  std::string other = dev_setup(dir + "/other");  // a different CA
  SyncOptions o = engine_options(sim, store_path);
  o.transport.ca_file = other + "/ca.pem";
  expect_tls_failure(o, "unknown CA");
}

TEST_F(TlsTest, WrongHostName) {
  // The gateway's certificate (from the right CA) is for localhost only; the
  // kiosk dials 127.0.0.1. (The test reads the sim's stats as localhost.)
  std::string dev = shared_dev();
  std::string prefix = dir + "/wrong-host";
  std::filesystem::create_directories(dir);
  ASSERT_EQ(run_program({bin_dir() + "/platform-sim", "make-cert", "--ca-dir", dev, "--out", prefix, "--dns",
                         "localhost"},
                        dir + "/make-cert.log"),
            0)
      << read_file(dir + "/make-cert.log");
  sim.admin_host = "localhost";
  start_sim({"--cert", prefix + ".pem", "--key", prefix + ".key"});
  expect_tls_failure(engine_options(sim, store_path), "wrong host name");
}

TEST_F(TlsTest, PinnedKeyMismatchAndMatch) {
  start_sim();
  std::string other = dev_setup(dir + "/other");
  SyncOptions o = engine_options(sim, store_path);
  o.transport.pinned_pubkey = read_file(other + "/server.pin");
  while (!o.transport.pinned_pubkey.empty() && std::isspace((unsigned char)o.transport.pinned_pubkey.back()))
    o.transport.pinned_pubkey.pop_back();
  expect_tls_failure(o, "pinned key mismatch");
  // The right pin works, and clears the alert.
  SyncOptions good = engine_options(sim, store_path);
  good.transport.pinned_pubkey = read_file(sim.dev + "/server.pin");
  while (!good.transport.pinned_pubkey.empty() && std::isspace((unsigned char)good.transport.pinned_pubkey.back()))
    good.transport.pinned_pubkey.pop_back();
  auto engine = make_engine(good);
  EXPECT_TRUE(engine->run_once().ok());
  EXPECT_EQ(store->outbox_counts().delivered, 2);
  EXPECT_TRUE(read_sync_status(*store).alerts.empty());
}

TEST_F(TlsTest, ClientCertificateWhenTheGatewayAsks) {
  start_sim({"--client-ca", shared_dev() + "/ca.pem"});
  submit(*store, 1);
  {
    auto engine = make_engine();  // no client certificate
    SyncReport r = engine->run_once();
    // The server ends the handshake; depending on timing curl sees a TLS
    // alert or a cut connection. Either way: transient, nothing delivered.
    EXPECT_TRUE(r.failed);
    EXPECT_FALSE(r.stopped);
    EXPECT_EQ(store->outbox_counts().delivered, 0);
    wait_out(r);
  }
  SyncOptions o = engine_options(sim, store_path);
  o.transport.client_cert = sim.dev + "/client.pem";
  o.transport.client_key = sim.dev + "/client.key";
  auto engine = make_engine(o);
  SyncReport r = engine->run_once();
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(store->outbox_counts().delivered, 1);
}

}  // namespace
