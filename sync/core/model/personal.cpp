#include "personal.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "complaint.h"
#include "util/crypto.h"
#include "util/utf8.h"

namespace odr {

std::string mask_phone(const std::string& phone) {
  if (phone.size() == 11 && std::all_of(phone.begin(), phone.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return phone.substr(0, 3) + "****" + phone.substr(7);
  if (phone.empty()) return "";
  return phone.size() > 4 ? std::string(phone.size() - 4, '*') + phone.substr(phone.size() - 4) : std::string("****");
}

std::string mask_digit_runs(std::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = i;
    while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
    if (j == i) {
      out += text[i++];
      continue;
    }
    const std::string run(text.substr(i, j - i));
    out += run.size() >= 7 ? mask_phone(run) : run;
    i = j;
  }
  return out;
}

std::string mask_name(const std::string& name) {
  if (name.empty()) return "";
  size_t i = 0;
  std::string out;
  append_utf8(out, next_codepoint(name, i));
  size_t rest = 0;
  while (i < name.size()) {
    next_codepoint(name, i);
    ++rest;
  }
  out.append(std::max<size_t>(rest, 1), '*');  // a one-character name still shows it is masked
  return out;
}

std::vector<std::string*> personal_fields(Complaint& c) {
  return {&c.consumer.name, &c.consumer.phone, &c.consumer.address,
          &c.description,   &c.demand.text,    &c.purchase.order_no};
}

const std::vector<PersonalJsonField>& personal_json_fields() {
  static const std::vector<PersonalJsonField> fields = {
      {"consumer", "name"}, {"consumer", "phone"}, {"consumer", "address"},
      {"", "description"},  {"demand", "text"},    {"purchase", "order_no"}};
  return fields;
}

void blank_personal_json(nlohmann::json& j) {
  if (!j.is_object()) return;
  for (const PersonalJsonField& f : personal_json_fields()) {
    nlohmann::json* parent = &j;
    if (*f.object) {
      auto it = j.find(f.object);
      if (it == j.end() || !it->is_object()) continue;
      parent = &*it;
    }
    if (parent->contains(f.key)) (*parent)[f.key] = "";
  }
}

const char* to_string(PersonalPolicy p) {
  switch (p) {
    case PersonalPolicy::full: return "full";
    case PersonalPolicy::masked: return "masked";
    case PersonalPolicy::none: return "none";
  }
  return "none";
}

bool parse_personal_policy(const std::string& text, PersonalPolicy& out) {
  for (PersonalPolicy p : {PersonalPolicy::full, PersonalPolicy::masked, PersonalPolicy::none})
    if (text == to_string(p)) return out = p, true;
  return false;
}

void apply_personal_policy(Complaint& c, PersonalPolicy p) {
  if (p == PersonalPolicy::full) return;
  std::string masked = p == PersonalPolicy::masked ? mask_phone(c.consumer.phone) : std::string();
  for (std::string* s : personal_fields(c)) wipe(*s);
  c.consumer.phone = std::move(masked);
}

void wipe_string(std::string& s) { wipe(s); }

void wipe_complaint(Complaint& c) {
  for (std::string* s : personal_fields(c)) wipe(*s);
  for (std::string* s : {&c.id, &c.ticket, &c.kiosk_id, &c.created_at, &c.respondent.name, &c.respondent.credit_code,
                         &c.respondent.address, &c.respondent.region_code, &c.respondent.booth, &c.category.kind,
                         &c.category.code, &c.purchase.item, &c.purchase.date, &c.purchase.place,
                         &c.consent.notice_version, &c.consent.accepted_at})
    wipe(*s);
  for (std::string& s : c.category.problems) wipe(s);
  for (std::string& s : c.demand.types) wipe(s);
  c.category.problems.clear();
  c.demand.types.clear();
  c.purchase.amount_fen = 0;
  c.demand.amount_fen.reset();
  c.consent.transfer_to_platform = false;
}

}  // namespace odr
