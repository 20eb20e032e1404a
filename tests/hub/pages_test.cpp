// The overview, the deadline board and the kiosks page in a real browser
// (support/browser.h), served by a real odr-hub over HTTPS from a seeded
// PostgreSQL of the test's own. The seed is figures_test.cpp's (worked out
// by hand there; chain_seed.h), sent through the hub as kiosks send it;
// the hub's pages run at "now" = 2026-10-21 12:00 China time
// (ODR_HUB_TEST_NOW). Every figure on the page is checked against the hand
// values and against SQL the test runs itself over the raw events.
//
// Period 2026-09-28 .. 2026-10-09 (custom); compared with 2026-09-16 ..
// 2026-09-27, which holds a7 alone (filed 09-27 23:59, open, due 10-15: late).
//  S001 a1 settled on the spot, on time, 5, 500.00 元; a2 via platform, late, 3; a3 not settled, on time,
//       2 (latest); a4 open, late (board -1, GZ-4); a5 withdrawn, on time, 200.00 + 300.00 元;
//       a6 after the period; a7 before it (board -4)
//  S002 b1 via platform, on time, 4; b2 open (board +1, due in 1 working day: amber)
//  S003 c1 on the spot, on time, 5, 999.00 元; c2 not settled, on time; c3 open, late (board -1)
// Chain: received 10, 和解率 4/6 = 66.7%, on time 6/9 = 66.7%, satisfaction 19/5 = 3.80 (1:0 2:1 3:1
// 4:1 5:2), compensation first 4, 1,999.00 元. Previous: received 1, on time 0/1 = 0%, nothing decided.
// Ranked worst first: 和解率 S003 50%, S001 66.7%, S002 100%; on time S001 60%, S003 66.7%, S002 100%;
// satisfaction S001 3.33, S002 4.00, S003 5.00; received S001 5, S003 3, S002 2.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "chain_seed.h"
#include "hub/accounts.h"
#include "hub_env.h"
#include "model/json.h"
#include "protocol/heartbeat.h"
#include "support/browser.h"
#include "support/samples.h"
#include "support/temp.h"
#include "util/time.h"
#include "util/uuid.h"

using namespace odr::test;
using nlohmann::json;
using odr::hub::PgConn;
using odr::hub::web::Role;

namespace {

std::string quoted(std::string s) {  // for a SQL string literal
  for (size_t i = s.find('\''); i != std::string::npos; i = s.find('\'', i + 2)) s.insert(i, 1, '\'');
  return s;
}

const char* kPeriod = "?period=custom&from=2026-09-28&to=2026-10-09";
// The shopper-written name the board must show as text (a script tag, quotes, a right-to-left override).
const std::string kNastyBusiness = "<script>alert('x')</script> \"引号\" \u202E反向";
const char* const kNastyReason = "rejected by the gateway: invalid_field <script>alert('r')</script> & <b>\"引号\"</b>";

class Pages : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite() { env.reset(); }

  void SetUp() override { shots = env->dir + "/shots"; }

  // A fresh browser (no cookie of another user), signed in as user.
  void sign_in(const std::string& user, const std::string& lang = "zh-CN") {
    BrowserOptions o;
    o.lang = lang;
    o.extra_args = {"--ignore-certificate-errors-spki-list=" + spki_pin(env->dev + "/server.pem")};
    browser = std::make_unique<Browser>(o);
    browser->navigate(base + "/login");
    browser->click("#user");
    browser->type(user);
    browser->click("#password");
    browser->type(user + " password");
    browser->click("#signin");
    browser->wait_load();
    ASSERT_EQ(browser->url(), base + "/");
  }
  std::vector<std::string> list(const std::string& js) { return browser->eval(js).get<std::vector<std::string>>(); }
  std::vector<std::string> ranked() {
    return list("[...document.querySelectorAll('#ranking tbody tr')].map(r => r.dataset.store)");
  }
  std::vector<std::string> board() {
    return list("[...document.querySelectorAll('#board tbody tr')].map(r => r.dataset.id)");
  }
  std::vector<std::string> kiosks() {
    return list("[...document.querySelectorAll('#kiosks tbody tr')].map(r => r.dataset.kiosk)");
  }
  std::vector<std::string> ids(std::initializer_list<const char*> names) {
    std::vector<std::string> v;
    for (const char* n : names) v.push_back(id[n]);
    return v;
  }
  // A list downloaded as a person does: its page's CSV link clicked, the
  // file the browser saves read back. The first three bytes as hex, then the text.
  std::pair<std::string, std::string> download_csv(const std::string& page_path, const std::string& file) {
    const std::string dir = env->dir + "/downloads-" + std::to_string(++downloads);
    std::filesystem::create_directories(dir);
    browser->call("Page.setDownloadBehavior", {{"behavior", "allow"}, {"downloadPath", dir}});
    browser->navigate(base + page_path);
    browser->click("#csv");
    const std::string path = dir + "/" + file;
    for (int i = 0; i < 200 && !std::filesystem::exists(path); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::ifstream in(path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.size() < 3) return {"", bytes};
    char hex[8];
    std::snprintf(hex, sizeof hex, "%02x%02x%02x", static_cast<unsigned char>(bytes[0]),
                  static_cast<unsigned char>(bytes[1]), static_cast<unsigned char>(bytes[2]));
    return {hex, bytes.substr(3)};
  }
  void shot(const std::string& name) { browser->screenshot(shots + "/" + name + ".png"); }

  static inline std::unique_ptr<HubEnv> env;
  static inline std::string base;
  static inline std::map<std::string, std::string> id;
  std::string shots;
  std::unique_ptr<Browser> browser;
  static inline int downloads = 0;  // each download in a folder of its own
};

void Pages::SetUpTestSuite() {
  env = std::make_unique<HubEnv>("Pages");
  add_three_stores(*env);
  {
    PgConn c(env->url);
    const odr::SecretHashCost cheap{1, 1024, 1};
    odr::hub::put_user(c, {"hq", "总部", Role::chain, "", "hq password"}, cheap);
    odr::hub::put_user(c, {"east", "华东", Role::region, "east", "east password"}, cheap);
    odr::hub::put_user(c, {"m1", "新街口店长", Role::store, "S001", "m1 password"}, cheap);
  }
  HubProcess& h = env->start({"ODR_HUB_TEST_NOW=" + std::to_string(unix_of_china("2026-10-21T12:00:00"))});
  base = "https://127.0.0.1:" + std::to_string(h.port);
  seed_figures(*env, h, id);
  env->sql("UPDATE complaints SET business_name = '" + quoted(kNastyBusiness) + "' WHERE id = '" +
           id["b2"] + "'");
  odr::Heartbeat hb;
  hb.version = "odr-kiosk 0.1.0";
  hb.outbox = {{"gateway", 4, 2}, {"hub", 0, 1}};
  hb.outbox[0].held_items = {{"complaint", "A01-261020-0007", "rejected", kNastyReason, "2026-10-21T10:02:00+08:00"},
                             {"event", "", "too_large", "larger than 1 MiB", ""}};
  hb.printer = "paper_out";
  hb.disk_free_bytes = 12LL * 1024 * 1024 * 1024;
  ASSERT_EQ(env->post(h, "/heartbeat", odr::to_json_text(hb), "k1").status, 200);
  hb.outbox = {{"gateway", 0, 0}, {"hub", 0, 0}};
  hb.printer = "ok";
  ASSERT_EQ(env->post(h, "/heartbeat", odr::to_json_text(hb), "k2").status, 200);
  std::filesystem::create_directories(env->dir + "/shots");
}

// The figures of the period, counted by the test from the raw rows (events,
// not the facts the hub folds into each complaint), for the chain.
struct SqlFigures {
  std::string received, satisfaction, compensation;
};
SqlFigures sql_figures(HubEnv& e) {
  const std::string in_period =
      "x.filed_at >= '2026-09-28 00:00+08' AND x.filed_at < '2026-10-10 00:00+08'";
  SqlFigures f;
  f.received = e.sql("SELECT count(*) FROM complaints x WHERE " + in_period);
  f.satisfaction = e.sql(
      "WITH s AS (SELECT DISTINCT ON (e.complaint_id) (e.payload->'data'->>'score')::int AS score FROM events e"
      " JOIN complaints x ON x.id = e.complaint_id WHERE e.type = 'satisfaction' AND " + in_period +
      " ORDER BY e.complaint_id, e.at DESC)"
      " SELECT to_char(avg(score), 'FM0.00') || '|' || (SELECT string_agg(n::text, ',' ORDER BY score)"
      " FROM (SELECT score, count(*) AS n FROM s GROUP BY score) g) FROM s");
  f.compensation = e.sql(
      "SELECT count(*) || '|' || to_char(sum((e.payload->'data'->>'amount_fen')::bigint) / 100.0, 'FM9,999,990.00')"
      " FROM events e JOIN complaints x ON x.id = e.complaint_id WHERE e.type = 'compensation_prepaid' AND " + in_period);
  return f;
}

// Open complaints from the raw rows: no final event and no final platform status.
std::string sql_open(HubEnv& e, const std::string& where = "true") {
  return e.sql(
      "SELECT count(*) || '|' || count(*) FILTER (WHERE x.deadline < '2026-10-21') FROM complaints x WHERE " + where +
      " AND NOT EXISTS (SELECT 1 FROM events e WHERE e.complaint_id = x.id AND e.type IN ('settled', 'not_settled', 'withdrawn'))"
      " AND NOT EXISTS (SELECT 1 FROM platform_updates u WHERE u.complaint_id = x.id"
      " AND u.status IN ('settled', 'not_settled', 'closed'))");
}

TEST_F(Pages, TheOverviewShowsTheHandWorkedFiguresAndTheSqlCounts) {
  sign_in("hq");
  EXPECT_EQ(browser->navigate(base + "/" + kPeriod), 200);
  EXPECT_EQ(browser->text("#card-received .value"), "10");
  EXPECT_EQ(browser->text("#card-settlement .value"), "66.7%");
  EXPECT_EQ(browser->text("#card-ontime .value"), "66.7%");
  EXPECT_EQ(browser->text("#card-satisfaction .value"), "3.80");
  EXPECT_EQ(browser->text("#card-comp-count .value"), "4");
  EXPECT_EQ(browser->text("#card-comp-amount .value"), "1,999.00");
  const SqlFigures q = sql_figures(*env);
  EXPECT_EQ(browser->text("#card-received .value"), q.received);
  EXPECT_EQ(q.satisfaction, "3.80|1,1,1,2") << "scores 2, 3, 4, 5 (no 1: a3's latest is 2)";
  EXPECT_EQ(browser->text("#card-satisfaction .value"), q.satisfaction.substr(0, 4));
  EXPECT_EQ(browser->text("#card-comp-count .value") + "|" + browser->text("#card-comp-amount .value"), q.compensation);
  // Against the previous period (a7 alone): more complaints is worse, a better on-time rate is better.
  EXPECT_EQ(browser->text("#card-received .delta"), "较上期 ▲ 9");
  EXPECT_TRUE(browser->exists("#card-received .delta.worse"));
  EXPECT_EQ(browser->text("#card-ontime .delta"), "较上期 ▲ 66.7 个百分点");
  EXPECT_TRUE(browser->exists("#card-ontime .delta.better"));
  EXPECT_EQ(browser->text("#card-settlement .delta"), "上期无可比数据");
  EXPECT_EQ(browser->text("#card-comp-amount .delta"), "较上期 ▲ 1,999.00 元");
  EXPECT_TRUE(browser->exists("#card-comp-amount .delta.flat")) << "paying first is neither better nor worse";
  EXPECT_EQ(browser->eval("document.querySelectorAll('#sat-chart svg rect').length").get<int>(), 5);
  EXPECT_EQ(ranked(), (std::vector<std::string>{"S003", "S001", "S002"})) << "和解率, worst first";
  shot("overview-zh");
  browser->click("#rank-ontime");
  browser->wait_load();
  EXPECT_EQ(ranked(), (std::vector<std::string>{"S001", "S003", "S002"}));
  EXPECT_NE(browser->url().find("from=2026-09-28"), std::string::npos) << "the period is kept";
  browser->click("#rank-satisfaction");
  browser->wait_load();
  EXPECT_EQ(ranked(), (std::vector<std::string>{"S001", "S002", "S003"}));
  browser->click("#rank-received");
  browser->wait_load();
  EXPECT_EQ(ranked(), (std::vector<std::string>{"S001", "S003", "S002"}));
  EXPECT_EQ(browser->navigate(base + "/" + kPeriod + "&lang=en"), 200);
  EXPECT_EQ(browser->text("#card-ontime .delta"), "▲ 66.7 points vs. the period before");
  shot("overview-en");
  browser->click("header a[href^='/deadlines']");
  browser->wait_load();
  EXPECT_NE(browser->text("h1").find("Deadlines"), std::string::npos) << "the top bar keeps the language";
  // On paper: no top bar, no form; the charts keep their colours.
  browser->navigate(base + "/" + kPeriod);
  browser->call("Emulation.setEmulatedMedia", {{"media", "print"}});
  EXPECT_EQ(browser->eval("getComputedStyle(document.querySelector('header')).display").get<std::string>(), "none");
  EXPECT_EQ(browser->eval("getComputedStyle(document.querySelector('#period-form')).display").get<std::string>(), "none");
  EXPECT_TRUE(browser->exists("#rank-chart svg rect[fill='#c01c28']"));
  shot("overview-print");
  EXPECT_EQ(browser->eval("document.scripts.length").get<int>(), 0);
  EXPECT_TRUE(browser->page_errors().empty());
}

TEST_F(Pages, APeriodIsChosenByTheFormAndBadDatesAreTold) {
  sign_in("hq");
  browser->navigate(base + "/");
  browser->eval("document.querySelector('#period').value = 'custom'");
  browser->click("#from");
  browser->eval("document.querySelector('#from').value = '2026-10-09'; document.querySelector('#to').value = '2026-09-28'");
  browser->click("#show");
  EXPECT_EQ(browser->wait_load(), 400);
  EXPECT_EQ(browser->text("#period-error"), "结束日期早于开始日期。");
  shot("overview-bad-dates");
  EXPECT_EQ(browser->navigate(base + "/?period=custom&from=2026-02-30&to=2026-03-01"), 400);
  EXPECT_NE(browser->text("#period-error").find("日期不对"), std::string::npos);
  EXPECT_EQ(browser->navigate(base + "/?period=week"), 200);
  EXPECT_NE(browser->text("#period-line").find("2026-10-19 至 2026-10-21"), std::string::npos) << "Monday to today";
}

TEST_F(Pages, TheDeadlineBoardPutsOverdueFirstWithItsCounts) {
  sign_in("hq");
  EXPECT_EQ(browser->navigate(base + "/deadlines"), 200);
  EXPECT_EQ(board(), ids({"a7", "a4", "c3", "b2"}));
  EXPECT_EQ(list("[...document.querySelectorAll('#board tbody tr')].map(r => r.className)"),
            (std::vector<std::string>{"overdue", "overdue", "overdue", "soon"}));
  EXPECT_EQ(browser->text("#count-overdue .value") + " " + browser->text("#count-soon .value") + " " +
                browser->text("#count-open .value"),
            "3 1 4");
  EXPECT_EQ(sql_open(*env), browser->text("#count-open .value") + "|" + browser->text("#count-overdue .value"));
  const std::string first = browser->text("#board tbody tr:first-child");
  for (const char* want : {"逾期 4 个工作日", "南京新街口店", "鲜丰超市", "已登记", "2026-09-27", "2026-10-15"})
    EXPECT_NE(first.find(want), std::string::npos) << want << " in " << first;
  EXPECT_NE(browser->text("#board tbody tr:nth-child(2)").find("GZ-4"), std::string::npos);
  EXPECT_NE(browser->text("#board tbody tr:nth-child(2)").find("调解中"), std::string::npos);
  // The shopper-written name is text: its tag, quotes and right-to-left override change nothing.
  EXPECT_NE(browser->text("#board tbody tr:nth-child(4)").find("<script>alert('x')</script> \"引号\""), std::string::npos);
  EXPECT_EQ(browser->eval("document.scripts.length").get<int>(), 0);
  EXPECT_EQ(browser->eval("document.querySelectorAll('#board tbody tr:nth-child(4) bdi').length").get<int>(), 3) << "the store, the business and the ticket's link";
  EXPECT_EQ(browser->eval("document.querySelector('#board tbody tr:nth-child(4) td:nth-child(3) bdi').textContent")
                .get<std::string>(), kNastyBusiness);
  shot("deadlines-zh");
  EXPECT_EQ(browser->navigate(base + "/deadlines?lang=en"), 200);
  EXPECT_NE(browser->text("#board tbody tr:first-child").find("4 working days overdue"), std::string::npos);
  EXPECT_NE(browser->text("#board tbody tr:nth-child(2)").find("1 working day overdue"), std::string::npos);
  shot("deadlines-en");
  EXPECT_TRUE(browser->page_errors().empty());
}

TEST_F(Pages, EachListDownloadsAsCsvWithABomChineseHeadersAndTheRowsShown) {
  sign_in("hq");
  browser->navigate(base + "/deadlines");
  const std::vector<std::string> tickets = list("[...document.querySelectorAll('#board tbody tr td:nth-child(7)')].map(t => t.textContent)");
  auto [bom, csv] = download_csv("/deadlines", "deadlines-2026-10-21.csv");
  EXPECT_EQ(bom, "efbbbf");
  EXPECT_EQ(csv.substr(0, csv.find("\r\n")), "剩余工作日,门店,被投诉经营者,类别,平台状态,平台案件号,工单号,登记日期,处理期限");
  std::vector<std::string> csv_tickets;
  for (size_t at = csv.find("\r\n") + 2; at < csv.size(); at = csv.find("\r\n", at) + 2) {
    const std::string line = csv.substr(at, csv.find("\r\n", at) - at);
    for (const std::string& t : tickets)
      if (line.find("," + t + ",") != std::string::npos) csv_tickets.push_back(t);
  }
  EXPECT_EQ(csv_tickets, tickets) << csv;
  EXPECT_NE(csv.find("-4,南京新街口店,鲜丰超市"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\"<script>alert('x')</script> \"\"引号\"\""), std::string::npos) << "quoted as CSV: " << csv;
  auto [bom2, ov] = download_csv(std::string("/") + kPeriod, "overview-2026-10-21.csv");
  EXPECT_EQ(bom2, "efbbbf");
  EXPECT_EQ(ov.substr(0, ov.find("\r\n")),
            "门店编号,门店,区域,收到投诉,和解率,按期办结率,满意度（5 分制）,先行赔付笔数,先行赔付金额（元）");
  EXPECT_NE(ov.find("S003,成都春熙路店,west,3,50.0%,66.7%,5.00,1,999.00"), std::string::npos) << ov;
  auto [bom3, ks] = download_csv("/kiosks", "kiosks-2026-10-21.csv");
  EXPECT_EQ(bom3, "efbbbf");
  EXPECT_EQ(ks.substr(0, 6), "终端") << ks;
  EXPECT_NE(ks.find("12315 平台: 投诉 A01-261020-0007 · 接收方拒收此项"), std::string::npos) << ks;
  EXPECT_EQ(env->sql("SELECT string_agg(action, ',' ORDER BY id) FROM dashboard_audit WHERE user_name = 'hq'"
                     " AND action LIKE 'export.%'"),
            "export.deadlines,export.overview,export.kiosks");
}

TEST_F(Pages, TheKiosksPageMarksSilentAndHoldingKiosks) {
  sign_in("hq");
  EXPECT_EQ(browser->navigate(base + "/kiosks"), 200);
  EXPECT_EQ(kiosks(), (std::vector<std::string>{"k1", "k2", "k3"}));
  const std::string k1 = browser->text("tr[data-kiosk=k1]");
  for (const char* want : {"有暂扣", "12315 平台：待发 4，暂扣 2", "总部：待发 0，暂扣 1", "odr-kiosk 0.1.0", "缺纸", "12.0 GB"})
    EXPECT_NE(k1.find(want), std::string::npos) << want << " in " << k1;
  EXPECT_TRUE(browser->exists("tr.soon[data-kiosk=k1]"));
  EXPECT_TRUE(browser->exists("tr[data-kiosk=k2] .tag.good"));
  EXPECT_TRUE(browser->exists("tr.overdue[data-kiosk=k3]")) << "never heard from";
  EXPECT_NE(browser->text("tr[data-kiosk=k3]").find("从未联系"), std::string::npos);
  EXPECT_EQ(browser->text("#count-silent .value") + " " + browser->text("#count-holding .value"), "1 1");
  // Each held item the heartbeat named says why in plain words, the kiosk's message as text.
  EXPECT_EQ(list("[...document.querySelectorAll('tr[data-kiosk=k1] ul.held-items[data-destination=gateway] li')]"
                 ".map(li => li.textContent)"),
            (std::vector<std::string>{"投诉 A01-261020-0007 · 接收方拒收此项 · 暂扣于 2026-10-21 10:02: " + std::string(kNastyReason),
                                      "事件 · 内容过大，无法发送: larger than 1 MiB"}));
  EXPECT_FALSE(browser->exists("tr[data-kiosk=k1] ul.held-items[data-destination=hub]")) << "the heartbeat named none";
  EXPECT_EQ(browser->eval("document.scripts.length").get<int>(), 0);
  EXPECT_NE(browser->text("#held-reason").find("最近暂扣的至多 5 项附有原因"), std::string::npos);
  shot("kiosks-zh");
  browser->navigate(base + "/kiosks?lang=en");
  EXPECT_NE(browser->text("tr[data-kiosk=k1]").find("12315 gateway: 4 pending, 2 held"), std::string::npos);
  EXPECT_NE(browser->text("tr[data-kiosk=k1] ul.held-items").find("Complaint A01-261020-0007 · The receiver rejected this item · held 2026-10-21 10:02: "),
            std::string::npos);
  shot("kiosks-en");
  browser->navigate(base + "/stores");
  shot("stores-zh");
}

TEST_F(Pages, AStoreManagerSeesOnlyItsStoreOnEveryPage) {
  sign_in("m1");
  browser->navigate(base + "/" + kPeriod);
  EXPECT_EQ(ranked(), std::vector<std::string>{"S001"});
  EXPECT_EQ(browser->text("#card-received .value"), "5");
  EXPECT_EQ(browser->text("#card-received .value"),
            env->sql("SELECT count(*) FROM complaints WHERE store_id = 'S001' AND filed_at >= '2026-09-28 00:00+08'"
                     " AND filed_at < '2026-10-10 00:00+08'"));
  EXPECT_EQ(browser->text("#card-settlement .value"), "66.7%");
  EXPECT_EQ(browser->text("#card-comp-amount .value"), "1,000.00");
  EXPECT_NE(browser->text("h1").find("南京新街口店"), std::string::npos);
  shot("overview-store-m1");
  browser->navigate(base + "/deadlines");
  EXPECT_EQ(board(), ids({"a7", "a4"}));
  EXPECT_EQ(sql_open(*env, "x.store_id = 'S001'"), browser->text("#count-open .value") + "|" +
                                                      browser->text("#count-overdue .value"));
  browser->navigate(base + "/kiosks");
  EXPECT_EQ(kiosks(), std::vector<std::string>{"k1"});
  for (const char* path : {"/deadlines", "/kiosks"}) {
    const std::string csv = download_csv(path, std::string(path + 1) + "-2026-10-21.csv").second;
    EXPECT_NE(csv.find("南京新街口店"), std::string::npos) << path;
    EXPECT_EQ(csv.find("上海徐汇店"), std::string::npos) << path;
    EXPECT_EQ(csv.find("成都"), std::string::npos) << path;
  }
  const std::string ov = download_csv(std::string("/") + kPeriod, "overview-2026-10-21.csv").second;
  EXPECT_NE(ov.find("S001"), std::string::npos);
  EXPECT_EQ(ov.find("S002"), std::string::npos);
  EXPECT_EQ(ov.find("S003"), std::string::npos);
  const int other = browser->navigate(base + "/stores/S002");
  EXPECT_TRUE(other == 403 || other == 404) << other;
  EXPECT_EQ(browser->text().find("上海徐汇店"), std::string::npos);
}

TEST_F(Pages, ARegionSeesItsStoresOnly) {
  sign_in("east");
  browser->navigate(base + "/" + kPeriod);
  EXPECT_EQ(ranked(), (std::vector<std::string>{"S001", "S002"})) << "S001 66.7%, S002 100%";
  EXPECT_EQ(browser->text("#card-received .value"), "7");
  EXPECT_EQ(browser->text("#card-settlement .value"), "75.0%");
  EXPECT_NE(browser->text("h1").find("华东"), std::string::npos);
  shot("overview-region-east");
  browser->navigate(base + "/deadlines");
  EXPECT_EQ(board(), ids({"a7", "a4", "b2"}));
  browser->navigate(base + "/kiosks");
  EXPECT_EQ(kiosks(), (std::vector<std::string>{"k1", "k2"}));
}

// 230 open complaints put straight into PostgreSQL: the board shows 100 a
// page, in days-left order across the pages, with the counts of them all.
TEST(PagesBoard, TheBoardIsPagedAHundredAPageInOrder) {
  HubEnv env("PagesBoard");
  env.add_kiosk("k9", "S009", "south");
  env.sql("INSERT INTO complaints (id, kiosk_id, store_id, ticket, filed_at, channel, business_name, business_credit_code,"
          " business_region_code, category_kind, category_code, problems, purchase_amount_fen, demand_types, deadline,"
          " deadline_estimated, personal_policy, payload)"
          " SELECT gen_random_uuid(), 'k9', 'S009', 'P-' || i, '2026-10-01 10:00+08', 'self_service', '商家' || i, 'c',"
          " '320106', 'goods', 'G01', '{x}', 1, '{refund}', date '2026-10-21' + (i % 20 - 10), false, 'none', '{}'"
          " FROM generate_series(1, 230) i");
  {
    PgConn c(env.url);
    odr::hub::put_user(c, {"hq", "总部", Role::chain, "", "hq password"}, {1, 1024, 1});
  }
  HubProcess& h = env.start({"ODR_HUB_TEST_NOW=" + std::to_string(unix_of_china("2026-10-21T12:00:00"))});
  const std::string base = "https://127.0.0.1:" + std::to_string(h.port);
  BrowserOptions o;
  o.extra_args = {"--ignore-certificate-errors-spki-list=" + spki_pin(env.dev + "/server.pem")};
  Browser b(o);
  b.navigate(base + "/login");
  b.click("#user");
  b.type("hq");
  b.click("#password");
  b.type("hq password");
  b.click("#signin");
  b.wait_load();
  b.navigate(base + "/deadlines");
  EXPECT_EQ(b.text("#count-open .value"), "230");
  EXPECT_EQ(b.text("#count-overdue .value"), env.sql("SELECT count(*) FROM complaints WHERE deadline < '2026-10-21'"));
  EXPECT_EQ(b.text("#pager span"), "第 1 页，共 3 页");
  std::vector<int> days;
  auto take = [&] {
    const auto v = b.eval("[...document.querySelectorAll('#board tbody tr')].map(r => Number(r.dataset.days))");
    for (const auto& d : v) days.push_back(d.get<int>());
    return v.size();
  };
  EXPECT_EQ(take(), 100u);
  b.click("#next");
  b.wait_load();
  EXPECT_EQ(take(), 100u);
  b.click("#next");
  b.wait_load();
  EXPECT_EQ(take(), 30u);
  EXPECT_FALSE(b.exists("#next"));
  EXPECT_TRUE(std::is_sorted(days.begin(), days.end())) << "overdue first, across the pages";
  EXPECT_EQ(days.size(), 230u);
  EXPECT_EQ(b.navigate(base + "/deadlines?page=99"), 200) << "past the end: the last page";
  EXPECT_EQ(b.text("#pager span"), "第 3 页，共 3 页");
}

}  // namespace
