// Dashboard accounts (hub/accounts.h) on a real PostgreSQL cluster of the
// test's own: a manager signs in and is who they are, a guesser is locked
// out (for longer each time, counted exactly even when ten try at once), a
// session ends when idle or signed out, and no secret is kept in the clear.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "hub/accounts.h"
#include "hub/admin.h"
#include "hub/schema.h"
#include "support/pg.h"
#include "support/process.h"
#include "support/temp.h"

using namespace odr::hub;
using odr::test::psql;

namespace {

const odr::SecretHashCost kCheap{1, 1024, 1};

class Accounts : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pg = new odr::test::PgCluster("accounts");
    url = pg->create_database("hub");
    PgConn c(url);
    migrate(c);
    add_kiosk(c, "k1", "S001", "east", std::string(32, 'k'));
    add_kiosk(c, "k2", "S002", "north", std::string(32, 'j'));
  }
  static void TearDownTestSuite() {
    delete pg;
    pg = nullptr;
  }
  void SetUp() override {
    c = std::make_unique<PgConn>(url);
    c->exec_script("DELETE FROM dashboard_users; DELETE FROM dashboard_audit");
  }
  void add(const std::string& name, web::Role role, const std::string& scope, const std::string& pw = "correct horse") {
    put_user(*c, NewUser{name, "", role, scope, pw}, kCheap);
  }
  std::string sql(const std::string& q) { return psql(url, q); }

  static odr::test::PgCluster* pg;
  static std::string url;
  std::unique_ptr<PgConn> c;
};
odr::test::PgCluster* Accounts::pg = nullptr;
std::string Accounts::url;

TEST_F(Accounts, AManagerSignsInAsTheirRoleAndStoreAndOnlyTheSessionsHashIsKept) {
  add("m.xuhui", web::Role::store, "S001");
  LoginResult r = login(*c, "m.xuhui", "correct horse", "127.0.0.1");
  ASSERT_EQ(r.kind, LoginResult::Kind::ok);
  EXPECT_EQ(r.viewer.role, web::Role::store);
  EXPECT_EQ(r.viewer.store_id, "S001");
  ASSERT_EQ(r.session_id.size(), 64u);
  std::optional<web::Viewer> v = session_viewer(*c, r.session_id);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->user, "m.xuhui");
  EXPECT_EQ(sql("SELECT count(*) FROM dashboard_sessions WHERE key = '" + r.session_id + "'"), "0");
  EXPECT_EQ(sql("SELECT count(*) FROM dashboard_users WHERE password_hash LIKE '%correct%'"), "0");
  EXPECT_EQ(sql("SELECT action FROM dashboard_audit WHERE user_name = 'm.xuhui' ORDER BY id DESC LIMIT 1"), "login.ok");
  EXPECT_FALSE(session_viewer(*c, std::string(64, 'a'))) << "a made-up session id opens nothing";
}

TEST_F(Accounts, FiveWrongPasswordsLockTheAccountLongerEachTimeAndTheRightOneEndsTheSeries) {
  add("hq", web::Role::chain, "");
  for (int i = 0; i < 4; ++i) EXPECT_EQ(login(*c, "hq", "wrong guess", "").kind, LoginResult::Kind::wrong);
  LoginResult fifth = login(*c, "hq", "wrong guess", "");
  EXPECT_EQ(fifth.kind, LoginResult::Kind::locked);
  EXPECT_EQ(fifth.locked_for_s, 300);
  LoginResult right_but_locked = login(*c, "hq", "correct horse", "");
  EXPECT_EQ(right_but_locked.kind, LoginResult::Kind::locked) << "while locked even the right password waits";
  EXPECT_GT(right_but_locked.locked_for_s, 290);
  // The lock runs out; five more wrong ones lock for 15 minutes.
  sql("UPDATE dashboard_users SET locked_until = now() - interval '1 second' WHERE name = 'hq'");
  for (int i = 0; i < 4; ++i) login(*c, "hq", "wrong again", "");
  EXPECT_EQ(login(*c, "hq", "wrong again", "").locked_for_s, 900);
  sql("UPDATE dashboard_users SET locked_until = now() - interval '1 second' WHERE name = 'hq'");
  EXPECT_EQ(login(*c, "hq", "correct horse", "").kind, LoginResult::Kind::ok);
  EXPECT_EQ(sql("SELECT locks_in_a_row || ',' || failed_logins FROM dashboard_users WHERE name = 'hq'"), "0,0");
  EXPECT_EQ(sql("SELECT count(*) FROM dashboard_audit WHERE user_name = 'hq' AND action = 'login.locked'"), "2");
}

TEST_F(Accounts, TenGuessersAtOnceGetExactlyFourWrongAnswersBeforeTheLock) {
  add("hq", web::Role::chain, "");
  std::atomic<int> wrong{0}, locked{0};
  std::vector<std::thread> ts;
  for (int i = 0; i < 10; ++i)
    ts.emplace_back([&] {
      PgConn own(url);
      LoginResult r = login(own, "hq", "guess", "");
      (r.kind == LoginResult::Kind::wrong ? wrong : locked)++;
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(wrong.load(), 4);
  EXPECT_EQ(locked.load(), 6);
}

TEST_F(Accounts, AnUnknownNameIsRefusedAndWhatWasTypedIsNotKept) {
  EXPECT_EQ(login(*c, "13812341234", "whatever", "10.0.0.9").kind, LoginResult::Kind::wrong);
  EXPECT_EQ(sql("SELECT user_name || ' ' || action || ' ' || remote FROM dashboard_audit"), "? login.failed 10.0.0.9");
  EXPECT_EQ(sql("SELECT count(*) FROM dashboard_audit WHERE user_name LIKE '%1381234%' OR detail LIKE '%1381234%'"), "0");
}

TEST_F(Accounts, ASessionEndsWhenIdleWhenSignedOutAndWhenThePasswordChanges) {
  add("east", web::Role::region, "east");
  const std::string s1 = login(*c, "east", "correct horse", "").session_id;
  sql("UPDATE dashboard_sessions SET last_seen = now() - interval '31 minutes'");
  EXPECT_FALSE(session_viewer(*c, s1)) << "30 minutes idle ends it";
  const std::string s2 = login(*c, "east", "correct horse", "").session_id;
  ASSERT_TRUE(session_viewer(*c, s2));
  EXPECT_EQ(session_viewer(*c, s2)->region_id, "east");
  logout(*c, s2, "");
  EXPECT_FALSE(session_viewer(*c, s2));
  const std::string s3 = login(*c, "east", "correct horse", "").session_id;
  add("east", web::Role::region, "east", "a new password!");
  EXPECT_FALSE(session_viewer(*c, s3)) << "a new password ends every session";
  EXPECT_EQ(login(*c, "east", "correct horse", "").kind, LoginResult::Kind::wrong);
}

TEST_F(Accounts, BadUsersAreRefusedWithAReason) {
  auto why = [&](NewUser u) {
    try {
      put_user(*c, u, kCheap);
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(why({"a b", "", web::Role::chain, "", "long enough pw"}).find("user name"), std::string::npos);
  EXPECT_NE(why({"ok", "", web::Role::chain, "", "short"}).find("10 characters"), std::string::npos);
  EXPECT_NE(why({"ok", "", web::Role::store, "", "long enough pw"}).find("needs its"), std::string::npos);
  EXPECT_NE(why({"ok", "", web::Role::store, "S999", "long enough pw"}), "accepted") << "no such store";
}

TEST_F(Accounts, TheCommandReadsThePasswordFromStandardInput) {
  const std::string dir = odr::test::fresh_dir("accounts-cli");
  {
    std::ofstream(dir + "/hub.toml") << "[postgres]\nurl = \"" << url << "\"\n[data]\ncalendar_dir = \""
                                     << std::string(getenv("ODR_SOURCE_DIR")) << "/config/workdays\"\n";
  }
  const std::string hub = odr::test::bin_path("odr-hub");
  int rc = odr::test::run_program({"/bin/sh", "-c", "printf 'cli password 1\\n' | " + hub + " user add --config " + dir +
                                                        "/hub.toml --user m2 --role store --store S002"},
                                  dir + "/out.log");
  ASSERT_EQ(rc, 0);
  EXPECT_EQ(login(*c, "m2", "cli password 1", "").kind, LoginResult::Kind::ok);
  EXPECT_EQ(odr::test::run_program({hub, "user", "add", "--config", dir + "/hub.toml", "--user", "m3", "--role", "boss"},
                                   dir + "/out2.log"),
            2);
}

}  // namespace
