// The staff list, detail, dashboard and export against a store seeded with
// eleven complaints whose figures are worked out by hand below. Real SQLite
// file, the shipped working-day calendar, a clock the test moves.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "calendar/calendar.h"
#include "reports/reports.h"
#include "support/samples.h"
#include "support/temp.h"
#include "store/store.h"
#include "util/time.h"

namespace odr {
namespace {

namespace fs = std::filesystem;

// The seed, in the order it happened (local time, +08:00). Due dates are
// 10 working days after filing by the 2025/2026 notices (day 1 is the first
// working day after the filing day; see calendar_test for the counting).
//
//  C9  2025-11-01 10:00 filed (Sat), settled 11-03 10:00              outcome settled
//  C8  2026-01-20 10:00 filed, no events; due 02-03                   open, overdue
//  C1  2026-02-12 10:00 filed, first response 10:30 (30 min),
//      compensation 200.00 on 02-27 14:00, settled 02-27 15:00,
//      satisfaction 4 at 15:10; due 03-04                             settled on time
//  C2  2026-02-13 09:00 filed, first response 11:00 (120 min),
//      not settled 03-06 10:00, satisfaction 2 then 3; due 03-05      not_settled, late
//  C3  2026-02-18 16:00 filed (holiday), first response 02-24 09:00
//      (5 d 17 h = 8220 min); due 03-06                               open, overdue
//  C11 2026-02-24 10:00 filed, settled 03-09 17:00 = its due date      settled on time (just)
//  C4  2026-03-02 10:00 filed (phone ...5678), first response 10:45
//      (45 min), compensation 50.00 on 03-09 10:00; due 03-16        open
//  C10 2026-03-03 23:59 filed; due 03-17                             open
//  C5  2026-03-05 14:00 filed, withdrawn 03-06 09:00; due 03-19       withdrawn, on time
//  C6  2026-03-09 09:00 filed, held by sync; due 03-23                open
//  C7  2026-03-10 08:00 filed, delivered (case 3201002026031000007),
//      the platform reports settled at 11:00; due 03-24              settled on time
//  now 2026-03-10 12:00 (Tuesday)
struct Seeded {
  std::string db;
  std::map<std::string, std::string> id;      // C1 -> complaint id
  std::map<std::string, std::string> ticket;  // C1 -> ticket
};

int64_t ms_at(const std::string& rfc3339) {
  auto t = parse_rfc3339(rfc3339);
  EXPECT_TRUE(t.has_value()) << rfc3339;
  return t.value_or(0) * 1000;
}

int64_t D(const char* s) { return parse_date(s).value_or(0); }

// The shared sample (support/samples.h) by another consumer, bought and
// agreed to before the first filing of the seed (its own dates are later).
Complaint complaint_with(const std::string& name, const std::string& phone) {
  Complaint c = test::sample_complaint();
  c.consumer.name = name;
  c.consumer.phone = phone;
  c.purchase.date = "2025-10-30";
  c.consent.accepted_at = "2025-10-31T09:58:00+08:00";
  return c;
}

class ReportsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = test::fresh_dir("reports");
    const char* src = std::getenv("ODR_SOURCE_DIR");
    calendar = load_workday_calendar(std::string(src ? src : ODR_SOURCE_DIR_BUILT) + "/config/workdays");
    StoreOptions o;
    o.kiosk_id = "mall-01";
    o.clock_ms = [this] { return now; };
    // With the chain's hub too: each item has two outbox rows, and the staff
    // views still show the platform's (the gateway's) delivery once.
    o.destinations = {kGatewayDestination, kHubDestination};
    store = std::make_unique<Store>((dir / "odr.db").string(), o);
    seed();
    reports = std::make_unique<Reports>(*store, calendar, 10);
  }

  void file(const std::string& key, const std::string& at, const std::string& name = "张三",
            const std::string& phone = "13812341234") {
    now = ms_at(at);
    auto r = store->submit_complaint(complaint_with(name, phone));
    id[key] = r.id;
    ticket[key] = r.ticket;
  }

  void event(const std::string& key, const std::string& type, const std::string& at, int64_t amount = 0,
             int score = 0, const std::string& text = "") {
    now = ms_at(at);
    Event e;
    e.complaint_id = id.at(key);
    e.type = type;
    if (is_staff_event(type)) {
      e.method = "on_site";
      e.staff_id = "s01";
    }
    if (type == "first_response") e.data.note = text;
    if (type == "settled") {
      e.data.outcomes = {"refund"};
      e.data.amount_fen = amount;
    }
    if (type == "compensation_prepaid") e.data.amount_fen = amount;
    if (type == "not_settled" || type == "withdrawn") e.data.reason = text;
    if (type == "satisfaction") {
      e.data.score = score;
      e.data.comment = text;
    }
    store->record_event(e);
  }

  void seed() {
    file("C9", "2025-11-01T10:00:00+08:00");
    event("C9", "settled", "2025-11-03T10:00:00+08:00", 1000);
    file("C8", "2026-01-20T10:00:00+08:00");
    file("C1", "2026-02-12T10:00:00+08:00");
    event("C1", "first_response", "2026-02-12T10:30:00+08:00", 0, 0, "已联系商家");
    file("C2", "2026-02-13T09:00:00+08:00");
    event("C2", "first_response", "2026-02-13T11:00:00+08:00");
    file("C3", "2026-02-18T16:00:00+08:00");
    event("C3", "first_response", "2026-02-24T09:00:00+08:00");
    file("C11", "2026-02-24T10:00:00+08:00");
    event("C1", "compensation_prepaid", "2026-02-27T14:00:00+08:00", 20000);
    event("C1", "settled", "2026-02-27T15:00:00+08:00", 129900);
    event("C1", "satisfaction", "2026-02-27T15:10:00+08:00", 0, 4, "还行");
    file("C4", "2026-03-02T10:00:00+08:00", "欧阳小明", "13900005678");
    event("C4", "first_response", "2026-03-02T10:45:00+08:00");
    file("C10", "2026-03-03T23:59:00+08:00");
    file("C5", "2026-03-05T14:00:00+08:00");
    event("C5", "withdrawn", "2026-03-06T09:00:00+08:00", 0, 0, "已自行解决");
    event("C2", "not_settled", "2026-03-06T10:00:00+08:00", 0, 0, "商家不同意");
    event("C2", "satisfaction", "2026-03-06T10:30:00+08:00", 0, 2);
    event("C2", "satisfaction", "2026-03-06T11:00:00+08:00", 0, 3);
    file("C6", "2026-03-09T09:00:00+08:00");
    event("C11", "settled", "2026-03-09T17:00:00+08:00", 5000);
    for (const auto& item : store->outbox_items(OutboxState::pending))
      if (item.ref_id == id["C6"]) store->mark_held(item.seq, "rejected: invalid_field respondent.credit_code");
    event("C4", "compensation_prepaid", "2026-03-09T10:00:00+08:00", 5000);
    file("C7", "2026-03-10T08:00:00+08:00");
    now = ms_at("2026-03-10T08:05:00+08:00");
    for (const auto& item : store->claim(OutboxKind::complaint, 100, "test", 60000)) {
      if (item.ref_id == id["C7"]) store->mark_delivered(item.seq, "3201002026031000007");
      else store->release(item.seq, "", 0);
    }
    store->apply_updates({{id["C7"], "3201002026031000007", "settled", "2026-03-10T11:00:00+08:00", "调解成功"}},
                         std::string("cursor-1"));
    now = ms_at("2026-03-10T12:00:00+08:00");
  }

  std::vector<std::string> keys_of(const std::vector<ComplaintRow>& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows)
      for (const auto& [k, v] : id)
        if (v == r.id) out.push_back(k);
    return out;
  }

  fs::path dir;
  int64_t now = 0;
  WorkdayCalendar calendar;
  std::unique_ptr<Store> store;
  std::unique_ptr<Reports> reports;
  std::map<std::string, std::string> id, ticket;
};

using Keys = std::vector<std::string>;

TEST_F(ReportsTest, Dashboard30Days) {
  // Window 2026-02-09 .. 03-10: C1 C2 C3 C11 C4 C10 C5 C6 C7 (9); C8, C9 are older.
  Dashboard d = reports->dashboard(30);
  EXPECT_EQ(format_date(d.from_day), "2026-02-09");
  EXPECT_EQ(format_date(d.to_day), "2026-03-10");
  EXPECT_EQ(d.received, 9);
  EXPECT_EQ(d.settled, 3);  // C1, C11 (ours), C7 (the platform's)
  EXPECT_EQ(d.not_settled, 1);  // C2
  EXPECT_EQ(d.withdrawn, 1);    // C5
  EXPECT_EQ(d.open, 4);         // C3 C4 C10 C6
  ASSERT_TRUE(d.settlement_rate.has_value());
  EXPECT_NEAR(*d.settlement_rate, 3.0 / 4.0, 1e-9);
  // Concluded or overdue: C1 (on time), C2 (03-06 > due 03-05: late), C11
  // (on its due date: on time), C5, C7 (on time), C3 (open, overdue) = 6;
  // on time 4.
  EXPECT_EQ(d.on_time_base, 6);
  EXPECT_EQ(d.on_time, 4);
  EXPECT_NEAR(d.on_time_rate.value_or(-1), 4.0 / 6.0, 1e-9);
  // First responses 30, 45, 120, 8220 min: median (45 + 120) / 2.
  EXPECT_EQ(d.first_responses, 4);
  EXPECT_NEAR(d.median_first_response_minutes.value_or(-1), 82.5, 1e-9);
  // C1 rated 4; C2 rated 2 then 3 (the latest counts): (4 + 3) / 2.
  EXPECT_EQ(d.ratings, 2);
  EXPECT_NEAR(d.average_satisfaction.value_or(-1), 3.5, 1e-9);
  // Paid first in the window: 200.00 (C1, 02-27) + 50.00 (C4, 03-09).
  EXPECT_EQ(d.compensation_count, 2);
  EXPECT_EQ(d.compensation_fen, 25000);
  EXPECT_EQ(d.overdue_now, 2);  // C8 (due 02-03) and C3 (due 03-06)
  // Outbox: complaints C9 C8 C1 C2 C3 C11 C4 C10 C5 pending, C6 held, C7
  // delivered; events 1 (C9) + 4 (C1) + 4 (C2) + 1 (C3) + 1 (C11) + 2 (C4)
  // + 1 (C5) = 14 pending.
  EXPECT_EQ(d.sync_pending, 9 + 14);
  EXPECT_EQ(d.sync_in_flight, 0);
  EXPECT_EQ(d.sync_held, 1);
  ASSERT_EQ(d.per_day.size(), 30u);
  std::vector<int64_t> expected(30, 0);
  // 02-12, 02-13, 02-18, 02-24, 03-02, 03-03, 03-05, 03-09, 03-10
  for (int i : {3, 4, 9, 15, 21, 22, 24, 28, 29}) expected[i] = 1;
  EXPECT_EQ(d.per_day, expected);
}

TEST_F(ReportsTest, Dashboard7DaysAndLocalDayBoundary) {
  // Window 03-04 .. 03-10: C5 C6 C7. C10 at 03-03 23:59 (+08:00) is the day before.
  Dashboard d = reports->dashboard(7);
  EXPECT_EQ(d.received, 3);
  EXPECT_EQ(d.settled, 1);
  EXPECT_EQ(d.not_settled, 0);
  EXPECT_NEAR(d.settlement_rate.value_or(-1), 1.0, 1e-9);
  EXPECT_EQ(d.on_time_base, 2);  // C5, C7 concluded; C6 open and not due yet
  EXPECT_EQ(d.on_time, 2);
  EXPECT_EQ(d.first_responses, 0);
  EXPECT_FALSE(d.median_first_response_minutes.has_value());
  EXPECT_FALSE(d.average_satisfaction.has_value());
  EXPECT_EQ(d.compensation_count, 1);  // C4's, paid 03-09 (filed earlier)
  EXPECT_EQ(d.compensation_fen, 5000);
  EXPECT_EQ(d.overdue_now, 2);
  EXPECT_EQ(d.per_day, (std::vector<int64_t>{0, 1, 0, 0, 0, 1, 1}));
}

TEST_F(ReportsTest, Dashboard90Days) {
  // 2025-12-11 .. 2026-03-10 adds C8 (open, overdue) to the 30-day set.
  Dashboard d = reports->dashboard(90);
  EXPECT_EQ(d.received, 10);
  EXPECT_EQ(d.open, 5);
  EXPECT_EQ(d.on_time_base, 7);
  EXPECT_EQ(d.on_time, 4);
  EXPECT_NEAR(d.on_time_rate.value_or(-1), 4.0 / 7.0, 1e-9);
  EXPECT_NEAR(*d.settlement_rate, 3.0 / 4.0, 1e-9);
  ASSERT_EQ(d.per_day.size(), 90u);
  int64_t sum = 0;
  for (auto n : d.per_day) sum += n;
  EXPECT_EQ(sum, 10);
  EXPECT_EQ(d.per_day[40], 1);  // 2026-01-20 is day 40 after 2025-12-11
}

TEST_F(ReportsTest, ListFiltersSortedByDeadline) {
  EXPECT_EQ(keys_of(reports->list({ListFilter::open, "", 500})), (Keys{"C8", "C3", "C4", "C10", "C6"}));
  EXPECT_EQ(keys_of(reports->list({ListFilter::overdue, "", 500})), (Keys{"C8", "C3"}));
  // Closed ones newest first (open ones above: most urgent first).
  EXPECT_EQ(keys_of(reports->list({ListFilter::settled, "", 500})), (Keys{"C7", "C11", "C1", "C9"}));
  EXPECT_EQ(keys_of(reports->list({ListFilter::not_settled, "", 500})), (Keys{"C2"}));
  EXPECT_EQ(keys_of(reports->list({ListFilter::held, "", 500})), (Keys{"C6"}));
  EXPECT_EQ(keys_of(reports->list({ListFilter::all, "", 500})),
            (Keys{"C7", "C6", "C5", "C10", "C4", "C11", "C3", "C2", "C1", "C8", "C9"}));
  EXPECT_EQ(reports->list({ListFilter::all, "", 3}).size(), 3u);
  EXPECT_EQ(reports->overdue_count(), 2);
}

TEST_F(ReportsTest, RowsShowDeadlinesAndMaskedContacts) {
  auto rows = reports->list({ListFilter::all, "", 500});
  auto find = [&](const std::string& k) {
    for (const auto& r : rows)
      if (r.id == id[k]) return r;
    ADD_FAILURE() << k;
    return ComplaintRow{};
  };
  ComplaintRow c3 = find("C3");
  EXPECT_EQ(c3.due_date, "2026-03-06");
  EXPECT_TRUE(c3.deadline.overdue);
  EXPECT_EQ(c3.deadline.days_left, -2);  // Mon 03-09 and Tue 03-10 have passed
  EXPECT_EQ(c3.name_masked, "张*");
  EXPECT_EQ(c3.phone_masked, "138****1234");
  EXPECT_EQ(c3.outcome, "open");
  EXPECT_EQ(c3.status, "in_progress");
  ComplaintRow c4 = find("C4");
  EXPECT_EQ(c4.due_date, "2026-03-16");
  EXPECT_EQ(c4.deadline.days_left, 4);  // 03-11, 12, 13, 16
  EXPECT_FALSE(c4.deadline.due_soon);
  EXPECT_EQ(c4.name_masked, "欧***");
  EXPECT_EQ(c4.phone_masked, "139****5678");
  ComplaintRow c7 = find("C7");
  EXPECT_EQ(c7.outcome, "settled");
  EXPECT_EQ(c7.platform_status, "settled");
  EXPECT_EQ(c7.case_no, "3201002026031000007");
  EXPECT_EQ(c7.sync_state, "delivered");
  ComplaintRow c6 = find("C6");
  EXPECT_TRUE(c6.held);
  EXPECT_EQ(c6.sync_state, "held");
  for (const auto& r : rows) {
    EXPECT_EQ(r.name_masked.find("张三"), std::string::npos);
    EXPECT_EQ(r.phone_masked.find("1381234"), std::string::npos);
    EXPECT_FALSE(r.deadline.estimated) << r.ticket;
  }
}

TEST_F(ReportsTest, SearchByTicketPhoneAndCaseNumber) {
  EXPECT_EQ(keys_of(reports->list({ListFilter::all, "5678", 500})), (Keys{"C4"}));
  EXPECT_EQ(keys_of(reports->list({ListFilter::all, ticket["C3"], 500})), (Keys{"C3"}));
  EXPECT_EQ(ticket["C3"], "A01-260218-0001");
  EXPECT_EQ(keys_of(reports->list({ListFilter::all, " a01-260302 ", 500})), (Keys{"C4"}));
  EXPECT_EQ(keys_of(reports->list({ListFilter::all, "3201002026031000007", 500})), (Keys{"C7"}));
  // Four digits also find the number at the end of a ticket read aloud.
  EXPECT_EQ(reports->list({ListFilter::all, "0001", 500}).size(), 11u);
  // The filter still applies to a search.
  EXPECT_EQ(keys_of(reports->list({ListFilter::overdue, "1234", 500})), (Keys{"C8", "C3"}));
  EXPECT_TRUE(reports->list({ListFilter::all, "9999", 500}).empty());
  EXPECT_TRUE(reports->list({ListFilter::all, "'; DROP TABLE complaints; --", 500}).empty());
  EXPECT_EQ(reports->list({ListFilter::all, "", 500}).size(), 11u);
}

TEST_F(ReportsTest, DetailHasEverythingAndATimeline) {
  auto d = reports->detail(id["C1"]);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->complaint.consumer.name, "张三");  // in full, for the detail screen only
  EXPECT_EQ(d->complaint.consumer.phone, "13812341234");
  EXPECT_EQ(d->row.name_masked, "张*");
  EXPECT_TRUE(d->has_first_response);
  std::vector<std::string> kinds;
  for (const auto& t : d->timeline) kinds.push_back(t.source + ":" + t.kind);
  EXPECT_EQ(kinds, (std::vector<std::string>{"local:submitted", "local:first_response", "local:compensation_prepaid",
                                             "local:settled", "local:satisfaction"}));
  EXPECT_EQ(d->timeline[1].staff_id, "s01");
  EXPECT_EQ(d->timeline[1].method, "on_site");
  EXPECT_EQ(d->timeline[1].data.note, "已联系商家");
  EXPECT_EQ(d->timeline[2].data.amount_fen.value_or(0), 20000);
  EXPECT_EQ(d->timeline[4].data.score, 4);
  EXPECT_EQ(d->timeline[1].sync_state, "pending");

  auto d7 = reports->detail(id["C7"]);
  ASSERT_TRUE(d7.has_value());
  ASSERT_EQ(d7->timeline.size(), 2u);
  EXPECT_EQ(d7->timeline[0].sync_state, "delivered");
  EXPECT_EQ(d7->timeline[1].source, "platform");
  EXPECT_EQ(d7->timeline[1].kind, "settled");
  EXPECT_EQ(d7->timeline[1].note, "调解成功");
  EXPECT_FALSE(d7->has_first_response);

  auto d6 = reports->detail(id["C6"]);
  ASSERT_TRUE(d6.has_value());
  EXPECT_EQ(d6->timeline[0].sync_state, "held");
  EXPECT_NE(d6->timeline[0].sync_error.find("credit_code"), std::string::npos);
  EXPECT_FALSE(reports->detail("no-such-id").has_value());
}

TEST_F(ReportsTest, HeldItemsNameTicketAndReason) {
  auto held = reports->held_items();
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0].ticket, ticket["C6"]);
  EXPECT_EQ(held[0].kind, "complaint");
  EXPECT_NE(held[0].reason.find("credit_code"), std::string::npos);
}

std::string read_all(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST_F(ReportsTest, ExportMasksPersonalDataUnlessAskedFor) {
  const int64_t audit_before = store->verify_audit().records;
  ExportRequest req;
  req.from_day = D("2026-02-09");
  req.to_day = D("2026-03-10");
  req.dir = (dir / "usb").string();
  req.staff_id = "s01";
  ExportResult r = reports->export_period(req);
  EXPECT_EQ(r.complaints, 9);
  std::string csv = read_all(r.csv_path), json = read_all(r.json_path);
  // Chinese headers for the clerk, each with its field name.
  EXPECT_EQ(csv.rfind("\xEF\xBB\xBF工单号 ticket,平台案件号 case_no,", 0), 0u) << csv.substr(0, 80);
  EXPECT_NE(csv.find(",联系电话 consumer_phone,"), std::string::npos);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 10);  // header + 9
  for (const std::string& text : {csv, json}) {
    EXPECT_EQ(text.find("张三"), std::string::npos);
    EXPECT_EQ(text.find("13812341234"), std::string::npos);
    EXPECT_EQ(text.find("北京东路"), std::string::npos);
    EXPECT_EQ(text.find("起球"), std::string::npos);
    EXPECT_NE(text.find("138****1234"), std::string::npos);
    EXPECT_NE(text.find(ticket["C3"]), std::string::npos);
    EXPECT_EQ(text.find(ticket["C9"]), std::string::npos) << "outside the period";
  }
  auto doc = nlohmann::json::parse(json);
  EXPECT_FALSE(doc["personal_data"].get<bool>());
  ASSERT_EQ(doc["complaints"].size(), 9u);
  EXPECT_EQ(doc["complaints"][0]["complaint"]["ticket"], ticket["C1"]);
  EXPECT_EQ(doc["complaints"][0]["events"].size(), 4u);
  struct stat st {};
  ASSERT_EQ(stat(r.csv_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  now += 1000;  // a second later: a new pair of files
  req.include_personal = true;
  ExportResult full = reports->export_period(req);
  EXPECT_NE(full.csv_path, r.csv_path);
  std::string full_csv = read_all(full.csv_path);
  EXPECT_NE(full_csv.find("张三"), std::string::npos);
  EXPECT_NE(full_csv.find("13812341234"), std::string::npos);
  EXPECT_TRUE(nlohmann::json::parse(read_all(full.json_path))["personal_data"].get<bool>());
  EXPECT_EQ(store->verify_audit().records, audit_before + 2);

  req.dir = "/proc/no-such-folder";
  EXPECT_THROW(reports->export_period(req), StoreError);
}

TEST(Masking, PhonesAndNames) {
  EXPECT_EQ(mask_phone("13812341234"), "138****1234");
  EXPECT_EQ(mask_phone("12345"), "*2345");
  EXPECT_EQ(mask_phone(""), "");
  EXPECT_EQ(mask_name("王芳"), "王*");
  EXPECT_EQ(mask_name("王"), "王*");
  EXPECT_EQ(mask_name("Li Lei"), "L*****");
  EXPECT_EQ(mask_name(""), "");
}

}  // namespace
}  // namespace odr
