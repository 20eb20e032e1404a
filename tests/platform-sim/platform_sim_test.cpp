// platform-sim as a client sees it: the real binary on 127.0.0.1 (--port 0),
// real TLS with the CA that `platform-sim dev-setup` made, libcurl requests
// signed with the shared protocol library. Every rule of odr-sync-v1.md and
// every fault flag, each checked from the outside.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "model/validate.h"
#include "protocol/messages.h"
#include "protocol/signing.h"
#include "support/process.h"
#include "support/sim.h"
#include "support/temp.h"
#include "util/crypto.h"
#include "util/time.h"
#include "util/uuid.h"

using nlohmann::json;
using odr::test::SimProcess;

namespace {

struct Reply {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lowercase names
  double seconds = 0;
  std::string header(const std::string& n) const {
    auto it = headers.find(n);
    return it == headers.end() ? "" : it->second;
  }
  json js() const { return json::parse(body, nullptr, false); }
  std::string error_code() const {
    auto e = odr::parse_error_body(body);
    return e ? e->code : "<no error object>";
  }
};

size_t on_body(char* p, size_t s, size_t n, void* ud) {
  static_cast<std::string*>(ud)->append(p, s * n);
  return s * n;
}

size_t on_header(char* p, size_t s, size_t n, void* ud) {
  std::string line(p, s * n);
  size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.pop_back();
    (*static_cast<std::map<std::string, std::string>*>(ud))[name] = value;
  }
  return s * n;
}

struct Tls {
  std::string ca;
  std::string pin;
  std::string client_cert, client_key;
};

Reply http(const std::string& method, const std::string& url, const std::string& body,
           const std::vector<std::string>& headers, const Tls& tls, bool accept_gzip = false) {
  Reply r;
  CURL* c = curl_easy_init();
  curl_slist* hl = nullptr;
  for (const auto& h : headers) hl = curl_slist_append(hl, h.c_str());
  hl = curl_slist_append(hl, "Expect:");
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_CAINFO, tls.ca.c_str());
  if (!tls.pin.empty()) curl_easy_setopt(c, CURLOPT_PINNEDPUBLICKEY, tls.pin.c_str());
  if (!tls.client_cert.empty()) {
    curl_easy_setopt(c, CURLOPT_SSLCERT, tls.client_cert.c_str());
    curl_easy_setopt(c, CURLOPT_SSLKEY, tls.client_key.c_str());
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.headers);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (accept_gzip) curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "gzip");
  if (method == "POST") {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  } else if (method != "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  r.code = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &r.seconds);
  curl_slist_free_all(hl);
  curl_easy_cleanup(c);
  return r;
}

// A valid GB 32100 code: the first 17 characters and the matching check character.
std::string credit_code() {
  const std::string alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  for (char ch : alphabet) {
    std::string code = std::string("91320105MA1W8K3L0") + ch;
    if (odr::is_valid_credit_code(code)) return code;
  }
  return "";
}

json complaint(const std::string& kiosk, const std::string& ticket, const std::string& id = odr::uuid_v7()) {
  int64_t now = odr::now_unix_s();
  return json{{"id", id},
              {"ticket", ticket},
              {"kiosk_id", kiosk},
              {"channel", "self_service"},
              {"created_at", odr::format_rfc3339(now - 60)},
              {"locale", "zh-CN"},
              {"respondent",
               {{"name", "星光百货三楼某服饰店"},
                {"credit_code", credit_code()},
                {"address", "南京市秦淮区中山南路 1 号"},
                {"region_code", "320104"},
                {"booth", "3F-12"}}},
              {"consumer", {{"name", "张三丰"}, {"phone", "13812345678"}, {"address", "南京市玄武区北京东路 1 号"}}},
              {"category", {{"kind", "goods"}, {"code", "clothing"}, {"problems", {"product_quality"}}}},
              {"purchase", {{"item", "羊毛大衣"}, {"date", odr::local_date(now - 3 * 86400)}, {"amount_fen", 129900}}},
              {"description", "大衣穿了一次就起球，商家拒绝退换，要求退货。"},
              {"demand", {{"types", {"refund"}}, {"amount_fen", 129900}}},
              {"consent",
               {{"notice_version", "2026-11"},
                {"accepted_at", odr::format_rfc3339(now - 120)},
                {"transfer_to_platform", true}}}};
}

json event(const std::string& complaint_id, const std::string& type = "first_response") {
  json e = {{"id", odr::uuid_v7()}, {"complaint_id", complaint_id}, {"type", type},
            {"at", odr::format_rfc3339(odr::now_unix_s() - 10)}};
  if (type != "satisfaction" && type != "withdrawn") {
    e["method"] = "on_site";
    e["staff_id"] = "staff-007";
  }
  if (type == "first_response") e["data"] = {{"note", "已联系商家"}};
  if (type == "settled") e["data"] = {{"outcomes", {"refund"}}, {"amount_fen", 129900}};
  if (type == "satisfaction") e["data"] = {{"score", 5}};
  if (type == "withdrawn") e["data"] = {{"reason", "已自行解决"}};
  return e;
}

// A test's own simulator credentials: dev-setup in a fresh folder.
class SimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = odr::test::fresh_dir(std::string("sim-") + info->name());
    odr::test::dev_setup(dir_);
    kiosk_ = odr::test::trim(odr::test::read_file(dir_ + "/kiosk.id"));
    key_ = odr::load_key_file(dir_ + "/kiosk.key");
    tls_.ca = dir_ + "/ca.pem";
  }
  void TearDown() override { odr::wipe(key_); }

  void start(std::vector<std::string> extra = {}) {
    extra.push_back("--accept-after-ms");
    extra.push_back(accept_after_);
    sim_ = std::make_unique<SimProcess>(dir_, extra);
  }

  // A request signed as the kiosk would, at the kiosk's clock + offset_s.
  Reply signed_call(const std::string& method, const std::string& target, const std::string& body,
                    int64_t offset_s = 0, std::vector<std::string> extra = {}, const std::string& kiosk = "",
                    const std::string& key = "", const std::string& nonce = "") {
    std::string k = kiosk.empty() ? kiosk_ : kiosk;
    const std::string& kk = key.empty() ? key_ : key;
    int64_t t = odr::now_unix_s() + offset_s;
    odr::SignedHeaders h = nonce.empty() ? odr::sign_request(k, kk, method, target, body, t)
                                         : odr::sign_request_with_nonce(k, kk, method, target, body, t, nonce);
    for (const auto& [n, v] : h.list()) extra.push_back(n + ": " + v);
    if (method == "POST" && !has_content_type(extra)) extra.push_back("Content-Type: application/json");
    return http(method, sim_->origin() + target, body, extra, tls_);
  }
  Reply post_complaints(const std::vector<json>& items, const std::string& kiosk = "", const std::string& key = "") {
    json body = {{"complaints", items}};
    return signed_call("POST", "/odr/v1/complaints:batch", body.dump(), 0, {}, kiosk, key);
  }
  Reply post_events(const std::vector<json>& items) {
    json body = {{"events", items}};
    return signed_call("POST", "/odr/v1/events:batch", body.dump());
  }
  Reply get_updates(const std::string& cursor, int limit) {
    return signed_call("GET", odr::updates_target("/odr/v1", cursor, limit), "");
  }
  json stats() {
    Reply r = http("GET", sim_->base_url() + "/_sim/stats?recent=2000", "", {}, tls_);
    EXPECT_EQ(r.status, 200);
    return r.js();
  }
  void set_faults(const json& f) {
    Reply r = http("POST", sim_->base_url() + "/_sim/faults", f.dump(), {"Content-Type: application/json"}, tls_);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  static bool has_content_type(const std::vector<std::string>& h) {
    for (const auto& x : h)
      if (x.rfind("Content-Type:", 0) == 0) return true;
    return false;
  }

  std::string dir_, kiosk_, key_;
  std::string accept_after_ = "-1";  // complaints stay "received" unless a test wants them to move
  Tls tls_;
  std::unique_ptr<SimProcess> sim_;
};

std::string ticket(int n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "A01-261128-%04d", n);
  return buf;
}

// --- Basics -----------------------------------------------------------------------

TEST_F(SimTest, HealthNeedsNoSignatureAndTellsTheServersClock) {
  start();
  Reply r = http("GET", sim_->base_url() + "/health", "", {}, tls_);
  ASSERT_EQ(r.code, CURLE_OK) << curl_easy_strerror(r.code);
  ASSERT_EQ(r.status, 200);
  odr::HealthAnswer h;
  std::string why;
  ASSERT_TRUE(odr::parse_health_answer(r.body, h, why)) << why;
  EXPECT_NEAR(static_cast<double>(h.server_time), static_cast<double>(odr::now_unix_s()), 5);
  EXPECT_FALSE(h.version.empty());
  auto date = odr::parse_http_date(r.header("date"));
  ASSERT_TRUE(date) << r.header("date");
  EXPECT_NEAR(static_cast<double>(*date), static_cast<double>(odr::now_unix_s()), 5);
  // Also through the name the certificate holds.
  Reply byname = http("GET", sim_->base_url("localhost") + "/health", "", {}, tls_);
  EXPECT_EQ(byname.status, 200) << curl_easy_strerror(byname.code);
  // SIGTERM stops it cleanly (under ASan this also means: no leaks).
  EXPECT_EQ(sim_->stop(), 0) << sim_->log();
  EXPECT_NE(sim_->log().find("platform-sim: stopped"), std::string::npos);
}

TEST_F(SimTest, UnknownPathsAndMethodsGiveJsonErrors) {
  start();
  Reply r = http("GET", sim_->origin() + "/odr/v2/updates", "", {}, tls_);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.error_code(), "not_found");
  Reply m = signed_call("GET", "/odr/v1/complaints:batch", "");
  EXPECT_EQ(m.status, 404);
  EXPECT_EQ(m.error_code(), "not_found");
  Reply d = http("DELETE", sim_->base_url() + "/updates", "", {}, tls_);
  EXPECT_GE(d.status, 400);
  EXPECT_TRUE(odr::parse_error_body(d.body)) << d.body;
}

TEST_F(SimTest, BasePathIsConfigurable) {
  start({"--base-path", "/gw/odr/v1/"});
  EXPECT_EQ(http("GET", sim_->origin() + "/gw/odr/v1/health", "", {}, tls_).status, 200);
  EXPECT_EQ(http("GET", sim_->origin() + "/odr/v1/health", "", {}, tls_).status, 404);
  Reply r = signed_call("GET", odr::updates_target("/gw/odr/v1", "", 10), "");
  EXPECT_EQ(r.status, 200) << r.body;
}

// --- Signatures -----------------------------------------------------------------------

TEST_F(SimTest, EachSignatureFailureHasItsCode) {
  start();
  std::string body = json{{"complaints", json::array()}}.dump();
  const std::string path = "/odr/v1/complaints:batch";
  EXPECT_EQ(signed_call("POST", path, body).status, 200);

  // A key that is not the kiosk's.
  std::string wrong(32, 'k');
  Reply bad = signed_call("POST", path, body, 0, {}, "", wrong);
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(bad.error_code(), "bad_signature");

  // A kiosk the platform does not know.
  Reply unknown = signed_call("POST", path, body, 0, {}, "kiosk-nobody");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(unknown.error_code(), "unknown_kiosk");

  // No headers at all.
  Reply none = http("POST", sim_->origin() + path, body, {"Content-Type: application/json"}, tls_);
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.error_code(), "unknown_kiosk");

  // Signed one body, sent another.
  auto h = odr::sign_request(kiosk_, key_, "POST", path, body, odr::now_unix_s());
  std::vector<std::string> hdrs = {"Content-Type: application/json"};
  for (const auto& [n, v] : h.list()) hdrs.push_back(n + ": " + v);
  Reply tampered = http("POST", sim_->origin() + path, json{{"complaints", {complaint(kiosk_, ticket(1))}}}.dump(),
                        hdrs, tls_);
  EXPECT_EQ(tampered.status, 401);
  EXPECT_EQ(tampered.error_code(), "bad_signature");

  // A nonce that is not 32 lowercase hex.
  Reply badnonce = signed_call("POST", path, body, 0, {}, "", "", "ABCDEF0123456789ABCDEF0123456789");
  EXPECT_EQ(badnonce.status, 401);
  EXPECT_EQ(badnonce.error_code(), "bad_signature");

  // Nothing was stored by any of them.
  EXPECT_EQ(stats()["complaints"], 0);
}

TEST_F(SimTest, ReplayedNonceIsRefusedEvenAfterARestart) {
  start();
  std::string body = json{{"complaints", json::array()}}.dump();
  std::string nonce = odr::random_hex(16);
  Reply first = signed_call("POST", "/odr/v1/complaints:batch", body, 0, {}, "", "", nonce);
  EXPECT_EQ(first.status, 200) << first.body;
  Reply again = signed_call("POST", "/odr/v1/complaints:batch", body, 0, {}, "", "", nonce);
  EXPECT_EQ(again.status, 401);
  EXPECT_EQ(again.error_code(), "replayed_nonce");
  // The nonces are kept in the simulator's SQLite file.
  sim_->stop();
  start();
  Reply after = signed_call("POST", "/odr/v1/complaints:batch", body, 0, {}, "", "", nonce);
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(after.error_code(), "replayed_nonce");
  EXPECT_EQ(signed_call("POST", "/odr/v1/complaints:batch", body).status, 200);
}

TEST_F(SimTest, ClockSkewCarriesServerTime) {
  start();
  std::string body = json{{"complaints", json::array()}}.dump();
  Reply late = signed_call("POST", "/odr/v1/complaints:batch", body, -301);
  EXPECT_EQ(late.status, 401);
  auto e = odr::parse_error_body(late.body);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, "clock_skew");
  ASSERT_TRUE(e->server_time);
  EXPECT_NEAR(static_cast<double>(*e->server_time), static_cast<double>(odr::now_unix_s()), 5);
  EXPECT_EQ(signed_call("POST", "/odr/v1/complaints:batch", body, 290).status, 200);
  EXPECT_EQ(signed_call("GET", "/odr/v1/updates", "", 400).error_code(), "clock_skew");
}

TEST_F(SimTest, SkewedServerClockIsLearnedFromTheError) {
  start({"--clock-skew-s", "3600"});
  std::string body = json{{"complaints", json::array()}}.dump();
  Reply r = signed_call("POST", "/odr/v1/complaints:batch", body);
  ASSERT_EQ(r.status, 401);
  auto e = odr::parse_error_body(r.body);
  ASSERT_TRUE(e && e->server_time);
  EXPECT_EQ(e->code, "clock_skew");
  int64_t offset = *e->server_time - odr::now_unix_s();
  EXPECT_NEAR(static_cast<double>(offset), 3600, 5);
  // The Date header and /health agree with it.
  EXPECT_NEAR(static_cast<double>(odr::parse_http_date(r.header("date")).value_or(0) - odr::now_unix_s()), 3600, 5);
  Reply h = http("GET", sim_->base_url() + "/health", "", {}, tls_);
  EXPECT_NEAR(static_cast<double>(h.js()["server_time"].get<int64_t>() - odr::now_unix_s()), 3600, 5);
  // Signing with the corrected clock works.
  EXPECT_EQ(signed_call("POST", "/odr/v1/complaints:batch", body, offset).status, 200);
}

// --- Request shape ----------------------------------------------------------------------

TEST_F(SimTest, BodyWithoutJsonContentTypeIs415) {
  start();
  std::string body = json{{"complaints", {complaint(kiosk_, ticket(1))}}}.dump();
  Reply r = signed_call("POST", "/odr/v1/complaints:batch", body, 0, {"Content-Type: text/plain"});
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(r.error_code(), "unsupported_media_type");
  Reply form = signed_call("POST", "/odr/v1/events:batch", "{\"events\":[]}", 0,
                           {"Content-Type: application/x-www-form-urlencoded"});
  EXPECT_EQ(form.status, 415);
  Reply charset = signed_call("POST", "/odr/v1/complaints:batch", body, 0,
                              {"Content-Type: application/json; charset=utf-8"});
  EXPECT_EQ(charset.status, 200) << charset.body;
}

TEST_F(SimTest, MalformedBatchIs400) {
  start();
  for (std::string body : {"not json", "[]", "{\"complaints\":{}}", "{\"events\":[]}"}) {
    Reply r = signed_call("POST", "/odr/v1/complaints:batch", body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(r.error_code(), "bad_request") << body;
  }
}

TEST_F(SimTest, TooManyItemsAndTooLargeBodyAre413) {
  start();
  std::vector<json> many;
  for (int i = 0; i < 101; ++i) many.push_back(complaint(kiosk_, ticket(i)));
  Reply r = post_complaints(many);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.error_code(), "too_many_items");
  many.pop_back();
  EXPECT_EQ(post_complaints(many).status, 200);  // exactly 100 is fine

  std::vector<json> events;
  for (int i = 0; i < 501; ++i) events.push_back(event(odr::uuid_v7()));
  Reply ev = post_events(events);
  EXPECT_EQ(ev.status, 413);
  EXPECT_EQ(ev.error_code(), "too_many_items");

  // More than 1 MiB of body.
  json big = complaint(kiosk_, ticket(500));
  big["padding"] = std::string(1024 * 1024, 'x');
  Reply large = post_complaints({big});
  EXPECT_EQ(large.status, 413);
  EXPECT_EQ(large.error_code(), "body_too_large");
  EXPECT_EQ(stats()["complaints"], 100);
}

TEST_F(SimTest, LimitsAreConfigurable) {
  start({"--max-batch", "3", "--max-body-bytes", "6000", "--max-events", "2"});
  std::vector<json> four;
  for (int i = 0; i < 4; ++i) four.push_back(complaint(kiosk_, ticket(i)));
  EXPECT_EQ(post_complaints(four).error_code(), "too_many_items");
  four.pop_back();
  Reply three = post_complaints(four);
  EXPECT_EQ(three.status, 200) << three.body;
  json big = complaint(kiosk_, ticket(9));
  big["padding"] = std::string(6000, 'x');
  EXPECT_EQ(post_complaints({big}).error_code(), "body_too_large");
  EXPECT_EQ(post_events({event("a"), event("b"), event("c")}).error_code(), "too_many_items");
}

TEST_F(SimTest, InflatedLimitIsSeparateWhenGiven) {
  // A gateway that limits only the bytes as sent: a 9 KB body gzipped small goes.
  start({"--max-body-bytes", "6000", "--max-inflated-bytes", "100000"});
  json big = complaint(kiosk_, ticket(1));
  big["padding"] = std::string(9000, 'x');
  std::string body = json{{"complaints", {big}}}.dump();
  EXPECT_EQ(signed_call("POST", "/odr/v1/complaints:batch", body, 0).error_code(), "body_too_large");
  Reply gz = signed_call("POST", "/odr/v1/complaints:batch", odr::gzip_compress(body), 0, {"Content-Encoding: gzip"});
  EXPECT_EQ(gz.status, 200) << gz.body;
}

TEST_F(SimTest, GzipBodiesAreSignedAsSentAndGzipAnswersOnRequest) {
  start();
  std::string body = json{{"complaints", {complaint(kiosk_, ticket(1)), complaint(kiosk_, ticket(2))}}}.dump();
  std::string gz = odr::gzip_compress(body);
  Reply r = signed_call("POST", "/odr/v1/complaints:batch", gz, 0, {"Content-Encoding: gzip"});
  ASSERT_EQ(r.status, 200) << r.body;
  odr::BatchAnswer a;
  std::string why;
  ASSERT_TRUE(odr::parse_batch_answer(r.body, a, why)) << why;
  ASSERT_EQ(a.results.size(), 2u);
  EXPECT_EQ(a.results[0].status, "accepted");

  // Signing the inflated bytes instead of the bytes sent fails.
  std::string body3 = json{{"complaints", {complaint(kiosk_, ticket(3))}}}.dump();
  auto h = odr::sign_request(kiosk_, key_, "POST", "/odr/v1/complaints:batch", body3, odr::now_unix_s());
  std::vector<std::string> hdrs = {"Content-Type: application/json", "Content-Encoding: gzip"};
  for (const auto& [n, v] : h.list()) hdrs.push_back(n + ": " + v);
  Reply wrong = http("POST", sim_->origin() + "/odr/v1/complaints:batch", odr::gzip_compress(body3), hdrs, tls_);
  EXPECT_EQ(wrong.error_code(), "bad_signature");

  // A body that claims gzip but is not.
  Reply broken = signed_call("POST", "/odr/v1/complaints:batch", body3, 0, {"Content-Encoding: gzip"});
  EXPECT_EQ(broken.status, 400);
  EXPECT_EQ(broken.error_code(), "bad_request");

  // The answer comes gzip-compressed when asked (curl inflates it for us).
  auto h2 = odr::sign_request(kiosk_, key_, "GET", "/odr/v1/updates", "", odr::now_unix_s());
  std::vector<std::string> gh;
  for (const auto& [n, v] : h2.list()) gh.push_back(n + ": " + v);
  Reply zipped = http("GET", sim_->origin() + "/odr/v1/updates", "", gh, tls_, /*accept_gzip=*/true);
  EXPECT_EQ(zipped.status, 200);
  EXPECT_EQ(zipped.header("content-encoding"), "gzip");
  odr::UpdatesAnswer u;
  EXPECT_TRUE(odr::parse_updates_answer(zipped.body, u, why)) << why;
  EXPECT_EQ(u.updates.size(), 2u);
}

TEST_F(SimTest, DeeplyNestedBodiesAre400AndTheSimCarriesOn) {
  start();
  std::string c = complaint(kiosk_, ticket(1)).dump();
  // 400,000 levels in a field nobody reads: valid JSON, under 1 MiB.
  std::string body = "{\"complaints\":[" + c.substr(0, c.size() - 1) + ",\"x\":" + std::string(400000, '[') +
                     std::string(400000, ']') + "}]}";
  Reply r = signed_call("POST", "/odr/v1/complaints:batch", body);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.error_code(), "bad_request");
  Reply z = signed_call("POST", "/odr/v1/complaints:batch", odr::gzip_compress(body), 0, {"Content-Encoding: gzip"});
  EXPECT_EQ(z.status, 400) << z.body;
  Reply nul = signed_call("POST", "/odr/v1/complaints:batch",
                          "{\"complaints\":[" + c + "]}" + std::string(1, '\0') + "garbage");
  EXPECT_EQ(nul.status, 400) << nul.body;
  EXPECT_EQ(post_complaints({complaint(kiosk_, ticket(2))}).status, 200) << "still serving";
  EXPECT_EQ(stats()["complaints"], 1);
}

TEST_F(SimTest, GzipIsInflatedOnlyAfterTheSignatureAndOnlyUpToTheBodyLimit) {
  start();
  // 10 MiB of spaces inside a valid batch: ~10 KB compressed.
  std::string c = complaint(kiosk_, ticket(1)).dump();
  std::string bomb = odr::gzip_compress("{\"complaints\":[" + c + std::string(10 << 20, ' ') + "]}");
  ASSERT_LT(bomb.size(), 64u * 1024);
  // Unsigned (a wrong key): refused before anything is inflated.
  std::string other_key(32, '\x42');
  auto h = odr::sign_request(kiosk_, other_key, "POST", "/odr/v1/complaints:batch", bomb, odr::now_unix_s());
  std::vector<std::string> hdrs = {"Content-Type: application/json", "Content-Encoding: gzip"};
  for (const auto& [n, v] : h.list()) hdrs.push_back(n + ": " + v);
  Reply unsigned_bomb = http("POST", sim_->origin() + "/odr/v1/complaints:batch", bomb, hdrs, tls_);
  EXPECT_EQ(unsigned_bomb.status, 401) << unsigned_bomb.body;
  EXPECT_EQ(unsigned_bomb.error_code(), "bad_signature");
  // Signed: inflating stops at the body limit.
  Reply signed_bomb = signed_call("POST", "/odr/v1/complaints:batch", bomb, 0, {"Content-Encoding: gzip"});
  EXPECT_EQ(signed_bomb.status, 413) << signed_bomb.body;
  EXPECT_EQ(signed_bomb.error_code(), "body_too_large");
  EXPECT_EQ(stats()["complaints"], 0);
}

// --- Complaints -------------------------------------------------------------------------

TEST_F(SimTest, BatchAnswersInOrderWithCaseNumbers) {
  start();
  std::vector<json> items;
  for (int i = 0; i < 5; ++i) items.push_back(complaint(kiosk_, ticket(i)));
  items[2]["consumer"]["phone"] = "12345";  // one bad item in the middle
  Reply r = post_complaints(items);
  ASSERT_EQ(r.status, 200) << r.body;
  odr::BatchAnswer a;
  std::string why;
  ASSERT_TRUE(odr::parse_batch_answer(r.body, a, why)) << why;
  ASSERT_EQ(a.results.size(), 5u);
  std::string today = odr::local_date(odr::now_unix_s());
  std::string compact = today.substr(0, 4) + today.substr(5, 2) + today.substr(8, 2);
  std::set<std::string> case_nos;
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(a.results[i].id, items[i]["id"]);
    if (i == 2) {
      EXPECT_EQ(a.results[i].status, "rejected");
      EXPECT_EQ(a.results[i].error.code, "invalid_field");
      EXPECT_EQ(a.results[i].error.field, "consumer.phone");
      EXPECT_TRUE(a.results[i].case_no.empty());
      continue;
    }
    EXPECT_EQ(a.results[i].status, "accepted");
    const std::string& cn = a.results[i].case_no;
    ASSERT_EQ(cn.size(), 19u) << cn;
    EXPECT_EQ(cn.substr(0, 6), "320104");  // the respondent's region
    EXPECT_EQ(cn.substr(6, 8), compact);
    EXPECT_EQ(cn.find_first_not_of("0123456789"), std::string::npos);
    case_nos.insert(cn);
  }
  EXPECT_EQ(case_nos.size(), 4u);
  EXPECT_EQ(stats()["complaints"], 4);
}

TEST_F(SimTest, SameIdIsDuplicateEvenWithDifferentContent) {
  start();
  json c = complaint(kiosk_, ticket(1));
  Reply first = post_complaints({c});
  odr::BatchAnswer a1, a2;
  std::string why;
  ASSERT_TRUE(odr::parse_batch_answer(first.body, a1, why));
  ASSERT_EQ(a1.results[0].status, "accepted");
  c["description"] = "内容改了，但还是同一个投诉编号的第二次发送。";
  c["ticket"] = ticket(99);
  Reply second = post_complaints({c});
  ASSERT_TRUE(odr::parse_batch_answer(second.body, a2, why));
  EXPECT_EQ(a2.results[0].status, "duplicate");
  EXPECT_EQ(a2.results[0].case_no, a1.results[0].case_no);
  EXPECT_TRUE(a2.results[0].delivered());
  // Twice in one batch: the second copy is the duplicate.
  json d = complaint(kiosk_, ticket(2));
  Reply both = post_complaints({d, d});
  ASSERT_TRUE(odr::parse_batch_answer(both.body, a2, why));
  EXPECT_EQ(a2.results[0].status, "accepted");
  EXPECT_EQ(a2.results[1].status, "duplicate");
  EXPECT_EQ(a2.results[1].case_no, a2.results[0].case_no);
  EXPECT_EQ(stats()["complaints"], 2);
}

TEST_F(SimTest, TicketConflictAndIdConflict) {
  std::string other_key_file = dir_ + "/kiosk-b.key";
  ASSERT_EQ(odr::test::run_program({odr::test::sim_binary(), "add-kiosk", "--dir", dir_, "--kiosk-id", "kiosk-b", "--key-out",
                              other_key_file}),
            0);
  start();
  std::string other_key = odr::load_key_file(other_key_file);
  json c = complaint(kiosk_, ticket(7));
  ASSERT_EQ(post_complaints({c}).status, 200);
  odr::BatchAnswer a;
  std::string why;
  // The same ticket under a new id from the same kiosk.
  ASSERT_TRUE(odr::parse_batch_answer(post_complaints({complaint(kiosk_, ticket(7))}).body, a, why));
  EXPECT_EQ(a.results[0].status, "rejected");
  EXPECT_EQ(a.results[0].error.code, "ticket_conflict");
  // Another kiosk may use the same ticket text ...
  ASSERT_TRUE(odr::parse_batch_answer(post_complaints({complaint("kiosk-b", ticket(7))}, "kiosk-b", other_key).body, a,
                                      why));
  EXPECT_EQ(a.results[0].status, "accepted");
  // ... but not the first kiosk's id.
  json stolen = c;
  stolen["kiosk_id"] = "kiosk-b";
  stolen["ticket"] = ticket(8);
  ASSERT_TRUE(odr::parse_batch_answer(post_complaints({stolen}, "kiosk-b", other_key).body, a, why));
  EXPECT_EQ(a.results[0].status, "rejected");
  EXPECT_EQ(a.results[0].error.code, "id_conflict");
  // kiosk_id in the body must be the signing kiosk.
  ASSERT_TRUE(odr::parse_batch_answer(post_complaints({complaint(kiosk_, ticket(9))}, "kiosk-b", other_key).body, a,
                                      why));
  EXPECT_EQ(a.results[0].status, "rejected");
  EXPECT_EQ(a.results[0].error.field, "kiosk_id");
  odr::wipe(other_key);
  EXPECT_EQ(stats()["complaints"], 2);
}

TEST_F(SimTest, InvalidFieldNamesTheField) {
  start();
  struct Case {
    std::function<void(json&)> breakit;
    std::string field;
  };
  std::vector<Case> cases = {
      {[](json& c) { c["consumer"]["phone"] = "1381234567"; }, "consumer.phone"},
      {[](json& c) { c["respondent"]["credit_code"] = "91320105MA1W8K3L00"; }, "respondent.credit_code"},
      {[](json& c) { c["purchase"]["amount_fen"] = "12.50"; }, "purchase.amount_fen"},
      {[](json& c) { c["purchase"].erase("amount_fen"); }, "purchase.amount_fen"},
      {[](json& c) { c["purchase"]["date"] = "2099-01-01"; }, "purchase.date"},
      {[](json& c) { c["description"] = "太短"; }, "description"},
      {[](json& c) { c["consent"]["transfer_to_platform"] = false; }, "consent.transfer_to_platform"},
      {[](json& c) { c["category"]["problems"] = json::array(); }, "category.problems"},
      {[](json& c) { c["id"] = "not-a-uuid"; }, "id"},
      {[](json& c) { c.erase("ticket"); }, "ticket"},
      {[](json& c) { c["demand"]["types"] = {"fly_to_the_moon"}; }, "demand.types"},
      {[](json& c) { c["consumer"] = "张三"; }, "consumer"},
  };
  std::vector<json> items;
  for (size_t i = 0; i < cases.size(); ++i) {
    json c = complaint(kiosk_, ticket(static_cast<int>(i)));
    cases[i].breakit(c);
    items.push_back(c);
  }
  items.push_back(complaint(kiosk_, ticket(100)));  // and one good one
  Reply r = post_complaints(items);
  ASSERT_EQ(r.status, 200) << r.body;
  odr::BatchAnswer a;
  std::string why;
  ASSERT_TRUE(odr::parse_batch_answer(r.body, a, why)) << why;
  ASSERT_EQ(a.results.size(), items.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(a.results[i].status, "rejected") << cases[i].field;
    EXPECT_EQ(a.results[i].error.code, "invalid_field") << cases[i].field;
    EXPECT_EQ(a.results[i].error.field, cases[i].field);
    EXPECT_FALSE(a.results[i].error.message.empty());
  }
  EXPECT_EQ(a.results.back().status, "accepted");
  // Any category code is fine: the platform does not know the kiosk's list.
  json odd = complaint(kiosk_, ticket(101));
  odd["category"]["code"] = "some-local-code";
  ASSERT_TRUE(odr::parse_batch_answer(post_complaints({odd}).body, a, why));
  EXPECT_EQ(a.results[0].status, "accepted");
}

// --- Events -------------------------------------------------------------------------

TEST_F(SimTest, EventsNeedTheirComplaint) {
  start();
  json c = complaint(kiosk_, ticket(1));
  ASSERT_EQ(post_complaints({c}).status, 200);
  json e1 = event(c["id"]);
  json e2 = event(c["id"], "satisfaction");
  json orphan = event(odr::uuid_v7());
  json bad = event(c["id"], "satisfaction");
  bad["data"]["score"] = 9;
  json staffless = event(c["id"]);
  staffless.erase("staff_id");
  Reply r = post_events({e1, e2, orphan, bad, staffless});
  ASSERT_EQ(r.status, 200) << r.body;
  odr::BatchAnswer a;
  std::string why;
  ASSERT_TRUE(odr::parse_batch_answer(r.body, a, why)) << why;
  ASSERT_EQ(a.results.size(), 5u);
  EXPECT_EQ(a.results[0].status, "accepted");
  EXPECT_TRUE(a.results[0].case_no.empty());
  EXPECT_EQ(a.results[1].status, "accepted");
  EXPECT_EQ(a.results[2].status, "rejected");
  EXPECT_EQ(a.results[2].error.code, "unknown_complaint");
  EXPECT_EQ(a.results[3].error.field, "data.score");
  EXPECT_EQ(a.results[4].error.field, "staff_id");
  // The same event again is a duplicate.
  ASSERT_TRUE(odr::parse_batch_answer(post_events({e1}).body, a, why));
  EXPECT_EQ(a.results[0].status, "duplicate");
  EXPECT_EQ(stats()["events"], 2);
}

// --- Updates ------------------------------------------------------------------------

TEST_F(SimTest, UpdatesPageWithOpaqueCursors) {
  start();
  std::vector<json> items;
  for (int i = 0; i < 5; ++i) items.push_back(complaint(kiosk_, ticket(i)));
  ASSERT_EQ(post_complaints(items).status, 200);

  std::vector<std::string> seen;
  std::string cursor;
  std::vector<bool> mores;
  for (int page = 0; page < 5; ++page) {
    Reply r = get_updates(cursor, 2);
    ASSERT_EQ(r.status, 200) << r.body;
    odr::UpdatesAnswer u;
    std::string why;
    ASSERT_TRUE(odr::parse_updates_answer(r.body, u, why)) << why;
    for (const auto& up : u.updates) {
      seen.push_back(up.complaint_id);
      EXPECT_EQ(up.status, "received");
      EXPECT_EQ(up.case_no.size(), 19u);
      EXPECT_TRUE(odr::parse_rfc3339(up.at));
    }
    mores.push_back(u.more);
    // Cursors hold characters that must be percent-encoded.
    EXPECT_NE(u.next_cursor.find_first_of("&=%+/ #"), std::string::npos) << u.next_cursor;
    cursor = u.next_cursor;
    if (!u.more) break;
  }
  EXPECT_EQ(mores, (std::vector<bool>{true, true, false}));
  ASSERT_EQ(seen.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(seen[i], items[i]["id"]);
  // Asking again with the last cursor: nothing new, same cursor back.
  odr::UpdatesAnswer u;
  std::string why;
  Reply again = get_updates(cursor, 100);
  ASSERT_TRUE(odr::parse_updates_answer(again.body, u, why));
  EXPECT_TRUE(u.updates.empty());
  EXPECT_FALSE(u.more);
  EXPECT_EQ(u.next_cursor, cursor);
  // Default limit without the parameter.
  Reply all = signed_call("GET", "/odr/v1/updates", "");
  ASSERT_TRUE(odr::parse_updates_answer(all.body, u, why));
  EXPECT_EQ(u.updates.size(), 5u);
  // Another kiosk sees none of these.
  ASSERT_EQ(odr::test::run_program({odr::test::sim_binary(), "add-kiosk", "--dir", dir_, "--kiosk-id", "kiosk-c"}), 0);
  std::string key_c = odr::load_key_file(dir_ + "/kiosk-c.key");
  std::this_thread::sleep_for(std::chrono::milliseconds(600));  // the server re-reads kiosks.json
  Reply other = signed_call("GET", "/odr/v1/updates", "", 0, {}, "kiosk-c", key_c);
  ASSERT_EQ(other.status, 200) << other.body;
  ASSERT_TRUE(odr::parse_updates_answer(other.body, u, why));
  EXPECT_TRUE(u.updates.empty());
  // ... nor may it use this kiosk's cursor.
  Reply stolen = signed_call("GET", odr::updates_target("/odr/v1", cursor, 10), "", 0, {}, "kiosk-c", key_c);
  EXPECT_EQ(stolen.status, 410);
  odr::wipe(key_c);
}

TEST_F(SimTest, UnknownCursorIs410AndBadLimitIs400) {
  start();
  ASSERT_EQ(post_complaints({complaint(kiosk_, ticket(1))}).status, 200);
  Reply garbage = get_updates("no such cursor &=?", 10);
  EXPECT_EQ(garbage.status, 410);
  EXPECT_EQ(garbage.error_code(), "cursor_gone");
  Reply first = get_updates("", 10);
  odr::UpdatesAnswer u;
  std::string why;
  ASSERT_TRUE(odr::parse_updates_answer(first.body, u, why));
  ASSERT_EQ(u.updates.size(), 1u);
  EXPECT_EQ(get_updates(u.next_cursor, 10).status, 200);
  // The platform forgets its cursors (simulator-only switch).
  Reply forget = http("POST", sim_->base_url() + "/_sim/forget-cursors", "", {}, tls_);
  ASSERT_EQ(forget.status, 200);
  Reply gone = get_updates(u.next_cursor, 10);
  EXPECT_EQ(gone.status, 410);
  EXPECT_EQ(gone.error_code(), "cursor_gone");
  // Starting over without a cursor gives everything again.
  ASSERT_TRUE(odr::parse_updates_answer(get_updates("", 10).body, u, why));
  EXPECT_EQ(u.updates.size(), 1u);
  for (const char* limit : {"0", "501", "-1", "ten"}) {
    Reply r = signed_call("GET", std::string("/odr/v1/updates?limit=") + limit, "");
    EXPECT_EQ(r.status, 400) << limit;
    EXPECT_EQ(r.error_code(), "bad_request");
  }
  EXPECT_EQ(signed_call("GET", "/odr/v1/updates?limit=500", "").status, 200);
}

TEST_F(SimTest, SignatureCoversTheQueryAsSent) {
  start();
  ASSERT_EQ(post_complaints({complaint(kiosk_, ticket(1))}).status, 200);
  odr::UpdatesAnswer u;
  std::string why;
  ASSERT_TRUE(odr::parse_updates_answer(get_updates("", 10).body, u, why));
  std::string encoded = odr::updates_target("/odr/v1", u.next_cursor, 10);
  // Signed over the decoded cursor but sent encoded: refused.
  std::string decoded_path = "/odr/v1/updates?cursor=" + u.next_cursor + "&limit=10";
  auto h = odr::sign_request(kiosk_, key_, "GET", decoded_path, "", odr::now_unix_s());
  std::vector<std::string> hdrs;
  for (const auto& [n, v] : h.list()) hdrs.push_back(n + ": " + v);
  Reply r = http("GET", sim_->origin() + encoded, "", hdrs, tls_);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.error_code(), "bad_signature");
  EXPECT_EQ(get_updates(u.next_cursor, 10).status, 200);
}

TEST_F(SimTest, ComplaintsMoveAlongByThemselves) {
  accept_after_ = "100";
  start({"--mediate-after-ms", "100", "--finish-after-ms", "100", "--not-settled-ratio", "0"});
  json a = complaint(kiosk_, ticket(1)), b = complaint(kiosk_, ticket(2));
  ASSERT_EQ(post_complaints({a, b}).status, 200);
  std::map<std::string, std::vector<std::string>> history;
  std::string cursor;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    odr::UpdatesAnswer u;
    std::string why;
    Reply r = get_updates(cursor, 100);
    ASSERT_TRUE(odr::parse_updates_answer(r.body, u, why)) << r.body;
    for (const auto& up : u.updates) history[up.complaint_id].push_back(up.status);
    cursor = u.next_cursor;
    if (history[a["id"]].size() >= 4 && history[b["id"]].size() >= 4) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::vector<std::string> expected = {"received", "accepted", "mediating", "settled"};
  EXPECT_EQ(history[a["id"]], expected);
  EXPECT_EQ(history[b["id"]], expected);
  json s = stats();
  EXPECT_EQ(s["complaints_by_status"]["settled"], 2);
}

TEST_F(SimTest, NotSettledRatioAndDeskEvents) {
  accept_after_ = "50";
  start({"--mediate-after-ms", "50", "--finish-after-ms", "50", "--not-settled-ratio", "1"});
  json a = complaint(kiosk_, ticket(1));
  ASSERT_EQ(post_complaints({a}).status, 200);
  // Mediation here ends without agreement.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline && stats()["complaints_by_status"].value("not_settled", 0) < 1)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(stats()["complaints_by_status"]["not_settled"], 1);
  sim_->stop();
  // Settled at the desk: the kiosk's event settles the case on the platform.
  accept_after_ = "-1";
  start();
  json b = complaint(kiosk_, ticket(2));
  ASSERT_EQ(post_complaints({b}).status, 200);
  ASSERT_EQ(post_events({event(b["id"], "settled")}).status, 200);
  odr::UpdatesAnswer u;
  std::string why;
  ASSERT_TRUE(odr::parse_updates_answer(get_updates("", 100).body, u, why));
  ASSERT_FALSE(u.updates.empty());
  EXPECT_EQ(u.updates.back().complaint_id, b["id"]);
  EXPECT_EQ(u.updates.back().status, "settled");
}

// --- Faults ---------------------------------------------------------------------------

TEST_F(SimTest, Fail500And503AnswerWithoutStoring) {
  start({"--fail-500", "1"});
  Reply r = post_complaints({complaint(kiosk_, ticket(1))});
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.error_code(), "internal_error");
  set_faults({{"fail_500", 0}, {"fail_503", 1}});
  Reply u = post_complaints({complaint(kiosk_, ticket(2))});
  EXPECT_EQ(u.status, 503);
  EXPECT_EQ(u.error_code(), "unavailable");
  EXPECT_EQ(u.header("retry-after"), "");  // none by default: back off as for 5xx
  set_faults({{"retry_after_on_503", true}, {"retry_after_s", 4}});
  EXPECT_EQ(post_complaints({complaint(kiosk_, ticket(3))}).header("retry-after"), "4");
  json s = stats();
  EXPECT_EQ(s["complaints"], 0);
  EXPECT_EQ(s["faults"]["fail_500"], 1);
  EXPECT_EQ(s["faults"]["fail_503"], 2);
  EXPECT_EQ(s["requests"]["POST /odr/v1/complaints:batch"]["503"], 2);
  // /health stays up: it tells staff the gateway is reachable.
  EXPECT_EQ(http("GET", sim_->base_url() + "/health", "", {}, tls_).status, 200);
}

TEST_F(SimTest, Fail429WithRetryAfterInBothForms) {
  start({"--fail-429", "1", "--retry-after-seconds", "7"});
  Reply r = post_complaints({complaint(kiosk_, ticket(1))});
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.error_code(), "rate_limited");
  EXPECT_EQ(r.header("retry-after"), "7");
  sim_->stop();
  start({"--fail-429", "1", "--retry-after-seconds", "30", "--retry-after-date", "--clock-skew-s", "-7200"});
  Reply d = signed_call("GET", "/odr/v1/updates", "", -7200);
  EXPECT_EQ(d.status, 429);
  auto when = odr::parse_http_date(d.header("retry-after"));
  auto date = odr::parse_http_date(d.header("date"));
  ASSERT_TRUE(when) << d.header("retry-after");
  ASSERT_TRUE(date) << d.header("date");
  // Measured against the server's Date header, not the machine's clock.
  EXPECT_NEAR(static_cast<double>(*when - *date), 30, 1);
  EXPECT_NEAR(static_cast<double>(*date - odr::now_unix_s()), -7200, 5);
}

TEST_F(SimTest, LatencyIsAdded) {
  start({"--latency-ms", "300"});
  Reply r = get_updates("", 10);
  EXPECT_EQ(r.status, 200);
  EXPECT_GE(r.seconds, 0.3);
  set_faults({{"latency_ms", 0}});
  Reply fast = get_updates("", 10);
  EXPECT_LT(fast.seconds, 0.3);
}

TEST_F(SimTest, DropAfterStoreLosesOnlyTheAnswer) {
  start({"--drop-after-store", "1"});
  json c = complaint(kiosk_, ticket(1));
  Reply r = post_complaints({c});
  EXPECT_NE(r.code, CURLE_OK) << "status " << r.status << " body " << r.body;
  EXPECT_EQ(r.status, 0);  // not a single byte of an answer
  EXPECT_TRUE(r.body.empty());
  json s = stats();
  EXPECT_EQ(s["complaints"], 1);  // but it was stored
  EXPECT_EQ(s["requests"]["POST /odr/v1/complaints:batch"]["dropped"], 1);
  // The client retries once the connection behaves: duplicate, with the case number.
  set_faults({{"drop_after_store", 0}});
  odr::BatchAnswer a;
  std::string why;
  ASSERT_TRUE(odr::parse_batch_answer(post_complaints({c}).body, a, why)) << why;
  EXPECT_EQ(a.results[0].status, "duplicate");
  EXPECT_EQ(a.results[0].case_no.size(), 19u);
  EXPECT_EQ(stats()["complaints"], 1);
  // Per-item results count the stored batch whose answer was dropped too.
  EXPECT_EQ(stats()["results"]["complaints"]["accepted"], 1);
  EXPECT_EQ(stats()["results"]["complaints"]["duplicate"], 1);
  // Events are dropped after storing too.
  set_faults({{"drop_after_store", 1}});
  EXPECT_NE(post_events({event(c["id"])}).code, CURLE_OK);
  EXPECT_EQ(stats()["events"], 1);
  EXPECT_EQ(sim_->stop(), 0) << sim_->log();
}

TEST_F(SimTest, GarbageAnswersAreNotJsonAndStoreNothing) {
  start({"--garbage", "1", "--garbage-kind", "html"});
  Reply html = post_complaints({complaint(kiosk_, ticket(1))});
  EXPECT_EQ(html.status, 502);
  EXPECT_NE(html.header("content-type").find("text/html"), std::string::npos);
  EXPECT_FALSE(odr::parse_error_body(html.body));
  set_faults({{"garbage_kind", "200"}});
  Reply ok = post_complaints({complaint(kiosk_, ticket(2))});
  EXPECT_EQ(ok.status, 200);
  odr::BatchAnswer a;
  std::string why;
  EXPECT_FALSE(odr::parse_batch_answer(ok.body, a, why));
  Reply up = get_updates("", 10);
  odr::UpdatesAnswer u;
  EXPECT_FALSE(odr::parse_updates_answer(up.body, u, why));
  EXPECT_EQ(stats()["complaints"], 0);
}

TEST_F(SimTest, FaultProbabilitiesAreProbabilities) {
  start({"--fail-503", "0.5", "--seed", "42", "--quiet"});
  int unavailable = 0, ok = 0;
  for (int i = 0; i < 60; ++i) {
    Reply r = get_updates("", 1);
    if (r.status == 503) ++unavailable;
    else if (r.status == 200) ++ok;
  }
  EXPECT_EQ(unavailable + ok, 60);
  EXPECT_GT(unavailable, 10);
  EXPECT_GT(ok, 10);
  json s = stats();
  EXPECT_EQ(s["faults"]["fail_503"], unavailable);
  // Every request is counted by route and status, with a time stamp.
  EXPECT_EQ(s["requests"]["GET /odr/v1/updates"]["200"], ok);
  EXPECT_GE(s["recent"].size(), 60u);
  EXPECT_TRUE(s["recent"].back().contains("t_ms"));
}

TEST_F(SimTest, FaultsEndpointRefusesNonsense) {
  start();
  Reply r = http("POST", sim_->base_url() + "/_sim/faults", "{\"fail_503\": 2}", {"Content-Type: application/json"},
                 tls_);
  EXPECT_EQ(r.status, 400);
  Reply u = http("POST", sim_->base_url() + "/_sim/faults", "{\"fail_404\": 1}", {"Content-Type: application/json"},
                 tls_);
  EXPECT_EQ(u.status, 400);
  Reply g = http("GET", sim_->base_url() + "/_sim/faults", "", {}, tls_);
  EXPECT_EQ(g.js()["fail_503"], 0);
}

// --- The page, TLS and the dev tool ----------------------------------------------------

TEST_F(SimTest, HtmlPageListsComplaintsWithoutPersonalData) {
  start();
  json c = complaint(kiosk_, ticket(42));
  odr::BatchAnswer a;
  std::string why;
  ASSERT_TRUE(odr::parse_batch_answer(post_complaints({c}).body, a, why));
  Reply page = http("GET", sim_->origin() + "/", "", {}, tls_);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.header("content-type").find("text/html"), std::string::npos);
  EXPECT_NE(page.body.find(ticket(42)), std::string::npos);
  EXPECT_NE(page.body.find(a.results[0].case_no), std::string::npos);
  EXPECT_NE(page.body.find("138****5678"), std::string::npos);
  EXPECT_EQ(page.body.find("13812345678"), std::string::npos);
  EXPECT_EQ(page.body.find("张三丰"), std::string::npos);
  EXPECT_EQ(page.body.find("北京东路"), std::string::npos);
  EXPECT_EQ(page.body.find("起球"), std::string::npos);
  // The request log names no personal data either.
  std::string log = sim_->log();
  EXPECT_NE(log.find("POST /odr/v1/complaints:batch 200"), std::string::npos);
  EXPECT_EQ(log.find("13812345678"), std::string::npos);
  EXPECT_EQ(log.find("张三丰"), std::string::npos);
}

TEST_F(SimTest, SimComplaintsListsWhatIsHeld) {
  start();
  std::vector<json> items = {complaint(kiosk_, ticket(1)), complaint(kiosk_, ticket(2))};
  ASSERT_EQ(post_complaints(items).status, 200);
  Reply r = http("GET", sim_->base_url() + "/_sim/complaints", "", {}, tls_);
  ASSERT_EQ(r.status, 200);
  json list = r.js()["complaints"];
  ASSERT_EQ(list.size(), 2u);
  std::set<std::string> ids;
  for (const auto& x : list) ids.insert(x["id"].get<std::string>());
  EXPECT_TRUE(ids.count(items[0]["id"]) && ids.count(items[1]["id"]));
  EXPECT_FALSE(r.body.find("13812345678") != std::string::npos);
}

TEST_F(SimTest, TlsFailsForUnknownCaWrongHostAndPinMismatch) {
  // An unrelated CA (another dev-setup folder).
  std::string other = odr::test::fresh_dir("sim-other-ca");
  odr::test::dev_setup(other);
  start();
  Tls foreign;
  foreign.ca = other + "/ca.pem";
  Reply unknown_ca = http("GET", sim_->base_url() + "/health", "", {}, foreign);
  EXPECT_EQ(unknown_ca.code, CURLE_PEER_FAILED_VERIFICATION) << curl_easy_strerror(unknown_ca.code);
  EXPECT_EQ(unknown_ca.status, 0);

  // The right pin works; another certificate's pin does not.
  Tls pinned = tls_;
  pinned.pin = odr::test::trim(odr::test::read_file(dir_ + "/server.pin"));
  EXPECT_EQ(http("GET", sim_->base_url() + "/health", "", {}, pinned).status, 200);
  pinned.pin = odr::test::trim(odr::test::read_file(other + "/server.pin"));
  Reply mismatch = http("GET", sim_->base_url() + "/health", "", {}, pinned);
  EXPECT_EQ(mismatch.code, CURLE_SSL_PINNEDPUBKEYNOTMATCH) << curl_easy_strerror(mismatch.code);

  // A certificate from the trusted CA, but for another host name.
  sim_->stop();
  ASSERT_EQ(odr::test::run_program({odr::test::sim_binary(), "make-cert", "--ca-dir", dir_, "--out", dir_ + "/wrong",
                              "--dns", "other.example"}),
            0);
  sim_ = std::make_unique<SimProcess>(dir_, std::vector<std::string>{"--cert", dir_ + "/wrong.pem", "--key",
                                                                     dir_ + "/wrong.key"});
  Reply wrong_host = http("GET", sim_->base_url() + "/health", "", {}, tls_);
  EXPECT_EQ(wrong_host.code, CURLE_PEER_FAILED_VERIFICATION) << curl_easy_strerror(wrong_host.code);
  Reply wrong_name = http("GET", sim_->base_url("localhost") + "/health", "", {}, tls_);
  EXPECT_EQ(wrong_name.code, CURLE_PEER_FAILED_VERIFICATION) << curl_easy_strerror(wrong_name.code);
}

TEST_F(SimTest, DevSetupServerNameMakesAWrongHostCertificate) {
  std::string other = odr::test::fresh_dir("sim-other-name");
  odr::test::dev_setup(other, {"--server-name", "other.example"});
  sim_ = std::make_unique<SimProcess>(other);
  Tls t;
  t.ca = other + "/ca.pem";
  Reply r = http("GET", sim_->base_url() + "/health", "", {}, t);
  EXPECT_EQ(r.code, CURLE_PEER_FAILED_VERIFICATION) << curl_easy_strerror(r.code);
}

TEST_F(SimTest, MutualTlsWhenAsked) {
  start({"--client-ca", dir_ + "/ca.pem"});
  Reply without = http("GET", sim_->base_url() + "/health", "", {}, tls_);
  EXPECT_NE(without.code, CURLE_OK);
  EXPECT_EQ(without.status, 0);
  Tls with = tls_;
  with.client_cert = dir_ + "/client.pem";
  with.client_key = dir_ + "/client.key";
  Reply ok = http("GET", sim_->base_url() + "/health", "", {}, with);
  EXPECT_EQ(ok.status, 200) << curl_easy_strerror(ok.code);
}

TEST_F(SimTest, DevSetupIsIdempotent) {
  std::map<std::string, std::string> before;
  for (const auto& f : std::filesystem::directory_iterator(dir_)) before[f.path().filename()] = odr::test::read_file(f.path());
  odr::test::dev_setup(dir_);
  for (const auto& [name, content] : before) {
    if (name == "dev-setup.log") continue;
    EXPECT_EQ(odr::test::read_file(dir_ + "/" + name), content) << name;
  }
  EXPECT_NE(odr::test::read_file(dir_ + "/dev-setup.log").find("kept"), std::string::npos);
  // The key is base64 of 32 bytes and the kiosks file holds it.
  json kiosks = json::parse(odr::test::read_file(dir_ + "/kiosks.json"));
  ASSERT_EQ(kiosks["kiosks"].size(), 1u);
  EXPECT_EQ(kiosks["kiosks"][0]["id"], kiosk_);
  EXPECT_EQ(odr::decode_key(kiosks["kiosks"][0]["key"].get<std::string>()), key_);
  // Keys are private to their owner.
  EXPECT_EQ(std::filesystem::status(dir_ + "/kiosk.key").permissions() & std::filesystem::perms::others_read,
            std::filesystem::perms::none);
}

TEST_F(SimTest, BadStartsSayWhy) {
  std::string empty = odr::test::fresh_dir("sim-empty");
  EXPECT_THROW(SimProcess s(empty), std::runtime_error);
  EXPECT_EQ(odr::test::run_program({odr::test::sim_binary(), "--dir", dir_, "--fail-503", "1.5"}, empty + "/out"), 2);
  EXPECT_NE(odr::test::read_file(empty + "/out").find("probability"), std::string::npos);
  EXPECT_EQ(odr::test::run_program({odr::test::sim_binary(), "--bogus"}, empty + "/out2"), 2);
  // A damaged kiosks file.
  std::string broken = odr::test::fresh_dir("sim-broken");
  odr::test::dev_setup(broken);
  std::ofstream(broken + "/kiosks.json") << "{\"kiosks\":[{\"id\":\"k1\",\"key\":\"c2hvcnQ=\"}]}";
  try {
    SimProcess s(broken);
    ADD_FAILURE() << "started with a 5-byte key";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("32 bytes"), std::string::npos) << e.what();
  }
}

TEST_F(SimTest, ConnectionsAreKeptAlive) {
  start({"--quiet"});
  CURL* c = curl_easy_init();
  std::string sink;
  curl_easy_setopt(c, CURLOPT_CAINFO, tls_.ca.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  std::string url = sim_->base_url() + "/health";
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  long connects = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 200; ++i) {
    ASSERT_EQ(curl_easy_perform(c), CURLE_OK);
    long n = 0;
    curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &n);
    connects += n;
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  curl_easy_cleanup(c);
  EXPECT_EQ(connects, 1);  // one connection for all 200 requests
  EXPECT_LT(s, 5.0);       // Nagle off: not 40 ms a request
}

}  // namespace
