#include "pg.h"

#include <libpq-fe.h>

#include <cstdlib>

namespace odr::hub {

namespace {

std::string trimmed(const char* msg) {
  std::string s = msg ? msg : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// The server's own words, never the statement or its parameters.
[[noreturn]] void throw_result(pg_result* r, pg_conn* c) {
  std::string state, msg;
  if (r) {
    const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    state = s ? s : "";
    msg = trimmed(PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY));
    PQclear(r);
  }
  if (msg.empty()) msg = trimmed(PQerrorMessage(c));
  throw PgError("PostgreSQL: " + msg, state);
}

pg_result* checked(pg_result* r, pg_conn* c) {
  ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) throw_result(r, c);
  return r;
}

}  // namespace

PgResult::PgResult(pg_result* r) : r_(r, PQclear) {}
int PgResult::rows() const { return PQntuples(r_.get()); }
bool PgResult::is_null(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
std::string PgResult::text(int row, int col) const {
  return std::string(PQgetvalue(r_.get(), row, col), static_cast<size_t>(PQgetlength(r_.get(), row, col)));
}
int64_t PgResult::integer(int row, int col) const { return std::strtoll(PQgetvalue(r_.get(), row, col), nullptr, 10); }

PgConn::PgConn(const std::string& conninfo) {
  c_ = PQconnectdb(conninfo.c_str());
  if (!c_ || PQstatus(c_) != CONNECTION_OK) {
    std::string msg = c_ ? trimmed(PQerrorMessage(c_)) : "out of memory";
    if (c_) PQfinish(c_);
    c_ = nullptr;
    throw PgError("cannot connect to PostgreSQL: " + msg);
  }
  // Notices ("already exists, skipping") are not for the hub's log.
  PQsetNoticeProcessor(c_, [](void*, const char*) {}, nullptr);
}

PgConn::~PgConn() {
  if (c_) PQfinish(c_);
}

PgResult PgConn::exec(const std::string& sql, const std::vector<Param>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const Param& p : params) values.push_back(p ? p->c_str() : nullptr);
  pg_result* r = PQexecParams(c_, sql.c_str(), static_cast<int>(params.size()), nullptr, values.data(), nullptr,
                              nullptr, 0);
  return PgResult(checked(r, c_));
}

PgResult PgConn::exec_prepared(const char* name, const char* sql, const std::vector<Param>& params) {
  if (!prepared_.count(name)) {
    PQclear(checked(PQprepare(c_, name, sql, static_cast<int>(params.size()), nullptr), c_));
    prepared_.insert(name);
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const Param& p : params) values.push_back(p ? p->c_str() : nullptr);
  pg_result* r = PQexecPrepared(c_, name, static_cast<int>(params.size()), values.data(), nullptr, nullptr, 0);
  return PgResult(checked(r, c_));
}

void PgConn::exec_script(const std::string& sql) { PQclear(checked(PQexec(c_, sql.c_str()), c_)); }

bool PgConn::healthy() const { return PQstatus(c_) == CONNECTION_OK && PQtransactionStatus(c_) == PQTRANS_IDLE; }

PgTx::~PgTx() {
  if (done_) return;
  try {
    c_.exec_script("ROLLBACK");
  } catch (const PgError&) {
    // The connection is gone: the server rolls back by itself.
  }
}

PgPool::Lease PgPool::acquire(std::chrono::milliseconds wait) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!cv_.wait_for(lock, wait, [this] { return !idle_.empty() || open_ < size_; }))
    throw PgError("no free PostgreSQL connection in " + std::to_string(wait.count()) + " ms");
  if (!idle_.empty()) {
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(c));
  }
  ++open_;
  lock.unlock();
  try {
    return Lease(*this, std::make_unique<PgConn>(conninfo_));
  } catch (...) {
    std::lock_guard<std::mutex> relock(mu_);
    --open_;
    cv_.notify_one();
    throw;
  }
}

void PgPool::give_back(std::unique_ptr<PgConn> c) {
  std::lock_guard<std::mutex> lock(mu_);
  if (c && c->healthy()) idle_.push_back(std::move(c));
  else --open_;
  cv_.notify_one();
}

}  // namespace odr::hub
