// The shopper's side of the kiosk: one App holds the session (the complaint
// being entered, the step, language, large text, the idle timer, the focused
// field and the keyboard) and draws one frame of it with ImGui. It never
// touches GLFW or GL: the platform layer (kiosk/platform) runs it in a
// window, the UI test driver (kiosk/testing) in a headless ImGui context.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/draft.h"
#include "config/config.h"
#include "i18n/i18n.h"
#include "input/ime.h"
#include "receipt/status.h"
#include "store/store.h"
#include "widgets/calendar.h"
#include "widgets/fonts.h"
#include "widgets/hit.h"
#include "widgets/keyboard.h"
#include "widgets/text_field.h"
#include "widgets/theme.h"

namespace odr::kiosk {

struct AppEnv {
  KioskConfig config;
  Store* store = nullptr;                  // opened by the caller on the UI thread; null: submit fails politely
  std::function<int64_t()> clock_ms;       // empty: the system clock (tests inject one)
  std::function<void()> on_submitted;      // after a complaint is stored (wakes the sync engine)
  input::PinyinInput* pinyin = nullptr;    // optional engines (kiosk/input)
  input::HandwritingInput* handwriting = nullptr;
  bool animate = true;                     // the welcome screen's gentle pulse
  double tap_guard_s = 0.5;                // taps ignored on a new screen (0: none, the tour)
  // A 3-second press in the top-left corner (staff mode lives elsewhere).
  std::function<void()> on_staff_gesture;
  // The receipt printer (kiosk/printer, run by the services); null: none is
  // configured, and the done screen offers no printing.
  ReceiptPrinter* printer = nullptr;
  // Read-aloud (kiosk/speech, run by the services): say replaces whatever is
  // being said, silence stops it. Empty: no speech, and no speaker button.
  // Only words of the screens go in, never what a shopper typed.
  std::function<void(const std::string& text, const std::string& locale)> say;
  std::function<void()> silence;
};

// A shopper asked for help (请工作人员协助): when, and on which step. Kept
// across sessions until staff say it was answered.
struct HelpCall {
  int64_t at_ms = 0;  // the app clock
  Step step = Step::welcome;
};

enum class Overlay { none, idle, cancel, calendar, submit_error, print_error };

// A field on the current screen.
struct FieldRef {
  std::string id;    // "field.purchase.item"
  std::string wire;  // "purchase.item": its error messages
  std::string* text = nullptr;
  FieldKind kind = FieldKind::text;
  size_t max_codepoints = 0;
};

class App {
 public:
  App(AppEnv env, I18n& i18n, FontAtlases& fonts);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // One frame, between ImGui::NewFrame() and ImGui::Render().
  void frame();
  // When the app needs a frame although nothing happens (the idle overlay,
  // its countdown), in the app clock's ms; 0: never.
  int64_t next_deadline_ms() const;
  // Something moves: keep drawing frames (the platform caps their rate).
  bool animating() const { return animating_; }
  // When only parts of the screen animate: those parts (else false: all of it).
  bool animation_regions(std::vector<ImRect>* rects) const;
  int64_t now_ms() const;

  // --- navigation -----------------------------------------------------------
  void start();                 // welcome -> first step
  void go(Step s);              // any step; keeps everything entered
  void next();                  // to the next step when this one is complete
  void back();
  void edit_from_review(Step s);  // review's sections: go there, Next comes back
  bool submit();                // review -> done; false with submit_error_ set
  void finish();                // done -> welcome, wiping the session
  // Ends the session: every buffer overwritten, back to the welcome screen
  // in the default language. Speech stops.
  void reset_session();
  // Staff come to help and need staff mode: the session waits, unseen, for
  // up to kParkedMs (true); resume_parked brings it back as it was (false:
  // nothing parked, or too long ago, and it is wiped).
  bool park_session();
  bool resume_parked();
  static constexpr int64_t kParkedMs = 15 * 60'000;

  // --- help and read-aloud ----------------------------------------------------
  // 请工作人员协助: the desk hears it (the kiosk calls out), it is audited,
  // and the shopper sees help is coming; the input stays.
  void call_staff();
  bool help_called() const { return help_called_; }  // in this session
  const std::vector<HelpCall>& help_calls() const { return help_calls_; }
  // Staff answered every call (audited under their id).
  void answer_help_calls(const std::string& staff_id);
  // Says the desk is wanted (the shopper's call; staff mode's reminder).
  void call_out_for_staff();
  // Reads the screen aloud: its question, the focused field's label and
  // hint, and any message shown (what read_aloud.cpp composes).
  void read_aloud();
  bool can_read_aloud() const { return static_cast<bool>(env_.say); }
  // The focused field's words as last drawn (read-aloud reads them).
  const std::string& focus_label() const { return focus_label_; }
  const std::string& focus_hint() const { return focus_hint_; }

  // The Chinese input engines, when they start after the first frame.
  void set_input_engines(input::PinyinInput* pinyin, std::function<input::HandwritingInput*()> load_handwriting);

  // --- settings -------------------------------------------------------------
  void set_locale(const std::string& locale);
  void set_large_text(bool on);
  bool large_text() const { return large_; }
  const std::string& locale() const { return i18n_.locale(); }

  // --- fields and keyboard --------------------------------------------------
  // Draws a text field bound to text; a tap on it gives it the focus.
  void field(const FieldRef& ref, TextFieldSpec spec);
  void focus(const FieldRef& ref);
  void unfocus();
  bool has_focus() const { return !focus_.id.empty(); }
  const FieldRef& focused() const { return focus_; }
  // Marks a field visited: its message shows from now on.
  void touch(const std::string& wire) { draft.touched.insert(wire); }
  bool touched(const std::string& wire) const { return draft.touched.count(wire) > 0; }
  void touch_step(Step s);
  // The message for a field of the current step (empty when fine or not visited).
  std::string message_for(const std::string& wire) const;
  std::string message_any(const std::string& wire) const;  // regardless of visits

  // --- state the screens read -----------------------------------------------
  Draft draft;
  Step step = Step::welcome;
  Overlay overlay = Overlay::none;
  bool return_to_review = false;
  KeyboardState kb;
  CalendarState cal;
  SubmitResult submitted;
  int64_t submitted_ms = 0;  // when (the app clock)
  // The done screen shows the phone number in full for its first seconds only.
  static constexpr int64_t kPhoneInFullMs = 10'000;
  bool phone_shown_in_full() const { return now_ms() - submitted_ms < kPhoneInFullMs; }
  std::string submit_error;  // for the shopper, already translated
  // The done screen's receipt: the last print job and how many were asked for.
  uint64_t print_job = 0;
  int prints = 0;
  PrinterHealth print_failed_why = PrinterHealth::unknown;  // what the print_error dialog says
  static constexpr int kPrintsPerSession = 2;  // the receipt and one spare, not a roll of paper
  const AppEnv& env() const { return env_; }
  const KioskConfig& config() const { return env_.config; }
  ValidationContext validation_context() const;
  const std::vector<FieldError>& errors() const { return errors_; }  // of the current step
  bool step_ok() const { return errors_.empty(); }
  int64_t idle_left_s() const;  // the countdown on the idle overlay
  Ui& ui_state() { return ui_; }
  HitRegistry& hits() { return hits_; }
  FontAtlases& fonts() { return fonts_; }
  I18n& i18n() const { return i18n_; }
  // The rectangle of the screen's content area (below the header and steps,
  // above the footer and keyboard) for this frame.
  ImRect content_rect() const { return content_; }
  // A screen's own hook into the footer: Next's label (empty: "Next").
  std::string next_label;

  // Staff mode (kiosk/screens/staff_*): while set, it draws instead of the
  // shopper's screens; it returns false when staff leave.
  std::function<bool(App&)> takeover;

  // Time spent in the last frame() (app CPU before rendering), for the bench.
  double last_frame_ms = 0;

 private:
  void draw_header();
  void draw_footer();
  void draw_keyboard();
  void draw_overlays();
  void update_idle();
  void staff_gesture();
  void note_screen();
  int64_t idle_deadline_ms() const;
  int64_t screen_deadline_ms() const;  // the idle timeout, the countdown, the phone mask

  AppEnv env_;
  I18n& i18n_;
  FontAtlases& fonts_;
  Ui ui_;
  HitRegistry hits_;
  bool large_ = false;
  bool animating_ = false;
  int64_t frame_wanted_ms_ = 0;  // a widget asked for a frame by then (Ui::next_frame_in_s)
  bool anim_partial_ = false;
  std::vector<ImRect> anim_rects_;
  std::vector<FieldError> errors_;
  FieldRef focus_;
  KeyboardMode mode_before_code_ = KeyboardMode::abc;
  ImRect content_;
  int64_t last_activity_ms_ = 0;
  int64_t overlay_since_ms_ = 0;
  int64_t corner_press_ms_ = -1;
  bool corner_fired_ = false;
  std::string last_screen_tag_;  // step / overlay / staff screen of the last frame
  bool full_redraw_ = false;     // staff mode just ended: draw the welcome screen whole, now
  bool help_called_ = false;
  std::vector<HelpCall> help_calls_;
  std::string focus_label_, focus_hint_;
  bool read_on_open_ = false;  // elderly mode: read the screen once it has been drawn
  struct Parked;
  std::unique_ptr<Parked> parked_;
};

// What read-aloud says for the app's screen now (read_aloud.cpp): words of
// the UI only; the shopper's entries are never among them.
std::string screen_speech(const App& app);

}  // namespace odr::kiosk
