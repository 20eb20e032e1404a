// Drains a backlog of complaints to platform-sim on loopback (HTTPS, the dev
// CA) and prints complaints per second, next to the same backlog sent the
// naive way: one complaint per request, each on a fresh connection (a new
// TCP + TLS handshake every time).
//
//   sync_bench            10,000 complaints (targets: >= 2,000/s, >= 20x naive)
//   sync_bench --smoke    a small backlog, for CI
//   sync_bench --n N --naive-n M
// Environment: ODR_BENCH_LOG=1 prints the engine's log lines (per-batch
// times); ODR_BENCH_NOGZIP=1 sends request bodies uncompressed.
//
// Measured (RelWithDebInfo, 2 shared cores, load 2-3, 7 runs): engine
// 13,500-25,700 complaints/s, naive 540-740/s, 24-47x. Before batching the
// store marks, claiming without the OR scan and asking for gzip answers
// only: ~6,400/s, 11-18x. Both sides share the CPU with platform-sim, so the
// ratio moves with the machine's load; run it a few times.
#include <chrono>
#include <cstdio>
#include <cstring>

#include "support/sync.h"
#include "protocol/messages.h"
#include "protocol/signing.h"

using namespace odr;
using namespace odr::test;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// One complaint per request, a new connection for each.
int64_t send_naive(const Sim& sim, const std::string& key, const std::vector<std::string>& payloads) {
  int64_t accepted = 0;
  TransportOptions t;
  t.ca_file = sim.dev + "/ca.pem";
  for (const std::string& p : payloads) {
    std::unique_ptr<Transport> http = make_curl_transport(t);  // fresh connection
    std::string body = make_batch_body("complaints", {p});
    std::string target = std::string(kDefaultBasePath) + kComplaintsBatchPath;
    HttpRequest req;
    req.method = "POST";
    req.url = sim.origin() + target;
    req.body = body;
    req.headers = {{"Content-Type", "application/json"}, {"Accept-Encoding", "gzip"}};  // as the engine asks
    for (auto& h : sign_request("kiosk-dev", key, "POST", target, body, now_unix_s()).list()) req.headers.push_back(h);
    HttpResponse r = http->send(req);
    BatchAnswer a;
    std::string why;
    if (r.ok() && r.status == 200 && parse_batch_answer(r.body, a, why) && a.results.size() == 1 && a.results[0].delivered())
      ++accepted;
  }
  return accepted;
}

}  // namespace

int main(int argc, char** argv) {
  int n = 10000, naive_n = -1;
  bool smoke = false, encrypted = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--smoke")) smoke = true;
    else if (!std::strcmp(argv[i], "--encrypted")) encrypted = true;
    else if (!std::strcmp(argv[i], "--n") && i + 1 < argc) n = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--naive-n") && i + 1 < argc) naive_n = std::atoi(argv[++i]);
    else {
      std::fprintf(stderr, "usage: sync_bench [--smoke] [--encrypted] [--n N] [--naive-n M]\n");
      return 2;
    }
  }
  if (smoke) n = 300, naive_n = naive_n < 0 ? 60 : naive_n;
  if (naive_n < 0) naive_n = n;
  naive_n = std::min(naive_n, n);
  if (!std::getenv("ODR_BIN_DIR")) setenv("ODR_BIN_DIR", ODR_BENCH_BIN_DIR, 1);
  if (!std::getenv("ODR_TEST_TMP")) setenv("ODR_TEST_TMP", ODR_BENCH_TMP_DIR, 1);

  try {
    std::string dir = fresh_dir("sync-bench");
    std::string dev = dev_setup(dir);
    std::string store_path = dir + "/kiosk.db";

    StoreOptions so = store_options();
    if (encrypted) so.key = std::string(32, '\x42');  // SQLCipher, as the installed kiosk runs
    std::printf("sync_bench: backlog of %d complaints (HTTPS on 127.0.0.1, platform-sim; store %s)\n", n,
                encrypted ? "encrypted" : "plain");
    auto t0 = std::chrono::steady_clock::now();
    {
      Store store(store_path, so);
      for (int i = 0; i < n; ++i) store.submit_complaint(valid_complaint(i));
    }
    std::printf("  filled the outbox in %.1f s (not measured below)\n", seconds_since(t0));

    // --- the engine: batches over one kept-alive connection ---
    Sim sim;
    sim.start(dir + "/sim-engine", {"--accept-after-ms", "-1"}, dev);
    SyncOptions o = engine_options(sim, store_path);
    o.store = so;
    if (!std::getenv("ODR_BENCH_LOG")) o.log = [](const std::string&) {};
    if (std::getenv("ODR_BENCH_NOGZIP")) o.gzip_above_bytes = 0;
    SyncEngine engine(o);
    t0 = std::chrono::steady_clock::now();
    SyncReport r = engine.deliver_pending();
    double engine_s = seconds_since(t0);
    Store store(store_path, so);
    int64_t delivered = store.outbox_counts().delivered;
    int64_t on_gateway = sim.stats()["complaints"].get<int64_t>();
    double engine_rate = double(delivered) / engine_s;
    std::printf("  engine: %lld delivered in %.2f s = %.0f complaints/s (%lld requests, gateway holds %lld)%s\n",
                (long long)delivered, engine_s, engine_rate, (long long)r.requests, (long long)on_gateway,
                r.failed ? " FAILED" : "");
    sim.stop();

    // --- naive: the same complaints, one per request, fresh connection each ---
    std::vector<std::string> payloads;
    for (const OutboxItem& it : store.outbox_items(OutboxState::delivered, size_t(naive_n))) payloads.push_back(it.payload);
    Sim fresh;
    fresh.start(dir + "/sim-naive", {"--accept-after-ms", "-1"}, dev);
    std::string key = load_key_file(dev + "/kiosk.key");
    t0 = std::chrono::steady_clock::now();
    int64_t naive_ok = send_naive(fresh, key, payloads);
    double naive_s = seconds_since(t0);
    double naive_rate = double(naive_ok) / naive_s;
    std::printf("  naive:  %lld accepted in %.2f s = %.0f complaints/s (one per request, new connection each)\n",
                (long long)naive_ok, naive_s, naive_rate);
    double ratio = naive_rate > 0 ? engine_rate / naive_rate : 0;
    std::printf("  engine / naive = %.1fx   (targets: >= 2000/s and >= 20x)\n", ratio);
    fresh.stop();

    bool ok = delivered == n && on_gateway == n && naive_ok == int64_t(payloads.size()) && !r.failed;
    if (!ok) {
      std::fprintf(stderr, "sync_bench: not everything went through\n");
      return 1;
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sync_bench: %s\n", e.what());
    return 1;
  }
}
