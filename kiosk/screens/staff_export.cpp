// Export: CSV and JSON of a period to the USB stick (config's export dir),
// for when the gateway cannot be reached. Names, phones, addresses and
// descriptions only after the PIN is entered once more.
#include <filesystem>

#include "reports/export_target.h"
#include "screens/staff_mode.h"
#include "widgets/icons.h"
#include "widgets/widgets.h"

namespace odr::kiosk {

namespace {

ExportTarget target_of(const App& app) { return {app.config().export_dir, app.config().export_control_dir}; }

void run_export(StaffMode& s, App& app) {
  if (!s.reports || !s.session) return;
  if (export_target_state(target_of(app)) != ExportTargetState::ready) {
    s.notice_error(tr("staff.export.no_dir"));
    return;
  }
  ExportRequest req;
  req.to_day = s.today();
  req.from_day = req.to_day - s.export_days + 1;
  req.include_personal = s.export_personal;
  req.dir = app.config().export_dir;
  req.staff_id = s.session->account.id;
  try {
    ExportResult r = s.reports->export_period(req);
    s.notice_ok(trf("staff.export.done", {{"n", std::to_string(r.complaints)},
                                          {"file", std::filesystem::path(r.csv_path).filename().string()}}));
    s.export_unmount_asked = request_unmount(target_of(app));  // flushed and unmounted by root's helper
  } catch (const StoreError& e) {
    s.notice_error(e.what());
  }
}

// The PIN once more, on its own card over the screen.
void pin_again(StaffMode& s, App& app) {
  const Palette& p = ui().pal;
  const Metrics& m = ui().m;
  FieldRef ref{"staff.export.pin", "", &s.export_pin, FieldKind::digits, 12};
  if (!app.has_focus()) app.focus(ref);
  ImRect in = staff_dialog_begin(app, "staff.export.dialog", ImVec2(900, 560));
  const float W = in.GetWidth();
  ImGui::SetCursorScreenPos(in.Min);
  ImGui::BeginGroup();
  ui().column_w = W;
  section_title(tr("staff.export.pin_title"), tr("staff.export.pin_sub"));
  std::string dots;
  for (size_t i = 0; i < s.export_pin.size(); ++i) dots += "● ";
  TextFieldSpec spec;
  spec.id = "staff.export.pin";
  spec.label = tr("staff.login.pin");
  spec.hint = tr("staff.login.pin_hint");  // never empty: text_field measures it
  spec.value = dots;
  spec.kind = FieldKind::digits;
  spec.icon = ICON_LOCK;
  if (text_field(spec, W)) app.focus(ref);
  ui().column_w = 0;
  ImGui::EndGroup();
  const float bw = (W - m.gap) * 0.5f, y = in.Max.y - m.button_h;
  bool go = false, cancel = false;
  if (button("staff.export.pin_cancel", ImRect(ImVec2(in.Min.x, y), ImVec2(in.Min.x + bw, in.Max.y)), tr("staff.form.cancel"),
             ICON_CLOSE, ButtonStyle::secondary))
    cancel = true;
  if (button("staff.export.pin_ok", ImRect(ImVec2(in.Max.x - bw, y), in.Max), tr("staff.export.go"), ICON_CHECK,
             ButtonStyle::primary, is_valid_pin(s.export_pin)))
    go = true;
  if (app.has_focus() && app.focused().id == "staff.export.pin") {
    const float h = staff_keyboard_height(app);
    EditTarget t{&s.export_pin, FieldKind::digits, 12};
    KeyboardAction a = keyboard(app.kb, t, ImRect(ImVec2(0, ui().display.y - h), ui().display));
    if (a == KeyboardAction::enter && is_valid_pin(s.export_pin)) go = true;
  }
  (void)p;
  staff_dialog_end();
  if (cancel) {
    app.unfocus();
    wipe_string(s.export_pin);
    s.export_pin_asked = false;
  } else if (go && s.session && s.env.store) {
    LoginResult r;
    try {
      r = staff_login(*s.env.store, app.config().staff_file, s.session->account.id, s.export_pin, s.env.lockout);
    } catch (const std::exception& e) {
      wipe_string(s.export_pin);
      s.export_pin_asked = false;
      app.unfocus();
      s.notice_error(e.what());
      return;
    }
    wipe_string(s.export_pin);
    app.unfocus();
    s.export_pin_asked = false;
    if (r.outcome == LoginOutcome::ok) {
      run_export(s, app);
    } else if (r.outcome == LoginOutcome::locked) {
      s.leave(app, "locked");  // the lock covers staff mode as a whole
    } else {
      s.notice_error(trf("staff.login.wrong", {{"n", std::to_string(r.attempts_left)}}));
    }
  }
}

}  // namespace

void staff_export(StaffMode& s, App& app) {
  const Palette& p = ui().pal;
  const Metrics& m = ui().m;
  const float W = staff_content_begin(s, app, "staff.content.export", 1200);
  section_title(tr("staff.export.title"), tr("staff.export.sub"));
  static const int periods[] = {7, 30, 90, 365};
  std::vector<ChipItem> chips;
  for (int d : periods)
    chips.push_back({"staff.export." + std::to_string(d), trf("staff.dash.days", {{"n", std::to_string(d)}}), s.export_days == d});
  int t = chip_grid(chips, false);
  if (t >= 0) s.export_days = periods[t];
  space(m.gap);
  if (checkbox_card("staff.export.personal", W, tr("staff.export.personal"), s.export_personal, false))
    s.export_personal = !s.export_personal;
  space(m.gap);
  const ExportTargetState stick = export_target_state(target_of(app));
  const bool mounted = stick == ExportTargetState::ready;
  if (stick == ExportTargetState::ready) s.export_unmount_asked = false;  // a stick (again)
  if (stick == ExportTargetState::unmounting) ui().frame_within(0.5f);   // see the helper finish
  if (stick == ExportTargetState::unmounting)
    message_line(ICON_WARNING, tr("staff.export.unmounting"), p.text_muted, W);
  else if (stick == ExportTargetState::missing && s.export_unmount_asked)
    message_line(ICON_CHECK, tr("staff.export.unmounted"), p.success, W);
  else if (!mounted)
    message_line(ICON_WARNING, tr("staff.export.no_dir"), p.error, W);
  ImRect r = take(ImVec2(std::min(W, 600.0f), m.button_h));
  if (button("staff.export.go", r, tr("staff.export.go"), ICON_DESCRIPTION, ButtonStyle::primary, mounted)) {
    if (s.export_personal) {
      wipe_string(s.export_pin);
      s.export_pin_asked = true;
    } else {
      run_export(s, app);
    }
  }
  staff_content_end();
  if (s.export_pin_asked && s.active()) pin_again(s, app);
}

}  // namespace odr::kiosk
