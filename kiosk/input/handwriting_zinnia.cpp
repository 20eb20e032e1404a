// Handwriting by zinnia with the tegaki Simplified Chinese model (the 6,763
// characters of GB2312). Opening maps the model (~10 ms); one classification
// takes a few ms, so it runs on the UI thread after each stroke.
//
// What we filter (GB2312 holds radical forms as characters, and zinnia
// offers them for partial or pad-filling shapes):
//  - anything that is not one Han ideograph ImGui can draw (16-bit: no
//    Extension B and beyond), such as CJK Radicals Supplement,
//    Kangxi Radicals U+2E80..U+2FDF, CJK Strokes U+31C0.., symbols);
//  - kComponentOnly: radical forms nobody writes alone (亻 氵 扌 讠 宀 ...)
//    and the single strokes 丨 丶 丿, which turn up for unfinished characters;
//  - 囗 (the enclosure radical) becomes 口: a square that fills the pad comes
//    back as 囗, and the shopper means 口.
// Rare but real characters (隹, 豸) stay: they are words in a dictionary.
//
// The keyboard's pad is wide (about 1.6 : 1) and a shopper writes one
// character in a square somewhere on it. zinnia reads its canvas as the
// character's box, so the ink is moved onto a square canvas first
// (square_canvas): without that, 人 comes back as 卜, squeezed sideways.
//
// libzinnia is opened on first use (kiosk/dynlib) and spoken to through its
// C API, each function looked up with the type zinnia.h gives it.
#include <zinnia.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string_view>

#include "dynlib/dynlib.h"
#include "input/ime.h"
#include "util/utf8.h"

namespace odr::input {
namespace {

constexpr std::string_view kComponentOnly =
    "亻冫冖讠刂勹匚卩阝廴彳彡忄扌氵犭纟艹辶饣钅礻衤宀疒夂攵灬丬冂凵亠彐廾厶丨丶丿虍尢肀";
constexpr char32_t kEnclosure = U'囗';
constexpr char kMouth[] = "口";

// Han ideographs ImGui can draw (16-bit): URO, Extension A, compatibility.
bool is_han(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF);
}

bool is_component_only(char32_t c) {
  size_t i = 0;
  while (i < kComponentOnly.size())
    if (next_codepoint(kComponentOnly, i) == c) return true;
  return false;
}

// The text a shopper would mean by this result, or "" to drop it.
std::string meant(std::string_view value) {
  size_t i = 0;
  const char32_t c = next_codepoint(value, i);
  if (i != value.size() || !is_han(c) || is_component_only(c)) return {};
  if (c == kEnclosure) return kMouth;
  return std::string(value);
}

// The strokes on a square canvas of side pad_height, the ink's box scaled
// (the same both ways) to fill most of it and centred: a shopper writes
// anywhere on the pad and at any size, and zinnia compares shapes on the
// canvas it is given, so a small character in a corner reads badly.
struct SquareCanvas {
  float side = 0, scale = 1, mid_x = 0, mid_y = 0;
  InkPoint map(InkPoint p) const {
    return {(p.x - mid_x) * scale + side * 0.5f, (p.y - mid_y) * scale + side * 0.5f};
  }
};

SquareCanvas square_canvas(const std::vector<Stroke>& strokes, float pad_width, float pad_height) {
  SquareCanvas c;
  c.side = std::min(pad_width, pad_height);
  float x0 = pad_width, x1 = 0, y0 = pad_height, y1 = 0;
  for (const Stroke& s : strokes)
    for (const InkPoint& p : s)
      if (std::isfinite(p.x) && std::isfinite(p.y)) {
        const float x = std::clamp(p.x, 0.0f, pad_width), y = std::clamp(p.y, 0.0f, pad_height);
        x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
      }
  if (x1 < x0) return c;
  c.mid_x = (x0 + x1) * 0.5f;
  c.mid_y = (y0 + y1) * 0.5f;
  const float extent = std::max(x1 - x0, y1 - y0);
  // A dot or a tiny mark stays its size rather than being blown up to a blob.
  if (extent > c.side * 0.08f) c.scale = c.side * 0.8f / extent;
  return c;
}

// zinnia's C API, from the library opened by make_handwriting_input.
struct ZinniaApi {
  std::shared_ptr<kiosk::DynLib> lib;
#define ODR_ZINNIA_FNS(X)                                                                                 \
  X(zinnia_recognizer_new) X(zinnia_recognizer_destroy) X(zinnia_recognizer_open) X(zinnia_recognizer_strerror) \
  X(zinnia_recognizer_classify) X(zinnia_character_new) X(zinnia_character_destroy) X(zinnia_character_set_width) \
  X(zinnia_character_set_height) X(zinnia_character_add) X(zinnia_result_size) X(zinnia_result_value)       \
  X(zinnia_result_destroy)
#define ODR_ZINNIA_MEMBER(f) decltype(&::f) f = nullptr;
  ODR_ZINNIA_FNS(ODR_ZINNIA_MEMBER)
#undef ODR_ZINNIA_MEMBER
  // False and *error when the library or one of its functions is missing.
  bool load(const std::string& soname, std::string* error) {
    lib = kiosk::DynLib::open(soname, "libzinnia0", error);
    if (!lib) return false;
#define ODR_ZINNIA_LOAD(f) \
  if (!(f = lib->sym<decltype(&::f)>(#f, error))) return false;
    ODR_ZINNIA_FNS(ODR_ZINNIA_LOAD)
#undef ODR_ZINNIA_LOAD
    return true;
  }
};

class ZinniaHandwriting final : public HandwritingInput {
 public:
  ZinniaHandwriting(ZinniaApi api, zinnia_recognizer_t* recognizer) : z_(std::move(api)), recognizer_(recognizer) {}
  ~ZinniaHandwriting() override { z_.zinnia_recognizer_destroy(recognizer_); }
  ZinniaHandwriting(const ZinniaHandwriting&) = delete;
  ZinniaHandwriting& operator=(const ZinniaHandwriting&) = delete;

  bool ready() const override { return true; }

  std::vector<std::string> recognize(const std::vector<Stroke>& strokes, float pad_width, float pad_height,
                                     size_t max_candidates) const override {
    std::vector<std::string> out;
    if (max_candidates == 0 || !(pad_width >= 1) || !(pad_height >= 1)) return out;
    const SquareCanvas canvas = square_canvas(strokes, pad_width, pad_height);
    const int width = static_cast<int>(std::lround(canvas.side));
    const int height = width;
    std::unique_ptr<zinnia_character_t, decltype(z_.zinnia_character_destroy)> character(z_.zinnia_character_new(),
                                                                                       z_.zinnia_character_destroy);
    z_.zinnia_character_set_width(character.get(), static_cast<size_t>(width));
    z_.zinnia_character_set_height(character.get(), static_cast<size_t>(height));
    size_t id = 0;
    for (const Stroke& stroke : strokes) {
      int last_x = -1, last_y = -1;
      size_t points = 0;
      for (const InkPoint& raw : stroke) {
        if (!std::isfinite(raw.x) || !std::isfinite(raw.y)) continue;
        const InkPoint p = canvas.map(raw);
        // A finger can slide off the pad while drawing: keep it on the edge.
        const int x = std::clamp(static_cast<int>(std::lround(p.x)), 0, width - 1);
        const int y = std::clamp(static_cast<int>(std::lround(p.y)), 0, height - 1);
        if (x == last_x && y == last_y) continue;
        z_.zinnia_character_add(character.get(), id, x, y);
        last_x = x;
        last_y = y;
        ++points;
      }
      if (points > 0) ++id;
    }
    if (id > 0) {
      // Ask for more than needed: filtering drops some.
      std::unique_ptr<zinnia_result_t, decltype(z_.zinnia_result_destroy)> result(
          z_.zinnia_recognizer_classify(recognizer_, character.get(), max_candidates * 2 + 16), z_.zinnia_result_destroy);
      const size_t n = result ? z_.zinnia_result_size(result.get()) : 0;
      for (size_t i = 0; i < n && out.size() < max_candidates; ++i) {
        const char* value = z_.zinnia_result_value(result.get(), i);
        std::string text = value ? meant(value) : std::string();
        if (!text.empty() && std::find(out.begin(), out.end(), text) == out.end()) out.push_back(std::move(text));
      }
    }
    return out;
  }

 private:
  ZinniaApi z_;
  zinnia_recognizer_t* recognizer_;
};

}  // namespace

std::unique_ptr<HandwritingInput> make_handwriting_input(const InputOptions& options, std::string* error) {
  std::string ignored;
  if (!error) error = &ignored;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(options.zinnia_model, ec)) {
    *error = "handwriting: zinnia model missing: " + options.zinnia_model +
             " (install tegaki-zinnia-simplified-chinese)";
    return nullptr;
  }
  ZinniaApi z;
  std::string why;
  if (!z.load(options.zinnia_library, &why)) {
    *error = "handwriting: " + why;
    return nullptr;
  }
  zinnia_recognizer_t* recognizer = z.zinnia_recognizer_new();
  if (!recognizer || !z.zinnia_recognizer_open(recognizer, options.zinnia_model.c_str())) {
    *error = "handwriting: cannot open " + options.zinnia_model + ": " +
             (recognizer ? z.zinnia_recognizer_strerror(recognizer) : "no recognizer");
    if (recognizer) z.zinnia_recognizer_destroy(recognizer);
    return nullptr;
  }
  return std::make_unique<ZinniaHandwriting>(std::move(z), recognizer);
}

}  // namespace odr::input
