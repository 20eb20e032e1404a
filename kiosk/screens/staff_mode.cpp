// Staff mode's frame: the staff bar, the tabs, the current screen, the
// keyboard, a notice line, and the inactivity timeout.
#include "screens/staff_mode.h"

#include <algorithm>
#include <cstdio>

#include "engine/sync_state.h"
#include "screens/screens.h"
#include "util/time.h"
#include "widgets/icons.h"
#include "widgets/keyboard.h"
#include "widgets/widgets.h"

namespace odr::kiosk {

WorkdayCalendar load_staff_calendar(const KioskConfig& config, std::string* warning) {
  try {
    return load_workday_calendar(config.workdays_dir);
  } catch (const CalendarError& e) {
    if (warning) *warning = e.what();
    return {};
  }
}

StaffMode::StaffMode(StaffModeEnv e) : env(std::move(e)) {}

StaffMode::~StaffMode() { wipe_screens(); }

int64_t StaffMode::now_ms(const App& app) const { return app.now_ms(); }

void StaffMode::open(App& app) {
  if (active_) return;
  // Whatever a shopper left half-typed is not for staff eyes; when staff
  // came because the shopper called them, it waits (unseen) to go on after.
  if (!(app.help_called() && app.park_session())) app.reset_session();
  app.overlay = Overlay::none;
  active_ = true;
  screen = StaffScreen::login;
  session.reset();
  chosen_id.clear();
  resume_detail_id.clear();
  wipe_string(pin);
  login_message.clear();
  opened_ms = now_ms(app);
  accounts.clear();
  try {
    for (StaffAccount a : load_staff(app.config().staff_file)) {
      if (a.disabled) continue;
      a.pin_hash.clear();
      accounts.push_back(std::move(a));
    }
  } catch (const StaffError& e) {
    login_message = e.what();
  }
  if (accounts.size() == 1) chosen_id = accounts[0].id;
  if (env.store && !reports) reports = std::make_unique<Reports>(*env.store, env.calendar, app.config().deadline_working_days);
  if (env.store) lock = staff_lockout(*env.store, env.lockout);
  app.takeover = [this](App& a) { return frame(a); };
}

void StaffMode::leave(App& app, const char* why) {
  if (!active_) return;
  if (session && env.store) {
    try {
      audit_staff_action(*env.store, session->account.id, "staff.logout", why);
    } catch (const StoreError&) {
      // Leaving must work even when the store cannot be written.
    }
  }
  app.unfocus();
  wipe_screens();
  session.reset();
  resume_detail_id.clear();
  active_ = false;
  screen = StaffScreen::login;
  if (!app.resume_parked()) app.reset_session();
}

void StaffMode::lock_for_handback(App& app) {
  const std::string who = session ? session->account.id : std::string();
  const std::string back_to = detail ? detail->row.id : std::string();
  if (session && env.store) {
    try {
      audit_staff_action(*env.store, session->account.id, "staff.logout", "handover");
    } catch (const StoreError&) {
      // The lock must happen even when the store cannot be written.
    }
  }
  app.unfocus();
  wipe_screens();
  session.reset();
  screen = StaffScreen::login;
  wipe_string(pin);
  login_message.clear();
  opened_ms = now_ms(app);
  chosen_id = who;
  resume_detail_id = back_to;
}

void StaffMode::wipe_screens() {
  if (detail) {
    wipe_complaint(detail->complaint);
    detail.reset();
  }
  for (std::string* s : {&pin, &export_pin, &note, &reason, &comment, &amount_text, &search, &searched}) wipe_string(*s);
  rows.clear();
  form = StaffForm::none;
  confirming = false;
  export_pin_asked = false;
}

void StaffMode::notice_ok(const std::string& text) {
  notice = text;
  notice_is_error = false;
  notice_until_ms = now_unix_ms() + 4000;
}

void StaffMode::notice_error(const std::string& text) {
  notice = text;
  notice_is_error = true;
  notice_until_ms = now_unix_ms() + 6000;
}

void StaffMode::go(App& app, StaffScreen s) {
  app.unfocus();
  screen = s;
  if (s == StaffScreen::home && app.env().printer) app.env().printer->check();  // its state, fresh
  form = StaffForm::none;
  confirming = false;
  if (s != StaffScreen::detail && s != StaffScreen::handover_rating && s != StaffScreen::handover_withdraw &&
      detail) {
    wipe_complaint(detail->complaint);
    detail.reset();
  }
  refresh();
}

void StaffMode::open_detail(App& app, const std::string& complaint_id) {
  go(app, StaffScreen::detail);
  if (reports) detail = reports->detail(complaint_id);
  if (!detail) notice_error(tr("staff.detail.gone"));
  // Who looked at whose personal data is on record.
  if (session && detail) {
    try {
      audit_staff_action(*env.store, session->account.id, "staff.view", "ticket=" + detail->row.ticket);
    } catch (const StoreError& e) {
      notice_error(e.what());
    }
  }
}

void StaffMode::refresh() {
  if (!reports) return;
  try {
    switch (screen) {
      case StaffScreen::home: {
        overdue = reports->overdue_count();
        auto open_rows = reports->list({ListFilter::open, "", 5000});
        open_count = static_cast<int64_t>(open_rows.size());
        due_soon = std::count_if(open_rows.begin(), open_rows.end(), [](const ComplaintRow& r) { return r.deadline.due_soon; });
        held_count = static_cast<int64_t>(reports->held_items(5000).size());
        break;
      }
      case StaffScreen::list:
        rows = reports->list({filter, search, 300});
        searched = search;
        break;
      case StaffScreen::detail:
      case StaffScreen::handover_rating:
      case StaffScreen::handover_withdraw:
        if (detail) {
          std::string id = detail->row.id;
          wipe_complaint(detail->complaint);
          detail = reports->detail(id);
        }
        break;
      case StaffScreen::dashboard: dash = reports->dashboard(dash_days); break;
      case StaffScreen::sync:
        sync_status = std::make_unique<SyncStatus>(read_sync_status(*env.store));
        hub_sync_status = env.store->has_destination(kHubDestination)
                              ? std::make_unique<SyncStatus>(read_sync_status(*env.store, kHubDestination))
                              : nullptr;
        held = reports->held_items();
        break;
      default: break;
    }
  } catch (const StoreError& e) {
    notice_error(e.what());
  }
}

// --- the frame ------------------------------------------------------------------

namespace {

void staff_bar(StaffMode& s, App& app) {
  const Palette& p = ui().pal;
  const Metrics& m = ui().m;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float W = ui().display.x;
  dl->AddRectFilled(ImVec2(0, 0), ImVec2(W, m.header_h), p.text);
  ImFont* f = font(FontRole::body);
  const char* badge = tr("staff.badge");
  ImFont* fb = font_for(FontRole::body, badge);
  const float bh = m.header_h - 36;
  ImVec2 b0(m.margin, (m.header_h - bh) * 0.5f);
  const float bw = measure(fb, badge).x + 32;
  dl->AddRectFilled(b0, ImVec2(b0.x + bw, b0.y + bh), p.accent, 14);
  draw_text_centered(dl, fb, ImRect(b0, ImVec2(b0.x + bw, b0.y + bh)), p.on_accent, badge);
  std::string who = s.session ? s.session->account.name : std::string(tr("staff.login.title"));
  ImFont* fw = font_for(FontRole::body, who);
  draw_text(dl, fw, ImVec2(b0.x + bw + 18, (m.header_h - fw->FontSize) * 0.5f), p.surface, who);
  (void)f;
  const float h = m.header_h - 28;
  const char* out = s.session ? tr("staff.logout") : tr("staff.login.cancel");
  const float w = button_width(out, ICON_CLOSE);
  if (button(s.session ? "staff.logout" : "staff.login.cancel", ImRect(ImVec2(W - m.margin - w, 14), ImVec2(W - m.margin, 14 + h)),
             out, ICON_CLOSE, ButtonStyle::secondary))
    s.leave(app, "logout");
  if (s.session) {
    // Minutes left before staff mode closes by itself.
    const int64_t left = session_remaining_ms(*s.session, s.now_ms(app));
    if (left < 60000) {
      std::string t = trf("staff.timeout_soon", {{"s", std::to_string((left + 999) / 1000)}});
      ImFont* ft = font_for(FontRole::body, t);
      draw_text(dl, ft, ImVec2(W - m.margin - w - 32 - measure(ft, t).x, (m.header_h - ft->FontSize) * 0.5f),
                p.surface, t);
      ui().animating = true;
    }
  }
}

struct Tab {
  StaffScreen screen;
  const char* id;
  const char* key;
};

float staff_tabs(StaffMode& s, App& app) {
  const Metrics& m = ui().m;
  static const Tab tabs[] = {{StaffScreen::home, "staff.nav.home", "staff.nav.home"},
                             {StaffScreen::list, "staff.nav.list", "staff.nav.list"},
                             {StaffScreen::dashboard, "staff.nav.dashboard", "staff.nav.dashboard"},
                             {StaffScreen::sync, "staff.nav.sync", "staff.nav.sync"},
                             {StaffScreen::export_data, "staff.nav.export", "staff.nav.export"}};
  const float y = m.header_h + 16;
  float x = m.margin;
  for (const Tab& t : tabs) {
    const char* label = tr(t.key);
    const float w = chip_width(label, false);
    bool current = s.screen == t.screen ||
                   (t.screen == StaffScreen::list && s.screen == StaffScreen::detail);
    if (chip(t.id, ImRect(ImVec2(x, y), ImVec2(x + w, y + m.chip_h)), label, current, false)) s.go(app, t.screen);
    x += w + 16;
  }
  return m.header_h + 16 + m.chip_h + 8;
}

float g_content_top = 0;

}  // namespace

float staff_keyboard_height(App& app) {
  return app.has_focus() ? keyboard_height(app.kb, app.focused().kind, ui().display) : 0;
}

void staff_keyboard(App& app) {
  if (!app.has_focus()) return;
  const float h = staff_keyboard_height(app);
  ImRect area(ImVec2(0, ui().display.y - h), ui().display);
  FieldRef f = app.focused();
  EditTarget t{f.text, f.kind, f.max_codepoints};
  KeyboardAction a = keyboard(app.kb, t, area);
  if (a == KeyboardAction::hide || a == KeyboardAction::enter) app.unfocus();
}

float staff_content_begin(StaffMode&, App& app, const char* id, float max_w) {
  ImRect r(ImVec2(0, g_content_top), ImVec2(ui().display.x, ui().display.y - staff_keyboard_height(app)));
  return column_begin(id, r, max_w, ui().m.gap);
}

void staff_content_end() { column_end(); }

ImRect staff_dialog_begin(App& app, const char* id, ImVec2 size) {
  // Above the keyboard when one is up.
  return dialog_begin(id, size, ui().display.y - staff_keyboard_height(app), 40);
}

void staff_dialog_end() { ImGui::End(); }

bool StaffMode::frame(App& app) {
  if (!active_) return false;
  const int64_t now = now_ms(app);
  ImGuiIO& io = ImGui::GetIO();
  const bool activity = io.MouseDown[0] || io.MouseReleased[0] || !io.InputQueueCharacters.empty();
  const int64_t timeout_ms = std::max(30, app.config().staff_timeout_s) * 1000LL;
  if (session) {
    if (activity) touch_session(*session, now);
    if (session_expired(*session, now)) {
      leave(app, "timeout");
      return false;
    }
  } else {
    // The PIN pad left open also closes by itself.
    if (activity) opened_ms = now;
    if (now - opened_ms >= timeout_ms) {
      leave(app, "timeout");
      return false;
    }
  }

  // While the consumer holds the screen, no staff controls show.
  const bool handover = screen == StaffScreen::handover_rating || screen == StaffScreen::handover_withdraw;
  if (handover) {
    g_content_top = 0;
  } else {
    staff_bar(*this, app);
    if (!active_) return false;
    g_content_top = session ? staff_tabs(*this, app) : ui().m.header_h;
  }
  switch (screen) {
    case StaffScreen::login: staff_login(*this, app); break;
    case StaffScreen::home: staff_home(*this, app); break;
    case StaffScreen::list: staff_list(*this, app); break;
    case StaffScreen::detail: staff_detail(*this, app); break;
    case StaffScreen::handover_rating: staff_handover_rating(*this, app); break;
    case StaffScreen::handover_withdraw: staff_handover_withdraw(*this, app); break;
    case StaffScreen::dashboard: staff_dashboard(*this, app); break;
    case StaffScreen::sync: staff_sync(*this, app); break;
    case StaffScreen::export_data: staff_export(*this, app); break;
  }
  if (!active_) return false;
  if (screen == StaffScreen::detail && form != StaffForm::none) {
    staff_action_form(*this, app);  // its own window, with the keyboard inside
  } else if (screen == StaffScreen::export_data && export_pin_asked) {
    // drawn by staff_export in its own window
  } else if (screen != StaffScreen::login) {  // the PIN pad draws its own keypad
    staff_keyboard(app);
  }

  watch_reprint(app);
  // A notice along the bottom for a few seconds (saved, failed).
  if (!notice.empty() && now_unix_ms() < notice_until_ms) {
    const Palette& p = ui().pal;
    ImDrawList* dl = ImGui::GetForegroundDrawList();
    ImFont* f = font_for(FontRole::body, notice);
    const float w = std::min(measure(f, notice).x + 96, ui().display.x - 96);
    const float h = f->FontSize + 40;
    const float y = ui().display.y - staff_keyboard_height(app) - h - 32;
    ImRect r(ImVec2((ui().display.x - w) * 0.5f, y), ImVec2((ui().display.x + w) * 0.5f, y + h));
    dl->AddRectFilled(r.Min, r.Max, notice_is_error ? p.error : p.success, 18);
    draw_text_centered(dl, f, r, p.on_accent, ellipsize(f, notice, w - 48));
    ui().animating = true;
  } else {
    notice.clear();
  }
  // Which screen or dialog this is, for the app's tap guard and scroll reset.
  ui().screen_tag = std::to_string(static_cast<int>(screen)) + "/" + std::to_string(static_cast<int>(form)) +
                    (confirming ? "/confirm" : "") + (export_pin_asked ? "/pin" : "") + (handover_done ? "/thanks" : "");
  return active_;
}

// --- the receipt printer -----------------------------------------------------------

void StaffMode::reprint(App& app) {
  ReceiptPrinter* printer = app.env().printer;
  if (!printer || !detail || reprint_job) return;
  const Complaint& c = detail->complaint;
  ReceiptFor f;
  f.locale = c.locale;  // the consumer's language, not staff's
  f.ticket = detail->row.ticket;
  f.filed_ms = detail->row.created_ms;
  f.respondent = c.respondent;
  f.phone = c.consumer.phone;
  f.reprinted_ms = now_ms(app);
  if (session && env.store) {
    try {
      audit_staff_action(*env.store, session->account.id, "staff.reprint", "ticket=" + f.ticket);
    } catch (const StoreError& e) {
      notice_error(e.what());
      return;
    }
  }
  reprint_ticket = f.ticket;
  reprint_job = printer->print(receipt_for(app, f));
  wipe_string(f.phone);
  notice_ok(tr("staff.reprint.printing"));
}

void StaffMode::watch_reprint(App& app) {
  if (!reprint_job || !app.env().printer) return;
  const PrintJob j = app.env().printer->job(reprint_job);
  if (j.phase == JobPhase::printed) {
    notice_ok(trf("staff.reprint.done", {{"ticket", reprint_ticket}}));
  } else if (j.phase == JobPhase::failed) {
    notice_error(trf("staff.reprint.failed", {{"reason", tr(std::string("staff.printer.") + to_string(j.why))}}));
  } else {
    ui().frame_within(0.25);
    return;
  }
  reprint_job = 0;
}

std::string printer_state_text(PrinterHealth h) {
  return trf("staff.printer.title", {{"state", tr(std::string("staff.printer.") + to_string(h))}});
}

ImU32 printer_state_colour(PrinterHealth h) {
  const Palette& p = ui().pal;
  if (h == PrinterHealth::ready) return p.success;
  if (h == PrinterHealth::unknown) return p.text_muted;
  if (h == PrinterHealth::paper_low) return IM_COL32(0x8A, 0x4B, 0x00, 0xFF);
  return p.error;
}

// --- words ------------------------------------------------------------------------

std::string deadline_text(const Deadline& d) {
  std::string t;
  if (d.overdue)
    t = trf("staff.deadline.late", {{"n", std::to_string(-d.days_left)}});
  else if (d.days_left == 0)
    t = tr("staff.deadline.today");
  else if (d.days_left == 1)
    t = tr("staff.deadline.tomorrow");
  else
    t = trf("staff.deadline.left", {{"n", std::to_string(d.days_left)}});
  if (d.estimated) t += std::string(" ") + tr("staff.deadline.estimate");
  return t;
}

ImU32 deadline_colour(const Deadline& d) {
  const Palette& p = ui().pal;
  if (d.overdue) return p.error;
  if (d.due_soon) return IM_COL32(0x8A, 0x4B, 0x00, 0xFF);  // amber dark enough for 4.5:1 on white
  return p.text_muted;
}

std::string outcome_text(const std::string& outcome) { return tr("staff.outcome." + outcome); }

namespace {
bool is_settled(const std::string& o) { return o == "settled" || o == "compensation" || o == "compensated"; }
}  // namespace

ImU32 outcome_colour(const std::string& outcome) {
  const Palette& p = ui().pal;
  if (is_settled(outcome)) return p.success;
  if (outcome == "not_settled") return p.error;
  return p.text_muted;
}

const char* outcome_icon(const std::string& outcome) {
  if (is_settled(outcome)) return ICON_CHECK_CIRCLE;
  if (outcome == "not_settled") return ICON_ERROR_OUTLINE;
  return ICON_INFO;
}

std::string money_text(int64_t fen) { return "¥" + format_yuan(fen); }

std::string time_text(int64_t unix_ms, int tz_offset_minutes) {
  std::string t = format_rfc3339(unix_ms / 1000, tz_offset_minutes);
  return t.substr(0, 10) + " " + t.substr(11, 5);
}

std::string time_text(const std::string& rfc3339, int tz_offset_minutes) {
  const std::optional<int64_t> s = parse_rfc3339(rfc3339);
  return s ? time_text(*s * 1000, tz_offset_minutes) : rfc3339;
}

}  // namespace odr::kiosk
