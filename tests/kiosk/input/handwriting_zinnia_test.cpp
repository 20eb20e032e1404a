// Handwriting with the real zinnia and the Debian Simplified Chinese model.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string_view>

#include "input/ime.h"
#include "strokes.h"

namespace odr::input {
namespace {

using testing::line;
using testing::pad_filling_mouth;
using testing::simple_characters;

// Radical forms and bare strokes a shopper never means alone.
constexpr std::string_view kLoneRadicals[] = {"丨", "丶", "丿", "冫", "彐", "囗", "亻", "氵", "扌",
                                              "讠", "宀", "凵", "冂", "丬", "灬", "攵", "厶", "亠"};

std::unique_ptr<HandwritingInput> open_zinnia() {
  std::string error;
  auto hw = make_handwriting_input(InputOptions{}, &error);
  EXPECT_TRUE(hw) << error;
  return hw;
}

void expect_no_lone_radicals(const std::vector<std::string>& got) {
  for (const auto& c : got)
    for (auto radical : kLoneRadicals) EXPECT_NE(c, radical) << "a lone radical was offered";
}

TEST(Handwriting, SimpleCharactersComeBackFirst) {
  auto hw = open_zinnia();
  ASSERT_TRUE(hw);
  EXPECT_TRUE(hw->ready());
  // The pad's real size, as the keyboard passes it; a square and a wide pad.
  for (auto [w, h] : {std::pair{400.f, 400.f}, std::pair{300.f, 280.f}}) {
    for (const auto& written : simple_characters(w, h)) {
      if (written.text != "一" && written.text != "十" && written.text != "二") continue;
      auto got = hw->recognize(written.strokes, w, h, 8);
      ASSERT_FALSE(got.empty()) << written.text;
      EXPECT_EQ(got.front(), written.text) << "pad " << w << "x" << h;
      EXPECT_EQ(got.size(), 8u) << "the best 8 after filtering";
      expect_no_lone_radicals(got);
    }
  }
}

// The keyboard's pad is wide (about 1.6 : 1) and a shopper writes one
// character in its middle, in a square, with curved strokes. Read as if the
// pad were the character's box, 人 came back as 卜 (squeezed sideways).
TEST(Handwriting, ACharacterWrittenInTheMiddleOfAWidePadIsRead) {
  auto hw = open_zinnia();
  ASSERT_TRUE(hw);
  for (auto [w, h] : {std::pair{600.f, 375.f}, std::pair{640.f, 400.f}, std::pair{380.f, 380.f}}) {
    for (const auto& written : testing::curved_characters(w, h)) {
      auto got = hw->recognize(written.strokes, w, h, 9);
      ASSERT_FALSE(got.empty()) << written.text;
      std::string all;
      for (const auto& g : got) all += g + " ";
      EXPECT_EQ(got.front(), written.text) << "pad " << w << "x" << h << ": got " << all;
    }
  }
}

TEST(Handwriting, EmptyPadGivesNoCandidates) {
  auto hw = open_zinnia();
  ASSERT_TRUE(hw);
  EXPECT_TRUE(hw->recognize({}, 400, 400, 8).empty());
  EXPECT_TRUE(hw->recognize({Stroke{}, Stroke{}}, 400, 400, 8).empty());
  // No size or no room for candidates: nothing, not a crash.
  auto one = simple_characters(400, 400).front().strokes;
  EXPECT_TRUE(hw->recognize(one, 0, 0, 8).empty());
  EXPECT_TRUE(hw->recognize(one, 400, 400, 0).empty());
}

TEST(Handwriting, PadFillingSquareIsMouthNotEnclosureRadical) {
  auto hw = open_zinnia();
  ASSERT_TRUE(hw);
  auto got = hw->recognize(pad_filling_mouth(360, 360), 360, 360, 10);
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got.front(), "口");
  EXPECT_EQ(std::count(got.begin(), got.end(), "口"), 1) << "no duplicate after 囗 -> 口";
  expect_no_lone_radicals(got);
}

TEST(Handwriting, RadicalsFilteredForPartialCharacters) {
  auto hw = open_zinnia();
  ASSERT_TRUE(hw);
  // A first stroke alone (a vertical, a dot, two short strokes) is where raw
  // zinnia offers 丨 丶 冫: none of them may show.
  const float w = 320, h = 320;
  const std::vector<std::vector<Stroke>> partial = {
      {line(w, h, 0.5f, 0.1f, 0.5f, 0.9f)},
      {line(w, h, 0.45f, 0.2f, 0.55f, 0.3f, 4)},
      {line(w, h, 0.2f, 0.25f, 0.3f, 0.35f, 6), line(w, h, 0.15f, 0.75f, 0.3f, 0.55f, 6)},
  };
  for (const auto& strokes : partial) {
    auto got = hw->recognize(strokes, w, h, 12);
    EXPECT_GE(got.size(), 8u);
    expect_no_lone_radicals(got);
  }
}

TEST(Handwriting, FingerOffThePadAndBadPointsAreTolerated) {
  auto hw = open_zinnia();
  ASSERT_TRUE(hw);
  const float w = 400, h = 400;
  // 一 drawn past both edges of the pad: clamped to the edge, still 一.
  Stroke wide = line(w, h, -0.3f, 0.5f, 1.3f, 0.5f);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  wide.insert(wide.begin() + 3, InkPoint{nan, nan});
  auto got = hw->recognize({wide}, w, h, 8);
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got.front(), "一");
  // A tap is a dot, a real stroke.
  EXPECT_FALSE(hw->recognize({Stroke{{200, 120}}}, w, h, 8).empty());
}

TEST(Handwriting, MissingModelGivesNullAndClearError) {
  InputOptions options;
  options.zinnia_model = "/nonexistent/handwriting-zh_CN.model";
  std::string error;
  EXPECT_EQ(make_handwriting_input(options, &error), nullptr);
  EXPECT_NE(error.find("/nonexistent/handwriting-zh_CN.model"), std::string::npos) << error;
  EXPECT_NE(error.find("tegaki-zinnia-simplified-chinese"), std::string::npos) << error;
}

// libzinnia is opened on first use (kiosk/dynlib): without it, handwriting
// is off with a message naming the package.
TEST(Handwriting, AMissingLibraryGivesNullAndClearError) {
  InputOptions options;
  options.zinnia_library = "libzinnia-not-installed.so.0";
  std::string error;
  EXPECT_EQ(make_handwriting_input(options, &error), nullptr);
  EXPECT_NE(error.find("libzinnia-not-installed.so.0 cannot be loaded (install libzinnia0)"), std::string::npos)
      << error;
}

}  // namespace
}  // namespace odr::input
