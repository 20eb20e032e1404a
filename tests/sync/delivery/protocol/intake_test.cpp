// The server side of a batch request (protocol/intake.h), which platform-sim
// and odr-hub share: the checks' order and their answers, and the heartbeat
// message of the hub's extension.
#include <gtest/gtest.h>

#include "protocol/heartbeat.h"
#include "protocol/intake.h"
#include "protocol/messages.h"
#include "protocol/signing.h"

using namespace odr;

namespace {

const std::string kKey(32, 'k');
const int64_t kNow = 1'800'000'000;

struct Server {
  int nonces_seen = 0;
  RequestCheck check(const std::string& body, const std::string& encoding = "", const std::string& type = "application/json",
                     int64_t t = kNow, const std::string& key = kKey, size_t max_items = 2) {
    IntakeRequest in;
    in.content_type = type;
    in.content_encoding = encoding;
    const std::string target = "/odr/v1/complaints:batch";
    SignedHeaders h = sign_request("k1", key, "POST", target, body, t);
    in.signed_part = SignedRequest{"POST", target, body, h.kiosk, h.timestamp, h.nonce, h.signature};
    IntakeLimits limits;
    limits.max_body_bytes = 1000;
    limits.max_items = max_items;
    return check_batch_request(
        in, limits, "complaints",
        [](const std::string& k) { return k == "k1" ? std::optional<std::string>(kKey) : std::nullopt; }, kNow,
        [this](const std::string&, const std::string&) { return ++nonces_seen > 0; });
  }
};

}  // namespace

TEST(Intake, ChecksInThePagesOrder) {
  Server s;
  EXPECT_EQ(s.check("{}", "", "text/plain").http_status, 415);
  EXPECT_EQ(s.check(std::string(1001, ' ')).error.code, wire_err::body_too_large);
  EXPECT_EQ(s.check("{}", "br").http_status, 415);
  EXPECT_EQ(s.nonces_seen, 0);  // nothing above reached the signature
  EXPECT_EQ(s.check("{}", "", "application/json", kNow, std::string(32, 'x')).error.code, auth_err::bad_signature);
  RequestCheck skew = s.check("{}", "", "application/json", kNow - 301);
  EXPECT_EQ(skew.error.code, auth_err::clock_skew);
  EXPECT_EQ(skew.error.server_time, kNow);
  EXPECT_EQ(s.nonces_seen, 0);  // a refused request never burns a nonce
  EXPECT_EQ(s.check("{}").error.code, wire_err::bad_request);
  EXPECT_EQ(s.check("garbage", "gzip").error.code, wire_err::bad_request);
  EXPECT_EQ(s.check(gzip_compress(std::string(5000, ' ')), "gzip").error.code, wire_err::body_too_large);
  EXPECT_EQ(s.check(R"({"complaints":[{},{},{}]})").error.code, wire_err::too_many_items);
  RequestCheck ok = s.check(gzip_compress(R"({"complaints":[{"id":"x"}]})"), "gzip");
  ASSERT_TRUE(ok.ok) << ok.error.message;
  EXPECT_EQ(ok.kiosk, "k1");
  EXPECT_EQ(ok.items.size(), 1u);
  EXPECT_EQ(string_at(ok.items[0], "id"), "x");
}

TEST(Intake, ItemRulesNameTheField) {
  ValidationContext ctx;
  Complaint c;
  ItemError e = check_complaint_item(nlohmann::json{{"id", 5}}, "k1", ctx, c);
  EXPECT_EQ(e.code, wire_err::invalid_field);
  EXPECT_EQ(e.field, "id");
  Event ev;
  e = check_event_item(nlohmann::json::array(), ctx, ev);
  EXPECT_EQ(e.code, wire_err::invalid_field);
}

TEST(Heartbeat, RoundTripsAndRefusesWhatBreaksTheRules) {
  Heartbeat h;
  h.version = "odr-kiosk 0.1.0";
  h.outbox = {{"gateway", 3, 1}, {"hub", 0, 2}};
  h.last_gateway_success = "2026-11-28T09:07:00+08:00";
  h.clock_offset_s = -2;
  h.disk_free_bytes = 42;
  h.printer = "paper_out";
  Heartbeat back;
  std::string why;
  ASSERT_TRUE(parse_heartbeat(to_json_text(h), back, why)) << why;
  EXPECT_EQ(to_json_text(back), to_json_text(h));
  EXPECT_TRUE(parse_heartbeat(R"({"version":"v"})", back, why)) << why;
  for (const char* bad : {R"({})", R"({"version":""})", R"([1])", "not json",
                          R"({"version":"v","outbox":[{"destination":"gateway","pending":-1,"held":0}]})",
                          R"({"version":"v","outbox":[{"destination":"a","pending":1,"held":0},{"destination":"a","pending":1,"held":0}]})",
                          R"({"version":"v","last_complaint_at":"yesterday"})", R"({"version":"v","printer":"Paper Out"})",
                          R"({"version":"v","disk_free_bytes":-5})", R"({"version":"v","clock_offset_s":1.5})"}) {
    EXPECT_FALSE(parse_heartbeat(bad, back, why)) << bad;
    EXPECT_FALSE(why.empty()) << bad;
  }
}
