// A text field for a touch screen: a big box with a label, the value (or a
// hint), the keyboard's composition (pinyin preedit, underlined) at the
// caret, a message under it, and an optional character count. It does not
// edit anything itself: tapping it asks for focus, and the on-screen keyboard
// edits the focused field's string. The caret is always at the end, as on a
// kiosk nobody positions a caret with a finger.
#pragma once
#include <string>
#include <string_view>

namespace odr::kiosk {

enum class FieldKind {
  text,       // one line, any characters (pinyin, handwriting, ABC, 123)
  multiline,  // several lines, newlines allowed
  phone,      // digits on the numeric keypad, at most 11
  amount,     // yuan on the numeric keypad: digits and one '.', two decimals
  digits,     // other digits-only fields (numeric keypad)
  code,       // receipt and order numbers: any characters, the keyboard opens on 123
};
bool uses_keypad(FieldKind k);

struct TextFieldSpec {
  const char* id = "";            // stable id: "field.purchase.item"
  std::string_view label;
  std::string_view hint;          // shown when empty
  std::string_view value;         // what to show (the caller masks the phone when not focused)
  FieldKind kind = FieldKind::text;
  std::string_view error;         // under the field in red when not empty
  std::string_view counter;       // right-aligned under the field, e.g. "23 / 2000"
  bool counter_ok = true;         // counter in muted (true) or error colour
  std::string_view prefix;        // drawn before the value, e.g. "¥"
  const char* icon = nullptr;     // leading icon
  int lines = 1;                  // visible lines (multiline)
  bool optional = false;          // adds "(optional)" after the label
};

// Draws the field in the current window's flow at the given width; true when
// tapped (the caller focuses it).
bool text_field(const TextFieldSpec& spec, float width = 0);

// Applies what the keyboard typed to a field's string, keeping the field's
// rules: digits only where digits belong, one decimal point and two decimals
// for amounts, at most max_codepoints. Returns true when the text changed.
bool field_insert(std::string& text, FieldKind kind, size_t max_codepoints, std::string_view typed);
bool field_backspace(std::string& text);

}  // namespace odr::kiosk
