// When things go wrong: a file too new or damaged (refused, left as it was),
// disk full, read-only, locked. A clear error, never partial rows.
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>

#include <filesystem>

#include "helpers.h"

namespace odr::test {
namespace {

class StoreErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fresh_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    path = dir + "/kiosk.db";
  }
  StoreError::Kind open_error(StoreOptions o = {}) {
    try {
      Store s(path, o);
    } catch (const StoreError& e) {
      message = e.what();
      return e.kind;
    }
    ADD_FAILURE() << "the store opened";
    return StoreError::Kind::io;
  }
  // Rows in every table a submit writes, as one comparable string.
  std::string row_counts() {
    return query_text(path,
                      "SELECT (SELECT count(*) FROM complaints) || '/' || (SELECT count(*) FROM outbox) || '/' || "
                      "(SELECT count(*) FROM audit) || '/' || (SELECT coalesce(sum(last), 0) FROM ticket_counters)");
  }
  std::string dir, path, message;
  FakeClock clock;
};

TEST_F(StoreErrors, NewerSchemaIsRefusedAndLeftByteIdentical) {
  { Store(path, options_with(clock)).submit_complaint(sample_complaint()); }
  ASSERT_EQ(exec_raw(path, "PRAGMA user_version = 99"), SQLITE_OK);
  const std::string before = read_bytes(path);
  EXPECT_EQ(open_error(), StoreError::Kind::too_new);
  EXPECT_NE(message.find("newer version"), std::string::npos) << message;
  EXPECT_EQ(read_bytes(path), before);
  EXPECT_EQ(query_int(path, "PRAGMA user_version"), 99);
}

TEST_F(StoreErrors, NewerSchemaWithALeftOverWalIsLeftAsItWas) {
  // A newer kiosk crashed: its last commits are still in the WAL.
  const std::string crashed = dir + "/crashed.db";
  { Store(path, options_with(clock)).submit_complaint(sample_complaint()); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA wal_autocheckpoint = 0; PRAGMA user_version = 99;"
                             "CREATE TABLE newer_things (x); INSERT INTO newer_things VALUES (1);",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  std::filesystem::copy_file(path, crashed);
  std::filesystem::copy_file(path + "-wal", crashed + "-wal");
  sqlite3_close(db);
  const std::string db_before = read_bytes(crashed), wal_before = read_bytes(crashed + "-wal");
  ASSERT_GT(wal_before.size(), 0u);
  path = crashed;
  EXPECT_EQ(open_error(), StoreError::Kind::too_new);
  EXPECT_EQ(read_bytes(crashed), db_before);
  EXPECT_EQ(read_bytes(crashed + "-wal"), wal_before);
}

// A process killed while it made the file (the first write, before WAL mode
// is on) leaves a hot rollback journal beside a file of a page or more. The
// next start rolls it back and makes the store: it is not refused as
// read-only (the crash test's early kills met this in CI).
TEST_F(StoreErrors, AFileLeftMidWayThroughItsFirstWriteByAKilledProcessOpens) {
  const std::string making = dir + "/making.db";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(making.c_str(), &db), SQLITE_OK);
  // A small cache: the uncommitted pages spill into the file, the journal holds that it was empty.
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA journal_mode = DELETE; PRAGMA cache_size = 10; BEGIN; CREATE TABLE filler (x);"
                             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)"
                             " INSERT INTO filler SELECT randomblob(500) FROM n;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  std::filesystem::copy_file(making, path);  // the files as a kill left them
  std::filesystem::copy_file(making + "-journal", path + "-journal");
  sqlite3_close(db);
  ASSERT_GT(read_bytes(path).size(), 0u);
  ASSERT_GT(read_bytes(path + "-journal").size(), 0u);

  Store s(path, options_with(clock));
  EXPECT_EQ(s.submit_complaint(sample_complaint()).ticket.empty(), false);
  EXPECT_FALSE(std::filesystem::exists(path + "-journal")) << "rolled back";
  EXPECT_EQ(query_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'filler'"), 0)
      << "the killed transaction left nothing";
  EXPECT_EQ(query_int(path, "SELECT count(*) FROM complaints"), 1);
}

TEST_F(StoreErrors, NotADatabaseIsRefusedAndLeftByteIdentical) {
  std::string text = "This is the shop's price list, not a database.\n";
  for (int i = 0; i < 200; ++i) text += "line " + std::to_string(i) + " some text\n";
  write_bytes(path, text);
  EXPECT_EQ(open_error(), StoreError::Kind::corrupt);
  EXPECT_NE(message.find("damaged"), std::string::npos) << message;
  EXPECT_EQ(read_bytes(path), text);
}

TEST_F(StoreErrors, DamagedPagesAreRefusedAndLeftByteIdentical) {
  {
    Store s(path, options_with(clock));
    ASSERT_EQ(sqlite3_exec(s.handle(), "PRAGMA synchronous = OFF", nullptr, nullptr, nullptr), SQLITE_OK);
    for (int i = 0; i < 300; ++i) s.submit_complaint(sample_complaint());
  }
  std::string bytes = read_bytes(path);
  ASSERT_GT(bytes.size(), 40u * 4096);
  for (size_t i = 20 * 4096; i < 20 * 4096 + 3000; ++i) bytes[i] = static_cast<char>(i * 7 + 3);
  write_bytes(path, bytes);
  EXPECT_EQ(open_error(), StoreError::Kind::corrupt);
  EXPECT_EQ(read_bytes(path), bytes);
}

// A page's bytes changed inside a key: every page still parses (quick_check
// passes), but the ticket index no longer matches the table.
TEST_F(StoreErrors, AnIndexThatNoLongerMatchesItsTableIsFoundAtOpen) {
  { Store(path, options_with(clock)).submit_complaint(sample_complaint()); }
  const int64_t root = query_int(path, "SELECT rootpage FROM sqlite_master WHERE name = 'sqlite_autoindex_complaints_2'");
  ASSERT_GT(root, 1);
  ASSERT_EQ(query_text(path, "PRAGMA journal_mode"), "wal");
  std::string bytes = read_bytes(path);
  const size_t page = 4096 * size_t(root - 1);
  size_t at = bytes.find("A01-261128-0001", page);
  ASSERT_TRUE(at != std::string::npos && at < page + 4096) << "the index entry";
  bytes[at + 14] = '9';
  write_bytes(path, bytes);
  ASSERT_EQ(query_text(path, "PRAGMA quick_check"), "ok") << "quick_check misses this";
  EXPECT_EQ(open_error(), StoreError::Kind::corrupt);
  EXPECT_NE(message.find("damaged"), std::string::npos) << message;
  EXPECT_NE(message.find("kiosk-sync recover"), std::string::npos) << "says what to do: " << message;
  EXPECT_EQ(read_bytes(path), bytes) << "never written";
}

// Product decision (经营者首问制度: the desk must take complaints at once):
// only damage SQLite itself sees refuses writes (the tests above). A row
// whose JSON cannot be read is found, held at claim and never sent, and
// new complaints are still stored. (Before: the whole store refused at open.)
TEST_F(StoreErrors, AComplaintRowThatIsNoLongerJsonIsHeldAndTheStoreStillTakesComplaints) {
  {
    Store s(path, options_with(clock));
    for (int i = 0; i < 3; ++i) s.submit_complaint(sample_complaint());
  }
  std::string bytes = read_bytes(path);
  size_t at = bytes.find("{\"category\"");
  ASSERT_NE(at, std::string::npos);
  bytes[at] = 'X';
  write_bytes(path, bytes);
  ASSERT_EQ(query_text(path, "PRAGMA integrity_check"), "ok") << "SQLite cannot see this";
  Store s(path, options_with(clock));
  EXPECT_EQ(s.integrity_problem(), "");
  EXPECT_EQ(s.unreadable_rows().complaints, 1);
  SubmitResult fresh = s.submit_complaint(sample_complaint());
  EXPECT_FALSE(fresh.ticket.empty());
  std::vector<OutboxItem> claimed = s.claim(OutboxKind::complaint, 10, "w", 60'000);
  ASSERT_EQ(claimed.size(), 3u) << "the two readable old ones and the new one";
  EXPECT_EQ(claimed.back().ref_id, fresh.id);
  for (const OutboxItem& it : claimed) EXPECT_EQ(it.payload.front(), '{');
  std::vector<OutboxItem> held = s.outbox_items(OutboxState::held);
  ASSERT_EQ(held.size(), 1u);
  EXPECT_NE(held[0].last_error.find("unreadable in the local store"), std::string::npos) << held[0].last_error;
  EXPECT_TRUE(s.claim(OutboxKind::complaint, 10, "w", 60'000).empty()) << "never claimed again by itself";
  EXPECT_TRUE(s.verify_audit().ok);
}

// All of a claim's first items unreadable: the readable ones behind them
// still come in the same claim.
TEST_F(StoreErrors, AClaimOfOnlyUnreadableRowsGoesOnToTheReadableOnes) {
  Store s(path, options_with(clock));
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(s.submit_complaint(sample_complaint()).id);
  for (int i = 0; i < 2; ++i)
    ASSERT_EQ(sqlite3_exec(s.handle(), ("UPDATE complaints SET json = 'x' WHERE id = '" + ids[i] + "'").c_str(),
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
  std::vector<OutboxItem> claimed = s.claim(OutboxKind::complaint, 2, "w", 60'000);
  ASSERT_EQ(claimed.size(), 2u);
  EXPECT_EQ(claimed[0].ref_id, ids[2]);
  EXPECT_EQ(s.outbox_counts().held, 2);
}

TEST_F(StoreErrors, AStoreThatWasThereAndIsNowEmptyOrGoneIsAnAlarmNotAFreshStart) {
  { Store(path, options_with(clock)).submit_complaint(sample_complaint()); }
  ASSERT_TRUE(std::filesystem::exists(path + ".id")) << "the store leaves its marker";
  write_bytes(path, "");  // the file emptied (a failed copy, a bad restore)
  EXPECT_EQ(open_error(), StoreError::Kind::missing);
  EXPECT_NE(message.find("missing or empty"), std::string::npos) << message;
  EXPECT_EQ(std::filesystem::file_size(path), 0u) << "not re-created";
  std::filesystem::remove(path);
  EXPECT_EQ(open_error(), StoreError::Kind::missing);
  EXPECT_FALSE(std::filesystem::exists(path));
  // Staff decide: with the marker removed on purpose, a fresh store starts.
  std::filesystem::remove(path + ".id");
  EXPECT_NO_THROW(Store(path, options_with(clock)));
}

TEST_F(StoreErrors, TruncatedFileIsRefused) {
  {
    Store s(path, options_with(clock));
    ASSERT_EQ(sqlite3_exec(s.handle(), "PRAGMA synchronous = OFF", nullptr, nullptr, nullptr), SQLITE_OK);
    for (int i = 0; i < 300; ++i) s.submit_complaint(sample_complaint());
  }
  std::string bytes = read_bytes(path).substr(0, 10 * 4096);
  write_bytes(path, bytes);
  EXPECT_EQ(open_error(), StoreError::Kind::corrupt);
  EXPECT_EQ(read_bytes(path), bytes);
}

TEST_F(StoreErrors, AnotherProgramsDatabaseIsRefusedAndLeftAlone) {
  ASSERT_EQ(exec_raw(path, "CREATE TABLE songs (title TEXT); INSERT INTO songs VALUES ('x');"), SQLITE_OK);
  const std::string before = read_bytes(path);
  EXPECT_EQ(open_error(), StoreError::Kind::corrupt);
  EXPECT_NE(message.find("another program"), std::string::npos) << message;
  EXPECT_EQ(read_bytes(path), before);
}

TEST_F(StoreErrors, DiskFullGivesAClearErrorAndNoPartialRows) {
  Store s(path, options_with(clock));
  s.submit_complaint(sample_complaint());
  // The database may not grow past its current size: the next pages it needs
  // fail with SQLITE_FULL, as on a full disk.
  ASSERT_EQ(sqlite3_exec(s.handle(), "PRAGMA max_page_count = 1", nullptr, nullptr, nullptr), SQLITE_OK);
  Complaint big = sample_complaint();
  big.description = std::string(1990, 'x') + "很长的描述";
  int saved = 0;
  bool full = false;
  std::string counts_before;
  for (int i = 0; i < 200 && !full; ++i) {
    counts_before = row_counts();
    try {
      s.submit_complaint(big);
      ++saved;
    } catch (const StoreError& e) {
      ASSERT_EQ(e.kind, StoreError::Kind::disk_full) << e.what();
      EXPECT_NE(std::string(e.what()).find("disk is full"), std::string::npos) << e.what();
      full = true;
    }
  }
  ASSERT_TRUE(full) << "max_page_count did not fill the file";
  EXPECT_EQ(row_counts(), counts_before) << "nothing of the failed submit stayed";
  EXPECT_EQ(query_text(path, "PRAGMA integrity_check"), "ok");
  EXPECT_TRUE(s.verify_audit().ok);

  // Space again: the next ticket is the one the failed submit did not get.
  ASSERT_EQ(sqlite3_exec(s.handle(), "PRAGMA max_page_count = 1073741823", nullptr, nullptr, nullptr), SQLITE_OK);
  SubmitResult r = s.submit_complaint(big);
  char want[32];
  std::snprintf(want, sizeof want, "A01-261128-%04d", saved + 2);
  EXPECT_EQ(r.ticket, want);
}

TEST_F(StoreErrors, LockedDatabaseGivesBusyAndNoPartialRows) {
  StoreOptions o = options_with(clock);
  o.busy_timeout_ms = 200;
  Store s(path, o);
  s.submit_complaint(sample_complaint());
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE; INSERT INTO sync_state VALUES ('x', 'y', 0);", nullptr, nullptr,
                         nullptr),
            SQLITE_OK);
  const std::string before = row_counts();
  auto t0 = std::chrono::steady_clock::now();
  try {
    s.submit_complaint(sample_complaint());
    ADD_FAILURE() << "submit went through a lock";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.kind, StoreError::Kind::busy) << e.what();
  }
  auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(waited, std::chrono::milliseconds(150)) << "the busy timeout was used";
  EXPECT_THROW(s.claim(OutboxKind::complaint, 1, "w", 1000), StoreError);
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  EXPECT_EQ(row_counts(), before);
  EXPECT_EQ(s.submit_complaint(sample_complaint()).ticket, "A01-261128-0002");
}

TEST_F(StoreErrors, WritesRefusedByTheFileGiveReadOnlyAndNoPartialRows) {
  Store s(path, options_with(clock));
  s.submit_complaint(sample_complaint());
  const std::string before = row_counts();
  // SQLITE_READONLY on the write path, as when the disk is remounted read-only.
  ASSERT_EQ(sqlite3_exec(s.handle(), "PRAGMA query_only = ON", nullptr, nullptr, nullptr), SQLITE_OK);
  try {
    s.submit_complaint(sample_complaint());
    ADD_FAILURE();
  } catch (const StoreError& e) {
    EXPECT_EQ(e.kind, StoreError::Kind::read_only) << e.what();
    EXPECT_NE(std::string(e.what()).find("nothing was saved"), std::string::npos) << e.what();
  }
  EXPECT_EQ(row_counts(), before);
}

// Runs f in a child process as an unprivileged user when we are root (root
// ignores file modes). Returns the child's exit code, or -1 when it cannot.
int as_unprivileged(const std::function<int()>& f) {
  if (::geteuid() != 0) return f();
  passwd* nobody = ::getpwnam("nobody");
  if (!nobody) return -1;
  pid_t pid = ::fork();
  if (pid == 0) {
    if (::setgid(nobody->pw_gid) != 0 || ::setuid(nobody->pw_uid) != 0) ::_exit(98);
    ::_exit(f());
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 99;
}

int read_only_code(const std::string& path) {
  try {
    Store s(path);
    s.submit_complaint(sample_complaint());
    return 1;  // it wrote
  } catch (const StoreError& e) {
    std::fprintf(stderr, "as expected: %s\n", e.what());
    return e.kind == StoreError::Kind::read_only ? 0 : 2;
  } catch (...) {
    return 3;
  }
}

TEST_F(StoreErrors, ReadOnlyFileIsRefusedAtOpen) {
  { Store(path, options_with(clock)).submit_complaint(sample_complaint()); }
  ASSERT_EQ(::chmod(dir.c_str(), 0755), 0);
  ASSERT_EQ(::chmod(path.c_str(), 0444), 0);
  const std::string before = read_bytes(path);
  int code = as_unprivileged([&] { return read_only_code(path); });
  if (code == 98 || code == -1) GTEST_SKIP() << "cannot drop root privileges here";
  EXPECT_EQ(code, 0) << "1: it wrote, 2: other error kind, 3: crashed";
  EXPECT_EQ(read_bytes(path), before);
}

TEST_F(StoreErrors, ReadOnlyFolderIsRefusedAtCreate) {
  ASSERT_EQ(::chmod(dir.c_str(), 0555), 0);
  int code = as_unprivileged([&] { return read_only_code(path); });
  ::chmod(dir.c_str(), 0755);
  if (code == 98 || code == -1) GTEST_SKIP() << "cannot drop root privileges here";
  EXPECT_EQ(code, 0) << "1: it wrote, 2: other error kind, 3: crashed";
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST_F(StoreErrors, MissingFolderIsAClearError) {
  try {
    Store s(dir + "/no/such/folder/kiosk.db");
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace odr::test
