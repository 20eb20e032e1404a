// The one home of what is personal (model/personal.h): the list of fields in
// memory and in the wire JSON is the same list, and the wipe reaches the
// whole buffer.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "model/json.h"
#include "model/personal.h"
#include "support/samples.h"

using namespace odr;
using odr::test::sample_complaint;

namespace {

// Every string field of a complaint as wire JSON, as "object.key" -> value.
std::map<std::string, std::string> strings_of(const nlohmann::json& j) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : j.items()) {
    if (v.is_string()) out[k] = v.get<std::string>();
    if (v.is_object())
      for (const auto& [k2, v2] : v.items())
        if (v2.is_string()) out[k + "." + k2] = v2.get<std::string>();
  }
  return out;
}

Complaint full_sample() {
  Complaint c = sample_complaint();
  c.demand.text = "退款并道歉 13812341234";
  c.purchase.order_no = "TB-2026-0001";
  return c;
}

}  // namespace

// The purge blanks in JSON exactly the fields personal_fields() names in
// memory: blank the JSON, read it back, and the personal fields, and only
// they, are empty.
TEST(Personal, TheJsonListIsTheMemoryList) {
  Complaint c = full_sample();
  nlohmann::json j = c;
  const std::map<std::string, std::string> before = strings_of(j);
  blank_personal_json(j);
  Complaint back = j.get<Complaint>();
  for (std::string* s : personal_fields(back)) EXPECT_EQ(*s, "");
  Complaint expected = full_sample();
  for (std::string* s : personal_fields(expected)) s->clear();
  EXPECT_EQ(nlohmann::json(back), nlohmann::json(expected)) << "nothing else blanked";
  // And every personal field of the sample was non-empty to begin with.
  Complaint probe = full_sample();
  for (std::string* s : personal_fields(probe)) EXPECT_FALSE(s->empty());
  size_t changed = 0;
  const std::map<std::string, std::string> after = strings_of(j);
  for (const auto& [k, v] : before) changed += after.at(k) != v;
  EXPECT_EQ(changed, personal_json_fields().size());
  EXPECT_EQ(changed, personal_fields(probe).size());
}

TEST(Personal, WipeReachesTheWholeBuffer) {
  std::string s(100, 'x');
  s.resize(3);  // the 97 bytes past size() still hold text
  const char* data = s.data();
  const size_t cap = s.capacity();
  wipe_string(s);
  EXPECT_TRUE(s.empty());
  ASSERT_EQ(s.data(), data);
  for (size_t i = 0; i < cap; ++i) EXPECT_EQ(data[i], 0) << i;
}

TEST(Personal, WipeComplaintEmptiesThePersonalFields) {
  Complaint c = full_sample();
  wipe_complaint(c);
  for (std::string* s : personal_fields(c)) EXPECT_TRUE(s->empty());
  EXPECT_TRUE(c.id.empty());
  EXPECT_TRUE(c.category.problems.empty());
}

// What a copy outside kiosk and platform keeps (the hub's data.personal):
// masked keeps the masked phone and no other personal field, none keeps
// none, full all; the rest of the complaint is untouched either way.
TEST(Personal, PolicyKeepsWhatItSays) {
  const Complaint original = full_sample();
  for (PersonalPolicy p : {PersonalPolicy::full, PersonalPolicy::masked, PersonalPolicy::none}) {
    Complaint c = original;
    apply_personal_policy(c, p);
    Complaint expected_personal = original;
    if (p != PersonalPolicy::full) {
      for (std::string* s : personal_fields(expected_personal)) s->clear();
      if (p == PersonalPolicy::masked) expected_personal.consumer.phone = "138****1234";
    }
    auto got = strings_of(nlohmann::json(c)), want = strings_of(nlohmann::json(expected_personal));
    EXPECT_EQ(got, want) << to_string(p);
  }
  PersonalPolicy parsed = PersonalPolicy::full;
  EXPECT_TRUE(parse_personal_policy("none", parsed));
  EXPECT_EQ(parsed, PersonalPolicy::none);
  EXPECT_FALSE(parse_personal_policy("Masked", parsed));
  EXPECT_EQ(parsed, PersonalPolicy::none);
}
