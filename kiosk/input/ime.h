// Chinese input for the on-screen keyboard, without ImGui: the keyboard
// widget (kiosk/widgets) draws; these engines turn taps and strokes into text.
// Implemented by pinyin_rime.cpp (librime) and handwriting_zinnia.cpp (zinnia).
#pragma once
#include <memory>
#include <string>
#include <vector>

namespace odr::input {

// What the pinyin engine shows while the shopper is typing a word.
struct Composition {
  std::string preedit;                  // e.g. "xiao fei", shown above the candidates
  std::vector<std::string> candidates;  // this page's candidates, best first
  int page = 0;
  bool has_prev_page = false;
  bool has_next_page = false;
};

class PinyinInput {
 public:
  virtual ~PinyinInput() = default;
  // False until the background deploy has finished; the keyboard keeps
  // letters working meanwhile.
  virtual bool ready() const = 0;
  // Feeds one key: 'a'..'z', ' ' (commit first candidate), '\b' (backspace),
  // or Chinese-mode punctuation keys (',' '.' '?' '!' ...).
  // Returns text committed by this key (may be empty).
  virtual std::string press(char key) = 0;
  virtual bool composing() const = 0;
  virtual Composition composition() const = 0;
  virtual std::string select(int index_on_page) = 0;  // commits; returns the text
  virtual void change_page(int delta) = 0;              // -1 previous, +1 next
  // Forgets the composition and anything learned: a new shopper starts clean.
  virtual void reset() = 0;
};

struct InkPoint { float x = 0, y = 0; };
using Stroke = std::vector<InkPoint>;

class HandwritingInput {
 public:
  virtual ~HandwritingInput() = default;
  virtual bool ready() const = 0;
  // Best candidates for the strokes drawn on a pad of the given real size in
  // pixels; lone radicals filtered out. Empty strokes: no candidates.
  virtual std::vector<std::string> recognize(const std::vector<Stroke>& strokes, float pad_width,
                                             float pad_height, size_t max_candidates) const = 0;
};

struct InputOptions {
  std::string user_data_dir;  // rime's user folder under the kiosk's data dir (wiped on reset)
  std::string log_dir;        // glog output, a folder of ours (not /tmp)
  std::string shared_data_dir = "/usr/share/rime-data";
  std::string zinnia_model = "/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model";
};

// Either may return nullptr with a message in error when the engine cannot be
// loaded (package missing): the keyboard then offers ABC and 123 only.
std::unique_ptr<PinyinInput> make_pinyin_input(const InputOptions& options, std::string* error);
std::unique_ptr<HandwritingInput> make_handwriting_input(const InputOptions& options, std::string* error);

}  // namespace odr::input
