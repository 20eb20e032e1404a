// Staff actions go through the store as events: each one is in the events
// table, queued in the outbox in order, and in the audit log with who did it.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "reports/reports.h"
#include "staff/staff_actions.h"
#include "store/store.h"
#include "support/samples.h"
#include "support/temp.h"
#include "util/time.h"

namespace odr {
namespace {

namespace fs = std::filesystem;

// The shared sample (support/samples.h), bought and agreed to just before
// this test's clock (its own dates are later).
Complaint a_complaint() {
  Complaint c = test::sample_complaint();
  c.purchase.date = "2026-03-01";
  c.consent.accepted_at = "2026-03-02T09:58:00+08:00";
  return c;
}

std::vector<std::string> column(Store& store, const char* sql) {
  std::vector<std::string> out;
  sqlite3_stmt* s = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(store.handle(), sql, -1, &s, nullptr), SQLITE_OK);
  while (sqlite3_step(s) == SQLITE_ROW) out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
  sqlite3_finalize(s);
  return out;
}

TEST(StaffActions, EachActionIsAnEventInTheOutboxAndTheAudit) {
  const fs::path dir = test::fresh_dir("staff_actions");
  int64_t now = *parse_rfc3339("2026-03-02T10:00:00+08:00") * 1000;
  StoreOptions o;
  o.clock_ms = [&] { return now; };
  Store store((dir / "odr.db").string(), o);
  Reports reports(store, WorkdayCalendar{}, 10);
  const std::string id = store.submit_complaint(a_complaint()).id;
  auto outcome = [&] { return reports.detail(id)->row.outcome; };

  auto allowed = allowed_actions(outcome(), false);
  EXPECT_TRUE(allowed.first_response && allowed.settled && allowed.withdrawn);
  EXPECT_FALSE(allowed.satisfaction);

  now += 60000;
  record_first_response(store, "s01", id, "on_site", "已到场");
  EXPECT_TRUE(reports.detail(id)->has_first_response);
  EXPECT_FALSE(allowed_actions(outcome(), true).first_response);
  now += 60000;
  EXPECT_THROW(record_settled(store, "s01", id, "by_pigeon", {"refund"}, 100, ""), StoreError);
  try {
    record_settled(store, "s01", id, "on_site", {"refund"}, -5, "");
    FAIL() << "a negative amount must be refused";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.kind, StoreError::Kind::invalid);
    ASSERT_FALSE(e.fields.empty());
    EXPECT_EQ(e.fields[0].field, "data.amount_fen");
  }
  record_compensation_prepaid(store, "s01", id, "on_site", 20000, "");
  now += 60000;
  record_settled(store, "s01", id, "on_site", {"refund"}, 129900, "全额退款");
  EXPECT_EQ(outcome(), "settled");
  allowed = allowed_actions(outcome(), true);
  EXPECT_TRUE(allowed.satisfaction);
  EXPECT_FALSE(allowed.settled);
  EXPECT_FALSE(allowed.withdrawn);
  now += 60000;
  EXPECT_THROW(record_satisfaction(store, "s01", id, 6, ""), StoreError);
  record_satisfaction(store, "s01", id, 4, "");

  EXPECT_EQ(column(store, "SELECT type FROM events ORDER BY at_ms, rowid"),
            (std::vector<std::string>{"first_response", "compensation_prepaid", "settled", "satisfaction"}));
  EXPECT_EQ(column(store,
                   "SELECT e.type FROM outbox o JOIN events e ON e.id = o.ref_id "
                   "WHERE o.kind = 'event' AND o.state = 'pending' ORDER BY o.seq"),
            (std::vector<std::string>{"first_response", "compensation_prepaid", "settled", "satisfaction"}));
  EXPECT_EQ(column(store, "SELECT actor || ' ' || action FROM audit WHERE action LIKE 'event.%' ORDER BY seq"),
            (std::vector<std::string>{"staff:s01 event.first_response", "staff:s01 event.compensation_prepaid",
                                      "staff:s01 event.settled", "consumer via staff:s01 event.satisfaction"}));
  EXPECT_TRUE(store.verify_audit().ok);

  // A second complaint, withdrawn by the consumer: nothing is left to do.
  const std::string id2 = store.submit_complaint(a_complaint()).id;
  record_withdrawn(store, "s01", id2, "已自行解决");
  AllowedActions none = allowed_actions(reports.detail(id2)->row.outcome, false);
  EXPECT_FALSE(none.first_response || none.settled || none.not_settled || none.withdrawn || none.satisfaction ||
               none.compensation_prepaid);
}

}  // namespace
}  // namespace odr
