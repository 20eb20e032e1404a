#include "web/session.h"

#include "util/crypto.h"

namespace odr::hub::web {

std::string new_session_id() {
  unsigned char b[32];
  random_bytes(b, sizeof b);
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (unsigned char c : b) {
    s += hex[c >> 4];
    s += hex[c & 15];
  }
  return s;
}

std::string session_key(std::string_view session_id) { return sha256_hex(session_id); }

std::string csrf_token(std::string_view session_id) { return hmac_sha256_hex(session_id, "odr-hub csrf"); }

bool csrf_ok(std::string_view session_id, std::string_view token) {
  return !session_id.empty() && equal_constant_time(csrf_token(session_id), token);
}

std::string session_cookie(std::string_view session_id, bool secure, int max_age_s, const char* name) {
  std::string c = std::string(name) + "=" + std::string(session_id) +
                  "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_s);
  if (secure) c += "; Secure";
  return c;
}

std::string cookie_value(std::string_view header, std::string_view name) {
  size_t i = 0;
  while (i < header.size()) {
    while (i < header.size() && (header[i] == ' ' || header[i] == ';')) ++i;
    size_t end = header.find(';', i);
    if (end == std::string_view::npos) end = header.size();
    std::string_view pair = header.substr(i, end - i);
    size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
    i = end;
  }
  return "";
}

const char* to_string(Role r) {
  switch (r) {
    case Role::chain: return "chain";
    case Role::region: return "region";
    case Role::store: return "store";
  }
  return "store";
}

bool parse_role(std::string_view t, Role& out) {
  for (Role r : {Role::chain, Role::region, Role::store})
    if (t == to_string(r)) {
      out = r;
      return true;
    }
  return false;
}

bool may_see_store(const Viewer& v, std::string_view store_id, std::string_view store_region_id) {
  switch (v.role) {
    case Role::chain: return true;
    case Role::region: return !v.region_id.empty() && v.region_id == store_region_id;
    case Role::store: return !v.store_id.empty() && v.store_id == store_id;
  }
  return false;
}

bool may_see_personal(const Viewer& v, std::string_view store_id, std::string_view store_region_id) {
  if (!may_see_store(v, store_id, store_region_id)) return false;
  return v.role == Role::chain || v.role == Role::store;
}

}  // namespace odr::hub::web
