// The hub under load: many signed simulated kiosks at once (complaints,
// their events and heartbeats, as a kiosk's outbox sends them) against
// odr-hub processes on their own PostgreSQL cluster, over HTTPS on
// 127.0.0.1. Prints the intake rate, batch latencies, the database's size,
// checks exactly once (the database holds what was sent, no more), then
// times each dashboard query (hub/figures.h) on what was loaded.
//
//   hub_bench --smoke                      a few kiosks, for CI (ctest -L bench)
//   hub_bench [--kiosks 500] [--complaints 1000000] [--threads 8] [--hubs 2]
//
// Each worker thread owns a kiosk slice and one kept-alive HTTPS
// connection; a round for a kiosk is a batch of 100 complaints, a batch of
// their events (first response for each, an outcome for most, a
// satisfaction score and a compensation for some) and a heartbeat.

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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

struct Options {
  int kiosks = 500;
  int complaints = 1'000'000;
  int threads = 8;
  int hubs = 2;
};

struct Totals {
  std::mutex mu;
  std::vector<double> batch_ms;  // every complaints / events batch
  std::atomic<int64_t> complaints{0}, events{0}, heartbeats{0}, failures{0};
};

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// One kiosk's signed POST over the worker's own connection; the status (0: none).
int post(odr::Transport& t, const HubProcess& h, const std::string& kiosk, const std::string& key,
         const std::string& path, const std::string& body, const char* array = nullptr, size_t n = 0) {
  const std::string target = std::string("/odr/v1") + path;
  odr::HttpRequest req;
  req.method = "POST";
  req.url = "https://127.0.0.1:" + std::to_string(h.port) + target;
  req.headers = odr::sign_request(kiosk, key, "POST", target, body, odr::now_unix_s()).list();
  req.headers.push_back({"Content-Type", "application/json"});
  req.body = body;
  odr::HttpResponse r = t.send(req);
  if (r.status != 200 || !array) return r.status;
  json j = json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j["results"].is_array() || j["results"].size() != n) return -1;
  for (const auto& x : j["results"])
    if (x.value("status", "") != "accepted") return -1;
  return 200;
}

std::vector<json> events_for(const std::vector<json>& complaints, int round) {
  std::vector<json> out;
  for (size_t i = 0; i < complaints.size(); ++i) {
    const std::string id = complaints[i]["id"];
    const int roll = static_cast<int>((i * 37 + round * 11) % 100);
    std::vector<std::string> types = {"first_response"};
    if (roll < 60) types.push_back("settled");
    else if (roll < 70) types.push_back("not_settled");
    if (roll % 5 < 2) types.push_back("satisfaction");
    if (roll % 20 == 3) types.push_back("compensation_prepaid");
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

// One kiosk's round: its complaints, their events (in batches of at most
// 500), a heartbeat. Latencies of the batches go to totals.
void kiosk_round(odr::Transport& t, const HubProcess& h, const std::string& kiosk, const std::string& key, int round,
                 int n, Totals& totals) {
  std::vector<json> cs;
  for (int i = 0; i < n; ++i) cs.push_back(odr::test::complaint_json(kiosk, round * 100 + i));
  std::vector<double> local;
  auto t0 = std::chrono::steady_clock::now();
  if (post(t, h, kiosk, key, "/complaints:batch", json{{"complaints", cs}}.dump(), "results", cs.size()) != 200) {
    totals.failures++;
    return;
  }
  local.push_back(ms_since(t0));
  totals.complaints += n;
  const std::vector<json> evs = events_for(cs, round);
  for (size_t from = 0; from < evs.size(); from += 500) {
    std::vector<json> part(evs.begin() + from, evs.begin() + std::min(evs.size(), from + 500));
    t0 = std::chrono::steady_clock::now();
    if (post(t, h, kiosk, key, "/events:batch", json{{"events", part}}.dump(), "results", part.size()) != 200) {
      totals.failures++;
      return;
    }
    local.push_back(ms_since(t0));
    totals.events += static_cast<int64_t>(part.size());
  }
  odr::Heartbeat hb;
  hb.version = "odr-kiosk bench";
  hb.outbox = {{"gateway", 0, 0}, {"hub", 0, round % 50 == 7 ? 1 : 0}};
  if (post(t, h, kiosk, key, "/heartbeat", odr::to_json_text(hb)) == 200) totals.heartbeats++;
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

void load(HubEnv& env, const Options& o, Totals& totals) {
  const int rounds = std::max(1, o.complaints / (o.kiosks * 100));
  std::vector<std::thread> workers;
  for (int w = 0; w < o.threads; ++w)
    workers.emplace_back([&, w] {
      odr::TransportOptions to;
      to.ca_file = env.dev + "/ca.pem";
      auto t = odr::make_curl_transport(to);
      const HubProcess& h = *env.hubs[static_cast<size_t>(w) % env.hubs.size()];
      for (int r = 0; r < rounds; ++r)
        for (int k = 1 + w; k <= o.kiosks; k += o.threads) {
          const std::string kiosk = "k" + std::to_string(k);
          kiosk_round(*t, h, kiosk, env.keys.at(kiosk), r, 100, totals);
        }
    });
  for (auto& t : workers) t.join();
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

void time_figures(HubEnv& env) {
  odr::hub::PgConn db(env.url);
  const int64_t now = odr::now_unix_s();
  const odr::hub::Period p90{now - 90 * 86400, now + 3600};
  const auto cal = odr::load_workday_calendar(odr::test::env_or("ODR_SOURCE_DIR", ".") + "/config/workdays");
  std::printf("dashboard queries:\n");
  time_query("period figures, chain, 90 days", [&] { odr::hub::period_figures(db, {}, p90, now); });
  time_query("period figures, region R3, 90 days", [&] { odr::hub::period_figures(db, {"R3", ""}, p90, now); });
  time_query("period figures, store S3, 90 days", [&] { odr::hub::period_figures(db, {"", "S3"}, p90, now); });
  time_query("open complaints, chain", [&] { odr::hub::open_complaints(db, {}, cal, now); });
  time_query("open complaints, store S3", [&] { odr::hub::open_complaints(db, {"", "S3"}, cal, now); });
  time_query("kiosk alerts, chain", [&] { odr::hub::kiosk_alerts(db, {}, 30, now); });
}

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    auto next = [&](int& v) { return i + 1 < argc ? (v = std::atoi(argv[++i]), v > 0) : false; };
    bool ok = true;
    if (!std::strcmp(argv[i], "--smoke")) o = {4, 800, 2, 2};
    else if (!std::strcmp(argv[i], "--kiosks")) ok = next(o.kiosks);
    else if (!std::strcmp(argv[i], "--complaints")) ok = next(o.complaints);
    else if (!std::strcmp(argv[i], "--threads")) ok = next(o.threads);
    else if (!std::strcmp(argv[i], "--hubs")) ok = next(o.hubs);
    else ok = false;
    if (!ok) return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse(argc, argv, o)) {
    std::fprintf(stderr, "usage: hub_bench [--smoke] [--kiosks N] [--complaints N] [--threads N] [--hubs N]\n");
    return 2;
  }
  if (!std::getenv("ODR_BIN_DIR")) setenv("ODR_BIN_DIR", ODR_BENCH_BIN_DIR, 1);
  if (!std::getenv("ODR_TEST_TMP")) setenv("ODR_TEST_TMP", ODR_BENCH_TMP_DIR, 1);
  if (!std::getenv("ODR_SOURCE_DIR")) setenv("ODR_SOURCE_DIR", ODR_BENCH_SOURCE_DIR, 1);
  try {
    HubEnv env("hub-bench");
    register_kiosks(env, o.kiosks);
    for (int i = 0; i < o.hubs; ++i) env.start();
    std::printf("hub_bench: %d kiosks, ~%d complaints, %d threads, %d odr-hub processes (HTTPS on 127.0.0.1)\n",
                o.kiosks, o.complaints, o.threads, o.hubs);
    Totals totals;
    auto t0 = std::chrono::steady_clock::now();
    load(env, o, totals);
    const double s = ms_since(t0) / 1000.0;
    std::printf("intake: %lld complaints, %lld events, %lld heartbeats in %.1f s: %.0f complaints/s, %.0f events/s\n",
                (long long)totals.complaints, (long long)totals.events, (long long)totals.heartbeats, s,
                totals.complaints / s, totals.events / s);
    std::printf("batch latency: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%zu batches); failures %lld\n",
                percentile(totals.batch_ms, 0.5), percentile(totals.batch_ms, 0.99), percentile(totals.batch_ms, 1.0),
                totals.batch_ms.size(), (long long)totals.failures);
    const int64_t in_db = env.count("complaints"), ev_db = env.count("events");
    const bool once = in_db == totals.complaints && ev_db == totals.events && totals.failures == 0;
    std::printf("exactly once: complaints %lld in the database / %lld accepted, events %lld / %lld: %s\n",
                (long long)in_db, (long long)totals.complaints.load(), (long long)ev_db, (long long)totals.events.load(),
                once ? "equal" : "DIFFERENT");
    std::printf("database size: %s\n", env.sql("SELECT pg_size_pretty(pg_database_size(current_database()))").c_str());
    env.sql("VACUUM ANALYZE complaints");
    time_figures(env);
    return once ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "hub_bench: %s\n", e.what());
    return 1;
  }
}
