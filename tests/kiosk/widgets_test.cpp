// Rules the widgets and the draft keep: what a field accepts, amounts in
// fen, masked phones, wiping, line breaking of Chinese, colour contrast, QR.
#include <gtest/gtest.h>

#include "app/draft.h"
#include "app/startup.h"
#include "widgets/qr.h"
#include "widgets/text_field.h"
#include "widgets/theme.h"
#include "widgets/widgets.h"

using namespace odr;
using namespace odr::kiosk;

TEST(Field, PhoneTakesDigitsUpToEleven) {
  std::string t;
  EXPECT_TRUE(field_insert(t, FieldKind::phone, 0, "138a-12"));
  EXPECT_EQ(t, "13812");
  field_insert(t, FieldKind::phone, 0, "3412345678");
  EXPECT_EQ(t, "13812341234");
  EXPECT_FALSE(field_insert(t, FieldKind::phone, 0, "9"));
}

TEST(Field, AmountKeepsOnePointAndTwoDecimals) {
  std::string t;
  field_insert(t, FieldKind::amount, 0, ".");
  EXPECT_EQ(t, "0.");
  field_insert(t, FieldKind::amount, 0, "5.99");
  EXPECT_EQ(t, "0.59");
  std::string z;
  field_insert(z, FieldKind::amount, 0, "007");
  EXPECT_EQ(z, "7");
  std::string big;
  field_insert(big, FieldKind::amount, 0, "123456789");
  EXPECT_EQ(big, "1234567");  // ten million yuan is a typo
}

TEST(Field, TextDropsControlCharactersAndKeepsTheLimit) {
  std::string t;
  field_insert(t, FieldKind::text, 3, "a\nb\x01" "cd");
  EXPECT_EQ(t, "abc");
  std::string m;
  field_insert(m, FieldKind::multiline, 0, "第一行\n第二行");
  EXPECT_EQ(m, "第一行\n第二行");
  std::string zh;
  field_insert(zh, FieldKind::text, 2, "消费者");
  EXPECT_EQ(zh, "消费");  // code points, not bytes
  EXPECT_TRUE(field_backspace(zh));
  EXPECT_EQ(zh, "消");
}

TEST(Draft, YuanToFenAndBack) {
  EXPECT_EQ(parse_yuan("399"), 39900);
  EXPECT_EQ(parse_yuan("12.5"), 1250);
  EXPECT_EQ(parse_yuan("0.99"), 99);
  EXPECT_EQ(parse_yuan("12."), 1200);
  EXPECT_FALSE(parse_yuan(""));
  EXPECT_FALSE(parse_yuan("."));
  EXPECT_FALSE(parse_yuan("1.234"));
  EXPECT_FALSE(parse_yuan("1.2.3"));
  EXPECT_EQ(format_yuan(39900), "399.00");
  EXPECT_EQ(format_yuan(1205), "12.05");
}

TEST(Draft, PhoneIsMasked) {
  EXPECT_EQ(mask_phone("13812341234"), "138****1234");
  EXPECT_EQ(mask_phone("123"), "****") << "never shows how short it is";
}

TEST(Draft, WipeOverwritesTheWholeBuffer) {
  std::string s = "李伟 13812341234 南京市鼓楼区中山路100号";
  const char* data = s.data();
  const size_t cap = s.capacity();
  wipe_string(s);
  EXPECT_TRUE(s.empty());
  ASSERT_EQ(s.data(), data);  // same buffer: kept, not freed with the text in it
  for (size_t i = 0; i < cap; ++i) EXPECT_EQ(data[i], 0) << i;

  Draft d;
  d.c.description = "鞋底开裂了，要求退货被拒绝。";
  d.c.consumer.phone = "13812341234";
  d.amount_text = "399";
  d.c.category.problems = {"product_quality"};
  const char* desc = d.c.description.data();
  d.wipe();
  EXPECT_TRUE(d.c.description.empty() && d.c.consumer.phone.empty() && d.amount_text.empty());
  EXPECT_TRUE(d.c.category.problems.empty());
  EXPECT_EQ(d.c.description.data(), desc);
  EXPECT_EQ(std::string(desc, 40), std::string(40, '\0'));
}

TEST(Draft, StepsUseTheModelsRules) {
  ValidationContext ctx;
  ctx.now_unix_s = 1'800'000'000;  // 2027-01-15
  Draft d;
  EXPECT_FALSE(step_complete(d, Step::contact, ctx));
  d.c.consumer.name = "Li Wei";
  d.c.consumer.address = "88 Zhongshan Road";
  d.c.consumer.phone = "1381234123";  // ten digits
  auto errs = step_errors(d, Step::contact, ctx);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].field, "consumer.phone");
  d.c.consumer.phone = "13812341234";
  EXPECT_TRUE(step_complete(d, Step::contact, ctx));
  // The purchase step wants an amount typed on the keypad.
  d.c.purchase.item = "shoes";
  d.c.purchase.date = "2026-11-20";
  EXPECT_NE(find_error(step_errors(d, Step::purchase, ctx), "purchase.amount_fen"), nullptr);
  d.amount_text = "399";
  EXPECT_TRUE(step_complete(d, Step::purchase, ctx));
  d.c.purchase.date = "2099-01-01";
  EXPECT_NE(find_error(step_errors(d, Step::purchase, ctx), "purchase.date"), nullptr);
}

TEST(Theme, TextColoursHaveEnoughContrast) {
  Palette p;
  EXPECT_GE(contrast_ratio(p.text, p.bg), 4.5f);
  EXPECT_GE(contrast_ratio(p.text, p.surface), 4.5f);
  EXPECT_GE(contrast_ratio(p.text_muted, p.surface), 4.5f);
  EXPECT_GE(contrast_ratio(p.text_muted, p.bg), 4.5f);
  EXPECT_GE(contrast_ratio(p.on_accent, p.accent), 4.5f);
  EXPECT_GE(contrast_ratio(p.accent, p.surface), 4.5f);
  EXPECT_GE(contrast_ratio(p.accent_pressed, p.accent_soft), 4.5f);
  EXPECT_GE(contrast_ratio(p.error, p.surface), 4.5f);
  EXPECT_GE(contrast_ratio(p.error, p.bg), 4.5f);
  EXPECT_GE(contrast_ratio(p.disabled_text, p.disabled_bg), 4.5f);
  EXPECT_GE(contrast_ratio(p.text, p.accent_soft), 4.5f);
  EXPECT_GE(contrast_ratio(p.placeholder, p.field_empty), 4.5f);
  EXPECT_GE(contrast_ratio(p.outline, p.field_empty), 3.0f);  // the empty field's edge
  // An example in an empty field must not pass for typed text: a different fill and a lighter ink.
  EXPECT_NE(p.field_empty, p.surface);
  EXPECT_GT(contrast_ratio(p.text, p.surface), contrast_ratio(p.placeholder, p.field_empty) * 2);
  EXPECT_NEAR(contrast_ratio(IM_COL32_BLACK, IM_COL32_WHITE), 21.0f, 0.01f);
}

TEST(Qr, EncodesWithFinderPatterns) {
  QrMatrix q = qr_encode("odr:ticket/A01-261128-0042?kiosk=demo-kiosk-01");
  ASSERT_GT(q.size, 20);
  // The three 7x7 finder squares: dark border, light ring, dark centre.
  for (auto [ox, oy] : {std::pair{0, 0}, std::pair{q.size - 7, 0}, std::pair{0, q.size - 7}}) {
    for (int i = 0; i < 7; ++i) {
      EXPECT_TRUE(q.dark(ox + i, oy));
      EXPECT_TRUE(q.dark(ox, oy + i));
    }
    EXPECT_FALSE(q.dark(ox + 1, oy + 1));
    EXPECT_TRUE(q.dark(ox + 3, oy + 3));
  }
}

// Line breaking needs a real font: the body font of the kiosk.
class Wrap : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string err;
    ASSERT_TRUE(i18n.load(find_assets_dir(""), &err)) << err;
    KioskConfig config;
    fonts = make_fonts(config, i18n);
    f = fonts->font(FontRole::body, false);
  }
  I18n i18n;
  std::unique_ptr<FontAtlases> fonts;
  ImFont* f = nullptr;
  std::string line(std::string_view s, const TextLine& l) { return std::string(s.substr(l.begin, l.end - l.begin)); }
};

TEST_F(Wrap, ChineseBreaksBetweenCharactersButNotBeforePunctuation) {
  const std::string s = "商家将在十个工作日内与您联系，协商处理。";
  const float w = f->GetCharAdvance(0x5546) * 7.5f;  // room for seven characters
  auto lines = wrap_text(f, s, w);
  ASSERT_GE(lines.size(), 3u);
  for (const TextLine& l : lines) {
    EXPECT_LE(l.width, w + 0.5f);
    std::string t = line(s, l);
    EXPECT_FALSE(t.rfind("，", 0) == 0 || t.rfind("。", 0) == 0) << "line starts with punctuation: " << t;
  }
  std::string joined;
  for (const TextLine& l : lines) joined += line(s, l);
  EXPECT_EQ(joined, s);
}

TEST_F(Wrap, EnglishBreaksAtSpacesAndNewlinesAlways) {
  const std::string s = "The sole split after two days\nand the shop refused\n";
  const float w = std::max(measure(f, "The sole split after").x, measure(f, "and the shop refused").x) + 2;
  auto lines = wrap_text(f, s, w);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(line(s, lines[0]), "The sole split after");
  EXPECT_EQ(line(s, lines[1]), "two days");
  EXPECT_EQ(line(s, lines[2]), "and the shop refused");
  EXPECT_EQ(line(s, lines[3]), "");  // after the final newline: the caret's empty line
}

TEST_F(Wrap, EmptyTextIsSafe) {
  // A default string_view has no data pointer; ImGui would take that as "read to the NUL".
  EXPECT_EQ(measure(f, std::string_view()).x, 0.0f);
  EXPECT_EQ(wrap_text(f, std::string_view(), 100).size(), 1u);
  EXPECT_EQ(ellipsize(f, std::string_view(), 100), "");
}
