// odr-hub against its own PostgreSQL cluster: real processes, real HTTPS on
// 127.0.0.1, signed as a kiosk signs, and the database read directly.
//
// Index of this file:
// [SECTION] Intake: stored once, duplicates, refusals
// [SECTION] Several hubs, kill -9
// [SECTION] Personal data, events, heartbeats
// [SECTION] Platform updates forwarded by kiosks
// [SECTION] Migrations, commands, config

#include <gtest/gtest.h>

#include <cctype>
#include <signal.h>

#include <chrono>
#include <future>
#include <set>
#include <thread>

#include "hub_env.h"
#include "model/personal.h"
#include "protocol/heartbeat.h"
#include "protocol/signing.h"
#include "support/process.h"
#include "support/temp.h"
#include "util/crypto.h"
#include "util/time.h"
#include "util/uuid.h"

namespace {

using nlohmann::json;
using odr::test::HubEnv;
using odr::test::HubProcess;
using odr::test::Reply;
using odr::test::complaint_json;
using odr::test::event_json;
using odr::test::statuses;

std::vector<json> complaints(const std::string& kiosk, int from, int n) {
  std::vector<json> out;
  for (int i = from; i < from + n; ++i) out.push_back(complaint_json(kiosk, i));
  return out;
}

std::vector<std::string> all(size_t n, const std::string& status) { return std::vector<std::string>(n, status); }

std::string error_code(const Reply& r) {
  json j = r.js();
  return j.is_object() && j.contains("error") ? j["error"].value("code", "") : "";
}

class HubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env = std::make_unique<HubEnv>(::testing::UnitTest::GetInstance()->current_test_info()->name());
    env->add_kiosk("k1");
  }
  std::unique_ptr<HubEnv> env;
};

// -----------------------------------------------------------------------------
// [SECTION] Intake: stored once, duplicates, refusals
// -----------------------------------------------------------------------------

TEST_F(HubTest, SignedBatchIsStoredOnceAndTheSameBatchAgainIsDuplicate) {
  HubProcess& hub = env->start();
  const auto batch = complaints("k1", 0, 5);
  Reply first = env->post_complaints(hub, batch);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(statuses(first), all(5, "accepted"));
  EXPECT_EQ(env->count("complaints"), 5);
  // The lost acknowledgement: the kiosk sends the same batch again.
  Reply again = env->post_complaints(hub, batch);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(statuses(again), all(5, "duplicate"));
  EXPECT_EQ(env->count("complaints"), 5);
  // Each row is the kiosk's, at its store, with its ticket and a deadline after filing.
  EXPECT_EQ(env->sql("SELECT count(*) FROM complaints WHERE kiosk_id = 'k1' AND store_id = 'S001' AND deadline > "
                     "filed_at::date AND status = 'received'"),
            "5");
  EXPECT_EQ(env->sql("SELECT ticket FROM complaints WHERE id = '" + batch[2]["id"].get<std::string>() + "'"),
            batch[2]["ticket"].get<std::string>());
}

TEST_F(HubTest, SameIdFromAnotherKioskAndAReusedTicketAreRejectedAsTheGatewayDoes) {
  env->add_kiosk("k2", "S002", "west");
  HubProcess& hub = env->start();
  json c = complaint_json("k1", 1);
  ASSERT_EQ(statuses(env->post_complaints(hub, {c})), all(1, "accepted"));
  json other = c;
  other["kiosk_id"] = "k2";
  Reply r = env->post_complaints(hub, {other}, "k2");
  ASSERT_EQ(statuses(r), all(1, "rejected"));
  EXPECT_EQ(r.js()["results"][0]["error"]["code"], "id_conflict");
  json same_ticket = complaint_json("k1", 2);
  same_ticket["ticket"] = c["ticket"];
  r = env->post_complaints(hub, {same_ticket});
  ASSERT_EQ(statuses(r), all(1, "rejected"));
  EXPECT_EQ(r.js()["results"][0]["error"]["code"], "ticket_conflict");
  EXPECT_EQ(r.js()["results"][0]["error"]["last_ticket"], c["ticket"]);
  json broken = complaint_json("k1", 3);
  broken["consumer"]["phone"] = "12";
  r = env->post_complaints(hub, {broken});
  ASSERT_EQ(statuses(r), all(1, "rejected"));
  EXPECT_EQ(r.js()["results"][0]["error"]["field"], "consumer.phone");
  EXPECT_EQ(env->count("complaints"), 1);
}

// "status" or "rejected:code" per item of a batch answer, in order.
std::vector<std::string> answers(const Reply& r) {
  std::vector<std::string> out;
  json j = r.js();
  if (!j.is_object() || !j["results"].is_array()) return out;
  for (const auto& x : j["results"]) {
    std::string a = x.value("status", "");
    if (x.contains("error")) a += ":" + x["error"].value("code", "") + ":" + x["error"].value("field", "");
    out.push_back(a);
  }
  return out;
}

// One batch holding every case at once: each item's answer in its place.
TEST_F(HubTest, AMixedComplaintBatchIsAnsweredItemByItemInOrder) {
  env->add_kiosk("k2", "S002", "west");
  HubProcess& hub = env->start();
  json stored = complaint_json("k1", 1), theirs = complaint_json("k2", 2);
  ASSERT_EQ(statuses(env->post_complaints(hub, {stored})), all(1, "accepted"));
  ASSERT_EQ(statuses(env->post_complaints(hub, {theirs}, "k2")), all(1, "accepted"));
  json fresh = complaint_json("k1", 3), twice = complaint_json("k1", 4), after = complaint_json("k1", 5);
  json taken = theirs;
  taken["kiosk_id"] = "k1";
  json broken = complaint_json("k1", 6);
  broken["consumer"]["phone"] = "12";
  json ticket = complaint_json("k1", 7);
  ticket["ticket"] = stored["ticket"];
  json upper = stored;  // the same id in capitals is the same complaint
  std::string up = stored["id"];
  for (auto& ch : up) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  upper["id"] = up;
  Reply r = env->post_complaints(hub, {fresh, stored, taken, broken, twice, twice, ticket, upper, after});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(answers(r), (std::vector<std::string>{"accepted", "duplicate", "rejected:id_conflict:id",
                                                  "rejected:" + r.js()["results"][3]["error"].value("code", "") +
                                                      ":consumer.phone",
                                                  "accepted", "duplicate", "rejected:ticket_conflict:ticket",
                                                  "duplicate", "accepted"}));
  EXPECT_EQ(r.js()["results"][2]["id"], theirs["id"]);
  EXPECT_EQ(r.js()["results"][7]["id"], upper["id"]);  // the id as sent
  EXPECT_EQ(env->count("complaints"), 5);
  EXPECT_EQ(env->sql("SELECT count(*) FROM complaints WHERE kiosk_id = 'k2'"), "1");
}

TEST_F(HubTest, AMixedEventBatchIsAnsweredItemByItemInOrder) {
  env->add_kiosk("k2", "S002", "west");
  HubProcess& hub = env->start();
  json mine = complaint_json("k1", 1), theirs = complaint_json("k2", 2);
  ASSERT_EQ(statuses(env->post_complaints(hub, {mine})), all(1, "accepted"));
  ASSERT_EQ(statuses(env->post_complaints(hub, {theirs}, "k2")), all(1, "accepted"));
  json old = event_json(mine["id"], "first_response"), their_event = event_json(theirs["id"], "first_response");
  ASSERT_EQ(statuses(env->post_events(hub, {old})), all(1, "accepted"));
  ASSERT_EQ(statuses(env->post_events(hub, {their_event}, "k2")), all(1, "accepted"));
  json settled = event_json(mine["id"], "settled"), twice = event_json(mine["id"], "first_response");
  json taken = their_event;
  taken["complaint_id"] = mine["id"];
  json broken = event_json(mine["id"], "no_such_type");
  json nowhere = event_json(odr::uuid_v7(), "first_response");
  json not_mine = event_json(theirs["id"], "settled");
  Reply r = env->post_events(hub, {settled, old, taken, broken, twice, twice, nowhere, not_mine});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto got = answers(r);
  ASSERT_EQ(got.size(), 8u) << r.body;
  EXPECT_EQ(got[0], "accepted");
  EXPECT_EQ(got[1], "duplicate");
  EXPECT_EQ(got[2], "rejected:id_conflict:id");
  EXPECT_EQ(got[3].rfind("rejected:", 0), 0u) << got[3];
  EXPECT_EQ(got[4], "accepted");
  EXPECT_EQ(got[5], "duplicate");
  EXPECT_EQ(got[6], "rejected:unknown_complaint:complaint_id");
  EXPECT_EQ(got[7], "rejected:unknown_complaint:complaint_id");
  EXPECT_EQ(env->count("events"), 4);
  EXPECT_EQ(env->sql("SELECT status FROM complaints WHERE id = '" + mine["id"].get<std::string>() + "'"), "settled");
  EXPECT_EQ(env->sql("SELECT status FROM complaints WHERE id = '" + theirs["id"].get<std::string>() + "'"), "received");
}

// The fold writes a complaint's row only when its events change a fact:
// a batch of first responses leaves the row as it was (no new version).
TEST_F(HubTest, EventsThatChangeNoFactLeaveTheComplaintRowAlone) {
  HubProcess& hub = env->start();
  json c = complaint_json("k1", 1);
  ASSERT_EQ(statuses(env->post_complaints(hub, {c})), all(1, "accepted"));
  const std::string row = "SELECT xmin FROM complaints WHERE id = '" + c["id"].get<std::string>() + "'";
  const std::string before = env->sql(row);
  ASSERT_EQ(statuses(env->post_events(hub, {event_json(c["id"], "first_response")})), all(1, "accepted"));
  EXPECT_EQ(env->sql(row), before);
  ASSERT_EQ(statuses(env->post_events(hub, {event_json(c["id"], "settled")})), all(1, "accepted"));
  EXPECT_NE(env->sql(row), before);
  EXPECT_EQ(env->sql("SELECT status FROM complaints WHERE id = '" + c["id"].get<std::string>() + "'"), "settled");
}

// The kiosk's transport offers every encoding curl undoes (br among them);
// the hub's intake answers stay uncompressed (brotli was most of its CPU).
TEST_F(HubTest, IntakeAnswersAreNotCompressedWhateverTheClientOffers) {
  HubProcess& hub = env->start();
  const std::string target = "/odr/v1/complaints:batch";
  const std::string body = json{{"complaints", complaints("k1", 0, 50)}}.dump();
  odr::HttpRequest req;
  req.method = "POST";
  req.url = "https://127.0.0.1:" + std::to_string(hub.port) + target;
  req.headers = odr::sign_request("k1", env->keys.at("k1"), "POST", target, body, odr::now_unix_s()).list();
  req.headers.push_back({"Content-Type", "application/json"});
  req.body = body;
  odr::TransportOptions opts;
  opts.ca_file = env->dev + "/ca.pem";
  odr::HttpResponse res = odr::make_curl_transport(opts)->send(req);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(res.headers.count("content-encoding"), 0u) << res.headers["content-encoding"];
  EXPECT_EQ(json::parse(res.body)["results"].size(), 50u);
}

TEST_F(HubTest, BadSignatureReplayedNonceAndSkewedClockAreRefusedWithTheProtocolsCodes) {
  HubProcess& a = env->start();
  HubProcess& b = env->start();
  const std::string body = json{{"complaints", complaints("k1", 0, 1)}}.dump();
  Reply bad = env->post(a, "/complaints:batch", body, "k1", 0, "", std::string(32, 'x'));
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(error_code(bad), "bad_signature");
  env->keys["nobody"] = std::string(32, 'y');
  Reply unknown = env->post(a, "/complaints:batch", body, "nobody");
  EXPECT_EQ(error_code(unknown), "unknown_kiosk");
  Reply skew = env->post(a, "/complaints:batch", body, "k1", odr::now_unix_s() - 1000);
  EXPECT_EQ(skew.status, 401);
  EXPECT_EQ(error_code(skew), "clock_skew");
  EXPECT_TRUE(skew.js()["error"]["server_time"].is_number_integer());
  EXPECT_EQ(env->count("complaints"), 0);
  // One nonce: taken by hub a, refused by a and by b (another process, same database).
  const std::string nonce = odr::random_hex(16);
  ASSERT_EQ(env->post(a, "/complaints:batch", body, "k1", 0, nonce).status, 200);
  for (HubProcess* h : {&a, &b}) {
    Reply replay = env->post(*h, "/complaints:batch", body, "k1", 0, nonce);
    EXPECT_EQ(replay.status, 401);
    EXPECT_EQ(error_code(replay), "replayed_nonce");
  }
  EXPECT_EQ(env->count("complaints"), 1);
  EXPECT_EQ(env->count("nonces"), 1);
}

TEST_F(HubTest, OneNonceAtTwoHubsAtOnceIsStoredOnceAndRefusedOnce) {
  // The nonce is remembered in the transaction that stores the batch, held
  // open here: the second request waits on the first's key, then is refused.
  HubProcess& a = env->start({"ODR_HUB_TEST_PAUSE_BEFORE_COMMIT_MS=300"});
  HubProcess& b = env->start({"ODR_HUB_TEST_PAUSE_BEFORE_COMMIT_MS=300"});
  const std::string nonce = odr::random_hex(16);
  const std::string body = json{{"complaints", complaints("k1", 0, 5)}}.dump();
  auto fa = std::async(std::launch::async, [&] { return env->post(a, "/complaints:batch", body, "k1", 0, nonce); });
  auto fb = std::async(std::launch::async, [&] { return env->post(b, "/complaints:batch", body, "k1", 0, nonce); });
  Reply ra = fa.get(), rb = fb.get();
  std::multiset<int> got = {ra.status, rb.status};
  EXPECT_EQ(got, (std::multiset<int>{200, 401})) << ra.body << " / " << rb.body;
  EXPECT_EQ(error_code(ra.status == 401 ? ra : rb), "replayed_nonce");
  EXPECT_EQ(statuses(ra.status == 200 ? ra : rb), all(5, "accepted"));
  EXPECT_EQ(env->count("complaints"), 5);
  EXPECT_EQ(env->count("nonces"), 1);
}

TEST_F(HubTest, ARequestRefusedAfterItsSignatureStillUsesUpItsNonce) {
  HubProcess& hub = env->start();
  const std::string n1 = odr::random_hex(16), n2 = odr::random_hex(16);
  EXPECT_EQ(error_code(env->post(hub, "/complaints:batch", "not json", "k1", 0, n1)), "bad_request");
  EXPECT_EQ(error_code(env->post(hub, "/complaints:batch", "not json", "k1", 0, n1)), "replayed_nonce");
  EXPECT_EQ(error_code(env->post(hub, "/heartbeat", "[1]", "k1", 0, n2)), "bad_request");
  Reply again = env->post(hub, "/heartbeat", "[1]", "k1", 0, n2);
  EXPECT_EQ(again.status, 401);
  EXPECT_EQ(error_code(again), "replayed_nonce");
  // A stored heartbeat's nonce is remembered with it.
  odr::Heartbeat h;
  h.version = "1.0";
  const std::string n3 = odr::random_hex(16);
  ASSERT_EQ(env->post(hub, "/heartbeat", odr::to_json_text(h), "k1", 0, n3).status, 200);
  EXPECT_EQ(error_code(env->post(hub, "/heartbeat", odr::to_json_text(h), "k1", 0, n3)), "replayed_nonce");
  EXPECT_EQ(env->count("heartbeats"), 1);
  EXPECT_EQ(env->count("nonces"), 3);
}

TEST_F(HubTest, GzipBatchIsVerifiedAsSentThenInflated) {
  HubProcess& hub = env->start();
  const std::string body = json{{"complaints", complaints("k1", 0, 30)}}.dump();
  Reply r = env->post(hub, "/complaints:batch", body, "k1", 0, "", "", /*gzip=*/true);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(statuses(r), all(30, "accepted"));
  // A signed body that is not a batch: 400 bad_request, nothing stored.
  Reply broken = env->post(hub, "/complaints:batch", "not json", "k1");
  EXPECT_EQ(broken.status, 400);
  EXPECT_EQ(error_code(broken), "bad_request");
  EXPECT_EQ(env->count("complaints"), 30);
}

// -----------------------------------------------------------------------------
// [SECTION] Several hubs, kill -9
// -----------------------------------------------------------------------------

TEST_F(HubTest, TwoHubsReceivingTheSameItemsAtOnceStoreOneCopyEach) {
  // Each batch is held open before its commit, so the two copies meet in the database.
  HubProcess& a = env->start({"ODR_HUB_TEST_PAUSE_BEFORE_COMMIT_MS=300"});
  HubProcess& b = env->start({"ODR_HUB_TEST_PAUSE_BEFORE_COMMIT_MS=300"});
  const int rounds = 4, per = 25;
  for (int r = 0; r < rounds; ++r) {
    const auto batch = complaints("k1", r * per, per);
    auto fa = std::async(std::launch::async, [&] { return env->post_complaints(a, batch); });
    auto fb = std::async(std::launch::async, [&] { return env->post_complaints(b, batch); });
    Reply ra = fa.get(), rb = fb.get();
    ASSERT_EQ(ra.status, 200) << ra.body;
    ASSERT_EQ(rb.status, 200) << rb.body;
    const auto sa = statuses(ra), sb = statuses(rb);
    ASSERT_EQ(sa.size(), size_t(per));
    ASSERT_EQ(sb.size(), size_t(per));
    for (int i = 0; i < per; ++i) {
      // Exactly one of the two accepted it; the other answers duplicate.
      EXPECT_TRUE((sa[i] == "accepted" && sb[i] == "duplicate") || (sa[i] == "duplicate" && sb[i] == "accepted"))
          << "round " << r << " item " << i << ": " << sa[i] << " / " << sb[i];
    }
  }
  EXPECT_EQ(env->count("complaints"), rounds * per);
  EXPECT_EQ(env->sql("SELECT count(DISTINCT id) FROM complaints"), std::to_string(rounds * per));
}

// Waits until the database shows what the test waits for (bounded).
bool wait_for_sql(HubEnv& env, const std::string& query, const std::string& want, int timeout_ms = 20'000) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < end) {
    if (env.sql(query) == want) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

TEST_F(HubTest, KillNineMidBatchThenTheKiosksRetryStoresEachOnce) {
  const auto batch = complaints("k1", 0, 20);
  {
    // Killed inside the batch's transaction: nothing of it stays.
    HubProcess& hub = env->start({"ODR_HUB_TEST_PAUSE_BEFORE_COMMIT_MS=20000"});
    auto sent = std::async(std::launch::async, [&] { return env->post_complaints(hub, batch); });
    ASSERT_TRUE(wait_for_sql(*env,
                             "SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction' AND "
                             "datname = 'hub'",
                             "1"));
    env->kill9(hub);
    EXPECT_TRUE(sent.get().no_answer);
    ASSERT_TRUE(wait_for_sql(*env, "SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction'", "0"));
    EXPECT_EQ(env->count("complaints"), 0);
  }
  {
    // Killed after the commit, before the answer: the acknowledgement is lost.
    HubProcess& hub = env->start({"ODR_HUB_TEST_PAUSE_AFTER_STORE_MS=20000"});
    const auto first_half = std::vector<json>(batch.begin(), batch.begin() + 10);
    auto sent = std::async(std::launch::async, [&] { return env->post_complaints(hub, first_half); });
    ASSERT_TRUE(wait_for_sql(*env, "SELECT count(*) FROM complaints", "10"));
    env->kill9(hub);
    EXPECT_TRUE(sent.get().no_answer);
  }
  // The kiosk re-sends the whole batch to a hub that runs: each stored once.
  HubProcess& hub = env->start();
  Reply retry = env->post_complaints(hub, batch);
  ASSERT_EQ(retry.status, 200) << retry.body;
  std::vector<std::string> want = all(10, "duplicate");
  for (int i = 0; i < 10; ++i) want.push_back("accepted");
  EXPECT_EQ(statuses(retry), want);
  EXPECT_EQ(env->count("complaints"), 20);
}

// -----------------------------------------------------------------------------
// [SECTION] Personal data, events, heartbeats
// -----------------------------------------------------------------------------

// What the database holds of one complaint's consumer, as text.
std::string personal_in_db(HubEnv& env, const std::string& id) {
  return env.sql("SELECT coalesce(consumer_name, '-') || '|' || coalesce(consumer_phone, '-') || '|' || "
                 "coalesce(consumer_address, '-') || '|' || payload::text FROM complaints WHERE id = '" + id + "'");
}

TEST_F(HubTest, PersonalPolicyDecidesWhatTheDatabaseHolds) {
  int n = 0;
  for (const std::string policy : {"full", "masked", "none"}) {
    HubProcess& hub = env->start({}, env->write_config(policy));
    json c = complaint_json("k1", ++n);
    const std::string phone = c["consumer"]["phone"], name = c["consumer"]["name"],
                      address = c["consumer"]["address"], description = c["description"];
    ASSERT_EQ(statuses(env->post_complaints(hub, {c})), all(1, "accepted")) << policy;
    const std::string row = personal_in_db(*env, c["id"]);
    const std::string masked = odr::mask_phone(phone);
    const bool full = policy == "full";
    EXPECT_EQ(row.find(phone) != std::string::npos, full) << policy << ": " << row;
    EXPECT_EQ(row.find(name) != std::string::npos, full) << policy;
    EXPECT_EQ(row.find(address) != std::string::npos, full) << policy;
    EXPECT_EQ(row.find(description) != std::string::npos, full) << policy;
    EXPECT_EQ(row.find(masked) != std::string::npos, policy == "masked") << policy << ": " << row;
    EXPECT_EQ(env->sql("SELECT personal_policy FROM complaints WHERE id = '" + c["id"].get<std::string>() + "'"), policy);
    // What is not personal is kept whatever the policy.
    EXPECT_NE(row.find(c["respondent"]["name"].get<std::string>()), std::string::npos);
  }
  EXPECT_EQ(env->sql("SELECT consumer_phone FROM complaints WHERE personal_policy = 'masked'"),
            odr::mask_phone(complaint_json("k1", 2)["consumer"]["phone"]));
  EXPECT_EQ(env->sql("SELECT count(*) FROM complaints WHERE personal_policy = 'none' AND consumer_name IS NULL AND "
                     "consumer_phone IS NULL AND consumer_address IS NULL"),
            "1");
}

TEST_F(HubTest, PersonalFieldsAreBlankedAfterRetentionAndOldNoncesForgotten) {
  const std::string cfg = env->write_config("full", "retention_days = 5\n");
  HubProcess& first = env->start({}, cfg);
  json old_one = complaint_json("k1", 1), new_one = complaint_json("k1", 2);
  old_one["created_at"] = odr::format_rfc3339(odr::now_unix_s() - 10 * 86400);
  ASSERT_EQ(statuses(env->post_complaints(first, {old_one, new_one})), all(2, "accepted"));
  odr::test::stop_process(first.pid, 10'000);
  first.pid = -1;
  // A nonce from long ago, as a hub that ran then left it.
  env->sql("INSERT INTO nonces VALUES ('k1', '" + std::string(32, 'a') + "', now() - interval '2000 seconds')");
  // The maintenance runs when a hub starts (and once a minute).
  env->start({}, cfg);
  ASSERT_TRUE(wait_for_sql(*env, "SELECT count(*) FROM nonces WHERE seen_at < now() - interval '1000 seconds'", "0"));
  ASSERT_TRUE(wait_for_sql(*env, "SELECT personal_policy FROM complaints WHERE id = '" +
                                     old_one["id"].get<std::string>() + "'", "none"));
  const std::string old_row = personal_in_db(*env, old_one["id"]);
  EXPECT_EQ(old_row.find(old_one["consumer"]["phone"].get<std::string>()), std::string::npos) << old_row;
  EXPECT_EQ(old_row.find(old_one["description"].get<std::string>()), std::string::npos) << old_row;
  EXPECT_EQ(old_row.rfind("-|-|-|", 0), 0u) << old_row;
  // The one inside the retention period keeps what the policy allowed.
  EXPECT_NE(personal_in_db(*env, new_one["id"]).find(new_one["consumer"]["phone"].get<std::string>()), std::string::npos);
}

TEST_F(HubTest, EventsNeedTheirComplaintHereAndMoveItsStatus) {
  env->add_kiosk("k2", "S001", "east");
  HubProcess& hub = env->start();
  json c = complaint_json("k1", 1);
  ASSERT_EQ(statuses(env->post_complaints(hub, {c})), all(1, "accepted"));
  const std::string id = c["id"];
  const auto evs = std::vector<json>{event_json(id, "first_response"), event_json(id, "settled"),
                                     event_json(odr::uuid_v7(), "first_response")};
  Reply r = env->post_events(hub, evs);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(statuses(r), (std::vector<std::string>{"accepted", "accepted", "rejected"}));
  EXPECT_EQ(r.js()["results"][2]["error"]["code"], "unknown_complaint");
  EXPECT_EQ(r.js()["results"][2]["error"]["field"], "complaint_id");
  EXPECT_EQ(statuses(env->post_events(hub, evs)), (std::vector<std::string>{"duplicate", "duplicate", "rejected"}));
  // Another kiosk's event for k1's complaint: not a complaint of that kiosk.
  Reply other = env->post_events(hub, {event_json(id, "first_response")}, "k2");
  EXPECT_EQ(other.js()["results"][0]["error"]["code"], "unknown_complaint");
  EXPECT_EQ(env->count("events"), 2);
  EXPECT_EQ(env->sql("SELECT status FROM complaints WHERE id = '" + id + "'"), "settled");
}

TEST_F(HubTest, HeartbeatIsStoredAndTheLatestPerKioskIsReadable) {
  HubProcess& hub = env->start();
  odr::Heartbeat h;
  h.version = "odr-kiosk 0.1.0";
  h.outbox = {{"gateway", 3, 1}, {"hub", 0, 0}};
  h.last_gateway_success = odr::format_rfc3339(odr::now_unix_s() - 30);
  h.clock_offset_s = -2;
  h.disk_free_bytes = 123456789;
  h.printer = "paper_out";
  Reply r = env->post(hub, "/heartbeat", odr::to_json_text(h));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.js()["server_time"].is_number_integer());
  h.version = "odr-kiosk 0.1.1";
  h.printer = "ok";
  ASSERT_EQ(env->post(hub, "/heartbeat", odr::to_json_text(h)).status, 200);
  EXPECT_EQ(env->count("heartbeats"), 2);
  EXPECT_EQ(env->sql("SELECT h.version || '|' || h.printer || '|' || (h.outbox->0->>'pending') || '|' || h.disk_free_bytes "
                     "FROM kiosk_last_heartbeat l JOIN heartbeats h ON h.id = l.heartbeat_id WHERE l.kiosk_id = 'k1'"),
            "odr-kiosk 0.1.1|ok|3|123456789");
  std::string out;
  ASSERT_EQ(env->run_hub({"kiosk", "list", "--config", env->write_config()}, &out), 0) << out;
  EXPECT_EQ(out.find("never"), std::string::npos) << out;
  // A malformed heartbeat is a 400 and stores nothing; an unsigned one a 401.
  Reply bad = env->post(hub, "/heartbeat", R"({"version":"x","outbox":[{"destination":"gateway","pending":-1,"held":0}]})");
  EXPECT_EQ(bad.status, 400);
  Reply unsigned_one = env->post(hub, "/heartbeat", odr::to_json_text(h), "k1", 0, "", std::string(32, 'z'));
  EXPECT_EQ(error_code(unsigned_one), "bad_signature");
  EXPECT_EQ(env->count("heartbeats"), 2);
}

// Held items and their reasons are kept as sent; a list that breaks the
// rules is a 400 that says which rule, and nothing is stored.
TEST_F(HubTest, HeartbeatHeldItemsAreKeptAndMalformedOnesRefusedWithWhy) {
  HubProcess& hub = env->start();
  odr::Heartbeat h;
  h.version = "odr-kiosk 0.1.0";
  h.outbox = {{"gateway", 0, 3}};
  h.outbox[0].held_items = {{"complaint", "A01-261128-0042", "rejected", "rejected by the gateway: invalid_field 字段", "2026-11-28T10:02:00+08:00"},
                            {"event", "", "too_large", "larger than 1 MiB", ""}};
  ASSERT_EQ(env->post(hub, "/heartbeat", odr::to_json_text(h)).status, 200);
  EXPECT_EQ(env->sql("SELECT (h.outbox->0->'held_items'->0->>'ticket') || '|' || (h.outbox->0->'held_items'->0->>'message') || '|' ||"
                     " (h.outbox->0->'held_items'->1->>'code') FROM heartbeats h"),
            "A01-261128-0042|rejected by the gateway: invalid_field 字段|too_large");
  const std::string head = R"({"version":"v","outbox":[{"destination":"gateway","pending":0,"held":2,"held_items":)";
  const std::string ok_item = R"({"kind":"complaint","ticket":"A01-1","code":"rejected","message":"m"})";
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"{}", "held_items must be a list of at most 5"},
      {"[" + ok_item + "," + ok_item + "," + ok_item + "]", "no more than held"},
      {R"([{"kind":"letter","code":"rejected","message":"m"}])", "needs a kind"},
      {R"([{"kind":"event","code":"Bad Code","message":"m"}])", "needs a code"},
      {R"([{"kind":"complaint","ticket":"A01 1","code":"rejected","message":"m"}])", "ticket of 1 to 40"},
      {R"([{"kind":"event","code":"rejected","message":"a\u0007b"}])", "printable text"},
      {R"([{"kind":"event","code":"rejected","message":")" + std::string(301, 'x') + R"("}])", "at most 300"},
      {R"([{"kind":"event","code":"rejected"}])", "needs a message"},
      {R"([{"kind":"event","code":"rejected","message":"m","held_at":"noon"}])", "held_at must be an RFC 3339 time"},
      {"[7]", "must be an object"}};
  for (const auto& [items, why] : bad) {
    Reply r = env->post(hub, "/heartbeat", head + items + "}]}");
    EXPECT_EQ(r.status, 400) << items;
    EXPECT_EQ(error_code(r), "bad_request") << items;
    EXPECT_NE(r.js()["error"].value("message", "").find(why), std::string::npos) << items << " -> " << r.body;
  }
  EXPECT_EQ(env->count("heartbeats"), 1);
}

// -----------------------------------------------------------------------------
// [SECTION] Platform updates forwarded by kiosks
// -----------------------------------------------------------------------------

json update_json(const std::string& complaint_id, const std::string& status, const std::string& case_no, int64_t ago_s) {
  json u = {{"id", odr::uuid_v7()}, {"complaint_id", complaint_id}, {"at", odr::format_rfc3339(odr::now_unix_s() - ago_s)}};
  if (!status.empty()) u["status"] = status;
  if (!case_no.empty()) u["case_no"] = case_no;
  return u;
}

Reply post_updates(HubEnv& env, const HubProcess& h, const std::vector<json>& items, const std::string& kiosk = "k1") {
  return env.post(h, "/updates:batch", json{{"updates", items}}.dump(), kiosk);
}

std::string field_of(const Reply& r, size_t i) { return r.js()["results"][i]["error"].value("field", ""); }
std::string code_of(const Reply& r, size_t i) { return r.js()["results"][i]["error"].value("code", ""); }

class HubUpdatesTest : public HubTest {
 protected:
  std::string complaint_state(const std::string& id) {
    return env->sql("SELECT status || '|' || coalesce(case_no, '-') FROM complaints WHERE id = '" + id + "'");
  }
};

TEST_F(HubUpdatesTest, AcceptedOnceDuplicateOnResendUnknownComplaintRejected) {
  env->add_kiosk("k2", "S002", "west");
  HubProcess& hub = env->start();
  json c = complaint_json("k1", 1);
  ASSERT_EQ(statuses(env->post_complaints(hub, {c})), all(1, "accepted"));
  const std::string id = c["id"];
  json u1 = update_json(id, "accepted", "GZ12315-0001", 50);
  u1["note"] = "平台已受理";
  const std::vector<json> batch = {u1, update_json(id, "mediating", "", 20), update_json(odr::uuid_v7(), "accepted", "", 10)};
  Reply r = post_updates(*env, hub, batch);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(statuses(r), (std::vector<std::string>{"accepted", "accepted", "rejected"}));
  EXPECT_EQ(code_of(r, 2), "unknown_complaint");
  EXPECT_EQ(field_of(r, 2), "complaint_id");
  EXPECT_EQ(complaint_state(id), "mediating|GZ12315-0001");
  // The lost acknowledgement: the same ids again (even changed) are duplicates and change nothing.
  std::vector<json> again = batch;
  again[1]["status"] = "closed";
  EXPECT_EQ(statuses(post_updates(*env, hub, again)), (std::vector<std::string>{"duplicate", "duplicate", "rejected"}));
  EXPECT_EQ(complaint_state(id), "mediating|GZ12315-0001");
  // Another kiosk cannot move k1's complaint.
  Reply other = post_updates(*env, hub, {update_json(id, "settled", "", 5)}, "k2");
  EXPECT_EQ(code_of(other, 0), "unknown_complaint");
  EXPECT_EQ(env->count("platform_updates"), 2);
  EXPECT_EQ(env->sql("SELECT note FROM platform_updates WHERE id = '" + u1["id"].get<std::string>() + "'"), "平台已受理");
  EXPECT_EQ(complaint_state(id), "mediating|GZ12315-0001");
}

TEST_F(HubUpdatesTest, AnOlderUpdateArrivingLateIsKeptButDoesNotMoveTheComplaint) {
  HubProcess& hub = env->start();
  json c = complaint_json("k1", 1);
  ASSERT_EQ(statuses(env->post_complaints(hub, {c})), all(1, "accepted"));
  const std::string id = c["id"];
  ASSERT_EQ(statuses(post_updates(*env, hub, {update_json(id, "mediating", "CASE-2", 20)})), all(1, "accepted"));
  // Older than what the complaint holds: stored as history only.
  ASSERT_EQ(statuses(post_updates(*env, hub, {update_json(id, "accepted", "CASE-1", 40)})), all(1, "accepted"));
  EXPECT_EQ(complaint_state(id), "mediating|CASE-2");
  // In one batch out of order: the latest by `at` wins, whatever its place.
  Reply r = post_updates(*env, hub, {update_json(id, "settled", "", 5), update_json(id, "not_settled", "CASE-3", 10)});
  ASSERT_EQ(statuses(r), all(2, "accepted")) << r.body;
  EXPECT_EQ(complaint_state(id), "settled|CASE-3");
  EXPECT_EQ(env->sql("SELECT status_at = (SELECT max(at) FROM platform_updates WHERE status IS NOT NULL) FROM complaints"),
            "t");
  EXPECT_EQ(env->count("platform_updates"), 4);
}

TEST_F(HubUpdatesTest, BadFieldsAreRejectedNamingTheField) {
  HubProcess& hub = env->start();
  json c = complaint_json("k1", 1);
  ASSERT_EQ(statuses(env->post_complaints(hub, {c})), all(1, "accepted"));
  const std::string id = c["id"];
  std::vector<json> bad(8, update_json(id, "accepted", "", 10));
  for (auto& b : bad) b["id"] = odr::uuid_v7();
  bad[0]["status"] = "done";
  bad[1].erase("status");                         // neither status nor case_no
  bad[2]["case_no"] = "";
  bad[3]["case_no"] = std::string(65, '9');
  bad[4]["note"] = std::string(501, 'n');
  bad[5]["at"] = "yesterday";
  bad[6]["complaint_id"] = "not-a-uuid";
  bad[7]["status"] = 3;
  Reply r = post_updates(*env, hub, bad);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(statuses(r), all(8, "rejected"));
  const std::vector<std::string> fields = {"status", "status", "case_no", "case_no", "note", "at", "complaint_id", "status"};
  for (size_t i = 0; i < fields.size(); ++i) {
    EXPECT_EQ(code_of(r, i), "invalid_field") << i;
    EXPECT_EQ(field_of(r, i), fields[i]) << i << " " << r.js()["results"][i].dump();
  }
  EXPECT_EQ(env->count("platform_updates"), 0);
  // 500 characters of note (Chinese: characters, not bytes) and 64 of case_no are fine.
  json edge = update_json(id, "", std::string(64, '7'), 5);
  std::string note;
  for (int i = 0; i < 500; ++i) note += "字";
  edge["note"] = note;
  EXPECT_EQ(statuses(post_updates(*env, hub, {edge})), all(1, "accepted"));
  // More than 500 items: the request is refused as a batch too large.
  std::vector<json> many(501, update_json(id, "accepted", "", 5));
  Reply too_many = post_updates(*env, hub, many);
  EXPECT_EQ(too_many.status, 413);
  EXPECT_EQ(error_code(too_many), "too_many_items");
}

TEST_F(HubUpdatesTest, TwoHubsStoringTheSameUpdatesAtOnceKeepOneCopyAndTheLatestStatus) {
  HubProcess& a = env->start();
  HubProcess& b = env->start();
  const auto cs = complaints("k1", 0, 20);
  ASSERT_EQ(statuses(env->post_complaints(a, cs)), all(20, "accepted"));
  std::vector<json> ups;
  for (const auto& c : cs)
    for (int k = 0; k < 5; ++k) ups.push_back(update_json(c["id"], k == 2 ? "settled" : "mediating", "", 100 - 10 * k));
  // k == 2 is not the latest: the latest (k == 4) is mediating.
  auto fa = std::async(std::launch::async, [&] { return post_updates(*env, a, ups); });
  auto fb = std::async(std::launch::async, [&] { return post_updates(*env, b, ups); });
  const Reply ra = fa.get(), rb = fb.get();
  ASSERT_EQ(ra.status, 200) << ra.body;
  ASSERT_EQ(rb.status, 200) << rb.body;
  size_t accepted = 0;
  for (const Reply* r : {&ra, &rb})
    for (const auto& s : statuses(*r)) {
      EXPECT_TRUE(s == "accepted" || s == "duplicate") << s;
      accepted += s == "accepted";
    }
  EXPECT_EQ(accepted, ups.size());
  EXPECT_EQ(env->count("platform_updates"), 100);
  EXPECT_EQ(env->sql("SELECT count(*) FROM complaints WHERE status = 'mediating'"), "20");
}

// -----------------------------------------------------------------------------
// [SECTION] Migrations, commands, config
// -----------------------------------------------------------------------------

TEST_F(HubTest, MigrationsRunOnceWithTwoProcessesStartingAtOnce) {
  // A second database that nothing has touched yet.
  const std::string url = env->pg->create_database("fresh");
  env->url = url;
  const std::string cfg = env->write_config();
  std::string out1, out2;
  auto m1 = std::async(std::launch::async, [&] { return env->run_hub({"migrate", "--config", cfg}, &out1); });
  auto m2 = std::async(std::launch::async, [&] { return env->run_hub({"migrate", "--config", cfg}, &out2); });
  EXPECT_EQ(m1.get(), 0) << out1;
  EXPECT_EQ(m2.get(), 0) << out2;
  const auto applied = [](const std::string& s) { return s.find("migrated to version 1") != std::string::npos; };
  EXPECT_NE(applied(out1), applied(out2)) << out1 << "\n---\n" << out2;
  // Each version once, 1 to the newest, with no gap: neither process applied one twice.
  EXPECT_EQ(odr::test::psql(url, "SELECT count(*) = max(version) AND min(version) = 1 FROM schema_migrations"), "t");
  // serve on an up-to-date database migrates nothing.
  HubProcess& hub = env->start({}, cfg);
  odr::test::stop_process(hub.pid, 10'000);
  hub.pid = -1;
  EXPECT_EQ(odr::test::read_file(hub.log).find("migrated"), std::string::npos);
}

TEST_F(HubTest, KioskAddNeedsARegionForANewStoreAndAGoodKeyFile) {
  std::string out;
  const std::string cfg = env->write_config();
  const std::string key = env->dir + "/k1.key";
  EXPECT_EQ(env->run_hub({"kiosk", "add", "--config", cfg, "--kiosk", "k9", "--store", "NEW", "--key-file", key}, &out), 1);
  EXPECT_NE(out.find("store NEW is new: give its region with --region"), std::string::npos) << out;
  odr::test::write_file(env->dir + "/bad.key", "not base64\n");
  EXPECT_EQ(env->run_hub({"kiosk", "add", "--config", cfg, "--kiosk", "k9", "--store", "S001", "--key-file",
                          env->dir + "/bad.key"},
                         &out),
            2);
  EXPECT_EQ(env->count("kiosks"), 1);
}

TEST_F(HubTest, BadConfigGivesAClearMessage) {
  std::string out;
  const std::string bad = env->write_config("everything");
  EXPECT_EQ(env->run_hub({"serve", "--config", bad}, &out), 2);
  EXPECT_NE(out.find("data.personal must be \"full\", \"masked\" or \"none\""), std::string::npos) << out;
  odr::test::write_file(env->dir + "/nourl.toml", "[listen]\nport = 8600\n");
  EXPECT_EQ(env->run_hub({"migrate", "--config", env->dir + "/nourl.toml"}, &out), 2);
  EXPECT_NE(out.find("postgres.url is missing"), std::string::npos) << out;
  odr::test::write_file(env->dir + "/typo.toml", "[listen]\nport = \"eighty\"\n");
  EXPECT_EQ(env->run_hub({"migrate", "--config", env->dir + "/typo.toml"}, &out), 2);
  EXPECT_NE(out.find("listen.port must be a whole number"), std::string::npos) << out;
  EXPECT_EQ(env->run_hub({"serve", "--config", env->dir + "/absent.toml"}, &out), 2);
  EXPECT_NE(out.find("no such config file"), std::string::npos) << out;
}

TEST_F(HubTest, UnknownSectionsAndKeysAreRefusedByName) {
  std::string out;
  // A typo'd key in a known section: its line and the section's keys.
  EXPECT_EQ(env->run_hub({"serve", "--config", env->write_config("masked", "retention_dayz = 5\n")}, &out), 2);
  EXPECT_NE(out.find(":14: data.retention_dayz is not a key of [data] (keys: calendar_dir, deadline_working_days, "
                     "personal, retention_days)"),
            std::string::npos)
      << out;
  EXPECT_EQ(env->run_hub({"migrate", "--config", env->write_config("masked", "[dashbord]\nsilent_after_minutes = 5\n")},
                         &out),
            2);
  EXPECT_NE(out.find("[dashbord] is not a section of hub.toml"), std::string::npos) << out;
  // A key in the wrong section is as unknown as a typo.
  EXPECT_EQ(env->run_hub({"migrate", "--config", env->write_config("masked", "[dashboard]\npool = 5\n")}, &out), 2);
  EXPECT_NE(out.find("dashboard.pool is not a key of [dashboard]"), std::string::npos) << out;
  EXPECT_EQ(env->run_hub({"migrate", "--config", env->write_config("masked", "[dashboard]\nsilent_after_minutes = 0\n")},
                         &out),
            2);
  EXPECT_NE(out.find("dashboard.silent_after_minutes must be from 1 to"), std::string::npos) << out;
  // The shipped example holds only known keys, [dashboard] too.
  EXPECT_EQ(env->run_hub({"migrate", "--config", env->write_config("masked", "[dashboard]\nsilent_after_minutes = 45\n")},
                         &out),
            0)
      << out;
}

}  // namespace
