#include "validate.h"

#include <algorithm>

#include "util/time.h"
#include "util/utf8.h"
#include "util/uuid.h"

namespace odr {

namespace {

// Lengths the protocol gives, plus generous caps on fields it leaves open so
// that a stuck key cannot fill the disk.
struct LimitRow {
  const char* field;
  LengthLimits limits;
};
const LimitRow kLimits[] = {
    {"ticket", {1, 32}},
    {"respondent.name", {1, 100}},
    {"respondent.address", {2, 200}},
    {"respondent.booth", {0, 32}},
    {"consumer.name", {1, 50}},
    {"consumer.address", {2, 200}},
    {"category.code", {1, 32}},
    {"purchase.item", {1, 100}},
    {"purchase.place", {0, 100}},
    {"purchase.order_no", {0, 64}},
    {"description", {10, 2000}},
    {"demand.text", {0, 500}},
    {"consent.notice_version", {1, 32}},
    {"staff_id", {1, 64}},
    {"data.note", {0, 500}},
    {"data.reason", {0, 500}},
    {"data.comment", {0, 500}},
};

bool contains(const std::vector<std::string>& list, const std::string& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

// Spaces only (ASCII or the ideographic space U+3000) count as nothing typed.
bool is_blank(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    char32_t cp = next_codepoint(s, i);
    if (cp != ' ' && cp != '\t' && cp != 0x3000 && cp != '\n' && cp != '\r') return false;
  }
  return true;
}

// The detail of a bad_phone: which rule, with the length or the first two
// digits (never the whole number).
std::string phone_detail(PhoneProblem why, const std::string& phone) {
  switch (why) {
    case PhoneProblem::not_digits: return "digits";
    case PhoneProblem::length: return "length:" + std::to_string(phone.size());
    case PhoneProblem::first_digit: return "first";
    case PhoneProblem::second_digit: return "prefix:" + phone.substr(0, 2);
    case PhoneProblem::none: break;
  }
  return {};
}

struct Checker {
  std::vector<FieldError> errors;
  const ValidationContext* ctx = nullptr;

  void add(const std::string& field, const char* code) { errors.push_back({field, code}); }

  // Common text rules; returns false when the value is absent or broken.
  bool text(const std::string& field, const std::string& value, bool required, bool allow_newlines = false) {
    if (value.empty() || (required && is_blank(value))) {
      if (required) add(field, err::required);
      return false;
    }
    if (!is_valid_utf8(value)) {
      add(field, err::bad_utf8);
      return false;
    }
    if (has_control_chars(value, allow_newlines)) {
      add(field, err::control_chars);
      return false;
    }
    // They reorder or hide what staff read (a name shown reversed, a phone
    // number split by invisible marks).
    if (has_hidden_format_chars(value)) {
      add(field, err::hidden_chars);
      return false;
    }
    LengthLimits lim = field_length_limits(field);
    if (lim.max > 0) {
      size_t n = codepoint_count(value);
      if (n < lim.min) {
        add(field, err::too_short);
        return false;
      }
      if (n > lim.max) {
        add(field, err::too_long);
        return false;
      }
    }
    return true;
  }

  void amount(const std::string& field, int64_t fen) {
    if (fen < 0) add(field, err::bad_amount);
    else if (fen > kMaxAmountFen) add(field, err::amount_too_large);
  }

  void time(const std::string& field, const std::string& value, bool required) {
    if (value.empty()) {
      if (required) add(field, err::required);
      return;
    }
    std::optional<int64_t> t = parse_rfc3339(value);
    if (!t) {
      add(field, err::bad_time);
    } else if (ctx && ctx->kiosk_clock) {
      const int64_t now = ctx->now_unix_s != 0 ? ctx->now_unix_s : now_unix_s();
      if (*t < kEarliestPlausibleUnixS || *t < now - kMaxPastS || *t > now + kMaxFutureS)
        add(field, err::implausible_time);
    }
  }

  void choice(const std::string& field, const std::string& value, const std::vector<std::string>& allowed) {
    if (value.empty()) add(field, err::required);
    else if (!contains(allowed, value)) add(field, err::bad_choice);
  }

  void choices(const std::string& field, const std::vector<std::string>& values, const std::vector<std::string>& allowed) {
    if (values.empty()) {
      add(field, err::required);
      return;
    }
    for (const auto& v : values)
      if (!contains(allowed, v)) {
        add(field, err::bad_choice);
        return;
      }
  }

  void uuid(const std::string& field, const std::string& value, bool required) {
    if (value.empty()) {
      if (required) add(field, err::required);
      return;
    }
    // The protocol takes UUIDs of version 4 or 7 with the RFC 9562 variant.
    char version = value.size() == 36 ? value[14] : 0, variant = value.size() == 36 ? value[19] : 0;
    bool rfc_variant = variant == '8' || variant == '9' || variant == 'a' || variant == 'b' || variant == 'A' ||
                       variant == 'B';
    if (!is_uuid(value) || (version != '4' && version != '7') || !rfc_variant) add(field, err::bad_id);
  }
};

bool is_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// BCP 47, the simple shape kiosks use: a 2-3 letter language, then subtags.
bool is_locale(const std::string& s) {
  if (s.size() < 2 || s.size() > 35) return false;
  size_t part = 0, len = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '-') {
      if (len == 0 || len > 8 || (part == 0 && (len < 2 || len > 3))) return false;
      ++part;
      len = 0;
      continue;
    }
    char c = s[i];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    bool digit = c >= '0' && c <= '9';
    if (!(alpha || (digit && part > 0))) return false;
    ++len;
  }
  return true;
}

// First two digits of a 6-digit administrative division code (GB/T 2260):
// the provinces, autonomous regions, municipalities, Taiwan, Hong Kong, Macao.
bool is_region_code(const std::string& s) {
  if (s.size() != 6 || !is_digits(s)) return false;
  int p = (s[0] - '0') * 10 + (s[1] - '0');
  static const int provinces[] = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42,
                                  43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82};
  return std::find(std::begin(provinces), std::end(provinces), p) != std::end(provinces);
}

int64_t now_s(const ValidationContext& ctx) { return ctx.now_unix_s != 0 ? ctx.now_unix_s : now_unix_s(); }

}  // namespace

LengthLimits field_length_limits(const std::string& field) {
  for (const auto& row : kLimits)
    if (field == row.field) return row.limits;
  return {};
}

PhoneProblem phone_problem(const std::string& phone) {
  if (!is_digits(phone)) return PhoneProblem::not_digits;
  if (phone.size() != 11) return PhoneProblem::length;
  if (phone[0] != '1') return PhoneProblem::first_digit;
  if (phone[1] < '3') return PhoneProblem::second_digit;  // 13x .. 19x are the mobile prefixes
  return PhoneProblem::none;
}

bool is_valid_mobile(const std::string& phone) { return phone_problem(phone) == PhoneProblem::none; }

// GB 32100-2015: 18 characters from a 31-character set (no I, O, S, V, Z).
// The 18th is the check character: position i (0-based) weighs 3^i mod 31,
// and check = 31 - (sum mod 31), where 31 stands for 0.
bool is_valid_credit_code(const std::string& code) {
  static const char kAlphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  if (code.size() != 18) return false;
  auto value = [](char c) -> int {
    for (int i = 0; i < 31; ++i)
      if (kAlphabet[i] == c) return i;
    return -1;
  };
  int sum = 0, weight = 1;
  for (size_t i = 0; i < 17; ++i) {
    int v = value(code[i]);
    if (v < 0) return false;
    sum += v * weight;
    weight = weight * 3 % 31;
  }
  int check = (31 - sum % 31) % 31;
  return value(code[17]) == check;
}

bool is_valid_ticket_prefix(const std::string& p) {
  if (p.empty() || p.size() > 4) return false;
  return std::all_of(p.begin(), p.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

bool is_valid_kiosk_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

std::vector<FieldError> validate_complaint(const Complaint& c, const ValidationContext& ctx, bool require_identity) {
  Checker k;
  k.ctx = &ctx;

  // Identity: the store's to fill in, but well-formed whenever present.
  k.uuid("id", c.id, require_identity);
  k.text("ticket", c.ticket, require_identity);
  if (c.kiosk_id.empty()) {
    if (require_identity) k.add("kiosk_id", err::required);
  } else if (!is_valid_kiosk_id(c.kiosk_id)) {
    k.add("kiosk_id", err::bad_id);
  }
  k.time("created_at", c.created_at, require_identity);

  if (c.channel != "self_service" && c.channel != "staff_assisted") k.choice("channel", c.channel, {});
  if (c.locale.empty()) k.add("locale", err::required);
  else if (!is_locale(c.locale)) k.add("locale", err::bad_choice);

  const Respondent& r = c.respondent;
  k.text("respondent.name", r.name, true);
  if (r.credit_code.empty()) k.add("respondent.credit_code", err::required);
  else if (!is_valid_credit_code(r.credit_code)) k.add("respondent.credit_code", err::bad_credit_code);
  k.text("respondent.address", r.address, true);
  if (r.region_code.empty()) k.add("respondent.region_code", err::required);
  else if (!is_region_code(r.region_code)) k.add("respondent.region_code", err::bad_region_code);
  k.text("respondent.booth", r.booth, false);

  const Consumer& p = c.consumer;
  k.text("consumer.name", p.name, true);
  if (p.phone.empty()) k.add("consumer.phone", err::required);
  else if (PhoneProblem why = phone_problem(p.phone); why != PhoneProblem::none)
    k.errors.push_back({"consumer.phone", err::bad_phone, phone_detail(why, p.phone)});
  k.text("consumer.address", p.address, true);

  k.choice("category.kind", c.category.kind, {"goods", "service"});
  if (k.text("category.code", c.category.code, true) && !ctx.category_codes.empty() &&
      !contains(ctx.category_codes, c.category.code))
    k.add("category.code", err::bad_choice);
  k.choices("category.problems", c.category.problems, kProblemCodes);

  const Purchase& b = c.purchase;
  k.text("purchase.item", b.item, true);
  if (b.date.empty()) {
    k.add("purchase.date", err::required);
  } else if (!parse_date(b.date)) {
    k.add("purchase.date", err::bad_date);
  } else if (b.date > local_date(now_s(ctx), ctx.tz_offset_minutes)) {
    // Both are YYYY-MM-DD, so text order is date order.
    k.add("purchase.date", err::future_date);
  }
  k.amount("purchase.amount_fen", b.amount_fen);
  k.text("purchase.place", b.place, false);
  k.text("purchase.order_no", b.order_no, false);

  k.text("description", c.description, true, /*allow_newlines=*/true);

  k.choices("demand.types", c.demand.types, kDemandTypes);
  if (c.demand.amount_fen) k.amount("demand.amount_fen", *c.demand.amount_fen);
  k.text("demand.text", c.demand.text, false, /*allow_newlines=*/true);

  // Both consents: the privacy notice, and handing the data to the platform.
  if (c.consent.notice_version.empty()) k.add("consent.notice_version", err::consent_missing);
  else k.text("consent.notice_version", c.consent.notice_version, true);
  if (c.consent.accepted_at.empty()) k.add("consent.accepted_at", err::consent_missing);
  else k.time("consent.accepted_at", c.consent.accepted_at, true);
  if (!c.consent.transfer_to_platform) k.add("consent.transfer_to_platform", err::consent_missing);

  return k.errors;
}

std::vector<FieldError> validate_event(const Event& e, const ValidationContext& ctx, bool require_identity) {
  (void)ctx;
  Checker k;
  k.uuid("id", e.id, require_identity);
  k.uuid("complaint_id", e.complaint_id, true);
  k.choice("type", e.type, kEventTypes);
  k.time("at", e.at, require_identity);

  bool staff = is_staff_event(e.type);
  bool known = contains(kEventTypes, e.type);
  if (staff) {
    k.choice("method", e.method, kEventMethods);
    k.text("staff_id", e.staff_id, true);
  } else if (known) {
    // The consumer gives satisfaction and withdrawal: no staff fields.
    if (!e.method.empty()) k.add("method", err::not_allowed);
    if (!e.staff_id.empty()) k.add("staff_id", err::not_allowed);
  }
  if (!known) return k.errors;

  // data holds only the fields of its type.
  const EventData& d = e.data;
  const std::string& t = e.type;
  bool has_note = t == "first_response" || t == "settled" || t == "compensation_prepaid";
  bool has_amount = t == "settled" || t == "compensation_prepaid";
  bool has_reason = t == "not_settled" || t == "withdrawn";
  bool has_outcomes = t == "settled";
  bool has_score = t == "satisfaction";

  if (has_note) k.text("data.note", d.note, false);
  else if (!d.note.empty()) k.add("data.note", err::not_allowed);

  if (has_outcomes) k.choices("data.outcomes", d.outcomes, kDemandTypes);
  else if (!d.outcomes.empty()) k.add("data.outcomes", err::not_allowed);

  if (has_amount) {
    if (!d.amount_fen) k.add("data.amount_fen", err::required);
    else k.amount("data.amount_fen", *d.amount_fen);
  } else if (d.amount_fen) {
    k.add("data.amount_fen", err::not_allowed);
  }

  if (has_reason) k.text("data.reason", d.reason, false);
  else if (!d.reason.empty()) k.add("data.reason", err::not_allowed);

  if (has_score) {
    if (d.score == 0) k.add("data.score", err::required);
    else if (d.score < 1 || d.score > 5) k.add("data.score", err::bad_score);
    k.text("data.comment", d.comment, false);
  } else {
    if (d.score != 0) k.add("data.score", err::not_allowed);
    if (!d.comment.empty()) k.add("data.comment", err::not_allowed);
  }
  return k.errors;
}

}  // namespace odr
