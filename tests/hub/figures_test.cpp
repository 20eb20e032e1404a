// The dashboard's figures (hub/figures.h) over a seeded PostgreSQL: the seed
// goes in through a real odr-hub (signed batches, so the deadlines come
// from the hub's calendar code and config/workdays), then every figure is
// worked out by hand below and asserted, per store, region, chain and in
// each scope (no store's data in another store's or region's scope).
//
// The seed. Stores S001 (南京新街口店) and S002 (上海徐汇店) in region east
// (华东), S003 (成都春熙路店) in west (西南); kiosks k1, k2, k3 one each.
// Period: [2026-09-28 00:00, 2026-10-10 00:00) China time. "Now": 2026-10-21
// 12:00 (Wednesday).
//
// The deadline of a complaint filed Wed 2026-09-30 (day 0): 国庆 is 10-01
// to 10-07 off, Sat 10-10 an adjusted working day, so working days 1..10
// are 10-08, 10-09, 10-10, 10-12, 13, 14, 15, 16, 19, 20: due 2026-10-20
// (Monday to Friday alone would say 10-14). Filed Sun 09-27: 09-28, 29, 30,
// 10-08, 09, 10, 12, 13, 14, 15: due 10-15. Filed Fri 10-09: 10-10, 12, 13,
// 14, 15, 16, 19, 20, 21, 22: due 10-22.
//
//  S001 a1 filed 09-30: desk settled 09-30 (no platform status): on the spot, on time; satisfaction 5;
//          compensation 500.00 yuan
//       a2 filed 09-30: platform accepted 10-08, mediating 10-12, settled 10-21: through the platform,
//          late (10-21 > 10-20); satisfaction 3
//       a3 filed 09-30: platform accepted 10-08, desk not_settled 10-15: not settled, on time;
//          satisfaction 1 then 2 (the latest counts)
//       a4 filed 09-30: platform mediating 10-09, case GZ-4: open, deadline 10-20 < today: late;
//          on the board with -1 working day (10-21 is a working day past 10-20)
//       a5 filed 09-30: withdrawn 10-02: on time, in no settlement count; compensation 200.00 + 300.00
//       a6 filed 10-10 09:00 (after the period): desk settled; in no figure, not open
//       a7 filed 09-27 23:59 (before the period): open, due 10-15: on the board with -4
//          (10-16, 19, 20, 21), in no period figure
//  S002 b1 filed 09-30: platform accepted 09-30 11:30, desk settled 09-30 12:00: through the platform
//          (the platform had it first), on time; satisfaction 4
//       b2 filed 10-09: open, due 10-22: neither on time nor late; on the board with +1
//  S003 c1 filed 09-30: desk settled 09-30: on the spot, on time; satisfaction 5; compensation 999.00
//       c2 filed 09-30: platform not_settled 10-12: not settled, on time
//       c3 filed 09-30: open, due 10-20: late; on the board with -1

#include <gtest/gtest.h>

#include <memory>

#include "chain_seed.h"
#include "hub/figures.h"
#include "hub_env.h"
#include "hub/pg.h"
#include "hub/schema.h"
#include "model/json.h"
#include "protocol/heartbeat.h"
#include "support/samples.h"
#include "util/time.h"
#include "util/uuid.h"

namespace {

using nlohmann::json;
using odr::hub::Figures;
using odr::hub::FigureReport;
using odr::hub::Scope;
using namespace odr::test;

class FiguresTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite() {
    db.reset();
    env.reset();
  }
  static FigureReport report(const Scope& s) {
    return odr::hub::period_figures(
        *db, s, {unix_of_china("2026-09-28T00:00:00"), unix_of_china("2026-10-10T00:00:00")}, now_s);
  }

  static inline std::unique_ptr<HubEnv> env;
  static inline std::unique_ptr<odr::hub::PgConn> db;
  static inline std::map<std::string, std::string> id;  // a1 ... -> complaint id
  static inline const int64_t now_s = unix_of_china("2026-10-21T12:00:00");
};

void FiguresTest::SetUpTestSuite() {
  env = std::make_unique<HubEnv>("FiguresTest");
  add_three_stores(*env);
  seed_figures(*env, env->start(), id);
  db = std::make_unique<odr::hub::PgConn>(env->url);
}

// Every count of one Figures, in one line for a readable failure.
std::string shape(const Figures& f) {
  std::string s = "received=" + std::to_string(f.received) + " spot=" + std::to_string(f.settled_on_spot) +
                  " platform=" + std::to_string(f.settled_platform) + " not=" + std::to_string(f.not_settled) +
                  " on_time=" + std::to_string(f.on_time) + " late=" + std::to_string(f.late) + " sat=";
  for (int64_t n : f.satisfaction) s += std::to_string(n) + ",";
  return s + " comp=" + std::to_string(f.compensation_count) + "/" + std::to_string(f.compensation_fen);
}

TEST_F(FiguresTest, TheDeadlineCrossesNationalDayByTheCalendar) {
  EXPECT_EQ(env->sql("SELECT deadline FROM complaints WHERE id = '" + id["a1"] + "'"), "2026-10-20");
  EXPECT_EQ(env->sql("SELECT deadline FROM complaints WHERE id = '" + id["a7"] + "'"), "2026-10-15");
  EXPECT_EQ(env->sql("SELECT deadline FROM complaints WHERE id = '" + id["b2"] + "'"), "2026-10-22");
}

TEST_F(FiguresTest, ChainWidePerStorePerRegionAndTotal) {
  const FigureReport r = report({});
  ASSERT_EQ(r.stores.size(), 3u);
  EXPECT_EQ(r.stores[0].store_id, "S001");
  EXPECT_EQ(r.stores[0].store_name, "南京新街口店");
  EXPECT_EQ(shape(r.stores[0].f), "received=5 spot=1 platform=1 not=1 on_time=3 late=2 sat=0,1,1,0,1, comp=3/100000");
  EXPECT_EQ(shape(r.stores[1].f), "received=2 spot=0 platform=1 not=0 on_time=1 late=0 sat=0,0,0,1,0, comp=0/0");
  EXPECT_EQ(shape(r.stores[2].f), "received=3 spot=1 platform=0 not=1 on_time=2 late=1 sat=0,0,0,0,1, comp=1/99900");
  ASSERT_EQ(r.regions.size(), 2u);
  EXPECT_EQ(r.regions[0].region_id, "east");
  EXPECT_EQ(r.regions[0].region_name, "华东");
  EXPECT_EQ(shape(r.regions[0].f), "received=7 spot=1 platform=2 not=1 on_time=4 late=2 sat=0,1,1,1,1, comp=3/100000");
  EXPECT_EQ(shape(r.regions[1].f), shape(r.stores[2].f));
  EXPECT_EQ(shape(r.chain), "received=10 spot=2 platform=2 not=2 on_time=6 late=3 sat=0,1,1,1,2, comp=4/199900");
  // 和解率 = settled / (settled + not settled): S001 2 / 3; on time 3 / 5; satisfaction (2 + 3 + 5) / 3.
  EXPECT_DOUBLE_EQ(*r.stores[0].f.settlement_rate(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(*r.stores[0].f.on_time_rate(), 3.0 / 5.0);
  EXPECT_DOUBLE_EQ(*r.stores[0].f.satisfaction_mean(), 10.0 / 3.0);
  EXPECT_DOUBLE_EQ(*r.regions[0].f.settlement_rate(), 3.0 / 4.0);
  EXPECT_DOUBLE_EQ(*r.chain.settlement_rate(), 4.0 / 6.0);
  EXPECT_DOUBLE_EQ(*r.chain.on_time_rate(), 6.0 / 9.0);
  EXPECT_DOUBLE_EQ(*r.chain.satisfaction_mean(), 19.0 / 5.0);
}

TEST_F(FiguresTest, AStoreOrRegionScopeHoldsNothingOfAnother) {
  const FigureReport s1 = report({"", "S001"});
  ASSERT_EQ(s1.stores.size(), 1u);
  ASSERT_EQ(s1.regions.size(), 1u);
  EXPECT_EQ(shape(s1.chain), "received=5 spot=1 platform=1 not=1 on_time=3 late=2 sat=0,1,1,0,1, comp=3/100000");
  EXPECT_EQ(shape(s1.regions[0].f), shape(s1.chain));  // east here is S001 alone, not S002
  const FigureReport west = report({"west", ""});
  ASSERT_EQ(west.stores.size(), 1u);
  EXPECT_EQ(west.stores[0].store_id, "S003");
  EXPECT_EQ(shape(west.chain), "received=3 spot=1 platform=0 not=1 on_time=2 late=1 sat=0,0,0,0,1, comp=1/99900");
  const FigureReport none = report({"", "S404"});
  EXPECT_TRUE(none.stores.empty());
  EXPECT_EQ(none.chain.received, 0);
  EXPECT_FALSE(none.chain.settlement_rate().has_value());
}

// The pages ask for whole China-local days (the rollup); anyone else may
// ask for any second. The part days must be counted too, complaint by
// complaint, or a6 (10-10 09:00) and a7 (09-27 23:59) would go missing.
TEST_F(FiguresTest, APeriodOffDayBoundariesCountsItsPartDays) {
  const auto chain = [](const std::string& from, const std::string& to, const Scope& s = {}) {
    return shape(odr::hub::period_figures(*db, s, {unix_of_china(from), unix_of_china(to)}, now_s).chain);
  };
  // A tail: + a6, settled at the desk on the spot, on time.
  EXPECT_EQ(chain("2026-09-28T00:00:00", "2026-10-10T09:30:00", {"", "S001"}),
            "received=6 spot=2 platform=1 not=1 on_time=4 late=2 sat=0,1,1,0,1, comp=3/100000");
  // A head: + a7, open past its deadline (10-15): late.
  EXPECT_EQ(chain("2026-09-27T23:00:00", "2026-10-10T00:00:00", {"", "S001"}),
            "received=6 spot=1 platform=1 not=1 on_time=3 late=3 sat=0,1,1,0,1, comp=3/100000");
  // Both ends inside one day: no whole day at all; b2 alone (open, due 10-22).
  EXPECT_EQ(chain("2026-10-09T09:00:00", "2026-10-09T11:00:00"),
            "received=1 spot=0 platform=0 not=0 on_time=0 late=0 sat=0,0,0,0,0, comp=0/0");
  // Part days that hold nothing change nothing.
  EXPECT_EQ(chain("2026-09-27T23:59:30", "2026-10-10T08:00:00"), shape(report({}).chain));
}

// Intake appends a row to the rollup per statement and store-day; the
// rows must always add up to the complaints themselves (counted here
// straight from their facts), before and after compaction, and a change
// that moves no figure (the retention purge) leaves nothing after compaction.
TEST_F(FiguresTest, TheRollupAddsUpToTheComplaintsBeforeAndAfterCompaction) {
  const std::string recount = env->sql(
      "SELECT string_agg(concat_ws(',', store_id, day, n, spot, sat, comp, open), ' ' ORDER BY store_id, day) FROM ("
      " SELECT store_id, (filed_at AT TIME ZONE 'Asia/Shanghai')::date AS day, count(*) AS n,"
      " count(*) FILTER (WHERE desk_settled_at < coalesce(first_platform_at, 'infinity')) AS spot,"
      " count(satisfaction) AS sat, sum(compensation_fen) AS comp, count(*) FILTER (WHERE outcome_at IS NULL) AS open"
      " FROM complaints GROUP BY 1, 2) x");
  const std::string rollup_sql =
      "SELECT string_agg(concat_ws(',', store_id, day, n, spot, sat, comp, open), ' ' ORDER BY store_id, day) FROM ("
      " SELECT store_id, day, sum(received) AS n, sum(on_spot) AS spot, sum(s1 + s2 + s3 + s4 + s5) AS sat,"
      " sum(comp_fen) AS comp, sum(open) AS open FROM store_day_figures GROUP BY 1, 2) x";
  const std::string before = shape(report({}).chain);
  ASSERT_NE(recount, "");
  EXPECT_EQ(env->sql(rollup_sql), recount);
  const int64_t rows = env->count("store_day_figures");
  const int64_t days = std::stoll(env->sql("SELECT count(*) FROM (SELECT DISTINCT store_id, day, deadline FROM store_day_figures) d"));
  EXPECT_GT(rows, days);  // the seed's inserts and folds each added rows
  EXPECT_EQ(odr::hub::compact_figures(*db), rows - days);
  EXPECT_EQ(env->count("store_day_figures"), days);
  EXPECT_EQ(env->sql(rollup_sql), recount);
  EXPECT_EQ(shape(report({}).chain), before);
  EXPECT_EQ(odr::hub::compact_figures(*db), 0);
  env->sql("UPDATE complaints SET consumer_phone = NULL");
  EXPECT_EQ(env->sql(rollup_sql), recount);
  odr::hub::compact_figures(*db);
  EXPECT_EQ(env->count("store_day_figures"), days);
  EXPECT_EQ(env->sql(rollup_sql), recount);
}

TEST_F(FiguresTest, OpenComplaintsByDaysLeftOverdueFirst) {
  const odr::WorkdayCalendar cal = odr::load_workday_calendar(std::string(std::getenv("ODR_SOURCE_DIR")) + "/config/workdays");
  const auto open = odr::hub::open_complaints(*db, {}, cal, now_s);
  std::vector<std::string> got;
  for (const auto& o : open) {
    std::string name;
    for (const auto& [n, i] : id)
      if (i == o.id) name = n;
    got.push_back(name + ":" + std::to_string(o.days_left) + ":" + o.store_id + ":" + o.status + ":" + o.case_no);
  }
  // a4 and c3 are due the same day; filed at the same minute, then by id (uuid v7: a4 first).
  EXPECT_EQ(got, (std::vector<std::string>{"a7:-4:S001:received:", "a4:-1:S001:mediating:GZ-4",
                                           "c3:-1:S003:received:", "b2:1:S002:received:"}));
  ASSERT_FALSE(open.empty());
  EXPECT_TRUE(open[0].overdue());
  EXPECT_EQ(open[0].business_name, "鲜丰超市");
  EXPECT_EQ(open[0].category_code, "G01");
  EXPECT_EQ(odr::hub::open_complaints(*db, {"", "S001"}, cal, now_s).size(), 2u);
  const auto west = odr::hub::open_complaints(*db, {"west", ""}, cal, now_s);
  ASSERT_EQ(west.size(), 1u);
  EXPECT_EQ(west[0].id, id["c3"]);
}

// The board's pages are the full list sliced, in the same order.
TEST_F(FiguresTest, OpenComplaintsPagesAreTheFullListSliced) {
  const odr::WorkdayCalendar cal = odr::load_workday_calendar(std::string(std::getenv("ODR_SOURCE_DIR")) + "/config/workdays");
  const auto ids = [](const std::vector<odr::hub::OpenComplaint>& v) {
    std::vector<std::string> out;
    for (const auto& o : v) out.push_back(o.id + ":" + std::to_string(o.days_left));
    return out;
  };
  const auto all = ids(odr::hub::open_complaints(*db, {}, cal, now_s));
  ASSERT_EQ(all.size(), 4u);
  for (auto [limit, offset] : std::vector<std::pair<int64_t, int64_t>>{{1, 0}, {2, 1}, {2, 3}, {10, 2}, {0, 2}, {3, 10}}) {
    const size_t from = std::min(all.size(), static_cast<size_t>(offset));
    const size_t to = limit == 0 ? all.size() : std::min(all.size(), from + static_cast<size_t>(limit));
    EXPECT_EQ(ids(odr::hub::open_complaints(*db, {}, cal, now_s, {limit, offset})),
              std::vector<std::string>(all.begin() + from, all.begin() + to))
        << "limit " << limit << " offset " << offset;
  }
  const auto east = ids(odr::hub::open_complaints(*db, {"east", ""}, cal, now_s));
  ASSERT_EQ(east.size(), 3u);
  EXPECT_EQ(ids(odr::hub::open_complaints(*db, {"east", ""}, cal, now_s, {1, 1})), std::vector<std::string>{east[1]});
}

std::string summary(const odr::hub::OpenSummary& s) {
  return std::to_string(s.open) + "/" + std::to_string(s.overdue) + "/" + std::to_string(s.due_soon);
}

// Worked by hand from the seed: open a7 (due 10-15), a4 and c3 (10-20), b2 (10-22).
// Wed 10-21: overdue a7, a4, c3; b2 has 1 day left. Fri 10-16: two working days
// ahead is Tue 10-20 (not Sun 10-18), so a4 and c3 are due soon, b2 (3 left) not.
// Thu 10-15: a7 is due today (0 left, due soon), nothing overdue.
TEST_F(FiguresTest, OpenSummaryCountsOverdueAndDueSoonByWorkingDays) {
  const odr::WorkdayCalendar cal = odr::load_workday_calendar(std::string(std::getenv("ODR_SOURCE_DIR")) + "/config/workdays");
  EXPECT_EQ(summary(odr::hub::open_summary(*db, {}, cal, now_s)), "4/3/1");
  EXPECT_EQ(summary(odr::hub::open_summary(*db, {}, cal, unix_of_china("2026-10-16T12:00:00"))), "4/1/2");
  EXPECT_EQ(summary(odr::hub::open_summary(*db, {}, cal, unix_of_china("2026-10-15T09:00:00"))), "4/0/1");
  EXPECT_EQ(summary(odr::hub::open_summary(*db, {"", "S001"}, cal, now_s)), "2/2/0");
  EXPECT_EQ(summary(odr::hub::open_summary(*db, {"east", ""}, cal, now_s)), "3/2/1");
  EXPECT_EQ(summary(odr::hub::open_summary(*db, {"west", ""}, cal, now_s)), "1/1/0");
  EXPECT_EQ(summary(odr::hub::open_summary(*db, {"", "S404"}, cal, now_s)), "0/0/0");
  // The same counts as the board's own days_left, for each "now" above.
  for (int64_t t : {now_s, unix_of_china("2026-10-16T12:00:00"), unix_of_china("2026-10-15T09:00:00")}) {
    odr::hub::OpenSummary want;
    for (const auto& o : odr::hub::open_complaints(*db, {}, cal, t)) {
      want.open++;
      want.overdue += o.overdue();
      want.due_soon += o.days_left >= 0 && o.days_left <= 2;
    }
    EXPECT_EQ(summary(odr::hub::open_summary(*db, {}, cal, t)), summary(want)) << t;
  }
}

TEST_F(FiguresTest, KiosksSilentTooLongOrHoldingItems) {
  HubProcess& h = *env->hubs.front();
  odr::Heartbeat hb;
  hb.version = "odr-kiosk 0.1.0";
  hb.outbox = {{"gateway", 4, 2}, {"hub", 0, 1}};
  ASSERT_EQ(env->post(h, "/heartbeat", odr::to_json_text(hb), "k1").status, 200);
  hb.outbox = {{"gateway", 0, 0}};
  ASSERT_EQ(env->post(h, "/heartbeat", odr::to_json_text(hb), "k2").status, 200);
  const int64_t now = odr::now_unix_s();
  auto names = [](const std::vector<odr::hub::KioskAlert>& v) {
    std::string s;
    for (const auto& a : v) s += a.kiosk_id + (a.silent ? ":silent" : ":heard") + ":" + std::to_string(a.held) + " ";
    return s;
  };
  // k1 holds 3 items; k2 is fine; k3 never sent a heartbeat.
  EXPECT_EQ(names(odr::hub::kiosk_alerts(*db, {}, 30, now)), "k1:heard:3 k3:silent:0 ");
  EXPECT_EQ(names(odr::hub::kiosk_alerts(*db, {"east", ""}, 30, now)), "k1:heard:3 ");
  // Half an hour and a minute on, all three are silent.
  EXPECT_EQ(names(odr::hub::kiosk_alerts(*db, {}, 30, now + 31 * 60)), "k1:silent:3 k2:silent:0 k3:silent:0 ");
  EXPECT_EQ(names(odr::hub::kiosk_alerts(*db, {}, 60, now + 31 * 60)), "k1:heard:3 k3:silent:0 ");
}

// A hub that ran migrations 1 and 2 holds events and updates but none of
// the folded facts: migration 3 (and 4) must fold them as intake does.
TEST(FiguresMigration, OlderDatabasesAreBackfilled) {
  HubEnv env("FiguresMigration");
  const std::string url = env.pg->create_database("old");
  {
    odr::hub::PgConn c(url);
    c.exec_script("CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL,"
                  " applied_at timestamptz NOT NULL DEFAULT now())");
    for (int v : {1, 2}) {
      c.exec_script(odr::hub::migrations()[static_cast<size_t>(v - 1)].sql);
      c.exec("INSERT INTO schema_migrations (version, name) VALUES ($1, 'old')", {std::to_string(v)});
    }
  }
  auto sql = [&](const std::string& q) { return odr::test::psql(url, q); };
  sql("INSERT INTO regions (id) VALUES ('east'); INSERT INTO stores (id, region_id) VALUES ('S001', 'east');"
      "INSERT INTO kiosks (id, store_id, key) VALUES ('k1', 'S001', decode(repeat('ab', 32), 'hex'))");
  const std::string a = odr::uuid_v7(), b = odr::uuid_v7();
  for (const std::string& id : {a, b})
    sql("INSERT INTO complaints (id, kiosk_id, store_id, ticket, filed_at, channel, business_name, business_credit_code,"
        " business_region_code, category_kind, category_code, problems, purchase_amount_fen, demand_types, deadline,"
        " deadline_estimated, personal_policy, payload) VALUES ('" + id + "', 'k1', 'S001', 'T-" + id.substr(24) +
        "', '2026-09-30 10:00+08', 'self_service', 'b', 'c', '320106', 'goods', 'G01', '{x}', 1, '{refund}', "
        "'2026-10-20', false, 'none', '{}')");
  auto ev = [&](const std::string& type, const std::string& at, const std::string& data) {
    sql("INSERT INTO events (id, complaint_id, kiosk_id, type, at, payload) VALUES ('" + odr::uuid_v7() + "', '" + a +
        "', 'k1', '" + type + "', '" + at + "', '{\"data\": " + data + "}')");
  };
  ev("settled", "2026-10-21 01:00+08", "{\"amount_fen\": 100}");  // 10-21 in China, 10-20 in UTC
  ev("satisfaction", "2026-10-21 02:00+08", "{\"score\": 2}");
  ev("satisfaction", "2026-10-22 02:00+08", "{\"score\": 4}");
  ev("compensation_prepaid", "2026-10-01 02:00+08", "{\"amount_fen\": 3000}");
  ev("compensation_prepaid", "2026-10-02 02:00+08", "{\"amount_fen\": 2500}");
  for (const auto& [status, at] : {std::pair{"mediating", "2026-10-12 09:00+08"}, std::pair{"accepted", "2026-10-08 09:00+08"}})
    sql("INSERT INTO platform_updates (id, complaint_id, kiosk_id, status, at) VALUES ('" + odr::uuid_v7() + "', '" + a +
        "', 'k1', '" + status + "', '" + at + "')");
  std::string out;
  env.url = url;
  ASSERT_EQ(env.run_hub({"migrate", "--config", env.write_config()}, &out), 0) << out;
  const std::string facts =
      "SELECT coalesce(desk_settled_at::text, '-') || '|' || desk_not_settled || '|' || coalesce(platform_status, '-') ||"
      " '|' || coalesce(first_platform_at::text, '-') || '|' || coalesce(outcome_day::text, '-') || '|' ||"
      " coalesce(satisfaction::text, '-') || '|' || compensation_count || '|' || compensation_fen FROM complaints WHERE id = '";
  EXPECT_EQ(sql("SET TIME ZONE 'Asia/Shanghai'; " + facts + a + "'"),
            "2026-10-21 01:00:00+08|false|mediating|2026-10-08 09:00:00+08|2026-10-21|4|2|5500");
  EXPECT_EQ(sql(facts + b + "'"), "-|false|-|-|-|-|0|0");
  // Migration 8 rolls up what is there: a settled through the platform (it had the case first),
  // late (10-21 > 10-20), its latest score 4.
  EXPECT_EQ(sql("SELECT concat_ws('|', store_id, day, deadline, received, on_spot, via_platform, late, s4, comp_n, comp_fen,"
                " open) FROM store_day_figures"),
            "S001|2026-09-30|2026-10-20|2|0|1|1|1|2|5500|1");
}

}  // namespace
