// The SQLite layer the store, the reports and platform-sim share, on real
// files: a failure names the database it is about (the complaint store by
// default, or what the caller says), one-off statements bind by name, and a
// transaction left without commit() is rolled back.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "sqlite/sqlite.h"
#include "support/temp.h"

namespace odr {
namespace {

constexpr const char* kSim = "the simulator's database";

struct Db {
  sqlite3* h = nullptr;
  Db(const std::string& path, int flags) {
    EXPECT_EQ(sqlite3_open_v2(path.c_str(), &h, flags, nullptr), SQLITE_OK) << path;
  }
  ~Db() { sqlite3_close(h); }
};

std::string make_db(const std::string& name) {
  const std::string path = test::fresh_dir(name) + "/t.db";
  Db db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  exec(db.h, "CREATE TABLE t(a INTEGER, b TEXT)");
  return path;
}

int64_t count(sqlite3* db) {
  Stmt q(db, "SELECT count(*) FROM t");
  return q.step() ? q.i64(0) : -1;
}

TEST(SqliteLayer, StoreWordsAreTheDefault) {
  EXPECT_EQ(what_it_means(StoreError::Kind::busy),
            "the complaint store is busy in another program; nothing was saved, try again");
  EXPECT_EQ(what_it_means(StoreError::Kind::wrong_key), "the key does not open the complaint store; it was left as it is");
  EXPECT_EQ(what_it_means(StoreError::Kind::read_only, kSim),
            "the simulator's database cannot be written (read-only file or folder); nothing was saved");
}

TEST(SqliteLayer, AFailureNamesItsDatabase) {
  const std::string path = make_db("sqlite-ro");
  Db ro(path, SQLITE_OPEN_READONLY);
  StatementCache cache(ro.h, kSim);
  try {
    Stmt(ro.h, cache, "INSERT INTO t(a) VALUES(1)").run();
    FAIL() << "a read-only file took a write";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.kind, StoreError::Kind::read_only) << e.what();
    const std::string m = e.what();
    EXPECT_EQ(m.rfind(kSim, 0), 0u) << m;
    EXPECT_EQ(m.find("complaint store"), std::string::npos) << m;
  }
  // The same from a one-off statement and from exec.
  try {
    Stmt(ro.h, "INSERT INTO t(a) VALUES(2)", kSim).run();
    FAIL() << "a read-only file took a write";
  } catch (const StoreError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(kSim, 0), 0u) << e.what();
  }
  try {
    exec(ro.h, "INSERT INTO t(a) VALUES(3)", kSim);
    FAIL() << "a read-only file took a write";
  } catch (const StoreError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(kSim, 0), 0u) << e.what();
  }
}

TEST(SqliteLayer, ABusyTransactionNamesItsDatabase) {
  const std::string path = make_db("sqlite-busy");
  Db a(path, SQLITE_OPEN_READWRITE), b(path, SQLITE_OPEN_READWRITE);
  Tx holding(a.h);
  try {
    Tx tx(b.h, true, kSim);
    FAIL() << "two writers at once";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.kind, StoreError::Kind::busy) << e.what();
    EXPECT_EQ(std::string(e.what()).rfind(kSim, 0), 0u) << e.what();
  }
}

TEST(SqliteLayer, OneOffStatementsBindByName) {
  const std::string path = make_db("sqlite-named");
  Db db(path, SQLITE_OPEN_READWRITE);
  Stmt(db.h, "INSERT INTO t(a, b) VALUES(:n, :s), (:n + 1, :s)").bind(":n", int64_t{41}).bind(":s", "x").run();
  Stmt q(db.h, "SELECT sum(a), min(b), avg(a) FROM t WHERE b = :s");
  q.bind(":s", std::string("x"));
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.i64(0), 83);
  EXPECT_EQ(q.text(1), "x");
  EXPECT_DOUBLE_EQ(q.f64(2), 41.5);
  EXPECT_FALSE(q.step());
  Stmt bad(db.h, "SELECT :a");
  EXPECT_THROW(bad.bind(":b", int64_t{1}), StoreError);
  EXPECT_THROW(Stmt(db.h, "SELEKT 1"), StoreError);
}

TEST(SqliteLayer, ATransactionWithoutCommitRollsBack) {
  const std::string path = make_db("sqlite-tx");
  Db db(path, SQLITE_OPEN_READWRITE);
  try {
    Tx tx(db.h);
    exec(db.h, "INSERT INTO t(a) VALUES(1)");
    throw std::runtime_error("gone before commit");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(count(db.h), 0);
  {
    Tx tx(db.h);
    exec(db.h, "INSERT INTO t(a) VALUES(1)");
    tx.commit();
  }
  EXPECT_EQ(count(db.h), 1);
}

}  // namespace
}  // namespace odr
