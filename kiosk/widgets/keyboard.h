// The on-screen keyboard: the kiosk has no physical keyboard and no system
// input method, so this is the only way text gets in.
//   拼音  letters feed the pinyin engine; the preedit and a candidate bar
//         (big targets, paging) sit above the keys
//   手写  a writing pad: the finger's strokes are drawn as ink and
//         recognised after each stroke; candidates, undo stroke, clear
//   ABC   letters (shift, caps on a double tap), space, punctuation
//   123   digits and symbols (a second page of symbols)
//   keypad  a big numeric pad for phone numbers and amounts
// 拼音 and 手写 show only when their engines loaded (kiosk/input); ABC and
// 123 always work. Key ids ("kb.key.a", "kb.space", "kp.5") are stable for
// the UI test driver.
#pragma once
#include <imgui.h>
#include <imgui_internal.h>

#include <functional>
#include <string>
#include <vector>

#include "input/ime.h"
#include "widgets/text_field.h"

namespace odr::kiosk {

enum class KeyboardMode { pinyin, handwriting, abc, symbols, keypad };
const char* keyboard_mode_id(KeyboardMode m);  // "pinyin", "hw", "abc", "123", "keypad"

struct KeyboardState {
  KeyboardMode text_mode = KeyboardMode::abc;  // the last mode used for text: kept for the session
  bool shift = false, caps = false;
  double last_shift_s = -10;
  int symbol_page = 0;
  // Engines (owned by the app; null when not available).
  input::PinyinInput* pinyin = nullptr;
  input::HandwritingInput* handwriting = nullptr;
  // Loads the handwriting engine the first time 手写 is chosen: its model is
  // 27 MB, and most shoppers never write by hand.
  std::function<input::HandwritingInput*()> load_handwriting;
  // Handwriting: strokes on the pad in pad pixels, and the candidates for them.
  std::vector<input::Stroke> strokes;
  bool drawing = false;
  double last_stroke_end_s = 0;  // ImGui time the finger last left the pad
  int repeats_done = 0;          // a held backspace: deletions made so far
  std::vector<std::string> hw_candidates;
  double last_hw_ms = 0;     // how long the last recognition took (the bench reads it)
  std::string hint;          // a short notice (e.g. "pinyin is starting")

  bool pinyin_available() const { return pinyin != nullptr; }
  bool handwriting_available() const { return handwriting != nullptr || load_handwriting != nullptr; }
  // The session is over: forget strokes, candidates and any composition.
  void reset();
  // The starting mode for a language: 拼音 for Chinese when it is there, else ABC.
  void start_for_locale(bool zh);
};

// The field the keyboard types into.
struct EditTarget {
  std::string* text = nullptr;
  FieldKind kind = FieldKind::text;
  size_t max_codepoints = 0;  // 0: no limit
};

enum class KeyboardAction { none, edited, enter, hide };

// Handwriting writes one character after another without a tap between
// them: the best candidate goes into the field after this long with no new
// stroke (long enough for an elderly writer's pause between strokes), or at
// once when the next stroke starts clear of the ink so far (the next
// character, written beside it).
inline constexpr double kHandwritingCommitPauseS = 1.6;
inline constexpr float kHandwritingNextCharGap = 0.22f;  // of the pad's height

// Height of the keyboard for a field of this kind on this display.
float keyboard_height(const KeyboardState& st, FieldKind kind, ImVec2 display);
// Draws the keyboard across area (in the current window) and applies taps to target.
KeyboardAction keyboard(KeyboardState& st, EditTarget& target, const ImRect& area);
// The pinyin composition to show in the focused field ("" when none).
std::string keyboard_preedit(const KeyboardState& st);

}  // namespace odr::kiosk
