// The dashboard's building blocks (hub/web): what a shopper typed at a kiosk
// can never become markup on a manager's screen, charts say what they show,
// session cookies and CSRF tokens hold, and a store manager sees only their
// own store.
#include <gtest/gtest.h>

#include "web/chart.h"
#include "web/html.h"
#include "web/period.h"
#include "web/session.h"
#include "util/time.h"

using namespace odr::hub::web;

TEST(Web, EveryMarkupCharacterIsEscaped) {
  EXPECT_EQ(esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
  EXPECT_EQ(esc("退款 100 元"), "退款 100 元");
}

TEST(Web, TextOthersTypedIsIsolatedFromThePageDirection) {
  // U+202E RIGHT-TO-LEFT OVERRIDE: without isolation it reverses what follows on the page.
  const std::string rlo = "\xE2\x80\xAE" "abc<i>";
  const std::string html = user_text(rlo);
  EXPECT_EQ(html.rfind("<bdi>", 0), 0u);
  EXPECT_NE(html.find("&lt;i&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<i>"), std::string::npos);
  EXPECT_EQ(html.substr(html.size() - 6), "</bdi>");
}

TEST(Web, APageHasItsLanguageTitleAndStylesheetAndNoScript) {
  Page p;
  p.title = "总览 <1>";
  p.body = "<p>x</p>";
  const std::string h = render_page(p);
  EXPECT_NE(h.find("<html lang=\"zh-CN\">"), std::string::npos);
  EXPECT_NE(h.find("<title>总览 &lt;1&gt;</title>"), std::string::npos);
  EXPECT_NE(h.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(h.find("href=\"/static/hub.css\""), std::string::npos);
  EXPECT_EQ(h.find("<script"), std::string::npos);
  bool csp = false;
  for (const HeaderLine& l : kPageHeaders)
    if (std::string(l.name) == "Content-Security-Policy") csp = std::string(l.value).find("default-src 'none'") == 0;
  EXPECT_TRUE(csp);
}

TEST(Web, ABarChartDrawsEachBarToScaleWithItsLabelEscaped) {
  BarChart c;
  c.title = "和解率";
  c.width = 640;
  c.bars = {{"徐汇店", 90, "90%", false}, {"<b>静安店</b>", 45, "45%", true}};
  c.max = 100;
  c.target = 80;
  c.target_text = "目标 80%";
  const std::string svg = bar_chart_svg(c);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("&lt;b&gt;静安店&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(svg.find("<b>"), std::string::npos);
  // Plot width 640 - 190 - 80 = 370 px for 100: 90 -> 333, 45 -> 166.5.
  EXPECT_NE(svg.find("width=\"333.0\""), std::string::npos) << svg;
  EXPECT_NE(svg.find("width=\"166.5\""), std::string::npos) << svg;
  EXPECT_NE(svg.find("fill=\"#c01c28\""), std::string::npos) << "the bar below target is in the alert colour";
  EXPECT_NE(svg.find("目标 80%"), std::string::npos);
  EXPECT_NE(bar_chart_svg(BarChart{}).find("—"), std::string::npos) << "an empty chart says so";
}

TEST(Web, SessionCookieIsHttpOnlyStrictAndSecureOutsideTheDemo) {
  const std::string id = new_session_id();
  EXPECT_EQ(id.size(), 64u);
  EXPECT_NE(id, new_session_id());
  EXPECT_NE(session_key(id), id);
  const std::string c = session_cookie(id, true, 28800);
  for (const char* part : {"HttpOnly", "SameSite=Strict", "Secure", "Path=/", "Max-Age=28800"})
    EXPECT_NE(c.find(part), std::string::npos) << part;
  EXPECT_EQ(session_cookie(id, false, 0).find("Secure"), std::string::npos);
  EXPECT_EQ(cookie_value("a=1; " + std::string(kSessionCookie) + "=" + id + "; b=2", kSessionCookie), id);
  EXPECT_EQ(cookie_value("xodr_hub_session=evil", kSessionCookie), "");
}

TEST(Web, ACsrfTokenIsBoundToItsSession) {
  const std::string s1 = new_session_id(), s2 = new_session_id();
  const std::string t1 = csrf_token(s1);
  EXPECT_TRUE(csrf_ok(s1, t1));
  EXPECT_FALSE(csrf_ok(s2, t1));
  EXPECT_FALSE(csrf_ok(s1, ""));
  EXPECT_FALSE(csrf_ok(s1, t1.substr(0, 63) + (t1[63] == '0' ? "1" : "0")));
  EXPECT_FALSE(csrf_ok("", csrf_token(""))) << "no session, no token";
}

TEST(Web, EachRoleSeesOnlyItsStores) {
  Viewer chain{"hq", Role::chain, "", ""}, east{"east", Role::region, "sh", ""}, store{"m1", Role::store, "", "sh-xuhui"};
  EXPECT_TRUE(may_see_store(chain, "bj-chaoyang", "bj"));
  EXPECT_TRUE(may_see_store(east, "sh-xuhui", "sh"));
  EXPECT_FALSE(may_see_store(east, "bj-chaoyang", "bj"));
  EXPECT_TRUE(may_see_store(store, "sh-xuhui", "sh"));
  EXPECT_FALSE(may_see_store(store, "sh-jingan", "sh"));
  EXPECT_FALSE(may_see_store(Viewer{"x", Role::store, "", ""}, "", "")) << "a store user with no store sees none";
  Role r;
  EXPECT_TRUE(parse_role("region", r));
  EXPECT_EQ(r, Role::region);
  EXPECT_FALSE(parse_role("admin", r));
}

TEST(Web, FullPersonalDataIsForTheHeadOfficeAndTheComplaintsOwnStore) {
  Viewer chain{"hq", Role::chain, "", ""}, east{"east", Role::region, "sh", ""}, store{"m1", Role::store, "", "sh-xuhui"};
  EXPECT_TRUE(may_see_personal(chain, "bj-chaoyang", "bj"));
  EXPECT_TRUE(may_see_personal(store, "sh-xuhui", "sh"));
  EXPECT_FALSE(may_see_personal(store, "sh-jingan", "sh")) << "not another store's";
  EXPECT_FALSE(may_see_personal(east, "sh-xuhui", "sh")) << "a region sees its stores masked";
  EXPECT_FALSE(may_see_personal(east, "bj-chaoyang", "bj"));
}

namespace {
// 2026-12-02 10:00 in Beijing (a Wednesday), as Unix seconds.
constexpr int64_t kWednesday = 1'796'176'800;
std::string day(int64_t d) { return odr::format_date(d); }
}  // namespace

TEST(Web, ThisMonthIsComparedWithTheSameDaysOfTheMonthBefore) {
  const char* error = nullptr;
  auto m = choose_period("", "", "", kWednesday, &error);
  ASSERT_TRUE(m) << error;
  EXPECT_EQ(m->kind, PeriodKind::month);
  EXPECT_EQ(day(m->first_day), "2026-12-01");
  EXPECT_EQ(day(m->last_day), "2026-12-02");
  EXPECT_EQ(day(m->prev_first_day), "2026-11-01");
  EXPECT_EQ(day(m->prev_last_day), "2026-11-02");
  // [from, to) in Unix seconds start at Beijing's midnight.
  EXPECT_EQ(odr::format_rfc3339(m->from_s()), "2026-12-01T00:00:00+08:00");
  EXPECT_EQ(odr::format_rfc3339(m->to_s()), "2026-12-03T00:00:00+08:00");
}

TEST(Web, AWeekStartsOnMondayAndAQuarterOnItsFirstMonth) {
  const char* error = nullptr;
  auto w = choose_period("week", "", "", kWednesday, &error);
  ASSERT_TRUE(w);
  EXPECT_EQ(day(w->first_day), "2026-11-30");
  EXPECT_EQ(day(w->prev_first_day), "2026-11-23");
  EXPECT_EQ(day(w->prev_last_day), "2026-11-25");
  auto q = choose_period("quarter", "", "", kWednesday, &error);
  ASSERT_TRUE(q);
  EXPECT_EQ(day(q->first_day), "2026-10-01");
  EXPECT_EQ(day(q->prev_first_day), "2026-07-01");
  EXPECT_EQ(day(q->prev_last_day), "2026-09-01");
}

TEST(Web, ALongMonthIsComparedWithAShortOneUpToItsEnd) {
  const char* error = nullptr;
  // 2026-03-31 12:00 Beijing: February 2026 has 28 days.
  auto m = choose_period("month", "", "", 1'774'929'600, &error);
  ASSERT_TRUE(m);
  EXPECT_EQ(day(m->last_day), "2026-03-31");
  EXPECT_EQ(day(m->prev_first_day), "2026-02-01");
  EXPECT_EQ(day(m->prev_last_day), "2026-02-28");
}

TEST(Web, CustomDatesAreComparedWithAsManyDaysJustBefore) {
  const char* error = nullptr;
  auto c = choose_period("custom", "2026-09-28", "2026-10-08", kWednesday, &error);
  ASSERT_TRUE(c) << error;
  EXPECT_EQ(day(c->prev_first_day), "2026-09-17");
  EXPECT_EQ(day(c->prev_last_day), "2026-09-27");
  EXPECT_FALSE(choose_period("custom", "2026-10-08", "2026-09-28", kWednesday, &error));
  EXPECT_STREQ(error, "period.backwards");
  EXPECT_FALSE(choose_period("custom", "2026-02-30", "2026-03-01", kWednesday, &error));
  EXPECT_STREQ(error, "period.bad_date");
  EXPECT_FALSE(choose_period("custom", "2025-01-01", "2026-03-01", kWednesday, &error));
  EXPECT_STREQ(error, "period.too_long");
  EXPECT_FALSE(choose_period("year", "", "", kWednesday, &error));
  EXPECT_STREQ(error, "period.bad_kind");
}
