// The small SQLite layer under the store (and reports, and the simulator's
// database): run SQL, keep prepared statements or prepare one for a single
// use, bind/step/read one use of a statement, BEGIN ... COMMIT with rollback
// on the way out, and turn SQLite result codes into StoreError kinds with a
// message a person can act on.
//
// A message names the database it is about (its subject). The default is
// the complaint store, which the store and the reports over its connection
// work on; another database passes its own (platform-sim: "the simulator's
// database") to the cache, the one-off statements, exec and Tx it uses.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "sqlite/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace odr {

inline constexpr const char* kComplaintStore = "the complaint store";

// The kind of a SQLite result code (extended codes too).
StoreError::Kind kind_of(int rc);
// What a kind means for the person at the desk, about `subject`.
std::string what_it_means(StoreError::Kind k, std::string_view subject = kComplaintStore);
// Throws the StoreError of rc, naming what was being done and SQLite's own words.
[[noreturn]] void fail(sqlite3* db, int rc, const std::string& doing, std::string_view subject = kComplaintStore);

void exec(sqlite3* db, const char* sql, std::string_view subject = kComplaintStore);
// One value of a one-row query (a PRAGMA, a count): 0 / "" when no row.
int pragma_int(sqlite3* db, const char* sql);
std::string pragma_text(sqlite3* db, const char* sql);

// Prepared statements by their SQL text (always a string literal here).
class StatementCache {
 public:
  explicit StatementCache(sqlite3* db, const char* subject = kComplaintStore) : db_(db), subject_(subject) {}
  ~StatementCache();
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;
  sqlite3_stmt* get(const char* sql);
  const char* subject() const { return subject_; }

 private:
  sqlite3* db_;
  const char* subject_;
  std::unordered_map<const char*, sqlite3_stmt*> map_;
};

// One use of a statement: bind, step, read. A cached statement is reset
// when done; a one-off one (no cache: SQL run once in a while, or not a
// literal) is prepared here and finalized when done.
class Stmt {
 public:
  Stmt(sqlite3* db, StatementCache& cache, const char* sql)
      : db_(db), s_(cache.get(sql)), subject_(cache.subject()) {}
  Stmt(sqlite3* db, const char* sql, const char* subject = kComplaintStore);
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& bind(int i, int64_t v);
  Stmt& bind(int i, std::string_view v);
  Stmt& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Stmt& bind_null(int i);
  // By name (":from"): a name used twice in the SQL is one parameter.
  Stmt& bind(const char* name, int64_t v) { return bind(param(name), v); }
  Stmt& bind(const char* name, std::string_view v) { return bind(param(name), v); }
  Stmt& bind(const char* name, const std::string& v) { return bind(param(name), std::string_view(v)); }
  Stmt& bind(const char* name, const char* v) { return bind(param(name), std::string_view(v)); }

  // True while there is a row.
  bool step();
  void run() {
    while (step()) {
    }
  }
  int64_t i64(int col);
  double f64(int col);
  bool null(int col);
  std::string text(int col);

 private:
  int param(const char* name);
  void check(int rc);
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
  const char* subject_;
  bool owned_ = false;  // one-off: finalized, not reset, when done
};

// BEGIN IMMEDIATE ... COMMIT; anything else (an exception) rolls back.
class Tx {
 public:
  explicit Tx(sqlite3* db, bool immediate = true, const char* subject = kComplaintStore);
  ~Tx();
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;
  void commit();

 private:
  sqlite3* db_;
  const char* subject_;
  bool done_ = false;
};

}  // namespace odr
