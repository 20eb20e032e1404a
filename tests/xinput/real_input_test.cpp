// The real odr-kiosk under Xvfb, driven through the X server with XTest
// events and real timing, as a shopper's finger and a clerk's would. Each
// test runs its own X server and kiosk. What it checks is what a person
// sees: pixels read back from the X server, the QR code decoded from them,
// the texts the kiosk shows, and what reached the store.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "support/samples.h"
#include "config/config.h"
#include "real_kiosk.h"
#include "store/store.h"
#include "util/time.h"

using namespace odr;
using namespace odr::xtest;
namespace fs = std::filesystem;

namespace {

std::string test_dir() {
  const char* tmp = getenv("ODR_TEST_TMP");
  const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  fs::path d = fs::path(tmp ? tmp : "/tmp") / ("xinput-" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d.string();
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

class RealInput : public ::testing::Test {
 protected:
  // A kiosk with short idle times (4 s quiet, then a 6 s countdown).
  void start(int width = 1920, int height = 1080, std::map<std::string, std::string> extra = {{"idle.timeout_s", "60"}}) {
    dir = test_dir();
    const std::string src = getenv("ODR_SOURCE_DIR");
    std::map<std::string, std::string> o = {
        {"kiosk.data_dir", quoted(dir + "/data")},   {"odr.workdays_dir", quoted(src + "/config/workdays")},
        {"idle.timeout_s", "4"},                      {"idle.countdown_s", "6"},
        {"export.dir", quoted(dir + "/usb")},         {"staff.file", quoted(dir + "/staff.json")},
        {"ticket.qr_url", quoted("https://odr.example.com/ticket/{ticket}?kiosk={kiosk}")}};
    for (auto& [k, v] : extra) o[k] = v;
    setup.config_path = write_config(dir, o);
    setup.data_dir = dir + "/data";
    setup.width = width;
    setup.height = height;
    std::string error;
    ASSERT_TRUE(k.start(setup, &error)) << error;
  }
  void TearDown() override {
    if (HasFailure() && !dir.empty()) {
      k.screenshot().save_png(dir + "/failure.png");
      std::cerr << "screenshot: " << dir << "/failure.png\nkiosk log:\n" << k.log();
    }
    k.stop();
  }

  void fill(const std::string& field, const std::string& text, double rate = 5) {
    k.reveal(field);
    k.tap(field);
    ASSERT_TRUE(k.wait_for([&](const ScreenState& s) { return s.focus == field; }, 3000)) << field;
    k.settle(150);
    k.type(text, rate);
  }
  void next(const std::string& to) {
    ASSERT_TRUE(k.wait_for([](const ScreenState& s) { return s.find("nav.next") && s.find("nav.next")->enabled; }, 3000))
        << "Next stays disabled on " << k.state().step;
    k.tap("nav.next");
    ASSERT_TRUE(k.wait_step(to)) << "still on " << k.state().step;
    k.settle(150);
  }
  void hide_keyboard() {
    const Hit hide = k.hit("kb.hide");
    k.tap("kb.hide");
    ASSERT_TRUE(k.wait_for([](const ScreenState& s) { return s.focus.empty(); }, 3000))
        << "the keyboard stays up after a tap on its hide key at " << hide.cx() << "," << hide.cy() << "; log:\n" << k.log();
  }
  // Welcome -> the purchase step in English, by taps.
  void walk_to_purchase() {
    k.tap("welcome.lang.en");
    k.tap("welcome.start");
    ASSERT_TRUE(k.wait_step("business"));
    k.tap("business.mall");
    next("category");
    k.tap("category.kind.goods");
    k.tap("category.code.G04");
    k.tap("category.problem.product_quality");
    next("purchase");
  }
  // Welcome -> review, by taps and typing on the on-screen keyboard.
  void walk_to_review() {
    walk_to_purchase();
    fill("field.purchase.item", "shoes");
    hide_keyboard();
    k.tap("purchase.date.pick");
    ASSERT_TRUE(k.wait_for([](const ScreenState& s) { return s.overlay == "calendar"; }, 3000));
    const int64_t now_s = now_unix_ms() / 1000;
    k.tap("cal.day." + local_date(now_s, 480));
    ASSERT_TRUE(k.wait_for([](const ScreenState& s) { return s.overlay == "none"; }, 3000));
    fill("field.purchase.amount", "299");
    k.tap("kp.done");  // Done closes the keypad
    ASSERT_TRUE(k.wait_for([](const ScreenState& s) { return s.focus.empty(); }, 15000));
    next("description");
    fill("field.description", "the sole split after two days");
    hide_keyboard();
    next("demands");
    k.tap("demand.type.refund");
    next("contact");
    fill("field.consumer.name", "li wei");
    hide_keyboard();
    fill("field.consumer.phone", "13812341234");
    k.tap("kp.done");
    fill("field.consumer.address", "88 zhongshan road");
    hide_keyboard();
    next("privacy");
    k.reveal("privacy.consent_notice");
    k.tap("privacy.consent_notice");
    k.reveal("privacy.consent_transfer");
    k.tap("privacy.consent_transfer");
    next("review");
  }
  int64_t stored_complaints() {
    Store store(setup.data_dir + "/odr-kiosk.db");
    return store.outbox_counts().pending + store.outbox_counts().held + store.outbox_counts().delivered;
  }

  RealKiosk k;
  KioskSetup setup;
  std::string dir;
};

// The overlay's number falls each second on screen, and with no touch the
// form is wiped when it reaches 0.
TEST_F(RealInput, IdleCountdownFallsEachSecondAndWipes) {
  start(1920, 1080, {});
  k.tap("welcome.start");
  ASSERT_TRUE(k.wait_step("business"));
  k.tap("business.mall");
  ASSERT_TRUE(k.wait_for([](const ScreenState& s) { return s.find("business.mall") && s.find("business.mall")->selected; }, 3000));
  k.move(1900, 1070);  // the finger lifts and goes away
  ASSERT_TRUE(k.wait_for([](const ScreenState& s) { return s.overlay == "idle"; }, 8000)) << "no idle overlay";
  std::vector<std::string> seen;
  std::vector<Image> shots;
  for (int i = 0; i < 40 && k.state().overlay == "idle"; ++i) {
    const ScreenState s = k.state();
    if (const Hit* c = s.find("idle.count"); c && (seen.empty() || seen.back() != c->text)) {
      seen.push_back(c->text);
      shots.push_back(k.screenshot());
    }
    pause_ms(100);
  }
  ASSERT_GE(seen.size(), 4u) << "the countdown did not fall: saw " << (seen.empty() ? "nothing" : seen.front());
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_EQ(std::stoi(seen[i]), std::stoi(seen[i - 1]) - 1);
  ASSERT_TRUE(k.wait_step("welcome", 8000)) << "no wipe at 0";
  // On the glass, not only in the map: the ring and number change between seconds.
  EXPECT_GT(shots[0].differing(shots[1], 0, 0, shots[0].w, shots[0].h), 100) << "the screen did not redraw";
  // The next shopper finds nothing of the last one.
  k.tap("welcome.start");
  ASSERT_TRUE(k.wait_step("business"));
  k.settle();
  EXPECT_FALSE(k.hit("business.mall").selected);
}

// Continue, or a touch beside the buttons, keeps what the shopper entered.
TEST_F(RealInput, ContinueAndATouchElsewhereKeepTheInput) {
  start(1920, 1080, {});
  k.tap("welcome.start");
  ASSERT_TRUE(k.wait_step("business"));
  k.tap("business.mall");
  k.move(1900, 1070);
  ASSERT_TRUE(k.wait_for([](const ScreenState& s) { return s.overlay == "idle"; }, 8000));
  pause_ms(1500);
  k.tap("idle.continue");
  ASSERT_TRUE(k.wait_for([](const ScreenState& s) { return s.overlay == "none"; }, 3000));
  EXPECT_EQ(k.state().step, "business");
  EXPECT_TRUE(k.hit("business.mall").selected);
  k.move(1900, 1070);
  ASSERT_TRUE(k.wait_for([](const ScreenState& s) { return s.overlay == "idle"; }, 8000));
  pause_ms(1500);
  k.tap_at(60, 540);  // beside the dialog
  ASSERT_TRUE(k.wait_for([](const ScreenState& s) { return s.overlay == "none"; }, 3000));
  EXPECT_EQ(k.state().step, "business");
  EXPECT_TRUE(k.hit("business.mall").selected);
}

// A natural double tap on Submit stores the complaint once and shows the
// ticket and a QR code that is a link (decoded from the screen).
void double_tap_submit(RealInput& t, RealKiosk& k) {
  const ScreenState before = k.state();
  ASSERT_EQ(before.step, "review");
  const Hit submit = *before.find("nav.next");
  k.settle();
  k.tap_at(submit.cx(), submit.cy(), 50);
  pause_ms(120);
  k.tap_at(submit.cx(), submit.cy(), 50);
  ASSERT_TRUE(k.wait_step("done")) << "no done screen";
  pause_ms(1500);
  k.settle();
  ASSERT_EQ(k.state().step, "done") << "the second tap ended the session";
  const std::string ticket = k.hit("done.ticket").text;
  EXPECT_FALSE(ticket.empty());
  const Image img = k.screenshot();
  const std::vector<std::string> codes = decode_qr(img);
  ASSERT_EQ(codes.size(), 1u) << "no QR code on the screen";
  EXPECT_EQ(codes[0], "https://odr.example.com/ticket/" + ticket + "?kiosk=demo-kiosk-01");
  (void)t;
}

TEST_F(RealInput, DoubleTapOnSubmitShowsTheTicketLandscape) {
  start();
  walk_to_review();
  double_tap_submit(*this, k);
  EXPECT_EQ(stored_complaints(), 1);
}

TEST_F(RealInput, DoubleTapOnSubmitShowsTheTicketPortrait) {
  start(1080, 1920);
  walk_to_review();
  double_tap_submit(*this, k);
  EXPECT_EQ(stored_complaints(), 1);
}

// The shopper sees their own full number while entering and reviewing it,
// and the done screen masks it after its first seconds.
TEST_F(RealInput, OwnPhoneInFullThenMaskedOnTheDoneScreen) {
  start();
  walk_to_review();
  k.reveal("review.contact.1");
  bool full_on_review = false;
  for (const auto& [id, h] : k.state().hits)
    if (h.text.find("13812341234") != std::string::npos) full_on_review = true;
  EXPECT_TRUE(full_on_review) << "the review shows the number in full";
  k.tap("nav.next");
  ASSERT_TRUE(k.wait_step("done"));
  k.settle();
  EXPECT_NE(k.hit("done.phone").text.find("13812341234"), std::string::npos);
  ASSERT_TRUE(k.wait_for([](const ScreenState& s) {
    const Hit* p = s.find("done.phone");
    return p && p->text.find("138****1234") != std::string::npos;
  }, 15000)) << "still in full: " << k.hit("done.phone").text;
}

// The next shopper starts every step at its top, whatever the last one scrolled.
TEST_F(RealInput, ASecondShopperStartsAtTheTop) {
  start();
  k.tap("welcome.start");
  ASSERT_TRUE(k.wait_step("business"));
  k.settle();
  const Hit search0 = k.hit("field.business.search");
  // Scroll the business list down by finger.
  std::vector<std::pair<int, int>> swipe;
  for (int i = 0; i <= 12; ++i) swipe.push_back({1500, 850 - i * 40});
  k.drag(swipe, 16);
  k.settle();
  const ScreenState scrolled = k.state();  // (the pointers below point into it)
  const Hit* moved = scrolled.find("field.business.search");
  ASSERT_TRUE(moved == nullptr || moved->y0 < search0.y0) << "the page did not scroll";
  k.tap("header.start_over");
  k.tap("cancel.confirm");
  ASSERT_TRUE(k.wait_step("welcome"));
  k.tap("welcome.start");
  ASSERT_TRUE(k.wait_step("business"));
  k.settle();
  const ScreenState second = k.state();
  const Hit* again = second.find("field.business.search");
  ASSERT_NE(again, nullptr) << "the search field is scrolled away";
  EXPECT_EQ(again->y0, search0.y0);
}

// 40 characters typed at a fast typist's pace all arrive, in order.
TEST_F(RealInput, FortyCharactersAtFifteenTapsPerSecondArriveIntact) {
  start();
  walk_to_purchase();
  const std::string text = "the quick brown fox jumps over a lazy dog";  // 41 with spaces
  fill("field.purchase.item", text.substr(0, 40), 15);
  ASSERT_TRUE(k.wait_for([&](const ScreenState& s) {
    const Hit* f = s.find("field.purchase.item");
    return f && f->text == text.substr(0, 40);
  }, 5000)) << "typed: " << k.hit("field.purchase.item").text;
}

}  // namespace

namespace {

// A character written by finger in a square box on the handwriting pad:
// strokes through points given in fractions of the box, 16 ms a point, as a
// finger moves. box: left, top and side in screen pixels.
void write_character(RealKiosk& k, int left, int top, int side,
                     const std::vector<std::vector<std::pair<float, float>>>& strokes) {
  for (const auto& stroke : strokes) {
    std::vector<std::pair<int, int>> path;
    for (size_t i = 0; i + 1 < stroke.size(); ++i)
      for (int s = i == 0 ? 0 : 1; s <= 10; ++s) {
        const float t = s / 10.0f;
        const float fx = stroke[i].first + (stroke[i + 1].first - stroke[i].first) * t;
        const float fy = stroke[i].second + (stroke[i + 1].second - stroke[i].second) * t;
        path.push_back({left + static_cast<int>(fx * side), top + static_cast<int>(fy * side)});
      }
    k.drag(path, 16);
    pause_ms(250);  // between strokes, as a writer lifts the finger
  }
}

const std::vector<std::vector<std::pair<float, float>>> kRen = {  // 人
    {{0.50f, 0.12f}, {0.46f, 0.45f}, {0.22f, 0.86f}}, {{0.50f, 0.50f}, {0.64f, 0.70f}, {0.82f, 0.86f}}};
const std::vector<std::vector<std::pair<float, float>>> kDa = {  // 大
    {{0.15f, 0.38f}, {0.85f, 0.38f}},
    {{0.50f, 0.10f}, {0.47f, 0.50f}, {0.20f, 0.88f}},
    {{0.50f, 0.52f}, {0.65f, 0.72f}, {0.85f, 0.88f}}};

// Two characters written one after the other on the pad, the second beside
// the first, with no tap between: 人 is read as 人 (not 卜), goes into the
// field when the next character starts, and 大 follows after a pause.
TEST_F(RealInput, HandwritingTwoCharactersInARow) {
  start();
  k.tap("welcome.start");
  ASSERT_TRUE(k.wait_step("business"));
  k.settle();
  const std::string field = "field.business.search";
  k.tap(field);
  ASSERT_TRUE(k.wait_for([&](const ScreenState& s) { return s.focus == field; }, 3000));
  k.tap("kb.mode.hw");
  ASSERT_TRUE(k.wait_visible("kb.hw.pad"));
  k.settle(150);
  const Hit pad = k.hit("kb.hw.pad");
  const int side = (pad.y1 - pad.y0) * 7 / 10, top = pad.y0 + (pad.y1 - pad.y0) / 10;
  write_character(k, pad.x0 + 20, top, side, kRen);
  ASSERT_TRUE(k.wait_for([](const ScreenState& s) { const Hit* c = s.find("kb.hw.cand.0"); return c && c->text == "人"; }, 3000))
      << "top candidate: " << (k.state().find("kb.hw.cand.0") ? k.state().find("kb.hw.cand.0")->text : "none");
  EXPECT_EQ(k.hit(field).text, "") << "committed before the character was finished";
  write_character(k, pad.x1 - side - 20, top, side, kDa);
  EXPECT_EQ(k.hit(field).text, "人") << "the first character did not go in when the second began";
  std::string cands;  // for the message below
  const ScreenState now = k.state();
  for (int i = 0; i < 9; ++i)
    if (const Hit* c = now.find("kb.hw.cand." + std::to_string(i))) cands += c->text + " ";
  ASSERT_TRUE(k.wait_for([&](const ScreenState& s) { const Hit* f = s.find(field); return f && f->text == "人大"; }, 5000))
      << "after a pause the field holds: " << k.hit(field).text << " (candidates were " << cands << ")";
}

// Backspace held down goes on deleting (a tap deletes one), and the clear
// key empties the field, as on a phone.
TEST_F(RealInput, HeldBackspaceRepeatsAndClearAllEmptiesTheField) {
  start();
  k.tap("welcome.lang.en");
  k.tap("welcome.start");
  ASSERT_TRUE(k.wait_step("business"));
  const std::string field = "field.business.search";
  fill(field, "abcdefghijkl");
  auto text_is = [&](const std::string& want) {
    return k.wait_for([&](const ScreenState& s) { const Hit* f = s.find(field); return f && f->text == want; }, 3000);
  };
  ASSERT_TRUE(text_is("abcdefghijkl")) << k.hit(field).text;
  k.tap("kb.backspace");
  ASSERT_TRUE(text_is("abcdefghijk")) << "a tap deleted: " << k.hit(field).text;
  const Hit bs = k.hit("kb.backspace");
  k.move(bs.cx(), bs.cy());
  k.down();
  pause_ms(800);  // past the repeat delay: some gone, not all yet
  const std::string part = k.state().find(field)->text;
  pause_ms(1000);
  k.up();
  EXPECT_LT(part.size(), 11u) << "nothing repeated after 0.8 s";
  EXPECT_GT(part.size(), 0u) << "all gone within 0.8 s";
  EXPECT_TRUE(text_is("")) << "after 1.8 s held: " << k.hit(field).text;
  k.type("xyz", 5);
  ASSERT_TRUE(text_is("xyz"));
  k.tap("kb.clear_field");
  EXPECT_TRUE(text_is("")) << k.hit(field).text;
}

// A clerk hands the screen to the shopper for a rating; when it comes back,
// staff mode asks for the PIN again before anything of the complaint shows.
TEST_F(RealInput, StaffHandBackAfterARatingNeedsThePin) {
  start();
  // A staff account (PIN 2468) made the way the installer makes it, and one complaint.
  const std::string add = "printf '2468\\n' | " + std::string(getenv("ODR_BIN_DIR")) + "/kiosk-sync --config " +
                          setup.config_path + " staff add clerk Clerk >/dev/null 2>&1";
  ASSERT_EQ(system(add.c_str()), 0) << add;
  Complaint c = test::valid_complaint(7);
  std::string ticket;
  {
    Store store(setup.data_dir + "/odr-kiosk.db");
    ticket = store.submit_complaint(c).ticket;
  }
  // Three seconds on the top-left corner opens staff mode.
  k.move(30, 30);
  k.down();
  pause_ms(3600);
  k.up();
  auto pin_pad_ready = [](const ScreenState& s) { return s.focus == "staff.pin" && !s.guard; };
  ASSERT_TRUE(k.wait_for(pin_pad_ready, 8000)) << "no PIN pad";
  k.settle(150);
  k.type("2468", 4);
  k.tap("staff.login.submit");
  k.tap("staff.nav.list");
  k.tap("staff.row." + ticket);
  // Settled on the spot (a refund of 12.50), then the shopper rates it.
  k.tap("staff.action.settled");
  k.tap("staff.field.amount");
  ASSERT_TRUE(k.wait_for([](const ScreenState& s) { return s.focus == "staff.field.amount"; }, 3000));
  k.type("12.5", 4);
  k.tap("kp.done");
  ASSERT_TRUE(k.wait_for([](const ScreenState& s) { return s.focus.empty(); }, 3000));
  k.settle(300);
  k.tap("staff.form.next");
  k.tap("staff.confirm.yes");
  k.tap("staff.action.satisfaction");
  k.tap("staff.rate.4");
  k.tap("staff.rate.submit");
  k.tap("staff.handover.back");
  ASSERT_TRUE(k.wait_for(pin_pad_ready, 5000)) << "the hand-back did not ask for the PIN";
  const ScreenState locked = k.state();
  EXPECT_EQ(locked.find("staff.action.settled"), nullptr) << "settle is reachable without the PIN";
  EXPECT_EQ(locked.find("staff.nav.export"), nullptr) << "export is reachable without the PIN";
  for (const auto& [id, h] : locked.hits)
    EXPECT_EQ(h.text.find(c.consumer.phone), std::string::npos) << "the full phone shows on " << id;
  // The same clerk's PIN goes back to the complaint they were on.
  k.type("2468", 4);
  k.tap("staff.login.submit");
  EXPECT_TRUE(k.wait_visible("staff.detail.back", 5000)) << "not back on the complaint";
}

// Another X client unmaps the kiosk's window: it comes back by itself, drawn,
// without anyone touching the screen.
// A shopper calls for help mid-complaint; the clerk opens staff mode to see
// it, answers it, leaves: the shopper's complaint is back as it was.
TEST_F(RealInput, CallStaffThenStaffModeAndBackKeepsTheComplaint) {
  start();
  const std::string add = "printf '2468\\n' | " + std::string(getenv("ODR_BIN_DIR")) + "/kiosk-sync --config " +
                          setup.config_path + " staff add clerk Clerk >/dev/null 2>&1";
  ASSERT_EQ(system(add.c_str()), 0) << add;
  walk_to_purchase();
  fill("field.purchase.item", "shoes");
  hide_keyboard();
  k.tap("assist.help");
  k.settle(200);
  k.move(30, 30);
  k.down();
  pause_ms(3600);
  k.up();
  auto pin_pad_ready = [](const ScreenState& s) { return s.focus == "staff.pin" && !s.guard; };
  ASSERT_TRUE(k.wait_for(pin_pad_ready, 8000)) << "no PIN pad";
  EXPECT_EQ(k.state().find("field.purchase.item"), nullptr) << "the shopper's entry shows in staff mode";
  k.settle(150);
  k.type("2468", 4);
  k.tap("staff.login.submit");
  ASSERT_TRUE(k.wait_visible("staff.help.banner", 8000)) << "no help banner on staff home";
  EXPECT_EQ(k.state().find("staff.help.banner")->text, "1");
  k.settle(200);
  k.screenshot().save_png(dir + "/staff-home-help.png");
  k.tap("staff.help.answered");
  ASSERT_TRUE(k.wait_for([](const ScreenState& s) { return !s.find("staff.help.banner"); }, 5000));
  k.tap("staff.logout");
  ASSERT_TRUE(k.wait_step("purchase")) << "the shopper's step did not come back: " << k.state().step;
  ASSERT_TRUE(k.wait_visible("field.purchase.item"));
  EXPECT_EQ(k.state().find("field.purchase.item")->text, "shoes");
}

TEST_F(RealInput, AnUnmappedWindowComesBackDrawn) {
  start();
  k.settle();
  const Image before = k.screenshot();
  ASSERT_TRUE(k.unmap_window()) << "no kiosk window found";
  pause_ms(300);
  bool back = false;
  for (int i = 0; i < 50 && !back; ++i) {
    pause_ms(100);
    const Image now = k.screenshot();
    // The welcome screen's static parts (left half, away from the pulse) are there again.
    back = now.differing(before, 0, 200, now.w / 2, now.h - 200) < now.w * now.h / 200;
  }
  EXPECT_TRUE(back) << "the screen stayed black";
}

}  // namespace
