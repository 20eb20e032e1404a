// Index of this file:
// [SECTION] Answers and the per-request log
// [SECTION] The server: class Hub
// [SECTION] Handlers: batches, heartbeat, health
// [SECTION] Routes and hooks
// [SECTION] Running: listening, maintenance, signals

#include "server.h"

#include "dashboard.h"

#include <httplib.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "figures.h"
#include "intake_db.h"
#include "pg.h"
#include "protocol/heartbeat.h"
#include "protocol/intake.h"
#include "schema.h"
#include "util/crypto.h"
#include "util/time.h"

namespace odr::hub {

namespace {

// -----------------------------------------------------------------------------
// [SECTION] Answers and the per-request log
// -----------------------------------------------------------------------------

// httplib would inflate gzip bodies itself; the signature covers the bytes as
// sent, so the pre-routing handler moves the header here (as platform-sim does).
const char* kStashedEncoding = "X-Hub-Original-Content-Encoding";
constexpr size_t kMaxHeartbeatBytes = 64 * 1024;

thread_local int64_t t_start_ms = 0;
thread_local std::string t_note;  // kiosk id and counts only: never personal data

void send_json(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& code, const std::string& message) {
  send_json(res, status, to_json_text(ErrorBody{code, message, std::nullopt}));
}

SignedRequest signed_request(const httplib::Request& req) {
  SignedRequest s;
  s.method = req.method;
  s.path_with_query = req.target;
  s.body = req.body;
  s.kiosk = req.get_header_value(kHeaderKiosk);
  s.timestamp = req.get_header_value(kHeaderTimestamp);
  s.nonce = req.get_header_value(kHeaderNonce);
  s.signature = req.get_header_value(kHeaderSignature);
  return s;
}

std::string counts_note(const std::vector<ItemResult>& results) {
  size_t a = 0, d = 0, r = 0;
  for (const auto& x : results) (x.status == item_status::accepted ? a : x.status == item_status::duplicate ? d : r)++;
  return " items=" + std::to_string(results.size()) + " accepted=" + std::to_string(a) + " duplicate=" +
         std::to_string(d) + " rejected=" + std::to_string(r);
}

// verify_request's answer to a nonce seen already, for a replay found when
// its request is stored (Hub::check defers the nonce to that transaction).
RequestCheck replayed() {
  RequestCheck c;
  c.http_status = 401;
  c.error = ErrorBody{auth_err::replayed_nonce, "nonce was already used", std::nullopt};
  return c;
}

int env_ms(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::max(0, std::atoi(v)) : 0;
}

// -----------------------------------------------------------------------------
// [SECTION] The server: class Hub
// -----------------------------------------------------------------------------

class Hub {
 public:
  Hub(const HubConfig& cfg, WorkdayCalendar cal) : cfg_(cfg), calendar_(std::move(cal)), pool_(cfg.url, cfg.pool) {
    rules_.personal = cfg.personal;
    rules_.calendar = &calendar_;
    rules_.deadline_working_days = cfg.deadline_working_days;
    // For tests only: hold each batch open before its commit, or its answer after it.
    if (int ms = env_ms("ODR_HUB_TEST_PAUSE_BEFORE_COMMIT_MS"); ms > 0)
      rules_.before_commit = [ms] { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); };
    pause_after_store_ms_ = env_ms("ODR_HUB_TEST_PAUSE_AFTER_STORE_MS");
  }
  int run();

 private:
  // Runs f on a pooled connection; a deadlock or serialization failure is
  // tried again (the unique keys make that safe), anything else is a 503.
  template <typename F>
  bool with_db(httplib::Response& res, int tries, F&& f);
  RequestCheck check(const httplib::Request& req, const IntakeLimits* batch, const std::string& array_name,
                     std::string& nonce);
  void refuse(httplib::Response& res, const RequestCheck& c);
  enum class Batch { complaints, events, updates };
  void handle_batch(const httplib::Request& req, httplib::Response& res, Batch kind);
  void handle_heartbeat(const httplib::Request& req, httplib::Response& res);
  void setup_routes(httplib::Server& svr);
  void setup_hooks(httplib::Server& svr);
  void maintenance_loop();
  std::unique_ptr<httplib::Server> make_server();
  bool bind_and_announce(httplib::Server& svr);

  HubConfig cfg_;
  WorkdayCalendar calendar_;
  PgPool pool_;
  IntakeRules rules_;
  int pause_after_store_ms_ = 0;
  std::atomic<bool> stopping_{false};
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
};

template <typename F>
bool Hub::with_db(httplib::Response& res, int tries, F&& f) {
  for (int attempt = 1;; ++attempt) {
    try {
      auto lease = pool_.acquire();
      f(*lease);
      return true;
    } catch (const PgError& e) {
      if ((e.sqlstate == "40P01" || e.sqlstate == "40001") && attempt < tries) continue;
      std::fprintf(stderr, "odr-hub: database: %s\n", e.what());
      t_note += " db_error";
      send_error(res, 503, wire_err::unavailable, "the hub's database is not available; try again later");
      return false;
    }
  }
}

// -----------------------------------------------------------------------------
// [SECTION] Handlers: batches, heartbeat, health
// -----------------------------------------------------------------------------

// The request-level checks and the signature, on one pooled connection. The
// nonce of a request that passed them comes back in `nonce`, not yet
// remembered: the transaction that stores the request remembers it (one
// commit a request). A request refused after its signature stores nothing:
// its nonce is remembered here, and a replay of it is refused as one.
RequestCheck Hub::check(const httplib::Request& req, const IntakeLimits* batch, const std::string& array_name,
                        std::string& nonce) {
  RequestCheck out;
  httplib::Response unused;
  const int64_t now = now_unix_s();
  bool ok = with_db(unused, 1, [&](PgConn& c) {
    nonce.clear();
    auto key_for = [&](const std::string& k) { return kiosk_key(c, k); };
    auto later = [&](const std::string&, const std::string& n) {
      nonce = n;
      return true;
    };
    if (!batch) {
      out = check_signature(signed_request(req), key_for, now, later);
      return;
    }
    IntakeRequest in;
    in.signed_part = signed_request(req);
    in.content_type = req.get_header_value("Content-Type");
    in.content_encoding = req.get_header_value(kStashedEncoding);
    out = check_batch_request(in, *batch, array_name, key_for, now, later);
    if (!out.ok && !nonce.empty() && !remember_nonce(c, in.signed_part.kiosk, nonce, now)) out = replayed();
  });
  if (!ok) {
    out = RequestCheck{};
    out.http_status = 503;
    out.error = ErrorBody{wire_err::unavailable, "the hub's database is not available; try again later", std::nullopt};
  }
  return out;
}

void Hub::refuse(httplib::Response& res, const RequestCheck& c) {
  t_note = c.http_status == 401 ? "auth=" + c.error.code : c.error.code;
  send_json(res, c.http_status, to_json_text(c.error));
}

void Hub::handle_batch(const httplib::Request& req, httplib::Response& res, Batch kind) {
  IntakeLimits limits;
  limits.max_items = kind == Batch::complaints ? kMaxComplaintsPerBatch
                     : kind == Batch::events   ? kMaxEventsPerBatch
                                               : kMaxForwardedUpdatesPerBatch;
  const char* array = kind == Batch::complaints ? "complaints" : kind == Batch::events ? "events" : "updates";
  std::string nonce;
  RequestCheck c = check(req, &limits, array, nonce);
  if (!c.ok) return refuse(res, c);
  t_note = "kiosk=" + c.kiosk;
  std::optional<std::vector<ItemResult>> stored;
  const int64_t now = now_unix_s();
  if (!with_db(res, 3, [&](PgConn& db) {
        stored = kind == Batch::complaints ? store_complaints(db, c.kiosk, c.items, rules_, now, nonce)
                 : kind == Batch::events   ? store_events(db, c.kiosk, c.items, rules_, now, nonce)
                                           : store_updates(db, c.kiosk, c.items, rules_, now, nonce);
      }))
    return;
  if (!stored) return refuse(res, replayed());
  BatchAnswer answer;
  answer.results = std::move(*stored);
  t_note += counts_note(answer.results);
  if (pause_after_store_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(pause_after_store_ms_));
  send_json(res, 200, to_json_text(answer));
}

void Hub::handle_heartbeat(const httplib::Request& req, httplib::Response& res) {
  const std::string enc = req.get_header_value(kStashedEncoding);
  if (req.get_header_value("Content-Type").rfind("application/json", 0) != 0 || (!enc.empty() && enc != "identity"))
    return send_error(res, 415, wire_err::unsupported_media_type, "a heartbeat is application/json, not compressed");
  if (req.body.size() > kMaxHeartbeatBytes)
    return send_error(res, 413, wire_err::body_too_large, "a heartbeat is at most 64 KiB");
  std::string nonce;
  RequestCheck c = check(req, nullptr, "", nonce);
  if (!c.ok) return refuse(res, c);
  t_note = "kiosk=" + c.kiosk;
  Heartbeat h;
  std::string why;
  const int64_t now = now_unix_s();
  bool fresh = true;
  if (!parse_heartbeat(req.body, h, why)) {
    if (!with_db(res, 3, [&](PgConn& db) { fresh = remember_nonce(db, c.kiosk, nonce, now); })) return;
    return fresh ? send_error(res, 400, wire_err::bad_request, why) : refuse(res, replayed());
  }
  if (!with_db(res, 3, [&](PgConn& db) { fresh = store_heartbeat(db, c.kiosk, h, now, nonce); })) return;
  if (!fresh) return refuse(res, replayed());
  send_json(res, 200, nlohmann::json{{"server_time", now_unix_s()}}.dump());
}

// -----------------------------------------------------------------------------
// [SECTION] Routes and hooks
// -----------------------------------------------------------------------------

void Hub::setup_routes(httplib::Server& svr) {
  const std::string b = cfg_.base_path;  // checked at load: '/' and [A-Za-z0-9/_-] only
  svr.Post(b + kComplaintsBatchPath, [this](const httplib::Request& q, httplib::Response& r) { handle_batch(q, r, Batch::complaints); });
  svr.Post(b + kEventsBatchPath, [this](const httplib::Request& q, httplib::Response& r) { handle_batch(q, r, Batch::events); });
  svr.Post(b + kUpdatesBatchPath, [this](const httplib::Request& q, httplib::Response& r) { handle_batch(q, r, Batch::updates); });
  svr.Post(b + kHeartbeatPath, [this](const httplib::Request& q, httplib::Response& r) { handle_heartbeat(q, r); });
  svr.Get(b + kHealthPath, [](const httplib::Request&, httplib::Response& r) {
    send_json(r, 200, to_json_text(HealthAnswer{now_unix_s(), kHubVersion}));
  });
  // The head office's pages. Cookies are Secure unless this is the loopback demo over plain HTTP.
  if (!dashboard_allowed(cfg_)) {
    std::fprintf(stderr, "odr-hub: the dashboard is not served: plain HTTP on %s, not loopback, would send passwords and"
                 " personal data in clear; set [listen] tls_cert and tls_key, or tls_proxy = true when a load balancer"
                 " in front ends TLS\n", cfg_.host.c_str());
    return;
  }
  DashboardOptions d;
  const bool loopback = cfg_.host == "127.0.0.1" || cfg_.host == "localhost" || cfg_.host == "::1";
  d.secure_cookies = !(cfg_.tls_cert.empty() && loopback);
  d.calendar = &calendar_;
  d.silent_after_minutes = cfg_.silent_after_minutes;
  if (const char* t = std::getenv("ODR_HUB_TEST_NOW")) d.test_now_s = std::atoll(t);  // tests only: the pages' clock
  add_dashboard_routes(svr, pool_, d);
}

void Hub::setup_hooks(httplib::Server& svr) {
  svr.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response&) {
    t_start_ms = now_unix_ms();
    t_note.clear();
    auto& r = const_cast<httplib::Request&>(req);  // httplib's own object; handlers get a const view
    // Intake answers go uncompressed: curl offers br, and httplib's brotli at
    // its top quality was 71% of the hub's CPU under load (hub_bench, perf)
    // for a few KB of JSON. The dashboard's pages keep their compression.
    if (req.path.rfind(cfg_.base_path, 0) == 0 && !is_dashboard_path(req.path)) r.headers.erase("Accept-Encoding");
    auto it = r.headers.find("Content-Encoding");
    if (it != r.headers.end()) {
      std::string enc = it->second;
      r.headers.erase("Content-Encoding");
      for (auto& ch : enc) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      r.headers.emplace(kStashedEncoding, enc);
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  svr.set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
    res.set_header("Date", format_http_date(now_unix_s()));
  });
  svr.set_logger([](const httplib::Request& req, const httplib::Response& res) {
    std::fprintf(stderr, "odr-hub: %s %s %d %lldms %s\n", req.method.c_str(), req.path.c_str(), res.status,
                 static_cast<long long>(now_unix_ms() - t_start_ms), t_note.c_str());
  });
  svr.set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    if (is_dashboard_path(req.path) || req.path.rfind(cfg_.base_path, 0) != 0) {  // a person's browser, not a kiosk
      send_dashboard_error(res, req, res.status == 403 ? 403 : 404);
      return httplib::Server::HandlerResponse::Handled;
    }
    if (res.status == 404) send_error(res, 404, wire_err::not_found, "no such path: check the base URL");
    else send_error(res, res.status, res.status == 413 ? wire_err::body_too_large : wire_err::bad_request,
                    "HTTP " + std::to_string(res.status));
    return httplib::Server::HandlerResponse::Handled;
  }));
  svr.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "odr-hub: internal error: %s\n", e.what());
    } catch (...) {
    }
    send_error(res, 500, wire_err::internal_error, "internal error");
  });
}

// -----------------------------------------------------------------------------
// [SECTION] Running: listening, maintenance, signals
// -----------------------------------------------------------------------------

// Once a minute: forget nonces past the window, blank personal data past
// retention, fold the figures' rollup.
void Hub::maintenance_loop() {
  std::unique_lock<std::mutex> lock(stop_mu_);
  while (!stopping_) {
    lock.unlock();
    try {
      auto c = pool_.acquire();
      forget_old_nonces(*c, now_unix_s());
      if (int64_t n = purge_personal(*c, cfg_.retention_days); n > 0)
        std::fprintf(stderr, "odr-hub: retention: personal fields blanked in %lld complaint(s)\n", static_cast<long long>(n));
      compact_figures(*c);
    } catch (const PgError& e) {
      std::fprintf(stderr, "odr-hub: maintenance: %s\n", e.what());
    }
    lock.lock();
    stop_cv_.wait_for(lock, std::chrono::seconds(60), [this] { return stopping_.load(); });
  }
}

std::unique_ptr<httplib::Server> Hub::make_server() {
  if (cfg_.tls_cert.empty()) return std::make_unique<httplib::Server>();
  auto s = std::make_unique<httplib::SSLServer>(cfg_.tls_cert.c_str(), cfg_.tls_key.c_str());
  if (!s->is_valid()) return nullptr;
  return s;
}

// Binds, writes the port file (tests and scripts wait for it), says where.
bool Hub::bind_and_announce(httplib::Server& svr) {
  int port = cfg_.port == 0 ? svr.bind_to_any_port(cfg_.host) : (svr.bind_to_port(cfg_.host, cfg_.port) ? cfg_.port : -1);
  if (port <= 0) {
    std::fprintf(stderr, "odr-hub: cannot listen on %s:%d\n", cfg_.host.c_str(), cfg_.port);
    return false;
  }
  if (!cfg_.port_file.empty()) {
    std::ofstream(cfg_.port_file + ".tmp") << port << "\n";
    std::rename((cfg_.port_file + ".tmp").c_str(), cfg_.port_file.c_str());
  }
  std::fprintf(stderr, "odr-hub: listening on %s://%s:%d%s (personal data: %s)\n", cfg_.tls_cert.empty() ? "http" : "https",
               cfg_.host.c_str(), port, cfg_.base_path.c_str(), to_string(cfg_.personal));
  return true;
}

int Hub::run() {
  {
    auto c = pool_.acquire();
    for (int v : migrate(*c)) std::fprintf(stderr, "odr-hub: migrated the database to version %d\n", v);
  }
  std::unique_ptr<httplib::Server> svr = make_server();
  if (!svr) {
    std::fprintf(stderr, "odr-hub: cannot use certificate %s with key %s\n", cfg_.tls_cert.c_str(), cfg_.tls_key.c_str());
    return 2;
  }
  svr->set_tcp_nodelay(true);  // see notes-debian-stack.md: Nagle costs ~40 ms a request
  svr->set_keep_alive_max_count(1'000'000);
  svr->set_read_timeout(10);
  svr->set_write_timeout(10);
  svr->set_payload_max_length(4 * kMaxBodyBytes);
  const size_t threads = static_cast<size_t>(cfg_.threads);
  svr->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  setup_hooks(*svr);
  setup_routes(*svr);
  if (!bind_and_announce(*svr)) return 2;
  std::thread maintenance([this] { maintenance_loop(); });
  std::thread signals([this, &svr] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    int sig = 0;
    sigwait(&set, &sig);
    {
      std::lock_guard<std::mutex> lock(stop_mu_);
      stopping_ = true;
    }
    stop_cv_.notify_all();
    svr->stop();
  });
  bool ok = svr->listen_after_bind();
  if (!stopping_) ::kill(::getpid(), SIGTERM);  // wakes the signal thread
  signals.join();
  maintenance.join();
  std::fprintf(stderr, "odr-hub: stopped\n");
  return ok ? 0 : 1;
}

}  // namespace

int run_server(const HubConfig& cfg) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  try {
    Hub hub(cfg, load_workday_calendar(cfg.calendar_dir));
    return hub.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "odr-hub: %s\n", e.what());
    return 2;
  }
}

}  // namespace odr::hub
