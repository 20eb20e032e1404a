// Who is looking at the dashboard, and the tokens that keep it so. A
// session id is 32 random bytes in a cookie that scripts cannot read
// (HttpOnly), that other sites' pages do not send (SameSite=Strict), and
// that travels only over HTTPS (Secure; the loopback demo over plain HTTP is
// the one exception). The hub keeps only the id's SHA-256, so a copy of the
// database opens no session. Every form carries a CSRF token derived from
// the session id (HMAC keyed by it): another site's page cannot read the
// cookie, so it cannot make the token; nothing more to store, so every hub
// process behind a load balancer accepts it; and a token from one session
// is worthless in another. The login form, before any session, is bound the
// same way to a random cookie of its own (kLoginCookie).
#pragma once
#include <string>
#include <string_view>

namespace odr::hub::web {

inline constexpr const char* kSessionCookie = "odr_hub_session";
inline constexpr const char* kLoginCookie = "odr_hub_login";

std::string new_session_id();                         // 64 hex digits
std::string session_key(std::string_view session_id);  // what the database keeps: SHA-256 hex

std::string csrf_token(std::string_view session_id);
bool csrf_ok(std::string_view session_id, std::string_view token);  // constant time; false without a session

// A Set-Cookie value; max_age_s 0 ends it in the browser.
std::string session_cookie(std::string_view session_id, bool secure, int max_age_s, const char* name = kSessionCookie);
// One cookie's value from a Cookie header ("" when absent).
std::string cookie_value(std::string_view cookie_header, std::string_view name);

// What a signed-in user may see. chain: every store; region: the stores of
// its region; store: its own store only. The one home of the rule: every
// page and export asks it, never its own copy.
enum class Role { chain, region, store };
const char* to_string(Role r);
bool parse_role(std::string_view text, Role& out);

struct Viewer {
  std::string user;
  Role role = Role::store;
  std::string region_id;  // Role::region
  std::string store_id;   // Role::store
};
bool may_see_store(const Viewer& v, std::string_view store_id, std::string_view store_region_id);

// Who sees a complaint's personal data in full (name, phone, address, the
// shopper's own words, as the hub keeps them per [data] personal) on its
// detail page: the head office (it answers the regulator and takes the
// escalations) and the complaint's own store (its manager calls the shopper
// back). A region sees it masked: it supervises the figures, it does not
// contact shoppers. Lists and exports are masked for everyone. The one home
// of the rule; every full view is audited (accounts.h audit_web).
bool may_see_personal(const Viewer& v, std::string_view store_id, std::string_view store_region_id);

}  // namespace odr::hub::web
