// Staff accounts and staff login.
//
// Accounts live in a small JSON file (KioskConfig::staff_file), managed by
// `kiosk-sync staff ...` and read by the kiosk at each login. PINs are
// stored only as Argon2id hashes (libargon2, salted, encoded string with its
// own parameters, so the cost can rise later without breaking old hashes).
//
// Lockout: five wrong PINs in a row lock staff entry as a whole (not one
// account: a PIN pad on a public screen must not be guessable by walking
// through accounts). Locks in a row escalate, 5, 15, then 60 minutes, and
// never longer (a passer-by who types wrong PINs costs staff five minutes,
// a determined guesser an hour at a time: 5 guesses an hour, ~80 days for
// a 4-digit space instead of 7); after the third lock in a row staff see an
// alert. A correct PIN of any account ends the series; a day without a
// failure forgets it. Count and lock are one transaction (another process
// waits), taken before the PIN is checked, so parallel tries cannot all see
// the same count. Every attempt is audited; the PIN never is.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "util/secret_hash.h"

namespace odr {

class Store;

class StaffError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct StaffAccount {
  std::string id;        // 1-32 of A-Z a-z 0-9 - _
  std::string name;      // shown on the staff screens
  std::string pin_hash;  // $argon2id$v=19$m=...,t=...,p=...$salt$hash
  bool disabled = false;
  std::string created_at;  // RFC 3339
};

// Argon2id cost of a PIN's hash (util/secret_hash.h).
using PinHashCost = SecretHashCost;

bool is_valid_staff_id(std::string_view id);
bool is_valid_pin(std::string_view pin);  // 4 to 12 digits
// Throws StaffError if the PIN is not valid or hashing fails.
std::string hash_pin(std::string_view pin, const PinHashCost& cost = {});
// False for a wrong PIN and for a malformed hash (never throws).
bool verify_pin(std::string_view pin, const std::string& pin_hash);

// The accounts file. A missing file is an empty list; a malformed one
// throws StaffError naming the file. save_staff writes a temporary file in
// the same folder, fsyncs it, renames it over the old one and fsyncs the
// folder, so a crash leaves either the old list or the new one (mode 0600).
std::vector<StaffAccount> load_staff(const std::string& path);
void save_staff(const std::string& path, const std::vector<StaffAccount>& accounts);
const StaffAccount* find_staff(const std::vector<StaffAccount>& accounts, std::string_view id);

struct LockoutPolicy {
  int max_failures = 5;
  int64_t lock_ms = 5 * 60 * 1000;           // the first lock; then x3, x12
  int64_t max_lock_ms = 60 * 60 * 1000;      // no lock is longer
  int alert_after_locks = 3;                 // locks in a row before staff are alerted
  int64_t forget_after_ms = 24 * 3600 * 1000;  // a day without failures starts afresh
};

struct LockoutStatus {
  int failures = 0;             // wrong PINs in a row so far
  int64_t locked_until_ms = 0;  // 0: not locked
  bool locked = false;
  int64_t remaining_ms = 0;  // while locked
  int locks = 0;             // locks in a row
  bool alert = false;        // locks >= alert_after_locks: someone may be guessing PINs
};
// How long the n-th lock in a row lasts (n >= 1).
int64_t lock_duration_ms(const LockoutPolicy& policy, int n);

enum class LoginOutcome { ok, wrong_pin, locked };

struct LoginResult {
  LoginOutcome outcome = LoginOutcome::wrong_pin;
  StaffAccount account;  // on ok (without the hash)
  int attempts_left = 0;  // on wrong_pin, before the lock
  int64_t locked_until_ms = 0;
};

// The lock as it is now (by the store's clock).
LockoutStatus staff_lockout(Store& store, const LockoutPolicy& policy = {});
// Checks id + PIN against the accounts file. An unknown id, a disabled
// account and a wrong PIN all answer wrong_pin (the screen does not tell
// which) and count toward the lock. While locked no PIN is checked at all.
// The attempt that reaches max_failures locks at once and answers locked
// (unless its PIN was right).
LoginResult staff_login(Store& store, const std::string& staff_file, std::string_view staff_id, std::string_view pin,
                        const LockoutPolicy& policy = {});
// A logged-in staff member. Staff mode ends on inactivity: the screen calls
// touch_session on every tap and checks session_expired each frame.
struct StaffSession {
  StaffAccount account;
  int64_t started_ms = 0;
  int64_t last_activity_ms = 0;
  int64_t timeout_ms = 180 * 1000;  // KioskConfig::staff_timeout_s
};
StaffSession start_session(const StaffAccount& account, int64_t now_ms, int64_t timeout_ms);
void touch_session(StaffSession& s, int64_t now_ms);
bool session_expired(const StaffSession& s, int64_t now_ms);
int64_t session_remaining_ms(const StaffSession& s, int64_t now_ms);

// Ends a lock and its series by hand (`kiosk-sync staff unlock`, at the
// machine), audited naming who.
void clear_staff_lockout(Store& store, std::string_view actor);

// Records a staff action in the audit log as staff_actor(id) (store.h; no personal data in detail).
void audit_staff_action(Store& store, std::string_view staff_id, std::string_view action, std::string_view detail);

}  // namespace odr
