// Chinese text through the kiosk's own keyboard, the way a shopper enters it:
// pinyin by tapping letter keys and candidates, handwriting by finger drags
// on the pad, both with the real engines (librime, zinnia), in the real
// screens (headless ImGui, kiosk/testing's driver), into a real SQLite store.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "app/startup.h"
#include "services/services.h"
#include "input/ime.h"
#include "strokes.h"
#include "testing/driver.h"
#include "util/time.h"

namespace odr {
namespace {

using namespace odr::kiosk;
namespace fs = std::filesystem;

class ChineseEntry : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* src = std::getenv("ODR_SOURCE_DIR");
    ASSERT_NE(src, nullptr);
    const char* tmp = std::getenv("ODR_TEST_TMP");
    dir_ = (tmp ? fs::path(tmp) : fs::temp_directory_path() / "odr-test") /
           ("ui-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
            std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);

    input::InputOptions io;
    io.user_data_dir = (dir_ / "rime").string();
    io.log_dir = (dir_ / "log").string();
    std::string error;
    pinyin_ = input::make_pinyin_input(io, &error);
    ASSERT_TRUE(pinyin_) << error;
    handwriting_ = input::make_handwriting_input(io, &error);
    ASSERT_TRUE(handwriting_) << error;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!pinyin_->ready() && !pinyin_->failed() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ASSERT_TRUE(pinyin_->ready());

    config_ = load_config(std::string(src) + "/config/kiosk.toml");
    config_.data_dir = dir_.string();
    config_.database.clear();
    now_ms_ = (days_from_civil(2026, 11, 28) * 86400 + 2 * 3600) * 1000LL;  // 10:00 in Shanghai
    StoreOptions so = store_options(config_);
    so.clock_ms = [this] { return now_ms_; };
    store_ = std::make_unique<Store>(store_path(config_), so);
    HeadlessOptions o;
    o.config = config_;
    o.store = store_.get();
    o.clock_ms = [this] { return now_ms_; };
    o.display = display();
    o.pinyin = pinyin_.get();
    o.handwriting = handwriting_.get();
    d_ = std::make_unique<HeadlessDriver>(o);
  }
  void TearDown() override {
    d_.reset();
    store_.reset();
    pinyin_.reset();
    if (!HasFailure()) fs::remove_all(dir_);
  }
  virtual ImVec2 display() { return ImVec2(1920, 1080); }

  App& app() { return d_->app(); }
  void choose(const std::string& id) {
    d_->reveal(id);
    d_->tap(id);
    ASSERT_TRUE(d_->selected(id)) << id;
  }
  void fill(const std::string& field, const std::string& text) {
    d_->reveal(field);
    d_->tap(field);
    ASSERT_EQ(app().focused().id, field);
    d_->type(text);
  }
  void next() {
    ASSERT_TRUE(d_->enabled("nav.next")) << "Next is disabled on " << step_key(app().step);
    d_->tap("nav.next");
  }

  // Taps the pinyin on the letter keys, then the words it stands for one by
  // one among the candidates (paging the bar until each shows): "bugei"
  // offers 补给 first, so a shopper takes 不, then 给 for what is left.
  void pinyin_words(const std::string& letters, const std::vector<std::string>& words) {
    ASSERT_TRUE(d_->selected("kb.mode.pinyin"));
    for (char c : letters) d_->tap(std::string("kb.key.") + c);
    for (const std::string& word : words) {
      ASSERT_TRUE(pinyin_->composing()) << letters;
      ASSERT_TRUE(d_->visible("kb.preedit")) << "the pinyin shows above the candidates";
      ASSERT_NO_FATAL_FAILURE(tap_candidate(letters, word));
    }
    ASSERT_FALSE(pinyin_->composing()) << letters << " fully chosen";
  }
  void pinyin_word(const std::string& letters, const std::string& word) { pinyin_words(letters, {word}); }
  void tap_candidate(const std::string& letters, const std::string& word) {
    for (int page = 0; page < 6; ++page) {
      const auto shown = pinyin_->composition().candidates;
      const auto it = std::find(shown.begin(), shown.end(), word);
      const std::string id = "kb.cand." + std::to_string(it - shown.begin());
      if (it != shown.end() && d_->visible(id)) {
        d_->tap(id);
        return;
      }
      ASSERT_TRUE(d_->enabled("kb.cand.next")) << word << " not among the candidates of " << letters;
      d_->tap("kb.cand.next");
    }
    FAIL() << word << " not within 6 pages of " << letters << " (" << pinyin_->composition().preedit << ")";
  }

  // Writes a character on the pad, one finger drag per stroke, and taps it
  // among the candidates.
  void handwrite(const std::string& character) {
    ASSERT_TRUE(d_->selected("kb.mode.hw"));
    const HitRect* pad = d_->find("kb.hw.pad");
    ASSERT_NE(pad, nullptr);
    const float w = pad->max.x - pad->min.x, h = pad->max.y - pad->min.y;
    std::vector<input::Stroke> strokes;
    for (const auto& written : input::testing::simple_characters(w, h))
      if (written.text == character) strokes = written.strokes;
    ASSERT_FALSE(strokes.empty()) << "no synthetic strokes for " << character;
    for (const auto& stroke : strokes) {  // one drag per stroke
      std::vector<ImVec2> points;
      for (const auto& p : stroke) points.emplace_back(p.x, p.y);
      d_->drag("kb.hw.pad", points);
    }
    ASSERT_EQ(app().kb.strokes.size(), strokes.size()) << "each drag is one stroke of ink";
    const auto& got = app().kb.hw_candidates;
    const auto it = std::find(got.begin(), got.end(), character);
    ASSERT_NE(it, got.end()) << character << " not recognised";
    EXPECT_EQ(got.front(), character) << "should come first";
    d_->tap("kb.hw.cand." + std::to_string(it - got.begin()));
    EXPECT_TRUE(app().kb.strokes.empty()) << "the pad clears after a candidate is taken";
  }

  // 鞋子穿了 by pinyin, 十二 by hand, 天就开胶了，商家不给退货。 by pinyin again.
  void write_description() {
    d_->tap("kb.mode.pinyin");
    ASSERT_NO_FATAL_FAILURE(pinyin_word("xiezi", "鞋子"));
    ASSERT_NO_FATAL_FAILURE(pinyin_word("chuanle", "穿了"));
    d_->tap("kb.mode.hw");
    ASSERT_NO_FATAL_FAILURE(handwrite("十"));
    ASSERT_NO_FATAL_FAILURE(handwrite("二"));
    d_->tap("kb.mode.pinyin");
    ASSERT_NO_FATAL_FAILURE(pinyin_word("tian", "天"));
    ASSERT_NO_FATAL_FAILURE(pinyin_word("jiu", "就"));
    ASSERT_NO_FATAL_FAILURE(pinyin_word("kaijiao", "开胶"));
    ASSERT_NO_FATAL_FAILURE(pinyin_word("le", "了"));
    d_->tap("kb.key.comma");
    ASSERT_NO_FATAL_FAILURE(pinyin_word("shangjia", "商家"));
    ASSERT_NO_FATAL_FAILURE(pinyin_words("bugei", {"不", "给"}));
    ASSERT_NO_FATAL_FAILURE(pinyin_word("tuihuo", "退货"));
    d_->tap("kb.key.period");
  }

  // Welcome (Chinese) to the description step, the rest typed on ABC keys.
  void walk_to_description() {
    d_->tap("welcome.lang.zh");
    d_->tap("welcome.start");
    ASSERT_EQ(app().step, Step::business);
    choose("business.mall");
    next();
    choose("category.kind.goods");
    choose("category.code.G04");
    choose("category.problem.product_quality");
    next();
    fill("field.purchase.item", "Sneakers");
    d_->tap("kb.hide");
    d_->tap("purchase.date.today");
    fill("field.purchase.amount", "259");
    d_->tap("kp.done");
    next();
    ASSERT_EQ(app().step, Step::description);
    d_->reveal("field.description");
    d_->tap("field.description");
    ASSERT_EQ(app().focused().id, "field.description");
  }

  // From the description to the submitted complaint; its ticket.
  std::string finish_and_submit() {
    d_->tap("kb.hide");
    next();
    choose("demand.type.refund");
    fill("field.demand.amount", "259");
    d_->tap("kp.done");
    next();
    fill("field.consumer.name", "Wang Fang");
    d_->tap("kb.enter");
    fill("field.consumer.phone", "13912345678");
    d_->tap("kp.done");
    fill("field.consumer.address", "1 Hunan Road, Nanjing");
    d_->tap("kb.hide");
    next();
    choose("privacy.consent_notice");
    choose("privacy.consent_transfer");
    next();
    EXPECT_EQ(app().step, Step::review);
    d_->tap("nav.next");  // submit
    EXPECT_EQ(app().step, Step::done) << app().submit_error;
    return app().submitted.ticket;
  }

  fs::path dir_;
  KioskConfig config_;
  int64_t now_ms_ = 0;
  std::unique_ptr<input::PinyinInput> pinyin_;
  std::unique_ptr<input::HandwritingInput> handwriting_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<HeadlessDriver> d_;
};

class ChineseEntryPortrait : public ChineseEntry {
  ImVec2 display() override { return ImVec2(1080, 1920); }
};

constexpr char kDescription[] = "鞋子穿了十二天就开胶了，商家不给退货。";

TEST_F(ChineseEntry, DescriptionByPinyinAndHandwritingLandsInTheStore) {
  ASSERT_NO_FATAL_FAILURE(walk_to_description());
  ASSERT_NO_FATAL_FAILURE(write_description());
  EXPECT_EQ(app().draft.c.description, kDescription);
  // Backspace with nothing composed deletes from the text; while composing
  // it edits the pinyin only.
  d_->tap("kb.key.a");
  ASSERT_TRUE(pinyin_->composing());
  d_->tap("kb.backspace");
  EXPECT_FALSE(pinyin_->composing());
  EXPECT_EQ(app().draft.c.description, kDescription);
  d_->tap("kb.backspace");
  EXPECT_EQ(app().draft.c.description, "鞋子穿了十二天就开胶了，商家不给退货");
  d_->tap("kb.key.period");
  EXPECT_EQ(app().draft.c.description, kDescription);

  const std::string ticket = finish_and_submit();
  ASSERT_FALSE(ticket.empty());
  std::optional<Complaint> c = store_->complaint_by_ticket(ticket);
  ASSERT_TRUE(c.has_value()) << ticket;
  EXPECT_EQ(c->description, kDescription);
  EXPECT_EQ(c->locale, "zh-CN");
}

TEST_F(ChineseEntryPortrait, DescriptionByPinyinAndHandwritingInPortrait) {
  ASSERT_NO_FATAL_FAILURE(walk_to_description());
  ASSERT_NO_FATAL_FAILURE(write_description());
  const std::string ticket = finish_and_submit();
  std::optional<Complaint> c = store_->complaint_by_ticket(ticket);
  ASSERT_TRUE(c.has_value()) << ticket;
  EXPECT_EQ(c->description, kDescription);
}

}  // namespace
}  // namespace odr
