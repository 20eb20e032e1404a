// The atlas cache (widgets/atlas_cache.h): a start with the same fonts,
// sizes and characters reads the atlases back instead of building them, and
// gets the same glyphs and pixels; a damaged file or a font file that
// changed is not used (built again, and the file written again).
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "support/temp.h"
#include "widgets/atlas_cache.h"
#include "widgets/fonts.h"

using namespace odr::kiosk;
namespace fs = std::filesystem;

namespace {

const char* kIcons = "/usr/share/fonts/truetype/material-design-icons-iconfont/MaterialIcons-Regular.ttf";

FontCharsets small_charsets() {
  FontCharsets c;
  add_codepoints(c.ui, "消费者投诉开始 Start");
  add_codepoints(c.title, "欢迎");
  add_codepoints(c.hero, "您好");
  return c;
}

// A first build of the small charsets with this cache dir and icon font.
std::unique_ptr<FontAtlases> first_build(const std::string& cache, const std::string& icons) {
  std::string err;
  auto files = find_fonts({"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"}, icons, &err);
  EXPECT_TRUE(files) << err;
  auto fonts = std::make_unique<FontAtlases>(*files, small_charsets());
  fonts->set_cache_dir(cache);
  fonts->build_first();
  return fonts;
}

std::string pixels(const ImFontAtlas* a) {
  unsigned char* px;
  int w, h;
  const_cast<ImFontAtlas*>(a)->GetTexDataAsAlpha8(&px, &w, &h);
  return std::string(reinterpret_cast<const char*>(px), static_cast<size_t>(w) * h);
}

void expect_same_glyphs(ImFont* a, ImFont* b) {
  ASSERT_EQ(a->Glyphs.Size, b->Glyphs.Size);
  EXPECT_EQ(a->FontSize, b->FontSize);
  EXPECT_EQ(a->Ascent, b->Ascent);
  for (int i = 0; i < a->Glyphs.Size; ++i) {
    EXPECT_EQ(a->Glyphs[i].Codepoint, b->Glyphs[i].Codepoint);
    EXPECT_EQ(a->Glyphs[i].AdvanceX, b->Glyphs[i].AdvanceX);
    EXPECT_EQ(a->Glyphs[i].U0, b->Glyphs[i].U0);
  }
  EXPECT_EQ(b->FindGlyphNoFallback(U'诈'), nullptr);  // nothing beyond what was asked for
}

}  // namespace

TEST(AtlasCache, TheSecondStartReadsTheSameAtlasesBack) {
  const std::string cache = odr::test::fresh_dir("atlas-cache") + "/fonts";
  auto built = first_build(cache, kIcons);
  EXPECT_FALSE(built->stats().first_from_cache);
  ASSERT_TRUE(fs::is_regular_file(cache + "/atlas-first.bin"));
  auto read = first_build(cache, kIcons);
  EXPECT_TRUE(read->stats().first_from_cache);
  for (FontRole role : {FontRole::body, FontRole::title, FontRole::display, FontRole::ticket, FontRole::icon_xl})
    expect_same_glyphs(built->font(role, false), read->font(role, false));
  EXPECT_EQ(pixels(built->text_atlas()), pixels(read->text_atlas()));
  EXPECT_EQ(pixels(built->display_atlas()), pixels(read->display_atlas()));
  EXPECT_EQ(built->text_atlas()->TexUvWhitePixel.x, read->text_atlas()->TexUvWhitePixel.x);
  EXPECT_NE(read->font(FontRole::body, false)->FindGlyphNoFallback(U'诉'), nullptr);
  EXPECT_NE(read->font(FontRole::title, false)->FindGlyphNoFallback(U'迎'), nullptr);
  EXPECT_NE(read->font(FontRole::body, false)->FindGlyphNoFallback(0xE86C), nullptr);  // the icons merged in
}

TEST(AtlasCache, ADamagedFileIsNotUsedAndIsWrittenAgain) {
  const std::string cache = odr::test::fresh_dir("atlas-damaged") + "/fonts";
  first_build(cache, kIcons);
  const std::string file = cache + "/atlas-first.bin";
  std::string bytes = odr::test::read_file(file);
  ASSERT_GT(bytes.size(), 10000u);
  bytes[bytes.size() / 2] ^= 0x5A;  // one byte of the pixels
  odr::test::write_file(file, bytes);
  auto again = first_build(cache, kIcons);
  EXPECT_FALSE(again->stats().first_from_cache);
  EXPECT_NE(again->font(FontRole::body, false)->FindGlyphNoFallback(U'诉'), nullptr);
  // Truncated: not used either.
  odr::test::write_file(file, odr::test::read_file(file).substr(0, 5000));
  EXPECT_FALSE(first_build(cache, kIcons)->stats().first_from_cache);
  EXPECT_TRUE(first_build(cache, kIcons)->stats().first_from_cache);  // whole again
  std::string why;
  EXPECT_FALSE(load_atlases(file, 12345, &why));
  EXPECT_NE(why.find("other fonts"), std::string::npos) << why;
}

TEST(AtlasCache, AFontFileThatChangedIsNotReadFromTheCache) {
  const std::string dir = odr::test::fresh_dir("atlas-stale");
  const std::string icons = dir + "/icons.ttf";
  fs::copy_file(kIcons, icons);
  first_build(dir + "/fonts", icons);
  EXPECT_TRUE(first_build(dir + "/fonts", icons)->stats().first_from_cache);
  // The package updated the font: another mtime (and size or inode, likely).
  const timespec times[2] = {{1'700'000'000, 0}, {1'700'000'000, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, icons.c_str(), times, 0), 0);
  EXPECT_FALSE(first_build(dir + "/fonts", icons)->stats().first_from_cache);
  EXPECT_TRUE(first_build(dir + "/fonts", icons)->stats().first_from_cache);
}

// With GB 2312 in the cache, a character asked for later is added from the
// cache file's glyphs (no copy of the text atlas kept in memory): the old
// glyphs' pixels come back unchanged, the new one is drawn.
TEST(AtlasCache, CharactersAddedLaterReuseTheCachedGlyphs) {
  const std::string cache = odr::test::fresh_dir("atlas-full") + "/fonts";
  auto fonts = first_build(cache, kIcons);
  fonts->start_full();
  fonts->wait_idle();
  ASSERT_TRUE(fonts->full_ready());
  EXPECT_FALSE(fonts->stats().full_from_cache);
  ASSERT_TRUE(fs::is_regular_file(cache + "/atlas-full.bin"));
  auto glyph = [](ImFont* f, ImWchar c) {
    const ImFontGlyph* g = f->FindGlyphNoFallback(c);
    EXPECT_TRUE(g) << c;
    return g ? std::vector<float>{g->X0, g->Y0, g->X1, g->Y1, g->AdvanceX} : std::vector<float>{};
  };
  const std::vector<float> zhong = glyph(fonts->font(FontRole::body, false), U'中');

  auto again = first_build(cache, kIcons);
  again->start_full();
  again->wait_idle();
  EXPECT_TRUE(again->stats().full_from_cache);
  EXPECT_EQ(glyph(again->font(FontRole::body, false), U'中'), zhong);
  EXPECT_FALSE(again->request("喆"));
  again->wait_idle();
  ImFont* body = again->font(FontRole::body, false);
  EXPECT_NE(body->FindGlyphNoFallback(U'喆'), nullptr);
  EXPECT_EQ(glyph(body, U'中'), zhong);
  EXPECT_NE(body->FindGlyphNoFallback(U'齄'), nullptr);
  // The pixels of 中 were copied from the cache, not left blank.
  const ImFontGlyph* g = body->FindGlyphNoFallback(U'中');
  unsigned char* px;
  int w, h;
  body->ContainerAtlas->GetTexDataAsAlpha8(&px, &w, &h);
  int inked = 0;
  for (int y = static_cast<int>(g->V0 * h); y < static_cast<int>(g->V1 * h); ++y)
    for (int x = static_cast<int>(g->U0 * w); x < static_cast<int>(g->U1 * w); ++x) inked += px[y * w + x] > 128;
  EXPECT_GT(inked, 50);
}
