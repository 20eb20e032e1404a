// A small layer over libpq: one connection, results, transactions and a
// pool. Parameters and results are text; errors throw PgError with the
// server's SQLSTATE, so callers can tell a lost connection (class 08) from a
// broken rule. Messages never carry parameter values (they may be personal).
#pragma once
#include <chrono>
#include <cstdint>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

struct pg_conn;
struct pg_result;

namespace odr::hub {

class PgError : public std::runtime_error {
 public:
  PgError(const std::string& message, std::string sqlstate = "")
      : std::runtime_error(message), sqlstate(std::move(sqlstate)) {}
  std::string sqlstate;  // "" when no server answer (connection lost)
  bool connection_lost() const { return sqlstate.empty() || sqlstate.rfind("08", 0) == 0; }
};

using Param = std::optional<std::string>;  // nullopt: SQL NULL

class PgResult {
 public:
  explicit PgResult(pg_result* r);
  int rows() const;
  bool is_null(int row, int col) const;
  std::string text(int row, int col) const;  // "" for NULL
  int64_t integer(int row, int col) const;

 private:
  std::shared_ptr<pg_result> r_;
};

class PgConn {
 public:
  explicit PgConn(const std::string& conninfo);  // throws PgError
  ~PgConn();
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  // One statement with $1.. parameters (text), or several without (migrations).
  PgResult exec(const std::string& sql, const std::vector<Param>& params);
  // The same for a statement run on every request: prepared once on this
  // connection under name (parsed and planned once, not per batch).
  PgResult exec_prepared(const char* name, const char* sql, const std::vector<Param>& params);
  void exec_script(const std::string& sql);
  bool healthy() const;

 private:
  pg_conn* c_ = nullptr;
  std::set<std::string> prepared_;
};

// BEGIN ... COMMIT; rolled back when it goes out of scope uncommitted.
class PgTx {
 public:
  explicit PgTx(PgConn& c) : c_(c) { c_.exec_script("BEGIN"); }
  ~PgTx();
  void commit() {
    c_.exec_script("COMMIT");
    done_ = true;
  }

 private:
  PgConn& c_;
  bool done_ = false;
};

// At most `size` connections, made when first needed; a connection that
// broke is dropped when handed back, so the next caller gets a fresh one.
class PgPool {
 public:
  PgPool(std::string conninfo, int size) : conninfo_(std::move(conninfo)), size_(size) {}

  class Lease {
   public:
    Lease(PgPool& p, std::unique_ptr<PgConn> c) : pool_(p), c_(std::move(c)) {}
    ~Lease() { pool_.give_back(std::move(c_)); }
    Lease(const Lease&) = delete;
    PgConn& operator*() { return *c_; }
    PgConn* operator->() { return c_.get(); }

   private:
    PgPool& pool_;
    std::unique_ptr<PgConn> c_;
  };

  // Waits up to `wait` for a free connection; throws PgError when none comes.
  Lease acquire(std::chrono::milliseconds wait = std::chrono::seconds(10));

 private:
  void give_back(std::unique_ptr<PgConn> c);

  std::string conninfo_;
  int size_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PgConn>> idle_;
  int open_ = 0;
};

}  // namespace odr::hub
