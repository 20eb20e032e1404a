// platform-sim's server (sim_server.h says what it serves).
//
// Index of this file:
// [SECTION] Answers: JSON bodies, error bodies, the per-request state
// [SECTION] Kiosks: the registered kiosks and their keys
// [SECTION] Stats (simulator-only)
// [SECTION] Faults as JSON
// [SECTION] The server: class Sim
// [SECTION] Faults on the wire, signatures, dropped connections
// [SECTION] The wire contract's handlers: batches and updates
// [SECTION] Routes: hooks, the wire, the simulator's own
// [SECTION] Running: TLS, listening, progression and signals

#include "sim_server.h"

#include <httplib.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "model/json.h"
#include "model/validate.h"
#include "protocol/intake.h"
#include "protocol/signing.h"
#include "sim_page.h"
#include "sim_rules.h"
#include "util/crypto.h"
#include "util/time.h"

namespace odr::sim {

namespace {

using nlohmann::json;

// -----------------------------------------------------------------------------
// [SECTION] Answers: JSON bodies, error bodies, the per-request state
// -----------------------------------------------------------------------------

const char* kVersion = "platform-sim 0.1.0 (odr-sync-v1)";
// httplib would inflate gzip bodies itself; the signature covers the bytes as
// sent, so the pre-routing handler moves the header here and we inflate.
const char* kStashedEncoding = "X-Sim-Original-Content-Encoding";

// Per request, on the worker thread that serves it (httplib serves one
// connection per thread from accept to close).
thread_local int64_t t_start_ms = 0;
thread_local bool t_dropped = false;
thread_local std::string t_note;  // extra words for the log line (never personal data)

std::string regex_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::string("\\^$.|?*+()[]{}").find(c) != std::string::npos) out += '\\';
    out += c;
  }
  return out;
}

void send_json(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, "application/json");
}

void send_error(httplib::Response& res, int status, const std::string& code, const std::string& message,
                std::optional<int64_t> server_time = std::nullopt) {
  send_json(res, status, to_json_text(ErrorBody{code, message, server_time}));
}

// -----------------------------------------------------------------------------
// [SECTION] Kiosks: the registered kiosks and their keys
// -----------------------------------------------------------------------------

class Kiosks {
 public:
  explicit Kiosks(std::string path) : path_(std::move(path)) {
    std::string err;
    if (!load(err)) throw std::runtime_error(err);
  }
  ~Kiosks() {
    for (auto& [id, key] : keys_) wipe(key);
  }

  std::optional<std::string> key_for(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    maybe_reload();
    auto it = keys_.find(id);
    if (it == keys_.end()) return std::nullopt;
    return it->second;
  }
  size_t size() {
    std::lock_guard<std::mutex> lock(mu_);
    return keys_.size();
  }

 private:
  // The file may change while the server runs (a test adds a kiosk): look at
  // its time stamp at most twice a second.
  void maybe_reload() {
    int64_t now = now_unix_ms();
    if (now - last_check_ms_ < 500) return;
    last_check_ms_ = now;
    std::error_code ec;
    auto t = std::filesystem::last_write_time(path_, ec);
    if (ec || t == mtime_) return;
    std::string err;
    if (!load(err)) std::fprintf(stderr, "platform-sim: kiosks file not reloaded: %s\n", err.c_str());
  }

  bool load(std::string& err) {
    std::error_code ec;
    auto t = std::filesystem::last_write_time(path_, ec);
    std::ifstream in(path_);
    if (!in) {
      err = "cannot read kiosks file " + path_;
      return false;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    json j = json::parse(text, nullptr, false);
    wipe(text);
    if (j.is_discarded() || !j.is_object() || !j.contains("kiosks") || !j["kiosks"].is_array()) {
      err = path_ + ": expected {\"kiosks\":[{\"id\":\"...\",\"key\":\"base64\"}]}";
      return false;
    }
    std::map<std::string, std::string> keys;
    size_t n = 0;
    for (const auto& k : j["kiosks"]) {
      ++n;
      if (!k.is_object() || !k.contains("id") || !k["id"].is_string() || !k.contains("key") || !k["key"].is_string() ||
          !is_valid_kiosk_id(k["id"].get<std::string>())) {
        err = path_ + ": kiosk " + std::to_string(n) + " needs a valid \"id\" and a \"key\"";
        return false;
      }
      try {
        keys[k["id"].get<std::string>()] = decode_key(k["key"].get<std::string>());
      } catch (const KeyError& e) {
        err = path_ + ": kiosk " + k["id"].get<std::string>() + ": " + e.what();
        return false;
      }
    }
    for (auto& [id, key] : keys_) wipe(key);
    keys_ = std::move(keys);
    mtime_ = t;
    return true;
  }

  std::string path_;
  std::mutex mu_;
  std::map<std::string, std::string> keys_;
  std::filesystem::file_time_type mtime_{};
  int64_t last_check_ms_ = 0;
};

// -----------------------------------------------------------------------------
// [SECTION] Stats (simulator-only)
// -----------------------------------------------------------------------------

class Stats {
 public:
  void record(const std::string& route, const std::string& status) {
    std::lock_guard<std::mutex> lock(mu_);
    ++by_route_[route][status];
    ++total_;
    recent_.push_back({now_unix_ms(), route, status});
    if (recent_.size() > 2000) recent_.pop_front();
  }
  void fault(const char* name) {
    std::lock_guard<std::mutex> lock(mu_);
    ++faults_[name];
  }
  // Per-item results of every stored batch, its answer sent or dropped.
  void results(const char* kind, size_t accepted, size_t duplicate, size_t rejected) {
    std::lock_guard<std::mutex> lock(mu_);
    auto& m = results_[kind];
    m["accepted"] += int64_t(accepted);
    m["duplicate"] += int64_t(duplicate);
    m["rejected"] += int64_t(rejected);
  }
  int64_t total() {
    std::lock_guard<std::mutex> lock(mu_);
    return total_;
  }
  json to_json(size_t recent_max) {
    std::lock_guard<std::mutex> lock(mu_);
    json routes = json::object();
    for (const auto& [route, m] : by_route_) {
      json o = json::object();
      for (const auto& [st, n] : m) o[st] = n;
      routes[route] = std::move(o);
    }
    json faults = json::object();
    for (const auto& [f, n] : faults_) faults[f] = n;
    json results = json::object();
    for (const auto& [kind, m] : results_) results[kind] = json(m);
    json recent = json::array();
    size_t start = recent_.size() > recent_max ? recent_.size() - recent_max : 0;
    for (size_t i = start; i < recent_.size(); ++i)
      recent.push_back({{"t_ms", recent_[i].t_ms}, {"route", recent_[i].route}, {"status", recent_[i].status}});
    return json{{"requests_total", total_}, {"requests", std::move(routes)}, {"faults", std::move(faults)},
                {"results", std::move(results)}, {"recent", std::move(recent)}};
  }

 private:
  struct Recent {
    int64_t t_ms;
    std::string route, status;
  };
  std::mutex mu_;
  std::map<std::string, std::map<std::string, int64_t>> by_route_;
  std::map<std::string, int64_t> faults_;
  std::map<std::string, std::map<std::string, int64_t>> results_;
  std::deque<Recent> recent_;
  int64_t total_ = 0;
};

// -----------------------------------------------------------------------------
// [SECTION] Faults as JSON
// -----------------------------------------------------------------------------

json faults_to_json(const Faults& f) {
  return json{{"fail_500", f.fail_500},
              {"fail_503", f.fail_503},
              {"fail_429", f.fail_429},
              {"retry_after_s", f.retry_after_s},
              {"retry_after_date", f.retry_after_date},
              {"retry_after_on_503", f.retry_after_on_503},
              {"latency_ms", f.latency_ms},
              {"drop_after_store", f.drop_after_store},
              {"slow_ack_ms", f.slow_ack_ms},
              {"garbage", f.garbage},
              {"garbage_kind", f.garbage_kind},
              {"clock_skew_s", f.clock_skew_s}};
}

// Applies the keys present in j; false (and why) on a bad value, f untouched.
bool faults_from_json(const json& j, Faults& f, std::string& why) {
  if (!j.is_object()) {
    why = "expected a JSON object";
    return false;
  }
  Faults n = f;
  try {
    for (const auto& [k, v] : j.items()) {
      auto prob = [&](double& out) {
        double p = v.get<double>();
        if (!(p >= 0 && p <= 1)) throw std::invalid_argument(k + " must be a probability 0..1");
        out = p;
      };
      if (k == "fail_500") prob(n.fail_500);
      else if (k == "fail_503") prob(n.fail_503);
      else if (k == "fail_429") prob(n.fail_429);
      else if (k == "drop_after_store") prob(n.drop_after_store);
      else if (k == "garbage") prob(n.garbage);
      else if (k == "retry_after_s") n.retry_after_s = v.get<int>();
      else if (k == "retry_after_date") n.retry_after_date = v.get<bool>();
      else if (k == "retry_after_on_503") n.retry_after_on_503 = v.get<bool>();
      else if (k == "latency_ms") n.latency_ms = v.get<int>();
      else if (k == "slow_ack_ms") n.slow_ack_ms = v.get<int>();
      else if (k == "clock_skew_s") n.clock_skew_s = v.get<int64_t>();
      else if (k == "garbage_kind") {
        n.garbage_kind = v.get<std::string>();
        if (n.garbage_kind != "html" && n.garbage_kind != "200" && n.garbage_kind != "mixed")
          throw std::invalid_argument("garbage_kind must be html, 200 or mixed");
      } else throw std::invalid_argument("unknown fault " + k);
    }
  } catch (const std::exception& e) {
    why = e.what();
    return false;
  }
  if (n.retry_after_s < 0 || n.latency_ms < 0 || n.slow_ack_ms < 0) {
    why = "retry_after_s, latency_ms and slow_ack_ms must be >= 0";
    return false;
  }
  f = n;
  return true;
}

std::string faults_summary(const Faults& f) {
  std::string s;
  auto add = [&](const std::string& part) { s += (s.empty() ? "" : ", ") + part; };
  auto pct = [](double p) { return std::to_string(static_cast<int>(p * 100 + 0.5)) + "%"; };
  if (f.fail_500 > 0) add("500 " + pct(f.fail_500));
  if (f.fail_503 > 0) add("503 " + pct(f.fail_503));
  if (f.fail_429 > 0) add("429 " + pct(f.fail_429));
  if (f.garbage > 0) add("garbage " + pct(f.garbage));
  if (f.drop_after_store > 0) add("drop after store " + pct(f.drop_after_store));
  if (f.latency_ms > 0) add("latency " + std::to_string(f.latency_ms) + " ms");
  if (f.slow_ack_ms > 0) add("slow ack " + std::to_string(f.slow_ack_ms) + " ms");
  if (f.clock_skew_s != 0) add("clock " + std::to_string(f.clock_skew_s) + " s");
  return s.empty() ? "none" : s;
}

// -----------------------------------------------------------------------------
// [SECTION] The server: class Sim
// -----------------------------------------------------------------------------

class Sim {
 public:
  explicit Sim(const ServerOptions& opt)
      : opt_(opt), db_(opt.db_path), kiosks_(opt.kiosks_file), faults_(opt.faults),
        dice_(opt.seed ? opt.seed : std::random_device{}()) {
    base_ = opt.base_path;
    while (!base_.empty() && base_.back() == '/') base_.pop_back();
  }

  int run();

 private:
  int64_t server_now_ms() {
    std::lock_guard<std::mutex> lock(faults_mu_);
    return now_unix_ms() + faults_.clock_skew_s * 1000;
  }
  int64_t server_now_s() { return server_now_ms() / 1000; }
  Faults faults() {
    std::lock_guard<std::mutex> lock(faults_mu_);
    return faults_;
  }
  bool coin(double p) {
    if (p <= 0) return false;
    std::lock_guard<std::mutex> lock(dice_mu_);
    return std::uniform_real_distribution<double>(0.0, 1.0)(dice_) < p;
  }

  std::string route_of(const httplib::Request& req) const {
    static const char* known[] = {"/complaints:batch", "/events:batch", "/updates", "/health", "/_sim/stats",
                                  "/_sim/complaints", "/_sim/faults", "/_sim/forget-cursors"};
    if (req.path == "/") return req.method + " /";
    for (const char* k : known)
      if (req.path == base_ + k) return req.method + " " + req.path;
    return "other";
  }

  void setup_routes(httplib::Server& svr);
  void setup_hooks(httplib::Server& svr);
  void setup_wire_routes(httplib::Server& svr, const std::string& b);
  void setup_sim_routes(httplib::Server& svr, const std::string& b);
  json stats_json(size_t recent);
  bool inject_faults(const httplib::Request& req, httplib::Response& res);
  std::optional<std::string> authenticate(const httplib::Request& req, httplib::Response& res);
  void handle_batch(const httplib::Request& req, httplib::Response& res, bool complaints);
  void handle_updates(const httplib::Request& req, httplib::Response& res);
  void drop_connection(const httplib::Request& req);
  void log_line(const httplib::Request& req, const std::string& status);
  void progress_loop();

  ServerOptions opt_;
  std::string base_;
  SimDb db_;
  Kiosks kiosks_;
  Stats stats_;
  std::mutex faults_mu_;
  Faults faults_;
  std::mutex dice_mu_;
  std::mt19937_64 dice_;
  std::atomic<bool> stopping_{false};
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
};

// -----------------------------------------------------------------------------
// [SECTION] Faults on the wire, signatures, dropped connections
// -----------------------------------------------------------------------------

bool Sim::inject_faults(const httplib::Request& req, httplib::Response& res) {
  Faults f = faults();
  if (f.latency_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(f.latency_ms));
  auto retry_after = [&] {
    if (f.retry_after_date) res.set_header("Retry-After", format_http_date(server_now_s() + f.retry_after_s));
    else res.set_header("Retry-After", std::to_string(f.retry_after_s));
  };
  if (coin(f.fail_429)) {
    stats_.fault("fail_429");
    retry_after();
    send_error(res, 429, wire_err::rate_limited, "too many requests (simulated)");
    return true;
  }
  if (coin(f.fail_503)) {
    stats_.fault("fail_503");
    if (f.retry_after_on_503) retry_after();
    send_error(res, 503, wire_err::unavailable, "service unavailable (simulated)");
    return true;
  }
  if (coin(f.fail_500)) {
    stats_.fault("fail_500");
    send_error(res, 500, wire_err::internal_error, "internal error (simulated)");
    return true;
  }
  if (coin(f.garbage)) {
    stats_.fault("garbage");
    bool html = f.garbage_kind == "html" || (f.garbage_kind == "mixed" && coin(0.5));
    if (html) {
      res.status = 502;
      res.set_content("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1>"
                      "</center><hr><center>nginx</center></body></html>\r\n",
                      "text/html");
    } else {
      res.status = 200;
      res.set_content("<!DOCTYPE html><html><body><h1>Welcome</h1><p>Please sign in to use this network.</p>"
                      "</body></html>",
                      "text/html");
    }
    (void)req;
    return true;
  }
  return false;
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

std::optional<std::string> Sim::authenticate(const httplib::Request& req, httplib::Response& res) {
  const int64_t now = server_now_s();
  RequestCheck c = check_signature(
      signed_request(req), [&](const std::string& k) { return kiosks_.key_for(k); }, now,
      [&](const std::string& k, const std::string& n) { return db_.remember_nonce(k, n, now); });
  if (c.ok) {
    t_note = "kiosk=" + c.kiosk;
    return c.kiosk;
  }
  send_json(res, c.http_status, to_json_text(c.error));
  t_note = "auth=" + c.error.code;
  return std::nullopt;
}

void Sim::drop_connection(const httplib::Request& req) {
  // httplib has no call to abort a connection from a handler, but it hands
  // us the connection's SSL object: shutting its socket down makes the
  // client see the connection close with no answer at all, while httplib's
  // own write of the response fails quietly and it closes the socket.
  if (req.ssl) {
    int fd = SSL_get_fd(req.ssl);
    if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
  }
  t_dropped = true;
  stats_.fault("drop_after_store");
  stats_.record(route_of(req), "dropped");
  log_line(req, "dropped");
}

// -----------------------------------------------------------------------------
// [SECTION] The wire contract's handlers: batches and updates
// -----------------------------------------------------------------------------

void Sim::handle_batch(const httplib::Request& req, httplib::Response& res, bool complaints) {
  if (inject_faults(req, res)) return;
  IntakeRequest intake;
  intake.signed_part = signed_request(req);
  intake.content_type = req.get_header_value("Content-Type");
  intake.content_encoding = req.get_header_value(kStashedEncoding);
  IntakeLimits limits;
  limits.max_body_bytes = opt_.max_body_bytes;
  limits.max_inflated_bytes = opt_.max_inflated_bytes;
  limits.max_items = complaints ? opt_.max_batch : opt_.max_events;
  const int64_t now = server_now_s();
  RequestCheck check = check_batch_request(
      intake, limits, complaints ? "complaints" : "events", [&](const std::string& k) { return kiosks_.key_for(k); }, now,
      [&](const std::string& k, const std::string& n) { return db_.remember_nonce(k, n, now); });
  if (!check.ok) {
    if (check.http_status == 401) t_note = "auth=" + check.error.code;
    send_json(res, check.http_status, to_json_text(check.error));
    return;
  }
  t_note = "kiosk=" + check.kiosk;
  const std::optional<std::string> kiosk = check.kiosk;
  const json& items = check.items;
  int64_t now_ms = server_now_ms();
  ValidationContext ctx;
  ctx.now_unix_s = now_ms / 1000;
  BatchAnswer answer;
  if (complaints) {
    std::vector<IncomingComplaint> in;
    in.reserve(items.size());
    for (const auto& item : items) in.push_back(check_complaint(item, *kiosk, ctx));
    answer.results = db_.store_complaints(*kiosk, in, now_ms, opt_.progression);
  } else {
    std::vector<IncomingEvent> in;
    in.reserve(items.size());
    for (const auto& item : items) in.push_back(check_event(item, ctx));
    answer.results = db_.store_events(*kiosk, in, now_ms);
  }
  size_t accepted = 0, duplicate = 0, rejected = 0;
  for (const auto& r : answer.results) {
    if (r.status == item_status::accepted) ++accepted;
    else if (r.status == item_status::duplicate) ++duplicate;
    else ++rejected;
  }
  stats_.results(complaints ? "complaints" : "events", accepted, duplicate, rejected);
  t_note += " items=" + std::to_string(items.size()) + " accepted=" + std::to_string(accepted) +
            " duplicate=" + std::to_string(duplicate) + " rejected=" + std::to_string(rejected);
  if (coin(faults().drop_after_store)) {
    drop_connection(req);
    return;
  }
  // Stored, and the answer comes too late for the client: the lost ack of a
  // time-out. Only when something new was stored, so a re-send (all
  // duplicates) is answered at once.
  if (int ms = faults().slow_ack_ms; ms > 0 && accepted > 0) {
    stats_.fault("slow_ack");
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  }
  send_json(res, 200, to_json_text(answer));
}

void Sim::handle_updates(const httplib::Request& req, httplib::Response& res) {
  if (inject_faults(req, res)) return;
  std::optional<std::string> kiosk = authenticate(req, res);
  if (!kiosk) return;
  // The query as sent: httplib's own parsing turns '+' into a space, which
  // is not what a percent-encoded opaque cursor means.
  std::string cursor;
  int limit = kDefaultUpdatesLimit;
  size_t q = req.target.find('?');
  if (q != std::string::npos) {
    std::string query = req.target.substr(q + 1);
    size_t pos = 0;
    while (pos <= query.size()) {
      size_t amp = query.find('&', pos);
      std::string part = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
      pos = amp == std::string::npos ? query.size() + 1 : amp + 1;
      if (part.empty()) continue;
      size_t eq = part.find('=');
      std::string name = part.substr(0, eq);
      std::optional<std::string> value = percent_decode(eq == std::string::npos ? "" : part.substr(eq + 1));
      if (!value) {
        send_error(res, 400, wire_err::bad_request, "bad percent-encoding in " + name);
        return;
      }
      if (name == "cursor") {
        cursor = *value;
      } else if (name == "limit") {
        const std::string& v = *value;
        if (v.empty() || v.size() > 4 || v.find_first_not_of("0123456789") != std::string::npos ||
            std::stoi(v) < 1 || std::stoi(v) > kMaxUpdatesLimit) {
          send_error(res, 400, wire_err::bad_request, "limit must be 1 to " + std::to_string(kMaxUpdatesLimit));
          return;
        }
        limit = std::stoi(v);
      }
    }
  }
  UpdatesAnswer a;
  if (!db_.read_updates(*kiosk, cursor, limit, a)) {
    send_error(res, 410, wire_err::cursor_gone, "cursor unknown or expired: start again without a cursor");
    return;
  }
  t_note += " updates=" + std::to_string(a.updates.size()) + (a.more ? " more" : "");
  send_json(res, 200, to_json_text(a));
}

void Sim::log_line(const httplib::Request& req, const std::string& status) {
  if (opt_.quiet) return;
  int64_t ms = now_unix_ms() - t_start_ms;
  // Path without the query; the kiosk id and counts only: no personal data.
  std::fprintf(stderr, "platform-sim: %s %s %s %s %lldms %s\n", format_rfc3339(now_unix_s()).c_str(),
               req.method.c_str(), req.path.c_str(), status.c_str(), static_cast<long long>(ms), t_note.c_str());
}

// -----------------------------------------------------------------------------
// [SECTION] Routes: hooks, the wire, the simulator's own
// -----------------------------------------------------------------------------

void Sim::setup_routes(httplib::Server& svr) {
  const std::string b = regex_escape(base_);
  setup_hooks(svr);
  setup_wire_routes(svr, b);
  setup_sim_routes(svr, b);
}

// What every request goes through: timing and the stashed encoding before,
// the Date header and the stats after, the log line, the error bodies.
void Sim::setup_hooks(httplib::Server& svr) {
  svr.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response&) {
    t_start_ms = now_unix_ms();
    t_dropped = false;
    t_note.clear();
    // Keep the body as sent (see kStashedEncoding). req is httplib's own
    // non-const object; the handler only gets a const view of it.
    auto& r = const_cast<httplib::Request&>(req);
    auto it = r.headers.find("Content-Encoding");
    if (it != r.headers.end()) {
      std::string enc = it->second;
      r.headers.erase("Content-Encoding");
      for (auto& c : enc) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers.emplace(kStashedEncoding, enc);
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  svr.set_post_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    res.set_header("Date", format_http_date(server_now_s()));
    res.set_header("Server", "platform-sim");
    if (t_dropped) return;
    stats_.record(route_of(req), std::to_string(res.status));
  });

  svr.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    if (!t_dropped) log_line(req, std::to_string(res.status));
  });

  // Every non-2xx answer the server makes has an error body, including the
  // ones httplib makes itself (404 for unknown paths, 413, 400).
  svr.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    std::string code = "http_" + std::to_string(res.status);
    std::string msg = "HTTP " + std::to_string(res.status);
    if (res.status == 404) code = wire_err::not_found, msg = "no such path: check the base URL";
    else if (res.status == 400) code = wire_err::bad_request;
    else if (res.status == 413) code = wire_err::body_too_large;
    else if (res.status == 415) code = wire_err::unsupported_media_type;
    send_error(res, res.status, code, msg);
    return httplib::Server::HandlerResponse::Handled;
  }));

  svr.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    std::fprintf(stderr, "platform-sim: internal error: %s\n", what.c_str());
    send_error(res, 500, wire_err::internal_error, "internal error");
  });
}

// The wire contract (docs/protocol.md).
void Sim::setup_wire_routes(httplib::Server& svr, const std::string& b) {
  svr.Post(b + "/complaints:batch",
           [this](const httplib::Request& req, httplib::Response& res) { handle_batch(req, res, true); });
  svr.Post(b + "/events:batch",
           [this](const httplib::Request& req, httplib::Response& res) { handle_batch(req, res, false); });
  svr.Get(b + "/updates", [this](const httplib::Request& req, httplib::Response& res) { handle_updates(req, res); });

  svr.Get(b + "/health", [this](const httplib::Request&, httplib::Response& res) {
    Faults f = faults();
    if (f.latency_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(f.latency_ms));
    send_json(res, 200, to_json_text(HealthAnswer{server_now_s(), kVersion}));
  });
}

json Sim::stats_json(size_t recent) {
  json j = stats_.to_json(recent);
  DbCounts c = db_.counts();
  j["complaints"] = c.complaints;
  j["events"] = c.events;
  j["updates"] = c.updates;
  json by = json::object();
  for (const auto& [s, n] : c.by_status) by[s] = n;
  j["complaints_by_status"] = std::move(by);
  j["kiosks"] = kiosks_.size();
  j["server_time"] = server_now_s();
  j["faults_now"] = faults_to_json(faults());
  return j;
}

// Simulator-only: no signature, bound to loopback by default. The page at /
// shows the same to a person.
void Sim::setup_sim_routes(httplib::Server& svr, const std::string& b) {
  svr.Get(b + "/_sim/stats", [this](const httplib::Request& req, httplib::Response& res) {
    size_t recent = 200;
    if (req.has_param("recent")) recent = static_cast<size_t>(std::max(0, std::atoi(req.get_param_value("recent").c_str())));
    send_json(res, 200, stats_json(recent).dump());
  });
  svr.Get(b + "/_sim/complaints", [this](const httplib::Request&, httplib::Response& res) {
    json arr = json::array();
    for (const auto& r : db_.list_complaints(1'000'000))
      arr.push_back({{"id", r.id},
                     {"kiosk_id", r.kiosk_id},
                     {"ticket", r.ticket},
                     {"case_no", r.case_no},
                     {"status", r.status},
                     {"events", r.events},
                     {"received_ms", r.received_ms}});
    send_json(res, 200, json{{"complaints", std::move(arr)}}.dump());
  });
  svr.Get(b + "/_sim/faults", [this](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, faults_to_json(faults()).dump());
  });
  svr.Post(b + "/_sim/faults", [this](const httplib::Request& req, httplib::Response& res) {
    json j = json::parse(req.body, nullptr, false);
    std::string why;
    std::lock_guard<std::mutex> lock(faults_mu_);
    if (j.is_discarded() || !faults_from_json(j, faults_, why)) {
      send_error(res, 400, wire_err::bad_request, why.empty() ? "body is not JSON" : why);
      return;
    }
    std::fprintf(stderr, "platform-sim: faults now: %s\n", faults_summary(faults_).c_str());
    send_json(res, 200, faults_to_json(faults_).dump());
  });
  svr.Post(b + "/_sim/forget-cursors", [this](const httplib::Request&, httplib::Response& res) {
    db_.forget_cursors();
    send_json(res, 200, "{\"forgotten\":true}");
  });

  svr.Get("/", [this](const httplib::Request&, httplib::Response& res) {
    PageInfo info;
    info.base_url_path = base_;
    info.server_time_s = server_now_s();
    Faults f = faults();
    info.clock_skew_s = f.clock_skew_s;
    info.requests_total = stats_.total();
    info.kiosks = kiosks_.size();
    info.faults_summary = faults_summary(f);
    res.set_content(render_page(db_.list_complaints(500), db_.counts(), info), "text/html; charset=utf-8");
  });
}

// -----------------------------------------------------------------------------
// [SECTION] Running: TLS, listening, progression and signals
// -----------------------------------------------------------------------------

void Sim::progress_loop() {
  std::unique_lock<std::mutex> lock(stop_mu_);
  while (!stopping_) {
    lock.unlock();
    try {
      db_.advance(server_now_ms(), opt_.progression);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "platform-sim: progression: %s\n", e.what());
    }
    lock.lock();
    stop_cv_.wait_for(lock, std::chrono::milliseconds(50), [this] { return stopping_.load(); });
  }
}

int Sim::run() {
  const ServerOptions& o = opt_;
  httplib::SSLServer svr([&o](SSL_CTX& ctx) {
    SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    if (SSL_CTX_use_certificate_chain_file(&ctx, o.cert_file.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(&ctx, o.key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(&ctx) != 1)
      return false;
    if (!o.client_ca_file.empty()) {
      if (SSL_CTX_load_verify_locations(&ctx, o.client_ca_file.c_str(), nullptr) != 1) return false;
      SSL_CTX_set_client_CA_list(&ctx, SSL_load_client_CA_file(o.client_ca_file.c_str()));
      SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    }
    return true;
  });
  if (!svr.is_valid()) {
    std::fprintf(stderr, "platform-sim: cannot use certificate %s with key %s%s\n", o.cert_file.c_str(),
                 o.key_file.c_str(), o.client_ca_file.empty() ? "" : (" and client CA " + o.client_ca_file).c_str());
    return 2;
  }
  // Tuning (see notes-debian-stack.md): Nagle off, long keep-alive, a real pool.
  svr.set_tcp_nodelay(true);
  svr.set_keep_alive_max_count(1'000'000);
  svr.set_keep_alive_timeout(std::max(1, o.keep_alive_s));
  svr.set_read_timeout(10);
  svr.set_write_timeout(10);
  svr.set_payload_max_length(std::max<size_t>(64 * 1024 * 1024, 4 * o.max_body_bytes));
  int threads = std::max(2, o.threads);
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  setup_routes(svr);

  int port = o.port;
  if (port == 0) {
    port = svr.bind_to_any_port(o.host);
    if (port <= 0) {
      std::fprintf(stderr, "platform-sim: cannot listen on %s\n", o.host.c_str());
      return 2;
    }
  } else if (!svr.bind_to_port(o.host, port)) {
    std::fprintf(stderr, "platform-sim: cannot listen on %s:%d\n", o.host.c_str(), port);
    return 2;
  }
  if (!o.port_file.empty()) {
    std::string tmp = o.port_file + ".tmp";
    {
      std::ofstream out(tmp);
      out << port << "\n";
    }
    std::rename(tmp.c_str(), o.port_file.c_str());
  }
  std::fprintf(stderr, "platform-sim: listening on https://%s:%d%s (kiosks: %zu, faults: %s)\n", o.host.c_str(), port,
               base_.c_str(), kiosks_.size(), faults_summary(faults()).c_str());

  std::thread progress([this] { progress_loop(); });
  // SIGINT/SIGTERM are blocked in every thread (run_server) and taken here.
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
    svr.stop();
  });
  bool ok = svr.listen_after_bind();
  if (!stopping_) {
    std::fprintf(stderr, "platform-sim: server stopped unexpectedly\n");
    ::kill(::getpid(), SIGTERM);  // wakes the signal thread
  }
  signals.join();
  progress.join();
  std::fprintf(stderr, "platform-sim: stopped\n");
  return ok ? 0 : 1;
}

}  // namespace

int run_server(const ServerOptions& opt) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // A client that goes away mid-answer must not kill the server.
  ::signal(SIGPIPE, SIG_IGN);
  try {
    Sim sim(opt);
    return sim.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "platform-sim: %s\n", e.what());
    return 2;
  }
}

}  // namespace odr::sim
