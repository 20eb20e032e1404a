// Pinyin with the real librime and Debian's luna_pinyin_simp data. Each test
// deploys into its own fresh user folder under ODR_TEST_TMP (~0.3 s).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "input/ime.h"

namespace odr::input {
namespace {

namespace fs = std::filesystem;

fs::path test_tmp() {
  const char* tmp = std::getenv("ODR_TEST_TMP");
  return (tmp ? fs::path(tmp) : fs::temp_directory_path() / "odr-test") / "pinyin";
}

// glog takes the log folder of the first engine in the process: one folder
// for every test, so any test order sees the same (file names hold the pid).
fs::path process_log_dir() { return test_tmp() / "log"; }

bool wait_ready(const PinyinInput& ime) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!ime.ready() && !ime.failed() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return ime.ready();
}

std::string type(PinyinInput& ime, std::string_view keys) {
  std::string out;
  for (char k : keys) out += ime.press(k);
  return out;
}

std::string letters_of(std::string_view preedit) {
  std::string s;
  for (char c : preedit)
    if (c >= 'a' && c <= 'z') s += c;
  return s;
}

int index_of(const Composition& c, std::string_view text) {
  auto it = std::find(c.candidates.begin(), c.candidates.end(), text);
  return it == c.candidates.end() ? -1 : static_cast<int>(it - c.candidates.begin());
}

class Pinyin : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = test_tmp() / (std::string(info->name()) + "-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    ime_ = open(dir_ / "rime");
    ASSERT_TRUE(ime_);
    ASSERT_TRUE(wait_ready(*ime_)) << "rime did not deploy";
  }
  void TearDown() override {
    ime_.reset();
    if (!HasFailure()) fs::remove_all(dir_);
  }
  std::unique_ptr<PinyinInput> open(const fs::path& user_dir) {
    InputOptions options;
    options.user_data_dir = user_dir.string();
    options.log_dir = process_log_dir().string();
    std::string error;
    auto ime = make_pinyin_input(options, &error);
    EXPECT_TRUE(ime) << error;
    return ime;
  }

  fs::path dir_;
  std::unique_ptr<PinyinInput> ime_;
};

TEST_F(Pinyin, XiaofeiOffersConsumptionOnFirstPage) {
  EXPECT_FALSE(ime_->composing());
  EXPECT_EQ(type(*ime_, "xiaofei"), "") << "letters commit nothing";
  ASSERT_TRUE(ime_->composing());
  Composition c = ime_->composition();
  EXPECT_EQ(letters_of(c.preedit), "xiaofei");
  EXPECT_EQ(c.page, 0);
  EXPECT_FALSE(c.has_prev_page);
  EXPECT_EQ(c.candidates.size(), 8u) << "candidates_per_page";
  EXPECT_GE(index_of(c, "消费"), 0) << "消费 on the first page";
}

TEST_F(Pinyin, SelectingCommitsIt) {
  type(*ime_, "xiaofei");
  const int i = index_of(ime_->composition(), "消费");
  ASSERT_GE(i, 0);
  EXPECT_EQ(ime_->select(i), "消费");
  EXPECT_FALSE(ime_->composing());
  EXPECT_TRUE(ime_->composition().candidates.empty());
  EXPECT_EQ(ime_->composition().preedit, "");
  // Out of range: nothing happens.
  type(*ime_, "ni");
  EXPECT_EQ(ime_->select(99), "");
  EXPECT_EQ(ime_->select(-1), "");
  EXPECT_TRUE(ime_->composing());
}

TEST_F(Pinyin, SpaceCommitsFirstCandidate) {
  type(*ime_, "xiaofei");
  const std::string first = ime_->composition().candidates.at(0);
  EXPECT_EQ(first, "消费");
  EXPECT_EQ(ime_->press(' '), first);
  EXPECT_FALSE(ime_->composing());
  EXPECT_EQ(ime_->press(' '), " ") << "space types a space when not composing";
  // A sentence commits whole, even when the first candidate covers only part.
  EXPECT_EQ(type(*ime_, "xiaofeizhequanyi "), "消费者权益");
}

TEST_F(Pinyin, PartialSelectionKeepsTheRest) {
  type(*ime_, "xiaofeizhe");
  // Page through to a candidate covering only xiaofei, as a shopper might.
  int i = -1;
  for (int page = 0; page < 5 && (i = index_of(ime_->composition(), "消费")) < 0; ++page) ime_->change_page(+1);
  ASSERT_GE(i, 0) << "消费 alone among the candidates of xiaofeizhe";
  EXPECT_EQ(ime_->select(i), "") << "zhe is still to choose";
  ASSERT_TRUE(ime_->composing());
  EXPECT_NE(ime_->composition().preedit.find("消费"), std::string::npos) << ime_->composition().preedit;
  const int zhe = index_of(ime_->composition(), "者");
  ASSERT_GE(zhe, 0);
  EXPECT_EQ(ime_->select(zhe), "消费者");
}

TEST_F(Pinyin, BackspaceEditsPreeditThenText) {
  type(*ime_, "xiaofei");
  const auto before = ime_->composition().candidates;
  EXPECT_EQ(ime_->press('\b'), "");
  EXPECT_TRUE(ime_->composing());
  EXPECT_EQ(letters_of(ime_->composition().preedit), "xiaofe");
  EXPECT_NE(ime_->composition().candidates, before);
  EXPECT_EQ(ime_->press('i'), "");
  EXPECT_EQ(ime_->composition().candidates, before) << "retyping the letter restores the list";
  for (int i = 0; i < 7; ++i) EXPECT_EQ(ime_->press('\b'), "");
  EXPECT_FALSE(ime_->composing());
  EXPECT_EQ(ime_->press('\b'), kDeleteBackward) << "now backspace is for the text";
}

TEST_F(Pinyin, PagingWorks) {
  type(*ime_, "shi");
  const Composition first = ime_->composition();
  ASSERT_EQ(first.page, 0);
  ASSERT_TRUE(first.has_next_page);
  EXPECT_FALSE(first.has_prev_page);
  ime_->change_page(-1);  // nothing before the first page
  EXPECT_EQ(ime_->composition().candidates, first.candidates);

  ime_->change_page(+1);
  const Composition second = ime_->composition();
  EXPECT_EQ(second.page, 1);
  EXPECT_TRUE(second.has_prev_page);
  ASSERT_FALSE(second.candidates.empty());
  for (const auto& c : second.candidates) EXPECT_EQ(index_of(first, c), -1) << c << " on both pages";

  ime_->change_page(-1);
  EXPECT_EQ(ime_->composition().page, 0);
  EXPECT_EQ(ime_->composition().candidates, first.candidates);

  // Selecting on page 2 commits that page's candidate.
  ime_->change_page(+1);
  EXPECT_EQ(ime_->select(2), second.candidates.at(2));
}

bool all_bmp(std::string_view s) {
  // A 4-byte UTF-8 sequence is a character beyond U+FFFF.
  return std::none_of(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xF8) == 0xF0; });
}

// rime offers rare characters beyond U+FFFF (𠱞 for "ca", 𫚥 for "ha") that
// ImGui 1.86 cannot draw: they are dropped and the pages stay full.
TEST_F(Pinyin, OnlyDrawableCandidatesInFullPages) {
  for (const char* word : {"ca", "ha", "de", "ri"}) {
    type(*ime_, word);
    for (int page = 0; page < 4; ++page) {
      const Composition c = ime_->composition();
      ASSERT_EQ(c.page, page) << word;
      if (c.has_next_page) {
        EXPECT_EQ(c.candidates.size(), 8u) << word << " page " << page;
      }
      for (const auto& text : c.candidates) EXPECT_TRUE(all_bmp(text)) << word << ": " << text;
      if (!c.has_next_page) break;
      ime_->change_page(+1);
    }
    ime_->reset();
  }
  // Selecting after a dropped candidate commits what was shown.
  type(*ime_, "ca");
  const auto shown = ime_->composition().candidates;
  ASSERT_GE(shown.size(), 4u);
  EXPECT_EQ(ime_->select(3), shown[3]);
  type(*ime_, "ha");  // 𫚥 and 𡄟 dropped from rime's first page
  ime_->change_page(+1);
  const auto second = ime_->composition().candidates;
  ASSERT_GE(second.size(), 2u);
  EXPECT_EQ(ime_->select(1), second[1]);
  // Nothing drawable ("din" offers only 𨈖): the letters stay and commit as typed.
  type(*ime_, "din");
  EXPECT_TRUE(ime_->composing());
  EXPECT_TRUE(ime_->composition().candidates.empty());
  EXPECT_EQ(ime_->press(' '), "din");
}

TEST_F(Pinyin, ChinesePunctuation) {
  EXPECT_EQ(ime_->press(','), "，");
  EXPECT_EQ(ime_->press('.'), "。");
  EXPECT_EQ(ime_->press('?'), "？");
  EXPECT_EQ(ime_->press('!'), "！");
  EXPECT_EQ(ime_->press('\\'), "、");
  EXPECT_EQ(ime_->press(':'), "：");
  EXPECT_EQ(ime_->press(';'), "；");
  EXPECT_EQ(type(*ime_, "\"\""), "“”") << "quotes alternate";
  EXPECT_EQ(type(*ime_, "()"), "（）");
  EXPECT_STREQ(chinese_punctuation(','), "，");
  EXPECT_STREQ(chinese_punctuation('"'), "“”");
  EXPECT_EQ(chinese_punctuation('a'), nullptr);
  // While composing, punctuation commits the first candidate first ('.'
  // would page in rime's own bindings).
  EXPECT_EQ(type(*ime_, "nihao."), "你好。");
  EXPECT_EQ(type(*ime_, "xiexie!"), "谢谢！");
  // Digits pass through, after the composition.
  EXPECT_EQ(type(*ime_, "nihao1"), "你好1");
  EXPECT_EQ(ime_->press('7'), "7");
}

TEST_F(Pinyin, ReturnCommitsLettersAndApostropheSeparates) {
  EXPECT_EQ(type(*ime_, "xian\n"), "xian");
  EXPECT_EQ(ime_->press('\n'), "\n");
  type(*ime_, "xi'an");
  EXPECT_EQ(ime_->composition().candidates.at(0), "西安");
  EXPECT_EQ(ime_->press(' '), "西安");
}

TEST_F(Pinyin, OneEnginePerProcess) {
  InputOptions options;
  options.user_data_dir = (dir_ / "other").string();
  options.log_dir = process_log_dir().string();
  std::string error;
  EXPECT_EQ(make_pinyin_input(options, &error), nullptr);
  EXPECT_NE(error.find("one per process"), std::string::npos) << error;
}

// librime is opened on first use (kiosk/dynlib): without it, pinyin is off
// with a message naming the package, and nothing crashes.
TEST_F(Pinyin, AMissingLibrimeTurnsPinyinOffWithAClearMessage) {
  InputOptions options;
  options.user_data_dir = (dir_ / "no-lib").string();
  options.log_dir = process_log_dir().string();
  options.rime_library = "librime-not-installed.so.1";
  std::string error;
  EXPECT_EQ(make_pinyin_input(options, &error), nullptr);
  EXPECT_NE(error.find("librime-not-installed.so.1 cannot be loaded (install librime1)"), std::string::npos) << error;
}

TEST_F(Pinyin, LogsGoToOurFolder) {
  bool found = false;
  for (const auto& e : fs::directory_iterator(process_log_dir()))
    found |= e.path().filename().string().starts_with("rime.odr-kiosk");
  EXPECT_TRUE(found) << "glog files in " << process_log_dir();
  EXPECT_TRUE(fs::exists(dir_ / "rime" / "default.custom.yaml"));
  EXPECT_TRUE(fs::exists(dir_ / "rime" / "luna_pinyin_simp.custom.yaml"));
}

// Every file under dir with its contents: what rime keeps on disk.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    files[fs::relative(e.path(), dir).string()] = s.str();
  }
  return files;
}

// The privacy promise: whatever one shopper types, the next sees the same
// candidates as on a fresh kiosk.
TEST_F(Pinyin, NothingTypedChangesWhatTheNextShopperSees) {
  type(*ime_, "shi");
  const auto shi_fresh = ime_->composition().candidates;
  ime_->reset();
  type(*ime_, "xiaofei");
  const auto xiaofei_fresh = ime_->composition().candidates;
  ime_->reset();
  const auto disk_before = snapshot(dir_ / "rime");

  // Shopper one: an unusual choice, many times: the 6th candidate on the
  // second page of "shi", and 小费 for "xiaofei".
  std::string unusual, tip;
  for (int round = 0; round < 30; ++round) {
    type(*ime_, "shi");
    ime_->change_page(+1);
    ASSERT_EQ(ime_->composition().page, 1);
    const std::string pick = ime_->composition().candidates.at(5);
    ASSERT_EQ(ime_->select(5), pick);
    unusual = pick;
    type(*ime_, "xiaofei");
    const int i = index_of(ime_->composition(), "小费");
    ASSERT_GE(i, 0);
    tip = ime_->select(i);
    EXPECT_EQ(type(*ime_, ","), "，");
  }
  ASSERT_EQ(tip, "小费");
  ASSERT_EQ(std::count(shi_fresh.begin(), shi_fresh.end(), unusual), 0) << "was not on the first page";

  // Shopper two.
  ime_->reset();
  EXPECT_FALSE(ime_->composing());
  type(*ime_, "shi");
  EXPECT_EQ(ime_->composition().candidates, shi_fresh);
  ime_->reset();
  type(*ime_, "xiaofei");
  EXPECT_EQ(ime_->composition().candidates, xiaofei_fresh);
  EXPECT_EQ(ime_->composition().candidates.at(0), "消费");
  ime_->reset();

  // Nothing typed reached the disk: the user folder is as before.
  const auto disk_after = snapshot(dir_ / "rime");
  EXPECT_EQ(disk_after.size(), disk_before.size());
  for (const auto& [name, content] : disk_after) {
    EXPECT_FALSE(name.find("userdb") != std::string::npos) << name;
    auto it = disk_before.find(name);
    ASSERT_NE(it, disk_before.end()) << "new file " << name;
    EXPECT_EQ(content, it->second) << name << " changed while typing";
  }

  // And a kiosk restarted on the same folder offers the fresh order too.
  ime_.reset();
  ime_ = open(dir_ / "rime");
  ASSERT_TRUE(ime_ && wait_ready(*ime_));
  type(*ime_, "shi");
  EXPECT_EQ(ime_->composition().candidates, shi_fresh);
  ime_->reset();
  type(*ime_, "xiaofei");
  EXPECT_EQ(ime_->composition().candidates, xiaofei_fresh);
}

TEST(PinyinSetup, MissingDataGivesNullAndClearError) {
  InputOptions options;
  options.shared_data_dir = (test_tmp() / "no-rime-data").string();
  options.user_data_dir = (test_tmp() / "missing-user").string();
  options.log_dir = process_log_dir().string();
  std::string error;
  EXPECT_EQ(make_pinyin_input(options, &error), nullptr);
  EXPECT_NE(error.find("no-rime-data"), std::string::npos) << error;
  EXPECT_NE(error.find("install rime-"), std::string::npos) << error;

  options = InputOptions{};
  EXPECT_EQ(make_pinyin_input(options, &error), nullptr);
  EXPECT_NE(error.find("user_data_dir"), std::string::npos) << error;
}

TEST(PinyinSetup, KeysWorkWhileDeploying) {
  InputOptions options;
  const fs::path dir = test_tmp() / ("deploying-" + std::to_string(getpid()));
  fs::remove_all(dir);
  options.user_data_dir = (dir / "rime").string();
  options.log_dir = process_log_dir().string();
  std::string error;
  auto ime = make_pinyin_input(options, &error);
  ASSERT_TRUE(ime) << error;
  // A fresh folder takes a few hundred ms to deploy; keys pressed before
  // that pass through as typed.
  const bool was_ready = ime->ready();
  const std::string a = ime->press('a');
  const std::string comma = ime->press(',');
  const std::string back = ime->press('\b');
  if (!was_ready && !ime->ready() && !ime->composing()) {
    EXPECT_EQ(a, "a");
    EXPECT_EQ(comma, "，");
    EXPECT_EQ(back, kDeleteBackward);
    EXPECT_TRUE(ime->composition().candidates.empty());
  }
  ime->reset();
  EXPECT_TRUE(wait_ready(*ime));
  ime->reset();
  EXPECT_EQ(type(*ime, "xiaofei "), "消费");
  ime.reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace odr::input
