// Every field rule of the protocol page (COMPLAINT, EVENT) and issue 2, with
// valid and invalid examples, and the messages the shopper reads.
#include <gtest/gtest.h>

#include <functional>

#include "model/validate.h"
#include "support/samples.h"
#include "util/time.h"

namespace odr::test {
namespace {

ValidationContext ctx_at(int64_t now_s = kNowS) {
  ValidationContext ctx;
  ctx.now_unix_s = now_s;
  return ctx;
}

std::string codes(const std::vector<FieldError>& errors) {
  std::string s;
  for (const auto& e : errors) s += (s.empty() ? "" : " ") + e.field + ":" + e.code;
  return s;
}

std::string repeat(const std::string& unit, size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += unit;
  return s;
}

TEST(Validate, SampleComplaintAndEventsAreValid) {
  EXPECT_EQ(codes(validate_complaint(sample_complaint(), ctx_at())), "");
  for (const auto& type : kEventTypes) {
    Event e = sample_event("0193a0b4-7c1d-7a3e-8f00-123456789abc", type);
    EXPECT_EQ(codes(validate_event(e, ctx_at())), "") << type;
  }
}

// One broken field in, exactly one error out: field and code.
struct ComplaintCase {
  const char* name;
  std::function<void(Complaint&)> change;
  const char* expected;  // "field:code", or "" for still valid
};

class ComplaintRules : public ::testing::TestWithParam<ComplaintCase> {};

TEST_P(ComplaintRules, OneRule) {
  Complaint c = sample_complaint();
  GetParam().change(c);
  EXPECT_EQ(codes(validate_complaint(c, ctx_at())), GetParam().expected);
}

const ComplaintCase kComplaintCases[] = {
    // identity: filled by the store; when present it must be well-formed
    {"id_v7", [](Complaint& c) { c.id = "0193a0b4-7c1d-7a3e-8f00-123456789abc"; }, ""},
    {"id_bad", [](Complaint& c) { c.id = "not-a-uuid"; }, "id:bad_id"},
    {"id_v4", [](Complaint& c) { c.id = "3f2b8c1e-9d4a-4b6f-a1c2-0e9f8d7c6b5a"; }, ""},
    {"id_v1", [](Complaint& c) { c.id = "3f2b8c1e-9d4a-1b6f-a1c2-0e9f8d7c6b5a"; }, "id:bad_id"},
    {"id_bad_variant", [](Complaint& c) { c.id = "0193a0b4-7c1d-7a3e-cf00-123456789abc"; }, "id:bad_id"},
    {"id_nil", [](Complaint& c) { c.id = "00000000-0000-0000-0000-000000000000"; }, "id:bad_id"},
    {"kiosk_bad", [](Complaint& c) { c.kiosk_id = "kiosk 1"; }, "kiosk_id:bad_id"},
    {"created_bad", [](Complaint& c) { c.created_at = "2026-11-28 10:00"; }, "created_at:bad_time"},
    {"channel_staff", [](Complaint& c) { c.channel = "staff_assisted"; }, ""},
    {"channel_bad", [](Complaint& c) { c.channel = "web"; }, "channel:bad_choice"},
    {"locale_en", [](Complaint& c) { c.locale = "en"; }, ""},
    {"locale_hant", [](Complaint& c) { c.locale = "zh-Hant-TW"; }, ""},
    {"locale_empty", [](Complaint& c) { c.locale = ""; }, "locale:required"},
    {"locale_bad", [](Complaint& c) { c.locale = "chinese!"; }, "locale:bad_choice"},
    // respondent
    {"resp_name_empty", [](Complaint& c) { c.respondent.name = ""; }, "respondent.name:required"},
    {"resp_name_blank", [](Complaint& c) { c.respondent.name = "\xE3\x80\x80  "; }, "respondent.name:required"},
    {"resp_name_long", [](Complaint& c) { c.respondent.name = repeat("店", 101); }, "respondent.name:too_long"},
    {"credit_empty", [](Complaint& c) { c.respondent.credit_code = ""; }, "respondent.credit_code:required"},
    {"credit_other_valid", [](Complaint& c) { c.respondent.credit_code = "91110000100006485K"; }, ""},
    {"credit_checksum", [](Complaint& c) { c.respondent.credit_code = "91350100M000100Y44"; },
     "respondent.credit_code:bad_credit_code"},
    {"credit_17", [](Complaint& c) { c.respondent.credit_code = "91350100M000100Y4"; },
     "respondent.credit_code:bad_credit_code"},
    {"credit_letter_I", [](Complaint& c) { c.respondent.credit_code = "91350100I000100Y43"; },
     "respondent.credit_code:bad_credit_code"},
    {"credit_lowercase", [](Complaint& c) { c.respondent.credit_code = "91350100m000100y43"; },
     "respondent.credit_code:bad_credit_code"},
    {"resp_address_short", [](Complaint& c) { c.respondent.address = "南"; }, "respondent.address:too_short"},
    {"region_empty", [](Complaint& c) { c.respondent.region_code = ""; }, "respondent.region_code:required"},
    {"region_5", [](Complaint& c) { c.respondent.region_code = "32010"; }, "respondent.region_code:bad_region_code"},
    {"region_letters", [](Complaint& c) { c.respondent.region_code = "32O106"; },
     "respondent.region_code:bad_region_code"},
    {"region_no_province", [](Complaint& c) { c.respondent.region_code = "990000"; },
     "respondent.region_code:bad_region_code"},
    {"booth_optional", [](Complaint& c) { c.respondent.booth = ""; }, ""},
    {"booth_long", [](Complaint& c) { c.respondent.booth = repeat("B", 33); }, "respondent.booth:too_long"},
    // consumer
    {"name_empty", [](Complaint& c) { c.consumer.name = ""; }, "consumer.name:required"},
    {"name_1", [](Complaint& c) { c.consumer.name = "王"; }, ""},
    {"name_50_cjk", [](Complaint& c) { c.consumer.name = repeat("王", 50); }, ""},
    {"name_51", [](Complaint& c) { c.consumer.name = repeat("王", 51); }, "consumer.name:too_long"},
    {"name_emoji_counts_one", [](Complaint& c) { c.consumer.name = repeat("😀", 50); }, ""},
    {"name_tab", [](Complaint& c) { c.consumer.name = "张\t三"; }, "consumer.name:control_chars"},
    {"name_newline", [](Complaint& c) { c.consumer.name = "张\n三"; }, "consumer.name:control_chars"},
    {"name_c1", [](Complaint& c) { c.consumer.name = "张\xC2\x85三"; }, "consumer.name:control_chars"},
    {"name_del", [](Complaint& c) { c.consumer.name = "张\x7F"; }, "consumer.name:control_chars"},
    {"name_bad_utf8", [](Complaint& c) { c.consumer.name = "张\xE4\xB8"; }, "consumer.name:bad_utf8"},
    {"name_overlong", [](Complaint& c) { c.consumer.name = "\xC0\xAF"; }, "consumer.name:bad_utf8"},
    {"name_surrogate", [](Complaint& c) { c.consumer.name = "\xED\xA0\x80"; }, "consumer.name:bad_utf8"},
    {"name_latin1", [](Complaint& c) { c.consumer.name = "Jos\xE9"; }, "consumer.name:bad_utf8"},
    {"phone_empty", [](Complaint& c) { c.consumer.phone = ""; }, "consumer.phone:required"},
    {"phone_199", [](Complaint& c) { c.consumer.phone = "19912345678"; }, ""},
    {"phone_12x", [](Complaint& c) { c.consumer.phone = "12812345678"; }, "consumer.phone:bad_phone"},
    {"phone_10", [](Complaint& c) { c.consumer.phone = "1381234123"; }, "consumer.phone:bad_phone"},
    {"phone_12", [](Complaint& c) { c.consumer.phone = "138123412345"; }, "consumer.phone:bad_phone"},
    {"phone_plus86", [](Complaint& c) { c.consumer.phone = "+8613812341234"; }, "consumer.phone:bad_phone"},
    {"phone_landline", [](Complaint& c) { c.consumer.phone = "02584561234"; }, "consumer.phone:bad_phone"},
    {"phone_fullwidth", [](Complaint& c) { c.consumer.phone = "１３８１２３４１２３４"; }, "consumer.phone:bad_phone"},
    {"address_1", [](Complaint& c) { c.consumer.address = "南"; }, "consumer.address:too_short"},
    {"address_2", [](Complaint& c) { c.consumer.address = "南京"; }, ""},
    {"address_200", [](Complaint& c) { c.consumer.address = repeat("路", 200); }, ""},
    {"address_201", [](Complaint& c) { c.consumer.address = repeat("路", 201); }, "consumer.address:too_long"},
    // category
    {"kind_service", [](Complaint& c) { c.category.kind = "service"; }, ""},
    {"kind_bad", [](Complaint& c) { c.category.kind = "food"; }, "category.kind:bad_choice"},
    {"kind_empty", [](Complaint& c) { c.category.kind = ""; }, "category.kind:required"},
    {"code_empty", [](Complaint& c) { c.category.code = ""; }, "category.code:required"},
    {"problems_none", [](Complaint& c) { c.category.problems.clear(); }, "category.problems:required"},
    {"problems_all", [](Complaint& c) { c.category.problems = kProblemCodes; }, ""},
    {"problems_bad", [](Complaint& c) { c.category.problems = {"price", "rude"}; }, "category.problems:bad_choice"},
    // purchase
    {"item_empty", [](Complaint& c) { c.purchase.item = ""; }, "purchase.item:required"},
    {"date_empty", [](Complaint& c) { c.purchase.date = ""; }, "purchase.date:required"},
    {"date_today", [](Complaint& c) { c.purchase.date = "2026-11-28"; }, ""},
    {"date_tomorrow", [](Complaint& c) { c.purchase.date = "2026-11-29"; }, "purchase.date:future_date"},
    {"date_feb30", [](Complaint& c) { c.purchase.date = "2026-02-30"; }, "purchase.date:bad_date"},
    {"date_slashes", [](Complaint& c) { c.purchase.date = "2026/11/20"; }, "purchase.date:bad_date"},
    {"date_leap", [](Complaint& c) { c.purchase.date = "2024-02-29"; }, ""},
    {"amount_zero", [](Complaint& c) { c.purchase.amount_fen = 0; }, ""},
    {"amount_negative", [](Complaint& c) { c.purchase.amount_fen = -1; }, "purchase.amount_fen:bad_amount"},
    {"amount_max", [](Complaint& c) { c.purchase.amount_fen = kMaxAmountFen; }, ""},
    {"amount_over", [](Complaint& c) { c.purchase.amount_fen = kMaxAmountFen + 1; },
     "purchase.amount_fen:amount_too_large"},
    {"place_optional", [](Complaint& c) { c.purchase.place = ""; }, ""},
    {"order_no_ctrl", [](Complaint& c) { c.purchase.order_no = "A\x01"; }, "purchase.order_no:control_chars"},
    // description
    {"desc_empty", [](Complaint& c) { c.description = ""; }, "description:required"},
    {"desc_9", [](Complaint& c) { c.description = repeat("坏", 9); }, "description:too_short"},
    {"desc_10", [](Complaint& c) { c.description = repeat("坏", 10); }, ""},
    {"desc_2000", [](Complaint& c) { c.description = repeat("坏", 2000); }, ""},
    {"desc_2001", [](Complaint& c) { c.description = repeat("坏", 2001); }, "description:too_long"},
    {"desc_2000_emoji", [](Complaint& c) { c.description = repeat("😡", 2000); }, ""},
    {"desc_2001_ascii", [](Complaint& c) { c.description = repeat("a", 2001); }, "description:too_long"},
    {"desc_newlines", [](Complaint& c) { c.description = "第一行内容很长很长\r\n第二行\n第三行"; }, ""},
    {"desc_tab", [](Complaint& c) { c.description = "第一行内容很长很长\t第二行"; }, "description:control_chars"},
    {"desc_nul", [](Complaint& c) { c.description = std::string("第一行内容很长很长\0x", 29); },
     "description:control_chars"},
    {"desc_bad_utf8", [](Complaint& c) { c.description = "第一行内容很长很长\xFF\xFE"; }, "description:bad_utf8"},
    {"desc_sql", [](Complaint& c) { c.description = "'); DROP TABLE complaints; --"; }, ""},
    // demand
    {"demand_none", [](Complaint& c) { c.demand.types.clear(); }, "demand.types:required"},
    {"demand_all", [](Complaint& c) { c.demand.types = kDemandTypes; }, ""},
    {"demand_bad", [](Complaint& c) { c.demand.types = {"money"}; }, "demand.types:bad_choice"},
    {"demand_amount_absent", [](Complaint& c) { c.demand.amount_fen.reset(); }, ""},
    {"demand_amount_neg", [](Complaint& c) { c.demand.amount_fen = -5; }, "demand.amount_fen:bad_amount"},
    {"demand_amount_huge", [](Complaint& c) { c.demand.amount_fen = INT64_MAX; },
     "demand.amount_fen:amount_too_large"},
    {"demand_text_500", [](Complaint& c) { c.demand.text = repeat("退", 500); }, ""},
    {"demand_text_501", [](Complaint& c) { c.demand.text = repeat("退", 501); }, "demand.text:too_long"},
    {"demand_text_newline", [](Complaint& c) { c.demand.text = "退款\n道歉"; }, ""},
    // consent: both must be given
    {"consent_no_notice", [](Complaint& c) { c.consent.notice_version = ""; }, "consent.notice_version:consent_missing"},
    {"consent_no_time", [](Complaint& c) { c.consent.accepted_at = ""; }, "consent.accepted_at:consent_missing"},
    {"consent_bad_time", [](Complaint& c) { c.consent.accepted_at = "yesterday"; }, "consent.accepted_at:bad_time"},
    {"consent_no_transfer", [](Complaint& c) { c.consent.transfer_to_platform = false; },
     "consent.transfer_to_platform:consent_missing"},
};

INSTANTIATE_TEST_SUITE_P(Complaint, ComplaintRules, ::testing::ValuesIn(kComplaintCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Validate, IdentityRequiredOnTheWire) {
  Complaint c = sample_complaint();
  EXPECT_EQ(codes(validate_complaint(c, ctx_at(), true)),
            "id:required ticket:required kiosk_id:required created_at:required");
  c.id = "0193a0b4-7c1d-7a3e-8f00-123456789abc";
  c.ticket = "A01-261128-0042";
  c.kiosk_id = "mall-01";
  c.created_at = "2026-11-28T10:00:00+08:00";
  EXPECT_EQ(codes(validate_complaint(c, ctx_at(), true)), "");
}

TEST(Validate, TimesOutsideAPlausibleWindowOfTheKioskClockAreRefused) {
  ValidationContext ctx = ctx_at();
  ctx.kiosk_clock = true;
  auto created = [&](const std::string& t) {
    Complaint c = sample_complaint();
    c.created_at = t;
    return codes(validate_complaint(c, ctx));
  };
  EXPECT_EQ(created("2026-11-28T10:00:00+08:00"), "");
  EXPECT_EQ(created("2026-11-28T10:09:59+08:00"), "") << "a clock a little ahead";
  EXPECT_EQ(created("2026-11-28T10:10:01+08:00"), "created_at:implausible_time");
  EXPECT_EQ(created("2099-01-01T00:00:00+08:00"), "created_at:implausible_time");
  EXPECT_EQ(created("1970-01-01T00:00:00Z"), "created_at:implausible_time");
  EXPECT_EQ(created("0001-01-01T00:00:00+23:59"), "created_at:implausible_time");
  EXPECT_EQ(created("2025-11-28T10:00:00+08:00"), "") << "paper from up to a year ago";
  EXPECT_EQ(created("2025-11-26T10:00:00+08:00"), "created_at:implausible_time") << "more than 366 days";
  Complaint c = sample_complaint();
  c.consent.accepted_at = "2099-01-01T00:00:00+08:00";
  EXPECT_EQ(codes(validate_complaint(c, ctx)), "consent.accepted_at:implausible_time");
  // Without the kiosk's clock (the gateway's own checks) only the form counts.
  EXPECT_EQ(codes(validate_complaint(c, ctx_at())), "");
}

TEST(Validate, HiddenFormattingCharactersAreRefusedInTexts) {
  for (const char* hidden : {"\u202E", "\u202D", "\u2066", "\u200B", "\u200E", "\u2060", "\uFEFF", "\u00AD"}) {
    Complaint c = sample_complaint();
    c.consumer.name = std::string("张") + hidden + "三";
    c.description = std::string("大衣穿了一次就起球") + hidden + "，商家拒绝退换。";
    EXPECT_EQ(codes(validate_complaint(c, ctx_at())), "consumer.name:hidden_chars description:hidden_chars")
        << "U+" << hidden;
  }
  Complaint c = sample_complaint();
  c.description = "大衣穿了一次就起球，家里人都看到了👨\u200D👩\u200D👧。";  // an emoji family keeps its joiners
  EXPECT_EQ(codes(validate_complaint(c, ctx_at())), "");
  c.consumer.name = "张\u200D三";
  EXPECT_EQ(codes(validate_complaint(c, ctx_at())), "consumer.name:hidden_chars") << "a joiner between letters";
}

TEST(Validate, CategoryCodeFromTheKioskList) {
  ValidationContext ctx = ctx_at();
  ctx.category_codes = {"clothing", "food"};
  Complaint c = sample_complaint();
  EXPECT_EQ(codes(validate_complaint(c, ctx)), "");
  c.category.code = "cars";
  EXPECT_EQ(codes(validate_complaint(c, ctx)), "category.code:bad_choice");
}

TEST(Validate, FutureDateAtTheTimeZoneBoundary) {
  Complaint c = sample_complaint();
  c.purchase.date = "2026-11-28";
  // 2026-11-27T15:59:59Z is 23:59:59 on the 27th in Shanghai: the 28th is tomorrow.
  const int64_t midnight_shanghai = *parse_rfc3339("2026-11-28T00:00:00+08:00");
  EXPECT_EQ(codes(validate_complaint(c, ctx_at(midnight_shanghai - 1))), "purchase.date:future_date");
  EXPECT_EQ(codes(validate_complaint(c, ctx_at(midnight_shanghai))), "");
  // In UTC it would still be the 27th at that moment; the kiosk's zone decides.
  ValidationContext utc = ctx_at(midnight_shanghai);
  utc.tz_offset_minutes = 0;
  EXPECT_EQ(codes(validate_complaint(c, utc)), "purchase.date:future_date");
}

TEST(Validate, AllErrorsAreReportedTogether) {
  Complaint c;
  c.channel = "";
  c.locale = "";
  c.consent.transfer_to_platform = false;
  auto errors = validate_complaint(c, ctx_at());
  EXPECT_EQ(codes(errors),
            "channel:required locale:required respondent.name:required respondent.credit_code:required "
            "respondent.address:required respondent.region_code:required consumer.name:required "
            "consumer.phone:required consumer.address:required category.kind:required category.code:required "
            "category.problems:required purchase.item:required purchase.date:required description:required "
            "demand.types:required consent.notice_version:consent_missing consent.accepted_at:consent_missing "
            "consent.transfer_to_platform:consent_missing");
}

TEST(Validate, CreditCodeChecksum) {
  // Check characters worked out by hand from GB 32100-2015 (weights 3^i mod 31).
  EXPECT_TRUE(is_valid_credit_code("91350100M000100Y43"));
  EXPECT_TRUE(is_valid_credit_code("91110000100006485K"));
  // Weighted sum = 0 mod 31: the check is 31 - 0 = 31, which is written '0'.
  EXPECT_TRUE(is_valid_credit_code("91320500MA1N2K3L70"));
  EXPECT_TRUE(is_valid_credit_code("91320500MA1N2K3LHY"));  // check value 30, the last letter
  // Every wrong check character fails.
  const std::string alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  int valid = 0;
  for (char ch : alphabet) valid += is_valid_credit_code(std::string("91350100M000100Y4") + ch);
  EXPECT_EQ(valid, 1);
  EXPECT_FALSE(is_valid_credit_code(""));
  EXPECT_FALSE(is_valid_credit_code("91350100M000100Y43X"));
  EXPECT_FALSE(is_valid_credit_code("91350100M000100Y4Z"));
}

TEST(Validate, MobileAndKioskId) {
  for (const char* ok : {"13000000000", "13812341234", "15912345678", "19999999999"}) EXPECT_TRUE(is_valid_mobile(ok));
  for (const char* bad : {"", "1381234123a", "23812341234", "11812341234", "138 1234 1234"})
    EXPECT_FALSE(is_valid_mobile(bad));
  EXPECT_TRUE(is_valid_kiosk_id("mall-01_A"));
  EXPECT_TRUE(is_valid_kiosk_id(std::string(64, 'k')));
  EXPECT_FALSE(is_valid_kiosk_id(std::string(65, 'k')));
  EXPECT_FALSE(is_valid_kiosk_id(""));
  EXPECT_FALSE(is_valid_kiosk_id("商场"));
}

// ---- events ---------------------------------------------------------------

struct EventCase {
  const char* name;
  const char* type;
  std::function<void(Event&)> change;
  const char* expected;
};

class EventRules : public ::testing::TestWithParam<EventCase> {};

TEST_P(EventRules, OneRule) {
  Event e = sample_event("0193a0b4-7c1d-7a3e-8f00-123456789abc", GetParam().type);
  GetParam().change(e);
  EXPECT_EQ(codes(validate_event(e, ctx_at())), GetParam().expected);
}

const EventCase kEventCases[] = {
    {"complaint_missing", "first_response", [](Event& e) { e.complaint_id = ""; }, "complaint_id:required"},
    {"complaint_bad", "first_response", [](Event& e) { e.complaint_id = "42"; }, "complaint_id:bad_id"},
    {"type_missing", "first_response", [](Event& e) { e.type = ""; }, "type:required"},
    {"type_bad", "first_response", [](Event& e) { e.type = "escalated"; }, "type:bad_choice"},
    {"at_bad", "first_response", [](Event& e) { e.at = "2026-11-28"; }, "at:bad_time"},
    {"id_bad", "first_response", [](Event& e) { e.id = "x"; }, "id:bad_id"},
    {"staff_method_missing", "first_response", [](Event& e) { e.method = ""; }, "method:required"},
    {"staff_method_bad", "settled", [](Event& e) { e.method = "email"; }, "method:bad_choice"},
    {"staff_method_phone", "not_settled", [](Event& e) { e.method = "phone"; }, ""},
    {"staff_id_missing", "compensation_prepaid", [](Event& e) { e.staff_id = ""; }, "staff_id:required"},
    {"consumer_no_staff_id", "satisfaction", [](Event& e) { e.staff_id = "staff-1"; }, "staff_id:not_allowed"},
    {"consumer_no_method", "withdrawn", [](Event& e) { e.method = "on_site"; }, "method:not_allowed"},
    {"note_optional", "first_response", [](Event& e) { e.data.note = ""; }, ""},
    {"note_long", "first_response", [](Event& e) { e.data.note = std::string(501, 'n'); }, "data.note:too_long"},
    {"settled_outcomes_missing", "settled", [](Event& e) { e.data.outcomes.clear(); }, "data.outcomes:required"},
    {"settled_outcomes_bad", "settled", [](Event& e) { e.data.outcomes = {"cash"}; }, "data.outcomes:bad_choice"},
    {"settled_amount_missing", "settled", [](Event& e) { e.data.amount_fen.reset(); }, "data.amount_fen:required"},
    {"settled_amount_zero", "settled", [](Event& e) { e.data.amount_fen = 0; }, ""},
    {"settled_amount_neg", "settled", [](Event& e) { e.data.amount_fen = -1; }, "data.amount_fen:bad_amount"},
    {"prepaid_amount_missing", "compensation_prepaid", [](Event& e) { e.data.amount_fen.reset(); },
     "data.amount_fen:required"},
    {"prepaid_amount_huge", "compensation_prepaid", [](Event& e) { e.data.amount_fen = kMaxAmountFen + 1; },
     "data.amount_fen:amount_too_large"},
    {"score_missing", "satisfaction", [](Event& e) { e.data.score = 0; }, "data.score:required"},
    {"score_1", "satisfaction", [](Event& e) { e.data.score = 1; }, ""},
    {"score_6", "satisfaction", [](Event& e) { e.data.score = 6; }, "data.score:bad_score"},
    {"score_neg", "satisfaction", [](Event& e) { e.data.score = -1; }, "data.score:bad_score"},
    {"comment_ctrl", "satisfaction", [](Event& e) { e.data.comment = "好\x1b[31m"; }, "data.comment:control_chars"},
    {"reason_bad_utf8", "withdrawn", [](Event& e) { e.data.reason = "\xF8\x88\x80\x80\x80"; }, "data.reason:bad_utf8"},
    // data holds only the fields of its type
    {"score_on_settled", "settled", [](Event& e) { e.data.score = 5; }, "data.score:not_allowed"},
    {"amount_on_first_response", "first_response", [](Event& e) { e.data.amount_fen = 1; },
     "data.amount_fen:not_allowed"},
    {"note_on_withdrawn", "withdrawn", [](Event& e) { e.data.note = "x"; }, "data.note:not_allowed"},
    {"reason_on_satisfaction", "satisfaction", [](Event& e) { e.data.reason = "x"; }, "data.reason:not_allowed"},
    {"outcomes_on_prepaid", "compensation_prepaid", [](Event& e) { e.data.outcomes = {"refund"}; },
     "data.outcomes:not_allowed"},
    {"comment_on_not_settled", "not_settled", [](Event& e) { e.data.comment = "x"; }, "data.comment:not_allowed"},
};

INSTANTIATE_TEST_SUITE_P(Event, EventRules, ::testing::ValuesIn(kEventCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Validate, EventIdentityRequiredOnTheWire) {
  Event e = sample_event("0193a0b4-7c1d-7a3e-8f00-123456789abc", "satisfaction");
  EXPECT_EQ(codes(validate_event(e, ctx_at(), true)), "id:required at:required");
}

// ---- messages ---------------------------------------------------------------

TEST(Messages, NameTheFieldInWordsInBothLanguages) {
  FieldError phone{"consumer.phone", err::bad_phone};
  std::string zh = error_message(phone, "zh-CN");
  std::string en = error_message(phone, "en");
  EXPECT_NE(zh.find("手机号码"), std::string::npos) << zh;
  EXPECT_NE(zh.find("11 位"), std::string::npos) << zh;
  EXPECT_NE(en.find("mobile number"), std::string::npos) << en;
  EXPECT_EQ(zh.find("consumer.phone"), std::string::npos) << "no wire paths on screen";
  EXPECT_EQ(en.find("consumer.phone"), std::string::npos);
  EXPECT_EQ(error_message(phone, "fr"), en) << "anything else: English";

  std::string too_long = error_message({"description", err::too_long}, "zh-CN");
  EXPECT_NE(too_long.find("投诉内容"), std::string::npos);
  EXPECT_NE(too_long.find("2000"), std::string::npos) << too_long;
  EXPECT_NE(error_message({"consumer.name", err::too_long}, "en").find("50"), std::string::npos);
  EXPECT_NE(error_message({"purchase.date", err::future_date}, "en").find("later than today"), std::string::npos);
}

TEST(Messages, EveryCodeForEveryFieldReadsLikeASentence) {
  const char* all_codes[] = {err::required,   err::too_short,       err::too_long,        err::bad_utf8,
                             err::control_chars, err::bad_phone,    err::bad_credit_code, err::bad_region_code,
                             err::bad_date,   err::future_date,     err::bad_time,        err::bad_amount,
                             err::amount_too_large, err::bad_choice, err::bad_id,         err::consent_missing,
                             err::bad_score,  err::not_allowed,     err::implausible_time, err::hidden_chars};
  const char* fields[] = {"id", "respondent.name", "respondent.credit_code", "consumer.phone", "consumer.address",
                          "category.problems", "purchase.date", "purchase.amount_fen", "description",
                          "demand.types", "consent.transfer_to_platform", "staff_id", "data.score"};
  for (const char* f : fields)
    for (const char* code : all_codes)
      for (const char* loc : {"zh-CN", "en"}) {
        std::string m = error_message({f, code}, loc);
        EXPECT_GT(m.size(), 8u) << f << " " << code;
        // No wire paths or codes on screen (plain words like "id" may appear inside words).
        if (std::string(f).find_first_of("._") != std::string::npos) {
          EXPECT_EQ(m.find(f), std::string::npos) << m;
        }
        if (std::string(code).find('_') != std::string::npos) {
          EXPECT_EQ(m.find(code), std::string::npos) << m;
        }
      }
}

TEST(Limits, KioskInputsCanStopAtTheLimit) {
  EXPECT_EQ(field_length_limits("consumer.name").max, 50u);
  EXPECT_EQ(field_length_limits("consumer.address").min, 2u);
  EXPECT_EQ(field_length_limits("description").min, 10u);
  EXPECT_EQ(field_length_limits("description").max, 2000u);
  EXPECT_EQ(field_length_limits("demand.text").max, 500u);
  EXPECT_EQ(field_length_limits("consumer.phone").max, 0u);
}


// 12345678901 has 11 digits and starts with 1: the message must say what is
// really wrong (no mobile prefix 12), not repeat "11 digits starting with 1".
TEST(Messages, APhoneMessageSaysWhatIsWrong) {
  auto message = [](const std::string& phone, const char* locale) {
    Complaint c = sample_complaint();
    c.consumer.phone = phone;
    for (const FieldError& e : validate_complaint(c, ctx_at()))
      if (e.field == "consumer.phone") return error_message(e, locale);
    return std::string();
  };
  const std::string p12 = message("12345678901", "zh-CN");
  EXPECT_NE(p12.find("12 开头"), std::string::npos) << p12;
  EXPECT_NE(p12.find("第 2 位"), std::string::npos) << p12;
  EXPECT_EQ(p12.find("以 1 开头的 11 位"), std::string::npos) << p12;
  EXPECT_NE(message("12345678901", "en").find("starts with 12"), std::string::npos);
  EXPECT_NE(message("1381234123", "zh-CN").find("这里是 10 位"), std::string::npos);
  EXPECT_NE(message("1381234123", "en").find("this one has 10"), std::string::npos);
  EXPECT_NE(message("23812341234", "en").find("starts with 1"), std::string::npos);
  EXPECT_NE(message("138-1234-123", "en").find("digits only"), std::string::npos);
  EXPECT_EQ(message("13812341234", "en"), "") << "a good number has no message";
  // The detail never carries the number itself.
  Complaint c = sample_complaint();
  c.consumer.phone = "12345678901";
  for (const FieldError& e : validate_complaint(c, ctx_at())) EXPECT_EQ(e.detail.find("345678"), std::string::npos);
}

}  // namespace
}  // namespace odr::test
