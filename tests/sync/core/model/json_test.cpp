// JSON exactly as the protocol page: field names and nesting, optional empty
// fields left out, event data only for its type, round trips, wrong types.
#include <gtest/gtest.h>

#include "model/json.h"
#include "model/validate.h"
#include "support/samples.h"

namespace odr::test {
namespace {

using nlohmann::json;

Complaint full_complaint() {
  Complaint c = sample_complaint();
  c.id = "0193a0b4-7c1d-7a3e-8f00-123456789abc";
  c.ticket = "A01-261128-0042";
  c.kiosk_id = "mall-01";
  c.created_at = "2026-11-28T09:07:00+08:00";
  c.purchase.order_no = "JD-8841";
  return c;
}

TEST(Json, ComplaintHasExactlyTheProtocolShape) {
  json j = full_complaint();
  json expected = json::parse(R"({
    "id": "0193a0b4-7c1d-7a3e-8f00-123456789abc",
    "ticket": "A01-261128-0042",
    "kiosk_id": "mall-01",
    "channel": "self_service",
    "created_at": "2026-11-28T09:07:00+08:00",
    "locale": "zh-CN",
    "respondent": {"name": "星光百货三楼某服饰店", "credit_code": "91350100M000100Y43",
                   "address": "南京市鼓楼区中山路 100 号", "region_code": "320106", "booth": "3F-12"},
    "consumer": {"name": "张三", "phone": "13812341234", "address": "南京市玄武区北京东路 1 号"},
    "category": {"kind": "goods", "code": "clothing", "problems": ["product_quality", "after_sales"]},
    "purchase": {"item": "羊毛大衣", "date": "2026-11-20", "amount_fen": 129900, "place": "三楼 3F-12",
                 "order_no": "JD-8841"},
    "description": "大衣穿了一次就起球，商家拒绝退换。\n要求退货。",
    "demand": {"types": ["return", "refund"], "amount_fen": 129900, "text": "全额退款"},
    "consent": {"notice_version": "2026-01", "accepted_at": "2026-11-28T09:58:00+08:00",
                "transfer_to_platform": true}
  })");
  EXPECT_EQ(j, expected) << j.dump(2);
  EXPECT_TRUE(j["purchase"]["amount_fen"].is_number_integer());
}

TEST(Json, OptionalEmptyFieldsAreLeftOut) {
  Complaint c = full_complaint();
  c.respondent.booth.clear();
  c.purchase.place.clear();
  c.purchase.order_no.clear();
  c.demand.amount_fen.reset();
  c.demand.text.clear();
  json j = c;
  EXPECT_FALSE(j["respondent"].contains("booth"));
  EXPECT_FALSE(j["purchase"].contains("place"));
  EXPECT_FALSE(j["purchase"].contains("order_no"));
  EXPECT_FALSE(j["demand"].contains("amount_fen"));
  EXPECT_FALSE(j["demand"].contains("text"));
  EXPECT_EQ(j["demand"].size(), 1u);
  // A zero amount is a value, not an absence.
  c.demand.amount_fen = 0;
  EXPECT_EQ(json(c)["demand"]["amount_fen"], 0);
}

TEST(Json, ComplaintRoundTripKeepsEveryByte) {
  Complaint c = full_complaint();
  c.description = "'); DROP TABLE complaints; -- 😡\n\"引号\" \\ \u2028 end";
  c.consumer.name = "O'Brien 😀";
  std::string text = json(c).dump();
  Complaint back = json::parse(text).get<Complaint>();
  EXPECT_EQ(json(back), json(c));
  EXPECT_EQ(back.description, c.description);
  EXPECT_EQ(back.consumer.name, c.consumer.name);
  EXPECT_EQ(back.demand.amount_fen, c.demand.amount_fen);
  EXPECT_EQ(back.consent.transfer_to_platform, true);
}

TEST(Json, ReadingIgnoresUnknownFieldsAndLeavesMissingOnesForValidation) {
  json j = full_complaint();
  j["future_field"] = {1, 2, 3};
  j["consumer"]["wechat"] = "x";
  j.erase("description");
  j["purchase"].erase("amount_fen");
  Complaint c = j.get<Complaint>();
  EXPECT_EQ(c.consumer.phone, "13812341234");
  EXPECT_EQ(c.description, "");
  ValidationContext ctx;
  ctx.now_unix_s = kNowS;
  auto errors = validate_complaint(c, ctx, true);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "description");
  EXPECT_EQ(errors[0].code, err::required);
}

TEST(Json, WrongTypesThrow) {
  json base = full_complaint();
  auto throws = [&](auto change) {
    json j = base;
    change(j);
    EXPECT_THROW((void)j.get<Complaint>(), json::exception) << j.dump();
  };
  throws([](json& j) { j["purchase"]["amount_fen"] = 12.5; });
  throws([](json& j) { j["purchase"]["amount_fen"] = "1299"; });
  throws([](json& j) { j["consumer"] = "张三"; });
  throws([](json& j) { j["category"]["problems"] = "price"; });
  throws([](json& j) { j["consent"]["transfer_to_platform"] = "yes"; });
  throws([](json& j) { j["id"] = 42; });
  EXPECT_THROW((void)json::array().get<Complaint>(), json::exception);
  // null is treated like absent.
  json j = base;
  j["respondent"]["booth"] = nullptr;
  EXPECT_EQ(j.get<Complaint>().respondent.booth, "");
}

TEST(Json, EventDataHoldsOnlyTheFieldsOfItsType) {
  const std::string cid = "0193a0b4-7c1d-7a3e-8f00-123456789abc";
  struct Expect {
    const char* type;
    const char* data;
  };
  const Expect cases[] = {
      {"first_response", R"({"note":"已联系商家"})"},
      {"settled", R"({"outcomes":["refund"],"amount_fen":129900})"},
      {"not_settled", R"({"reason":"商家不同意"})"},
      {"compensation_prepaid", R"({"amount_fen":50000})"},
      {"satisfaction", R"({"score":5,"comment":"很满意"})"},
      {"withdrawn", R"({"reason":"已自行解决"})"},
  };
  for (const auto& x : cases) {
    Event e = sample_event(cid, x.type);
    e.id = "0193a0b5-0000-7000-8000-000000000001";
    e.at = "2026-11-28T10:00:00+08:00";
    // Stray fields of other types never reach the wire.
    if (std::string(x.type) != "satisfaction") e.data.comment = "stray";
    if (std::string(x.type) != "not_settled" && std::string(x.type) != "withdrawn") e.data.reason = "stray";
    json j = e;
    EXPECT_EQ(j["data"], json::parse(x.data)) << x.type << ": " << j.dump();
    EXPECT_EQ(j["type"], x.type);
    EXPECT_EQ(j["complaint_id"], cid);
    EXPECT_EQ(j.contains("staff_id"), is_staff_event(x.type)) << x.type;
    EXPECT_EQ(j.contains("method"), is_staff_event(x.type)) << x.type;
  }
}

TEST(Json, EventRoundTripAndProtocolShape) {
  Event e = sample_event("0193a0b4-7c1d-7a3e-8f00-123456789abc", "settled");
  e.id = "0193a0b5-0000-7000-8000-000000000001";
  e.at = "2026-11-28T10:00:00+08:00";
  e.data.note = "退款到原支付方式";
  json j = e;
  EXPECT_EQ(j, json::parse(R"({"id":"0193a0b5-0000-7000-8000-000000000001",
    "complaint_id":"0193a0b4-7c1d-7a3e-8f00-123456789abc","type":"settled","method":"on_site",
    "at":"2026-11-28T10:00:00+08:00","staff_id":"staff-007",
    "data":{"outcomes":["refund"],"amount_fen":129900,"note":"退款到原支付方式"}})"));
  Event back = json::parse(j.dump()).get<Event>();
  EXPECT_EQ(json(back), j);
  EXPECT_EQ(back.data.amount_fen, 129900);

  // On read, another type's fields in data are unknown fields: ignored.
  json s = json::parse(R"({"id":"0193a0b5-0000-7000-8000-000000000002","complaint_id":"0193a0b4-7c1d-7a3e-8f00-123456789abc",
    "type":"satisfaction","at":"2026-11-28T10:00:00+08:00","data":{"score":4,"amount_fen":5,"note":"x"}})");
  Event sat = s.get<Event>();
  EXPECT_EQ(sat.data.score, 4);
  EXPECT_FALSE(sat.data.amount_fen);
  EXPECT_EQ(sat.data.note, "");
  ValidationContext ctx;
  EXPECT_TRUE(validate_event(sat, ctx, true).empty());

  s["data"]["score"] = 4.5;
  EXPECT_THROW((void)s.get<Event>(), json::exception);
  s["data"]["score"] = 1000000000000LL;
  EXPECT_FALSE(validate_event(s.get<Event>(), ctx).empty()) << "a huge score is out of range, not wrapped";
}

}  // namespace
}  // namespace odr::test

namespace odr::test {
namespace {

TEST(Json, AnAmountBeyondInt64IsTooLargeNotNegative) {
  nlohmann::json j = nlohmann::json::parse(R"({"purchase":{"amount_fen":18446744073709551615},"demand":{"amount_fen":9223372036854775808}})");
  Complaint c;
  from_json(j, c);
  EXPECT_GT(c.purchase.amount_fen, 0);
  ASSERT_TRUE(c.demand.amount_fen);
  EXPECT_GT(*c.demand.amount_fen, 0);
  ValidationContext ctx;
  ctx.now_unix_s = kNowS;
  Complaint ok = sample_complaint();
  ok.purchase.amount_fen = c.purchase.amount_fen;
  ok.demand.amount_fen = c.demand.amount_fen;
  std::string codes;
  for (const FieldError& e : validate_complaint(ok, ctx)) codes += e.field + ":" + e.code + " ";
  EXPECT_EQ(codes, "purchase.amount_fen:amount_too_large demand.amount_fen:amount_too_large ");
}

TEST(UntrustedJson, DepthIsCountedOutsideStringsAndNulBytesAreRefused) {
  std::string why;
  auto nested = [](size_t n) { return std::string(n, '[') + std::string(n, ']'); };
  EXPECT_FALSE(parse_untrusted_json(nested(kMaxJsonDepth), &why).is_discarded()) << why;
  EXPECT_TRUE(parse_untrusted_json(nested(kMaxJsonDepth + 1), &why).is_discarded());
  EXPECT_EQ(why, "it nests deeper than 64 levels");
  // Brackets inside strings (and escaped quotes) are text, not nesting.
  std::string text = "{\"a\":\"" + std::string(500, '[') + "\\\"" + std::string(500, '{') + "\"}";
  EXPECT_FALSE(parse_untrusted_json(text, &why).is_discarded()) << why;
  EXPECT_TRUE(parse_untrusted_json(std::string("{}\0{}", 5), &why).is_discarded());
  EXPECT_EQ(why, "it holds a NUL byte");
  EXPECT_TRUE(parse_untrusted_json("{\"a\":", &why).is_discarded());
  EXPECT_EQ(why, "it is not valid JSON");
  EXPECT_TRUE(parse_untrusted_json(std::string(1000000, '[')).is_discarded()) << "unclosed, deep: no crash";
}

}  // namespace
}  // namespace odr::test

namespace odr::test {
namespace {

// Every path of a JSON object's members, parents before their members.
void paths_of(const nlohmann::json& j, const std::string& prefix, std::vector<std::string>& out) {
  for (const auto& [k, v] : j.items()) {
    out.push_back(prefix + k);
    if (v.is_object()) paths_of(v, prefix + k + ".", out);
  }
}

bool listed(const std::vector<WireField>& fields, const std::string& path) {
  for (const WireField& f : fields)
    if (path == f.path) return true;
  return false;
}

// The type table the simulator and the import check against covers every
// field the kiosk writes, so a new field cannot go unchecked on either side.
TEST(WireFields, CoverEveryFieldWrittenAndFindTheFirstWrongType) {
  std::vector<std::string> paths;
  paths_of(json(full_complaint()), "", paths);
  for (const std::string& p : paths) EXPECT_TRUE(listed(complaint_wire_fields(), p)) << p;
  for (const char* type : {"first_response", "settled", "not_settled", "compensation_prepaid", "satisfaction", "withdrawn"}) {
    Event e = sample_event("0193a0b4-7c1d-7a3e-8f00-123456789abc", type);
    e.id = "0193a0b5-0000-7000-8000-000000000001";
    e.at = "2026-11-28T10:00:00+08:00";
    std::vector<std::string> ep;
    paths_of(json(e), "", ep);
    for (const std::string& p : ep) EXPECT_TRUE(listed(event_wire_fields(), p)) << type << " " << p;
  }

  json j = full_complaint();
  EXPECT_EQ(first_type_problem(j, complaint_wire_fields(), true).field, nullptr);
  j["purchase"]["amount_fen"] = "1299";
  j["demand"]["types"] = json::array({"refund", 3});
  WireTypeProblem p = first_type_problem(j, complaint_wire_fields(), true);
  ASSERT_NE(p.field, nullptr);
  EXPECT_EQ(std::string(p.field->path), "purchase.amount_fen");
  EXPECT_FALSE(p.missing);
  EXPECT_STREQ(type_name(p.field->type), "an integer");
  // A parent of the wrong type is reported, not its members.
  j = full_complaint();
  j["consumer"] = "张三";
  p = first_type_problem(j, complaint_wire_fields(), false);
  ASSERT_NE(p.field, nullptr);
  EXPECT_EQ(std::string(p.field->path), "consumer");
  // A missing object counts only when presence is asked for.
  j.erase("consumer");
  EXPECT_EQ(first_type_problem(j, complaint_wire_fields(), false).field, nullptr);
  p = first_type_problem(j, complaint_wire_fields(), true);
  ASSERT_NE(p.field, nullptr);
  EXPECT_TRUE(p.missing);
  EXPECT_EQ(std::string(p.field->path), "consumer");
}

}  // namespace
}  // namespace odr::test
