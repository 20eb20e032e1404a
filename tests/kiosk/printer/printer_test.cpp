// The printer's thread against the test printer on 127.0.0.1: a receipt
// arrives whole and reads back as printed; paper out, cover open, nothing
// listening, no status answer and a printer that accepts, stalls and closes
// each end the job with their reason, by the time-outs, and the calls the UI
// makes never wait for the printer; stopping while a printer stalls is quick.
#include "printer/printer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "support/escpos_decoder.h"
#include "support/temp.h"
#include "support/test_printer.h"

using namespace odr;
using namespace odr::kiosk;
using Clock = std::chrono::steady_clock;

namespace {

double since_s(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

Receipt sample() {
  Receipt r;
  r.store_name = "金陵购物中心";
  r.title = "消费投诉受理凭条";
  r.ticket_label = "受理号";
  r.ticket = "A01-261128-0042";
  r.facts = {{"联系电话", "138****1234"}};
  r.notes = {"商家将在10个工作日内与您联系并协商处理。"};
  r.qr = "https://odr.example.com/ticket/A01-261128-0042";
  return r;
}

PrinterOptions options(int port) {
  PrinterOptions o;
  o.config.host = "127.0.0.1";
  o.config.port = port;
  o.config.connect_timeout_ms = 2000;
  o.config.status_timeout_ms = 800;
  o.config.write_timeout_ms = 5000;
  o.config.status_poll_s = 0;
  return o;
}

// The job's end (printed or failed), or what it was when `limit_s` ran out.
PrintJob wait_job(const ReceiptPrinter& p, uint64_t id, double limit_s = 30) {
  const auto t0 = Clock::now();
  PrintJob j = p.job(id);
  while ((j.phase == JobPhase::queued || j.phase == JobPhase::printing) && since_s(t0) < limit_s) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    j = p.job(id);
  }
  return j;
}

// The longest a call the UI makes (print, job, state, check) took.
struct UiCalls {
  double longest_s = 0;
  template <typename F>
  auto time(F f) {
    const auto t0 = Clock::now();
    auto r = f();
    longest_s = std::max(longest_s, since_s(t0));
    return r;
  }
};

}  // namespace

TEST(Printer, PrintsAReceiptThatReadsBackAsPrinted) {
  test::TestPrinter tp;
  int wakes = 0;
  PrinterOptions o = options(tp.port());
  o.wake = [&] { ++wakes; };
  EscPosPrinter printer(o);
  const uint64_t id = printer.print(sample());
  EXPECT_NE(id, 0u);
  const PrintJob j = wait_job(printer, id);
  EXPECT_EQ(j.phase, JobPhase::printed) << to_string(j.why);
  ASSERT_TRUE(tp.wait_for_jobs(1, 10'000));
  test::PrintedReceipt r = test::decode_escpos(tp.jobs()[0]);
  EXPECT_TRUE(r.problems.empty()) << r.problems[0];
  EXPECT_NE(r.text().find("A01-261128-0042"), std::string::npos) << r.text();
  EXPECT_NE(r.text().find("138****1234"), std::string::npos);
  EXPECT_EQ(r.status_queries, 6) << "DLE EOT 1, 2, 4 before and after";
  EXPECT_EQ(r.qr_data, std::vector<std::string>{sample().qr});
  EXPECT_EQ(r.cuts, 1);
  EXPECT_EQ(printer.state().health, PrinterHealth::ready);
  EXPECT_GT(printer.state().checked_ms, 0);
  EXPECT_GE(wakes, 2) << "the UI is woken as the job moves";
}

TEST(Printer, PaperOutCoverOpenAndLowPaper) {
  test::TestPrinter tp;
  tp.set_paper_out();
  EscPosPrinter printer(options(tp.port()));
  PrintJob j = wait_job(printer, printer.print(sample()));
  EXPECT_EQ(j.phase, JobPhase::failed);
  EXPECT_EQ(j.why, PrinterHealth::paper_out);
  EXPECT_EQ(printer.state().health, PrinterHealth::paper_out);
  EXPECT_TRUE(tp.jobs().empty()) << "nothing printed into an empty printer";

  tp.set_cover_open();
  j = wait_job(printer, printer.print(sample()));
  EXPECT_EQ(j.why, PrinterHealth::cover_open);

  tp.set_paper_low();
  j = wait_job(printer, printer.print(sample()));
  EXPECT_EQ(j.phase, JobPhase::printed) << "low paper still prints";
  EXPECT_EQ(printer.state().health, PrinterHealth::paper_low) << "and staff see it";
  EXPECT_EQ(tp.jobs().size(), 1u);
}

TEST(Printer, NothingListeningIsOffline) {
  int port;
  { test::TestPrinter gone; port = gone.port(); }
  EscPosPrinter printer(options(port));
  const auto t0 = Clock::now();
  PrintJob j = wait_job(printer, printer.print(sample()));
  EXPECT_EQ(j.phase, JobPhase::failed);
  EXPECT_EQ(j.why, PrinterHealth::offline);
  EXPECT_LT(since_s(t0), 10.0);
}

TEST(Printer, NoStatusAnswerFailsWhenAskedAndPrintsWhenNot) {
  test::TestPrinter tp;
  tp.answer_status(false);
  {
    EscPosPrinter printer(options(tp.port()));
    PrintJob j = wait_job(printer, printer.print(sample()));
    EXPECT_EQ(j.phase, JobPhase::failed);
    EXPECT_EQ(j.why, PrinterHealth::not_answering);
  }
  PrinterOptions o = options(tp.port());
  o.config.status = false;  // a printer known not to answer: printed blind
  EscPosPrinter printer(o);
  PrintJob j = wait_job(printer, printer.print(sample()));
  EXPECT_EQ(j.phase, JobPhase::printed);
  ASSERT_TRUE(tp.wait_for_jobs(1, 10'000));
  EXPECT_EQ(test::decode_escpos(tp.jobs().back()).status_queries, 0);
}

// The printer accepts, then stalls, then closes: the job ends by the
// status time-out (or the close, whichever comes first), and no call the UI
// makes meanwhile waits for it.
TEST(Printer, AcceptStallCloseEndsByTheTimeOutAndNeverBlocksTheCaller) {
  test::TestPrinter tp;
  tp.stall_then_close(20'000);
  EscPosPrinter printer(options(tp.port()));
  UiCalls ui;
  const auto t0 = Clock::now();
  const uint64_t id = ui.time([&] { return printer.print(sample()); });
  PrintJob j{};
  while (since_s(t0) < 30) {
    j = ui.time([&] { return printer.job(id); });
    ui.time([&] { return printer.state(); });
    ui.time([&] { printer.check(); return 0; });
    if (j.phase == JobPhase::failed || j.phase == JobPhase::printed) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const double took = since_s(t0);
  std::printf("stalled printer: the job gave up after %.2f s (status time-out 0.8 s); longest UI call %.2f ms\n", took,
              ui.longest_s * 1000);
  EXPECT_EQ(j.phase, JobPhase::failed);
  EXPECT_EQ(j.why, PrinterHealth::not_answering);
  EXPECT_GE(took, 0.7);
  EXPECT_LT(took, 8.0) << "the time-out, not the printer's 20 s stall";
  EXPECT_LT(ui.longest_s, 0.25) << "the UI's calls only take a mutex";
}

TEST(Printer, StallThenCloseIsOfflineWhenTheCloseComesFirst) {
  test::TestPrinter tp;
  tp.stall_then_close(600);
  PrinterOptions o = options(tp.port());
  o.config.status_timeout_ms = 20'000;
  EscPosPrinter printer(o);
  const auto t0 = Clock::now();
  PrintJob j = wait_job(printer, printer.print(sample()));
  EXPECT_EQ(j.phase, JobPhase::failed);
  EXPECT_EQ(j.why, PrinterHealth::offline) << to_string(j.why);
  EXPECT_LT(since_s(t0), 10.0) << "the close ends it, not the 20 s time-out";
}

TEST(Printer, StoppingWhileThePrinterStallsIsQuick) {
  test::TestPrinter tp;
  tp.stall_then_close(60'000);
  PrinterOptions o = options(tp.port());
  o.config.status_timeout_ms = 60'000;
  o.config.write_timeout_ms = 60'000;
  auto printer = std::make_unique<EscPosPrinter>(o);
  const uint64_t id = printer->print(sample());
  for (int i = 0; i < 200 && printer->job(id).phase != JobPhase::printing; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // inside the stalled wait
  const auto t0 = Clock::now();
  printer.reset();
  EXPECT_LT(since_s(t0), 3.0) << "the cancel pipe ends the wait";
}

TEST(Printer, ChecksTheStatusAtStartAndOnRequest) {
  test::TestPrinter tp;
  tp.set_paper_low();
  EscPosPrinter printer(options(tp.port()));
  const auto t0 = Clock::now();
  while (printer.state().health == PrinterHealth::unknown && since_s(t0) < 10)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(printer.state().health, PrinterHealth::paper_low) << "asked once at start";
  tp.set_paper_out();
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // check() is rate-limited to one in 2 s
  printer.check();
  while (printer.state().health == PrinterHealth::paper_low && since_s(t0) < 15)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(printer.state().health, PrinterHealth::paper_out);
  EXPECT_TRUE(tp.jobs().empty()) << "a check prints nothing";
}

TEST(Printer, DeviceFilePrinter) {
  // A device file the kiosk writes to (status off: a plain file does not answer).
  const std::string dev = test::fresh_dir("printer-dev") + "/lp0";
  test::write_file(dev, "");
  PrinterOptions o;
  o.config.device = dev;
  o.config.status = false;
  o.config.qr = "image";
  EscPosPrinter printer(o);
  PrintJob j = wait_job(printer, printer.print(sample()));
  EXPECT_EQ(j.phase, JobPhase::printed);
  test::PrintedReceipt r = test::decode_escpos(test::read_file(dev));
  EXPECT_TRUE(r.problems.empty());
  EXPECT_EQ(r.images, 1);
  EXPECT_EQ(test::scan_receipt_qr(r), std::vector<std::string>{sample().qr});

  PrinterOptions gone = o;
  gone.config.device = dev + "-unplugged";
  EscPosPrinter unplugged(gone);
  j = wait_job(unplugged, unplugged.print(sample()));
  EXPECT_EQ(j.why, PrinterHealth::offline);
}
