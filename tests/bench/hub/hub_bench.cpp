// The hub under load: many signed simulated kiosks at once (complaints,
// their events and heartbeats, as a kiosk's outbox sends them) against
// odr-hub processes on their own PostgreSQL cluster, over HTTPS on
// 127.0.0.1. Prints the intake rate, batch latencies, the database's size,
// checks exactly once (the database holds what was sent, no more), that the
// figures' rollup holds each complaint once and that the dashboard's
// figures equal its own SQL over the raw rows, then times each dashboard
// query (hub/figures.h) on what was loaded.
//
//   hub_bench --smoke                      a few kiosks, for CI (ctest -L bench)
//   hub_bench [--kiosks 500] [--complaints 1000000] [--threads 16] [--hubs 2] [--pool 12] [--kill] [--no-rollup]
//             [--pg "-c name=value ..."] [--hub-env NAME=VALUE]...
//
// --no-rollup disables the triggers that keep the period figures' rollup
// (schema v8) during the load, to measure what they cost intake; the
// figures are then not timed.
//
// Each worker thread owns a kiosk slice and one kept-alive HTTPS
// connection. The request bodies are built before the clock starts (a
// kiosk's outbox holds each item's JSON ready; building it here was most of
// the generator's CPU); signing, TLS and reading the answers are timed. A
// round for a kiosk is a batch of 100 complaints, a batch of their events (first response for each, an outcome for most, a
// satisfaction score for each, a compensation for some: ~3 a complaint)
// and a heartbeat. A batch that fails (no answer, 5xx) is sent again, same
// items, to the next hub, as a kiosk behind a load balancer would; with
// --kill the last hub is killed (SIGKILL) half-way and started again.
//
// The cluster is the test cluster (support/pg.h) with fsync back on and
// the settings printed at the start (kPgOptions); synchronous_commit stays
// on: an answer means committed, as in production.

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "hub/figures.h"
#include "hub/pg.h"
#include "hub_env.h"
#include "model/json.h"
#include "protocol/heartbeat.h"
#include "protocol/signing.h"
#include "support/samples.h"
#include "support/temp.h"
#include "transport/transport.h"
#include "util/crypto.h"
#include "util/time.h"
#include "util/uuid.h"

namespace {

using nlohmann::json;
using odr::test::HubEnv;
using odr::test::HubProcess;

// The bench cluster's settings: durable like production (fsync, synchronous
// commit), sized for a 1 M run (buffers, fewer checkpoints), statements counted.
// wal_init_zero=off: a new WAL segment is not written full of zeros first
// (IO:WALInitWrite was among the waits a 1 M run sampled; with it off and
// 16 senders the run went from ~3,900 to ~4,350 complaints/s here).
// shared_buffers=6GB: a quarter of this machine's 24 GiB (PostgreSQL's usual
// advice for a dedicated server), so a 1 M run's ~3.4 GB stay in its buffers;
// with 2GB backends wrote out dirty pages themselves: ~4,640 -> ~4,880/s.
const char* kPgDurable = "-c fsync=on -c synchronous_commit=on -c shared_preload_libraries=pg_stat_statements";
const char* kPgSized =
    "-c shared_buffers=6GB -c max_wal_size=8GB -c checkpoint_timeout=30min -c wal_buffers=64MB "
    "-c wal_compression=lz4 -c jit=off -c max_connections=100 -c wal_init_zero=off";

struct Options {
  int kiosks = 500;
  int complaints = 1'000'000;
  int threads = 16;  // kiosks sending at once: enough to fill the WAL's group commits
  int hubs = 2;
  bool kill = false;
  int pool = 12;  // connections per hub
  bool smoke = false;
  bool rollup = true;
  std::string pg;  // --pg: more PostgreSQL options, for tuning runs
  std::vector<std::string> hub_env;  // --hub-env NAME=VALUE: the hubs' environment, for tuning runs
};

struct Cpu {
  double hubs = 0, postgres = 0, generator = 0;
};
Cpu cpu_now(HubEnv& env);

struct Totals {
  Cpu at_start;  // when the clock started
  std::mutex mu;
  std::vector<double> batch_ms;  // every complaints / events batch, the successful try
  std::atomic<int64_t> complaints{0}, events{0}, heartbeats{0}, failures{0}, resent{0}, duplicates{0};
};

// The load balancer: the ports of the hubs that run; a killed hub leaves, its restart comes in.
struct Hubs {
  std::mutex mu;
  std::vector<int> ports;
  int pick(size_t n) {
    std::lock_guard<std::mutex> lock(mu);
    return ports.empty() ? 0 : ports[n % ports.size()];
  }
  void remove(int port) {
    std::lock_guard<std::mutex> lock(mu);
    ports.erase(std::remove(ports.begin(), ports.end(), port), ports.end());
  }
  void add(int port) {
    std::lock_guard<std::mutex> lock(mu);
    ports.push_back(port);
  }
};

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// One kiosk's signed POST over the worker's own connection; the status (0: none).
// With array: every result accepted (or duplicate on a re-send), else -1.
int post(odr::Transport& t, int port, const std::string& kiosk, const std::string& key, const std::string& path,
         const std::string& body, const char* array, size_t n, bool resend, Totals& totals) {
  const std::string target = std::string("/odr/v1") + path;
  odr::HttpRequest req;
  req.method = "POST";
  req.url = "https://127.0.0.1:" + std::to_string(port) + target;
  req.headers = odr::sign_request(kiosk, key, "POST", target, body, odr::now_unix_s()).list();
  req.headers.push_back({"Content-Type", "application/json"});
  req.body = body;
  odr::HttpResponse r = t.send(req);
  if (r.status != 200 || !array) return r.status;
  json j = json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j[array].is_array() || j[array].size() != n) return -1;
  int64_t dups = 0;
  for (const auto& x : j[array]) {
    const std::string st = x.value("status", "");
    if (st == "duplicate" && resend) dups++;
    else if (st != "accepted") return -1;
  }
  totals.duplicates += dups;
  return 200;
}

// Sends until it is stored (as the outbox does: the same items, a new
// signature), moving to the next hub after a failure. The successful
// try's latency goes to ms; false after ~2 minutes of failures.
bool deliver(odr::Transport& t, Hubs& hubs, size_t w, const std::string& kiosk, const std::string& key,
             const std::string& path, const std::string& body, const char* array, size_t n, Totals& totals, double* ms) {
  for (int attempt = 0; attempt < 600; ++attempt) {
    const int port = hubs.pick(w + static_cast<size_t>(attempt));
    auto t0 = std::chrono::steady_clock::now();
    if (port && post(t, port, kiosk, key, path, body, array, n, attempt > 0, totals) == 200) {
      if (ms) *ms = ms_since(t0);
      return true;
    }
    totals.resent++;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  totals.failures++;
  return false;
}

std::vector<json> events_for(const std::vector<json>& complaints, int round) {
  std::vector<json> out;
  for (size_t i = 0; i < complaints.size(); ++i) {
    const std::string id = complaints[i]["id"];
    const int roll = static_cast<int>((i * 37 + round * 11) % 100);
    std::vector<std::string> types = {"first_response"};
    if (roll < 60) types.push_back("settled");
    else if (roll < 70) types.push_back("not_settled");
    else if (roll < 80) types.push_back("withdrawn");
    types.push_back("satisfaction");
    if (roll % 5 == 3) types.push_back("compensation_prepaid");
    for (const auto& type : types) {
      odr::Event e = odr::test::sample_event(id, type);
      e.id = odr::uuid_v7();
      e.at = odr::format_rfc3339(odr::now_unix_s() - 5);
      if (type == "satisfaction") e.data.score = 1 + roll % 5;
      out.push_back(json(e));
    }
  }
  return out;
}

// One kiosk's round as its outbox holds it: the bodies ready to send (a
// kiosk stores each item's JSON when it is made), so that the load measures
// the hub and PostgreSQL, not this program building JSON on the same 2
// cores. Signing, TLS and reading each answer stay in the timed part.
struct Round {
  std::string kiosk;
  std::string complaints;                         // one batch of n
  std::vector<std::pair<std::string, size_t>> events;  // batches of at most 500, with their sizes
  std::string heartbeat;
  int n = 0;
};

Round make_round(const std::string& kiosk, int round, int n) {
  Round out;
  out.kiosk = kiosk;
  out.n = n;
  std::vector<json> cs;
  for (int i = 0; i < n; ++i) cs.push_back(odr::test::complaint_json(kiosk, round * 100 + i));
  out.complaints = json{{"complaints", cs}}.dump();
  const std::vector<json> evs = events_for(cs, round);
  for (size_t from = 0; from < evs.size(); from += 500) {
    std::vector<json> part(evs.begin() + from, evs.begin() + std::min(evs.size(), from + 500));
    out.events.emplace_back(json{{"events", part}}.dump(), part.size());
  }
  odr::Heartbeat hb;
  hb.version = "odr-kiosk bench";
  hb.outbox = {{"gateway", 0, 0}, {"hub", 0, round % 50 == 7 ? 1 : 0}};
  out.heartbeat = odr::to_json_text(hb);
  return out;
}

// Sends one kiosk's round: its complaints, their events, a heartbeat.
// Latencies of the batches go to totals.
void kiosk_round(odr::Transport& t, Hubs& hubs, size_t w, const std::string& key, const Round& r, Totals& totals) {
  std::vector<double> local;
  double ms = 0;
  if (!deliver(t, hubs, w, r.kiosk, key, "/complaints:batch", r.complaints, "results", static_cast<size_t>(r.n), totals,
               &ms))
    return;
  local.push_back(ms);
  totals.complaints += r.n;
  for (const auto& [body, n] : r.events) {
    if (!deliver(t, hubs, w, r.kiosk, key, "/events:batch", body, "results", n, totals, &ms)) return;
    local.push_back(ms);
    totals.events += static_cast<int64_t>(n);
  }
  if (deliver(t, hubs, w, r.kiosk, key, "/heartbeat", r.heartbeat, nullptr, 0, totals, nullptr)) totals.heartbeats++;
  std::lock_guard<std::mutex> lock(totals.mu);
  totals.batch_ms.insert(totals.batch_ms.end(), local.begin(), local.end());
}

// Kiosks k1..kN at stores S1..SN in 20 regions, keys straight into the
// table (odr-hub kiosk add, one process each, would dominate a short run).
void register_kiosks(HubEnv& env, int n) {
  std::string sql = "INSERT INTO regions (id) SELECT 'R' || r FROM generate_series(1, 20) r ON CONFLICT DO NOTHING;"
                    "INSERT INTO stores (id, region_id) SELECT 'S' || s, 'R' || (1 + s % 20) FROM generate_series(1, " +
                    std::to_string(n) + ") s ON CONFLICT DO NOTHING;";
  for (int i = 1; i <= n; ++i) {
    const std::string kiosk = "k" + std::to_string(i);
    env.keys[kiosk] = odr::decode_key(odr::make_key_base64());
    sql += "INSERT INTO kiosks (id, store_id, key) VALUES ('" + kiosk + "', 'S" + std::to_string(i) + "', decode('" +
           odr::to_hex(reinterpret_cast<const unsigned char*>(env.keys[kiosk].data()), env.keys[kiosk].size()) + "', 'hex'));";
  }
  env.sql(sql);
}

// With o.kill: once half the complaints are in, the last hub is killed
// (SIGKILL, batches in flight) and, a second later, started again.
void kill_and_restart(HubEnv& env, Hubs& hubs, const Options& o, const std::string& config, Totals& totals,
                      std::atomic<bool>& done) {
  while (!done && totals.complaints < o.complaints / 2) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  if (done) return;
  HubProcess& victim = *env.hubs.back();
  hubs.remove(victim.port);
  env.kill9(victim);
  std::printf("killed odr-hub (SIGKILL) at %lld complaints\n", (long long)totals.complaints.load());
  std::this_thread::sleep_for(std::chrono::seconds(1));
  hubs.add(env.start(o.hub_env, config).port);
  std::printf("odr-hub started again\n");
}

// Every worker's rounds, in the order it sends them (its kiosks, round by
// round), built by the workers at once before the clock starts.
std::vector<std::vector<Round>> make_rounds(const Options& o, int rounds) {
  std::vector<std::vector<Round>> out(static_cast<size_t>(o.threads));
  std::vector<std::thread> builders;
  for (int w = 0; w < o.threads; ++w)
    builders.emplace_back([&, w] {
      for (int r = 0; r < rounds; ++r)
        for (int k = 1 + w; k <= o.kiosks; k += o.threads)
          out[static_cast<size_t>(w)].push_back(make_round("k" + std::to_string(k), r, 100));
    });
  for (auto& b : builders) b.join();
  return out;
}

// The timed part: every worker sends its rounds; returns the seconds it took.
double load(HubEnv& env, Hubs& hubs, const Options& o, const std::string& config, Totals& totals) {
  const int rounds = std::max(1, o.complaints / (o.kiosks * 100));
  const auto t_build = std::chrono::steady_clock::now();
  const std::vector<std::vector<Round>> work = make_rounds(o, rounds);
  std::printf("bodies built in %.1f s (not timed)\n", ms_since(t_build) / 1000.0);
  std::atomic<bool> done{false};
  totals.at_start = cpu_now(env);
  const auto t0 = std::chrono::steady_clock::now();
  std::thread killer;
  if (o.kill) killer = std::thread([&] { kill_and_restart(env, hubs, o, config, totals, done); });
  std::vector<std::thread> workers;
  for (int w = 0; w < o.threads; ++w)
    workers.emplace_back([&, w] {
      odr::TransportOptions to;
      to.ca_file = env.dev + "/ca.pem";
      to.request_timeout_s = 30;
      auto t = odr::make_curl_transport(to);
      for (const Round& r : work[static_cast<size_t>(w)]) kiosk_round(*t, hubs, static_cast<size_t>(w), env.keys.at(r.kiosk), r, totals);
    });
  for (auto& t : workers) t.join();
  const double s = ms_since(t0) / 1000.0;
  done = true;
  if (killer.joinable()) killer.join();
  return s;
}

// CPU seconds (user + system) of a process, from /proc; 0 when gone.
double cpu_s(pid_t pid) {
  FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (!f) return 0;
  char buf[2048];
  size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  buf[n] = 0;
  const char* p = std::strrchr(buf, ')');
  unsigned long long ut = 0, st = 0;
  // after ") ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
  if (!p || std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2) return 0;
  return static_cast<double>(ut + st) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Every PostgreSQL process's CPU (the postmaster's children: backends, WAL writer, checkpointer).
double postgres_cpu_s(const std::string& data_dir) {
  FILE* f = std::fopen((data_dir + "/postmaster.pid").c_str(), "r");
  if (!f) return 0;
  int master = 0;
  if (std::fscanf(f, "%d", &master) != 1) master = 0;
  std::fclose(f);
  double sum = cpu_s(master);
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream st(e.path() / "stat");
    std::string line;
    std::getline(st, line);
    const size_t close = line.rfind(')');
    int ppid = 0;
    if (close != std::string::npos && std::sscanf(line.c_str() + close + 2, "%*c %d", &ppid) == 1 && ppid == master)
      sum += cpu_s(std::stoi(name));
  }
  return sum;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

template <typename F>
void time_query(const char* name, F&& f) {
  f();  // warm
  double best = 1e18;
  for (int i = 0; i < 3; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    best = std::min(best, ms_since(t0));
  }
  std::printf("  %-40s %8.1f ms (best of 3)\n", name, best);
}

// The dashboard's 90 days: whole China-local days, today the last (web/period.h).
odr::hub::Period dashboard_90_days(int64_t now) {
  const int64_t tomorrow = (now + 8 * 3600) / 86400 + 1;
  return {(tomorrow - 90) * 86400 - 8 * 3600, tomorrow * 86400 - 8 * 3600};
}

void time_figures(HubEnv& env) {
  odr::hub::PgConn db(env.url);
  const int64_t now = odr::now_unix_s();
  const odr::hub::Period p90 = dashboard_90_days(now);
  const odr::hub::Period to_the_second{now - 90 * 86400, now + 3600};
  const auto cal = odr::load_workday_calendar(odr::test::env_or("ODR_SOURCE_DIR", ".") + "/config/workdays");
  std::printf("dashboard queries:\n");
  time_query("period figures, chain, 90 days", [&] { odr::hub::period_figures(db, {}, p90, now); });
  time_query("period figures, region R3, 90 days", [&] { odr::hub::period_figures(db, {"R3", ""}, p90, now); });
  time_query("period figures, store S3, 90 days", [&] { odr::hub::period_figures(db, {"", "S3"}, p90, now); });
  time_query("period figures, chain, 90 days to the second", [&] { odr::hub::period_figures(db, {}, to_the_second, now); });
  time_query("open board, chain, first page of 100", [&] { odr::hub::open_complaints(db, {}, cal, now, {100, 0}); });
  time_query("open board, chain, page 50 (offset 4,900)", [&] { odr::hub::open_complaints(db, {}, cal, now, {100, 4900}); });
  time_query("open board, region R3, first page of 100", [&] { odr::hub::open_complaints(db, {"R3", ""}, cal, now, {100, 0}); });
  time_query("open summary, chain", [&] { odr::hub::open_summary(db, {}, cal, now); });
  time_query("open summary, region R3", [&] { odr::hub::open_summary(db, {"R3", ""}, cal, now); });
  time_query("open board, store S3, every row", [&] { odr::hub::open_complaints(db, {"", "S3"}, cal, now); });
  time_query("open board, chain, every row", [&] { odr::hub::open_complaints(db, {}, cal, now); });
  time_query("kiosk alerts, chain", [&] { odr::hub::kiosk_alerts(db, {}, 30, now); });
}

// The rollup (store_day_figures) must hold every complaint and figure once,
// after two hubs appended to it at once and a hub was killed, before and
// after it is compacted (as the hubs' maintenance does each minute).
bool rollup_adds_up(HubEnv& env) {
  const std::string direct = env.sql(
      "SELECT count(*) || '/' || count(satisfaction) || '/' || sum(compensation_fen) || '/' || count(outcome_day) || '/' || "
      "count(*) FILTER (WHERE outcome_at IS NULL) FROM complaints");
  const std::string rolled = "SELECT sum(received) || '/' || sum(s1 + s2 + s3 + s4 + s5) || '/' || sum(comp_fen) || '/' || "
                             "sum(on_time + late) || '/' || sum(open) FROM store_day_figures";
  const std::string before = env.sql(rolled), rows = env.sql("SELECT count(*) FROM store_day_figures");
  odr::hub::PgConn db(env.url);
  const int64_t folded = odr::hub::compact_figures(db);
  const std::string after = env.sql(rolled);
  const bool same = before == direct && after == direct;
  std::printf("rollup: received / scored / compensation fen / decided / open: %s in complaints, %s in the rollup (%s rows), "
              "%s after compaction (%lld rows folded): %s\n",
              direct.c_str(), before.c_str(), rows.c_str(), after.c_str(), static_cast<long long>(folded),
              same ? "equal" : "DIFFERENT");
  return same;
}

// After the load: what the dashboard shows for its 90 days (period_figures,
// from the rollup; the pages tests tie the page to it) against this
// program's own count over the raw rows (events and platform updates, not
// the facts the hub folds into each complaint), chain-wide.
// Over a connection of its own: psql (env.sql) is bounded to 60 s, and at
// 1 M complaints with 3 M events this takes longer.
std::string raw_sql_figures(odr::hub::PgConn& db, const odr::hub::Period& p) {
  const std::string ev = "SELECT 1 FROM events e WHERE e.complaint_id = x.id AND e.type = ";
  return db.exec(
      "WITH x AS (SELECT id FROM complaints WHERE filed_at >= to_timestamp(" + std::to_string(p.from_s) +
      ") AND filed_at < to_timestamp(" + std::to_string(p.to_s) + ")),"
      " last_status AS (SELECT DISTINCT ON (u.complaint_id) u.complaint_id, u.status FROM platform_updates u"
      "  JOIN x ON x.id = u.complaint_id WHERE u.status IS NOT NULL ORDER BY u.complaint_id, u.at DESC, u.id DESC),"
      " settled AS (SELECT id FROM x WHERE EXISTS (" + ev + "'settled') OR EXISTS (SELECT 1 FROM last_status l"
      "  WHERE l.complaint_id = x.id AND l.status = 'settled')),"
      " not_settled AS (SELECT id FROM x WHERE (EXISTS (" + ev + "'not_settled') OR EXISTS (SELECT 1 FROM last_status l"
      "  WHERE l.complaint_id = x.id AND l.status = 'not_settled')) AND NOT EXISTS (SELECT 1 FROM settled"
      "  WHERE settled.id = x.id)),"
      " score AS (SELECT DISTINCT ON (e.complaint_id) (e.payload->'data'->>'score')::int AS s FROM events e"
      "  JOIN x ON x.id = e.complaint_id WHERE e.type = 'satisfaction' ORDER BY e.complaint_id, e.at DESC),"
      " comp AS (SELECT count(*) AS n, coalesce(sum((e.payload->'data'->>'amount_fen')::bigint), 0) AS fen FROM events e"
      "  JOIN x ON x.id = e.complaint_id WHERE e.type = 'compensation_prepaid')"
      " SELECT (SELECT count(*) FROM x) || '/' || (SELECT count(*) FROM settled) || '/' || (SELECT count(*) FROM not_settled)"
      " || '/' || (SELECT string_agg((SELECT count(*) FROM score WHERE s = k)::text, ',' ORDER BY k)"
      " FROM generate_series(1, 5) k) || '/' || (SELECT n FROM comp) || '/' || (SELECT fen FROM comp)", {})
      .text(0, 0);
}

bool figures_equal_raw_sql(HubEnv& env) {
  odr::hub::PgConn db(env.url);
  const int64_t now = odr::now_unix_s();
  const odr::hub::Period p = dashboard_90_days(now);
  const odr::hub::Figures f = odr::hub::period_figures(db, {}, p, now).chain;
  std::string shown = std::to_string(f.received) + "/" + std::to_string(f.settled()) + "/" + std::to_string(f.not_settled) + "/";
  for (size_t k = 0; k < f.satisfaction.size(); ++k) shown += (k ? "," : "") + std::to_string(f.satisfaction[k]);
  shown += "/" + std::to_string(f.compensation_count) + "/" + std::to_string(f.compensation_fen);
  const std::string raw = raw_sql_figures(db, p);
  const bool same = shown == raw;
  std::printf("figures, 90 days, chain: received / settled / not settled / scores 1-5 / compensations / fen: dashboard %s, "
              "raw rows %s: %s\n",
              shown.c_str(), raw.c_str(), same ? "equal" : "DIFFERENT");
  return same;
}

// The hubs' config: the test env's, with the pool size asked for.
std::string hub_config(HubEnv& env, int pool) {
  const std::string path = env.write_config();
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t at = text.find("pool = 4");
  if (at != std::string::npos) text.replace(at, 8, "pool = " + std::to_string(pool));
  std::ofstream(path) << text;
  return path;
}

void print_load(const char* when) {
  double l[3] = {0, 0, 0};
  if (getloadavg(l, 3) == 3) std::printf("load average %s: %.2f %.2f %.2f\n", when, l[0], l[1], l[2]);
}

// CPU seconds so far: the hubs that run (TLS, JSON, checks), PostgreSQL, this generator.
Cpu cpu_now(HubEnv& env) {
  Cpu c;
  for (const auto& h : env.hubs)
    if (h->pid > 0) c.hubs += cpu_s(h->pid);
  rusage me{};
  getrusage(RUSAGE_SELF, &me);
  c.generator = static_cast<double>(me.ru_utime.tv_sec + me.ru_stime.tv_sec) +
                static_cast<double>(me.ru_utime.tv_usec + me.ru_stime.tv_usec) / 1e6;
  c.postgres = postgres_cpu_s(env.pg->dir() + "/data");
  return c;
}

// Where the CPU went during the timed load.
void print_cpu(HubEnv& env, double wall_s, const Cpu& at_start) {
  const Cpu now = cpu_now(env);
  std::printf("cpu seconds in %.1f s wall: odr-hub %.1f (running hubs only), postgres %.1f, generator %.1f\n", wall_s,
              now.hubs - at_start.hubs, now.postgres - at_start.postgres, now.generator - at_start.generator);
}

void print_sizes(HubEnv& env, int64_t complaints) {
  const double bytes = std::stod(env.sql("SELECT pg_database_size(current_database())"));
  std::printf("database size: %.0f MB, %.2f GB a million complaints (with their events)\n", bytes / 1e6,
              complaints ? bytes / 1e9 * 1e6 / static_cast<double>(complaints) : 0.0);
  std::printf("%s\n", env.sql("SELECT string_agg(relname || ' ' || pg_size_pretty(pg_total_relation_size(oid)) || "
                               "' (indexes ' || pg_size_pretty(pg_indexes_size(oid)) || ')', ', ' ORDER BY relname) "
                               "FROM pg_class WHERE relname IN ('complaints', 'events', 'heartbeats', 'nonces')")
                           .c_str());
}

// The statements that took the database's time during the load (pg_stat_statements).
void print_statements(HubEnv& env) {
  std::printf("statements by total time:\n%s\n",
              env.sql("SELECT string_agg(format('  %8s ms total %7s calls %7s ms mean  %s', round(total_exec_time), "
                      "calls, round(mean_exec_time::numeric, 2), left(regexp_replace(query, '\\s+', ' ', 'g'), 70)), "
                      "E'\\n' ORDER BY total_exec_time DESC) FROM (SELECT * FROM pg_stat_statements "
                      "ORDER BY total_exec_time DESC LIMIT 10) s")
                  .c_str());
}

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    auto next = [&](int& v) { return i + 1 < argc ? (v = std::atoi(argv[++i]), v > 0) : false; };
    bool ok = true;
    if (!std::strcmp(argv[i], "--smoke")) o = {4, 800, 2, 2, true, 4, true, true, "", {}};
    else if (!std::strcmp(argv[i], "--kill")) o.kill = true;
    else if (!std::strcmp(argv[i], "--no-rollup")) o.rollup = false;
    else if (!std::strcmp(argv[i], "--pool")) ok = next(o.pool);
    else if (!std::strcmp(argv[i], "--kiosks")) ok = next(o.kiosks);
    else if (!std::strcmp(argv[i], "--complaints")) ok = next(o.complaints);
    else if (!std::strcmp(argv[i], "--threads")) ok = next(o.threads);
    else if (!std::strcmp(argv[i], "--hubs")) ok = next(o.hubs);
    else if (!std::strcmp(argv[i], "--pg") && i + 1 < argc) o.pg = argv[++i];
    else if (!std::strcmp(argv[i], "--hub-env") && i + 1 < argc) o.hub_env.push_back(argv[++i]);
    else ok = false;
    if (!ok) return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse(argc, argv, o)) {
    std::fprintf(stderr, "usage: hub_bench [--smoke] [--kiosks N] [--complaints N] [--threads N] [--hubs N] [--pool N] [--kill]"
                 " [--no-rollup] [--pg \"-c name=value ...\"] [--hub-env NAME=VALUE]\n");
    return 2;
  }
  if (!std::getenv("ODR_BIN_DIR")) setenv("ODR_BIN_DIR", ODR_BENCH_BIN_DIR, 1);
  if (!std::getenv("ODR_TEST_TMP")) setenv("ODR_TEST_TMP", ODR_BENCH_TMP_DIR, 1);
  if (!std::getenv("ODR_SOURCE_DIR")) setenv("ODR_SOURCE_DIR", ODR_BENCH_SOURCE_DIR, 1);
  std::string pg_options = std::string(kPgDurable) + (o.smoke ? "" : std::string(" ") + kPgSized);
  if (!o.pg.empty()) pg_options += " " + o.pg;
  setenv("ODR_TEST_PG_OPTIONS", pg_options.c_str(), 1);
  try {
    HubEnv env("hub-bench");
    register_kiosks(env, o.kiosks);
    env.sql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    const std::string config = hub_config(env, o.pool);
    if (!o.rollup) env.sql("ALTER TABLE complaints DISABLE TRIGGER USER");
    Hubs hubs;
    for (int i = 0; i < o.hubs; ++i) hubs.add(env.start(o.hub_env, config).port);
    std::printf("hub_bench: %d kiosks, ~%d complaints, %d threads, %d odr-hub processes (pool %d, HTTPS on 127.0.0.1)%s\n",
                o.kiosks, o.complaints, o.threads, o.hubs, o.pool, o.kill ? ", one killed half-way" : "");
    std::printf("postgres: %s (server says fsync=%s synchronous_commit=%s)\n", pg_options.c_str(),
                env.sql("SHOW fsync").c_str(), env.sql("SHOW synchronous_commit").c_str());
    env.sql("SELECT pg_stat_reset_shared('wal')");
    print_load("before");
    Totals totals;
    env.sql("SELECT pg_stat_statements_reset()");
    const double s = load(env, hubs, o, config, totals);
    print_load("after");
    std::printf("intake: %lld complaints, %lld events, %lld heartbeats in %.1f s: %.0f complaints/s, %.0f events/s\n",
                (long long)totals.complaints, (long long)totals.events, (long long)totals.heartbeats, s,
                totals.complaints / s, totals.events / s);
    std::printf("batch latency: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%zu batches); re-sent %lld, duplicate answers %lld, "
                "failures %lld\n",
                percentile(totals.batch_ms, 0.5), percentile(totals.batch_ms, 0.99), percentile(totals.batch_ms, 1.0),
                totals.batch_ms.size(), (long long)totals.resent, (long long)totals.duplicates, (long long)totals.failures);
    print_cpu(env, s, totals.at_start);
    const int64_t in_db = env.count("complaints"), ev_db = env.count("events");
    bool once = in_db == totals.complaints && ev_db == totals.events && totals.failures == 0;
    std::printf("exactly once: complaints %lld in the database / %lld sent, events %lld / %lld: %s\n",
                (long long)in_db, (long long)totals.complaints.load(), (long long)ev_db, (long long)totals.events.load(),
                once ? "equal" : "DIFFERENT");
    if (o.rollup) once = rollup_adds_up(env) && figures_equal_raw_sql(env) && once;
    print_sizes(env, in_db);
    std::printf("WAL: %s\n", env.sql("SELECT pg_size_pretty(wal_bytes) || ', ' || wal_fpi || ' full pages, ' || wal_sync || "
                                    "' syncs, ' || round(wal_sync_time) || ' ms syncing' FROM pg_stat_wal").c_str());
    print_statements(env);
    env.sql("VACUUM ANALYZE");
    if (o.rollup) time_figures(env);
    return once ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "hub_bench: %s\n", e.what());
    return 1;
  }
}
