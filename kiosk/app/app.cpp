#include "app/app.h"

#include <algorithm>
#include <chrono>

#include "screens/screens.h"
#include "staff/staff.h"
#include "util/time.h"
#include "widgets/icons.h"
#include "widgets/widgets.h"

namespace odr::kiosk {

App::App(AppEnv env, I18n& i18n, FontAtlases& fonts) : env_(std::move(env)), i18n_(i18n), fonts_(fonts) {
  ui_.fonts = &fonts_;
  ui_.hits = &hits_;
  ui_.tap_guard_s = env_.tap_guard_s;
  kb.pinyin = env_.pinyin;
  kb.handwriting = env_.handwriting;
  i18n_.set_locale(env_.config.default_locale);
  kb.start_for_locale(i18n_.zh());
  last_activity_ms_ = now_ms();
}

App::~App() {
  draft.wipe();
  kb.reset();
  // The widgets' current context must not outlive this app.
  if (&ui() == &ui_) set_ui(nullptr);
  if (current_i18n() == &i18n_) set_current_i18n(nullptr);
}

int64_t App::now_ms() const { return env_.clock_ms ? env_.clock_ms() : now_unix_ms(); }

ValidationContext App::validation_context() const {
  ValidationContext ctx;
  ctx.now_unix_s = now_ms() / 1000;
  ctx.tz_offset_minutes = env_.config.tz_offset_minutes;
  for (const CategoryEntry& c : env_.config.categories) ctx.category_codes.push_back(c.code);
  return ctx;
}

// --- navigation ---------------------------------------------------------------

void App::start() {
  draft.c.consent.notice_version = env_.config.notice_version;
  go(Step::business);
}

void App::go(Step s) {
  unfocus();
  overlay = Overlay::none;
  step = s;
  submit_error.clear();
}

void App::next() {
  if (!step_complete(draft, step, validation_context())) {
    touch_step(step);
    return;
  }
  if (return_to_review && step != Step::review) {
    return_to_review = false;
    go(Step::review);
    return;
  }
  if (step == Step::review) {
    submit();
    return;
  }
  int i = wizard_index(step);
  if (i >= 0 && i + 1 < kWizardSteps) go(wizard_step(i + 1));
}

void App::back() {
  int i = wizard_index(step);
  return_to_review = false;
  if (i <= 0)
    go(Step::welcome);
  else
    go(wizard_step(i - 1));
}

void App::edit_from_review(Step s) {
  go(s);
  return_to_review = true;
}

bool App::submit() {
  submit_error.clear();
  if (!step_complete(draft, Step::review, validation_context())) {
    Step s = first_incomplete_step(draft, validation_context());
    for (int i = 0; i < kWizardSteps; ++i) touch_step(wizard_step(i));
    if (s != Step::welcome) edit_from_review(s);
    return false;
  }
  if (!env_.store) {
    submit_error = tr("submit.error.unavailable");
    overlay = Overlay::submit_error;
    return false;
  }
  Complaint c = complaint_for_submit(draft, i18n_.locale());
  c.kiosk_id = env_.config.kiosk_id;
  try {
    submitted = env_.store->submit_complaint(c);
  } catch (const StoreError& e) {
    wipe_complaint(c);
    // Nothing the shopper typed is lost: the draft is untouched.
    switch (e.kind) {
      case StoreError::Kind::invalid: {
        for (int i = 0; i < kWizardSteps; ++i) touch_step(wizard_step(i));
        submit_error = tr("submit.error.invalid");
        Step s = first_incomplete_step(draft, validation_context());
        if (s != Step::welcome) edit_from_review(s);
        overlay = Overlay::submit_error;
        return false;
      }
      case StoreError::Kind::disk_full: submit_error = tr("submit.error.disk_full"); break;
      default: submit_error = tr("submit.error.unavailable"); break;
    }
    // The kind only, never the complaint: logs carry no personal data.
    fprintf(stderr, "odr-kiosk: submit failed (%d)\n", static_cast<int>(e.kind));
    overlay = Overlay::submit_error;
    return false;
  } catch (const std::exception& e) {
    wipe_complaint(c);
    submit_error = tr("submit.error.unavailable");
    overlay = Overlay::submit_error;
    fprintf(stderr, "odr-kiosk: submit failed\n");
    return false;
  }
  wipe_complaint(c);
  submitted_ms = now_ms();
  go(Step::done);
  if (env_.on_submitted) env_.on_submitted();
  return true;
}

void App::finish() { reset_session(); }

void App::reset_session() {
  if (env_.silence) env_.silence();
  help_called_ = false;
  read_on_open_ = false;
  unfocus();
  draft.wipe();
  kb.reset();
  wipe_string(submitted.id);
  wipe_string(submitted.ticket);
  submitted_ms = 0;
  print_job = 0;  // a job under way finishes on its own; the next shopper does not see it
  prints = 0;
  wipe_string(submit_error);
  step = Step::welcome;
  overlay = Overlay::none;
  return_to_review = false;
  cal = CalendarState{};
  large_ = false;
  i18n_.set_locale(env_.config.default_locale);
  kb.start_for_locale(i18n_.zh());
  last_activity_ms_ = now_ms();
}

// --- a session parked while staff help -------------------------------------------

struct App::Parked {
  Draft draft;
  Step step = Step::welcome;
  std::string locale;
  bool large = false, return_to_review = false;  // parked only after a help call
  int64_t at_ms = 0;
  ~Parked() { draft.wipe(); }
};

bool App::park_session() {
  if (step == Step::welcome || step == Step::done) return false;
  parked_ = std::make_unique<Parked>();
  Parked& p = *parked_;
  p.draft = std::move(draft);
  draft = Draft{};
  p.step = step;
  p.locale = i18n_.locale();
  p.large = large_;
  p.return_to_review = return_to_review;
  p.at_ms = now_ms();
  reset_session();
  return true;
}

bool App::resume_parked() {
  if (!parked_) return false;
  std::unique_ptr<Parked> p = std::move(parked_);
  if (now_ms() - p->at_ms > kParkedMs) return false;  // ~Parked wipes it
  reset_session();
  draft = std::move(p->draft);
  p->draft = Draft{};
  set_locale(p->locale);
  large_ = p->large;
  help_called_ = true;
  return_to_review = p->return_to_review;
  go(p->step);
  return true;
}

// --- help and read-aloud -------------------------------------------------------

void App::call_staff() {
  last_activity_ms_ = now_ms();
  call_out_for_staff();
  if (help_called_) return;  // one call a session; tapping again calls out again
  help_called_ = true;
  help_calls_.push_back(HelpCall{now_ms(), step});
  if (!env_.store) return;
  try {
    env_.store->append_audit("kiosk", "help.called", std::string("step=") + step_key(step));
  } catch (const StoreError& e) {
    fprintf(stderr, "odr-kiosk: the help call could not be written to the audit log (%d)\n", static_cast<int>(e.kind));
  }
}

void App::answer_help_calls(const std::string& staff_id) {
  if (help_calls_.empty()) return;
  const size_t n = help_calls_.size();
  help_calls_.clear();
  if (!env_.store) return;
  try {
    audit_staff_action(*env_.store, staff_id, "help.answered", "calls=" + std::to_string(n));
  } catch (const StoreError& e) {
    fprintf(stderr, "odr-kiosk: the answered help call could not be audited (%d)\n", static_cast<int>(e.kind));
  }
}

void App::call_out_for_staff() {
  if (env_.say) env_.say(tr("help.call_out"), i18n_.locale());
}

void App::read_aloud() {
  if (env_.say) env_.say(screen_speech(*this), i18n_.locale());
}

void App::set_input_engines(input::PinyinInput* pinyin, std::function<input::HandwritingInput*()> load_handwriting) {
  kb.pinyin = pinyin;
  kb.load_handwriting = std::move(load_handwriting);
  if (step == Step::welcome) kb.start_for_locale(i18n_.zh());
}

// --- settings -----------------------------------------------------------------

void App::set_locale(const std::string& locale) {
  // Only the words change: the draft, the step and the focus stay.
  i18n_.set_locale(locale);
  if (step == Step::welcome) kb.start_for_locale(i18n_.zh());
}

void App::set_large_text(bool on) {
  large_ = on;
  // Elderly mode reads the screen at once; leaving it stops the voice.
  read_on_open_ = on && env_.say;
  if (!on && env_.silence) env_.silence();
  ui_.scroll_to_focus = has_focus();
}

// --- fields -------------------------------------------------------------------

void App::touch_step(Step s) {
  for (const FieldError& e : step_errors(draft, s, validation_context())) touch(e.field);
}

std::string App::message_any(const std::string& wire) const {
  if (const FieldError* e = find_error(errors_, wire)) return error_message(*e, i18n_.locale());
  return {};
}

std::string App::message_for(const std::string& wire) const {
  if (!touched(wire)) return {};
  return message_any(wire);
}

void App::field(const FieldRef& ref, TextFieldSpec spec) {
  spec.id = ref.id.c_str();
  spec.kind = ref.kind;
  const bool is_focused = focus_.id == ref.id;
  // The shopper's own entry shows in full (a typo in the only number the
  // business will call must be visible); masking is for what others see.
  spec.value = *ref.text;
  // No "please fill this in" under the field being typed into, least of all
  // while a pinyin syllable is still being composed.
  std::string msg = is_focused && (ref.text->empty() || !ui_.preedit.empty()) ? std::string() : message_for(ref.wire);
  if (spec.error.empty()) spec.error = msg;
  if (is_focused) {
    focus_label_.assign(spec.label);
    focus_hint_.assign(spec.hint);
  }
  if (text_field(spec) && !is_focused) focus(ref);
}

void App::focus(const FieldRef& ref) {
  if (focus_.id == ref.id) return;
  unfocus();
  focus_ = ref;
  ui_.scroll_to_focus = true;
  // Receipt numbers are mostly digits: 123 first, the shopper's own mode after.
  if (ref.kind == FieldKind::code) {
    mode_before_code_ = kb.text_mode;
    kb.text_mode = KeyboardMode::symbols;
  }
}

void App::unfocus() {
  if (focus_.id.empty()) return;
  wipe_string(focus_label_);
  wipe_string(focus_hint_);
  // A pinyin composition in progress is dropped with the focus.
  if (kb.pinyin && kb.pinyin->composing()) kb.pinyin->reset();
  kb.strokes.clear();
  kb.hw_candidates.clear();
  kb.drawing = false;
  if (!focus_.text->empty()) touch(focus_.wire);
  if (focus_.kind == FieldKind::code) kb.text_mode = mode_before_code_;
  focus_ = FieldRef{};
}

// --- idle -----------------------------------------------------------------------

int64_t App::idle_left_s() const {
  int64_t left_ms = env_.config.idle_countdown_s * 1000LL - (now_ms() - overlay_since_ms_);
  return std::max<int64_t>(0, (left_ms + 999) / 1000);
}

void App::update_idle() {
  ImGuiIO& io = ImGui::GetIO();
  const int64_t now = now_ms();
  const bool activity = io.MouseDown[0] || io.MouseReleased[0] || io.MouseDelta.x != 0 || io.MouseDelta.y != 0 ||
                        io.MouseWheel != 0 || !io.InputQueueCharacters.empty();
  if (activity) last_activity_ms_ = now;
  if (takeover) return;
  const bool at_defaults = step == Step::welcome && !large_ && i18n_.locale() == env_.config.default_locale;
  if (at_defaults) return;
  const int64_t quiet = env_.config.idle_timeout_s * 1000LL;
  if (overlay != Overlay::idle && now - last_activity_ms_ >= quiet) {
    if (step == Step::welcome) {
      // Nothing to protect on the welcome screen: just go back to the defaults.
      reset_session();
      return;
    }
    unfocus();
    overlay = Overlay::idle;
    overlay_since_ms_ = now;
  }
  if (overlay == Overlay::idle && now - overlay_since_ms_ >= env_.config.idle_countdown_s * 1000LL) reset_session();
}

int64_t App::next_deadline_ms() const {
  if (full_redraw_) return now_ms();
  const int64_t d = screen_deadline_ms();
  if (frame_wanted_ms_ <= 0) return d;
  return d > 0 ? std::min(d, frame_wanted_ms_) : frame_wanted_ms_;
}

int64_t App::screen_deadline_ms() const {
  if (takeover) return now_ms() + 1000;
  const int64_t idle = idle_deadline_ms();
  // The done screen masks the phone after its first seconds.
  if (step == Step::done && phone_shown_in_full()) {
    const int64_t mask_at = submitted_ms + kPhoneInFullMs;
    return idle > 0 ? std::min(idle, mask_at) : mask_at;
  }
  return idle;
}

int64_t App::idle_deadline_ms() const {
  const bool at_defaults = step == Step::welcome && !large_ && i18n_.locale() == env_.config.default_locale;
  if (at_defaults) return 0;
  if (overlay == Overlay::idle) {
    // The countdown's next whole second.
    int64_t elapsed = now_ms() - overlay_since_ms_;
    return overlay_since_ms_ + (elapsed / 1000 + 1) * 1000;
  }
  return last_activity_ms_ + env_.config.idle_timeout_s * 1000LL;
}

bool App::animation_regions(std::vector<ImRect>* rects) const {
  if (!anim_partial_) return false;
  *rects = anim_rects_;
  return true;
}

void App::staff_gesture() {
  ImGuiIO& io = ImGui::GetIO();
  const bool in_corner = io.MouseDown[0] && io.MousePos.x >= 0 && io.MousePos.x < 120 && io.MousePos.y >= 0 &&
                         io.MousePos.y < 120;
  if (!in_corner) {
    corner_press_ms_ = -1;
    corner_fired_ = false;
    return;
  }
  if (corner_press_ms_ < 0) corner_press_ms_ = now_ms();
  if (!corner_fired_ && now_ms() - corner_press_ms_ >= 3000) {
    corner_fired_ = true;
    if (env_.on_staff_gesture) env_.on_staff_gesture();
  }
  ui_.animating = true;  // the press has to be timed without further input
}

// --- the frame -------------------------------------------------------------------

// A new screen or dialog: taps are held off for a moment (they were aimed at
// the one before), and its scrolling areas open at the top next frame.
void App::note_screen() {
  static const char* const kOverlays[] = {"", "/idle", "/cancel", "/calendar", "/submit_error", "/print_error"};
  std::string tag = takeover ? "staff:" + ui_.screen_tag : std::string(step_key(step));
  tag += kOverlays[static_cast<int>(overlay)];
  ui_.screen_fresh = tag != last_screen_tag_;
  if (ui_.screen_fresh) {
    last_screen_tag_ = std::move(tag);
    ui_.start_tap_guard();
    // Elderly mode reads each screen as it opens, once it has been drawn.
    read_on_open_ = large_ && !takeover && env_.say;
  }
}

void App::draw_header() {
  const Palette& p = ui_.pal;
  const Metrics& m = ui_.m;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float W = ui_.display.x;
  ImRect bar(ImVec2(0, 0), ImVec2(W, m.header_h));
  dl->AddRectFilled(bar.Min, bar.Max, p.surface);
  dl->AddLine(ImVec2(0, bar.Max.y), ImVec2(W, bar.Max.y), p.border, 2);
  // Brand: a badge with 12315 and the desk's name.
  ImFont* f = font(FontRole::body);
  const float bh = m.header_h - 36;
  ImVec2 b0(m.margin, (m.header_h - bh) * 0.5f);
  const char* badge = "12315";
  float bw = measure(f, badge).x + 32;
  dl->AddRectFilled(b0, ImVec2(b0.x + bw, b0.y + bh), p.accent, 14);
  draw_text_centered(dl, f, ImRect(b0, ImVec2(b0.x + bw, b0.y + bh)), p.on_accent, badge);
  // Right side: language, large text, start over.
  float x = W - m.margin;
  const float h = m.header_h - 28, y = 14;
  auto place = [&](float w) {
    x -= w;
    ImRect r(ImVec2(x, y), ImVec2(x + w, y + h));
    x -= 16;
    return r;
  };
  if (step != Step::done) {
    const char* over = tr("header.start_over");
    if (button("header.start_over", place(button_width(over, ICON_RESTART_ALT)), over, ICON_RESTART_ALT,
               ButtonStyle::ghost))
      overlay = Overlay::cancel;
  } else if (!ui_.portrait) {
    assist_buttons(*this, place(assist_width(*this)));  // the done screen has no footer
  }
  const char* big = large_ ? tr("header.normal_text") : tr("header.large_text");
  if (button("header.large_text", place(button_width(big, ICON_FORMAT_SIZE)), big, ICON_FORMAT_SIZE,
             ButtonStyle::secondary))
    set_large_text(!large_);
  const char* other = i18n_.zh() ? "English" : "中文";
  if (button("header.language", place(button_width(other, ICON_TRANSLATE)), other, ICON_TRANSLATE,
             ButtonStyle::secondary))
    set_locale(i18n_.zh() ? "en" : "zh-CN");
  // The desk's name in the room the buttons leave.
  const char* name = tr("app.name");
  ImFont* fn = font_for(FontRole::body, name);
  const float nx = b0.x + bw + 18;
  if (x - nx > 80) draw_text(dl, fn, ImVec2(nx, (m.header_h - fn->FontSize) * 0.5f), p.text, ellipsize(fn, name, x - nx));
}

void App::draw_footer() {
  const Palette& p = ui_.pal;
  const Metrics& m = ui_.m;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float W = ui_.display.x;
  const float bottom = content_.Max.y + m.footer_h;
  ImRect bar(ImVec2(0, content_.Max.y), ImVec2(W, bottom));
  dl->AddRectFilled(bar.Min, bar.Max, p.surface);
  dl->AddLine(bar.Min, ImVec2(W, bar.Min.y), p.border, 2);
  // Portrait: the helps get a row of their own above Back and Next
  // (Metrics::assist_h); landscape: between the two.
  const float h = m.button_h, y = bar.Max.y - m.footer_h + m.assist_h + (m.footer_h - m.assist_h - h) * 0.5f;
  const float back_w = ui_.portrait ? 300 : 320, next_w = ui_.portrait ? 520 : 480;
  float helps_right = m.margin + back_w + 24;  // the row between Back and Next is taken up to here
  if (m.assist_h > 0) {
    assist_buttons(*this, ImRect(ImVec2(m.margin, bar.Min.y + 20), ImVec2(W - m.margin, bar.Min.y + m.assist_h)));
  } else {
    const float left = m.margin + back_w + 24;
    const float aw = std::min(assist_width(*this), W - m.margin - next_w - 24 - left);
    const float ah = std::max(80.0f, h - 16);
    assist_buttons(*this, ImRect(ImVec2(left, y + (h - ah) * 0.5f), ImVec2(left + aw, y + (h + ah) * 0.5f)));
    helps_right = left + aw;
  }
  if (button("nav.back", ImRect(ImVec2(m.margin, y), ImVec2(m.margin + back_w, y + h)), tr("nav.back"),
             ICON_ARROW_BACK, ButtonStyle::secondary))
    back();
  std::string label = next_label.empty() ? (return_to_review ? tr("nav.back_to_review") : tr("nav.next")) : next_label;
  const char* icon = step == Step::review ? ICON_CHECK : ICON_ARROW_FORWARD;
  ImRect nr(ImVec2(W - m.margin - next_w, y), ImVec2(W - m.margin, y + h));
  if (button("nav.next", nr, label, icon, ButtonStyle::primary, step_ok())) next();
  if (ui_.disabled_tap_id == "nav.next") touch_step(step);  // a tap on the grey Next shows what is missing
  // Why Next is grey: a short hint beside it.
  if (!step_ok()) {
    const char* why = tr("nav.incomplete");
    ImFont* f = font_for(FontRole::body, why);
    float w = measure(f, why).x;
    const float left = helps_right + 32, right = nr.Min.x - 32;
    if (w <= right - left) draw_text(dl, f, ImVec2(right - w, y + (h - f->FontSize) * 0.5f), p.text_muted, why);
  }
}

void App::draw_keyboard() {
  if (focus_.id.empty()) return;
  const float h = keyboard_height(kb, focus_.kind, ui_.display);
  ImRect area(ImVec2(0, ui_.display.y - h), ui_.display);
  EditTarget t{focus_.text, focus_.kind, focus_.max_codepoints};
  KeyboardAction a = keyboard(kb, t, area);
  if (a == KeyboardAction::edited) {
    touch(focus_.wire);
  } else if (a == KeyboardAction::hide) {
    unfocus();
  } else if (a == KeyboardAction::enter) {
    // Done means done: the keyboard closes and the shopper sees the page
    // (jumping to another field surprised people who wanted to check it).
    unfocus();
  }
}

void App::draw_overlays() {
  switch (overlay) {
    case Overlay::none: break;
    case Overlay::idle: overlay_idle(*this); break;
    case Overlay::cancel: overlay_cancel(*this); break;
    case Overlay::calendar: overlay_calendar(*this); break;
    case Overlay::submit_error: overlay_submit_error(*this); break;
    case Overlay::print_error: overlay_print_error(*this); break;
  }
}

void App::frame() {
  auto t0 = std::chrono::steady_clock::now();
  set_ui(&ui_);
  set_current_i18n(&i18n_);
  set_current_fonts(&fonts_);
  hits_.begin_frame();
  if (ui_.text_log) ui_.text_log->clear();
  ImGuiIO& io = ImGui::GetIO();
  layout_theme(ui_, io.DisplaySize, large_);
  ui_.time_s = static_cast<double>(now_ms() % 86'400'000) / 1000.0;
  ui_.animating = false;
  ui_.next_frame_in_s = -1;
  ui_.compact = false;
  ui_.anim_rects.clear();
  ui_.disabled_tap_id.clear();
  update_idle();
  errors_ = step_errors(draft, step, validation_context());
  next_label.clear();
  ui_.focus_id = focus_.id;
  ui_.preedit = keyboard_preedit(kb);

  const Metrics& m = ui_.m;
  const ImVec2 D = ui_.display;
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(D);
  ImGui::Begin("root", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoScrollWithMouse);
  // The page background is the renderer's clear colour (Palette::bg): one
  // full-screen layer less for a software renderer to fill.
  if (takeover) {
    content_ = ImRect(ImVec2(0, 0), D);  // the whole screen is the takeover's (the driver scrolls within it)
    if (!takeover(*this)) {
      takeover = nullptr;
      full_redraw_ = true;  // nothing of the welcome screen is drawn yet
    }
  } else if (step == Step::welcome) {
    content_ = ImRect(ImVec2(0, 0), D);
    screen_welcome(*this);
  } else if (step == Step::done) {
    draw_header();
    content_ = ImRect(ImVec2(0, m.header_h), D);
    screen_done(*this);
  } else {
    const float kb_h = has_focus() ? keyboard_height(kb, focus_.kind, D) : 0;
    // Landscape with the keyboard up has little height: the step dots give
    // way, and the header and footer get slimmer (targets stay >= 60 px).
    const bool show_steps = ui_.portrait || kb_h == 0;
    if (!show_steps) {
      ui_.m.header_h = large_ ? 108 : 88;  // its buttons: header_h - 28, >= 80 in elderly mode
      ui_.m.footer_h = 104;
      ui_.m.button_h = 80;
      ui_.compact = true;
    }
    const float top = m.header_h + (show_steps ? m.steps_h + 8 : 8);
    content_ = ImRect(ImVec2(0, top), ImVec2(D.x, D.y - kb_h - m.footer_h));
    draw_header();
    if (show_steps) {
      std::vector<std::string> labels;
      for (int i = 0; i < kWizardSteps; ++i) labels.push_back(tr(std::string("steps.") + step_key(wizard_step(i))));
      step_indicator(ImRect(ImVec2(m.margin, m.header_h + 12), ImVec2(D.x - m.margin, m.header_h + m.steps_h)),
                     wizard_index(step), kWizardSteps, labels);
    }
    switch (step) {
      case Step::business: screen_business(*this); break;
      case Step::category: screen_category(*this); break;
      case Step::purchase: screen_purchase(*this); break;
      case Step::description: screen_description(*this); break;
      case Step::demands: screen_demands(*this); break;
      case Step::contact: screen_contact(*this); break;
      case Step::privacy: screen_privacy(*this); break;
      case Step::review: screen_review(*this); break;
      default: break;
    }
    if (step != Step::welcome && step != Step::done) {
      draw_footer();
      draw_keyboard();
    }
  }
  ImGui::End();
  draw_overlays();
  staff_gesture();
  note_screen();
  const bool pulse = step == Step::welcome && env_.animate && overlay == Overlay::none;
  animating_ = ui_.animating || pulse;
  frame_wanted_ms_ = ui_.next_frame_in_s >= 0 ? now_ms() + static_cast<int64_t>(ui_.next_frame_in_s * 1000) : 0;
  // Only the pulse moves (nothing else asked for frames): it is all that needs redrawing.
  anim_partial_ = pulse && !ui_.animating && !ui_.anim_rects.empty() && !full_redraw_;
  if (full_redraw_ && !takeover && !ui_.screen_fresh) full_redraw_ = false;
  if (read_on_open_) {
    read_on_open_ = false;
    read_aloud();
  }
  anim_rects_.assign(ui_.anim_rects.begin(), ui_.anim_rects.end());
  last_frame_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace odr::kiosk
