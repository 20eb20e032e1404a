// Chinese input for the on-screen keyboard, without ImGui: the keyboard
// widget (kiosk/widgets) draws; these engines turn taps and strokes into text.
// Implemented by pinyin_rime.cpp (librime) and handwriting_zinnia.cpp (zinnia).
// All calls come from the UI thread; neither engine blocks it for long
// (rime deploys on its own thread, see PinyinInput::ready).
#pragma once
#include <memory>
#include <string>
#include <vector>

namespace odr::input {

// What the pinyin engine shows while the shopper is typing a word.
struct Composition {
  std::string preedit;                  // e.g. "xiao fei", shown above the candidates
  // This page's candidates, best first. Never a character beyond U+FFFF
  // (ImGui 1.86 cannot draw them), so a page may hold fewer than asked.
  std::vector<std::string> candidates;
  int page = 0;
  bool has_prev_page = false;
  bool has_next_page = false;
};

// press() returns this when backspace arrives with nothing being composed:
// the keyboard then deletes one character before the caret in its field.
inline constexpr char kDeleteBackward[] = "\b";

class PinyinInput {
 public:
  virtual ~PinyinInput() = default;
  // False until the background deploy has finished; the keyboard keeps
  // letters working meanwhile (press() returns letters as typed; the other
  // keys work as below).
  virtual bool ready() const = 0;
  // True when the deploy failed (broken rime data): ready() stays false, and
  // the keyboard should offer ABC and 123 only. The cause went to stderr.
  virtual bool failed() const = 0;
  // Feeds one key and returns the text committed by it (may be empty):
  //  'a'..'z'   edit the pinyin; candidates follow (composition()).
  //  ' '        composing: commits the first candidate; else returns " ".
  //  '\b'       composing: deletes the last pinyin letter; else returns
  //             kDeleteBackward ("\b") for the keyboard to act on.
  //  '\n'       composing: commits the pinyin letters as typed; else "\n".
  //  '\''       composing: a syllable separator (xi'an); else "‘" or "’".
  //  punctuation , . ? ! : ; " ( ) < > \ ~  returns the Chinese form
  //             (chinese_punctuation()), after committing the first candidate
  //             when composing. Quotes alternate open/close.
  //  any other printable ASCII (digits, symbols): commits the first
  //             candidate when composing, then returns the key as is.
  //             Other control characters return nothing.
  // To flush a composition (mode switch, leaving the field) call press(' ')
  // while composing(); reset() throws it away instead.
  virtual std::string press(char key) = 0;
  virtual bool composing() const = 0;
  virtual Composition composition() const = 0;
  // Commits candidate index_on_page of the current page and returns the text.
  // When that candidate covers only the first syllables ("xiaofeizhe" ->
  // 消费), the rest stays in composition and nothing is returned yet.
  virtual std::string select(int index_on_page) = 0;
  virtual void change_page(int delta) = 0;  // -1 previous, +1 next
  // Forgets the composition and anything learned: a new shopper starts clean.
  // (Rime never learns here: the user dictionary is off; see pinyin_rime.cpp.)
  virtual void reset() = 0;
};

// The Chinese form that press(key) produces when not composing, for key
// labels: ',' -> "，", '.' -> "。", '\\' -> "、", '"' -> "“”" (alternating), ...
// nullptr for keys that are not Chinese punctuation.
const char* chinese_punctuation(char key);

struct InkPoint { float x = 0, y = 0; };
using Stroke = std::vector<InkPoint>;

class HandwritingInput {
 public:
  virtual ~HandwritingInput() = default;
  virtual bool ready() const = 0;
  // Best candidates for the strokes drawn on a pad of the given real size in
  // pixels (points in pad coordinates, origin top left); lone radicals
  // filtered out (see handwriting_zinnia.cpp). Empty strokes: no candidates.
  virtual std::vector<std::string> recognize(const std::vector<Stroke>& strokes, float pad_width,
                                             float pad_height, size_t max_candidates) const = 0;
};

struct InputOptions {
  // rime's user folder under the kiosk's data dir: its config and deployed
  // tables only, never typed text (no user dictionary; see pinyin_rime.cpp).
  std::string user_data_dir;
  std::string log_dir;        // glog output, a folder of ours (not /tmp)
  std::string shared_data_dir = "/usr/share/rime-data";
  std::string zinnia_model = "/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model";
  int candidates_per_page = 8;  // pinyin candidate bar
  // The engines' libraries, opened on first use (kiosk/dynlib): a missing
  // one turns its input off with a message naming the package.
  std::string rime_library = "librime.so.1";
  std::string zinnia_library = "libzinnia.so.0";
};

// Either may return nullptr with a message in error when the engine cannot be
// loaded (package missing): the keyboard then offers ABC and 123 only.
// librime is one per process: a second pinyin engine while one lives gets
// nullptr; glog keeps the log_dir of the first engine made in the process.
std::unique_ptr<PinyinInput> make_pinyin_input(const InputOptions& options, std::string* error);
std::unique_ptr<HandwritingInput> make_handwriting_input(const InputOptions& options, std::string* error);

}  // namespace odr::input
