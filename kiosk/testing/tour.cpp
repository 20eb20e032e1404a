#include "testing/tour.h"

#include <chrono>
#include <thread>

#include "util/time.h"

namespace odr::kiosk {

namespace {

// What a shopper might enter. English goes in through the keyboard keys; the
// Chinese text is put in place as if typed with pinyin (the pinyin keys are
// shown with their candidates in their own shots when the engine is there).
struct Sample {
  const char* item;
  const char* description;
  const char* demand_text;
  const char* name;
  const char* address;
};
const Sample kEn = {"Running shoes", "The sole of my new running shoes split after two days. The shop refused a refund.",
                    "Refund to my card", "Li Wei", "88 Zhongshan Road, Gulou, Nanjing"};
const Sample kZh = {"运动鞋", "新买的运动鞋穿了两天鞋底就开裂了，找商家要求退货被拒绝，说是人为损坏。",
                    "希望原路退款", "李伟", "南京市鼓楼区中山路100号"};

struct Tour {
  Driver& d;
  const TourHooks& h;
  TourResult result;
  std::string prefix;

  void shot(const std::string& name) {
    d.frames(2);
    if (h.shot) h.shot(prefix + "-" + name);
    ++result.shots;
  }

  // Types English through the keys; Chinese straight into the focused field.
  void enter(const char* field_id, const char* text, bool zh) {
    d.reveal(field_id);
    d.tap(field_id);
    if (zh) {
      if (d.app().has_focus()) d.app().focused().text->assign(text);
      d.frames(2);
    } else {
      d.type(text);
    }
  }

  void hide_keyboard() {
    if (d.visible("kb.hide")) d.tap("kb.hide");
  }

  // One shopper's way through every screen, a shot of each; all_shots adds
  // the in-between states (keyboards, the idle countdown, start over).
  void walk(bool zh, bool large, bool all_shots) {
    const Sample& s = zh ? kZh : kEn;
    welcome(zh, large);
    business(all_shots);
    category();
    purchase(s, zh, all_shots);
    description(s, zh, all_shots);
    demands(s, zh);
    contact(s, zh, all_shots);
    privacy_and_submit();
    if (all_shots && d.app().env().printer) print_shot();
    if (all_shots) idle_and_start_over(zh);
  }

  void welcome(bool zh, bool large) {
    d.app().reset_session();
    d.frames(2);
    d.tap(zh ? "welcome.lang.zh" : "welcome.lang.en");
    if (large) d.tap("welcome.large_text");
    shot("01-welcome");
    d.tap("welcome.start");
  }

  // Business: search by unit number, then choose.
  void business(bool all_shots) {
    const KioskConfig& config = d.app().config();
    shot("02-business");
    const Business* pick = nullptr;
    for (const Business& b : config.businesses)
      if (!b.booth.empty()) pick = &b;
    if (pick) {
      d.tap("field.business.search");
      d.type(pick->booth);
      if (all_shots) shot("02b-business-search");
      hide_keyboard();
      d.tap("business." + pick->id);
    } else if (!config.businesses.empty()) {
      d.tap("business." + config.businesses.front().id);
    }
    d.tap("nav.next");
  }

  // Category and problems.
  void category() {
    d.tap("category.kind.goods");
    for (const CategoryEntry& c : d.app().config().categories)
      if (c.kind == "goods") {
        d.tap("category.code." + c.code);
        break;
      }
    d.reveal("category.problem.product_quality");
    d.tap("category.problem.product_quality");
    d.reveal("category.problem.after_sales");
    d.tap("category.problem.after_sales");
    shot("03-category");
    d.tap("nav.next");
  }

  // Purchase: item, date from the calendar, amount on the keypad.
  void purchase(const Sample& s, bool zh, bool all_shots) {
    App& app = d.app();
    if (all_shots) shot("04-purchase-empty");
    enter("field.purchase.item", s.item, zh);
    shot("04-purchase-keyboard");
    hide_keyboard();
    d.tap("purchase.date.pick");
    shot("04b-calendar");
    const int64_t today = *parse_date(local_date(app.now_ms() / 1000, app.config().tz_offset_minutes));
    int y;
    unsigned m, day;
    civil_from_days(today, y, m, day);
    // Three days ago when that is still in this month's page of the calendar.
    d.tap("cal.day." + format_date(day > 3 ? today - 3 : today));
    d.reveal("field.purchase.amount");
    d.tap("field.purchase.amount");
    d.type("399");
    shot("04c-keypad");
    d.tap("kp.done");
    hide_keyboard();
    shot("04d-purchase");
    d.tap("nav.next");
  }

  // What happened; with all_shots, the keyboard's other modes too.
  void description(const Sample& s, bool zh, bool all_shots) {
    enter("field.description", s.description, zh);
    shot("05-description");
    if (all_shots) {
      d.tap("kb.mode.123");
      shot("05b-keyboard-123");
      d.tap("kb.mode.abc");
      if (d.visible("kb.mode.pinyin")) pinyin_shots();
      if (d.visible("kb.mode.hw")) handwriting_shots();
      if (d.visible("kb.mode.abc")) d.tap("kb.mode.abc");
    }
    hide_keyboard();
    d.tap("nav.next");
  }

  void demands(const Sample& s, bool zh) {
    d.tap("demand.type.return");
    d.tap("demand.type.refund");
    d.reveal("field.demand.amount");
    d.tap("field.demand.amount");
    d.type("399");
    d.tap("kp.done");
    enter("field.demand.text", s.demand_text, zh);
    hide_keyboard();
    shot("06-demands");
    d.tap("nav.next");
  }

  // Contact: the phone on the keypad, masked once left.
  void contact(const Sample& s, bool zh, bool all_shots) {
    enter("field.consumer.name", s.name, zh);
    d.reveal("field.consumer.phone");
    d.tap("field.consumer.phone");
    d.type("1381234");
    if (all_shots) shot("07-contact-phone");
    d.type("1234");
    enter("field.consumer.address", s.address, zh);
    hide_keyboard();
    shot("07-contact");
    d.tap("nav.next");
  }

  // Privacy: read, then the two consents; then review, submit, done.
  void privacy_and_submit() {
    shot("08-privacy");
    d.reveal("privacy.consent_notice");
    d.tap("privacy.consent_notice");
    d.reveal("privacy.consent_transfer");
    d.tap("privacy.consent_transfer");
    shot("08b-privacy-agreed");
    d.tap("nav.next");
    shot("09-review");
    d.tap("nav.next");
    shot("10-done");
  }

  // The idle countdown, then "start over?".
  void idle_and_start_over(bool zh) {
    App& app = d.app();
    d.tap("done.finish");  // back to the default language: choose again
    d.tap(zh ? "welcome.lang.zh" : "welcome.lang.en");
    d.tap("welcome.start");
    if (h.advance_clock) {
      h.advance_clock(app.config().idle_timeout_s * 1000LL + 4000);
      d.frames(2);
      shot("11-idle");
      d.tap("idle.continue");
    }
    d.tap("header.start_over");
    shot("12-start-over");
    d.tap("cancel.confirm");
  }

  // The receipt: tapped, then the screen once the printer has answered
  // (printed, or why not: whatever the configured printer does).
  void print_shot() {
    d.tap("done.print");
    for (int i = 0; i < 1500; ++i) {
      const JobPhase ph = d.app().env().printer->job(d.app().print_job).phase;
      if (ph == JobPhase::printed || d.app().overlay == Overlay::print_error) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      d.frame();
    }
    shot("10b-done-print");
    if (d.visible("print_error.ok")) d.tap("print_error.ok");
  }

  // Pinyin keys with candidates, once the engine has deployed.
  void pinyin_shots() {
    d.tap("kb.mode.pinyin");
    for (int i = 0; i < 100 && d.app().kb.pinyin && !d.app().kb.pinyin->ready(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      d.frame();
    }
    for (char c : std::string("xiaofei")) d.tap(std::string("kb.key.") + c);
    shot("05c-keyboard-pinyin");
    if (d.visible("kb.cand.0")) d.tap("kb.cand.0");
  }

  void handwriting_shots() {
    d.tap("kb.mode.hw");
    const HitRect* pad = d.find("kb.hw.pad");
    if (!pad) return;
    const float w = pad->max.x - pad->min.x, hh = pad->max.y - pad->min.y;
    std::vector<ImVec2> across, down;
    for (int i = 0; i <= 12; ++i) across.push_back(ImVec2(w * (0.2f + 0.6f * i / 12), hh * 0.45f));
    for (int i = 0; i <= 12; ++i) down.push_back(ImVec2(w * 0.5f, hh * (0.15f + 0.7f * i / 12)));
    d.drag("kb.hw.pad", across);
    d.drag("kb.hw.pad", down);
    shot("05d-keyboard-handwriting");
    d.tap("kb.hw.clear");
  }
};

}  // namespace

TourResult run_tour(Driver& d, const TourHooks& hooks) {
  Tour t{d, hooks, {}, ""};
  struct Size {
    const char* name;
    int w, h;
  } sizes[] = {{"landscape", 1920, 1080}, {"portrait", 1080, 1920}};
  for (const Size& sz : sizes) {
    if (hooks.resize) hooks.resize(sz.w, sz.h);
    for (bool zh : {true, false}) {
      if (hooks.elderly_only) break;
      t.prefix = std::string(sz.name) + "-" + (zh ? "zh" : "en");
      t.walk(zh, false, true);
    }
    // Elderly mode: Chinese in landscape, English in portrait; both
    // languages in both when only these walks are asked for (the test
    // that measures them).
    for (bool zh : {true, false}) {
      if (!hooks.elderly_only && zh != (sz.w > sz.h)) continue;
      t.prefix = std::string(sz.name) + "-" + (zh ? "zh" : "en") + "-large";
      t.walk(zh, true, false);
    }
  }
  // A small store-PC screen (1280x720): the welcome screen in both languages.
  if (hooks.resize && !hooks.elderly_only) {
    hooks.resize(1280, 720);
    for (bool zh : {true, false}) {
      t.prefix = std::string("small-") + (zh ? "zh" : "en");
      d.app().reset_session();
      d.frames(2);
      d.tap(zh ? "welcome.lang.zh" : "welcome.lang.en");
      t.shot("01-welcome");
    }
  }
  d.app().reset_session();
  d.frames(2);
  return t.result;
}

}  // namespace odr::kiosk
