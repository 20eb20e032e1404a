// kiosk-sync as staff and the installer use it: a real process, a real
// store file, the real platform-sim over HTTPS. Includes the kill test:
// SIGKILL in the middle of a drain, again and again, and still every
// complaint exactly once on the gateway.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <random>

#include "sqlite/open.h"
#include "config/store_key.h"
#include "engine/sync_state.h"
#include "model/json.h"
#include "support/sync.h"

using namespace odr;
using namespace odr::test;

namespace {

class KioskSyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fresh_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    store_path = dir + "/kiosk.db";
    store = std::make_unique<Store>(store_path, store_options());
  }
  void start_sim(const std::vector<std::string>& extra = {}) {
    static std::string dev = dev_setup(fresh_dir("sync-cli-dev"));
    sim.start(dir + "/sim", extra, dev);
    config = write_kiosk_config(dir, sim, store_path);
  }
  // Runs kiosk-sync to its end; out gets stdout+stderr.
  int kiosk_sync(std::vector<std::string> args, std::string* out = nullptr) {
    std::string log = dir + "/kiosk-sync-" + std::to_string(++runs) + ".log";
    std::vector<std::string> argv = {bin_dir() + "/kiosk-sync", "--config", config, "--backoff-base-ms", "20",
                                     "--backoff-cap-ms", "200"};
    argv.insert(argv.end(), args.begin(), args.end());
    int rc = run_program(argv, log, 60000);
    if (out) *out = read_file(log);
    return rc;
  }

  std::string dir, store_path, config;
  std::unique_ptr<Store> store;
  Sim sim;
  int runs = 0;
};

std::string complaint_line(int i, const std::string& patch_field = "", const std::string& patch_value = "") {
  nlohmann::json j;
  to_json(j, valid_complaint(i));
  j.erase("id");
  j.erase("ticket");
  j.erase("kiosk_id");
  j.erase("created_at");
  if (!patch_field.empty()) {
    size_t dot = patch_field.find('.');
    nlohmann::json v = nlohmann::json::parse(patch_value);
    if (dot == std::string::npos) j[patch_field] = v;
    else j[patch_field.substr(0, dot)][patch_field.substr(dot + 1)] = v;
  }
  return j.dump();
}

TEST_F(KioskSyncTest, ImportReportsBadLinesAndFilesTheGoodOnesOnce) {
  start_sim();
  std::string file = dir + "/paper.jsonl";
  write_file(file, complaint_line(1) + "\n" +                              // 1 good
                       complaint_line(2) + "\r\n" +                        // 2 good (CRLF)
                       "{\"consumer\": \n" +                               // 3 not JSON
                       complaint_line(3, "purchase.amount_fen", "\"12\"") + "\n" +  // 4 wrong type
                       complaint_line(4, "consumer.phone", "\"12345\"") + "\n" +    // 5 broken rule
                       complaint_line(5, "id", "\"0193a0b4-0000-7000-8000-000000000000\"") + "\n" +  // 6 has an id
                       "\n" +                                              // 7 blank: skipped
                       complaint_line(6) + "\n");                          // 8 good
  std::string out;
  EXPECT_EQ(kiosk_sync({"import", file}, &out), 1) << out;
  EXPECT_NE(out.find("line 1: A01-"), std::string::npos) << out;
  EXPECT_NE(out.find("line 2: A01-"), std::string::npos) << out;
  EXPECT_NE(out.find("line 3: not valid JSON"), std::string::npos) << out;
  EXPECT_NE(out.find("line 4: purchase.amount_fen: must be an integer"), std::string::npos) << out;
  EXPECT_NE(out.find("line 5: consumer.phone: bad_phone"), std::string::npos) << out;
  EXPECT_NE(out.find("line 6: id: must be absent"), std::string::npos) << out;
  EXPECT_NE(out.find("line 8: A01-"), std::string::npos) << out;
  EXPECT_NE(out.find("imported 3, already imported 0, failed 4"), std::string::npos) << out;
  EXPECT_EQ(out.find("13910000004"), std::string::npos) << "no phone numbers in the report";
  EXPECT_EQ(store->outbox_counts().pending, 3);
  for (const OutboxItem& it : store->outbox_items(OutboxState::pending)) {
    std::optional<Complaint> c = store->complaint(it.ref_id);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->channel, "staff_assisted");
    EXPECT_EQ(c->kiosk_id, "kiosk-dev");
  }
  // The same file again (a re-run after a crash): nothing filed twice.
  EXPECT_EQ(kiosk_sync({"import", file}, &out), 1);
  EXPECT_NE(out.find("already imported 3"), std::string::npos) << out;
  EXPECT_EQ(store->outbox_counts().pending, 3);

  // Then they go out like any other complaint.
  EXPECT_EQ(kiosk_sync({"once"}, &out), 0) << out;
  EXPECT_EQ(sim.complaints().size(), 3u);
  EXPECT_EQ(store->outbox_counts().delivered, 3);
}

TEST_F(KioskSyncTest, OnceStatusAndRetryHeld) {
  start_sim();
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(store->submit_complaint(valid_complaint(i)).id);
  // The gateway will disagree with the kiosk about one complaint.
  std::string bad = "UPDATE complaints SET json = json_set(json, '$.consumer.phone', '12345') WHERE id = '" + ids[2] + "'";
  ASSERT_EQ(sqlite3_exec(store->handle(), bad.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);

  std::string out;
  EXPECT_EQ(kiosk_sync({"once"}, &out), 1) << "something is held: " << out;
  EXPECT_EQ(store->outbox_counts().delivered, 3);
  EXPECT_EQ(store->outbox_counts().held, 1);

  EXPECT_EQ(kiosk_sync({"status"}, &out), 0) << out;
  EXPECT_NE(out.find("reachable      yes"), std::string::npos) << out;
  EXPECT_NE(out.find("pending        0"), std::string::npos) << out;
  EXPECT_NE(out.find("held           1"), std::string::npos) << out;
  EXPECT_NE(out.find("delivered      3"), std::string::npos) << out;
  EXPECT_NE(out.find("clock offset   +0 s"), std::string::npos) << out;
  EXPECT_NE(out.find("ALERT held"), std::string::npos) << out;
  EXPECT_NE(out.find("invalid_field consumer.phone"), std::string::npos) << out;
  EXPECT_EQ(out.find("last success   never"), std::string::npos) << out;

  // Staff fixed the record (here: by hand); retry-held sends it again.
  std::string fix = "UPDATE complaints SET json = json_set(json, '$.consumer.phone', '13900000002') WHERE id = '" + ids[2] + "'";
  ASSERT_EQ(sqlite3_exec(store->handle(), fix.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_EQ(kiosk_sync({"retry-held"}, &out), 0) << out;
  EXPECT_NE(out.find("1 held item(s) back in the queue"), std::string::npos) << out;
  {
    // One audit record for the retry, naming who did it.
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(store->handle(), "SELECT actor, action, detail FROM audit WHERE action LIKE '%retry%'", -1, &st, nullptr);
    std::vector<std::string> records;
    while (sqlite3_step(st) == SQLITE_ROW)
      records.push_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))) + " " +
                        reinterpret_cast<const char*>(sqlite3_column_text(st, 1)) + " " +
                        reinterpret_cast<const char*>(sqlite3_column_text(st, 2)));
    sqlite3_finalize(st);
    ASSERT_EQ(records.size(), 1u) << "the retry is logged once";
    EXPECT_EQ(records[0], "kiosk-sync outbox.retry_held count=1");
  }
  EXPECT_EQ(kiosk_sync({"once"}, &out), 0) << out;
  EXPECT_EQ(store->outbox_counts().delivered, 4);
  EXPECT_EQ(sim.complaints().size(), 4u);
  EXPECT_EQ(kiosk_sync({"status"}, &out), 0);
  EXPECT_EQ(out.find("ALERT"), std::string::npos) << out;
}

// With [hub]: status prints each destination on its own (the hub down here,
// the gateway fine), and retry-held takes --destination.
TEST_F(KioskSyncTest, StatusAndRetryHeldPerDestination) {
  start_sim();
  write_file(config, read_file(config) + "\n[hub]\nbase_url = \"https://127.0.0.1:1/odr/v1\"\n");
  StoreOptions both = store_options();
  both.destinations = {kGatewayDestination, kHubDestination};
  store = std::make_unique<Store>(store_path, both);
  store->submit_complaint(valid_complaint(1));
  store->submit_complaint(valid_complaint(2));
  std::string out;
  EXPECT_EQ(kiosk_sync({"once"}, &out), 1) << "the hub is down: " << out;
  EXPECT_NE(out.find("gateway: delivered 2 complaint(s)"), std::string::npos) << out;
  EXPECT_NE(out.find("hub: delivered 0 complaint(s)"), std::string::npos) << out;
  // One of the hub's (waiting out the hub's backoff) rejected there.
  store->mark_held(store->outbox_items(OutboxState::pending, 1, kHubDestination).at(0).seq,
                   "rejected by the hub: invalid_field");

  EXPECT_EQ(kiosk_sync({"status"}, &out), 0) << out;
  size_t hub_at = out.find("hub            https://127.0.0.1:1/odr/v1");
  ASSERT_NE(hub_at, std::string::npos) << out;
  const std::string gateway_part = out.substr(0, hub_at), hub_part = out.substr(hub_at);
  EXPECT_NE(gateway_part.find("reachable      yes"), std::string::npos) << out;
  EXPECT_NE(gateway_part.find("delivered      2"), std::string::npos) << out;
  EXPECT_NE(gateway_part.find("held           0"), std::string::npos) << out;
  EXPECT_NE(gateway_part.find("last error     none"), std::string::npos) << out;
  EXPECT_NE(hub_part.find("reachable      no"), std::string::npos) << out;
  EXPECT_NE(hub_part.find("held           1"), std::string::npos) << out;
  EXPECT_EQ(hub_part.find("last error     none"), std::string::npos) << out;
  EXPECT_NE(hub_part.find("rejected by the hub"), std::string::npos) << out;

  EXPECT_EQ(kiosk_sync({"retry-held", "--destination", "elsewhere"}, &out), 2) << out;
  EXPECT_EQ(kiosk_sync({"retry-held", "--destination", "gateway"}, &out), 0) << out;
  EXPECT_NE(out.find("0 held item(s) back in the queue"), std::string::npos) << out;
  EXPECT_EQ(kiosk_sync({"retry-held", "--destination", "hub"}, &out), 0) << out;
  EXPECT_NE(out.find("1 held item(s) back in the queue"), std::string::npos) << out;
  EXPECT_EQ(store->outbox_counts(kHubDestination).held, 0);
}

TEST_F(KioskSyncTest, PurgeByHandBlanksOnlyDeliveredComplaintsOlderThanTheRetention) {
  start_sim();
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(store->submit_complaint(valid_complaint(i)).id);
  std::string out;
  ASSERT_EQ(kiosk_sync({"once"}, &out), 0) << out;
  ids.push_back(store->submit_complaint(valid_complaint(3)).id);  // not delivered
  // Filed 1,100 days ago (the default retention is 1,095): all but ids[2].
  for (int i : {0, 1, 3}) {
    std::string sql = "UPDATE complaints SET created_ms = created_ms - 1100 * 86400000, stored_ms = stored_ms - 1100 * 86400000 WHERE id = '" + ids[i] + "'";
    ASSERT_EQ(sqlite3_exec(store->handle(), sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  }
  EXPECT_EQ(kiosk_sync({"purge"}, &out), 0) << out;
  EXPECT_NE(out.find("purged personal data of 2 complaint(s)"), std::string::npos) << out;
  EXPECT_NE(out.find("retention 1095 days"), std::string::npos) << out;
  auto phone = [&](int i) { return store->complaint(ids[i])->consumer.phone; };
  EXPECT_EQ(phone(0), "");
  EXPECT_EQ(phone(1), "");
  EXPECT_EQ(store->complaint(ids[1])->consumer.address, "");
  EXPECT_EQ(phone(2), valid_complaint(2).consumer.phone) << "recent";
  EXPECT_EQ(phone(3), valid_complaint(3).consumer.phone) << "not delivered";
  EXPECT_EQ(kiosk_sync({"purge"}, &out), 0) << out;
  EXPECT_NE(out.find("purged personal data of 0 complaint(s)"), std::string::npos) << "once only: " << out;
  EXPECT_TRUE(store->verify_audit().ok);
}

// The installed kiosk's way: a store key beside the config. The plain store
// found there is encrypted at the next open, delivery goes on, and a key that
// is not the store's is refused clearly.
TEST_F(KioskSyncTest, AStoreKeyBesideTheConfigEncryptsTheStoreAndDeliveryGoesOn) {
  start_sim();
  for (int i = 0; i < 2; ++i) store->submit_complaint(valid_complaint(i));
  store.reset();
  std::string out;
  ASSERT_EQ(kiosk_sync({"make-store-key", dir + "/store.key"}, &out), 0) << out;
  EXPECT_EQ(std::filesystem::status(dir + "/store.key").permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const std::string key_text = read_file(dir + "/store.key");
  EXPECT_EQ(kiosk_sync({"make-store-key", dir + "/store.key"}, &out), 2) << out;
  EXPECT_NE(out.find("never replaced"), std::string::npos) << out;
  EXPECT_EQ(read_file(dir + "/store.key"), key_text);

  ASSERT_EQ(kiosk_sync({"once"}, &out), 0) << out;
  EXPECT_EQ(sim.complaints().size(), 2u);
  EXPECT_FALSE(is_plain_database(store_path));
  std::string files = read_file(store_path) + read_file(store_path + "-wal");
  EXPECT_EQ(files.find(valid_complaint(0).consumer.phone), std::string::npos) << "a phone number in the store file";

  KioskConfig c = load_config(config);
  StoreOptions o = store_options();
  o.key = load_store_key(c).bytes;
  ASSERT_EQ(o.key.size(), 32u);
  { EXPECT_EQ(Store(store_path, o).outbox_counts().delivered, 2); }

  std::filesystem::remove(dir + "/store.key");
  ASSERT_EQ(kiosk_sync({"make-store-key", dir + "/store.key"}, &out), 0) << out;  // someone else's key
  EXPECT_EQ(kiosk_sync({"status"}, &out), 2);
  EXPECT_NE(out.find("the key does not open"), std::string::npos) << out;
  { EXPECT_EQ(Store(store_path, o).outbox_counts().delivered, 2) << "left as it was"; }
}

// The installer's one command: the kiosk id, gateway and key into the config,
// the key checked before anything changes.
TEST_F(KioskSyncTest, ProvisionSetsIdGatewayAndKeyAndABadKeyChangesNothing) {
  start_sim();
  const std::string key_in = sim.dev + "/kiosk.key";
  const std::string before = read_file(config);
  auto provision = [&](const std::string& id, const std::string& url, const std::string& stdin_file) {
    const std::string cmd = bin_dir() + "/kiosk-sync --config '" + config + "' provision --kiosk-id " + id +
                            " --gateway '" + url + "' < '" + stdin_file + "'";
    return run_program({"/bin/sh", "-c", cmd}, dir + "/provision.log");
  };
  write_file(dir + "/not-a-key", "not a key\n");
  EXPECT_EQ(provision("kiosk-7", sim.base_url(), dir + "/not-a-key"), 2);
  EXPECT_NE(read_file(dir + "/provision.log").find("the key on standard input"), std::string::npos)
      << read_file(dir + "/provision.log");
  EXPECT_EQ(read_file(config), before) << "a bad key changes nothing";
  EXPECT_EQ(provision("bad id!", sim.base_url(), key_in), 2);
  EXPECT_EQ(read_file(config), before);

  ASSERT_EQ(provision("kiosk-dev", sim.base_url(), key_in), 0) << read_file(dir + "/provision.log");
  KioskConfig c = load_config(config);
  EXPECT_EQ(c.kiosk_id, "kiosk-dev");
  EXPECT_EQ(c.gateway.base_url, sim.base_url());
  ASSERT_FALSE(c.gateway.key_file.empty());
  const auto mode = std::filesystem::status(c.gateway.key_file).permissions() & std::filesystem::perms::all;
  using P = std::filesystem::perms;
  EXPECT_TRUE(mode == (P::owner_read | P::owner_write) || mode == (P::owner_read | P::owner_write | P::group_read))
      << "the key is the caller's (0600), or root's and the service group's (0640, where odr-kiosk exists)";
  std::string out;
  EXPECT_EQ(kiosk_sync({"status"}, &out), 0) << out;
  EXPECT_NE(out.find("reachable"), std::string::npos) << out;
}

TEST_F(KioskSyncTest, OnceFailsWhenTheGatewayIsDownAndStatusSaysSo) {
  start_sim();
  store->submit_complaint(valid_complaint(1));
  sim.stop();
  std::string out;
  EXPECT_EQ(kiosk_sync({"once"}, &out), 1) << out;
  EXPECT_EQ(kiosk_sync({"status"}, &out), 0) << out;
  EXPECT_NE(out.find("reachable      no"), std::string::npos) << out;
  EXPECT_NE(out.find("pending        1"), std::string::npos) << out;
  EXPECT_NE(out.find("connect"), std::string::npos) << out;
}

// issue 9 "on the wire" 3: libcurl writes every TLS session's secrets to
// the file SSLKEYLOGFILE names. A kiosk must never do that.
TEST_F(KioskSyncTest, SslKeyLogFileInTheEnvironmentWritesNoSecrets) {
  start_sim();
  store->submit_complaint(valid_complaint(1));
  const std::string keylog = dir + "/tls-secrets.log";
  ::setenv("SSLKEYLOGFILE", keylog.c_str(), 1);
  std::string out;
  int rc = kiosk_sync({"once"}, &out);
  ::unsetenv("SSLKEYLOGFILE");
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(store->outbox_counts().delivered, 1) << "it did talk TLS to the gateway";
  EXPECT_FALSE(std::filesystem::exists(keylog)) << "TLS secrets written: " << read_file(keylog).substr(0, 80);
}

TEST_F(KioskSyncTest, BadConfigAndBadKeyAreClearErrors) {
  start_sim();
  std::string out;
  write_file(dir + "/broken.toml", "[gateway\n");
  EXPECT_EQ(run_program({bin_dir() + "/kiosk-sync", "--config", dir + "/broken.toml", "once"}, dir + "/b.log"), 2);
  write_file(dir + "/bad.key", "not base64 at all!");
  std::string text = read_file(config);
  text.replace(text.find(sim.dev + "/kiosk.key"), (sim.dev + "/kiosk.key").size(), dir + "/bad.key");
  write_file(config, text);
  EXPECT_EQ(kiosk_sync({"once"}, &out), 2);
  EXPECT_NE(out.find("key"), std::string::npos) << out;
  EXPECT_EQ(out.find("not base64 at all"), std::string::npos) << "the key's content is never printed";
  EXPECT_EQ(kiosk_sync({"frobnicate"}, &out), 2);
}

TEST_F(KioskSyncTest, ProxyVariablesInTheEnvironmentAreIgnored) {
  start_sim();
  store->submit_complaint(valid_complaint(1));
  // Nothing listens on port 9: a kiosk that followed these would fail.
  for (const char* v : {"https_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"}) setenv(v, "http://127.0.0.1:9", 1);
  std::string out;
  int rc = kiosk_sync({"once"}, &out);
  for (const char* v : {"https_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"}) unsetenv(v);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(store->outbox_counts().delivered, 1);
}

TEST_F(KioskSyncTest, RunStopsPromptlyOnSigterm) {
  start_sim({"--latency-ms", "200"});
  for (int i = 0; i < 3; ++i) store->submit_complaint(valid_complaint(i));
  std::string log = dir + "/run.log";
  pid_t pid = spawn({bin_dir() + "/kiosk-sync", "--config", config, "run"}, log);
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (store->outbox_counts().delivered < 3 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(store->outbox_counts().delivered, 3);
  auto t0 = std::chrono::steady_clock::now();
  kill(pid, SIGTERM);
  int st = wait_exit(pid, 3000);
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_NE(st, -1) << "kiosk-sync run did not stop on SIGTERM";
  EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  EXPECT_LT(took, 2.5);
  std::string text = read_file(log);
  EXPECT_NE(text.find(" sync deliver ok items=3"), std::string::npos) << text;
  EXPECT_NE(text.find(" sync stop"), std::string::npos) << text;
}

TEST_F(KioskSyncTest, KilledAtRandomDuringADrainStillExactlyOnce) {
  // A slow gateway with a small batch limit: a drain takes many requests.
  start_sim({"--latency-ms", "15", "--max-batch", "8"});
  const int n = 240;
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) ids.push_back(store->submit_complaint(valid_complaint(i)).id);
  for (int i = 0; i < n; i += 3) store->record_event(staff_event(ids[i], "first_response"), "staff-001");
  const int64_t events = (n + 2) / 3;

  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> pause_ms(20, 300);
  int kills = 0;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (std::chrono::steady_clock::now() < until) {
    OutboxCounts c = store->outbox_counts();
    if (c.pending == 0 && c.in_flight == 0) break;
    pid_t pid = spawn({bin_dir() + "/kiosk-sync", "--config", config, "--lease-ms", "300", "--backoff-base-ms", "20",
                       "--backoff-cap-ms", "200", "run"},
                      dir + "/kill-run.log");
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(rng)));
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    ++kills;
  }
  OutboxCounts c = store->outbox_counts();
  EXPECT_EQ(c.pending + c.in_flight + c.held, 0) << "drained within the time bound after " << kills << " kills";
  EXPECT_EQ(c.delivered, n + events);
  EXPECT_GE(kills, 3) << "the drain must have been cut several times";
  std::map<std::string, std::string> on_gateway = sim.complaints();
  EXPECT_EQ(on_gateway.size(), size_t(n)) << "each complaint exactly once on the gateway";
  EXPECT_EQ(sim.stats()["events"].get<int64_t>(), events);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(store->handle(), "SELECT id, case_no FROM complaints", -1, &s, nullptr);
  int matched = 0;
  while (sqlite3_step(s) == SQLITE_ROW) {
    std::string id = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    std::string case_no = reinterpret_cast<const char*>(sqlite3_column_text(s, 1));
    EXPECT_EQ(case_no, on_gateway[id]) << id;
    matched += case_no == on_gateway[id];
  }
  sqlite3_finalize(s);
  EXPECT_EQ(matched, n);
  std::printf("kill test: %d kills, %lld complaint batches answered 200\n", kills,
              (long long)sim.count("/complaints:batch", "200"));
}

}  // namespace
