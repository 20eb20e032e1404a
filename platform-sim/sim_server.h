// platform-sim's HTTPS server: every rule of odr-sync-v1.md, fault
// injection, a read-only HTML page at / and simulator-only endpoints under
// {base}/_sim/ (stats, complaints, faults, forget-cursors).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "protocol/messages.h"
#include "sim_db.h"

namespace odr::sim {

// Faults, each a probability (0..1) or a value. Applied to the signed API
// endpoints (complaints:batch, events:batch, updates) in this order:
// latency, 429, 503, 500, garbage (all before anything is read or stored),
// then after storing: drop_after_store, slow_ack_ms. /health gets latency and the clock.
struct Faults {
  double fail_500 = 0;
  double fail_503 = 0;
  double fail_429 = 0;
  int retry_after_s = 1;            // Retry-After on 429 (and 503 with retry_after_on_503)
  bool retry_after_date = false;    // send Retry-After as an HTTP date (server clock + retry_after_s)
  bool retry_after_on_503 = false;  // 503 carries Retry-After too (default: none, back off as for 5xx)
  int latency_ms = 0;               // added before every API answer
  double drop_after_store = 0;      // store, then close the connection without answering
  int slow_ack_ms = 0;              // a batch that stored something new is answered this much later (a time-out's lost ack)
  double garbage = 0;               // a non-JSON answer: HTML 502 page or 200 with a text body
  std::string garbage_kind = "mixed";  // "html", "200" or "mixed" (each half the time)
  int64_t clock_skew_s = 0;         // the server's clock runs this far from the machine's
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8443;          // 0: any free port (see port_file)
  std::string port_file;    // the chosen port is written here once listening
  std::string cert_file;    // server.pem (chain) and server.key
  std::string key_file;
  std::string client_ca_file;  // set: ask for and verify a client certificate (mutual TLS)
  std::string kiosks_file;     // {"kiosks":[{"id":..,"key":base64}]}; re-read when it changes
  std::string db_path;
  std::string base_path = kDefaultBasePath;
  int threads = 16;  // worker threads; each open keep-alive connection holds one
  int keep_alive_s = 10;  // an idle keep-alive connection is closed after this
  size_t max_body_bytes = kMaxBodyBytes;
  size_t max_inflated_bytes = 0;  // a gzip body once inflated; 0: max_body_bytes
  size_t max_batch = kMaxComplaintsPerBatch;
  size_t max_events = kMaxEventsPerBatch;
  Progression progression;
  Faults faults;
  uint64_t seed = 0;  // fault dice; 0: random
  bool quiet = false; // no per-request log lines
};

// Runs until SIGINT or SIGTERM. Returns the process exit code.
int run_server(const ServerOptions& opt);

}  // namespace odr::sim
