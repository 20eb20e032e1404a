// What is personal in a complaint, and the one home of every rule about it:
// which fields are personal (one list), how they are masked wherever someone
// other than the consumer sees them (staff lists, the done screen after a
// moment, exports without personal data, receipts, the gateway's lists), how
// they are wiped from memory, and how the retention purge blanks them. The
// consumer's own screens show their entry in full so that they can check it.
#pragma once
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace odr {

struct Complaint;

// 138****1234 for a mainland mobile number; otherwise all but the last four
// characters hidden (and at least four stars).
std::string mask_phone(const std::string& phone);
// 李** : the first character, then one star for each other (at least one).
std::string mask_name(const std::string& name);
// Text from a receiver that may quote what was typed (a rejection's
// message): every run of 7 or more digits (a phone, an ID number) masked as
// mask_phone masks it. Names cannot be told from other words: such text
// still goes only where staff may read it.
std::string mask_digit_runs(std::string_view text);

// The personal fields: the consumer's name, phone and address, and the free
// text that may quote them (description, demand text), and the order number
// (a web shop's account leads back to the shopper).
std::vector<std::string*> personal_fields(Complaint& c);
// The same fields in a complaint's wire JSON: {object, key}, object "" for the top level.
struct PersonalJsonField {
  const char* object;
  const char* key;
};
const std::vector<PersonalJsonField>& personal_json_fields();
// The retention purge: blanks every personal field present in a complaint's JSON.
void blank_personal_json(nlohmann::json& complaint);

// What a copy kept outside the kiosk and the platform (the chain's hub,
// config `personal`) may hold: full: everything; masked: the phone masked
// (mask_phone) and every other personal field blank; none: every personal
// field blank. The rest of the complaint is kept as it is.
enum class PersonalPolicy { full, masked, none };
const char* to_string(PersonalPolicy p);
bool parse_personal_policy(const std::string& text, PersonalPolicy& out);  // "full", "masked", "none"
void apply_personal_policy(Complaint& c, PersonalPolicy p);

// The one wipe (util/crypto.h's wipe): overwrites every byte the buffer ever
// held (capacity, not only size) and empties it.
void wipe_string(std::string& s);
// A draft or a copy on screen: the personal fields, then every other field
// (the whole entry is the shopper's), then empties the lists.
void wipe_complaint(Complaint& c);

}  // namespace odr
