// The small SQLite layer under the store (and reports, and the simulator's
// database): run SQL, keep prepared statements, bind/step/read one use of a
// statement, BEGIN ... COMMIT with rollback on the way out, and turn SQLite
// result codes into StoreError kinds with a message a person can act on.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "sqlite/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace odr {

// The kind of a SQLite result code (extended codes too).
StoreError::Kind kind_of(int rc);
// What a kind means for the person at the desk.
const char* what_it_means(StoreError::Kind k);
// Throws the StoreError of rc, naming what was being done and SQLite's own words.
[[noreturn]] void fail(sqlite3* db, int rc, const std::string& doing);

void exec(sqlite3* db, const char* sql);
// One value of a one-row query (a PRAGMA, a count): 0 / "" when no row.
int pragma_int(sqlite3* db, const char* sql);
std::string pragma_text(sqlite3* db, const char* sql);

// Prepared statements by their SQL text (always a string literal here).
class StatementCache {
 public:
  explicit StatementCache(sqlite3* db) : db_(db) {}
  ~StatementCache();
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;
  sqlite3_stmt* get(const char* sql);

 private:
  sqlite3* db_;
  std::unordered_map<const char*, sqlite3_stmt*> map_;
};

// One use of a cached statement: bind, step, read; reset when done.
class Stmt {
 public:
  Stmt(sqlite3* db, StatementCache& cache, const char* sql) : db_(db), s_(cache.get(sql)) {}
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& bind(int i, int64_t v);
  Stmt& bind(int i, std::string_view v);
  Stmt& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Stmt& bind_null(int i);

  // True while there is a row.
  bool step();
  void run() {
    while (step()) {
    }
  }
  int64_t i64(int col);
  bool null(int col);
  std::string text(int col);

 private:
  void check(int rc);
  sqlite3* db_;
  sqlite3_stmt* s_;
};

// BEGIN IMMEDIATE ... COMMIT; anything else (an exception) rolls back.
class Tx {
 public:
  explicit Tx(sqlite3* db, bool immediate = true);
  ~Tx();
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;
  void commit();

 private:
  sqlite3* db_;
  bool done_ = false;
};

}  // namespace odr
