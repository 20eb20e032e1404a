// Staff login: who you are (one tap on your name), then your PIN on the
// keypad. Five wrong PINs lock staff entry for five minutes (sync/staff).
#include <cstdio>

#include "screens/staff_mode.h"
#include "widgets/icons.h"
#include "widgets/widgets.h"

namespace odr::kiosk {

namespace {

void try_login(StaffMode& s, App& app) {
  if (!s.env.store || !is_valid_pin(s.pin)) return;
  LoginResult r;
  try {
    r = staff_login(*s.env.store, app.config().staff_file, s.chosen_id, s.pin, s.env.lockout);
  } catch (const std::exception& e) {
    s.login_message = e.what();
    wipe_string(s.pin);
    return;
  }
  wipe_string(s.pin);
  s.lock = staff_lockout(*s.env.store, s.env.lockout);
  if (r.outcome == LoginOutcome::ok) {
    app.unfocus();
    s.session = start_session(r.account, s.now_ms(app), std::max(30, app.config().staff_timeout_s) * 1000LL);
    s.login_message.clear();
    if (!s.resume_detail_id.empty()) {
      const std::string id = std::move(s.resume_detail_id);
      s.resume_detail_id.clear();
      s.open_detail(app, id);
    } else {
      s.go(app, StaffScreen::home);
    }
  } else if (r.outcome == LoginOutcome::wrong_pin) {
    s.login_message = trf("staff.login.wrong", {{"n", std::to_string(r.attempts_left)}});
  } else {
    s.login_message.clear();
  }
}

}  // namespace

void staff_login(StaffMode& s, App& app) {
  const Palette& p = ui().pal;
  const Metrics& m = ui().m;
  if (s.env.store) s.lock = staff_lockout(*s.env.store, s.env.lockout);
  const float W = staff_content_begin(s, app, "staff.content.login", 1000);
  section_title(tr("staff.login.title"), tr("staff.login.sub"));

  if (s.lock.locked) {
    app.unfocus();
    const int64_t secs = (s.lock.remaining_ms + 999) / 1000;
    char mmss[48];
    std::snprintf(mmss, sizeof mmss, "%lld:%02lld", static_cast<long long>(secs / 60), static_cast<long long>(secs % 60));
    message_line(ICON_LOCK, trf("staff.login.locked", {{"time", mmss}}), p.error, W);
    ui().animating = true;  // the countdown
    staff_content_end();
    return;
  }
  if (s.accounts.empty()) {
    message_line(ICON_WARNING, s.login_message.empty() ? tr("staff.login.no_accounts") : s.login_message, p.error, W);
    staff_content_end();
    return;
  }

  std::vector<ChipItem> people;
  for (const StaffAccount& a : s.accounts) people.push_back({"staff.login.account." + a.id, a.name, a.id == s.chosen_id});
  int tapped = chip_grid(people, false);
  if (tapped >= 0) {
    s.chosen_id = s.accounts[static_cast<size_t>(tapped)].id;
    s.login_message.clear();
  }
  space(m.gap * 1.5f);
  if (s.chosen_id.empty()) {
    staff_content_end();
    return;
  }

  // The PIN shows as dots; the keypad stays up while this screen is shown.
  FieldRef ref{"staff.pin", "", &s.pin, FieldKind::digits, 12};
  if (!app.has_focus()) app.focus(ref);
  std::string dots;
  for (size_t i = 0; i < s.pin.size(); ++i) dots += "● ";
  TextFieldSpec spec;
  spec.id = "staff.pin";
  spec.label = tr("staff.login.pin");
  spec.hint = tr("staff.login.pin_hint");
  spec.value = dots;
  spec.kind = FieldKind::digits;
  spec.icon = ICON_LOCK;
  // The field and the button side by side, both above the keypad.
  const float bw = std::min(360.0f, W * 0.4f), fw = W - bw - m.gap;
  if (text_field(spec, fw)) app.focus(ref);
  if (const HitRect* box = app.hits().find("staff.pin")) {
    ImRect r(ImVec2(box->min.x + fw + m.gap, box->max.y - m.field_h), ImVec2(box->min.x + fw + m.gap + bw, box->max.y));
    if (button("staff.login.submit", r, tr("staff.login.submit"), ICON_CHECK, ButtonStyle::primary, is_valid_pin(s.pin)))
      try_login(s, app);
  }
  if (!s.login_message.empty()) {
    space(12);
    message_line(ICON_ERROR_OUTLINE, s.login_message, p.error, W);
  }
  staff_content_end();

  // "Done" on the keypad logs in too.
  if (app.has_focus() && app.focused().id == "staff.pin") {
    const float h = staff_keyboard_height(app);
    ImRect area(ImVec2(0, ui().display.y - h), ui().display);
    EditTarget t{&s.pin, FieldKind::digits, 12};
    KeyboardAction a = keyboard(app.kb, t, area);
    if (a == KeyboardAction::edited) s.login_message.clear();
    if (a == KeyboardAction::enter) try_login(s, app);
    if (a == KeyboardAction::hide) app.unfocus();
  }
}

}  // namespace odr::kiosk
