// The shopper's whole flow, by taps alone, through the real screens in a
// headless ImGui context, into a real SQLite store.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "app/startup.h"
#include "services/services.h"
#include "reports/reports.h"
#include "testing/driver.h"
#include "util/time.h"

using namespace odr;
using namespace odr::kiosk;
namespace fs = std::filesystem;

namespace {

class Flow : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* src = getenv("ODR_SOURCE_DIR");
    ASSERT_NE(src, nullptr);
    config = load_config(std::string(src) + "/config/kiosk.toml");
    const char* tmp = getenv("ODR_TEST_TMP");
    dir = fs::path(tmp ? tmp : "/tmp") / ("flow-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    config.data_dir = dir.string();
    config.database.clear();
    // 2026-11-28 10:00 in Shanghai.
    now_ms = (days_from_civil(2026, 11, 28) * 86400 + 2 * 3600) * 1000LL;
    StoreOptions so = store_options(config);
    so.clock_ms = [this] { return now_ms; };
    store = std::make_unique<Store>(store_path(config), so);
    HeadlessOptions o;
    o.config = config;
    o.store = store.get();
    o.clock_ms = [this] { return now_ms; };
    o.display = display();
    d = std::make_unique<HeadlessDriver>(o);
  }
  virtual ImVec2 display() { return ImVec2(1920, 1080); }

  App& app() { return d->app(); }
  // Taps a field (scrolling to it first) and types into it.
  void fill(const std::string& field, const std::string& text) {
    d->reveal(field);
    d->tap(field);
    ASSERT_EQ(app().focused().id, field);
    d->type(text);
  }
  void next() {
    ASSERT_TRUE(d->enabled("nav.next")) << "Next is disabled on " << step_key(app().step);
    d->tap("nav.next");
  }
  void choose(const std::string& id) {
    d->reveal(id);
    d->tap(id);
    ASSERT_TRUE(d->selected(id)) << id;
  }

  // From the welcome screen to the review, entering everything by taps.
  void walk_to_review() {
    d->tap("welcome.lang.en");
    d->tap("welcome.start");
    ASSERT_EQ(app().step, Step::business);
    fill("field.business.search", "2F");
    d->tap("kb.hide");
    choose("business.style-shoes");
    next();
    choose("category.kind.goods");
    choose("category.code.G04");
    choose("category.problem.product_quality");
    choose("category.problem.after_sales");
    next();
    fill("field.purchase.item", "Running shoes, size 42");
    d->tap("kb.hide");
    d->tap("purchase.date.pick");
    ASSERT_EQ(app().overlay, Overlay::calendar);
    EXPECT_FALSE(d->enabled("cal.day.2026-11-29"));  // tomorrow
    d->tap("cal.day.2026-11-25");
    fill("field.purchase.amount", "399.5");
    d->tap("kp.done");  // Done closes the keypad
    ASSERT_FALSE(app().has_focus());
    fill("field.purchase.order_no", "NO-20261125-77");
    d->tap("kb.hide");
    next();
    fill("field.description", "The sole split after two days.\nThe shop refused a refund.");
    d->tap("kb.hide");
    next();
    choose("demand.type.return");
    choose("demand.type.refund");
    fill("field.demand.amount", "399.50");
    d->tap("kp.done");
    fill("field.demand.text", "Refund to my card, please!");
    d->tap("kb.hide");
    next();
    fill("field.consumer.name", "Li Wei");
    d->tap("kb.enter");
    ASSERT_FALSE(app().has_focus()) << "Done closes the keyboard";
    fill("field.consumer.phone", "13812341234");
    d->tap("kp.done");
    fill("field.consumer.address", "88 Zhongshan Road, Gulou, Nanjing");
    d->tap("kb.hide");
    next();
    choose("privacy.consent_notice");
    choose("privacy.consent_transfer");
    next();
    ASSERT_EQ(app().step, Step::review);
  }

  KioskConfig config;
  fs::path dir;
  int64_t now_ms = 0;
  std::unique_ptr<Store> store;
  std::unique_ptr<HeadlessDriver> d;
};

class FlowPortrait : public Flow {
  ImVec2 display() override { return ImVec2(1080, 1920); }
};

void check_stored(Store& store, const std::string& ticket) {
  std::optional<Complaint> c = store.complaint_by_ticket(ticket);
  ASSERT_TRUE(c.has_value()) << ticket;
  EXPECT_EQ(c->locale, "en");
  EXPECT_EQ(c->channel, "self_service");
  EXPECT_EQ(c->kiosk_id, "demo-kiosk-01");
  EXPECT_EQ(c->respondent.name, "步步高鞋业");
  EXPECT_EQ(c->respondent.credit_code, "91320106MA1LMN8E92");
  EXPECT_EQ(c->respondent.booth, "2F-21");
  EXPECT_EQ(c->respondent.region_code, "320106");
  EXPECT_EQ(c->category.kind, "goods");
  EXPECT_EQ(c->category.code, "G04");
  EXPECT_EQ(c->category.problems, (std::vector<std::string>{"product_quality", "after_sales"}));
  EXPECT_EQ(c->purchase.item, "Running shoes, size 42");
  EXPECT_EQ(c->purchase.date, "2026-11-25");
  EXPECT_EQ(c->purchase.amount_fen, 39950);
  EXPECT_EQ(c->purchase.order_no, "NO-20261125-77");
  EXPECT_EQ(c->description, "The sole split after two days.\nThe shop refused a refund.");
  EXPECT_EQ(c->demand.types, (std::vector<std::string>{"return", "refund"}));
  ASSERT_TRUE(c->demand.amount_fen.has_value());
  EXPECT_EQ(*c->demand.amount_fen, 39950);
  EXPECT_EQ(c->demand.text, "Refund to my card, please!");
  EXPECT_EQ(c->consumer.name, "Li Wei");
  EXPECT_EQ(c->consumer.phone, "13812341234");
  EXPECT_EQ(c->consumer.address, "88 Zhongshan Road, Gulou, Nanjing");
  EXPECT_EQ(c->consent.notice_version, "2026-11");
  EXPECT_FALSE(c->consent.accepted_at.empty());
  EXPECT_TRUE(c->consent.transfer_to_platform);
}

}  // namespace

TEST_F(Flow, WholeFlowByTapsLandsInTheStore) {
  walk_to_review();
  d->tap("nav.next");  // Submit
  ASSERT_EQ(app().step, Step::done) << app().submit_error;
  const std::string ticket = app().submitted.ticket;
  ASSERT_FALSE(ticket.empty());
  EXPECT_TRUE(d->visible("done.ticket"));
  EXPECT_TRUE(d->visible("done.qr"));
  check_stored(*store, ticket);
  EXPECT_EQ(store->outbox_counts().pending, 1);
  // Finish wipes the session and returns to the welcome screen.
  d->tap("done.finish");
  EXPECT_EQ(app().step, Step::welcome);
  EXPECT_TRUE(app().draft.c.consumer.phone.empty());
  EXPECT_TRUE(app().submitted.ticket.empty());
}

TEST_F(FlowPortrait, WholeFlowByTapsInPortrait) {
  walk_to_review();
  d->tap("nav.next");
  ASSERT_EQ(app().step, Step::done) << app().submit_error;
  check_stored(*store, app().submitted.ticket);
}

TEST_F(Flow, NextStaysDisabledUntilTheStepIsValid) {
  d->tap("welcome.lang.en");
  d->tap("welcome.start");
  EXPECT_FALSE(d->enabled("nav.next"));
  d->tap("nav.next");  // a tap on the grey button does nothing but show what is missing
  EXPECT_EQ(app().step, Step::business);
  EXPECT_TRUE(app().touched("respondent.name"));
  choose("business.mall");
  EXPECT_TRUE(d->enabled("nav.next"));
  next();
  EXPECT_FALSE(d->enabled("nav.next"));
  choose("category.kind.service");
  choose("category.code.S01");
  EXPECT_FALSE(d->enabled("nav.next"));  // no problem chosen yet
  choose("category.problem.food_safety");
  next();
  fill("field.purchase.item", "Dinner");
  d->tap("kb.hide");
  d->tap("purchase.date.today");
  EXPECT_FALSE(d->enabled("nav.next"));  // no amount yet
  fill("field.purchase.amount", "88");
  d->tap("kb.hide");
  next();
  fill("field.description", "Too short");  // nine characters
  EXPECT_FALSE(d->enabled("nav.next"));
  d->type("!");
  EXPECT_TRUE(d->enabled("nav.next"));
  d->tap("kb.hide");
  next();
  EXPECT_FALSE(d->enabled("nav.next"));
  choose("demand.type.apology");
  next();
  fill("field.consumer.name", "Wang");
  d->tap("kb.enter");
  fill("field.consumer.phone", "1381234123");  // ten digits
  d->tap("kp.done");
  fill("field.consumer.address", "Gulou");
  d->tap("kb.hide");
  EXPECT_FALSE(d->enabled("nav.next"));
  // The phone's message, from the model's rules, shows under the field.
  EXPECT_FALSE(app().message_any("consumer.phone").empty());
  fill("field.consumer.phone", "4");
  d->tap("kb.hide");
  EXPECT_TRUE(d->enabled("nav.next"));
  fill("field.consumer.phone", "");
  d->type("5");  // twelve digits cannot be typed: the keypad stops at eleven
  EXPECT_EQ(app().draft.c.consumer.phone, "13812341234");
}

TEST_F(Flow, BackNeverLosesInput) {
  walk_to_review();
  for (Step s : {Step::privacy, Step::contact, Step::demands, Step::description, Step::purchase, Step::category,
                 Step::business}) {
    d->tap("nav.back");
    ASSERT_EQ(app().step, s);
    EXPECT_TRUE(d->enabled("nav.next")) << step_key(s);
  }
  d->tap("nav.back");
  EXPECT_EQ(app().step, Step::welcome);
  d->tap("welcome.start");
  EXPECT_TRUE(d->selected("business.style-shoes"));
  EXPECT_EQ(app().draft.c.consumer.phone, "13812341234");
  EXPECT_EQ(app().draft.c.description, "The sole split after two days.\nThe shop refused a refund.");
  // And forward again to a complete submission.
  for (int i = 0; i < 7; ++i) next();
  ASSERT_EQ(app().step, Step::review);
  d->tap("nav.next");
  ASSERT_EQ(app().step, Step::done);
  check_stored(*store, app().submitted.ticket);
}

TEST_F(Flow, ReviewSectionsGoBackAndNextReturns) {
  walk_to_review();
  d->reveal("review.edit.contact");
  d->tap("review.edit.contact");
  ASSERT_EQ(app().step, Step::contact);
  fill("field.consumer.name", " Jr");
  d->tap("kb.hide");
  next();  // straight back to the review
  EXPECT_EQ(app().step, Step::review);
  d->tap("nav.next");
  ASSERT_EQ(app().step, Step::done);
  EXPECT_EQ(store->complaint_by_ticket(app().submitted.ticket)->consumer.name, "Li Wei Jr");
}

TEST_F(Flow, IdleTimeoutWipesEverythingAndReturnsToWelcome) {
  d->tap("welcome.lang.en");
  d->tap("welcome.large_text");
  d->tap("welcome.start");
  choose("business.mall");
  next();
  d->tap("nav.next");  // disabled: stays
  EXPECT_EQ(app().step, Step::category);
  d->tap("nav.back");
  fill("field.business.search", "Jinling");
  const char* search_buf = app().draft.search.data();

  // Typing on the keyboard is activity: 80 s + a key + 80 s is not idle.
  now_ms += 80'000;
  d->type("x");
  now_ms += 80'000;
  d->frames(2);
  EXPECT_EQ(app().overlay, Overlay::none);

  // 90 s of quiet: the overlay counts down; Continue keeps everything.
  now_ms += 90'000;
  d->frames(2);
  ASSERT_EQ(app().overlay, Overlay::idle);
  EXPECT_TRUE(d->visible("idle.continue"));
  EXPECT_EQ(app().idle_left_s(), 30);
  now_ms += 10'000;
  d->frames(1);
  EXPECT_EQ(app().idle_left_s(), 20);
  d->tap("idle.continue");
  EXPECT_EQ(app().overlay, Overlay::none);
  EXPECT_EQ(app().draft.search, "Jinlingx");

  // A touch beside the dialog counts as Continue too.
  now_ms += 90'000;
  d->frames(1);
  ASSERT_EQ(app().overlay, Overlay::idle);
  d->tap_at(ImVec2(40, 1000));
  EXPECT_EQ(app().overlay, Overlay::none);
  EXPECT_EQ(app().draft.search, "Jinlingx");

  // Quiet again until the countdown runs out: everything is wiped.
  now_ms += 90'000;
  d->frames(1);
  ASSERT_EQ(app().overlay, Overlay::idle);
  now_ms += 30'000;
  d->frames(2);
  EXPECT_EQ(app().step, Step::welcome);
  EXPECT_EQ(app().overlay, Overlay::none);
  EXPECT_TRUE(app().draft.search.empty());
  EXPECT_TRUE(app().draft.business_id.empty());
  EXPECT_TRUE(app().draft.c.respondent.name.empty());
  EXPECT_FALSE(app().has_focus());
  EXPECT_FALSE(app().large_text());
  EXPECT_EQ(app().locale(), "zh-CN");  // back to the default language
  // The memory that held the text was overwritten, not just released.
  EXPECT_EQ(app().draft.search.data(), search_buf);
  EXPECT_EQ(std::string(search_buf, 8), std::string(8, '\0'));
}

TEST_F(Flow, IdleStartOverClearsAtOnce) {
  walk_to_review();
  now_ms += 95'000;
  d->frames(1);
  ASSERT_EQ(app().overlay, Overlay::idle);
  d->tap("idle.start_over");
  EXPECT_EQ(app().step, Step::welcome);
  EXPECT_TRUE(app().draft.c.consumer.phone.empty());
  EXPECT_TRUE(app().draft.c.description.empty());
  EXPECT_EQ(store->outbox_counts().pending, 0);  // nothing was submitted
}

TEST_F(Flow, LanguageSwitchMidFlowKeepsInput) {
  walk_to_review();
  d->tap("nav.back");
  d->tap("nav.back");
  ASSERT_EQ(app().step, Step::contact);
  d->tap("field.consumer.address");
  d->type(" Rd");
  d->tap("header.language");
  EXPECT_EQ(app().locale(), "zh-CN");
  EXPECT_EQ(app().step, Step::contact);
  EXPECT_EQ(app().focused().id, "field.consumer.address");  // still typing where they were
  d->type("X");
  d->tap("kb.hide");
  EXPECT_EQ(app().draft.c.consumer.address, "88 Zhongshan Road, Gulou, Nanjing RdX");
  EXPECT_EQ(app().draft.c.consumer.phone, "13812341234");
  EXPECT_TRUE(d->enabled("nav.next"));
  d->tap("header.language");
  EXPECT_EQ(app().locale(), "en");
  next();
  next();
  d->tap("nav.next");
  ASSERT_EQ(app().step, Step::done);
  auto c = store->complaint_by_ticket(app().submitted.ticket);
  EXPECT_EQ(c->consumer.address, "88 Zhongshan Road, Gulou, Nanjing RdX");
  EXPECT_EQ(c->locale, "en");
}

TEST_F(Flow, MissingConsentBlocksSubmit) {
  walk_to_review();
  d->tap("nav.back");
  ASSERT_EQ(app().step, Step::privacy);
  d->reveal("privacy.consent_transfer");
  d->tap("privacy.consent_transfer");  // withdraw the second consent
  EXPECT_FALSE(d->selected("privacy.consent_transfer"));
  EXPECT_FALSE(d->enabled("nav.next"));
  d->tap("nav.next");
  EXPECT_EQ(app().step, Step::privacy);
  // Even asked directly, the app will not submit without both consents.
  EXPECT_FALSE(app().submit());
  EXPECT_EQ(store->outbox_counts().pending, 0);
  d->tap("privacy.consent_transfer");
  d->tap("privacy.consent_notice");  // now the first one is missing
  EXPECT_FALSE(d->enabled("nav.next"));
  EXPECT_FALSE(app().submit());
  EXPECT_EQ(store->outbox_counts().pending, 0);
  d->tap("privacy.consent_notice");
  next();
  d->tap("nav.next");
  EXPECT_EQ(app().step, Step::done);
  EXPECT_EQ(store->outbox_counts().pending, 1);
}

// The shopper checks their own number in full while entering and reviewing
// it; the done screen masks it once its first seconds are over (others may
// be looking by then), the same mask staff screens use.
TEST_F(Flow, OwnPhoneInFullThenMaskedOnTheDoneScreen) {
  walk_to_review();
  d->reveal("review.contact.1");
  ASSERT_TRUE(d->visible("review.contact.1"));
  EXPECT_EQ(d->find("review.contact.1")->text, "13812341234");
  d->tap("nav.back");
  d->tap("nav.back");
  ASSERT_EQ(app().step, Step::contact);
  EXPECT_EQ(d->find("field.consumer.phone")->text, "13812341234") << "in full after entry too";
  next();
  next();
  d->tap("nav.next");
  ASSERT_EQ(app().step, Step::done);
  EXPECT_NE(d->find("done.phone")->text.find("13812341234"), std::string::npos) << "the first look is in full";
  EXPECT_GT(app().next_deadline_ms(), 0) << "a frame is due when the mask goes on";
  EXPECT_LE(app().next_deadline_ms(), now_ms + App::kPhoneInFullMs);
  now_ms += App::kPhoneInFullMs;
  d->frames(2);
  EXPECT_NE(d->find("done.phone")->text.find("138****1234"), std::string::npos);
  EXPECT_EQ(d->find("done.phone")->text.find("13812341234"), std::string::npos);
  EXPECT_EQ(mask_phone("13812341234"), "138****1234") << "the mask staff lists use";
  EXPECT_EQ(d->find("done.ticket")->text, app().submitted.ticket);
}

// What the shopper's done screen shows of their phone once masked is what a
// clerk's staff list shows for that complaint: one mask (model/personal.h).
TEST_F(Flow, ShopperAndClerkSeeTheSameMask) {
  walk_to_review();
  d->tap("nav.next");
  ASSERT_EQ(app().step, Step::done);
  now_ms += App::kPhoneInFullMs;
  d->frames(2);
  const std::string shown = d->find("done.phone")->text;
  Reports reports(*store, WorkdayCalendar{}, 7);
  ListQuery q;
  q.filter = ListFilter::all;
  std::vector<ComplaintRow> rows = reports.list(q);
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_FALSE(rows[0].phone_masked.empty());
  EXPECT_NE(shown.find(rows[0].phone_masked), std::string::npos) << shown << " vs " << rows[0].phone_masked;
  EXPECT_EQ(rows[0].phone_masked, mask_phone("13812341234"));
  EXPECT_EQ(rows[0].name_masked, mask_name("Li Wei"));
}

// A natural double tap on Submit (the second ~100 ms after the first) must
// leave the shopper on the done screen with the ticket, in both layouts.
void double_tap_submit(HeadlessDriver& d, Store& store) {
  const ImVec2 at = d.find("nav.next")->center();
  d.settle();  // the review has been on screen a while
  d.quick_tap(at);
  ASSERT_EQ(d.app().step, Step::done);
  d.frames(6);  // 100 ms at 60 frames a second
  d.quick_tap(at);
  d.frames(2);
  EXPECT_EQ(d.app().step, Step::done) << "the second tap went through to the done screen";
  EXPECT_TRUE(d.visible("done.ticket"));
  EXPECT_EQ(store.outbox_counts().pending, 1);
  // After the guard a deliberate tap works: Finish is not under Submit, so find it.
  d.tap("done.finish");
  EXPECT_EQ(d.app().step, Step::welcome);
}

TEST_F(Flow, DoubleTapOnSubmitKeepsTheTicketOnScreen) {
  walk_to_review();
  double_tap_submit(*d, *store);
}

TEST_F(FlowPortrait, DoubleTapOnSubmitKeepsTheTicketOnScreen) {
  walk_to_review();
  double_tap_submit(*d, *store);
}

// Every screen opens at its top: the next shopper never lands mid-page.
TEST_F(Flow, EachStepOpensAtItsTopForTheNextShopper) {
  d->tap("welcome.start");
  d->frames(2);
  const float top = d->find("field.business.search")->min.y;
  d->swipe(ImVec2(1500, 800), ImVec2(1500, 300));
  const HitRect* moved = d->find("field.business.search");
  ASSERT_TRUE(moved == nullptr || moved->min.y < top) << "the page did not scroll";
  app().reset_session();
  d->frames(2);
  d->tap("welcome.start");
  d->frames(1);
  ASSERT_TRUE(d->visible("field.business.search"));
  EXPECT_EQ(d->find("field.business.search")->min.y, top);
}

TEST_F(Flow, StoreFailureKeepsTheInputAndSaysSo) {
  walk_to_review();
  // The store goes away (read-only disk, say): the shopper keeps everything.
  store.reset();
  HeadlessOptions o;
  (void)o;
  App& a = app();
  // Point the app at no store: submit must fail politely.
  const_cast<AppEnv&>(a.env()).store = nullptr;
  d->tap("nav.next");
  EXPECT_EQ(a.step, Step::review);
  EXPECT_EQ(a.overlay, Overlay::submit_error);
  EXPECT_FALSE(a.submit_error.empty());
  EXPECT_TRUE(d->visible("submit.retry"));
  d->tap("submit.close");
  EXPECT_EQ(a.draft.c.consumer.phone, "13812341234");
  EXPECT_EQ(a.draft.c.description, "The sole split after two days.\nThe shop refused a refund.");
}

// --- Read-aloud and call staff -------------------------------------------------

namespace {

// What the app asked the speaker to say, and how often it was told to stop.
struct Voice {
  std::vector<std::string> said;
  int silenced = 0;
  std::string last() const { return said.empty() ? "" : said.back(); }
};

class FlowSpoken : public Flow {
 protected:
  void SetUp() override {
    Flow::SetUp();
    HeadlessOptions o;
    o.config = config;
    o.store = store.get();
    o.clock_ms = [this] { return now_ms; };
    o.say = [this](const std::string& text, const std::string&) { voice.said.push_back(text); };
    o.silence = [this] { ++voice.silenced; };
    d = std::make_unique<HeadlessDriver>(o);
  }
  Voice voice;
};

// Nothing the shopper entered: the personal fields and the free text.
const char* const kEntries[] = {"Li Wei", "13812341234", "1381234", "Zhongshan", "sole split", "Refund to my card",
                                "Running shoes", "NO-20261125-77", "399"};

// The audit log's last record: "actor action detail".
std::string last_audit(Store& store) {
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(store.handle(), "SELECT actor || ' ' || action || ' ' || detail FROM audit ORDER BY seq DESC LIMIT 1",
                     -1, &s, nullptr);
  std::string out;
  if (sqlite3_step(s) == SQLITE_ROW) out = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
  sqlite3_finalize(s);
  return out;
}

void expect_no_entries(const std::string& said, const std::string& where) {
  for (const char* e : kEntries) EXPECT_EQ(said.find(e), std::string::npos) << where << " said \"" << e << "\":\n" << said;
}

}  // namespace

TEST_F(FlowSpoken, TheSpeakerReadsEveryScreensWordsAndNeverAnEntry) {
  walk_to_review();
  // Back through every step with everything filled in, reading each aloud.
  for (Step s : {Step::review, Step::contact, Step::demands, Step::description, Step::purchase, Step::category,
                 Step::business}) {
    app().go(s);
    d->frames(2);
    ASSERT_TRUE(d->visible("assist.read")) << step_key(s);
    const size_t before = voice.said.size();
    d->tap("assist.read");
    ASSERT_EQ(voice.said.size(), before + 1) << step_key(s);
    const std::string said = voice.last();
    EXPECT_NE(said.find(tr(std::string(step_key(s)) + ".title")), std::string::npos) << step_key(s) << ": " << said;
    expect_no_entries(said, step_key(s));
  }
  // The focused field: its label and hint; a message shown: it too.
  app().go(Step::contact);
  d->frames(2);
  d->tap("field.consumer.phone");
  d->tap("assist.read");
  EXPECT_NE(voice.last().find(tr("contact.phone")), std::string::npos) << voice.last();
  expect_no_entries(voice.last(), "contact, phone focused");
  // Submitted: the ticket is read (it is for writing down), the phone is not.
  app().go(Step::review);
  d->frames(2);
  d->tap("nav.next");
  ASSERT_EQ(app().step, Step::done);
  d->tap("assist.read");
  std::string spelled;
  for (char c : app().submitted.ticket)
    if (c != '-') spelled += spelled.empty() ? std::string(1, c) : std::string(" ") + c;
  EXPECT_NE(voice.last().find(spelled), std::string::npos) << voice.last();
  expect_no_entries(voice.last(), "done");
  // The session ends: the voice stops.
  const int stops = voice.silenced;
  d->tap("done.finish");
  EXPECT_GT(voice.silenced, stops);
}

TEST_F(FlowSpoken, ElderlyModeReadsEachScreenAsItOpens) {
  d->tap("welcome.lang.zh");
  d->tap("welcome.large_text");
  d->frames(2);
  ASSERT_FALSE(voice.said.empty()) << "turning elderly mode on reads the welcome screen";
  EXPECT_NE(voice.last().find(tr("welcome.hero")), std::string::npos) << voice.last();
  d->tap("welcome.start");
  d->frames(2);
  EXPECT_NE(voice.last().find(tr("business.title")), std::string::npos) << voice.last();
  const size_t n = voice.said.size();
  d->frames(10);  // nothing new on screen: nothing said again
  EXPECT_EQ(voice.said.size(), n);
}

TEST_F(FlowSpoken, NoSpeakerNoSpeakerButton) {
  d = std::make_unique<HeadlessDriver>([this] {
    HeadlessOptions o;
    o.config = config;
    o.store = store.get();
    return o;
  }());
  d->frames(2);
  EXPECT_FALSE(d->visible("assist.read"));
  EXPECT_TRUE(d->visible("assist.help"));
}

TEST_F(FlowSpoken, CallStaffIsHeardAuditedAndKeepsTheInput) {
  walk_to_review();
  app().go(Step::contact);
  d->frames(2);
  const Draft before = app().draft;
  d->tap("assist.help");
  // The desk hears it; the shopper sees help is coming.
  ASSERT_FALSE(voice.said.empty());
  EXPECT_EQ(voice.last(), tr("help.call_out"));
  EXPECT_EQ(app().help_calls().size(), 1u);
  EXPECT_TRUE(app().help_called());
  d->frames(2);
  // The speaker's words for the screen now say so too.
  EXPECT_NE(screen_speech(app()).find(tr("help.coming")), std::string::npos);
  // The input is all there, on the same step.
  EXPECT_EQ(app().step, Step::contact);
  EXPECT_EQ(app().draft.c.consumer.phone, before.c.consumer.phone);
  EXPECT_EQ(app().draft.c.description, before.c.description);
  // Audited: the step, nothing personal.
  EXPECT_EQ(last_audit(*store), "kiosk help.called step=contact");
  // A second tap calls out again but is one call.
  d->tap("assist.help");
  EXPECT_EQ(app().help_calls().size(), 1u);
  EXPECT_EQ(voice.last(), tr("help.call_out"));
  // The call outlives the session (staff still have to come).
  app().reset_session();
  EXPECT_EQ(app().help_calls().size(), 1u);
  EXPECT_FALSE(app().help_called());
  app().answer_help_calls("clerk1");
  EXPECT_TRUE(app().help_calls().empty());
  EXPECT_EQ(last_audit(*store), "staff:clerk1 help.answered calls=1");
  EXPECT_TRUE(store->verify_audit().ok);
}
