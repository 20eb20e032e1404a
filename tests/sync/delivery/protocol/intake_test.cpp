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

// The hub's forwarded platform updates (updates:batch): the types first,
// then the values, each problem naming its field; the one-of rule.
TEST(Intake, ForwardedUpdateRules) {
  const nlohmann::json good = {{"id", "0192f0c4-1111-7000-8000-000000000001"},
                               {"complaint_id", "0192f0b1-2222-7000-8000-000000000002"},
                               {"status", "mediating"}, {"at", "2026-11-28T10:07:00+08:00"}};
  ForwardedUpdate u;
  EXPECT_EQ(check_update_item(good, u).code, "");
  EXPECT_EQ(u.status, "mediating");
  auto field_of = [](nlohmann::json item) {
    ForwardedUpdate out;
    ItemError e = check_update_item(item, out);
    return e.code.empty() ? std::string("ok") : e.field + " " + e.message.substr(0, e.message.find(':'));
  };
  auto with = [&](const char* key, nlohmann::json v) {
    nlohmann::json j = good;
    if (v.is_null()) j.erase(key);
    else j[key] = v;
    return j;
  };
  EXPECT_EQ(field_of(with("id", nullptr)), "id required");
  EXPECT_EQ(field_of(with("id", "x")), "id bad_id");
  EXPECT_EQ(field_of(with("at", 5)), "at wrong_type");
  EXPECT_EQ(field_of(with("status", "done")), "status bad_choice");
  EXPECT_EQ(field_of(with("status", nullptr)), "status required");
  EXPECT_EQ(field_of(with("case_no", "")), "case_no too_short");
  EXPECT_EQ(field_of(with("case_no", std::string(65, '1'))), "case_no too_long");
  EXPECT_EQ(field_of(with("case_no", "GZ\u202e1")), "case_no control_chars");
  EXPECT_EQ(field_of(with("note", std::string(501, 'n'))), "note too_long");
  EXPECT_EQ(field_of(with("note", "第一行\n第二行")), "ok");
  nlohmann::json only_case = with("status", nullptr);
  only_case["case_no"] = "GZ-1";
  EXPECT_EQ(field_of(only_case), "ok");
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
