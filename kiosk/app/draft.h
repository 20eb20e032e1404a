// The complaint being entered, and the wizard's rules: which fields each step
// owns, whether a step is complete (the model's own validate_complaint,
// filtered to the step), and wiping everything when the session ends.
// No ImGui here: tests use it directly.
#pragma once
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/config.h"
#include "model/complaint.h"
#include "model/personal.h"
#include "model/validate.h"

namespace odr::kiosk {

enum class Step { welcome, business, category, purchase, description, demands, contact, privacy, review, done };
inline constexpr int kWizardSteps = 8;  // business .. review, shown in the step indicator
int wizard_index(Step s);               // 0..7, or -1 for welcome and done
Step wizard_step(int index);
const char* step_key(Step s);  // "business", ... for ids and catalog keys

struct Draft {
  Complaint c;
  std::string business_id;  // the config's id of the chosen business
  std::string amount_text;  // what was typed on the keypad, yuan: "129.50"
  std::string claim_text;   // the amount claimed, yuan (optional)
  std::string search;       // the business search box
  bool notice_accepted = false;
  // Fields the shopper has been to (wire paths): their messages show.
  std::set<std::string> touched;

  Draft();
  // Room for long text up front, so typing never reallocates and leaves
  // copies of personal data behind in freed memory.
  void reserve();
  // Overwrites every byte of every buffer (capacity included), then empties.
  void wipe();
};

// wipe_string and wipe_complaint: model/personal.h.

// Yuan as typed ("12", "12.5", "0.99") to fen; nullopt when empty or malformed.
std::optional<int64_t> parse_yuan(const std::string& text);
std::string format_yuan(int64_t fen);  // 12950 -> "129.50"

// Fills the respondent from a business of the config.
void choose_business(Draft& d, const Business& b);
// Sets or clears the consent of the notice (accepted_at = now).
void set_notice_consent(Draft& d, bool accepted, const std::string& notice_version, int64_t now_s, int tz_minutes);

// The field errors of one step (the model's rules plus the keypad's amounts).
std::vector<FieldError> step_errors(const Draft& d, Step s, const ValidationContext& ctx);
bool step_complete(const Draft& d, Step s, const ValidationContext& ctx);
// The first error for a field, if any.
const FieldError* find_error(const std::vector<FieldError>& errors, const std::string& field);
// The first wizard step with an error (for a store rejection); welcome when none.
Step first_incomplete_step(const Draft& d, const ValidationContext& ctx);

// The complaint to submit: the draft's fields with amounts parsed and the locale set.
Complaint complaint_for_submit(const Draft& d, const std::string& locale);

}  // namespace odr::kiosk
