// Dashboard accounts at the hub: head-office and store managers who sign in
// with a password (Argon2id, util/secret_hash.h, as the kiosk's staff PINs),
// their sessions (the database keeps only each session id's SHA-256), the
// lockout after failed logins, and the audit of every login, logout, export
// and view of personal data. Who may see which store is web/session.h's
// may_see_store; this file only says who someone is.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "pg.h"
#include "util/secret_hash.h"
#include "web/session.h"

namespace odr::hub {

// The tables (a migration in schema.cpp).
extern const char* const kAccountsSchemaSql;

struct NewUser {
  std::string name;          // the login: 1 to 64 of A-Z a-z 0-9 _ . @ -
  std::string display_name;  // shown in the top bar and the audit
  web::Role role = web::Role::store;
  std::string scope_id;      // region id (Role::region), store id (Role::store), "" (Role::chain)
  std::string password;      // at least 10 characters
};
// Adds the user or replaces its role, scope and password (ends its sessions
// then). Throws std::invalid_argument naming what is wrong.
void put_user(PgConn& c, const NewUser& u, const SecretHashCost& cost = {});

// Failed logins in a row before a lock; each further lock in a series lasts longer.
struct LoginPolicy {
  int tries = 5;
  int64_t lock_s[3] = {5 * 60, 15 * 60, 60 * 60};
  int64_t session_idle_s = 30 * 60;   // a session unused this long has ended
  int64_t session_max_s = 12 * 3600;  // and none lasts longer than a working day
};

struct LoginResult {
  enum class Kind { ok, wrong, locked } kind = Kind::wrong;
  std::string session_id;  // ok: goes into the cookie (only here, never stored)
  int64_t locked_for_s = 0;  // locked: how long still
  web::Viewer viewer;        // ok
};
// One transaction: the user's row locked, the password checked, the
// failure count or the lock written, the session made, the audit record.
// An unknown name costs the same hashing time as a known one.
LoginResult login(PgConn& c, const std::string& name, const std::string& password, const std::string& remote,
                  const LoginPolicy& policy = {});
// The viewer behind a session id (and its last use noted), or nothing when
// the session is unknown, ended or expired.
std::optional<web::Viewer> session_viewer(PgConn& c, const std::string& session_id, const LoginPolicy& policy = {});
void logout(PgConn& c, const std::string& session_id, const std::string& remote);

// One audit record of the dashboard (no personal data in detail).
void audit_web(PgConn& c, const std::string& user, const std::string& action, const std::string& detail,
               const std::string& remote);

}  // namespace odr::hub
