// The .po reader, and the shipped catalogs: complete, consistent, and every
// key the screens use present in both languages.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "i18n/i18n.h"
#include "i18n/po.h"
#include "model/complaint.h"

using namespace odr::kiosk;
namespace fs = std::filesystem;

namespace {
std::string source_dir() {
  const char* s = getenv("ODR_SOURCE_DIR");
  return s ? s : ODR_TEST_SOURCE_DIR;
}
}  // namespace

TEST(Po, ReadsEntriesEscapesContinuationsAndHeader) {
  PoParseResult r = parse_po(R"(# comment
msgid ""
msgstr ""
"Language: zh_CN\n"
"Content-Type: text/plain; charset=UTF-8\n"

#. for translators
msgid "a.b"
msgstr "第一行\n第二行 \"引号\" \\ 反斜杠"

msgid "long"
msgstr ""
"part one, "
"part two"

msgctxt "menu"
msgid "open"
msgstr "打开"
)");
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.language, "zh_CN");
  ASSERT_EQ(r.entries.size(), 3u);
  EXPECT_EQ(r.entries[0].id, "a.b");
  EXPECT_EQ(r.entries[0].str, "第一行\n第二行 \"引号\" \\ 反斜杠");
  EXPECT_EQ(r.entries[1].str, "part one, part two");
  EXPECT_EQ(r.entries[2].context, "menu");
  EXPECT_EQ(r.entries[2].str, "打开");
}

TEST(Po, FuzzyAndEmptyEntriesFallBack) {
  std::string dir = std::string(getenv("ODR_TEST_TMP") ? getenv("ODR_TEST_TMP") : "/tmp") + "/po_fuzzy";
  fs::create_directories(dir);
  std::ofstream(dir + "/x.po") << "#, fuzzy\nmsgid \"k1\"\nmsgstr \"guess\"\n\nmsgid \"k2\"\nmsgstr \"\"\n\n"
                                  "msgid \"k3\"\nmsgid_plural \"k3s\"\nmsgstr[0] \"one\"\nmsgstr[1] \"many\"\n";
  Catalog c;
  std::string err;
  ASSERT_TRUE(load_catalog(dir + "/x.po", c, &err)) << err;
  EXPECT_EQ(c.find("k1"), nullptr);  // fuzzy: not trusted
  EXPECT_EQ(c.find("k2"), nullptr);  // untranslated
  ASSERT_NE(c.find("k3"), nullptr);
  EXPECT_EQ(*c.find("k3"), "one");
}

TEST(Po, MalformedFilesNameTheLine) {
  PoParseResult r = parse_po("msgid \"a\"\nmsgstr \"x\"\n\nmsgid \"b\nmsgstr \"y\"\n");
  EXPECT_NE(r.error, "");
  EXPECT_EQ(r.error_line, 4);
  EXPECT_NE(parse_po("msgstr \"orphan\"\n").error, "");
  EXPECT_NE(parse_po("msgid \"a\"\nmsgstr \"bad \\q escape\"\n").error, "");
  EXPECT_NE(parse_po("msgid \"a\"\n").error, "");
  Catalog c;
  std::string err;
  EXPECT_FALSE(load_catalog("/nonexistent/zh_CN.po", c, &err));
  EXPECT_NE(err.find("/nonexistent/zh_CN.po"), std::string::npos);
}

TEST(Po, FormatFillsPlaceholders) {
  EXPECT_EQ(format("{n} / {max}", {{"n", "12"}, {"max", "2000"}}), "12 / 2000");
  EXPECT_EQ(format("还需输入 {n} 位", {{"n", "3"}}), "还需输入 3 位");
  EXPECT_EQ(format("{unknown} stays", {{"n", "1"}}), "{unknown} stays");
}

TEST(Catalogs, BothLanguagesHaveTheSameKeysAndNoEmptyStrings) {
  I18n i18n;
  std::string err;
  ASSERT_TRUE(i18n.load(source_dir() + "/assets", &err)) << err;
  EXPECT_EQ(i18n.zh_catalog().language, "zh_CN");
  EXPECT_EQ(i18n.en_catalog().language, "en");
  std::set<std::string> zh, en;
  for (const auto& [k, v] : i18n.zh_catalog().strings) zh.insert(k);
  for (const auto& [k, v] : i18n.en_catalog().strings) en.insert(k);
  EXPECT_EQ(zh, en);
  EXPECT_GT(zh.size(), 150u);
  // Placeholders match between the languages.
  std::regex ph("\\{[a-z_]+\\}");
  for (const auto& [k, v] : i18n.en_catalog().strings) {
    std::set<std::string> a, b;
    for (auto it = std::sregex_iterator(v.begin(), v.end(), ph); it != std::sregex_iterator(); ++it) a.insert(it->str());
    const std::string& z = *i18n.zh_catalog().find(k);
    for (auto it = std::sregex_iterator(z.begin(), z.end(), ph); it != std::sregex_iterator(); ++it) b.insert(it->str());
    EXPECT_EQ(a, b) << k;
  }
}

// Every tr("...") / trf("...") with a literal key in the app's sources must
// exist in both catalogs: no English leaking into the Chinese screens.
TEST(Catalogs, EveryKeyTheScreensUseIsTranslated) {
  I18n i18n;
  std::string err;
  ASSERT_TRUE(i18n.load(source_dir() + "/assets", &err)) << err;
  std::regex call("\\btrf?\\(\"([a-z0-9_.]+)\"");
  int keys = 0;
  for (const auto& e : fs::recursive_directory_iterator(source_dir() + "/kiosk")) {
    if (e.path().extension() != ".cpp") continue;
    if (e.path().string().find("/input/") != std::string::npos) continue;
    std::ifstream f(e.path());
    std::stringstream ss;
    ss << f.rdbuf();
    std::string text = ss.str();
    for (auto it = std::sregex_iterator(text.begin(), text.end(), call); it != std::sregex_iterator(); ++it) {
      std::string key = (*it)[1];
      if (key.back() == '.' || key.back() == '_') continue;  // a prefix: checked below with its codes
      ++keys;
      EXPECT_NE(i18n.zh_catalog().find(key), nullptr) << key << " in " << e.path();
      EXPECT_NE(i18n.en_catalog().find(key), nullptr) << key << " in " << e.path();
    }
  }
  EXPECT_GT(keys, 100);
}

// Keys made from the protocol's codes: every problem and demand type, months.
TEST(Catalogs, EveryCodeHasItsWords) {
  I18n i18n;
  std::string err;
  ASSERT_TRUE(i18n.load(source_dir() + "/assets", &err)) << err;
  std::vector<std::string> keys = {"category.kind_goods", "category.kind_service", "category.kind_goods_sub",
                                   "category.kind_service_sub"};
  for (const std::string& c : odr::kProblemCodes) keys.push_back("problem." + c);
  for (const std::string& c : odr::kDemandTypes) keys.push_back("demand." + c);
  for (int m = 1; m <= 12; ++m) keys.push_back("cal.month." + std::to_string(m));
  for (int d = 1; d <= 7; ++d) keys.push_back("cal.wd." + std::to_string(d));
  for (const char* s : {"business", "category", "purchase", "description", "demands", "contact", "privacy", "review"}) {
    keys.push_back(std::string("steps.") + s);
    keys.push_back(std::string(s) + ".title");
    keys.push_back(std::string(s) + ".sub");
  }
  for (const std::string& k : keys) {
    EXPECT_NE(i18n.zh_catalog().find(k), nullptr) << k;
    EXPECT_NE(i18n.en_catalog().find(k), nullptr) << k;
  }
}

TEST(I18n, SwitchingLocaleChangesOnlyTheWords) {
  I18n i18n;
  std::string err;
  ASSERT_TRUE(i18n.load(source_dir() + "/assets", &err)) << err;
  i18n.set_locale("zh-CN");
  EXPECT_STREQ(i18n.tr("nav.next"), "下一步");
  i18n.set_locale("en");
  EXPECT_STREQ(i18n.tr("nav.next"), "Next");
  i18n.set_locale("fr");  // unknown: English
  EXPECT_EQ(i18n.locale(), "en");
  EXPECT_STREQ(i18n.tr("no.such.key"), "no.such.key");
}
