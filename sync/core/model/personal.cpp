#include "personal.h"

#include <algorithm>

#include "util/utf8.h"

namespace odr {

std::string mask_phone(const std::string& phone) {
  if (phone.size() == 11 && std::all_of(phone.begin(), phone.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return phone.substr(0, 3) + "****" + phone.substr(7);
  if (phone.empty()) return "";
  return phone.size() > 4 ? std::string(phone.size() - 4, '*') + phone.substr(phone.size() - 4) : std::string("****");
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

}  // namespace odr
