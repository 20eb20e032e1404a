// The store page, a complaint's detail, the CSV export and the monthly report
// in a real browser (support/browser.h: headless Chromium), served by the real
// odr-hub over HTTPS from a PostgreSQL cluster of the test's own, over a seed
// sent through the real intake (signed batches), as tests/hub/figures_test.cpp.
// The hub keeps personal data in full ([data] personal = "full"), so what the
// pages mask is the pages' doing.
//
// The seed (China time; the period asked for: custom 2026-09-28 to 2026-10-09;
// the one before it, as long: 2026-09-16 to 2026-09-27; "today" is the real
// date, after every deadline here). Deadlines by China's calendar (国庆):
// filed 09-30 -> due 10-20; filed 09-27 -> due 10-15.
//
//  (U+202E is refused at intake: a3's business name and description get one in SQL afterwards.)
//  S001 (k1, east) a1 filed 09-30: compensation first 500.00 10:30, desk settled 11:00 (on the spot, on time), satisfaction 5
//       a2 filed 09-30: first response by staff-001 09-30, platform accepted with case GZ-2 10-08, mediating 10-12,
//          settled 10-21 (via the platform, late: 10-21 > 10-20), satisfaction 3
//       a3 filed 09-30 (business name, description and the reason with markup, quotes and U+202E): platform
//          accepted 10-08, desk not_settled 10-15 (not settled, on time), satisfaction 1 then 2 (2 counts)
//       a4 filed 09-30: platform mediating with case GZ-4 10-09: open, deadline 10-20 passed: late
//       a5 filed 09-30, category service S02: compensation first 200.00 + 300.00, withdrawn 10-02: on time
//       a6 filed 10-10 (after the period), a7 filed 09-27 23:59 (the period before: open, late)
//  By hand for S001 in the period: 5 complaints; settled 2 of 3 decided = 66.7%; on time 3 of 5 = 60.0%;
//  satisfaction (5 + 3 + 2) / 3 = 3.33; compensation first 3, 1,000.00 yuan. The period before: 1 complaint
//  (a7), none decided, on time 0 of 1: changes +4, +60.0 points, +3; no settlement or satisfaction change.
//  S002 (k2, east) b1 filed 09-30; S003 (k3, west) 105 complaints filed 10-08 (two pages).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <regex>

#include "chain_seed.h"
#include "config/config.h"
#include "hub/accounts.h"
#include "hub/config.h"
#include "hub_env.h"
#include "model/json.h"
#include "support/browser.h"
#include "support/process.h"
#include "support/samples.h"
#include "support/temp.h"
#include "transport/transport.h"
#include "util/crypto.h"
#include "util/uuid.h"

using namespace odr::test;
using nlohmann::json;
using odr::hub::PgConn;
using odr::hub::web::Role;

namespace {

const char* const kRlo = "\xE2\x80\xAE";
const std::string kPeriod = "?period=custom&from=2026-09-28&to=2026-10-09";

class StorePages : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite() { env.reset(); }
  static void send(const std::string& kiosk, const std::vector<json>& cs, const std::vector<json>& evs,
                   const std::vector<json>& ups) {
    send_accepted(*env, *hub, kiosk, cs, evs, ups);
  }
  static void seed();

  void SetUp() override {
    shots = fresh_dir("store-pages-shots");
    audit_mark = env->sql("SELECT coalesce(max(id), 0) FROM dashboard_audit");
  }

  // A fresh browser (no cookie of another user) signed in as user.
  void sign_in(const std::string& user, const std::string& lang = "zh-CN") {
    browser = nullptr;
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
    ASSERT_EQ(browser->url().find("/login"), std::string::npos) << user << " is not signed in";
  }
  std::string text_of(const std::string& sel) { return browser->text(sel); }
  std::vector<std::string> list_ids() {
    return browser->eval("[...document.querySelectorAll('#complaints tbody tr')].map(r => r.dataset.id)")
        .get<std::vector<std::string>>();
  }
  std::string name_of(const std::string& cid) {
    for (const auto& [n, i] : id)
      if (i == cid) return n;
    return "?";
  }
  std::vector<std::string> names(const std::vector<std::string>& ids) {
    std::vector<std::string> out;
    for (const auto& i : ids) out.push_back(name_of(i));
    return out;
  }
  // GET with this browser's session cookie (an attachment the browser would download).
  odr::HttpResponse get_with_session(const std::string& path) {
    json cookies = browser->call("Network.getCookies", {{"urls", {base + "/"}}})["cookies"];
    std::string cookie;
    for (const auto& c : cookies) cookie += c["name"].get<std::string>() + "=" + c["value"].get<std::string>() + "; ";
    odr::HttpRequest req;
    req.url = base + path;
    req.headers = {{"Cookie", cookie}};
    odr::TransportOptions opts;
    opts.ca_file = env->dev + "/ca.pem";
    opts.request_timeout_s = 30;
    return odr::make_curl_transport(opts)->send(req);
  }
  std::string audit(const std::string& user) {
    return env->sql("SELECT coalesce(string_agg(action || ' ' || detail, ';' ORDER BY id), '') FROM dashboard_audit"
                    " WHERE id > " + audit_mark + " AND user_name = '" + user + "' AND action NOT LIKE 'login%'");
  }

  static inline std::unique_ptr<HubEnv> env;
  static inline HubProcess* hub = nullptr;
  static inline std::string base;
  static inline std::map<std::string, std::string> id;
  static inline json a1_json;
  std::string shots, audit_mark;
  std::unique_ptr<Browser> browser;
};

void StorePages::seed() {
  std::vector<json> cs;
  for (int i = 0; i < 5; ++i) cs.push_back(complaint_filed("k1", i, "2026-09-30T10:00:00"));
  cs.push_back(complaint_filed("k1", 5, "2026-10-10T09:00:00"));
  cs.push_back(complaint_filed("k1", 6, "2026-09-27T23:59:00"));
  cs[1]["respondent"]["name"] = "星光百货服饰店";
  cs[2]["respondent"]["name"] = "鲜丰超市 \"<script>alert(1)</script>' عربي";
  cs[2]["description"] = "面包过期<script>alert(2)</script> \"引号\" 'x'";
  cs[4]["category"]["kind"] = "service";
  cs[4]["category"]["code"] = "S02";
  const char* n[] = {"a1", "a2", "a3", "a4", "a5", "a6", "a7"};
  for (size_t i = 0; i < cs.size(); ++i) id[n[i]] = cs[i]["id"];
  a1_json = cs[0];
  send("k1", cs,
       {event_at(id["a1"], "compensation_prepaid", "2026-09-30T10:30:00", 50000),
        event_at(id["a1"], "settled", "2026-09-30T11:00:00", 1200),
        event_at(id["a1"], "satisfaction", "2026-09-30T11:05:00", 5),
        event_at(id["a2"], "first_response", "2026-09-30T15:00:00", 0, "已联系商家 <b>明天</b> 答复"),
        event_at(id["a2"], "satisfaction", "2026-10-21T10:00:00", 3),
        event_at(id["a3"], "not_settled", "2026-10-15T15:00:00", 0, "<img src=x onerror=alert(3)> 商家不同意"),
        event_at(id["a3"], "satisfaction", "2026-10-15T16:00:00", 1),
        event_at(id["a3"], "satisfaction", "2026-10-16T09:00:00", 2),
        event_at(id["a5"], "compensation_prepaid", "2026-09-30T10:10:00", 20000),
        event_at(id["a5"], "compensation_prepaid", "2026-10-01T10:10:00", 30000),
        event_at(id["a5"], "withdrawn", "2026-10-02T09:00:00"), event_at(id["a6"], "settled", "2026-10-10T10:00:00", 100)},
       {update_at(id["a2"], "settled", "2026-10-21T09:00:00"), update_at(id["a2"], "accepted", "2026-10-08T09:00:00", "GZ-2"),
        update_at(id["a2"], "mediating", "2026-10-12T09:00:00"), update_at(id["a3"], "accepted", "2026-10-08T09:00:00"),
        update_at(id["a4"], "mediating", "2026-10-09T09:00:00", "GZ-4")});
  // The intake refuses bidi controls (model/validate.cpp); text from elsewhere may still hold them.
  env->sql("UPDATE complaints SET business_name = business_name || E'\\u202E' || 'abc',"
           " payload = jsonb_set(payload, '{description}', to_jsonb(E'\\u202E' || (payload->>'description')))"
           " WHERE id = '" + id["a3"] + "'");
  json b1 = complaint_filed("k2", 10, "2026-09-30T10:00:00");
  id["b1"] = b1["id"];
  send("k2", {b1}, {}, {});
  for (int batch = 0; batch < 2; ++batch) {
    std::vector<json> many;
    for (int i = 0; i < (batch ? 5 : 100); ++i) many.push_back(complaint_filed("k3", 100 + batch * 100 + i, "2026-10-08T10:00:00"));
    send("k3", many, {}, {});
  }
}

void StorePages::SetUpTestSuite() {
  env = std::make_unique<HubEnv>("StorePages");
  add_three_stores(*env);
  PgConn c(env->url);
  const odr::SecretHashCost cheap{1, 1024, 1};
  odr::hub::put_user(c, {"hq", "总部", Role::chain, "", "hq password"}, cheap);
  odr::hub::put_user(c, {"east", "华东区", Role::region, "east", "east password"}, cheap);
  odr::hub::put_user(c, {"m1", "新街口店长", Role::store, "S001", "m1 password"}, cheap);
  hub = &env->start({}, env->write_config("full"));
  base = "https://127.0.0.1:" + std::to_string(hub->port);
  seed();
}

}  // namespace

namespace {

// Independent of the facts the hub folds in at intake: the raw events and
// platform updates of S001's complaints filed in the period, counted in SQL.
const char* kIndependentSql = R"SQL(
WITH c AS (SELECT * FROM complaints WHERE store_id = 'S001'
             AND filed_at >= '2026-09-28T00:00:00+08' AND filed_at < '2026-10-10T00:00:00+08'),
latest AS (SELECT DISTINCT ON (complaint_id) complaint_id, status FROM platform_updates WHERE status IS NOT NULL
             ORDER BY complaint_id, at DESC),
final AS (SELECT complaint_id, min(at) AS at FROM (
            SELECT complaint_id, at FROM events WHERE type IN ('settled', 'not_settled', 'withdrawn')
            UNION ALL SELECT complaint_id, at FROM platform_updates WHERE status IN ('settled', 'not_settled', 'closed')) f
          GROUP BY complaint_id),
k AS (SELECT c.id, c.deadline,
        EXISTS (SELECT 1 FROM events e WHERE e.complaint_id = c.id AND e.type = 'settled') OR l.status = 'settled' AS settled,
        EXISTS (SELECT 1 FROM events e WHERE e.complaint_id = c.id AND e.type = 'not_settled') OR l.status = 'not_settled' AS nots,
        (f.at AT TIME ZONE 'Asia/Shanghai')::date AS final_day
      FROM c LEFT JOIN latest l ON l.complaint_id = c.id LEFT JOIN final f ON f.complaint_id = c.id)
SELECT (SELECT count(*) FROM c), count(*) FILTER (WHERE settled), count(*) FILTER (WHERE nots AND NOT settled),
  count(*) FILTER (WHERE final_day <= deadline),
  count(*) FILTER (WHERE final_day > deadline OR (final_day IS NULL AND deadline < (now() AT TIME ZONE 'Asia/Shanghai')::date)),
  (SELECT round(avg(s), 2) FROM (SELECT DISTINCT ON (e.complaint_id) (e.payload->'data'->>'score')::int AS s FROM events e
     JOIN c ON c.id = e.complaint_id WHERE e.type = 'satisfaction' ORDER BY e.complaint_id, e.at DESC) x),
  (SELECT count(*) || '/' || sum((e.payload->'data'->>'amount_fen')::bigint) FROM events e JOIN c ON c.id = e.complaint_id
     WHERE e.type = 'compensation_prepaid')
FROM k
)SQL";

std::string pct(int64_t a, int64_t b) {
  char s[32];
  std::snprintf(s, sizeof s, "%.1f%%", 100.0 * static_cast<double>(a) / static_cast<double>(b));
  return s;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out(1);
  for (char ch : s) {
    if (ch == sep) out.emplace_back();
    else out.back().push_back(ch);
  }
  return out;
}

TEST_F(StorePages, TheFiguresEqualTheHandWorkAndAnIndependentCount) {
  sign_in("hq");
  EXPECT_EQ(browser->navigate(base + "/stores/S001" + kPeriod), 200);
  // By hand (the seed above).
  EXPECT_EQ(text_of("#fig-received .value"), "5");
  EXPECT_EQ(text_of("#fig-settlement .value"), "66.7%");
  EXPECT_EQ(text_of("#fig-on-time .value"), "60.0%");
  EXPECT_EQ(text_of("#fig-satisfaction .value"), "3.33");
  EXPECT_EQ(text_of("#fig-compensation .value"), "¥1,000.00");
  EXPECT_EQ(text_of("#fig-compensation .sub"), "3 笔");
  EXPECT_EQ(text_of("#fig-received .delta"), "+4 较上期");
  EXPECT_EQ(text_of("#fig-on-time .delta"), "+60.0 个百分点 较上期");
  EXPECT_FALSE(browser->exists("#fig-settlement .delta")) << "nothing was decided the period before";
  EXPECT_EQ(text_of("#period-range"), "2026-09-28 至 2026-10-09 · 对比 2026-09-16 至 2026-09-27");
  // The same from the raw events and updates.
  const std::vector<std::string> q = split(env->sql(kIndependentSql), '|');
  ASSERT_EQ(q.size(), 7u) << env->sql(kIndependentSql);
  EXPECT_EQ(text_of("#fig-received .value"), q[0]);
  EXPECT_EQ(text_of("#fig-settlement .value"), pct(std::stoll(q[1]), std::stoll(q[1]) + std::stoll(q[2])));
  EXPECT_EQ(text_of("#fig-on-time .value"), pct(std::stoll(q[3]), std::stoll(q[3]) + std::stoll(q[4])));
  EXPECT_EQ(text_of("#fig-satisfaction .value"), q[5]);
  EXPECT_EQ(q[6], "3/100000");
  // The list's rows, each with the outcome the figures counted (the same facts, read the same way).
  const std::vector<std::string> rows = names(list_ids());
  const auto outcomes = browser->eval("[...document.querySelectorAll('#complaints td.outcome')].map(t => t.innerText)")
                            .get<std::vector<std::string>>();
  ASSERT_EQ(rows.size(), outcomes.size());
  std::map<std::string, std::string> outcome_of;
  for (size_t i = 0; i < rows.size(); ++i) outcome_of[rows[i]] = outcomes[i];
  EXPECT_EQ(outcome_of, (std::map<std::string, std::string>{{"a1", "当场和解"}, {"a2", "经平台和解"}, {"a3", "未和解"},
                                                            {"a4", "处理中"}, {"a5", "已撤回或办结"}}));
  browser->screenshot(shots + "/store-zh.png");
  EXPECT_EQ(browser->navigate(base + "/stores/S001" + kPeriod + "&lang=en"), 200);
  EXPECT_EQ(text_of("#fig-on-time .delta"), "+60.0 pts vs. before");
  browser->screenshot(shots + "/store-en.png");
  EXPECT_TRUE(browser->page_errors().empty());
}

TEST_F(StorePages, FiltersNarrowTheListAndItIsPagedByAHundred) {
  sign_in("hq");
  auto ids_for = [&](const std::string& extra) {  // sorted: a1 ... a5 were filed at the same minute
    EXPECT_EQ(browser->navigate(base + "/stores/S001" + kPeriod + extra), 200) << extra;
    std::vector<std::string> n = names(list_ids());
    std::sort(n.begin(), n.end());
    return n;
  };
  EXPECT_EQ(ids_for("&status=open"), std::vector<std::string>{"a4"});
  EXPECT_EQ(ids_for("&status=mediating"), std::vector<std::string>{"a4"});
  EXPECT_EQ(ids_for("&status=settled"), (std::vector<std::string>{"a1", "a2"}));
  EXPECT_EQ(ids_for("&category=S02"), std::vector<std::string>{"a5"});
  EXPECT_EQ(ids_for("&business=" + std::string("%E6%98%9F%E5%85%89")), std::vector<std::string>{"a2"});  // 星光
  EXPECT_EQ(ids_for("&status=settled&business=%E6%98%9F%E5%85%89"), std::vector<std::string>{"a2"});
  EXPECT_TRUE(ids_for("&status=transferred").empty());
  EXPECT_TRUE(browser->exists("#no-complaints"));
  // A wrong period is said, and the page shows this month instead of failing.
  EXPECT_EQ(browser->navigate(base + "/stores/S001?period=custom&from=2026-10-09&to=2026-09-28"), 200);
  EXPECT_EQ(text_of("#period-error"), "结束日期早于开始日期。");
  // The form itself, as a manager uses it: choose, then apply.
  browser->navigate(base + "/stores/S001" + kPeriod);
  browser->eval("document.querySelector('#category').value = 'S02'");
  browser->click("#apply");
  browser->wait_load();
  EXPECT_EQ(names(list_ids()), std::vector<std::string>{"a5"});
  EXPECT_NE(browser->url().find("category=S02"), std::string::npos);
  EXPECT_NE(browser->url().find("from=2026-09-28"), std::string::npos) << "the period is kept";
  // 105 complaints at S003: 100, then 5.
  EXPECT_EQ(browser->navigate(base + "/stores/S003" + kPeriod), 200);
  EXPECT_EQ(list_ids().size(), 100u);
  EXPECT_EQ(text_of("#list-count"), "共 105 件");
  EXPECT_FALSE(browser->exists("#prev"));
  browser->click("#next");
  browser->wait_load();
  EXPECT_EQ(list_ids().size(), 5u);
  EXPECT_NE(text_of("#pager").find("第 2 页，共 2 页"), std::string::npos);
  EXPECT_EQ(std::stoll(env->sql("SELECT count(*) FROM complaints WHERE store_id = 'S003'")), 105);
  browser->screenshot(shots + "/store-page2-zh.png");
}

TEST_F(StorePages, TheTimelineShowsEachStepInOrder) {
  sign_in("hq");
  EXPECT_EQ(browser->navigate(base + "/complaints/" + id["a2"]), 200);
  auto steps = [&] {
    return browser->eval("[...document.querySelectorAll('#timeline li')].map(l => l.dataset.step)")
        .get<std::vector<std::string>>();
  };
  EXPECT_EQ(steps(), (std::vector<std::string>{"filed", "event:first_response", "platform:accepted", "platform:mediating",
                                               "platform:settled", "event:satisfaction"}));
  const std::string tl = text_of("#timeline");
  EXPECT_NE(tl.find("2026-09-30 15:00"), std::string::npos);
  EXPECT_NE(tl.find("工作人员 staff-001 · 现场"), std::string::npos) << tl;
  EXPECT_NE(tl.find("GZ-2"), std::string::npos);
  EXPECT_NE(tl.find("已联系商家 <b>明天</b> 答复"), std::string::npos) << "a clerk's note stays text";
  EXPECT_EQ(text_of("#case-no"), "GZ-2");
  EXPECT_EQ(text_of("#outcome"), "经平台和解");
  EXPECT_NE(text_of("#days-left").find("超期"), std::string::npos) << "settled 10-21, due 10-20";
  browser->screenshot(shots + "/complaint-timeline-zh.png");
  EXPECT_EQ(browser->navigate(base + "/complaints/" + id["a1"] + "?lang=en"), 200);
  EXPECT_EQ(steps(), (std::vector<std::string>{"filed", "event:compensation_prepaid", "event:settled", "event:satisfaction"}));
  EXPECT_NE(text_of("#timeline").find("500.00"), std::string::npos);
  EXPECT_NE(text_of("#days-left").find("On time"), std::string::npos);
  browser->screenshot(shots + "/complaint-timeline-en.png");
  EXPECT_EQ(browser->navigate(base + "/complaints/" + id["a4"]), 200);
  EXPECT_NE(text_of("#days-left").find("已超期"), std::string::npos) << "open, due 10-20";
}

TEST_F(StorePages, AStoreManagerCannotOpenAnotherStoresPagesByGuessing) {
  sign_in("m1");
  const std::string other = id["b1"], nowhere = odr::uuid_v7();
  // Another store's and a store or complaint that does not exist: the same 403.
  for (const std::string& path : std::vector<std::string>{"/stores/S002", "/stores/S404", "/stores/S002/complaints.csv", "/stores/S404/complaints.csv",
        "/stores/S002/report?month=2026-09", "/stores/S404/report?month=2026-09", "/complaints/" + other,
        "/complaints/" + nowhere, "/complaints/not-a-uuid"}) {
    EXPECT_EQ(browser->navigate(base + path), 403) << path;
    EXPECT_NE(text_of("#error").find("不能查看"), std::string::npos) << path;
    EXPECT_EQ(browser->text().find("上海徐汇店"), std::string::npos) << path;
  }
  browser->screenshot(shots + "/forbidden-zh.png");
  EXPECT_EQ(browser->navigate(base + "/stores/S002?lang=en"), 403);
  EXPECT_EQ(text_of("#error"), "Your account may not see this page.");
  browser->screenshot(shots + "/forbidden-en.png");
  EXPECT_EQ(browser->navigate(base + "/stores/S001" + kPeriod), 200) << "its own";
  EXPECT_EQ(browser->navigate(base + "/complaints/" + id["a1"]), 200);
  sign_in("east");
  EXPECT_EQ(browser->navigate(base + "/stores/S002"), 200) << "a region sees its stores";
  EXPECT_EQ(browser->navigate(base + "/stores/S003"), 403);
  EXPECT_EQ(browser->navigate(base + "/stores/S404"), 403);
  sign_in("hq");
  EXPECT_EQ(browser->navigate(base + "/stores/S404"), 404) << "the head office sees every store: nothing to hide";
  EXPECT_EQ(browser->navigate(base + "/complaints/" + nowhere), 404);
  EXPECT_EQ(browser->navigate(base + "/stores/S003/report?month=2026-13"), 400);
  browser->navigate(base + "/stores/S001");
  EXPECT_EQ(browser->eval("document.querySelector('#stores')"), nullptr);
  browser->navigate(base + "/stores");
  browser->click("#stores a");
  browser->wait_load();
  EXPECT_EQ(browser->url(), base + "/stores/S001") << "the stores list links each store's page";
}

TEST_F(StorePages, PersonalDataIsMaskedInListsFullOnlyForThoseAllowedAndEachFullViewAudited) {
  const std::string phone = a1_json["consumer"]["phone"], name = a1_json["consumer"]["name"];
  const std::string masked = phone.substr(0, 3) + "****" + phone.substr(7);
  for (const std::string user : {"hq", "east", "m1"}) {
    SCOPED_TRACE(user);
    sign_in(user);
    browser->navigate(base + "/stores/S001" + kPeriod);
    const std::string list = text_of("#complaints");
    EXPECT_EQ(list.find(phone), std::string::npos) << "lists are masked for everyone";
    EXPECT_NE(list.find(masked), std::string::npos);
    EXPECT_EQ(list.find(name), std::string::npos);
    EXPECT_EQ(browser->navigate(base + "/complaints/" + id["a1"]), 200);
    const bool full = user != "east";
    EXPECT_EQ(text_of("#consumer-phone"), full ? phone : masked);
    EXPECT_EQ(text_of("#consumer-name"), full ? name : "测****") << name;  // 测试顾客0: the first character
    EXPECT_EQ(browser->exists("#description"), full) << "the shopper's own words are personal (model/personal.h)";
    EXPECT_EQ(browser->exists("#personal-masked"), !full);
    browser->screenshot(shots + "/complaint-" + user + "-zh.png");
    EXPECT_EQ(audit(user), full ? "personal.view complaint=" + id["a1"] : "");
  }
  EXPECT_EQ(env->sql("SELECT count(*) FROM dashboard_audit WHERE detail LIKE '%" + phone + "%' OR detail LIKE '%" + name + "%'"), "0")
      << "the audit holds no personal data";
}

TEST_F(StorePages, WhatShoppersAndClerksTypedStaysText) {
  sign_in("hq");
  browser->navigate(base + "/complaints/" + id["a3"]);
  EXPECT_EQ(browser->eval("document.scripts.length").get<int>(), 0);
  EXPECT_EQ(browser->eval("document.images.length").get<int>(), 0);
  EXPECT_NE(text_of("#facts").find("鲜丰超市 \"<script>alert(1)</script>'"), std::string::npos);
  EXPECT_NE(text_of("#description").find("面包过期<script>alert(2)</script> \"引号\" 'x'"), std::string::npos);
  EXPECT_NE(text_of("#timeline").find("<img src=x onerror=alert(3)>"), std::string::npos);
  EXPECT_EQ(browser->eval("[...document.querySelectorAll('#description bdi, #facts bdi')].filter(b => b.innerText.includes('\u202E')).length")
                .get<int>(),
            2)
      << "the U+202E texts are isolated";
  browser->screenshot(shots + "/complaint-escaped-zh.png");
  browser->navigate(base + "/stores/S001" + kPeriod);
  EXPECT_EQ(browser->eval("document.scripts.length").get<int>(), 0);
  EXPECT_NE(text_of("#complaints").find("<script>alert(1)</script>"), std::string::npos);
  EXPECT_TRUE(browser->page_errors().empty());
}

TEST_F(StorePages, TheCsvHasTheBomChineseHeadersAndIsTheFilteredListMasked) {
  sign_in("m1");
  browser->navigate(base + "/stores/S001" + kPeriod + "&status=settled");
  const std::string href = browser->eval("document.querySelector('#export-csv').getAttribute('href')").get<std::string>();
  EXPECT_EQ(href, "/stores/S001/complaints.csv" + kPeriod + "&status=settled");
  const odr::HttpResponse r = get_with_session(href);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers.at("content-type"), "text/csv; charset=utf-8");
  EXPECT_NE(r.headers.at("content-disposition").find("attachment"), std::string::npos);
  ASSERT_EQ(r.body.substr(0, 3), "\xEF\xBB\xBF");
  std::vector<std::string> lines = split(r.body.substr(3), '\n');
  ASSERT_EQ(lines.size(), 4u) << r.body;  // header, a2, a1, "" after the last CRLF
  EXPECT_EQ(lines[0].substr(0, lines[0].find(",登记时间")), "工单号");
  EXPECT_NE(lines[0].find("联系电话"), std::string::npos);
  EXPECT_NE(lines[0].find("先行赔付金额（元）"), std::string::npos);
  // The same rows in the same order as the page's list.
  const auto shown = browser->eval("[...document.querySelectorAll('#complaints tbody tr td:first-child')].map(t => t.innerText)")
                         .get<std::vector<std::string>>();
  std::vector<std::string> tickets;
  std::string a1_line;
  for (size_t i = 1; i + 1 < lines.size(); ++i) {
    tickets.push_back(lines[i].substr(0, lines[i].find(',')));
    if (tickets.back() == a1_json["ticket"]) a1_line = lines[i];
  }
  EXPECT_EQ(tickets, shown);
  EXPECT_NE(a1_line.find("当场和解"), std::string::npos) << a1_line;
  EXPECT_NE(a1_line.find(",500.00,"), std::string::npos) << a1_line;
  const std::string phone = a1_json["consumer"]["phone"];
  EXPECT_EQ(r.body.find(phone), std::string::npos);
  EXPECT_NE(r.body.find(phone.substr(0, 3) + "****" + phone.substr(7)), std::string::npos);
  EXPECT_EQ(audit("m1"), "export.store_csv store=S001 from=2026-09-28 to=2026-10-09 rows=2");
  EXPECT_EQ(get_with_session("/stores/S002/complaints.csv").status, 403) << "not by a fetch either";
}

TEST_F(StorePages, TheMonthlyReportPrints) {
  sign_in("hq");
  EXPECT_EQ(browser->navigate(base + "/stores/S001/report?month=2026-09"), 200);
  // September: a1 ... a5 and a7 (filed 09-27): 6 complaints; a7 open and late.
  EXPECT_EQ(text_of("#r-received"), "6");
  EXPECT_EQ(text_of("#r-on-spot"), "1");
  EXPECT_EQ(text_of("#r-settlement"), "66.7%");
  EXPECT_EQ(text_of("#r-on-time-rate"), "50.0%");
  EXPECT_EQ(text_of("#r-compensation"), "3 · ¥1,000.00");
  EXPECT_EQ(browser->eval("document.querySelectorAll('#report-list tbody tr').length").get<int>(), 6);
  EXPECT_TRUE(browser->exists("#signatures"));
  EXPECT_EQ(text_of("#report-list").find(a1_json["consumer"]["phone"].get<std::string>()), std::string::npos);
  browser->screenshot(shots + "/report-zh.png");
  browser->call("Emulation.setEmulatedMedia", {{"media", "print"}});
  EXPECT_EQ(browser->eval("getComputedStyle(document.querySelector('header.top')).display").get<std::string>(), "none");
  EXPECT_EQ(browser->eval("getComputedStyle(document.querySelector('.report-hint')).display").get<std::string>(), "none");
  browser->screenshot(shots + "/report-print-zh.png");
  const json pdf = browser->call("Page.printToPDF", {{"printBackground", true}, {"preferCSSPageSize", true}});
  std::string bytes;
  ASSERT_TRUE(odr::base64_decode(pdf["data"].get<std::string>(), bytes));
  EXPECT_EQ(bytes.substr(0, 5), "%PDF-");
  std::ofstream(shots + "/report-zh.pdf", std::ios::binary) << bytes;
  browser->call("Emulation.setEmulatedMedia", {{"media", ""}});
  EXPECT_EQ(browser->navigate(base + "/stores/S001/report?month=2026-09&lang=en"), 200);
  browser->screenshot(shots + "/report-en.png");
  EXPECT_EQ(audit("hq"), "export.store_report store=S001 month=2026-09;export.store_report store=S001 month=2026-09");
}

// The kiosk's QR template as config/kiosk.toml has it, pointed at this hub,
// filled in by the kiosk's own code: the shopper's phone gets the ticket page.
TEST_F(StorePages, TheKiosksQrTemplateOpensTheHubsTicketPageWithNothingPersonal) {
  std::ifstream in(std::string(std::getenv("ODR_SOURCE_DIR")) + "/config/kiosk.toml");
  std::string line, tmpl;
  while (std::getline(in, line))
    if (line.rfind("qr_url = \"", 0) == 0) tmpl = line.substr(10, line.find('"', 10) - 10);
  ASSERT_FALSE(tmpl.empty());
  const std::string host = tmpl.substr(0, tmpl.find('/', 8));  // https://odr.example.com
  odr::KioskConfig k;
  k.kiosk_id = "k1";
  k.ticket_qr_url = base + tmpl.substr(host.size());
  const std::string url = odr::ticket_status_url(k, a1_json["ticket"]);
  browser = std::make_unique<Browser>(BrowserOptions{390, 844, "", "zh-CN", 30000,
                                                     {"--ignore-certificate-errors-spki-list=" + spki_pin(env->dev + "/server.pem")}});
  EXPECT_EQ(browser->navigate(url), 200) << url;
  EXPECT_EQ(text_of("#ticket"), a1_json["ticket"].get<std::string>());
  EXPECT_EQ(text_of("#status"), "已和解");
  const std::string page = browser->text();
  for (const std::string& personal : {a1_json["consumer"]["name"].get<std::string>(), a1_json["consumer"]["phone"].get<std::string>(),
                                      a1_json["consumer"]["address"].get<std::string>(), a1_json["description"].get<std::string>(),
                                      std::string("****")})
    EXPECT_EQ(page.find(personal), std::string::npos) << personal;
  browser->screenshot(shots + "/ticket-phone-zh.png");
}

// Plain HTTP to a network would carry passwords and personal data in clear:
// the hub serves the kiosks' intake there (a TLS proxy's case) but not the
// dashboard, and says why at start; on loopback (the demo) it serves both.
TEST_F(StorePages, PlainHttpOffLoopbackServesNoDashboard) {
  odr::hub::HubConfig c;
  c.host = "0.0.0.0";
  EXPECT_FALSE(odr::hub::dashboard_allowed(c));
  c.tls_proxy = true;
  EXPECT_TRUE(odr::hub::dashboard_allowed(c));
  c.tls_proxy = false;
  c.tls_cert = "x.pem";
  EXPECT_TRUE(odr::hub::dashboard_allowed(c));
  for (const char* h : {"127.0.0.1", "127.0.0.2", "::1", "localhost"}) EXPECT_TRUE(odr::hub::is_loopback_host(h)) << h;
  EXPECT_FALSE(odr::hub::is_loopback_host("10.0.0.1"));

  auto plain = [&](const std::string& host) {
    const std::string path = env->write_config("full");
    std::string cfg = read_file(path);
    cfg = std::regex_replace(cfg, std::regex("host = \"127.0.0.1\""), "host = \"" + host + "\"");
    cfg = std::regex_replace(cfg, std::regex("tls_(cert|key) = [^\n]*\n"), "");
    write_file(path, cfg);
    return &env->start({}, path);
  };
  browser = std::make_unique<Browser>();  // the kiosks' transport speaks HTTPS only; a browser does not
  auto get = [&](const HubProcess* h, const std::string& path) {
    return browser->navigate("http://127.0.0.1:" + std::to_string(h->port) + path);
  };
  HubProcess* open = plain("0.0.0.0");
  EXPECT_EQ(get(open, "/odr/v1/health"), 200) << "the intake is served";
  EXPECT_EQ(get(open, "/login"), 404);
  EXPECT_EQ(get(open, "/stores/S001"), 404);
  EXPECT_NE(read_file(open->log).find("the dashboard is not served: plain HTTP on 0.0.0.0"), std::string::npos)
      << read_file(open->log);
  HubProcess* demo = plain("127.0.0.1");
  EXPECT_EQ(get(demo, "/login"), 200);
  EXPECT_EQ(read_file(demo->log).find("the dashboard is not served"), std::string::npos);
}

}  // namespace
