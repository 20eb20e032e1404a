#include "sqlite.h"

#include <sqlite3.h>

#include <cstring>

namespace odr {

namespace {

// The first words of a statement, to say which one failed.
std::string head(const char* sql) { return std::string(sql).substr(0, 40); }

}  // namespace

StoreError::Kind kind_of(int rc) {
  switch (rc & 0xff) {
    case SQLITE_FULL: return StoreError::Kind::disk_full;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN: return StoreError::Kind::read_only;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return StoreError::Kind::busy;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return StoreError::Kind::corrupt;
    default: return StoreError::Kind::io;
  }
}

std::string what_it_means(StoreError::Kind k, std::string_view subject) {
  const std::string s(subject);
  switch (k) {
    case StoreError::Kind::disk_full: return "the disk is full; nothing was saved";
    case StoreError::Kind::read_only: return s + " cannot be written (read-only file or folder); nothing was saved";
    case StoreError::Kind::busy: return s + " is busy in another program; nothing was saved, try again";
    case StoreError::Kind::corrupt: return s + " file is damaged; it was left as it is";
    case StoreError::Kind::missing: return s + " file is missing or empty";
    case StoreError::Kind::wrong_key: return "the key does not open " + s + "; it was left as it is";
    default: return s + " failed";
  }
}

void fail(sqlite3* db, int rc, const std::string& doing, std::string_view subject) {
  StoreError::Kind k = kind_of(rc);
  std::string msg = what_it_means(k, subject) + " (" + doing + ": " + sqlite3_errstr(rc);
  if (db && sqlite3_errcode(db) == rc && std::strcmp(sqlite3_errmsg(db), sqlite3_errstr(rc)) != 0)
    msg += std::string(", ") + sqlite3_errmsg(db);
  msg += ")";
  throw StoreError(k, msg);
}

void exec(sqlite3* db, const char* sql, std::string_view subject) {
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) fail(db, rc, head(sql), subject);
}

int pragma_int(sqlite3* db, const char* sql) {
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &s, nullptr);
  if (rc != SQLITE_OK) fail(db, rc, sql);
  rc = sqlite3_step(s);
  int v = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
  sqlite3_finalize(s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) fail(db, rc, sql);
  return v;
}

std::string pragma_text(sqlite3* db, const char* sql) {
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &s, nullptr);
  if (rc != SQLITE_OK) fail(db, rc, sql);
  rc = sqlite3_step(s);
  std::string v;
  if (rc == SQLITE_ROW && sqlite3_column_text(s, 0)) v = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
  sqlite3_finalize(s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) fail(db, rc, sql);
  return v;
}

StatementCache::~StatementCache() {
  for (auto& [sql, stmt] : map_) sqlite3_finalize(stmt);
}

sqlite3_stmt* StatementCache::get(const char* sql) {
  auto it = map_.find(sql);
  if (it != map_.end()) return it->second;
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql, -1, &s, nullptr);
  if (rc != SQLITE_OK) fail(db_, rc, "prepare", subject_);
  map_.emplace(sql, s);
  return s;
}

Stmt::Stmt(sqlite3* db, const char* sql, const char* subject) : db_(db), subject_(subject), owned_(true) {
  int rc = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(s_);
    fail(db, rc, "prepare: " + head(sql), subject);
  }
}

Stmt::~Stmt() {
  if (owned_) {
    sqlite3_finalize(s_);
    return;
  }
  sqlite3_reset(s_);
  sqlite3_clear_bindings(s_);
}

Stmt& Stmt::bind(int i, int64_t v) {
  check(sqlite3_bind_int64(s_, i, v));
  return *this;
}

Stmt& Stmt::bind(int i, std::string_view v) {
  check(sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
  return *this;
}

Stmt& Stmt::bind_null(int i) {
  check(sqlite3_bind_null(s_, i));
  return *this;
}

bool Stmt::step() {
  int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_, rc, "step: " + head(sqlite3_sql(s_)), subject_);
}

int64_t Stmt::i64(int col) { return sqlite3_column_int64(s_, col); }

double Stmt::f64(int col) { return sqlite3_column_double(s_, col); }

bool Stmt::null(int col) { return sqlite3_column_type(s_, col) == SQLITE_NULL; }

std::string Stmt::text(int col) {
  const unsigned char* t = sqlite3_column_text(s_, col);
  return t ? std::string(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_column_bytes(s_, col)))
           : std::string();
}

int Stmt::param(const char* name) {
  const int i = sqlite3_bind_parameter_index(s_, name);
  if (i == 0) throw StoreError(StoreError::Kind::io, std::string("no parameter ") + name + " in " + head(sqlite3_sql(s_)));
  return i;
}

void Stmt::check(int rc) {
  if (rc != SQLITE_OK) fail(db_, rc, "bind", subject_);
}

Tx::Tx(sqlite3* db, bool immediate, const char* subject) : db_(db), subject_(subject) {
  exec(db_, immediate ? "BEGIN IMMEDIATE" : "BEGIN", subject_);
}

Tx::~Tx() {
  if (!done_ && !sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void Tx::commit() {
  exec(db_, "COMMIT", subject_);
  done_ = true;
}

}  // namespace odr
