// Shared by the store tests (folders, clock and samples: tests/support):
// store options on a fake clock, and a few raw SQLite reads (the tests look
// at the file, not only the API).
#pragma once
#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "support/clock.h"
#include "support/samples.h"
#include "support/temp.h"
#include "sqlite/open.h"
#include "store/store.h"

namespace odr::test {

inline StoreOptions options_with(const FakeClock& clock) {
  StoreOptions o;
  o.kiosk_id = "mall-01";
  o.ticket_prefix = "A01";
  o.clock_ms = clock.fn();
  return o;
}

inline std::string read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << bytes;
}

// One value from a query on a separate raw connection.
inline std::string query_text(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
  register_json_functions(db);
  sqlite3_stmt* s = nullptr;
  std::string out = "<error>";
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK) {
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) out = sqlite3_column_text(s, 0) ? reinterpret_cast<const char*>(sqlite3_column_text(s, 0)) : "";
    else if (rc == SQLITE_DONE) out = "";
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return out;
}

inline int64_t query_int(const std::string& path, const std::string& sql) {
  return std::atoll(query_text(path, sql).c_str());
}

inline int exec_raw(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  register_json_functions(db);
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(db);
  return rc;
}

}  // namespace odr::test
