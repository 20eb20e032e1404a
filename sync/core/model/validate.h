// Field rules of the protocol page, checked before anything is saved (the
// kiosk) and again on arrival (platform-sim). Each broken rule is one
// FieldError with a stable code, naming the field by its wire path
// (e.g. "consumer.phone"), with a message a shopper understands.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "complaint.h"

namespace odr {

// Stable error codes (never renamed: tests, logs and translations key on them).
namespace err {
inline constexpr const char* required = "required";
inline constexpr const char* too_short = "too_short";
inline constexpr const char* too_long = "too_long";
inline constexpr const char* bad_utf8 = "bad_utf8";
inline constexpr const char* control_chars = "control_chars";
inline constexpr const char* bad_phone = "bad_phone";
inline constexpr const char* bad_credit_code = "bad_credit_code";
inline constexpr const char* bad_region_code = "bad_region_code";
inline constexpr const char* bad_date = "bad_date";
inline constexpr const char* future_date = "future_date";
inline constexpr const char* bad_time = "bad_time";
inline constexpr const char* bad_amount = "bad_amount";
inline constexpr const char* amount_too_large = "amount_too_large";
inline constexpr const char* bad_choice = "bad_choice";  // a value not in the allowed list
inline constexpr const char* bad_id = "bad_id";
inline constexpr const char* consent_missing = "consent_missing";
inline constexpr const char* bad_score = "bad_score";
inline constexpr const char* not_allowed = "not_allowed";  // a field that must be absent (e.g. staff_id on satisfaction)
inline constexpr const char* implausible_time = "implausible_time";  // outside the window around the kiosk's clock
inline constexpr const char* hidden_chars = "hidden_chars";  // bidi overrides, zero-width and other invisible formatting
}  // namespace err

// Amounts above this (1,000,000 yuan) are typing mistakes, not complaints.
inline constexpr int64_t kMaxAmountFen = 100'000'000;

struct FieldError {
  std::string field;  // wire path, e.g. "consumer.phone", "demand.types"
  std::string code;   // one of err::*
  std::string detail = {};  // what exactly, for the message (bad_phone: see PhoneProblem); not personal
};

struct ValidationContext {
  int64_t now_unix_s = 0;       // 0: the system clock
  int tz_offset_minutes = 480;  // Asia/Shanghai
  // Category codes the kiosk offers; empty: any non-empty code is accepted
  // (the platform does not know each kiosk's list).
  std::vector<std::string> category_codes;
  // The kiosk's own store: created_at and consent.accepted_at must lie in
  // the window below around now (a file's or a broken clock's time would
  // otherwise decide retention and the platform's deadlines). The gateway
  // side leaves it off: kiosk clocks are the kiosk's business.
  bool kiosk_clock = false;
};

// The window: not before 2020-01-01 (a clock reset to 1970, a typo), not more
// than a year back (paper complaints from the longest outage worth
// importing), not more than 10 minutes ahead (clocks drift; NTP fixes less).
inline constexpr int64_t kEarliestPlausibleUnixS = 1577836800;  // 2020-01-01T00:00:00Z
inline constexpr int64_t kMaxPastS = 366 * 86400;
inline constexpr int64_t kMaxFutureS = 10 * 60;

// Checks what the shopper or staff entered. With require_identity, id,
// ticket, kiosk_id and created_at must be present and well-formed too (as
// on the wire); without it they are the store's to fill in.
std::vector<FieldError> validate_complaint(const Complaint& c, const ValidationContext& ctx,
                                           bool require_identity = false);
std::vector<FieldError> validate_event(const Event& e, const ValidationContext& ctx, bool require_identity = false);

// Single-field rules, shared with the kiosk's as-you-type checks.
bool is_valid_mobile(const std::string& phone);
// Why a number is not a mainland mobile number (1[3-9] and nine more digits).
enum class PhoneProblem { none, not_digits, length, first_digit, second_digit };
PhoneProblem phone_problem(const std::string& phone);
bool is_valid_credit_code(const std::string& code);  // GB 32100-2015 incl. check character
bool is_valid_kiosk_id(const std::string& id);
// A ticket's first part (A01-261128-0042): 1 to 4 of A-Z 0-9. The config
// check and the store both ask this.
bool is_valid_ticket_prefix(const std::string& prefix);

// Length rule of a text field in code points, by wire path (e.g.
// "consumer.name" -> {1, 50}); {0, 0} for fields without one. The kiosk's
// inputs use it to stop typing at the limit.
struct LengthLimits {
  size_t min = 0, max = 0;
};
LengthLimits field_length_limits(const std::string& field);

// A message for the shopper, in "zh-CN" or "en" (anything else: English).
std::string error_message(const FieldError& e, const std::string& locale);

}  // namespace odr
