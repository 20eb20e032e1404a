// submit_complaint latency next to the floor it stands on: a bare INSERT +
// COMMIT in WAL with synchronous=FULL, on the same disk. Both run
// interleaved (one of each per round) so disk hiccups hit both alike.
// Prints median / p99 / mean; the target is submit <= 2x bare commit. The
// same submit on an encrypted store (SQLCipher, as installed) runs in the
// same rounds: the cost of encryption at rest.
//
// usage: store_bench [--n N] [--smoke] [--dir FOLDER]
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "support/samples.h"
#include "store/store.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Stats {
  double median_us, p99_us, mean_us;
};

Stats stats(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  double sum = 0;
  for (double x : v) sum += x;
  size_t p99 = std::min(v.size() - 1, static_cast<size_t>(static_cast<double>(v.size()) * 0.99));
  return {v[v.size() / 2], v[p99], sum / static_cast<double>(v.size())};
}

bool ok(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) == SQLITE_OK) return true;
  std::fprintf(stderr, "store_bench: %s: %s\n", sql, err ? err : "?");
  sqlite3_free(err);
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  size_t n = 2000;
  std::string dir;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--smoke")) n = 50;
    else if (!std::strcmp(argv[i], "--n") && i + 1 < argc) n = static_cast<size_t>(std::atol(argv[++i]));
    else if (!std::strcmp(argv[i], "--dir") && i + 1 < argc) dir = argv[++i];
    else {
      std::fprintf(stderr, "usage: store_bench [--n N] [--smoke] [--dir FOLDER]\n");
      return 2;
    }
  }
  if (n == 0) n = 1;
  if (dir.empty()) dir = "store-bench-" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);

  // The floor: one row of the same size, one transaction, one fsync.
  sqlite3* bare = nullptr;
  if (sqlite3_open((dir + "/bare.db").c_str(), &bare) != SQLITE_OK) return 1;
  if (!ok(bare, "PRAGMA journal_mode = WAL") || !ok(bare, "PRAGMA synchronous = FULL") ||
      !ok(bare, "CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"))
    return 1;
  sqlite3_stmt* ins = nullptr;
  sqlite3_prepare_v2(bare, "INSERT INTO t (body) VALUES (?)", -1, &ins, nullptr);

  odr::Store store(dir + "/kiosk.db");
  odr::StoreOptions keyed;
  keyed.key = std::string(32, '\x42');
  odr::Store encrypted(dir + "/encrypted.db", keyed);
  const odr::Complaint sample = odr::test::sample_complaint();
  const std::string body(1400, 'x');  // about the size of a complaint's JSON

  std::vector<double> t_bare, t_submit, t_encrypted;
  t_bare.reserve(n);
  t_submit.reserve(n);
  t_encrypted.reserve(n);
  try {
    for (size_t i = 0; i < n; ++i) {
      auto t0 = Clock::now();
      if (!ok(bare, "BEGIN")) return 1;
      sqlite3_bind_text(ins, 1, body.data(), static_cast<int>(body.size()), SQLITE_STATIC);
      if (sqlite3_step(ins) != SQLITE_DONE) return 1;
      sqlite3_reset(ins);
      if (!ok(bare, "COMMIT")) return 1;
      auto t1 = Clock::now();
      store.submit_complaint(sample);
      auto t2 = Clock::now();
      encrypted.submit_complaint(sample);
      auto t3 = Clock::now();
      t_bare.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
      t_submit.push_back(std::chrono::duration<double, std::micro>(t2 - t1).count());
      t_encrypted.push_back(std::chrono::duration<double, std::micro>(t3 - t2).count());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "store_bench: %s\n", e.what());
    return 1;
  }
  sqlite3_finalize(ins);
  sqlite3_close(bare);

  Stats b = stats(t_bare), s = stats(t_submit), e = stats(t_encrypted);
  std::printf("store_bench: %zu rounds in %s\n", n, std::filesystem::absolute(dir).c_str());
  std::printf("  %-28s median %8.1f us   p99 %8.1f us   mean %8.1f us\n", "bare INSERT+COMMIT (FULL)", b.median_us,
              b.p99_us, b.mean_us);
  std::printf("  %-28s median %8.1f us   p99 %8.1f us   mean %8.1f us\n", "submit_complaint", s.median_us, s.p99_us,
              s.mean_us);
  std::printf("  %-28s median %8.1f us   p99 %8.1f us   mean %8.1f us\n", "submit_complaint, encrypted", e.median_us,
              e.p99_us, e.mean_us);
  std::printf("  ratio submit/bare: median %.2fx  p99 %.2fx  (target <= 2x)\n", s.median_us / b.median_us,
              s.p99_us / b.p99_us);
  std::printf("  encryption costs: median %+.1f us (%.2fx)\n", e.median_us - s.median_us, e.median_us / s.median_us);
  std::filesystem::remove_all(dir);
  return 0;
}
