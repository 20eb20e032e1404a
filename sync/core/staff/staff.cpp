#include "staff/staff.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <optional>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "model/json.h"
#include "staff/atomic_file.h"
#include "store/store.h"
#include "util/crypto.h"
#include "util/utf8.h"

namespace odr {

namespace fs = std::filesystem;

bool is_valid_staff_id(std::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  for (char c : id)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return false;
  return true;
}

bool is_valid_pin(std::string_view pin) {
  if (pin.size() < 4 || pin.size() > 12) return false;
  for (char c : pin)
    if (c < '0' || c > '9') return false;
  return true;
}

std::string hash_pin(std::string_view pin, const PinHashCost& cost) {
  if (!is_valid_pin(pin)) throw StaffError("a PIN is 4 to 12 digits");
  try {
    return hash_secret(pin, cost);
  } catch (const std::runtime_error& e) {
    throw StaffError(std::string("PIN ") + e.what());
  }
}

bool verify_pin(std::string_view pin, const std::string& pin_hash) { return verify_secret(pin, pin_hash); }

// --- the accounts file ----------------------------------------------------

std::vector<StaffAccount> load_staff(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return {};
    throw StaffError(path + ": cannot be read");
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string why;
  nlohmann::json j = parse_untrusted_json(ss.str(), &why);
  if (j.is_discarded()) throw StaffError(path + ": not valid JSON (" + why + ")");
  if (!j.is_object() || !j.contains("staff") || !j["staff"].is_array())
    throw StaffError(path + ": missing array \"staff\"");
  std::vector<StaffAccount> out;
  size_t i = 0;
  for (const auto& s : j["staff"]) {
    const std::string where = path + ": staff[" + std::to_string(i++) + "]";
    if (!s.is_object()) throw StaffError(where + ": not an object");
    StaffAccount a;
    try {
      a.id = s.at("id").get<std::string>();
      a.name = s.at("name").get<std::string>();
      a.pin_hash = s.at("pin_hash").get<std::string>();
      a.disabled = s.value("disabled", false);
      a.created_at = s.value("created_at", std::string());
    } catch (const nlohmann::json::exception& e) {
      throw StaffError(where + ": " + e.what());
    }
    if (!is_valid_staff_id(a.id)) throw StaffError(where + ": bad id");
    if (find_staff(out, a.id)) throw StaffError(where + ": id " + a.id + " appears twice");
    out.push_back(std::move(a));
  }
  return out;
}

void save_staff(const std::string& path, const std::vector<StaffAccount>& accounts) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& a : accounts) {
    nlohmann::json s = {{"id", a.id}, {"name", a.name}, {"pin_hash", a.pin_hash}, {"disabled", a.disabled}};
    if (!a.created_at.empty()) s["created_at"] = a.created_at;
    list.push_back(std::move(s));
  }
  try {
    write_file_atomic(path, nlohmann::json{{"format", "odr-staff-v1"}, {"staff", list}}.dump(2) + "\n", 0600);
  } catch (const std::runtime_error& e) {
    throw StaffError(std::string("staff file not saved: ") + e.what());
  }
}

const StaffAccount* find_staff(const std::vector<StaffAccount>& accounts, std::string_view id) {
  for (const auto& a : accounts)
    if (a.id == id) return &a;
  return nullptr;
}

// --- lockout --------------------------------------------------------------

// "<failures> <locked_until_ms> <locks in a row> <last failure ms>"; older
// versions wrote the first two only.
static constexpr std::string_view kLockoutKey = "staff.lockout";

struct LockoutState {
  long long failures = 0, until = 0, locks = 0, last_failure = 0;
};

static LockoutState parse_lockout(const std::optional<std::string>& v) {
  LockoutState s;
  if (v) std::sscanf(v->c_str(), "%lld %lld %lld %lld", &s.failures, &s.until, &s.locks, &s.last_failure);
  return s;
}

static std::string format_lockout(const LockoutState& s) {
  return std::to_string(s.failures) + " " + std::to_string(s.until) + " " + std::to_string(s.locks) + " " +
         std::to_string(s.last_failure);
}

int64_t lock_duration_ms(const LockoutPolicy& policy, int n) {
  static const int64_t factor[] = {1, 3, 12};
  int64_t d = policy.lock_ms * factor[std::min(std::max(n, 1), 3) - 1];
  return std::min(d, policy.max_lock_ms);
}

// What the stored state means now: a series a day old is forgotten, a lock
// that ran out gives a fresh set of tries (the series goes on).
static LockoutStatus status_of(LockoutState& s, const LockoutPolicy& policy, int64_t now) {
  if (s.last_failure != 0 && now - s.last_failure > policy.forget_after_ms && s.until <= now) s = LockoutState{};
  LockoutStatus st;
  if (s.until > now) {
    // A clock set far back must not lock staff out for days.
    s.until = std::min<long long>(s.until, now + policy.max_lock_ms);
    st.locked = true;
    st.locked_until_ms = s.until;
    st.remaining_ms = s.until - now;
  } else if (s.until != 0) {
    s.failures = 0;
    s.until = 0;
  }
  st.failures = static_cast<int>(s.failures);
  st.locks = static_cast<int>(s.locks);
  st.alert = s.locks >= policy.alert_after_locks;
  return st;
}

LockoutStatus staff_lockout(Store& store, const LockoutPolicy& policy) {
  LockoutState s = parse_lockout(store.state(kLockoutKey));
  return status_of(s, policy, store.now_ms());
}

// Hashing against a fixed hash when the id is unknown keeps the answer time
// the same, so timing does not tell which ids exist.
static const std::string& dummy_hash() {
  static const std::string h = hash_pin("000000");
  return h;
}

namespace {
struct Reservation {
  bool refused = false;  // locked before this attempt
  LoginResult early;     // the answer when refused
  int failures = 0;      // counting this attempt as wrong
  bool locks = false;    // this attempt, if wrong, started a lock
  int64_t until = 0;
  int lock_number = 0;
};
}  // namespace

// Step one, one transaction: refuse while locked, else count this attempt as
// a failure now (and lock if it is the last allowed). Parallel attempts wait
// here for each other, so each sees the count the one before left.
static Reservation reserve_attempt(Store& store, const LockoutPolicy& policy, const std::string& who) {
  Reservation r;
  store.transact_state([&](Store::StateTx& tx) {
    const int64_t now = store.now_ms();
    LockoutState s = parse_lockout(tx.get(kLockoutKey));
    LockoutStatus st = status_of(s, policy, now);
    if (st.locked) {
      r.refused = true;
      r.early.outcome = LoginOutcome::locked;
      r.early.locked_until_ms = st.locked_until_ms;
      tx.audit("kiosk", "staff.login_refused", "id=" + who + " locked");
      return;
    }
    s.failures += 1;
    s.last_failure = now;
    r.failures = static_cast<int>(s.failures);
    if (s.failures >= policy.max_failures) {
      s.locks += 1;
      s.until = now + lock_duration_ms(policy, static_cast<int>(s.locks));
      r.locks = true;
      r.until = s.until;
      r.lock_number = static_cast<int>(s.locks);
    }
    tx.set(kLockoutKey, format_lockout(s));
  });
  return r;
}

LoginResult staff_login(Store& store, const std::string& staff_file, std::string_view staff_id, std::string_view pin,
                        const LockoutPolicy& policy) {
  const std::string who = is_valid_staff_id(staff_id) ? std::string(staff_id) : std::string("(invalid id)");
  Reservation res = reserve_attempt(store, policy, who);
  if (res.refused) return res.early;
  const auto accounts = load_staff(staff_file);
  const StaffAccount* a = find_staff(accounts, staff_id);
  bool ok = false;
  if (a && !a->disabled) {
    ok = verify_pin(pin, a->pin_hash);
  } else {
    verify_pin(pin, dummy_hash());
  }
  LoginResult r;
  // Step two: the outcome and its audit record together.
  store.transact_state([&](Store::StateTx& tx) {
    if (ok) {
      tx.set(kLockoutKey, format_lockout(LockoutState{}));  // staff are here: the series ends
      tx.audit(staff_actor(a->id), "staff.login", "ok");
      return;
    }
    std::string detail = "id=" + who + " failures=" + std::to_string(res.failures);
    if (a && a->disabled) detail += " disabled";
    if (!a) detail += " unknown";
    if (res.locks) detail += " locked lock=" + std::to_string(res.lock_number);
    tx.audit("kiosk", "staff.login_failed", detail);
    if (res.locks && res.lock_number == policy.alert_after_locks)
      tx.audit("kiosk", "staff.lockout_alert", "locks_in_a_row=" + std::to_string(res.lock_number));
  });
  if (ok) {
    r.outcome = LoginOutcome::ok;
    r.account = *a;
    r.account.pin_hash.clear();
  } else if (res.locks) {
    r.outcome = LoginOutcome::locked;
    r.locked_until_ms = res.until;
  } else {
    r.outcome = LoginOutcome::wrong_pin;
    r.attempts_left = std::max(0, policy.max_failures - res.failures);
  }
  return r;
}

void clear_staff_lockout(Store& store, std::string_view actor) {
  store.transact_state([&](Store::StateTx& tx) {
    tx.set(kLockoutKey, format_lockout(LockoutState{}));
    tx.audit(actor.empty() ? "staff" : actor, "staff.lockout_cleared", "by hand");
  });
}

StaffSession start_session(const StaffAccount& account, int64_t now_ms, int64_t timeout_ms) {
  StaffSession s;
  s.account = account;
  s.account.pin_hash.clear();
  s.started_ms = s.last_activity_ms = now_ms;
  s.timeout_ms = timeout_ms;
  return s;
}

void touch_session(StaffSession& s, int64_t now_ms) {
  if (now_ms > s.last_activity_ms) s.last_activity_ms = now_ms;
}

bool session_expired(const StaffSession& s, int64_t now_ms) { return now_ms - s.last_activity_ms >= s.timeout_ms; }

int64_t session_remaining_ms(const StaffSession& s, int64_t now_ms) {
  const int64_t left = s.timeout_ms - (now_ms - s.last_activity_ms);
  return left > 0 ? left : 0;
}

void audit_staff_action(Store& store, std::string_view staff_id, std::string_view action, std::string_view detail) {
  store.append_audit(staff_actor(staff_id), action, detail);
}

}  // namespace odr
