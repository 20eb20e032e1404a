// Staff mode by taps, through the real screens in a headless ImGui context,
// against a real store and the real platform-sim over HTTPS on 127.0.0.1:
// log in on the PIN pad, record a first response and a settlement, hand the
// screen over for a 4-star rating, and find the three events at the gateway
// in that order. Also: the lockout and the inactivity timeout on screen.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "engine/sync_state.h"
#include "support/sync.h"
#include "app/startup.h"
#include "services/services.h"
#include "screens/staff_mode.h"
#include "testing/driver.h"
#include "util/time.h"

using namespace odr;
using namespace odr::kiosk;
namespace fs = std::filesystem;

namespace {

const PinHashCost kTestCost{1, 1024, 1};

// (type, body) of the events the gateway holds, in the order it stored them.
std::vector<std::pair<std::string, nlohmann::json>> gateway_events(const std::string& sim_db) {
  std::vector<std::pair<std::string, nlohmann::json>> v;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(sim_db.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return v;
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "SELECT type, body FROM events ORDER BY rowid", -1, &s, nullptr);
  while (s && sqlite3_step(s) == SQLITE_ROW)
    v.push_back({reinterpret_cast<const char*>(sqlite3_column_text(s, 0)),
                 nlohmann::json::parse(reinterpret_cast<const char*>(sqlite3_column_text(s, 1)), nullptr, false)});
  sqlite3_finalize(s);
  sqlite3_close(db);
  return v;
}

class StaffUi : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* src = getenv("ODR_SOURCE_DIR");
    config = load_config(std::string(src ? src : ODR_SOURCE_DIR_BUILT) + "/config/kiosk.toml");
    dir = test::fresh_dir(std::string("staff-ui-") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    config.data_dir = dir;
    config.database = dir + "/odr.db";
    config.staff_file = dir + "/staff.json";
    config.export_dir = dir + "/usb";
    config.staff_timeout_s = 180;
    config.kiosk_id = "kiosk-dev";  // the id platform-sim dev-setup provisions
    // The chain's hub configured too: every staff flow holds with two destinations.
    config.hub.base_url = "https://hub.test/odr/v1";
    save_staff(config.staff_file, {{"s01", "Wang Fang", hash_pin("2468", kTestCost), false, ""}});
    StoreOptions so = store_options(config);
    so.clock_ms = [this] { return now_ms; };
    store = std::make_unique<Store>(config.database, so);
    HeadlessOptions o;
    o.config = config;
    o.store = store.get();
    o.clock_ms = [this] { return now_ms; };
    o.on_staff_gesture = [this] { staff->open(app()); };
    d = std::make_unique<HeadlessDriver>(o);
    StaffModeEnv env;
    env.store = store.get();
    std::string warning;
    env.calendar = load_staff_calendar(config, &warning);
    EXPECT_TRUE(warning.empty()) << warning;
    env.wake_sync = [this] { ++wakes; };
    staff = std::make_unique<StaffMode>(std::move(env));
  }

  App& app() { return d->app(); }
  void enter_pin(const std::string& pin) {
    ASSERT_TRUE(app().has_focus());
    ASSERT_EQ(app().focused().id, "staff.pin");
    d->type(pin);
    d->tap("staff.login.submit");
  }
  void log_in() {
    staff->open(app());
    d->frames(2);
    enter_pin("2468");
    ASSERT_TRUE(staff->logged_in());
    d->frames(1);
  }

  int64_t now_ms = now_unix_ms();
  KioskConfig config;
  std::string dir;
  std::unique_ptr<Store> store;
  std::unique_ptr<HeadlessDriver> d;
  std::unique_ptr<StaffMode> staff;
  int wakes = 0;
};

TEST_F(StaffUi, FirstResponseSettlementAndRatingReachTheGatewayInOrder) {
  test::Sim sim;
  sim.start(dir + "/sim");
  SyncOptions so = test::engine_options(sim, config.database);
  so.store.clock_ms = [this] { return now_ms; };
  SyncEngine engine(so);
  const std::string id = store->submit_complaint(test::valid_complaint(7)).id;
  const std::string ticket = store->complaint(id)->ticket;
  ASSERT_TRUE(engine.run_once().ok());

  // The PIN pad: one wrong PIN first (counted), then the right one.
  staff->open(app());
  d->frames(2);
  EXPECT_TRUE(d->visible("staff.login.account.s01"));
  EXPECT_FALSE(d->visible("welcome.start")) << "staff mode covers the shopper's screen";
  enter_pin("1357");
  EXPECT_FALSE(staff->logged_in());
  EXPECT_EQ(staff_lockout(*store).failures, 1);
  d->frame();
  enter_pin("2468");
  ASSERT_TRUE(staff->logged_in());
  d->frame();
  EXPECT_TRUE(d->visible("staff.home.overdue"));

  // The list, the complaint, a first response by phone with a note.
  d->tap("staff.nav.list");
  d->reveal("staff.row." + ticket);
  d->tap("staff.row." + ticket);
  ASSERT_EQ(staff->screen, StaffScreen::detail);
  EXPECT_FALSE(d->visible("staff.action.satisfaction")) << "nothing to rate before it is settled";
  d->tap("staff.action.first_response");
  d->tap("staff.method.phone");
  EXPECT_TRUE(d->selected("staff.method.phone"));
  d->tap("staff.field.note");
  d->type("Called back");
  d->tap("kb.hide");
  d->tap("staff.form.next");
  EXPECT_TRUE(d->visible("staff.confirm.yes")) << "every action asks for confirmation";
  d->tap("staff.confirm.yes");
  EXPECT_EQ(staff->form, StaffForm::none);
  EXPECT_FALSE(d->visible("staff.action.first_response")) << "a first response is recorded once";

  // Settled: a refund of 12.50 yuan.
  d->tap("staff.action.settled");
  EXPECT_TRUE(d->selected("staff.form.outcome.refund")) << "the consumer's demands come preselected";
  EXPECT_FALSE(d->enabled("staff.form.next")) << "no amount yet";
  d->tap("staff.field.amount");
  d->type("12.5");
  d->tap("kp.done");
  // A double tap on Next shows the confirmation and records nothing yet.
  {
    d->settle();
    const ImVec2 at = d->find("staff.form.next")->center();
    for (int tap = 0; tap < 2; ++tap) {
      d->finger(at, true);
      d->frame();
      d->finger(at, false);
      d->frames(4);
    }
    EXPECT_TRUE(staff->confirming) << "the second tap confirmed an irreversible settlement unseen";
    EXPECT_TRUE(d->visible("staff.confirm.yes"));
  }
  d->tap("staff.confirm.yes");
  EXPECT_EQ(staff->form, StaffForm::none);

  // The consumer rates on the big faces; no staff controls while they hold it.
  d->tap("staff.action.satisfaction");
  EXPECT_EQ(app().locale(), "en") << "the consumer filed in English: the hand-over speaks it";
  EXPECT_FALSE(d->visible("staff.logout"));
  EXPECT_FALSE(d->visible("staff.nav.list"));
  EXPECT_FALSE(d->enabled("staff.rate.submit"));
  d->tap("staff.rate.4");
  EXPECT_TRUE(d->selected("staff.rate.4"));
  d->tap("staff.rate.submit");
  EXPECT_TRUE(d->visible("staff.handover.back"));
  d->tap("staff.handover.back");
  // Whoever holds the screen now may not be staff: the PIN pad asks again.
  EXPECT_EQ(staff->screen, StaffScreen::login);
  EXPECT_FALSE(staff->logged_in());
  EXPECT_EQ(app().locale(), config.default_locale);
  EXPECT_FALSE(d->visible("staff.nav.list"));
  EXPECT_FALSE(d->visible("staff.action.settled"));
  d->frames(1);
  enter_pin("2468");
  ASSERT_TRUE(staff->logged_in());
  d->frames(1);
  EXPECT_EQ(staff->screen, StaffScreen::detail) << "the PIN returns to the complaint";
  ASSERT_TRUE(staff->detail.has_value());
  EXPECT_EQ(staff->detail->row.id, id);
  EXPECT_TRUE(d->visible("staff.logout"));
  EXPECT_EQ(wakes, 3) << "each saved action wakes the sync";

  // The engine delivers them; the gateway holds them in the order they happened.
  for (int i = 0; i < 3 && store->outbox_counts().pending > 0; ++i) engine.deliver_pending();
  auto events = gateway_events(sim.dir + "/sim.db");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].first, "first_response");
  EXPECT_EQ(events[0].second["method"], "phone");
  EXPECT_EQ(events[0].second["staff_id"], "s01");
  EXPECT_EQ(events[0].second["data"]["note"], "Called back");
  EXPECT_EQ(events[1].first, "settled");
  EXPECT_EQ(events[1].second["data"]["amount_fen"], 1250);
  EXPECT_EQ(events[1].second["data"]["outcomes"], nlohmann::json::array({"refund"}));
  EXPECT_EQ(events[2].first, "satisfaction");
  EXPECT_EQ(events[2].second["data"]["score"], 4);
  EXPECT_FALSE(events[2].second.contains("staff_id")) << "the consumer gives the rating";

  // Log out: back to the shopper's welcome screen, all of it audited.
  d->tap("staff.logout");
  EXPECT_FALSE(staff->active());
  d->frames(2);
  EXPECT_TRUE(d->visible("welcome.start"));
  EXPECT_TRUE(store->verify_audit().ok);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(store->handle(), "SELECT actor || ' ' || action FROM audit WHERE actor LIKE '%s01%' ORDER BY seq",
                     -1, &s, nullptr);
  std::vector<std::string> trail;
  while (sqlite3_step(s) == SQLITE_ROW) trail.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
  sqlite3_finalize(s);
  EXPECT_EQ(trail, (std::vector<std::string>{"staff:s01 staff.login", "staff:s01 staff.view",
                                             "staff:s01 event.first_response", "staff:s01 event.settled",
                                             "consumer via staff:s01 event.satisfaction", "staff:s01 staff.logout",
                                             "staff:s01 staff.login", "staff:s01 staff.view", "staff:s01 staff.logout"}))
      << "the hand-back ends the session (logout), the PIN starts another";
}

TEST_F(StaffUi, ThreeSecondsOnTheCornerOpenThePinPad) {
  d->frames(2);
  ASSERT_TRUE(d->visible("welcome.start"));
  // A short touch of the corner does nothing.
  d->finger(ImVec2(30, 30), true);
  d->frame();
  now_ms += 1500;
  d->frame();
  d->finger(ImVec2(30, 30), false);
  d->frame();
  EXPECT_FALSE(staff->active());
  // Held for three seconds: the PIN pad.
  d->finger(ImVec2(30, 30), true);
  d->frame();
  now_ms += 3100;
  d->frame();
  d->finger(ImVec2(30, 30), false);
  d->frames(2);
  EXPECT_TRUE(staff->active());
  EXPECT_TRUE(d->visible("staff.pin"));
  EXPECT_FALSE(d->visible("welcome.start"));
}

TEST_F(StaffUi, FiveWrongPinsLockThePinPad) {
  staff->open(app());
  d->frames(2);
  for (int i = 0; i < 5; ++i) {
    enter_pin("9999");
    d->frame();
  }
  EXPECT_TRUE(staff_lockout(*store).locked);
  EXPECT_FALSE(d->visible("staff.pin")) << "no PIN pad while locked";
  EXPECT_FALSE(d->visible("staff.login.submit"));
  // Leaving and coming back (or a restart) does not clear it.
  d->tap("staff.login.cancel");
  EXPECT_FALSE(staff->active());
  d->frames(2);
  staff->open(app());
  d->frames(2);
  EXPECT_FALSE(d->visible("staff.pin"));
  // Five minutes later the lock is over; the PIN pad left open meanwhile
  // has closed by itself (staff_timeout_s).
  now_ms += 5 * 60 * 1000;
  d->frames(2);
  EXPECT_FALSE(staff->active());
  staff->open(app());
  d->frames(2);
  EXPECT_TRUE(d->visible("staff.pin"));
  enter_pin("2468");
  EXPECT_TRUE(staff->logged_in());
}

TEST_F(StaffUi, InactivityEndsStaffModeAndWipesTheDetail) {
  const std::string id = store->submit_complaint(test::valid_complaint(3)).id;
  log_in();
  staff->open_detail(app(), id);
  d->frames(1);
  ASSERT_TRUE(staff->detail.has_value());
  now_ms += 170 * 1000;
  d->frame();
  EXPECT_TRUE(staff->active());
  d->tap("staff.detail.back");  // a tap counts as activity
  now_ms += 170 * 1000;
  d->frame();
  EXPECT_TRUE(staff->active());
  now_ms += 181 * 1000;  // nobody touched it for longer than staff_timeout_s
  d->frames(2);
  EXPECT_FALSE(staff->active());
  EXPECT_FALSE(staff->detail.has_value());
  EXPECT_TRUE(d->visible("welcome.start"));
  EXPECT_FALSE(d->visible("staff.logout"));
}

TEST_F(StaffUi, ALongListScrollsByFinger) {
  std::string last;
  for (int i = 0; i < 14; ++i) last = store->submit_complaint(test::valid_complaint(20 + i)).ticket;
  log_in();
  d->tap("staff.nav.list");
  EXPECT_FALSE(d->visible("staff.row." + last)) << "the newest is far down (the list runs by deadline)";
  d->reveal("staff.row." + last);
  d->tap("staff.row." + last);
  ASSERT_EQ(staff->screen, StaffScreen::detail);
  EXPECT_EQ(staff->detail->row.ticket, last);
}

TEST_F(StaffUi, WithdrawalIsConfirmedByTheConsumer) {
  const std::string id = store->submit_complaint(test::valid_complaint(4)).id;
  log_in();
  staff->open_detail(app(), id);
  d->frame();
  d->tap("staff.action.withdrawn");
  EXPECT_FALSE(d->visible("staff.logout")) << "the consumer holds the screen";
  d->tap("staff.withdraw.cancel");  // changed their mind: nothing recorded
  EXPECT_EQ(staff->screen, StaffScreen::login) << "the hand-back asks for the PIN";
  EXPECT_EQ(store->outbox_counts().pending, 1);
  d->frames(1);
  enter_pin("2468");
  d->frames(1);
  EXPECT_EQ(staff->screen, StaffScreen::detail);
  d->tap("staff.action.withdrawn");
  d->tap("staff.withdraw.reason.resolved");
  d->tap("staff.withdraw.confirm");
  d->tap("staff.handover.back");
  EXPECT_EQ(staff->screen, StaffScreen::login);
  d->frames(1);
  enter_pin("2468");
  d->frames(1);
  ASSERT_TRUE(staff->detail.has_value());
  EXPECT_EQ(staff->detail->row.outcome, "withdrawn");
  for (const char* a : {"staff.action.first_response", "staff.action.settled", "staff.action.withdrawn"})
    EXPECT_FALSE(d->visible(a)) << a << " after a withdrawal";
  ASSERT_EQ(staff->detail->timeline.back().kind, "withdrawn");
  EXPECT_FALSE(staff->detail->timeline.back().data.reason.empty());
}

TEST_F(StaffUi, DashboardSyncPanelAndExport) {
  const std::string id = store->submit_complaint(test::valid_complaint(5)).id;
  store->submit_complaint(test::valid_complaint(6));
  for (const auto& item : store->outbox_items(OutboxState::pending))
    if (item.ref_id == id) store->mark_held(item.seq, "rejected: invalid_field respondent.credit_code");
  log_in();
  EXPECT_EQ(staff->held_count, 1);

  d->tap("staff.nav.dashboard");
  for (const char* period : {"staff.dash.7", "staff.dash.90", "staff.dash.30"}) {
    d->tap(period);
    EXPECT_TRUE(d->selected(period));
  }
  ASSERT_TRUE(staff->dash.has_value());
  EXPECT_EQ(staff->dash->received, 2);
  EXPECT_EQ(staff->dash->sync_held, 1);

  // The sync panel names the held complaint and its reason; Retry queues it again.
  d->tap("staff.nav.sync");
  ASSERT_EQ(staff->held.size(), 1u);
  EXPECT_NE(staff->held[0].reason.find("credit_code"), std::string::npos);
  d->tap("staff.sync.retry");
  EXPECT_EQ(store->outbox_counts().held, 0);
  EXPECT_GE(wakes, 1);
  d->frame();
  EXPECT_FALSE(d->enabled("staff.sync.retry")) << "nothing left to retry";

  // Export without personal data: masked files on the stick.
  fs::create_directories(config.export_dir);
  d->tap("staff.nav.export");
  d->tap("staff.export.7");
  d->tap("staff.export.go");
  std::vector<fs::path> files;
  for (const auto& f : fs::directory_iterator(config.export_dir)) files.push_back(f.path());
  ASSERT_EQ(files.size(), 2u);
  std::string all;
  for (const auto& f : files) all += test::read_file(f.string());
  EXPECT_EQ(all.find(test::valid_complaint(5).consumer.phone), std::string::npos);
  EXPECT_NE(all.find("139****"), std::string::npos);

  // With personal data: the PIN once more; a wrong one exports nothing.
  now_ms += 1000;
  d->tap("staff.export.personal");
  d->tap("staff.export.go");
  ASSERT_TRUE(d->visible("staff.export.pin_ok"));
  d->type("1111");
  d->tap("staff.export.pin_ok");
  EXPECT_EQ(std::distance(fs::directory_iterator(config.export_dir), fs::directory_iterator()), 2);
  EXPECT_EQ(staff_lockout(*store).failures, 1);
  now_ms += 1000;
  d->tap("staff.export.go");
  d->type("2468");
  d->tap("staff.export.pin_ok");
  EXPECT_EQ(std::distance(fs::directory_iterator(config.export_dir), fs::directory_iterator()), 4);
  all.clear();
  for (const auto& f : fs::directory_iterator(config.export_dir)) all += test::read_file(f.path().string());
  EXPECT_NE(all.find(test::valid_complaint(5).consumer.phone), std::string::npos);
}

// The sync panel reads each destination on its own: the hub's held item
// (the gateway's all delivered) is the hub's, and Retry is offered for it.
TEST_F(StaffUi, SyncPanelShowsTheHubOnItsOwn) {
  store->submit_complaint(test::valid_complaint(7));
  for (const auto& item : store->claim(OutboxKind::complaint, 10, "t", 30000, kGatewayDestination))
    store->mark_delivered(item.seq, "3201002026112800042");
  for (const auto& item : store->claim(OutboxKind::complaint, 10, "t", 30000, kHubDestination))
    store->mark_held(item.seq, "rejected by the hub: invalid_field");
  store->set_state(destination_key(kHubDestination, sync_key::reachable), "0");
  store->set_state(destination_key(kGatewayDestination, sync_key::reachable), "1");
  log_in();
  d->tap("staff.nav.sync");
  d->frame();
  ASSERT_TRUE(staff->sync_status && staff->hub_sync_status);
  EXPECT_EQ(staff->sync_status->counts.delivered, 1);
  EXPECT_EQ(staff->sync_status->counts.held, 0);
  EXPECT_EQ(staff->sync_status->reachable, std::optional<bool>(true));
  EXPECT_EQ(staff->hub_sync_status->counts.held, 1);
  EXPECT_EQ(staff->hub_sync_status->counts.pending, 1) << "the case number, waiting for the hub";
  EXPECT_EQ(staff->hub_sync_status->reachable, std::optional<bool>(false));
  EXPECT_TRUE(d->enabled("staff.sync.retry")) << "the hub's held item can be retried";
  d->tap("staff.sync.retry");
  EXPECT_EQ(store->outbox_counts(kHubDestination).held, 0);
}

}  // namespace

// A shopper called for help mid-complaint; staff open staff mode to help:
// the banner and its count come first, Answered clears them (audited), and
// the shopper's complaint comes back as it was when staff leave.
TEST_F(StaffUi, AHelpCallShowsOnStaffHomeAndTheShoppersInputWaits) {
  d->tap("welcome.lang.en");
  d->tap("welcome.start");
  d->reveal("business.style-shoes");
  d->tap("business.style-shoes");
  d->tap("nav.next");
  ASSERT_EQ(app().step, Step::category);
  d->tap("category.kind.goods");
  d->tap("assist.help");
  ASSERT_TRUE(app().help_called());

  staff->open(app());
  d->frames(2);
  EXPECT_EQ(app().step, Step::welcome) << "the shopper's entries are out of sight in staff mode";
  EXPECT_TRUE(app().draft.business_id.empty());
  log_in();
  d->frames(2);
  ASSERT_TRUE(d->visible("staff.help.banner"));
  EXPECT_EQ(d->find("staff.help.banner")->text, "1");
  d->tap("staff.help.answered");
  d->frames(2);
  EXPECT_FALSE(d->visible("staff.help.banner"));
  EXPECT_TRUE(app().help_calls().empty());

  d->tap("staff.logout");
  d->frames(2);
  EXPECT_FALSE(staff->active());
  EXPECT_EQ(app().step, Step::category) << "the shopper goes on where they were";
  EXPECT_EQ(app().draft.business_id, "style-shoes");
  EXPECT_EQ(app().draft.c.category.kind, "goods");
  EXPECT_EQ(app().locale(), "en");

  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(store->handle(), "SELECT actor || ' ' || action FROM audit WHERE action LIKE 'help.%' ORDER BY seq",
                     -1, &s, nullptr);
  std::vector<std::string> trail;
  while (sqlite3_step(s) == SQLITE_ROW) trail.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
  sqlite3_finalize(s);
  EXPECT_EQ(trail, (std::vector<std::string>{"kiosk help.called", "staff:s01 help.answered"}));
}

// Without a call for help, staff mode wipes what a shopper left (as before).
TEST_F(StaffUi, WithoutAHelpCallStaffModeWipesAHalfTypedComplaint) {
  d->tap("welcome.start");
  d->reveal("business.style-shoes");
  d->tap("business.style-shoes");
  staff->open(app());
  d->frames(2);
  log_in();
  d->frames(2);
  EXPECT_FALSE(d->visible("staff.help.banner"));
  d->tap("staff.logout");
  d->frames(2);
  EXPECT_EQ(app().step, Step::welcome);
  EXPECT_TRUE(app().draft.business_id.empty());
}
