// Staff accounts, PIN hashing, lockout that survives a restart, the staff
// and audit sub-commands, and the inactivity timeout. Real SQLite files in
// ODR_TEST_TMP, a real accounts file, real Argon2id (at a low cost).
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "staff/staff.h"
#include "kiosk-sync/staff_commands.h"
#include "store/store.h"

namespace odr {
namespace {

namespace fs = std::filesystem;

const PinHashCost kTestCost{1, 1024, 1};  // fast for tests; the encoded hash carries it

fs::path test_dir(const std::string& name) {
  const char* tmp = std::getenv("ODR_TEST_TMP");
  fs::path dir = fs::path(tmp ? tmp : "/tmp") / ("staff_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The store's files on disk (main file and write-ahead log) as bytes.
std::string store_bytes(const fs::path& db) {
  return read_all(db) + read_all(db.string() + "-wal");
}

TEST(StaffPin, HashIsSaltedAndNotReversible) {
  const std::string pin = "86420975";
  const std::string h1 = hash_pin(pin, kTestCost);
  const std::string h2 = hash_pin(pin, kTestCost);
  EXPECT_EQ(h1.rfind("$argon2id$", 0), 0u) << h1;
  EXPECT_EQ(h1.find(pin), std::string::npos);
  EXPECT_NE(h1, h2) << "same PIN, different salt, different hash";
  EXPECT_TRUE(verify_pin(pin, h1));
  EXPECT_TRUE(verify_pin(pin, h2));
  EXPECT_FALSE(verify_pin("86420976", h1));
  EXPECT_FALSE(verify_pin("8642097", h1));
  EXPECT_FALSE(verify_pin("864209750", h1));
  EXPECT_FALSE(verify_pin("", h1));
  EXPECT_FALSE(verify_pin(pin, "not a hash"));
  EXPECT_FALSE(verify_pin(pin, pin));  // a plain-text "hash" never verifies
}

TEST(StaffPin, DefaultCostIsSlowAndSalted) {
  const std::string h = hash_pin("1234");
  // m=65536 KiB, t=3: the cost is part of the encoded hash.
  EXPECT_NE(h.find("m=65536,t=3,p=1"), std::string::npos) << h;
  EXPECT_TRUE(verify_pin("1234", h));
}

TEST(StaffPin, PinRules) {
  EXPECT_TRUE(is_valid_pin("0000"));
  EXPECT_TRUE(is_valid_pin("123456789012"));
  EXPECT_FALSE(is_valid_pin("123"));
  EXPECT_FALSE(is_valid_pin("1234567890123"));
  EXPECT_FALSE(is_valid_pin("12a4"));
  EXPECT_FALSE(is_valid_pin(""));
  EXPECT_THROW(hash_pin("12", kTestCost), StaffError);
}

TEST(StaffFile, SavesAtomicallyPrivateAndReadsBack) {
  auto dir = test_dir("file");
  const std::string path = (dir / "sub" / "staff.json").string();
  EXPECT_TRUE(load_staff(path).empty()) << "a missing file is an empty list";
  std::vector<StaffAccount> list{{"s01", "王芳", hash_pin("1111", kTestCost), false, "2026-11-28T09:00:00+08:00"},
                                 {"s02", "Li Lei", hash_pin("2222", kTestCost), true, ""}};
  save_staff(path, list);
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  for (const auto& e : fs::directory_iterator(dir / "sub"))
    EXPECT_EQ(e.path().filename(), "staff.json") << "temporary file left behind: " << e.path();
  auto back = load_staff(path);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].name, "王芳");
  EXPECT_TRUE(verify_pin("1111", back[0].pin_hash));
  EXPECT_TRUE(back[1].disabled);
  EXPECT_EQ(read_all(path).find("1111"), std::string::npos);

  std::ofstream(path, std::ios::trunc) << R"({"staff": [{"id": "s01", "name": "x"}]})";
  try {
    load_staff(path);
    FAIL() << "an entry without pin_hash must not load";
  } catch (const StaffError& e) {
    EXPECT_NE(std::string(e.what()).find("staff[0]"), std::string::npos) << e.what();
  }
}

struct Clock {
  int64_t now = 1795000000000;  // 2026-11-18
};

StoreOptions options_with(Clock& c) {
  StoreOptions o;
  o.clock_ms = [&c] { return c.now; };
  return o;
}

TEST(StaffLogin, FiveWrongPinsLockForFiveMinutesEvenAfterRestart) {
  auto dir = test_dir("lockout");
  const fs::path db = dir / "odr.db";
  const std::string file = (dir / "staff.json").string();
  const std::string pin = "86420975";
  save_staff(file, {{"s01", "王芳", hash_pin(pin, kTestCost), false, ""}});
  Clock clock;
  {
    Store store(db.string(), options_with(clock));
    auto r = staff_login(store, file, "s01", pin);
    EXPECT_EQ(r.outcome, LoginOutcome::ok);
    EXPECT_EQ(r.account.name, "王芳");
    EXPECT_TRUE(r.account.pin_hash.empty());
    for (int i = 1; i <= 4; ++i) {
      r = staff_login(store, file, "s01", "11111111");
      EXPECT_EQ(r.outcome, LoginOutcome::wrong_pin);
      EXPECT_EQ(r.attempts_left, 5 - i);
      clock.now += 1000;
    }
    EXPECT_FALSE(staff_lockout(store).locked);
    r = staff_login(store, file, "nobody", "22222222");  // unknown ids count too
    EXPECT_EQ(r.outcome, LoginOutcome::locked);
    EXPECT_TRUE(staff_lockout(store).locked);
    EXPECT_EQ(staff_login(store, file, "s01", pin).outcome, LoginOutcome::locked) << "right PIN refused while locked";
  }
  clock.now += 60 * 1000;
  {
    Store reopened(db.string(), options_with(clock));  // the kiosk restarted
    auto s = staff_lockout(reopened);
    EXPECT_TRUE(s.locked);
    EXPECT_EQ(s.remaining_ms, 4 * 60 * 1000);
    EXPECT_EQ(staff_login(reopened, file, "s01", pin).outcome, LoginOutcome::locked);
    clock.now += 4 * 60 * 1000 - 1;
    EXPECT_EQ(staff_login(reopened, file, "s01", pin).outcome, LoginOutcome::locked);
    clock.now += 1;  // five minutes after the fifth failure
    EXPECT_FALSE(staff_lockout(reopened).locked);
    EXPECT_EQ(staff_login(reopened, file, "s01", pin).outcome, LoginOutcome::ok);
    EXPECT_EQ(staff_lockout(reopened).failures, 0);
  }
  EXPECT_EQ(store_bytes(db).find(pin), std::string::npos) << "the PIN reached the store";
}

TEST(StaffLogin, LocksInARowEscalateToAnHourAtMostAlertStaffAndARightPinEndsTheSeries) {
  auto dir = test_dir("escalate");
  const std::string file = (dir / "staff.json").string();
  save_staff(file, {{"s01", "A", hash_pin("2468", kTestCost), false, ""}});
  Clock clock;
  Store store((dir / "odr.db").string(), options_with(clock));
  auto five_wrong = [&] {
    LoginResult r;
    for (int i = 0; i < 5; ++i) r = staff_login(store, file, "s01", "1111");
    return r;
  };
  const int64_t minute = 60 * 1000;
  for (int64_t expect : {5 * minute, 15 * minute, 60 * minute, 60 * minute, 60 * minute}) {
    LoginResult r = five_wrong();
    EXPECT_EQ(r.outcome, LoginOutcome::locked);
    EXPECT_EQ(r.locked_until_ms - clock.now, expect);
    LockoutStatus s = staff_lockout(store);
    EXPECT_TRUE(s.locked);
    EXPECT_EQ(s.remaining_ms, expect);
    clock.now += expect;  // the lock runs out; the series goes on
  }
  EXPECT_TRUE(staff_lockout(store).alert) << "five locks in a row";
  EXPECT_EQ(staff_lockout(store).locks, 5);
  EXPECT_EQ(staff_login(store, file, "s01", "2468").outcome, LoginOutcome::ok);
  EXPECT_FALSE(staff_lockout(store).alert);
  EXPECT_EQ(five_wrong().locked_until_ms - clock.now, 5 * minute) << "a right PIN ended the series";
  // A day without failures forgets the series too.
  clock.now += 5 * minute;
  five_wrong();
  clock.now += 25 * 3600 * 1000LL;
  EXPECT_EQ(five_wrong().locked_until_ms - clock.now, 5 * minute);
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(store.handle(), "SELECT count(*) FROM audit WHERE action = 'staff.lockout_alert'", -1, &q, nullptr);
  sqlite3_step(q);
  EXPECT_EQ(sqlite3_column_int(q, 0), 1) << "audited once, at the third lock";
  sqlite3_finalize(q);
}

TEST(StaffLogin, TenProcessesTryingAtOnceGetFourWrongPinAnswersNotTwenty) {
  auto dir = test_dir("parallel");
  const std::string db = (dir / "odr.db").string(), file = (dir / "staff.json").string();
  const std::string go = (dir / "go").string();
  save_staff(file, {{"s01", "A", hash_pin("2468", kTestCost), false, ""}});
  { Store s(db); }
  const char* bin = std::getenv("ODR_BIN_DIR");
  const std::string child = std::string(bin ? bin : ".") + "/login_child";
  std::vector<std::pair<pid_t, int>> kids;
  for (int i = 0; i < 10; ++i) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t pid = fork();
    if (pid == 0) {
      dup2(fds[1], 1);
      close(fds[0]);
      close(fds[1]);
      execl(child.c_str(), child.c_str(), db.c_str(), file.c_str(), "s01", "1111", "2", go.c_str(), nullptr);
      _exit(127);
    }
    close(fds[1]);
    kids.emplace_back(pid, fds[0]);
  }
  usleep(300 * 1000);  // all open the store, then wait for the word
  std::ofstream(go) << "go";
  std::map<std::string, int> answers;
  for (auto& [pid, fd] : kids) {
    std::string out;
    char buf[256];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    close(fd);
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << out;
    std::istringstream lines(out);
    for (std::string l; std::getline(lines, l);) ++answers[l];
  }
  EXPECT_EQ(answers["wrong_pin"], 4) << "the count is one transaction";
  EXPECT_EQ(answers["locked"], 16);
  Store s(db);
  EXPECT_TRUE(staff_lockout(s).locked);
  // At the machine, staff can end it.
  KioskConfig config;
  config.database = db;
  config.staff_file = file;
  std::istringstream in;
  std::ostringstream out, err;
  EXPECT_EQ(run_staff_command({"unlock"}, config, in, out, err, false), 0) << err.str();
  EXPECT_NE(out.str().find("unlocked"), std::string::npos) << out.str();
  EXPECT_FALSE(staff_lockout(s).locked);
}

TEST(StaffLogin, SuccessResetsTheCountAndDisabledAccountsCannotLogIn) {
  auto dir = test_dir("reset");
  const std::string file = (dir / "staff.json").string();
  save_staff(file, {{"s01", "A", hash_pin("1234", kTestCost), false, ""},
                    {"s02", "B", hash_pin("5678", kTestCost), true, ""}});
  Clock clock;
  Store store((dir / "odr.db").string(), options_with(clock));
  for (int i = 0; i < 4; ++i) EXPECT_EQ(staff_login(store, file, "s01", "0000").outcome, LoginOutcome::wrong_pin);
  EXPECT_EQ(staff_login(store, file, "s01", "1234").outcome, LoginOutcome::ok);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(staff_login(store, file, "s01", "0000").outcome, LoginOutcome::wrong_pin);
  EXPECT_FALSE(staff_lockout(store).locked);
  EXPECT_EQ(staff_login(store, file, "s01", "1234").outcome, LoginOutcome::ok);
  auto r = staff_login(store, file, "s02", "5678");
  EXPECT_EQ(r.outcome, LoginOutcome::wrong_pin) << "a disabled account is refused like a wrong PIN";
  EXPECT_EQ(r.attempts_left, 4);
}

TEST(StaffLogin, EveryAttemptIsAuditedWithoutThePin) {
  auto dir = test_dir("audit");
  const fs::path db = dir / "odr.db";
  const std::string file = (dir / "staff.json").string();
  save_staff(file, {{"s01", "A", hash_pin("97531864", kTestCost), false, ""}});
  Clock clock;
  Store store(db.string(), options_with(clock));
  const int64_t before = store.verify_audit().records;
  staff_login(store, file, "s01", "97531864");
  staff_login(store, file, "s01", "13572468");
  staff_login(store, file, "bad id!", "24681357");
  audit_staff_action(store, "s01", "staff.export", "period=2026-11-01..2026-11-18");
  auto v = store.verify_audit();
  EXPECT_TRUE(v.ok) << v.problem;
  EXPECT_EQ(v.records, before + 4);
  const std::string bytes = store_bytes(db);
  for (const char* p : {"97531864", "13572468", "24681357"})
    EXPECT_EQ(bytes.find(p), std::string::npos) << "PIN " << p << " in the store";
  EXPECT_NE(bytes.find("staff.login_failed"), std::string::npos);
}

TEST(StaffSessionTimeout, EndsAfterInactivityAndTapsExtendIt) {
  StaffAccount a{"s01", "A", "secret-hash", false, ""};
  StaffSession s = start_session(a, 1000, 180000);
  EXPECT_TRUE(s.account.pin_hash.empty());
  EXPECT_FALSE(session_expired(s, 1000 + 179999));
  touch_session(s, 100000);  // a tap
  EXPECT_FALSE(session_expired(s, 1000 + 180000));
  EXPECT_EQ(session_remaining_ms(s, 200000), 80000);
  EXPECT_TRUE(session_expired(s, 100000 + 180000));
  EXPECT_EQ(session_remaining_ms(s, 400000), 0);
}

KioskConfig config_in(const fs::path& dir) {
  KioskConfig c;
  c.data_dir = (dir / "data").string();
  c.database = (dir / "data" / "odr.db").string();
  c.staff_file = (dir / "data" / "staff.json").string();
  return c;
}

int staff_cmd(const KioskConfig& c, std::vector<std::string> args, const std::string& input, std::string* out_text = nullptr,
              std::string* err_text = nullptr) {
  std::istringstream in(input);
  std::ostringstream out, err;
  int rc = run_staff_command(args, c, in, out, err, false);
  if (out_text) *out_text = out.str();
  if (err_text) *err_text = err.str();
  return rc;
}

TEST(StaffCli, AddListDisableSetPin) {
  auto dir = test_dir("cli");
  KioskConfig c = config_in(dir);
  std::string out, err;
  EXPECT_EQ(staff_cmd(c, {"add", "s01", "王芳"}, "482913\n", &out, &err), 0) << err;
  EXPECT_EQ(staff_cmd(c, {"add", "s01", "Again"}, "482913\n", &out, &err), 1);
  EXPECT_NE(err.find("already exists"), std::string::npos) << err;
  EXPECT_NE(staff_cmd(c, {"add", "s02", "Bad Pin"}, "12ab\n", &out, &err), 0);
  EXPECT_NE(staff_cmd(c, {"add", "bad id", "X"}, "1234\n"), 0);
  EXPECT_NE(staff_cmd(c, {"add", "s03"}, "1234\n"), 0) << "usage error";
  EXPECT_EQ(staff_cmd(c, {"list"}, "", &out), 0);
  EXPECT_NE(out.find("s01\t王芳\tactive"), std::string::npos) << out;
  EXPECT_EQ(out.find("s02"), std::string::npos) << "a bad PIN must not add the account";
  EXPECT_EQ(read_all(c.staff_file).find("482913"), std::string::npos);

  Clock clock;
  {
    Store store(c.database, options_with(clock));
    EXPECT_EQ(staff_login(store, c.staff_file, "s01", "482913").outcome, LoginOutcome::ok);
  }
  EXPECT_EQ(staff_cmd(c, {"disable", "s01"}, ""), 0);
  EXPECT_EQ(staff_cmd(c, {"list"}, "", &out), 0);
  EXPECT_NE(out.find("s01\t王芳\tdisabled"), std::string::npos) << out;
  {
    Store store(c.database, options_with(clock));
    EXPECT_EQ(staff_login(store, c.staff_file, "s01", "482913").outcome, LoginOutcome::wrong_pin);
  }
  EXPECT_EQ(staff_cmd(c, {"enable", "s01"}, ""), 0);
  EXPECT_EQ(staff_cmd(c, {"set-pin", "s01"}, "7777\n"), 0);
  EXPECT_EQ(staff_cmd(c, {"set-pin", "nobody"}, "7777\n", &out, &err), 1);
  {
    Store store(c.database, options_with(clock));
    EXPECT_EQ(staff_login(store, c.staff_file, "s01", "482913").outcome, LoginOutcome::wrong_pin);
    EXPECT_EQ(staff_login(store, c.staff_file, "s01", "7777").outcome, LoginOutcome::ok);
  }
  // add, disable, enable, set-pin and four logins are in the audit log.
  std::ostringstream aout, aerr;
  EXPECT_EQ(run_audit_command({"verify"}, c, aout, aerr), 0) << aerr.str();
  EXPECT_NE(aout.str().find("audit ok: 8 records"), std::string::npos) << aout.str();
}

TEST(AuditCli, VerifyNamesTheFirstBrokenRecord) {
  auto dir = test_dir("audit_cli");
  KioskConfig c = config_in(dir);
  std::ostringstream out, err;
  EXPECT_EQ(run_audit_command({"verify"}, c, out, err), 1) << "no store yet";
  EXPECT_NE(err.str().find("no store"), std::string::npos) << err.str();
  EXPECT_EQ(staff_cmd(c, {"add", "s01", "A"}, "1234\n"), 0);
  EXPECT_EQ(staff_cmd(c, {"disable", "s01"}, ""), 0);
  EXPECT_EQ(staff_cmd(c, {"enable", "s01"}, ""), 0);
  out.str("");
  EXPECT_EQ(run_audit_command({"verify"}, c, out, err), 0);
  EXPECT_NE(out.str().find("audit ok: 3 records"), std::string::npos) << out.str();
  {
    // Someone with the file drops the append-only triggers and edits record 2.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(c.database.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "DROP TRIGGER audit_no_update; "
                           "UPDATE audit SET detail = 'id=s99' WHERE seq = 2;",
                           nullptr, nullptr, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db);
    sqlite3_close(db);
  }
  out.str("");
  EXPECT_EQ(run_audit_command({"verify"}, c, out, err), 1);
  EXPECT_NE(out.str().find("BROKEN at record 2"), std::string::npos) << out.str();
  EXPECT_EQ(run_audit_command({"check"}, c, out, err), 2) << "usage error";
}

}  // namespace
}  // namespace odr
