// The sync engine's members (engine/engine.h says what it does).
//
// Index of this file:
// [SECTION] Config: the store's and the engine's options from the kiosk's config
// [SECTION] Answers: classify, the error table's verdict (engine/answer.h)
// [SECTION] Construction
// [SECTION] Waits and limits that survive a restart
// [SECTION] Requests and the log
// [SECTION] What answers teach: clock, reachability, alerts, failures
// [SECTION] Delivery: batches, pacing, sending
// [SECTION] Delivery: a batch's answer
// [SECTION] Updates
// [SECTION] Passes and the engine's thread

#include "engine/engine.h"

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "config/store_key.h"
#include "engine/sync_state.h"
#include "protocol/messages.h"
#include "protocol/signing.h"
#include "util/crypto.h"
#include "util/time.h"

namespace odr {

// ---------------------------------------------------------------------------
// [SECTION] Config: the store's and the engine's options from the kiosk's config
// ---------------------------------------------------------------------------

std::string store_path_from_config(const KioskConfig& c) {
  if (!c.database.empty()) return c.database;
  return c.data_dir + "/odr-kiosk.db";
}

StoreOptions store_options_from_config(const KioskConfig& c) {
  StoreOptions o;
  o.kiosk_id = c.kiosk_id;
  o.ticket_prefix = c.ticket_prefix;
  o.tz_offset_minutes = c.tz_offset_minutes;
  for (const CategoryEntry& e : c.categories) o.category_codes.push_back(e.code);
  if (c.hub.configured()) o.destinations = {kGatewayDestination, kHubDestination};
  o.key = load_store_key(c).bytes;
  return o;
}

SyncOptions sync_options_from_config(const KioskConfig& c) {
  SyncOptions o;
  o.store_path = store_path_from_config(c);
  o.store = store_options_from_config(c);
  o.base_url = c.gateway.base_url;
  o.kiosk_id = c.kiosk_id;
  if (c.gateway.base_url.empty()) throw ConfigError("gateway.base_url", "empty: this kiosk is set to capture offline only");
  if (c.gateway.key_file.empty()) throw ConfigError("gateway.key_file", "needed to sign requests to the gateway");
  o.key = load_key_file(c.gateway.key_file);
  o.transport.ca_file = c.gateway.ca_file;
  o.transport.pinned_pubkey = c.gateway.pinned_pubkey;
  o.transport.client_cert = c.gateway.client_cert;
  o.transport.client_key = c.gateway.client_key;
  o.transport.proxy = c.gateway.proxy;
  o.transport.connect_timeout_s = c.gateway.connect_timeout_s;
  o.transport.request_timeout_s = c.gateway.request_timeout_s;
  o.poll_interval_ms = int64_t(c.gateway.poll_interval_s) * 1000;
  o.retention_ms = retention_ms_from_config(c);
  return o;
}

// The hub's engine: the gateway's key, kiosk id and timeouts, the hub's
// address and trust ([hub]); no client certificate, no proxy.
SyncOptions hub_sync_options_from_config(const KioskConfig& c) {
  SyncOptions o = sync_options_from_config(c);
  if (!c.hub.configured()) throw ConfigError("hub.base_url", "empty: this kiosk delivers to the gateway only");
  o.destination = kHubDestination;
  o.base_url = c.hub.base_url;
  o.transport.ca_file = c.hub.ca_file;
  o.transport.pinned_pubkey = c.hub.pinned_pubkey;
  o.transport.client_cert.clear();
  o.transport.client_key.clear();
  o.transport.proxy.clear();
  o.heartbeat_interval_ms = int64_t(c.hub.heartbeat_interval_s) * 1000;
  return o;
}

std::vector<SyncOptions> all_sync_options_from_config(const KioskConfig& c) {
  std::vector<SyncOptions> all = {sync_options_from_config(c)};
  if (c.hub.configured()) all.push_back(hub_sync_options_from_config(c));
  return all;
}

int64_t retention_ms_from_config(const KioskConfig& c) { return int64_t(c.retention_days) * 86'400'000; }

int64_t purge_expired_personal_data(Store& store, int64_t retention_ms) {
  if (retention_ms <= 0) return 0;
  return store.purge_personal_data(store.now_ms() - retention_ms);
}

// ---------------------------------------------------------------------------
// [SECTION] Answers: classify, the error table's verdict (engine/answer.h)
// ---------------------------------------------------------------------------

// classify_answer gives the verdict; the members in the sections below act on it.

SyncEngine::Outcome SyncEngine::classify(const HttpResponse& r) {
  Outcome o = classify_answer(r, now_unix_s(), clock_offset_s_.load());
  if (o.verdict == Outcome::ok) refusals_.clear();  // only signed requests are classified: this one went through
  return o;
}

// ---------------------------------------------------------------------------
// [SECTION] Construction
// ---------------------------------------------------------------------------

SyncEngine::SyncEngine(SyncOptions options, std::unique_ptr<Transport> transport)
    : options_(std::move(options)), transport_(std::move(transport)) {
  if (!split_base_url(options_.base_url, origin_, base_path_) || origin_.rfind("https://", 0) != 0)
    throw std::invalid_argument("gateway.base_url must be an https:// URL");
  if (!transport_) transport_ = make_curl_transport(options_.transport);
  if (options_.owner.empty()) options_.owner = "sync-" + std::to_string(getpid()) + "-" + random_hex(4);
  if (options_.lease_ms <= 0) options_.lease_ms = int64_t(options_.transport.request_timeout_s) * 1000 + 60'000;
  const int64_t recover = options_.limit_recovery_ms;
  complaint_items_ = LearnedLimit::of(std::clamp<size_t>(options_.max_complaints_per_batch, 1, kMaxComplaintsPerBatch), recover);
  event_items_ = LearnedLimit::of(std::clamp<size_t>(options_.max_events_per_batch, 1, kMaxEventsPerBatch), recover);
  wire_bytes_ = LearnedLimit::of(std::clamp<size_t>(options_.max_body_bytes, 1024, kMaxBodyBytes), recover);
  raw_bytes_ = wire_bytes_;
  store_ = std::make_unique<Store>(options_.store_path, options_.store);
  // Everything this connection writes can be had again from the gateway: a
  // delivered mark lost to a power cut means one re-send answered
  // "duplicate"; a lost cursor means updates applied twice, which is
  // harmless; a retention purge lost is done again at the next one. So it
  // skips the fsync per commit (WAL keeps it consistent);
  // submits on the kiosk's own connection stay synchronous=FULL.
  sqlite3_exec(store_->handle(), "PRAGMA synchronous = NORMAL", nullptr, nullptr, nullptr);
  load_waits();
  if (std::optional<std::string> v = store_->state(skey(sync_key::clock_offset_s))) {
    try {
      clock_offset_s_ = std::stoll(*v);
    } catch (...) {
      clock_offset_s_ = 0;
    }
  }
}

SyncEngine::~SyncEngine() {
  stop();
  wipe(options_.key);
}

// ---------------------------------------------------------------------------
// [SECTION] Waits and limits that survive a restart
// ---------------------------------------------------------------------------

// What survives a restart: the wait before the next request (backoff,
// Retry-After) and the limits learned from 413s, per gateway (base URL), in
// the store's sync state. A restarted kiosk or kiosk-sync must not send into
// an overloaded gateway before the wait it was given is over, nor relearn
// a small body limit with a cascade of 413s.

std::string SyncEngine::destination() const { return origin_ + base_path_; }

void SyncEngine::set_backoff(int64_t until_ms) {
  backoff_until_ms_ = until_ms;
  store_->set_state(skey(sync_key::not_before), std::to_string(until_ms) + " " + destination());
}

static std::string encode_limit(const LearnedLimit& l) {
  return std::to_string(l.value) + "," + std::to_string(l.refused_at) + "," + std::to_string(l.took) + "," +
         std::to_string(l.since_ms);
}

static void decode_limit(const std::string& text, LearnedLimit& l) {
  unsigned long long v = 0, r = 0, t = 0;
  long long since = 0;
  if (std::sscanf(text.c_str(), "%llu,%llu,%llu,%lld", &v, &r, &t, &since) != 4 || v == 0) return;
  l.value = std::min<size_t>(size_t(v), l.max);
  l.refused_at = size_t(r);
  l.took = std::min<size_t>(size_t(t), l.value);
  l.since_ms = since;
}

void SyncEngine::save_limits() {
  std::string v = destination() + " " + encode_limit(complaint_items_) + " " + encode_limit(event_items_) + " " +
                  encode_limit(wire_bytes_) + " " + encode_limit(raw_bytes_);
  if (v != saved_limits_) store_->set_state(skey(sync_key::limits), v);
  saved_limits_ = v;
}

void SyncEngine::load_waits() {
  const int64_t now = now_ms();
  std::string nb = store_->state(skey(sync_key::not_before)).value_or("");
  size_t sp = nb.find(' ');
  if (sp != std::string::npos && nb.substr(sp + 1) == destination()) {
    try {
      // Capped: a wall clock set back must not turn a wait into days.
      int64_t until = std::stoll(nb.substr(0, sp));
      backoff_until_ms_ = std::min(until, now + std::max(options_.max_wait_ms, options_.backoff.cap_ms));
    } catch (...) {
    }
  }
  std::string lim = store_->state(skey(sync_key::limits)).value_or("");
  std::vector<std::string> parts;
  for (size_t b = 0, e; b <= lim.size(); b = e + 1) {
    e = lim.find(' ', b);
    if (e == std::string::npos) e = lim.size();
    parts.push_back(lim.substr(b, e - b));
  }
  if (parts.size() == 5 && parts[0] == destination()) {
    decode_limit(parts[1], complaint_items_);
    decode_limit(parts[2], event_items_);
    decode_limit(parts[3], wire_bytes_);
    decode_limit(parts[4], raw_bytes_);
    saved_limits_ = lim;
  }
}

// A fresh run tries again: the key file or base URL may have been fixed.
// (Not in the constructor: `kiosk-sync status` makes an engine too.)
void SyncEngine::clear_stopped() {
  stopped_ = false;
  // A cleared stop starts the count again: one 401 after it is retried
  // signed afresh, not a stop at once. (The hourly retry keeps the count.)
  refusals_.clear();
  if (store_->state(skey(sync_key::stopped)).value_or("") != "") store_->set_state(skey(sync_key::stopped), "");
}

// ---------------------------------------------------------------------------
// [SECTION] Requests and the log
// ---------------------------------------------------------------------------

int64_t SyncEngine::now_ms() const { return now_unix_ms(); }

void SyncEngine::log(const std::string& line) {
  if (options_.log) {
    options_.log(line);
    return;
  }
  std::string out = format_rfc3339(now_unix_s(), options_.store.tz_offset_minutes) + " sync " +
                    (options_.destination == kGatewayDestination ? "" : options_.destination + " ") + line + "\n";
  fwrite(out.data(), 1, out.size(), stderr);
}

HttpRequest SyncEngine::make_request(const std::string& method, const std::string& target, const std::string& body,
                                     bool sign, Compress compress) {
  HttpRequest req;
  req.method = method;
  req.url = origin_ + target;
  req.headers.push_back({"Accept", "application/json"});
  // The protocol promises gzip answers only. Left to curl, the request offers
  // every coding it can undo (br too), and a gateway that answers each batch
  // with brotli at its default top quality spends more time compressing an
  // 8 KiB answer than storing the 100 complaints in it.
  req.headers.push_back({"Accept-Encoding", "gzip"});
  if (method != "GET") {
    req.headers.push_back({"Content-Type", "application/json"});
    // Also below the usual threshold when the body would not fit the limit
    // the gateway taught us uncompressed.
    if (compress == Compress::if_large && options_.gzip_above_bytes > 0 &&
        (body.size() > options_.gzip_above_bytes || body.size() > wire_bytes_.current(now_ms()))) {
      req.body = gzip_compress(body);
      req.headers.push_back({"Content-Encoding", "gzip"});
    } else {
      req.body = body;
    }
  }
  if (sign) {
    // Signed over the bytes as sent (compressed if so), at the corrected time.
    SignedHeaders h = sign_request(options_.kiosk_id, options_.key, method, target, req.body,
                                   now_unix_s() + clock_offset_s_.load());
    for (auto& kv : h.list()) req.headers.push_back(std::move(kv));
  }
  return req;
}

void SyncEngine::note_answer(const HttpResponse& r) {
  if (r.ok()) {
    set_reachable(true);
    drop_alert(sync_alert::tls);  // a verified exchange: the certificate is fine again
  } else if (r.error != TransportError::aborted) {
    set_reachable(false);
  }
}

HttpResponse SyncEngine::exchange(const std::string& method, const std::string& target, const std::string& body,
                                  bool sign) {
  HttpResponse r = transport_->send(make_request(method, target, body, sign));
  // A GET with no answer (a kept-alive connection the gateway closed while it
  // sat idle, a time-out with nothing read) changes nothing there: once more
  // at once, signed afresh (a new nonce). Health and updates pages alike.
  if (method == "GET" && r.no_answer && !stopping_.load()) r = transport_->send(make_request(method, target, body, sign));
  note_answer(r);
  return r;
}

// ---------------------------------------------------------------------------
// [SECTION] What answers teach: clock, reachability, alerts, failures
// ---------------------------------------------------------------------------

void SyncEngine::learn_offset(int64_t server_time_s, const char* source) {
  int64_t measured = server_time_s - now_unix_s();
  if (measured >= -1 && measured <= 1) measured = 0;  // the clocks agree within the resolution of a second
  int64_t old = clock_offset_s_.load();
  if (std::llabs(measured - old) < 2) return;
  clock_offset_s_ = measured;
  store_->set_state(skey(sync_key::clock_offset_s), std::to_string(measured));
  log(std::string("clock offset=") + std::to_string(measured) + "s was=" + std::to_string(old) + "s source=" + source);
}

void SyncEngine::set_reachable(bool reachable) {
  if (reachable_ == reachable) return;
  reachable_ = reachable;
  store_->set_state(skey(sync_key::reachable), reachable ? "1" : "0");
  store_->set_state(skey(sync_key::reachable_at), format_rfc3339(now_unix_s(), options_.store.tz_offset_minutes));
}

// A pass that went through: the last error is history now (staff saw an
// old failure as current while everything was delivered).
void SyncEngine::record_success() {
  store_->set_state(skey(sync_key::last_success), format_rfc3339(now_unix_s(), options_.store.tz_offset_minutes));
  if (store_->state(skey(sync_key::last_error)).value_or("") != "") {
    store_->set_state(skey(sync_key::last_error), "");
    store_->set_state(skey(sync_key::last_error_at), "");
  }
}

void SyncEngine::record_error(const std::string& error) {
  store_->set_state(skey(sync_key::last_error), error);
  store_->set_state(skey(sync_key::last_error_at), format_rfc3339(now_unix_s(), options_.store.tz_offset_minutes));
}

void SyncEngine::raise_alert(const char* code, const std::string& message) {
  set_sync_alert(*store_, code, message, now_unix_s(), options_.store.tz_offset_minutes, options_.destination);
  log(std::string("alert ") + code);
}

// Clears the alert whoever raised it (this process, the kiosk, kiosk-sync):
// the exchange that just went through shows the problem is gone.
void SyncEngine::drop_alert(const char* code) { clear_sync_alert(*store_, code, options_.destination); }

std::string SyncEngine::skey(const char* key) const { return destination_key(options_.destination, key); }

void SyncEngine::release_all(std::vector<OutboxItem>& items, size_t begin, size_t end, const std::string& why,
                             int64_t not_before) {
  std::vector<int64_t> seqs;
  for (size_t i = begin; i < end; ++i) seqs.push_back(items[i].seq);
  store_->release(seqs, why, not_before);
}

// "3 signed requests in a row, each signed afresh (HTTP 401: replayed_nonce 1x, bad_signature 2x)".
std::string SyncEngine::refusals_summary() const {
  std::map<std::string, int> by_code;
  for (const std::string& c : refusals_) ++by_code[c.empty() ? "no error body" : c];
  std::string codes;
  for (const auto& [c, n] : by_code) codes += (codes.empty() ? "" : ", ") + c + " " + std::to_string(n) + "x";
  return std::to_string(refusals_.size()) + " signed request(s) in a row, each signed afresh (HTTP 401: " + codes + ")";
}

// A 401 other than clock_skew, counted. True while it may be tried again
// (signed afresh); at max_auth_refusals in a row it becomes fatal.
bool SyncEngine::note_refusal(Outcome& o) {
  refusals_.push_back(o.code);
  if (int(refusals_.size()) >= std::max(1, options_.max_auth_refusals)) {
    o.verdict = Outcome::fatal;
    return false;
  }
  o.error += " (" + std::to_string(refusals_.size()) + " in a row; signed afresh and tried again)";
  return true;
}

// The wait before a refused request goes again, signed afresh. False when
// stop() came meanwhile.
bool SyncEngine::pause_before_retry() {
  int64_t ms = std::max<int64_t>(backoff_delay_ms(options_.backoff, int(refusals_.size())), options_.backoff.base_ms / 4);
  std::unique_lock<std::mutex> lock(mutex_);
  return !cv_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_.load(); });
}

// A failure of the exchange as a whole. Everything here ends the pass: the
// next try waits for a backoff, a Retry-After, or (fatal) a restart.
SyncEngine::Step SyncEngine::on_failure(const Outcome& o, SyncReport& report, const std::string& what) {
  report.error = what + ": " + o.error;
  if (o.verdict == Outcome::aborted) {
    report.aborted = true;
    return Step::stop_pass;
  }
  if (o.verdict == Outcome::fatal) {
    stopped_ = true;
    report.stopped = true;
    const char* code = o.error.rfind("HTTP 401", 0) == 0 ? sync_alert::auth : sync_alert::not_found;
    std::string msg = code == sync_alert::auth
                          ? "the gateway refused " + refusals_summary() + ": check kiosk id and key file"
                          : "the gateway answered " + o.error + ": check gateway.base_url";
    store_->set_state(skey(sync_key::stopped), msg);
    raise_alert(code, msg);
    record_error(report.error);
    log("stopped " + what + " error=\"" + o.error + "\"");
    return Step::stop_pass;
  }
  ++failures_;
  int64_t delay = backoff_delay_ms(options_.backoff, failures_);
  if (o.verdict == Outcome::slow_down && o.wait_ms) delay = std::min(*o.wait_ms, options_.max_wait_ms);
  if (o.verdict == Outcome::slow_down && o.wait_ms && *o.wait_ms == 0)
    delay = backoff_delay_ms(options_.backoff, failures_);  // "now" again and again would be a hot loop
  set_backoff(now_ms() + delay);
  report.failed = true;
  report.backoff_until_ms = backoff_until_ms_;
  if (o.tls)
    raise_alert(sync_alert::tls, "the gateway's certificate did not verify (" + o.error +
                                     "): a renewed certificate or an attack; nothing was sent");
  if (o.not_tls)
    raise_alert(sync_alert::tls, "the gateway's address answered in plain HTTP, not TLS (" + o.error +
                                     "): check gateway.base_url (host and port); nothing was sent");
  record_error(report.error);
  log(what + " fail error=\"" + o.error + "\" retry_in_ms=" + std::to_string(delay) +
      " failures=" + std::to_string(failures_));
  return Step::stop_pass;
}

// ---------------------------------------------------------------------------
// [SECTION] Delivery: batches, pacing, sending
// ---------------------------------------------------------------------------

namespace {

// How each kind goes on the wire, and the log's word for its delivery.
struct KindWire {
  const char* path;   // after the base path
  const char* array;  // the batch body's array
  const char* log_word;
};

const KindWire& wire_of(OutboxKind kind) {
  static const KindWire complaint{kComplaintsBatchPath, "complaints", "deliver"};
  static const KindWire event{kEventsBatchPath, "events", "events"};
  static const KindWire update{kUpdatesBatchPath, "updates", "updates"};
  return kind == OutboxKind::complaint ? complaint : kind == OutboxKind::update ? update : event;
}

}  // namespace

// A batch on its way: a run of claimed items and the body made of them.
struct SyncEngine::Batch {
  std::shared_ptr<std::vector<OutboxItem>> items;
  size_t begin = 0, end = 0;
  std::string body;
  std::chrono::steady_clock::time_point t0;
  HttpRequest request;  // compressed and signed ahead, while the previous batch is at the gateway
  size_t wire = 0;      // body bytes as sent (compressed when gz)
  bool gz = false;
  size_t size() const { return end - begin; }
};

// Builds b's body and signed request and notes its size as sent.
void SyncEngine::build_batch(OutboxKind kind, Batch& b) {
  b.body = batch_body(kind, *b.items, b.begin, b.end);
  b.request = make_request("POST", base_path_ + wire_of(kind).path, b.body, true);
  b.wire = b.request.body.size();
  b.gz = b.wire != b.body.size() || std::any_of(b.request.headers.begin(), b.request.headers.end(),
                                                [](const auto& h) { return h.first == "Content-Encoding"; });
}

// Builds the batch at plan[next - 1] so that its bytes as sent fit the
// learned limit: a batch that does not is cut (proportionally) and the rest
// goes back into the plan as the next range. One item always goes alone.
void SyncEngine::build_fitting(OutboxKind kind, Batch& b, std::vector<BatchRange>& plan, size_t next) {
  build_batch(kind, b);
  size_t limit = wire_bytes_.current(now_ms());
  while (b.wire > limit && b.size() > 1) {
    size_t keep = shrink_to_fit(b.size(), b.wire, limit);
    plan.insert(plan.begin() + std::ptrdiff_t(next), BatchRange{b.begin + keep, b.end, false});
    b.end = b.begin + keep;
    build_batch(kind, b);
  }
}

// A batch request on its own (after a 413, a clock_skew, a refusal, a lost
// answer): built afresh, so signed afresh, paced, sent and waited for.
HttpResponse SyncEngine::send_batch(OutboxKind kind, Batch& b) {
  build_batch(kind, b);
  pace();
  b.t0 = std::chrono::steady_clock::now();
  HttpResponse r = transport_->send(b.request);
  note_answer(r);
  return r;
}

// While the gateway has taught a limit (a 413), batch requests are at least
// constrained_interval_ms apart: splitting must not turn into a burst.
void SyncEngine::pace() {
  int64_t now = now_ms();
  const bool constrained = wire_bytes_.lowered(now) || raw_bytes_.lowered(now) || complaint_items_.lowered(now) ||
                           event_items_.lowered(now);
  if (constrained && options_.constrained_interval_ms > 0) {
    int64_t wait = last_batch_ms_ + options_.constrained_interval_ms - now;
    if (wait > 0) {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait_for(lock, std::chrono::milliseconds(wait), [this] { return stopping_.load(); });
    }
  }
  last_batch_ms_ = now_ms();
}

// The items [begin, end) planned afresh against the learned limits and sent
// one batch after another (after a 413). Items not sent when a batch fails
// go back to pending.
SyncEngine::Step SyncEngine::send_range(OutboxKind kind, const std::shared_ptr<std::vector<OutboxItem>>& items,
                                        size_t begin, size_t end, SyncReport& report) {
  const bool complaints = kind == OutboxKind::complaint;
  const size_t envelope = make_batch_body(wire_of(kind).array, {}).size();
  std::vector<size_t> sizes;
  for (size_t i = begin; i < end; ++i) sizes.push_back((*items)[i].payload.size());
  const int64_t now = now_ms();
  std::vector<BatchRange> plan = plan_batches(sizes, (complaints ? complaint_items_ : event_items_).current(now),
                                              raw_bytes_.current(now), envelope);
  for (BatchRange& r : plan) r.begin += begin, r.end += begin;
  for (size_t next = 0; next < plan.size(); ++next) {
    Step s = Step::stop_pass;
    size_t unsent = next;  // stopped before this batch went: it goes back too
    if (!stopping_.load()) {
      Batch b{items, plan[next].begin, plan[next].end, {}, {}, {}};
      build_fitting(kind, b, plan, next + 1);
      if (held_over_protocol_limit(kind, b, report)) continue;
      s = answer_batch(kind, b, send_batch(kind, b), true, report);
      unsent = next + 1;
    }
    if (s == Step::stop_pass) {
      for (size_t k = unsent; k < plan.size(); ++k)
        release_all(*items, plan[k].begin, plan[k].end, "not sent: an earlier batch failed",
                    std::max(backoff_until_ms_, now_ms()));
      return Step::stop_pass;
    }
  }
  return Step::ok;
}

// One item whose body alone is over the protocol's 1 MiB as sent: the
// gateway must refuse it, so it is held without being sent.
bool SyncEngine::held_over_protocol_limit(OutboxKind kind, Batch& b, SyncReport& report) {
  if (b.size() != 1 || b.wire <= kMaxBodyBytes) return false;
  store_->mark_held((*b.items)[b.begin].seq, "larger than the protocol's 1 MiB body limit on its own, as sent (" +
                                                 std::to_string(b.wire) + " bytes)",
                   held_code::too_large);
  ++report.held;
  raise_alert(sync_alert::held, "an item is too large to send");
  log(std::string("held kind=") + to_string(kind) + " seq=" + std::to_string((*b.items)[b.begin].seq) +
      " reason=too_large bytes=" + std::to_string(b.wire));
  return true;
}

std::string SyncEngine::batch_body(OutboxKind kind, const std::vector<OutboxItem>& items, size_t begin, size_t end) {
  std::vector<std::string> payloads;
  payloads.reserve(end - begin);
  for (size_t i = begin; i < end; ++i) payloads.push_back(items[i].payload);
  return make_batch_body(wire_of(kind).array, payloads);
}

// Pipelined: while the gateway works on one batch, the next is claimed and
// built, and it is sent before the answer to the first is written to the
// store. One connection, at most one request on it at a time.
SyncEngine::Step SyncEngine::deliver(OutboxKind kind, SyncReport& report) {
  const bool complaints = kind == OutboxKind::complaint;
  const size_t envelope = make_batch_body(wire_of(kind).array, {}).size();
  std::shared_ptr<std::vector<OutboxItem>> claimed;
  std::vector<BatchRange> plan;
  size_t next_range = 0;

  // Claimed but not sent: back to pending, due when the backoff ends.
  auto release_rest = [&](int64_t due) {
    for (; next_range < plan.size(); ++next_range)
      release_all(*claimed, plan[next_range].begin, plan[next_range].end, "not sent: an earlier batch failed", due);
  };
  auto next_batch = [&]() -> std::optional<Batch> {
    while (true) {
      if (stopping_.load()) {
        release_rest(now_ms());  // a stop during the claim (an fsync) must not leave it leased
        return std::nullopt;
      }
      if (next_range < plan.size()) {
        const BatchRange r = plan[next_range++];
        Batch b{claimed, r.begin, r.end, {}, {}, {}};
        build_fitting(kind, b, plan, next_range);
        if (held_over_protocol_limit(kind, b, report)) continue;
        return b;
      }
      size_t claim_max = complaints ? kMaxComplaintsPerBatch : kMaxEventsPerBatch;
      auto items = std::make_shared<std::vector<OutboxItem>>(
          store_->claim(kind, claim_max, options_.owner, options_.lease_ms, options_.destination));
      if (items->empty()) return std::nullopt;
      if (items->front().unanswered > 0)
        log(std::string(wire_of(kind).log_word) + " resend items=" + std::to_string(items->size()) + " unanswered=" +
            std::to_string(items->front().unanswered) + ": their sender died before an answer; a smaller batch");
      std::vector<size_t> sizes;
      sizes.reserve(items->size());
      for (const OutboxItem& it : *items) sizes.push_back(it.payload.size());
      const int64_t now = now_ms();
      plan = plan_batches(sizes, (complaints ? complaint_items_ : event_items_).current(now), raw_bytes_.current(now),
                          envelope);
      claimed = std::move(items);
      next_range = 0;
    }
  };
  auto release_unsent = [&](std::optional<Batch>& b) {
    int64_t due = std::max(backoff_until_ms_, now_ms());
    if (b) release_all(*b->items, b->begin, b->end, "not sent: an earlier batch failed", due);
    b.reset();
    release_rest(due);
  };
  auto launch = [&](Batch& b) {
    pace();
    b.t0 = std::chrono::steady_clock::now();
    transport_->start(std::move(b.request));
  };

  std::optional<Batch> cur = next_batch();
  if (!cur) return stopping_.load() ? Step::stop_pass : Step::ok;
  launch(*cur);
  while (true) {
    std::optional<Batch> nxt = next_batch();  // while the gateway works on cur
    HttpResponse r = transport_->finish();
    note_answer(r);
    ++report.requests;
    Outcome o = classify(r);
    BatchAnswer answer;
    std::string why;
    bool good = o.verdict == Outcome::ok && parse_batch_answer(r.body, answer, why);
    bool started = false;
    if (good && nxt && !stopping_.load()) {
      launch(*nxt);  // before the store work for cur
      started = true;
    }
    Step step = good ? apply_results(kind, *cur, answer, r.seconds, report) : handle_answer(kind, *cur, r, o, why, true, report);
    if (step == Step::ok && !started && nxt && !stopping_.load()) {
      launch(*nxt);
      started = true;
    }
    if (step == Step::stop_pass || stopping_.load()) {
      if (started) {  // its answer is on the way: read it, it may deliver
        HttpResponse r2 = transport_->finish();
        note_answer(r2);
        answer_batch(kind, *nxt, r2, false, report);
        nxt.reset();
      }
      release_unsent(nxt);
      return Step::stop_pass;
    }
    if (!started) {
      nxt = next_batch();  // the claim may find more now (new submits, or nothing was left before)
      if (!nxt) return stopping_.load() ? Step::stop_pass : Step::ok;
      launch(*nxt);
    }
    cur = std::move(nxt);
  }
}

// ---------------------------------------------------------------------------
// [SECTION] Delivery: a batch's answer
// ---------------------------------------------------------------------------

// An outbox payload that is not a JSON object (a damaged row in the store)
// makes the whole batch body malformed: the gateway can only answer 400.
static bool readable_payload(const std::string& p) {
  size_t i = p.find_first_not_of(" \t\r\n");
  return i != std::string::npos && p[i] == '{' && nlohmann::json::accept(p);
}

// After a 400 for a batch: the items that cannot be read are held alone and
// the rest is sent again (a damaged row must not hold 99 good ones). Empty
// when there is none: the request as a whole was refused, the error table's
// row applies.
std::optional<SyncEngine::Step> SyncEngine::hold_unreadable(OutboxKind kind, Batch& b, const Outcome& o, SyncReport& report) {
  auto rest = std::make_shared<std::vector<OutboxItem>>();
  std::vector<HeldMark> bad;
  for (size_t i = b.begin; i < b.end; ++i) {
    const OutboxItem& it = (*b.items)[i];
    if (readable_payload(it.payload)) rest->push_back(it);
    else bad.push_back({it.seq, "unreadable in the local store (damaged JSON): not sent; its batch got " + o.error, held_code::unreadable});
  }
  if (bad.empty()) return std::nullopt;
  store_->mark_held(bad);
  report.held += int64_t(bad.size());
  raise_alert(sync_alert::held, std::to_string(bad.size()) + " item(s) unreadable in the local store and held");
  log(std::string(wire_of(kind).log_word) + " held unreadable=" +
      std::to_string(bad.size()) + " resending=" + std::to_string(rest->size()));
  return rest->empty() ? Step::ok : send_range(kind, rest, 0, rest->size(), report);
}

// A batch's answer read: each item's result applied, or the error table's row
// for the whole batch. Without may_retry a clock_skew counts as transient.
SyncEngine::Step SyncEngine::answer_batch(OutboxKind kind, Batch& b, const HttpResponse& r, bool may_retry,
                                          SyncReport& report) {
  ++report.requests;
  Outcome o = classify(r);
  BatchAnswer answer;
  std::string why;
  if (o.verdict == Outcome::ok && parse_batch_answer(r.body, answer, why))
    return apply_results(kind, b, answer, r.seconds, report);
  return handle_answer(kind, b, r, o, why, may_retry, report);
}

// Every answer but a readable 2xx: the error table, row by row.
SyncEngine::Step SyncEngine::handle_answer(OutboxKind kind, Batch& b, const HttpResponse& r, Outcome o,
                                           const std::string& why, bool may_retry, SyncReport& report) {
  const bool complaints = kind == OutboxKind::complaint;
  const char* what = wire_of(kind).log_word;
  std::vector<OutboxItem>& items = *b.items;
  const size_t n = b.size();
  if (o.verdict == Outcome::clock_skew && may_retry) {
    learn_offset(*o.server_time, "clock_skew");
    // Once, at once; a second clock_skew is then transient.
    return answer_batch(kind, b, send_batch(kind, b), false, report);
  }
  if (o.verdict == Outcome::refused) {
    if (note_refusal(o) && may_retry) {
      log(std::string(what) + " refused error=\"" + o.error + "\"");
      if (!pause_before_retry()) o.verdict = Outcome::aborted;
      else return answer_batch(kind, b, send_batch(kind, b), true, report);
    }
    if (o.verdict == Outcome::refused) o.verdict = Outcome::transient;
  }
  if (o.verdict == Outcome::transient && o.no_answer && may_retry) {
    // The batch may be stored and only its answer lost: send it again at
    // once, signed afresh; the gateway answers "duplicate" for what it has.
    log(std::string(what) + " no answer: sending again error=\"" + o.error + "\"");
    return answer_batch(kind, b, send_batch(kind, b), false, report);
  }
  switch (o.verdict) {
    case Outcome::split: {
      const int64_t now = now_ms();
      const bool items_limit = o.code == wire_err::too_many_items;
      if (n == 1 && !items_limit && !b.gz && options_.gzip_above_bytes > 0 && may_retry) {
        // Refused alone as it was sent, uncompressed: the limit is below its
        // size, so it goes compressed now; held only if that is refused too.
        wire_bytes_.refused(b.wire, now);
        save_limits();
        log(std::string(what) + " too large seq=" + std::to_string(items[b.begin].seq) + " bytes=" +
            std::to_string(b.wire) + ": sending it compressed");
        return answer_batch(kind, b, send_batch(kind, b), false, report);
      }
      if (n == 1) {
        store_->mark_held(items[b.begin].seq, "the gateway refused it alone as too large (413 " +
                                                  (o.code.empty() ? std::string("no code") : o.code) + ", " +
                                                  std::to_string(b.wire) + " bytes as sent)",
                         held_code::too_large);
        ++report.held;
        raise_alert(sync_alert::held, "an item is too large for the gateway (413)");
        log(std::string(what) + " held seq=" + std::to_string(items[b.begin].seq) + " reason=413");
        return Step::ok;
      }
      // Learn the limit so later batches do not hit the wall again: in
      // bytes as sent (and inflated, for a gzip body: a gateway may limit
      // either), bisected between what it took and what it refused.
      if (items_limit) {
        (complaints ? complaint_items_ : event_items_).refused(n, now);
      } else {
        wire_bytes_.refused(b.wire, now);
        if (b.gz) raw_bytes_.refused(b.body.size(), now);
      }
      save_limits();
      log(std::string(what) + " split items=" + std::to_string(n) + " bytes=" + std::to_string(b.wire) +
          (b.gz ? " gzip" : "") + " code=" + (o.code.empty() ? "none" : o.code));
      return send_range(kind, b.items, b.begin, b.end, report);
    }
    case Outcome::client_fault: {
      if (n > 1)
        if (std::optional<Step> s = hold_unreadable(kind, b, o, report)) return *s;
      std::vector<HeldMark> marks;
      for (size_t i = b.begin; i < b.end; ++i) marks.push_back({items[i].seq, "the gateway refused the request: " + o.error, held_code::refused});
      store_->mark_held(marks);
      report.held += int64_t(n);
      raise_alert(sync_alert::held, std::to_string(n) + " item(s) held: the gateway answered " + o.error);
      log(std::string(what) + " held items=" + std::to_string(n) + " error=\"" + o.error.substr(0, o.error.find(':')) + "\"");
      // No hot retry: the next batch waits for a backoff.
      ++failures_;
      set_backoff(now_ms() + backoff_delay_ms(options_.backoff, failures_));
      report.backoff_until_ms = backoff_until_ms_;
      record_error(std::string(what) + ": " + o.error);
      return Step::stop_pass;
    }
    case Outcome::ok: {  // 2xx with a body that is not the answer: nothing is marked delivered
      o.verdict = Outcome::transient;
      o.error = "HTTP " + std::to_string(r.status) + " with an unreadable body (" + why + ")";
      break;
    }
    case Outcome::gone:  // 410 on a batch means nothing sensible: treat as transient
    case Outcome::clock_skew:
      o.verdict = Outcome::transient;
      break;
    default: break;
  }
  Step s = on_failure(o, report, what);
  release_all(items, b.begin, b.end, o.error,
              o.verdict == Outcome::fatal || o.verdict == Outcome::aborted ? now_ms() : backoff_until_ms_);
  return s;
}

// A readable answer: one result per item. Nothing is marked delivered unless
// the answer says so for that id.
SyncEngine::Step SyncEngine::apply_results(OutboxKind kind, Batch& b, const BatchAnswer& answer, double http_s,
                                           SyncReport& report) {
  const bool complaints = kind == OutboxKind::complaint;
  const char* what = wire_of(kind).log_word;
  std::vector<OutboxItem>& items = *b.items;
  std::unordered_map<std::string, const ItemResult*> by_id;
  for (const ItemResult& res : answer.results) by_id.emplace(res.id, &res);
  // The whole answer goes to the store in one transaction per kind of mark
  // (usually just the delivered one), not one per item.
  std::vector<DeliveredMark> delivered_marks;
  std::vector<HeldMark> held_marks;
  std::vector<int64_t> unanswered_seqs;
  std::vector<std::pair<const OutboxItem*, std::string>> conflicts;  // ticket_conflict: the answer's last_ticket
  delivered_marks.reserve(b.size());
  for (size_t i = b.begin; i < b.end; ++i) {
    OutboxItem& it = items[i];
    size_t k = i - b.begin;
    const ItemResult* res = nullptr;
    if (k < answer.results.size() && answer.results[k].id == it.ref_id) res = &answer.results[k];
    else if (auto f = by_id.find(it.ref_id); f != by_id.end()) res = f->second;
    if (res && res->delivered()) {
      delivered_marks.push_back({it.seq, complaints ? res->case_no : std::string()});
    } else if (complaints && res && res->status == item_status::rejected && res->error.code == wire_err::ticket_conflict) {
      conflicts.emplace_back(&it, res->error.last_ticket);
    } else if (res && res->status == item_status::rejected) {
      std::string reason = "rejected by the gateway: " + (res->error.code.empty() ? std::string("no code") : res->error.code);
      if (!res->error.field.empty()) reason += " " + res->error.field;
      if (!res->error.message.empty()) reason += ": " + res->error.message.substr(0, 300);
      held_marks.push_back({it.seq, std::move(reason), held_code::rejected});
      log(std::string(what) + " held seq=" + std::to_string(it.seq) + " code=" + res->error.code +
          (res->error.field.empty() ? "" : " field=" + res->error.field));
    } else {
      unanswered_seqs.push_back(it.seq);
    }
  }
  // The gateway took a body of this size: the learned limits may grow.
  const int64_t now = now_ms();
  wire_bytes_.accepted(b.wire, now);
  raw_bytes_.accepted(b.body.size(), now);
  (complaints ? complaint_items_ : event_items_).accepted(b.size(), now);
  save_limits();
  store_->mark_delivered(delivered_marks);
  store_->mark_held(held_marks);
  store_->release(unanswered_seqs, "no result for this item in the answer", now_ms());
  const size_t reticketed_held = reticket_conflicts(conflicts);
  const size_t delivered = delivered_marks.size(), held = held_marks.size() + reticketed_held,
               unanswered = unanswered_seqs.size();
  long ms = long(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - b.t0).count());
  if (complaints) report.complaints_delivered += int64_t(delivered);
  else report.events_delivered += int64_t(delivered);
  report.held += int64_t(held);
  if (held) raise_alert(sync_alert::held, std::to_string(held) + " item(s) rejected by the gateway and held");
  log(std::string(what) + " ok items=" + std::to_string(b.size()) + " delivered=" + std::to_string(delivered) +
      (held ? " held=" + std::to_string(held) : "") + (unanswered ? " unanswered=" + std::to_string(unanswered) : "") +
      (conflicts.empty() ? "" : " ticket_conflicts=" + std::to_string(conflicts.size())) +
      " bytes=" + std::to_string(b.body.size()) + " ms=" + std::to_string(ms) +
      " http_ms=" + std::to_string(long(http_s * 1000)));
  if (unanswered) {
    Outcome g;
    g.verdict = Outcome::transient;
    g.error = std::to_string(unanswered) + " item(s) missing from the answer";
    return on_failure(g, report, what);
  }
  failures_ = 0;
  return Step::ok;
}

// The complaints the gateway refused with ticket_conflict get a new ticket
// and go again in this pass (the same id: the gateway stored none of them),
// or are held once one has conflicted max_ticket_conflicts times. Returns
// how many were held.
size_t SyncEngine::reticket_conflicts(const std::vector<std::pair<const OutboxItem*, std::string>>& conflicts) {
  size_t held = 0;
  for (const auto& [it, last_ticket] : conflicts) {
    std::string sent;
    nlohmann::json j = nlohmann::json::parse(it->payload, nullptr, false);
    if (j.is_object() && j.contains("ticket") && j["ticket"].is_string()) sent = j["ticket"].get<std::string>();
    ReticketResult r = store_->reticket(it->seq, sent, last_ticket, options_.max_ticket_conflicts);
    if (r.outcome == ReticketResult::Outcome::held) ++held;
    // Tickets are not personal data: the log says which became which.
    log("deliver ticket_conflict seq=" + std::to_string(it->seq) + " conflicts=" + std::to_string(r.conflicts) +
        (r.outcome == ReticketResult::Outcome::reticketed ? " old=" + r.old_ticket + " new=" + r.new_ticket
         : r.outcome == ReticketResult::Outcome::held    ? " held"
                                                          : " unchanged"));
  }
  if (held) raise_alert(sync_alert::held, std::to_string(held) + " complaint(s) held after repeated ticket conflicts");
  return held;
}

// ---------------------------------------------------------------------------
// [SECTION] Updates
// ---------------------------------------------------------------------------

SyncEngine::Step SyncEngine::pull_updates(SyncReport& report) {
  std::optional<std::string> cursor = store_->updates_cursor();
  bool restarted = false, skew_retried = false;
  for (int page = 0; page < 10'000 && !stopping_.load(); ++page) {
    std::string target = updates_target(base_path_, cursor.value_or(""), options_.updates_limit);
    HttpResponse r = exchange("GET", target, "", true);
    ++report.requests;
    Outcome o = classify(r);
    if (o.verdict == Outcome::clock_skew && !skew_retried) {
      skew_retried = true;
      learn_offset(*o.server_time, "clock_skew");
      --page;
      continue;
    }
    if (o.verdict == Outcome::refused) {
      if (note_refusal(o)) {
        log("updates refused error=\"" + o.error + "\"");
        if (!pause_before_retry()) {
          report.aborted = true;
          return Step::stop_pass;
        }
        --page;
        continue;
      }
    }
    if (o.verdict == Outcome::gone && !restarted) {
      restarted = true;
      store_->clear_updates_cursor();
      cursor.reset();
      log("updates gone: starting again without a cursor");
      continue;
    }
    if (o.verdict != Outcome::ok) {
      if (o.verdict == Outcome::client_fault || o.verdict == Outcome::split || o.verdict == Outcome::gone ||
          o.verdict == Outcome::clock_skew)
        o.verdict = Outcome::transient;  // nothing to hold: back off, never a hot loop
      return on_failure(o, report, "updates");
    }
    UpdatesAnswer a;
    std::string why;
    if (!parse_updates_answer(r.body, a, why)) {
      Outcome g;
      g.verdict = Outcome::transient;
      g.error = "HTTP " + std::to_string(r.status) + " with an unreadable body (" + why + ")";
      return on_failure(g, report, "updates");
    }
    store_->apply_updates(a.updates, a.next_cursor);
    report.updates_applied += int64_t(a.updates.size());
    if (!a.updates.empty()) log("updates ok applied=" + std::to_string(a.updates.size()) + (a.more ? " more" : ""));
    bool progressed = !a.updates.empty() || a.next_cursor != cursor.value_or("");
    cursor = a.next_cursor;
    if (!a.more || !progressed) break;  // "more" without progress would loop for ever
  }
  failures_ = 0;
  return Step::ok;
}

// ---------------------------------------------------------------------------
// [SECTION] Passes and the engine's thread
// ---------------------------------------------------------------------------

bool SyncEngine::check_health() {
  HttpResponse r = exchange("GET", base_path_ + kHealthPath, "", false);
  if (!r.ok()) {
    if (r.error == TransportError::tls)
      raise_alert(sync_alert::tls, "the gateway's certificate did not verify (" + r.error_message + ")");
    log("health fail error=\"" + r.error_message + "\"");
    return false;
  }
  HealthAnswer h;
  std::string why;
  if (r.status != 200 || !parse_health_answer(r.body, h, why)) {
    log("health fail status=" + std::to_string(r.status));
    return false;
  }
  store_->set_state(skey(sync_key::server_time), std::to_string(h.server_time));
  learn_offset(h.server_time, "health");
  return true;
}

SyncReport SyncEngine::pass(bool poll) {
  SyncReport report;
  if (now_ms() < backoff_until_ms_) {
    // A wait the gateway asked for (or a backoff), perhaps in an earlier
    // process: nothing goes before it is over.
    report.deferred = true;
    report.backoff_until_ms = backoff_until_ms_;
    report.error = "waiting until " + format_rfc3339(backoff_until_ms_ / 1000, options_.store.tz_offset_minutes) +
                   " before the next request (backoff or Retry-After)";
    return report;
  }
  try {
    if (poll) check_health();
    // The hub also gets the forwarded updates; only the gateway has /updates.
    const bool gateway = options_.destination == kGatewayDestination;
    const bool delivered = deliver(OutboxKind::complaint, report) == Step::ok && !stopping_.load() &&
                           deliver(OutboxKind::event, report) == Step::ok && !stopping_.load();
    if (delivered && !gateway) deliver(OutboxKind::update, report);
    if (delivered && gateway && poll) pull_updates(report);
    if (stopping_.load()) report.aborted = true;
    if (!report.failed && !report.stopped && !report.aborted && report.requests > 0) {
      // Signed requests went through: the key, kiosk id and base URL are right.
      record_success();
      drop_alert(sync_alert::auth);
      drop_alert(sync_alert::not_found);
    }
    if (!report.aborted && report.held == 0 && store_->outbox_counts(options_.destination).held == 0) drop_alert(sync_alert::held);
  } catch (const std::exception& e) {
    // The store said no (busy, disk full, ...). Anything claimed stays leased
    // and comes back when the lease runs out; the gateway dedups on id.
    Outcome o;
    o.verdict = Outcome::transient;
    o.error = std::string("local store: ") + e.what();
    on_failure(o, report, "store");
  }
  return report;
}

int64_t SyncEngine::purge_personal_data() {
  try {
    int64_t n = purge_expired_personal_data(*store_, options_.retention_ms);
    if (n > 0) log("purge personal_data complaints=" + std::to_string(n));
    return n;
  } catch (const std::exception& e) {
    log(std::string("purge fail error=\"") + e.what() + "\"");
    return 0;
  }
}

SyncReport SyncEngine::run_once() {
  try {
    clear_stopped();
  } catch (const std::exception&) {
  }
  SyncReport r = pass(true);
  if (options_.heartbeat_interval_ms > 0 && !stopping_.load()) send_heartbeat();
  return r;
}

SyncReport SyncEngine::deliver_pending() {
  try {
    clear_stopped();
  } catch (const std::exception&) {
  }
  return pass(false);
}

void SyncEngine::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  transport_->resume();
  thread_ = std::thread([this] { thread_main(); });
}

void SyncEngine::wake() {
  std::lock_guard<std::mutex> lock(mutex_);
  woken_ = true;
  cv_.notify_all();
}

void SyncEngine::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    cv_.notify_all();
  }
  transport_->abort();
  thread_.join();
  transport_->resume();
  stopping_ = false;
}

void SyncEngine::thread_main() {
  log("start owner=" + options_.owner);
  try {
    clear_stopped();
  } catch (const std::exception&) {
  }
  int64_t next_poll = 0;
  int64_t stopped_until = 0;
  int64_t next_purge = 0;  // once at start, then every purge_interval_ms
  int64_t next_heartbeat = 0;  // the hub's: at start, then every heartbeat_interval_ms
  const bool purging = options_.retention_ms > 0;
  const bool beating = options_.heartbeat_interval_ms > 0;
  while (!stopping_.load()) {
    int64_t now = now_ms();
    if (beating && now >= next_heartbeat) {
      send_heartbeat();  // its failure waits for the next interval; delivery never waits for it
      next_heartbeat = now_ms() + options_.heartbeat_interval_ms;
      now = now_ms();
    }
    if (purging && now >= next_purge) {
      // Local work: done whatever the gateway says (stopped, backing off).
      purge_personal_data();
      next_purge = now_ms() + std::max<int64_t>(options_.purge_interval_ms, 100);
      now = now_ms();
    }
    int64_t wake_at;
    if (stopped_ && stopped_until == 0) stopped_until = now + options_.stopped_retry_ms;
    if (stopped_ && now >= stopped_until) {
      stopped_ = false;  // try again, rarely: someone may have fixed the key or the URL
      stopped_until = 0;
    }
    if (stopped_) {
      wake_at = stopped_until;
    } else if (now < backoff_until_ms_) {
      wake_at = backoff_until_ms_;
    } else {
      bool poll = now >= next_poll;
      SyncReport rep = pass(poll);
      if (poll) next_poll = now_ms() + options_.poll_interval_ms;
      now = now_ms();
      wake_at = next_poll;
      // After a failure the next try is due when its backoff ends, even when
      // that is already past (a full-jitter wait can be 0 ms): not at the next poll.
      if (rep.failed || backoff_until_ms_ > now) wake_at = std::min(wake_at, std::max(backoff_until_ms_, now));
      if (!rep.failed && !rep.stopped) {
        try {
          int64_t due = store_->next_due_ms(options_.destination);
          if (due > 0) wake_at = std::min(wake_at, std::max(due, now + 10));
        } catch (const std::exception&) {
        }
      }
    }
    if (purging) wake_at = std::min(wake_at, next_purge);
    if (beating) wake_at = std::min(wake_at, next_heartbeat);
    std::unique_lock<std::mutex> lock(mutex_);
    int64_t wait_ms = std::max<int64_t>(0, wake_at - now_ms());
    cv_.wait_for(lock, std::chrono::milliseconds(wait_ms), [this] { return stopping_.load() || woken_; });
    if (woken_) {
      woken_ = false;
      // A wake does not cut a backoff or a stop short: that would let a busy
      // kiosk turn a 503 storm into a request per submitted complaint.
    }
  }
  log("stop");
}

}  // namespace odr
