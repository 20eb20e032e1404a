// Staff mode: the store's own side of the desk, behind a hidden 3-second
// press on the top-left corner and a PIN. It takes over the App's frame
// (App::takeover) and hands back to the shopper's welcome screen when staff
// log out, when staff mode times out, or when the PIN pad is left.
//
// One StaffMode per app. The screens (staff_*.cpp) are free functions that
// read and change its public state, like the shopper's screens do with App.
// Everything they show comes from sync/ (Reports, staff actions, sync
// status): no SQL and no HTTP here.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/app.h"
#include "calendar/calendar.h"
#include "reports/reports.h"
#include "staff/staff.h"

namespace odr {
struct SyncStatus;
}

namespace odr::kiosk {

struct StaffModeEnv {
  Store* store = nullptr;            // the app's store, on this (the UI) thread
  WorkdayCalendar calendar;          // see load_staff_calendar
  std::function<void()> wake_sync;   // deliver now (after an action, after Retry)
  LockoutPolicy lockout;
};

// The working-day calendar of config.workdays_dir; on failure an empty one
// (every date an estimate) and the reason in *warning.
WorkdayCalendar load_staff_calendar(const KioskConfig& config, std::string* warning);

enum class StaffScreen { login, home, list, detail, handover_rating, handover_withdraw, dashboard, sync, export_data };
// A form over the detail screen for one staff action, then its confirmation.
enum class StaffForm { none, first_response, settled, compensation, not_settled };

class StaffMode {
 public:
  explicit StaffMode(StaffModeEnv env);
  ~StaffMode();
  StaffMode(const StaffMode&) = delete;
  StaffMode& operator=(const StaffMode&) = delete;

  // The corner gesture: shows the PIN pad in place of the shopper's screens.
  void open(App& app);
  bool active() const { return active_; }
  bool logged_in() const { return session.has_value(); }
  // Logs out (audited with why) and hands back to the shopper's welcome screen.
  void leave(App& app, const char* why);
  // The consumer hands the screen back: whoever holds it now may not be
  // staff, so the session ends and the PIN pad asks again; the same account
  // is chosen and its PIN returns to the complaint (resume_detail_id).
  void lock_for_handback(App& app);
  // One frame (App::takeover); false once staff mode has ended.
  bool frame(App& app);

  // --- navigation ---------------------------------------------------------------
  void go(App& app, StaffScreen s);
  void open_detail(App& app, const std::string& complaint_id);
  void refresh();  // reads the current screen's data again
  void notice_ok(const std::string& text);
  void notice_error(const std::string& text);
  // Reprints the open complaint's receipt (audited); its outcome comes as a notice.
  void reprint(App& app);

  // --- state the screens read and change ------------------------------------------
  StaffModeEnv env;
  std::unique_ptr<Reports> reports;
  StaffScreen screen = StaffScreen::login;
  std::optional<StaffSession> session;
  int64_t opened_ms = 0;

  // login
  std::vector<StaffAccount> accounts;  // without hashes
  std::string chosen_id;
  std::string pin;
  std::string login_message;
  LockoutStatus lock;
  size_t help_heard = 0;  // help calls already called out in staff mode
  std::string resume_detail_id;  // after a hand-back: the complaint the PIN returns to

  // home and list
  int64_t overdue = 0, due_soon = 0, open_count = 0, held_count = 0;
  ListFilter filter = ListFilter::open;
  std::string search, searched;
  std::vector<ComplaintRow> rows;

  // detail, its action form and the consumer's hand-over screens
  std::optional<ComplaintDetail> detail;
  StaffForm form = StaffForm::none;
  bool confirming = false;
  std::string method = "on_site";
  std::set<std::string> outcomes;
  std::string amount_text, note, reason;
  std::string form_error;
  int rating = 0;
  std::string comment;
  bool handover_done = false;
  int64_t handover_done_ms = 0;
  uint64_t reprint_job = 0;  // a reprint under way (0: none)
  std::string reprint_ticket;

  // dashboard, sync panel, export
  int dash_days = 30;
  std::optional<Dashboard> dash;
  std::unique_ptr<SyncStatus> sync_status;      // the gateway's
  std::unique_ptr<SyncStatus> hub_sync_status;  // the chain's hub's; null when no hub is configured
  std::vector<HeldItem> held;
  int64_t sync_read_ms = 0;
  int export_days = 30;
  bool export_personal = false;
  bool export_pin_asked = false;  // personal data: the PIN once more
  bool export_unmount_asked = false;  // after an export: the stick is being unmounted
  std::string export_pin;

  std::string notice;
  bool notice_is_error = false;
  int64_t notice_until_ms = 0;

  int64_t now_ms(const App& app) const;
  int64_t today() const { return reports ? reports->today() : 0; }
  // Wipes personal data held for the screens (the detail, typed text).
  void wipe_screens();

 private:
  void watch_reprint(App& app);
  bool active_ = false;
};

// The screens (one file each).
void staff_login(StaffMode& s, App& app);
void staff_home(StaffMode& s, App& app);
void staff_list(StaffMode& s, App& app);
void staff_detail(StaffMode& s, App& app);
void staff_action_form(StaffMode& s, App& app);
void staff_handover_rating(StaffMode& s, App& app);
void staff_handover_withdraw(StaffMode& s, App& app);
void staff_dashboard(StaffMode& s, App& app);
void staff_sync(StaffMode& s, App& app);
void staff_export(StaffMode& s, App& app);

// --- shared by the staff screens ------------------------------------------------
// The scrolling content area below the staff bar (and above the keyboard).
float staff_content_begin(StaffMode& s, App& app, const char* id, float max_w = 1400);
void staff_content_end();
// The on-screen keyboard for the focused field, across the bottom.
void staff_keyboard(App& app);
float staff_keyboard_height(App& app);
// A dialog card above the keyboard; returns its inner rectangle.
ImRect staff_dialog_begin(App& app, const char* id, ImVec2 size);
void staff_dialog_end();
// "3 working days left" / "due today" / "2 working days late", with "(estimate)".
std::string deadline_text(const Deadline& d);
ImU32 deadline_colour(const Deadline& d);
std::string outcome_text(const std::string& outcome);
// How an outcome looks: settled in green with a tick, not settled in red with
// a warning, withdrawn and the rest in grey (never a reassuring tick).
ImU32 outcome_colour(const std::string& outcome);
const char* outcome_icon(const std::string& outcome);
// The receipt printer's state for staff: "Receipt printer: out of paper: load a new roll", in its colour.
std::string printer_state_text(PrinterHealth h);
ImU32 printer_state_colour(PrinterHealth h);
std::string money_text(int64_t fen);  // ¥1,299.00
std::string time_text(int64_t unix_ms, int tz_offset_minutes);  // 2026-03-10 14:05
// The same for an RFC 3339 time as the engine keeps it (what is not one shows as it is).
std::string time_text(const std::string& rfc3339, int tz_offset_minutes);

}  // namespace odr::kiosk
