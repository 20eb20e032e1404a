#include "accounts.h"

#include <regex>
#include <stdexcept>

namespace odr::hub {

const char* const kAccountsSchemaSql = R"SQL(
CREATE TABLE dashboard_users (
  name text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9_.@-]{1,64}$'),
  display_name text NOT NULL DEFAULT '',
  role text NOT NULL CHECK (role IN ('chain', 'region', 'store')),
  region_id text REFERENCES regions(id),
  store_id text REFERENCES stores(id),
  password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
  failed_logins integer NOT NULL DEFAULT 0,
  locks_in_a_row integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((role = 'region') = (region_id IS NOT NULL)),
  CHECK ((role = 'store') = (store_id IS NOT NULL))
);
-- key: SHA-256 of the cookie's session id, so a copy of this table opens nothing.
CREATE TABLE dashboard_sessions (
  key text PRIMARY KEY,
  user_name text NOT NULL REFERENCES dashboard_users(name) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dashboard_sessions_user ON dashboard_sessions (user_name);
-- Logins (also failed ones, under the name as typed), logouts, exports and
-- views of personal data. Append-only by use; no personal data in detail.
CREATE TABLE dashboard_audit (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  user_name text NOT NULL,
  action text NOT NULL,
  detail text NOT NULL DEFAULT '',
  remote text NOT NULL DEFAULT ''
);
CREATE INDEX dashboard_audit_at ON dashboard_audit (at);
)SQL";

namespace {

void check_user(const NewUser& u) {
  static const std::regex name_re("^[A-Za-z0-9_.@-]{1,64}$");
  if (!std::regex_match(u.name, name_re)) throw std::invalid_argument("a user name is 1 to 64 of A-Z a-z 0-9 _ . @ -");
  if (u.password.size() < 10) throw std::invalid_argument("a password has at least 10 characters");
  if ((u.role == web::Role::chain) != u.scope_id.empty())
    throw std::invalid_argument(u.role == web::Role::chain ? "a chain user has no region or store"
                                                           : "a region or store user needs its region or store");
}

// The Argon2id cost of a real hash, paid for a name that does not exist too,
// so the answer's time does not tell which names are real.
const std::string& decoy_hash() {
  static const std::string h = hash_secret("no such user: decoy");
  return h;
}

web::Viewer viewer_of(const PgResult& r, int row) {
  web::Viewer v;
  v.user = r.text(row, 0);
  web::parse_role(r.text(row, 1), v.role);
  v.region_id = r.text(row, 2);
  v.store_id = r.text(row, 3);
  return v;
}

// A wrong password: the count goes up; at `tries` the account locks, longer
// for each lock in a row. Returns the lock's length (0: not locked).
int64_t note_failure(PgConn& c, const std::string& name, int failed, int locks, const LoginPolicy& p) {
  if (failed + 1 < p.tries) {
    c.exec("UPDATE dashboard_users SET failed_logins = failed_logins + 1 WHERE name = $1", {name});
    return 0;
  }
  const int64_t lock = p.lock_s[std::min(locks, 2)];
  c.exec("UPDATE dashboard_users SET failed_logins = 0, locks_in_a_row = locks_in_a_row + 1,"
         " locked_until = now() + make_interval(secs => $2) WHERE name = $1",
         {name, std::to_string(lock)});
  return lock;
}

}  // namespace

void put_user(PgConn& c, const NewUser& u, const SecretHashCost& cost) {
  check_user(u);
  const std::string hash = hash_secret(u.password, cost);
  const bool region = u.role == web::Role::region, store = u.role == web::Role::store;
  PgTx tx(c);
  c.exec("INSERT INTO dashboard_users (name, display_name, role, region_id, store_id, password_hash)"
         " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO UPDATE SET display_name = EXCLUDED.display_name,"
         " role = EXCLUDED.role, region_id = EXCLUDED.region_id, store_id = EXCLUDED.store_id,"
         " password_hash = EXCLUDED.password_hash, failed_logins = 0, locks_in_a_row = 0, locked_until = NULL",
         {u.name, u.display_name, web::to_string(u.role), region ? Param(u.scope_id) : std::nullopt,
          store ? Param(u.scope_id) : std::nullopt, hash});
  c.exec("DELETE FROM dashboard_sessions WHERE user_name = $1", {u.name});
  c.exec("INSERT INTO dashboard_audit (user_name, action, detail) VALUES ($1, 'user.put', $2)",
         {u.name, std::string("role=") + web::to_string(u.role) + (u.scope_id.empty() ? "" : " scope=" + u.scope_id)});
  tx.commit();
}

LoginResult login(PgConn& c, const std::string& name, const std::string& password, const std::string& remote,
                  const LoginPolicy& policy) {
  LoginResult out;
  PgTx tx(c);
  PgResult r = c.exec(
      "SELECT name, role, coalesce(region_id, ''), coalesce(store_id, ''), password_hash, failed_logins,"
      " locks_in_a_row, greatest(0, ceil(extract(epoch FROM locked_until - now())))::bigint"
      " FROM dashboard_users WHERE name = $1 FOR UPDATE",
      {name});
  if (r.rows() == 0) {
    verify_secret(password, decoy_hash());
    // Not the name as typed: a hurried user may type a password or a phone there.
    audit_web(c, "?", "login.failed", "unknown user", remote);
    tx.commit();
    return out;
  }
  if (const int64_t left = r.integer(0, 7); left > 0) {
    out.kind = LoginResult::Kind::locked;
    out.locked_for_s = left;
    audit_web(c, name, "login.refused", "locked", remote);
    tx.commit();
    return out;
  }
  if (!verify_secret(password, r.text(0, 4))) {
    const int64_t lock = note_failure(c, name, static_cast<int>(r.integer(0, 5)), static_cast<int>(r.integer(0, 6)), policy);
    audit_web(c, name, lock ? "login.locked" : "login.failed", lock ? "for " + std::to_string(lock) + " s" : "", remote);
    out.kind = lock ? LoginResult::Kind::locked : LoginResult::Kind::wrong;
    out.locked_for_s = lock;
    tx.commit();
    return out;
  }
  out.kind = LoginResult::Kind::ok;
  out.viewer = viewer_of(r, 0);
  out.session_id = web::new_session_id();
  c.exec("UPDATE dashboard_users SET failed_logins = 0, locks_in_a_row = 0, locked_until = NULL WHERE name = $1", {name});
  c.exec("INSERT INTO dashboard_sessions (key, user_name) VALUES ($1, $2)", {web::session_key(out.session_id), name});
  audit_web(c, name, "login.ok", "", remote);
  tx.commit();
  return out;
}

std::optional<web::Viewer> session_viewer(PgConn& c, const std::string& session_id, const LoginPolicy& policy) {
  if (session_id.size() != 64) return std::nullopt;
  PgResult r = c.exec(
      "UPDATE dashboard_sessions s SET last_seen = now() FROM dashboard_users u"
      " WHERE s.key = $1 AND u.name = s.user_name"
      " AND s.last_seen > now() - make_interval(secs => $2) AND s.created_at > now() - make_interval(secs => $3)"
      " RETURNING u.name, u.role, coalesce(u.region_id, ''), coalesce(u.store_id, '')",
      {web::session_key(session_id), std::to_string(policy.session_idle_s), std::to_string(policy.session_max_s)});
  if (r.rows() == 0) return std::nullopt;
  return viewer_of(r, 0);
}

void logout(PgConn& c, const std::string& session_id, const std::string& remote) {
  PgResult r = c.exec("DELETE FROM dashboard_sessions WHERE key = $1 RETURNING user_name", {web::session_key(session_id)});
  if (r.rows() > 0) audit_web(c, r.text(0, 0), "logout", "", remote);
}

void audit_web(PgConn& c, const std::string& user, const std::string& action, const std::string& detail,
               const std::string& remote) {
  c.exec("INSERT INTO dashboard_audit (user_name, action, detail, remote) VALUES ($1, $2, $3, $4)",
         {user, action, detail, remote});
}

}  // namespace odr::hub
