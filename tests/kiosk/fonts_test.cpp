// The fonts: a first atlas with the UI strings fast, then all of GB 2312 in
// 2048x2048 at most, and characters beyond GB 2312 added on request.
#include <gtest/gtest.h>

#include <chrono>

#include "app/charsets.h"
#include "app/startup.h"
#include "widgets/fonts.h"

using namespace odr;
using namespace odr::kiosk;

namespace {
bool has(ImFont* f, char32_t c) { return f->FindGlyphNoFallback(static_cast<ImWchar>(c)) != nullptr; }
}  // namespace

TEST(Fonts, MissingFontsGiveAClearMessage) {
  std::string err;
  EXPECT_FALSE(find_fonts({"/nonexistent/a.ttc", "/nonexistent/b.ttf"}, "", &err));
  EXPECT_NE(err.find("/nonexistent/a.ttc"), std::string::npos);
  EXPECT_NE(err.find("fonts-noto-cjk"), std::string::npos);
}

TEST(Fonts, NotoFaceTwoIsSimplifiedChinese) {
  std::string err;
  auto f = find_fonts({"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"}, "", &err);
  ASSERT_TRUE(f) << err;
  EXPECT_EQ(f->regular_face, 2);
  EXPECT_NE(f->bold.find("Bold"), std::string::npos);
}

TEST(Fonts, FirstAtlasHasTheUiThenGb2312ArrivesAndFits) {
  I18n i18n;
  std::string err;
  ASSERT_TRUE(i18n.load(find_assets_dir(""), &err)) << err;
  KioskConfig config;
  std::unique_ptr<FontAtlases> fonts = make_fonts(config, i18n);
  ImFont* body = fonts->font(FontRole::body, false);
  // Every UI string's characters are there from the first frame.
  for (const auto& [k, v] : i18n.zh_catalog().strings) EXPECT_TRUE(FontAtlases::has_all(body, v)) << k;
  EXPECT_FALSE(has(body, U'诈'));  // not a UI character: comes with GB 2312
  ASSERT_TRUE(has(body, U' '));
  EXPECT_GE(body->FindGlyphNoFallback(' ')->AdvanceX, 4.0f);  // spaces take room (padding 0 packs them oddly)
  EXPECT_FALSE(fonts->full_ready());

  fonts->start_full();
  fonts->wait_idle();
  ASSERT_TRUE(fonts->full_ready());
  body = fonts->font(FontRole::body, false);
  EXPECT_TRUE(has(body, U'诈'));  // 价格欺诈
  EXPECT_TRUE(has(body, U'齄'));  // the last character of GB 2312
  EXPECT_TRUE(has(body, U'啊'));  // the first
  EXPECT_TRUE(has(body, 0xE86C));  // an icon merged in
  EXPECT_GE(body->FindGlyphNoFallback(' ')->AdvanceX, 4.0f);
  EXPECT_GT(body->FindGlyphNoFallback(0x3000)->AdvanceX, 20.0f);  // the ideographic space
  EXPECT_GE(fonts->stats().text_glyphs, 7445);
  EXPECT_LE(fonts->stats().text_w, 2048);
  EXPECT_LE(fonts->stats().text_h, 2048);
  EXPECT_LE(fonts->stats().display_w * fonts->stats().display_h, 2048 * 2048);
  // The large-text body font exists now, with the UI strings.
  ImFont* large = fonts->font(FontRole::body, true);
  EXPECT_NE(large, body);
  EXPECT_GT(large->FontSize, body->FontSize);

  // A character beyond GB 2312 (a pinyin candidate could be one) is added on request.
  const char* rare = "喆";  // U+5586
  ASSERT_FALSE(has(body, U'喆'));
  // The rebuild re-uses the glyphs already drawn: the same pixels come back.
  auto glyph_pixels = [&](ImFont* f, ImWchar c) {
    ImFontAtlas* a = f->ContainerAtlas;
    unsigned char* px;
    int w, h;
    a->GetTexDataAsAlpha8(&px, &w, &h);
    const ImFontGlyph* g = f->FindGlyphNoFallback(c);
    std::string out;
    const int x0 = static_cast<int>(g->U0 * w + 0.5f), y0 = static_cast<int>(g->V0 * h + 0.5f);
    const int gw = static_cast<int>((g->U1 - g->U0) * w + 0.5f), gh = static_cast<int>((g->V1 - g->V0) * h + 0.5f);
    for (int y = 0; y < gh; ++y) out.append(reinterpret_cast<const char*>(px) + (y0 + y) * w + x0, gw);
    return out;
  };
  const std::string zhong = glyph_pixels(body, U'中');
  ASSERT_GT(zhong.size(), 300u);
  EXPECT_NE(zhong.find_first_not_of('\0'), std::string::npos);
  EXPECT_FALSE(fonts->request(rare));
  auto t0 = std::chrono::steady_clock::now();
  fonts->wait_idle();
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  body = fonts->font(FontRole::body, false);
  EXPECT_TRUE(has(body, U'喆'));
  EXPECT_TRUE(has(fonts->font(FontRole::body, true), U'喆'));
  EXPECT_EQ(glyph_pixels(body, U'中'), zhong);
  EXPECT_TRUE(has(body, U'齄') && has(body, 0xE86C) && has(body, U'诈'));
  EXPECT_GE(body->FindGlyphNoFallback(' ')->AdvanceX, 4.0f);
  EXPECT_NE(glyph_pixels(body, U'喆').find_first_not_of('\0'), std::string::npos);  // drawn, not blank
  EXPECT_TRUE(fonts->request(rare));  // nothing missing any more
  EXPECT_LE(fonts->stats().text_h, 2048);
  RecordProperty("rebuild_ms", std::to_string(ms));
}
