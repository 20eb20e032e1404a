// The libcurl transport. One easy handle inside one multi handle, reused for
// every request so the connection (and its TLS session) stays open between
// batches. The multi handle is there for one reason: curl_multi_wakeup lets
// abort() interrupt a transfer that is waiting on a dead network at once,
// instead of at the next progress tick.
#include <curl/curl.h>
#include <openssl/ssl.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <utility>

#include "transport/transport.h"

namespace odr {

const char* to_string(TransportError e) {
  switch (e) {
    case TransportError::none: return "none";
    case TransportError::connect: return "connect";
    case TransportError::timeout: return "timeout";
    case TransportError::tls: return "tls";
    case TransportError::not_tls: return "not_tls";
    case TransportError::aborted: return "aborted";
    case TransportError::other: return "other";
  }
  return "other";
}

std::string HttpResponse::header(std::string_view name) const {
  std::string key(name);
  for (char& c : key) c = (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
  auto it = headers.find(key);
  return it == headers.end() ? std::string() : it->second;
}

namespace {

TransportError classify(CURLcode code) {
  switch (int(code)) {
    case CURLE_OK: return TransportError::none;
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT: return TransportError::connect;
    case CURLE_OPERATION_TIMEDOUT: return TransportError::timeout;
    case CURLE_ABORTED_BY_CALLBACK: return TransportError::aborted;
    case 35:  // CURLE_SSL_CONNECT_ERROR
    case 51:  // older curl: peer certificate / host name
    case 53:  // CURLE_SSL_ENGINE_NOTFOUND
    case 54:  // CURLE_SSL_ENGINE_SETFAILED
    case 58:  // CURLE_SSL_CERTPROBLEM (client cert)
    case 59:  // CURLE_SSL_CIPHER
    case 60:  // CURLE_PEER_FAILED_VERIFICATION
    case 64:  // CURLE_USE_SSL_FAILED
    case 66:  // CURLE_SSL_ENGINE_INITFAILED
    case 77:  // CURLE_SSL_CACERT_BADFILE
    case 80:  // CURLE_SSL_SHUTDOWN_FAILED
    case 82:  // CURLE_SSL_CRL_BADFILE
    case 83:  // CURLE_SSL_ISSUER_ERROR
    case 90:  // CURLE_SSL_PINNEDPUBKEYNOTMATCH
    case 91:  // CURLE_SSL_INVALIDCERTSTATUS
    case 98:  // CURLE_SSL_CLIENTCERT
      return TransportError::tls;
    default: return TransportError::other;
  }
}

// libcurl opens the file named by SSLKEYLOGFILE at global init and writes
// every TLS session's secrets to it: whoever can set a kiosk's environment
// could then read its traffic. The variable goes before curl sees it, and
// each TLS context drops the key-log callback (set_no_keylog) in case
// something else in the process initialised curl first.
void global_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    ::unsetenv("SSLKEYLOGFILE");
    curl_global_init(CURL_GLOBAL_DEFAULT);
  });
}

CURLcode set_no_keylog(CURL*, void* ssl_ctx, void*) {
  SSL_CTX_set_keylog_callback(static_cast<SSL_CTX*>(ssl_ctx), nullptr);
  return CURLE_OK;
}

// OpenSSL's words when the other side answered in something that is not TLS
// (an HTTP server on that port answers the ClientHello with "HTTP/1.1 400").
bool looks_like_plain_http(const std::string& detail) {
  for (const char* w : {"wrong version number", "packet length too long", "http request", "unknown protocol"})
    if (detail.find(w) != std::string::npos) return true;
  return false;
}

class CurlTransport final : public Transport {
 public:
  explicit CurlTransport(const TransportOptions& options) : options_(options) {
    global_init();
    multi_ = curl_multi_init();
    easy_ = curl_easy_init();
    error_buf_[0] = 0;
    set_fixed_options();
  }
  ~CurlTransport() override {
    if (added_) curl_multi_remove_handle(multi_, easy_);
    curl_slist_free_all(header_list_);
    if (easy_) curl_easy_cleanup(easy_);
    if (multi_) curl_multi_cleanup(multi_);
  }

  HttpResponse send(const HttpRequest& request) override {
    start(request);
    return finish();
  }
  void start(HttpRequest request) override;
  HttpResponse finish() override;

  void abort() override {
    aborting_.store(true);
    if (multi_) curl_multi_wakeup(multi_);
  }
  void resume() override { aborting_.store(false); }

 private:
  void set_fixed_options();
  static size_t on_body(char* data, size_t size, size_t n, void* self);
  static size_t on_header(char* data, size_t size, size_t n, void* self);
  static int on_progress(void* self, curl_off_t, curl_off_t, curl_off_t, curl_off_t);
  static int on_prereq(void* self, char*, char*, int, int);

  TransportOptions options_;
  CURLM* multi_ = nullptr;
  CURL* easy_ = nullptr;
  std::atomic<bool> aborting_{false};
  char error_buf_[CURL_ERROR_SIZE];
  HttpRequest active_;               // the request between start() and finish(): curl reads its body
  HttpResponse response_;            // filled by the callbacks
  HttpResponse* current_ = nullptr;  // &response_ while a transfer runs
  curl_slist* header_list_ = nullptr;
  bool added_ = false;               // the easy handle is in the multi handle
  bool done_ = false;
  CURLcode result_ = CURLE_OK;
  std::chrono::steady_clock::time_point t0_;
  bool too_large_ = false;
  int attempts_ = 0;             // requests curl put on the wire for this start()
  bool refused_resend_ = false;  // on_prereq stopped curl's own second attempt
};

void CurlTransport::set_fixed_options() {
  if (!easy_) return;
  CURL* h = easy_;
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // we run on threads
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buf_);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &CurlTransport::on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, this);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &CurlTransport::on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, this);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &CurlTransport::on_progress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, this);
  curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, &CurlTransport::on_prereq);
  curl_easy_setopt(h, CURLOPT_PREREQDATA, this);
  curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, &set_no_keylog);
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");  // every encoding curl can undo (gzip, deflate, ...)
  curl_easy_setopt(h, CURLOPT_HTTP_VERSION, long(options_.http2 ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1));
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect is an answer, not a place to send signed data
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, long(options_.connect_timeout_s));
  curl_easy_setopt(h, CURLOPT_TIMEOUT, long(options_.request_timeout_s));
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, options_.low_speed_limit_bytes_s);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, long(options_.low_speed_time_s));
  // TLS: always verified. There is deliberately no option to turn this off.
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(h, CURLOPT_SSLVERSION, long(CURL_SSLVERSION_TLSv1_2));
  curl_easy_setopt(h, CURLOPT_PROXY, options_.proxy.c_str());  // "" turns the environment's proxies off
  if (!options_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (!options_.pinned_pubkey.empty()) curl_easy_setopt(h, CURLOPT_PINNEDPUBLICKEY, options_.pinned_pubkey.c_str());
  if (!options_.client_cert.empty()) curl_easy_setopt(h, CURLOPT_SSLCERT, options_.client_cert.c_str());
  if (!options_.client_key.empty()) curl_easy_setopt(h, CURLOPT_SSLKEY, options_.client_key.c_str());
}

size_t CurlTransport::on_body(char* data, size_t size, size_t n, void* p) {
  auto* self = static_cast<CurlTransport*>(p);
  size_t len = size * n;
  if (self->current_->body.size() + len > self->options_.max_response_bytes) {
    self->too_large_ = true;
    return CURL_WRITEFUNC_ERROR;
  }
  self->current_->body.append(data, len);
  return len;
}

size_t CurlTransport::on_header(char* data, size_t size, size_t n, void* p) {
  auto* self = static_cast<CurlTransport*>(p);
  size_t len = size * n;
  std::string_view line(data, len);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  // A new status line (after 100 Continue or a 1xx) starts a fresh header set.
  if (line.size() >= 5 && line.substr(0, 5) == "HTTP/") {
    self->current_->headers.clear();
    return len;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return len;
  std::string name(line.substr(0, colon));
  for (char& c : name) c = (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  self->current_->headers[name] = std::string(value);
  return len;
}

int CurlTransport::on_progress(void* p, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* self = static_cast<CurlTransport*>(p);
  return self->aborting_.load() ? 1 : 0;
}

// Called each time curl is about to send the request on a connection. A
// second call within one transfer is curl re-sending it by itself (a reused
// keep-alive connection died before any answer, or an HTTP/2 stream was
// refused): the first copy may have arrived, and a signed request must not
// go twice with the same nonce. The transfer ends instead, as no_answer.
int CurlTransport::on_prereq(void* p, char*, char*, int, int) {
  auto* self = static_cast<CurlTransport*>(p);
  if (++self->attempts_ > 1) {
    self->refused_resend_ = true;
    return CURL_PREREQFUNC_ABORT;
  }
  return CURL_PREREQFUNC_OK;
}

void CurlTransport::start(HttpRequest request) {
  active_ = std::move(request);
  response_ = HttpResponse();
  t0_ = std::chrono::steady_clock::now();
  done_ = false;
  added_ = false;
  result_ = CURLE_OK;
  if (!easy_ || !multi_ || aborting_.load()) return;  // finish() reports why
  current_ = &response_;
  too_large_ = false;
  attempts_ = 0;
  refused_resend_ = false;
  error_buf_[0] = 0;
  CURL* h = easy_;
  curl_easy_setopt(h, CURLOPT_URL, active_.url.c_str());
  if (active_.method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, nullptr);
  } else {
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(active_.body.size()));
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, active_.body.data());
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, active_.method == "POST" ? nullptr : active_.method.c_str());
  }
  for (const auto& [name, value] : active_.headers) header_list_ = curl_slist_append(header_list_, (name + ": " + value).c_str());
  // No "Expect: 100-continue" round trip before large bodies.
  header_list_ = curl_slist_append(header_list_, "Expect:");
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, header_list_);
  if (curl_multi_add_handle(multi_, h) != CURLM_OK) {
    result_ = CURLE_FAILED_INIT;
    done_ = true;
    return;
  }
  added_ = true;
  // Drive the transfer until the request is on the wire (or a short time
  // passed), so the server works on it while the caller does other things.
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
  while (true) {
    int running = 0;
    if (curl_multi_perform(multi_, &running) != CURLM_OK || running == 0) break;
    curl_off_t sent = 0;
    curl_easy_getinfo(h, CURLINFO_SIZE_UPLOAD_T, &sent);
    if (sent >= curl_off_t(active_.body.size()) && (active_.method == "GET" || sent > 0 || active_.body.empty())) {
      long code = 0;
      curl_easy_getinfo(h, CURLINFO_REQUEST_SIZE, &code);
      if (code > 0) break;  // headers (and the whole body) went out
    }
    if (aborting_.load() || std::chrono::steady_clock::now() > until) break;
    curl_multi_poll(multi_, nullptr, 0, 5, nullptr);
  }
}

HttpResponse CurlTransport::finish() {
  HttpResponse resp;
  if (!easy_ || !multi_) {
    resp.error = TransportError::other;
    resp.error_message = "libcurl could not be initialised";
    return resp;
  }
  if (!added_ && !done_) {
    resp.error = TransportError::aborted;
    resp.error_message = "aborted";
    return resp;
  }
  CURL* h = easy_;
  bool aborted = false;
  while (!done_) {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
      if (msg->msg == CURLMSG_DONE && msg->easy_handle == h) {
        result_ = msg->data.result;
        done_ = true;
      }
    }
    if (done_) break;
    if (aborting_.load()) {
      aborted = true;
      break;
    }
    curl_multi_poll(multi_, nullptr, 0, 200, nullptr);
    int running = 0;
    if (curl_multi_perform(multi_, &running) != CURLM_OK) {
      result_ = CURLE_FAILED_INIT;
      break;
    }
  }
  if (added_) curl_multi_remove_handle(multi_, h);  // keeps the idle connection in the multi's pool
  added_ = false;
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, nullptr);
  curl_slist_free_all(header_list_);
  header_list_ = nullptr;
  current_ = nullptr;
  resp = std::move(response_);
  response_ = HttpResponse();
  active_.body.clear();

  resp.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
  CURLcode result = aborted ? CURLE_ABORTED_BY_CALLBACK : result_;
  if (result == CURLE_OK) {
    long status = 0, version = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(h, CURLINFO_HTTP_VERSION, &version);
    resp.status = int(status);
    resp.http_version = version == CURL_HTTP_VERSION_2_0 ? 20 : 11;
    return resp;
  }
  long header_bytes = 0;
  curl_easy_getinfo(h, CURLINFO_HEADER_SIZE, &header_bytes);
  const bool nothing_read = header_bytes == 0 && resp.body.empty();
  resp.status = 0;
  resp.body.clear();
  resp.headers.clear();
  resp.error = too_large_ ? TransportError::other : classify(result);
  std::string detail = error_buf_[0] ? std::string(error_buf_) : std::string(curl_easy_strerror(result));
  if (refused_resend_ && !aborted && !aborting_.load()) {
    resp.error = TransportError::other;
    detail = "the connection closed before any answer; the request may have arrived (not re-sent)";
  }
  // With TLS 1.3 a refused client certificate arrives as an alert after the
  // handshake, so curl reports a receive error: it is still a TLS failure.
  if (resp.error == TransportError::other && detail.find("SSL routines") != std::string::npos)
    resp.error = TransportError::tls;
  if (resp.error == TransportError::tls && looks_like_plain_http(detail)) resp.error = TransportError::not_tls;
  if (too_large_) detail = "answer larger than " + std::to_string(options_.max_response_bytes) + " bytes";
  if (resp.error == TransportError::aborted) detail = "aborted";
  // Sent (at least partly) and nothing came back: the caller decides whether to send again.
  resp.no_answer = nothing_read && attempts_ > 0 &&
                   (resp.error == TransportError::other || resp.error == TransportError::timeout);
  resp.error_message = std::string(to_string(resp.error)) + ": " + detail + " (curl " + std::to_string(int(result)) + ")";
  return resp;
}

}  // namespace

std::unique_ptr<Transport> make_curl_transport(const TransportOptions& options) {
  return std::make_unique<CurlTransport>(options);
}

}  // namespace odr
