// The head office's pages in a real browser (support/browser.h: Chromium,
// headless), served by the real odr-hub over HTTPS with the dev certificate,
// from a PostgreSQL cluster of the test's own. A manager signs in by typing,
// sees only the stores their role allows, names typed elsewhere stay text,
// the session cookie is out of scripts' reach, a form without its token is
// refused, and a shopper's phone finds their ticket with nothing personal on
// it. Screenshots of each page are left in the test's folder.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "hub/accounts.h"
#include "hub_env.h"
#include "support/browser.h"
#include "support/temp.h"

using namespace odr::test;
using odr::hub::PgConn;
using odr::hub::web::Role;

namespace {

class Dashboard : public ::testing::Test {
 protected:
  void SetUp() override {
    env = std::make_unique<HubEnv>("dashboard");
    env->add_kiosk("k1", "S001", "east");
    env->add_kiosk("k2", "S002", "north");
    env->sql("UPDATE stores SET name = '徐汇店 <script>alert(1)</script>' WHERE id = 'S001'");
    env->sql("UPDATE stores SET name = E'\\u202E朝阳店' WHERE id = 'S002'");
    PgConn c(env->url);
    const odr::SecretHashCost cheap{1, 1024, 1};
    odr::hub::put_user(c, {"hq", "总部", Role::chain, "", "head office pw"}, cheap);
    odr::hub::put_user(c, {"east", "华东", Role::region, "east", "region east pw"}, cheap);
    odr::hub::put_user(c, {"m1", "徐汇店长", Role::store, "S001", "store one pw"}, cheap);
    hub = &env->start();
    base = "https://127.0.0.1:" + std::to_string(hub->port);
    shots = fresh_dir("dashboard-shots");
    BrowserOptions o;
    o.extra_args = {"--ignore-certificate-errors-spki-list=" + spki_pin(env->dev + "/server.pem")};
    browser = std::make_unique<Browser>(o);
  }

  void sign_in(const std::string& user, const std::string& password) {
    browser->navigate(base + "/");
    ASSERT_NE(browser->url().find("/login"), std::string::npos) << "not signed in: the sign-in page";
    browser->click("#user");
    browser->type(user);
    browser->click("#password");
    browser->type(password);
    browser->click("#signin");
    browser->wait_load();
  }

  std::vector<std::string> stores_shown() {
    nlohmann::json v = browser->eval("[...document.querySelectorAll('#stores tbody tr')].map(r => r.dataset.store)");
    return v.get<std::vector<std::string>>();
  }

  std::unique_ptr<HubEnv> env;
  HubProcess* hub = nullptr;
  std::string base, shots;
  std::unique_ptr<Browser> browser;
};

TEST_F(Dashboard, EachRoleSignsInAndSeesOnlyItsStores) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"hq", {"S001", "S002"}}, {"east", {"S001"}}, {"m1", {"S001"}}};
  const std::map<std::string, std::string> pw = {{"hq", "head office pw"}, {"east", "region east pw"}, {"m1", "store one pw"}};
  for (const auto& [user, want] : cases) {
    SCOPED_TRACE(user);
    browser = nullptr;  // a fresh browser: no cookie of the last user
    BrowserOptions o;
    o.extra_args = {"--ignore-certificate-errors-spki-list=" + spki_pin(env->dev + "/server.pem")};
    browser = std::make_unique<Browser>(o);
    sign_in(user, pw.at(user));
    EXPECT_EQ(browser->url(), base + "/") << "the overview first";
    browser->navigate(base + "/stores");
    EXPECT_EQ(stores_shown(), want);
    EXPECT_NE(browser->text("header").find(user), std::string::npos);
    browser->screenshot(shots + "/stores-" + user + ".png");
    EXPECT_TRUE(browser->page_errors().empty());
  }
}

TEST_F(Dashboard, NamesTypedElsewhereStayTextAndTheSessionIsOutOfScriptsReach) {
  sign_in("hq", "head office pw");
  browser->navigate(base + "/stores");
  EXPECT_NE(browser->text("#stores").find("徐汇店 <script>alert(1)</script>"), std::string::npos);
  EXPECT_EQ(browser->eval("document.scripts.length").get<int>(), 0) << "no script on the page, typed or ours";
  EXPECT_EQ(browser->eval("document.querySelectorAll('#stores bdi').length").get<int>(), 4)
      << "each name others typed is isolated (the U+202E one cannot reorder the row)";
  EXPECT_EQ(browser->eval("document.cookie").get<std::string>().find("odr_hub_session"), std::string::npos)
      << "HttpOnly";
  // A form posted without its token (as another site's page would) is refused, and the session stays.
  browser->eval("(() => { const f = document.createElement('form'); f.method = 'post'; f.action = '/logout';"
                " const i = document.createElement('input'); i.name = 'csrf'; i.value = 'x'; f.append(i);"
                " document.body.append(f); f.submit(); })()");
  EXPECT_EQ(browser->wait_load(), 400);
  browser->navigate(base + "/");
  EXPECT_EQ(browser->url(), base + "/") << "still signed in";
  browser->click("#logout");
  browser->wait_load();
  EXPECT_NE(browser->url().find("/login"), std::string::npos);
  browser->navigate(base + "/");
  EXPECT_NE(browser->url().find("/login"), std::string::npos) << "signed out for good";
  EXPECT_EQ(env->sql("SELECT string_agg(action, ',' ORDER BY id) FROM dashboard_audit WHERE user_name = 'hq'"),
            "user.put,login.ok,logout");
}

TEST_F(Dashboard, WrongPasswordsAreToldAndTheFifthLocksTheAccount) {
  for (int i = 1; i <= 5; ++i) {
    browser->navigate(base + "/login");
    browser->click("#user");
    browser->type("m1");
    browser->click("#password");
    browser->type("not it " + std::to_string(i));
    browser->click("#signin");
    browser->wait_load();
    const std::string error = browser->text("#login-error");
    if (i < 5) EXPECT_NE(error.find("密码不对"), std::string::npos) << error;
    else EXPECT_NE(error.find("锁定"), std::string::npos) << error;
  }
  browser->screenshot(shots + "/login-locked.png");
  EXPECT_EQ(browser->eval("document.querySelector('#user').value").get<std::string>(), "m1") << "the name is kept";
}

TEST_F(Dashboard, AShoppersPhoneFindsTheTicketWithNothingPersonalOnIt) {
  nlohmann::json c = complaint_json("k1", 7);
  ASSERT_EQ(statuses(env->post_complaints(*hub, {c}, "k1")), std::vector<std::string>{"accepted"});
  const std::string ticket = c["ticket"];
  EXPECT_EQ(browser->navigate(base + "/t/" + ticket + "?kiosk=k1"), 200);
  EXPECT_EQ(browser->text("#ticket"), ticket);
  EXPECT_EQ(browser->text("#status"), "已登记");
  const std::string page = browser->text();
  for (const std::string& personal : {c["consumer"]["name"].get<std::string>(), c["consumer"]["phone"].get<std::string>(),
                                      std::string("****")})
    EXPECT_EQ(page.find(personal), std::string::npos) << personal;
  browser->screenshot(shots + "/ticket.png");
  EXPECT_EQ(browser->navigate(base + "/t/" + ticket + "?kiosk=k2"), 404) << "another kiosk's ticket of that number";
  EXPECT_NE(browser->text("#error").find("没有找到"), std::string::npos);
  EXPECT_EQ(browser->navigate(base + "/t/" + ticket + "?kiosk=k1&lang=en"), 200);
  EXPECT_EQ(browser->text("#status"), "Received");
  EXPECT_EQ(browser->navigate(base + "/no-such-page"), 404);
  EXPECT_TRUE(browser->page_errors().empty());
}

}  // namespace
