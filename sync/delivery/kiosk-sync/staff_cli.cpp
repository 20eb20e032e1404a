// kiosk-sync staff ... and kiosk-sync audit ... (see staff_cli.h).
#include "kiosk-sync/staff_cli.h"

#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "staff/staff.h"
#include "engine/engine.h"
#include "kiosk-sync/staff_commands.h"
#include "store/store.h"
#include "util/crypto.h"
#include "util/time.h"
#include "util/utf8.h"

namespace odr {

namespace fs = std::filesystem;

static std::string staff_file_of(const KioskConfig& c) {
  return c.staff_file.empty() ? (fs::path(c.data_dir) / "staff.json").string() : c.staff_file;
}

static std::string database_of(const KioskConfig& c) {
  return c.database.empty() ? (fs::path(c.data_dir) / "odr-kiosk.db").string() : c.database;
}

static StoreOptions store_options_of(const KioskConfig& c) { return store_options_from_config(c); }

static const char* kStaffUsage =
    "usage: kiosk-sync staff add ID NAME     (PIN read from stdin)\n"
    "       kiosk-sync staff set-pin ID      (PIN read from stdin)\n"
    "       kiosk-sync staff disable ID\n"
    "       kiosk-sync staff enable ID\n"
    "       kiosk-sync staff list\n"
    "       kiosk-sync staff unlock          (end a PIN lockout, e.g. after its alert)\n";

// One line from `in`; on a terminal without echo.
static bool read_secret_line(std::istream& in, bool interactive, std::ostream& err, const char* prompt,
                             std::string& out) {
  termios old{};
  bool echo_off = false;
  if (interactive) {
    err << prompt << std::flush;
    if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0) {
      termios quiet = old;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      echo_off = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
    }
  }
  bool got = static_cast<bool>(std::getline(in, out));
  if (echo_off) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    err << "\n";
  }
  if (!out.empty() && out.back() == '\r') out.pop_back();
  return got;
}

// Asks twice on a terminal; takes one line from a pipe (for scripts).
static bool read_new_pin(std::istream& in, bool interactive, std::ostream& err, std::string& pin) {
  if (!read_secret_line(in, interactive, err, "PIN (4-12 digits): ", pin)) {
    err << "no PIN given on stdin\n";
    return false;
  }
  if (!is_valid_pin(pin)) {
    wipe(pin);
    err << "a PIN is 4 to 12 digits\n";
    return false;
  }
  if (interactive) {
    std::string again;
    read_secret_line(in, interactive, err, "PIN again: ", again);
    const bool same = equal_constant_time(pin, again);
    wipe(again);
    if (!same) {
      wipe(pin);
      err << "the two PINs differ\n";
      return false;
    }
  }
  return true;
}

static bool valid_name(const std::string& name) {
  return is_valid_utf8(name) && !has_control_chars(name, false) && codepoint_count(name) >= 1 &&
         codepoint_count(name) <= 50;
}

int run_staff_command(const std::vector<std::string>& args, const KioskConfig& config, std::istream& in,
                      std::ostream& out, std::ostream& err, bool interactive) {
  if (args.empty()) {
    err << kStaffUsage;
    return 2;
  }
  const std::string& cmd = args[0];
  const std::string path = staff_file_of(config);
  try {
    auto accounts = load_staff(path);
    if (cmd == "list" && args.size() == 1) {
      if (accounts.empty()) out << "no staff accounts in " << path << "\n";
      for (const auto& a : accounts) out << a.id << "\t" << a.name << "\t" << (a.disabled ? "disabled" : "active") << "\n";
      return 0;
    }
    if (cmd == "unlock" && args.size() == 1) {
      Store store(database_of(config), store_options_of(config));
      LockoutStatus before = staff_lockout(store);
      clear_staff_lockout(store, "kiosk-sync");
      out << (before.locked ? "staff entry unlocked" : "staff entry was not locked; the count of wrong PINs is reset")
          << " (" << before.locks << " lock(s) in a row before)\n";
      return 0;
    }
    const bool known = cmd == "add" || cmd == "set-pin" || cmd == "disable" || cmd == "enable";
    if (!known || args.size() != (cmd == "add" ? 3u : 2u)) {
      err << kStaffUsage;
      return 2;
    }
    const std::string& id = args[1];
    if (!is_valid_staff_id(id)) {
      err << "a staff id is 1 to 32 of A-Z a-z 0-9 - _\n";
      return 2;
    }
    auto it = std::find_if(accounts.begin(), accounts.end(), [&](const StaffAccount& a) { return a.id == id; });
    if (cmd == "add" && it != accounts.end()) {
      err << "staff " << id << " already exists (use set-pin or enable)\n";
      return 1;
    }
    if (cmd != "add" && it == accounts.end()) {
      err << "no staff " << id << " in " << path << "\n";
      return 1;
    }
    if (cmd == "add" && !valid_name(args[2])) {
      err << "a name is 1 to 50 characters of valid UTF-8, no control characters\n";
      return 2;
    }
    // Open the store first: an action that cannot be audited is not done.
    fs::create_directories(fs::path(database_of(config)).parent_path());
    Store store(database_of(config), store_options_of(config));

    std::string action;
    if (cmd == "add" || cmd == "set-pin") {
      std::string pin;
      if (!read_new_pin(in, interactive, err, pin)) return 1;
      std::string hash = hash_pin(pin);
      wipe(pin);
      if (cmd == "add") {
        StaffAccount a;
        a.id = id;
        a.name = args[2];
        a.pin_hash = std::move(hash);
        a.created_at = format_rfc3339(store.now_ms() / 1000, config.tz_offset_minutes);
        accounts.push_back(std::move(a));
        action = "staff.add";
      } else {
        it->pin_hash = std::move(hash);
        action = "staff.set_pin";
      }
    } else if (cmd == "disable") {
      it->disabled = true;
      action = "staff.disable";
    } else {
      it->disabled = false;
      action = "staff.enable";
    }
    save_staff(path, accounts);
    store.append_audit("cli", action, "id=" + id);
    out << action.substr(6) << " " << id << ": done\n";
    return 0;
  } catch (const std::exception& e) {
    err << "staff " << cmd << ": " << e.what() << "\n";
    return 1;
  }
}

int run_audit_command(const std::vector<std::string>& args, const KioskConfig& config, std::ostream& out,
                      std::ostream& err) {
  if (args.size() != 1 || args[0] != "verify") {
    err << "usage: kiosk-sync audit verify\n";
    return 2;
  }
  const std::string db = database_of(config);
  std::error_code ec;
  if (!fs::exists(db, ec)) {
    err << "audit verify: no store at " << db << "\n";
    return 1;
  }
  try {
    Store store(db, store_options_of(config));
    AuditVerifyResult r = store.verify_audit();
    if (r.ok) {
      out << "audit ok: " << r.records << " records\n";
      return 0;
    }
    out << "audit BROKEN at record " << r.first_broken << ": " << r.problem << " (" << r.records
        << " records checked)\n";
    return 1;
  } catch (const std::exception& e) {
    err << "audit verify: " << e.what() << "\n";
    return 1;
  }
}

int run_staff_command(const std::vector<std::string>& args, const KioskConfig& config) {
  return run_staff_command(args, config, std::cin, std::cout, std::cerr, isatty(STDIN_FILENO) != 0);
}

int run_audit_command(const std::vector<std::string>& args, const KioskConfig& config) {
  return run_audit_command(args, config, std::cout, std::cerr);
}

}  // namespace odr
