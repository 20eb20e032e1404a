// The printed receipt by taps, through the real screens in a headless ImGui
// context, the real printer thread and the test printer on 127.0.0.1: the
// done screen's print button, what the printer received (read back by the
// software printer: text, masked phone, QR by zbar), paper out with the
// complaint kept, a printer that accepts, stalls and closes while every
// frame stays short, no printer configured, and staff's reprint and printer
// state.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <thread>

#include "app/startup.h"
#include "printer/printer.h"
#include "screens/screens.h"
#include "screens/staff_mode.h"
#include "services/services.h"
#include "support/escpos_decoder.h"
#include "support/temp.h"
#include "support/test_printer.h"
#include "testing/driver.h"
#include "util/time.h"

using namespace odr;
using namespace odr::kiosk;
using Clock = std::chrono::steady_clock;

namespace {

const PinHashCost kTestCost{1, 1024, 1};

double since_s(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

class PrintUi : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* src = getenv("ODR_SOURCE_DIR");
    ASSERT_NE(src, nullptr);
    config = load_config(std::string(src) + "/config/kiosk.toml");
    dir = test::fresh_dir(std::string("print-ui-") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    config.data_dir = dir;
    config.database = dir + "/odr.db";
    config.staff_file = dir + "/staff.json";
    config.printer.host = "127.0.0.1";
    config.printer.port = tp.port();
    config.printer.connect_timeout_ms = 2000;
    config.printer.status_timeout_ms = 1500;
    config.printer.status_poll_s = 0;
    store = std::make_unique<Store>(config.database, store_options(config));
  }

  // The driver (and the printer's thread, unless with_printer is false).
  void open(bool with_printer = true) {
    if (with_printer) {
      PrinterOptions po;
      po.config = config.printer;
      printer = std::make_unique<EscPosPrinter>(po);
    }
    HeadlessOptions o;
    o.config = config;
    o.store = store.get();
    o.printer = printer.get();
    o.on_staff_gesture = [this] { staff->open(d->app()); };
    d = std::make_unique<HeadlessDriver>(o);
  }

  App& app() { return d->app(); }
  void fill(const std::string& field, const std::string& text) {
    d->reveal(field);
    d->tap(field);
    ASSERT_EQ(app().focused().id, field);
    d->type(text);
  }
  void choose(const std::string& id) {
    d->reveal(id);
    d->tap(id);
  }
  void next(Step to) {
    d->tap("nav.next");
    ASSERT_EQ(app().step, to) << "stuck on " << step_key(app().step);
  }

  // A complaint by taps, in English, to the done screen.
  void submit_by_taps() {
    d->tap("welcome.lang.en");
    d->tap("welcome.start");
    choose("business.style-shoes");
    next(Step::category);
    choose("category.kind.goods");
    choose("category.code.G04");
    choose("category.problem.product_quality");
    next(Step::purchase);
    fill("field.purchase.item", "Running shoes");
    d->tap("kb.hide");
    d->tap("purchase.date.pick");
    d->tap("cal.day." + format_date(*parse_date(local_date(now_unix_s(), config.tz_offset_minutes)) - 1));
    fill("field.purchase.amount", "399");
    d->tap("kp.done");
    next(Step::description);
    fill("field.description", "The sole split after two days.");
    d->tap("kb.hide");
    next(Step::demands);
    choose("demand.type.refund");
    next(Step::contact);
    fill("field.consumer.name", "Li Wei");
    d->tap("kb.enter");
    fill("field.consumer.phone", "13812341234");
    d->tap("kp.done");
    fill("field.consumer.address", "88 Zhongshan Road, Nanjing");
    d->tap("kb.hide");
    next(Step::privacy);
    choose("privacy.consent_notice");
    choose("privacy.consent_transfer");
    next(Step::review);
    d->tap("nav.next");  // Submit
    ASSERT_EQ(app().step, Step::done) << app().submit_error;
  }

  // Frames until the receipt is printed or its failure shows (or limit_s),
  // the longest frame in *longest_s.
  void frames_until_print_ends(double limit_s, double* longest_s = nullptr) {
    const auto t0 = Clock::now();
    double longest = 0;
    while (since_s(t0) < limit_s) {
      const auto f0 = Clock::now();
      d->frame();
      longest = std::max(longest, since_s(f0));
      if (app().overlay == Overlay::print_error) break;
      if (app().print_job && printer->job(app().print_job).phase == JobPhase::printed) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    d->frames(2);
    if (longest_s) *longest_s = longest;
  }

  std::string status_text(const char* id) {
    const HitRect* r = d->find(id);
    return r ? r->text : std::string();
  }

  test::TestPrinter tp;
  KioskConfig config;
  std::string dir;
  std::unique_ptr<Store> store;
  std::unique_ptr<EscPosPrinter> printer;
  std::unique_ptr<HeadlessDriver> d;
  std::unique_ptr<StaffMode> staff;
};

}  // namespace

TEST_F(PrintUi, PrintButtonPrintsTheReceiptTheScreenShows) {
  open();
  submit_by_taps();
  const std::string ticket = app().submitted.ticket;
  ASSERT_TRUE(d->enabled("done.print"));
  d->tap("done.print");
  frames_until_print_ends(30);
  EXPECT_TRUE(d->visible("done.printed")) << "printed: take it";
  EXPECT_EQ(app().overlay, Overlay::none);
  ASSERT_TRUE(tp.wait_for_jobs(1, 10'000));

  test::PrintedReceipt r = test::decode_escpos(tp.jobs()[0]);
  EXPECT_TRUE(r.problems.empty()) << r.problems[0];
  const std::string text = r.text();
  for (const std::string& want : {std::string("Jinling Shopping Centre"), std::string("Consumer complaint receipt"), ticket,
                                  std::string("Bubugao Shoes (2F-21)"), std::string("138****1234"),
                                  std::string("settles within 10"), std::string("12315 platform")})
    EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
  EXPECT_EQ(text.find("13812341234"), std::string::npos) << "the phone in full never goes on paper";
  EXPECT_EQ(test::scan_receipt_qr(r), std::vector<std::string>{ticket_status_url(config, ticket)})
      << "the same code as the screen's";
  EXPECT_EQ(status_text("done.qr"), ticket_status_url(config, ticket));
  ASSERT_TRUE(r.save_png(dir + "/receipt.png"));

  // One more copy, then no more: the kiosk is not a free roll of paper.
  d->tap("done.print");
  frames_until_print_ends(30);
  ASSERT_TRUE(tp.wait_for_jobs(2, 10'000));
  EXPECT_FALSE(d->visible("done.print"));
  EXPECT_TRUE(d->visible("done.printed"));
}

TEST_F(PrintUi, PaperOutSaysWhyAndTheComplaintIsKept) {
  tp.set_paper_out();
  open();
  submit_by_taps();
  const std::string ticket = app().submitted.ticket;
  d->tap("done.print");
  frames_until_print_ends(30);
  ASSERT_EQ(app().overlay, Overlay::print_error);
  const std::string said = status_text("print_error.reason");
  EXPECT_NE(said.find("out of paper"), std::string::npos) << said;
  EXPECT_NE(said.find("not affected"), std::string::npos) << said;
  EXPECT_NE(said.find(ticket), std::string::npos) << "the ticket number to note down";
  EXPECT_TRUE(tp.jobs().empty()) << "nothing printed";
  EXPECT_TRUE(store->complaint_by_ticket(ticket).has_value()) << "the complaint is stored all the same";
  d->tap("print_error.ok");
  EXPECT_EQ(app().overlay, Overlay::none);
  EXPECT_EQ(app().step, Step::done);
  EXPECT_TRUE(d->enabled("done.print")) << "a failure does not use up a copy: try again once the paper is in";
  tp.set_ready();
  d->tap("done.print");
  frames_until_print_ends(30);
  EXPECT_TRUE(d->visible("done.printed"));
  EXPECT_TRUE(tp.wait_for_jobs(1, 10'000));
}

// The printer accepts the connection, then says nothing for 4 s, then
// closes it: the screen keeps drawing (each frame short), the print ends
// as "offline" when the printer goes, and Finish works meanwhile.
TEST_F(PrintUi, AcceptStallCloseNeverFreezesAFrame) {
  config.printer.status_timeout_ms = 20'000;  // the close, not the time-out, ends it here
  tp.stall_then_close(4000);
  open();
  submit_by_taps();
  const auto t0 = Clock::now();
  d->tap("done.print");  // a tap is a few frames: the one that queues the print among them
  const double tap_s = since_s(t0);
  double longest = 0;
  frames_until_print_ends(60, &longest);
  const double took = since_s(t0);
  std::printf("stall then close: the print failed after %.2f s; the tap took %.1f ms, the longest frame after it %.1f ms\n",
              took, tap_s * 1000, longest * 1000);
  EXPECT_LT(tap_s, 1.0) << "the tap waited for the printer";
  EXPECT_EQ(app().overlay, Overlay::print_error);
  EXPECT_EQ(app().print_failed_why, PrinterHealth::offline);
  EXPECT_GE(took, 3.0);
  EXPECT_LT(took, 30.0);
  EXPECT_LT(longest, 1.0) << "a frame waited for the printer";
  d->tap("print_error.ok");
  d->tap("done.finish");
  EXPECT_EQ(app().step, Step::welcome);
}

TEST_F(PrintUi, StalledPrinterAndFinishAtOnce) {
  tp.stall_then_close(60'000);
  open();
  submit_by_taps();
  d->tap("done.print");
  d->frames(3);
  EXPECT_FALSE(d->enabled("done.print")) << "printing…";
  const auto t0 = Clock::now();
  d->tap("done.finish");  // the shopper walks away while the printer hangs
  EXPECT_EQ(app().step, Step::welcome);
  EXPECT_LT(since_s(t0), 2.0);
  EXPECT_EQ(app().print_job, 0u) << "the next shopper sees nothing of it";
  d.reset();
  const auto t1 = Clock::now();
  printer.reset();
  EXPECT_LT(since_s(t1), 3.0) << "shutting down does not wait for the stalled printer";
}

TEST_F(PrintUi, NoPrinterConfiguredNoButton) {
  open(false);
  submit_by_taps();
  EXPECT_FALSE(d->visible("done.print"));
  EXPECT_TRUE(d->visible("done.qr"));
  EXPECT_TRUE(d->visible("done.finish"));
}

TEST_F(PrintUi, StaffReprintAndPrinterState) {
  save_staff(config.staff_file, {{"s01", "Wang Fang", hash_pin("2468", kTestCost), false, ""}});
  tp.set_paper_low();
  StaffModeEnv env;
  env.store = store.get();
  staff = std::make_unique<StaffMode>(std::move(env));
  open();
  submit_by_taps();
  const std::string ticket = app().submitted.ticket;
  d->tap("done.finish");

  staff->open(app());
  d->frames(2);
  d->type("2468");
  d->tap("staff.login.submit");
  ASSERT_TRUE(staff->logged_in());
  for (int i = 0; i < 300 && status_text("staff.home.printer") != "paper_low"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    d->frame();
  }
  EXPECT_EQ(status_text("staff.home.printer"), "paper_low") << "staff see the paper running low";

  d->tap("staff.nav.list");
  d->reveal("staff.row." + ticket);
  d->tap("staff.row." + ticket);
  ASSERT_EQ(staff->screen, StaffScreen::detail);
  d->tap("staff.action.reprint");
  for (int i = 0; i < 3000 && staff->reprint_job; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    d->frame();
  }
  EXPECT_EQ(staff->reprint_job, 0u);
  EXPECT_FALSE(staff->notice_is_error) << staff->notice;
  EXPECT_NE(staff->notice.find(ticket), std::string::npos) << staff->notice;
  ASSERT_TRUE(tp.wait_for_jobs(1, 10'000));
  const std::string text = test::decode_escpos(tp.jobs()[0]).text();
  EXPECT_NE(text.find("[Reprint] "), std::string::npos) << "in the consumer's language (English), marked\n" << text;
  EXPECT_NE(text.find(ticket), std::string::npos);
  EXPECT_NE(text.find("138****1234"), std::string::npos);
  EXPECT_EQ(text.find("13812341234"), std::string::npos);

  // Who reprinted what is on record.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(config.database.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "SELECT actor, detail FROM audit WHERE action = 'staff.reprint'", -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))), "staff:s01");
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 1))), "ticket=" + ticket);
  sqlite3_finalize(st);
  sqlite3_close(db);

  // Paper out: staff see it on the home screen once the printer is asked.
  tp.set_paper_out();
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // checks are at most one in 2 s
  d->tap("staff.nav.home");
  for (int i = 0; i < 300 && status_text("staff.home.printer") != "paper_out"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    d->frame();
  }
  EXPECT_EQ(status_text("staff.home.printer"), "paper_out");
  staff->leave(app(), "test");
}

TEST(PrintWords, EveryPrinterStateHasItsWordsInBothLanguages) {
  I18n i18n;
  std::string err;
  ASSERT_TRUE(i18n.load(find_assets_dir(""), &err)) << err;
  for (PrinterHealth h : {PrinterHealth::unknown, PrinterHealth::ready, PrinterHealth::paper_low, PrinterHealth::paper_out,
                          PrinterHealth::cover_open, PrinterHealth::error, PrinterHealth::offline,
                          PrinterHealth::not_answering}) {
    const std::string staff_key = std::string("staff.printer.") + to_string(h);
    for (const Catalog* c : {&i18n.zh_catalog(), &i18n.en_catalog()}) {
      EXPECT_NE(c->find(staff_key), nullptr) << staff_key << " in " << c->language;
      if (!can_print(h)) {
        EXPECT_NE(c->find(printer_reason_key(h)), nullptr) << printer_reason_key(h);
      }
    }
  }
}
