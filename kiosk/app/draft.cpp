#include "app/draft.h"

#include "util/crypto.h"
#include "util/time.h"

namespace odr::kiosk {

int wizard_index(Step s) {
  int i = static_cast<int>(s) - static_cast<int>(Step::business);
  return i >= 0 && i < kWizardSteps ? i : -1;
}

Step wizard_step(int index) { return static_cast<Step>(static_cast<int>(Step::business) + index); }

const char* step_key(Step s) {
  switch (s) {
    case Step::welcome: return "welcome";
    case Step::business: return "business";
    case Step::category: return "category";
    case Step::purchase: return "purchase";
    case Step::description: return "description";
    case Step::demands: return "demands";
    case Step::contact: return "contact";
    case Step::privacy: return "privacy";
    case Step::review: return "review";
    case Step::done: return "done";
  }
  return "welcome";
}

Draft::Draft() { reserve(); }

void Draft::reserve() {
  // Sizes above the protocol's limits (in bytes: up to 4 per code point for
  // the 2,000-character description), so appends stay in place.
  c.description.reserve(8200);
  c.demand.text.reserve(2100);
  c.consumer.address.reserve(900);
  c.consumer.name.reserve(220);
  c.consumer.phone.reserve(32);
  c.purchase.item.reserve(900);
  c.purchase.order_no.reserve(260);
  amount_text.reserve(32);
  claim_text.reserve(32);
  search.reserve(260);
}

void Draft::wipe() {
  wipe_complaint(c);
  for (std::string* s : {&business_id, &amount_text, &claim_text, &search}) wipe_string(*s);
  notice_accepted = false;
  touched.clear();
  // The buffers stay (empty, zeroed) for the next shopper: nothing is freed
  // with personal data still in it.
  reserve();
}

std::optional<int64_t> parse_yuan(const std::string& text) {
  if (text.empty()) return std::nullopt;
  int64_t yuan = 0, fen = 0;
  int decimals = -1;  // -1: no point yet
  for (char ch : text) {
    if (ch == '.') {
      if (decimals >= 0) return std::nullopt;
      decimals = 0;
    } else if (ch >= '0' && ch <= '9') {
      if (decimals < 0) {
        if (yuan > 100'000'000'000LL) return std::nullopt;
        yuan = yuan * 10 + (ch - '0');
      } else {
        if (++decimals > 2) return std::nullopt;
        fen = fen * 10 + (ch - '0');
      }
    } else {
      return std::nullopt;
    }
  }
  if (decimals == 1) fen *= 10;
  if (text == ".") return std::nullopt;
  return yuan * 100 + fen;
}

std::string format_yuan(int64_t fen) {
  std::string f = std::to_string(fen % 100);
  if (f.size() < 2) f = "0" + f;
  return std::to_string(fen / 100) + "." + f;
}

void choose_business(Draft& d, const Business& b) {
  d.business_id = b.id;
  d.c.respondent.name = b.name;
  d.c.respondent.credit_code = b.credit_code;
  d.c.respondent.address = b.address;
  d.c.respondent.region_code = b.region_code;
  d.c.respondent.booth = b.booth;
}

void set_notice_consent(Draft& d, bool accepted, const std::string& notice_version, int64_t now_s, int tz_minutes) {
  d.notice_accepted = accepted;
  d.c.consent.notice_version = notice_version;
  d.c.consent.accepted_at = accepted ? format_rfc3339(now_s, tz_minutes) : std::string();
}

namespace {

// The wire paths each step owns.
bool belongs(const std::string& field, Step s) {
  auto starts = [&](const char* p) { return field.rfind(p, 0) == 0; };
  switch (s) {
    case Step::business: return starts("respondent.");
    case Step::category: return starts("category.");
    case Step::purchase: return starts("purchase.");
    case Step::description: return field == "description";
    case Step::demands: return starts("demand.");
    case Step::contact: return starts("consumer.");
    case Step::privacy: return starts("consent.");
    case Step::review:
      return true;
    default: return false;
  }
}

}  // namespace

Complaint complaint_for_submit(const Draft& d, const std::string& locale) {
  Complaint c = d.c;
  c.locale = locale;
  c.channel = "self_service";
  c.purchase.amount_fen = parse_yuan(d.amount_text).value_or(0);
  if (auto claim = parse_yuan(d.claim_text))
    c.demand.amount_fen = *claim;
  else
    c.demand.amount_fen.reset();
  return c;
}

std::vector<FieldError> step_errors(const Draft& d, Step s, const ValidationContext& ctx) {
  std::vector<FieldError> out;
  if (wizard_index(s) < 0) return out;
  Complaint c = complaint_for_submit(d, "zh-CN");
  // The amounts come from the keypad's text: an empty or broken one is the kiosk's to catch.
  if (s == Step::purchase || s == Step::review) {
    if (d.amount_text.empty())
      out.push_back({"purchase.amount_fen", err::required});
    else if (!parse_yuan(d.amount_text))
      out.push_back({"purchase.amount_fen", err::bad_amount});
  }
  if ((s == Step::demands || s == Step::review) && !d.claim_text.empty() && !parse_yuan(d.claim_text))
    out.push_back({"demand.amount_fen", err::bad_amount});
  for (FieldError& e : validate_complaint(c, ctx, false))
    if (belongs(e.field, s) && !(e.field == "locale" || e.field == "channel")) out.push_back(std::move(e));
  wipe_complaint(c);
  return out;
}

bool step_complete(const Draft& d, Step s, const ValidationContext& ctx) { return step_errors(d, s, ctx).empty(); }

const FieldError* find_error(const std::vector<FieldError>& errors, const std::string& field) {
  for (const FieldError& e : errors)
    if (e.field == field) return &e;
  return nullptr;
}

Step first_incomplete_step(const Draft& d, const ValidationContext& ctx) {
  for (int i = 0; i + 1 < kWizardSteps; ++i)
    if (!step_complete(d, wizard_step(i), ctx)) return wizard_step(i);
  return Step::welcome;
}

}  // namespace odr::kiosk
