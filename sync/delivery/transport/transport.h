// The HTTP(S) exchange under the sync engine: one request in, one response
// out. Swappable (tests and the benchmark's naive client make their own), but
// the product uses CurlTransport. Nothing here knows the protocol: signing,
// gzip request bodies (signed as sent, so compressed before signing) and
// message shapes live in protocol/ and engine/.
#pragma once
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace odr {

// Why no HTTP answer was read. An HTTP error status is NOT a transport error.
enum class TransportError {
  none,     // a complete HTTP response was read
  connect,  // could not resolve or connect
  timeout,  // connect, total or low-speed time-out
  tls,      // certificate chain, host name, pinned key, handshake
  not_tls,  // the server answered in plain HTTP (or something else that is not TLS)
  aborted,  // abort() was called
  other,    // reset, cut connection, garbled HTTP, too large, ...
};
const char* to_string(TransportError e);

struct HttpRequest {
  std::string method = "GET";  // GET or POST (anything else goes as a custom method)
  std::string url;             // absolute: https://host:port/path?query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // sent as-is; Content-Type and Content-Encoding are the caller's headers
};

struct HttpResponse {
  int status = 0;                              // 0 when error != none
  std::map<std::string, std::string> headers;  // names lowercased; last value wins
  std::string body;                            // decoded (gzip undone)
  TransportError error = TransportError::none;
  std::string error_message;  // for logs and staff: never holds request data
  // The connection ended before a single byte of an answer: the request may
  // have reached the server (a lost acknowledgement). Never re-sent here.
  bool no_answer = false;
  long http_version = 0;      // 11 or 2 (20), for the curious
  double seconds = 0;         // wall time of the exchange

  bool ok() const { return error == TransportError::none; }
  // Lowercase name; "" when absent.
  std::string header(std::string_view name) const;
};

struct TransportOptions {
  std::string ca_file;        // empty: the system's CA bundle
  std::string pinned_pubkey;  // "sha256//BASE64" (curl's form); empty: no pin
  std::string client_cert;    // PEM, for mutual TLS; empty: none
  std::string client_key;
  int connect_timeout_s = 10;
  int request_timeout_s = 60;          // the whole exchange
  long low_speed_limit_bytes_s = 64;   // slower than this ...
  int low_speed_time_s = 20;           // ... for this long: timeout
  size_t max_response_bytes = 32u << 20;  // a larger answer is garbage: error other
  bool http2 = true;                   // offer h2 over TLS; HTTP/1.1 otherwise
  // The only proxy used ("http://host:port", "socks5h://..."); empty: none,
  // whatever https_proxy / ALL_PROXY say (a stray variable must not reroute
  // the kiosk's traffic).
  std::string proxy;
  // TLS verification has no switch: it is always on.
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Blocks until the answer is read or the exchange failed. Never throws.
  virtual HttpResponse send(const HttpRequest& request) = 0;
  // The same in two steps, so the caller can do local work while the server
  // works on the request: start() sends it (as far as the socket takes it),
  // finish() waits for the answer. One exchange at a time; every start()
  // is followed by one finish(). This default simply defers to send().
  virtual void start(HttpRequest request) { deferred_ = std::move(request); }
  virtual HttpResponse finish() { return send(deferred_); }
  // Thread-safe: makes an in-flight send() return promptly with
  // TransportError::aborted, and every later one too, until resume().
  virtual void abort() = 0;
  virtual void resume() = 0;

 private:
  HttpRequest deferred_;
};

// One reused libcurl easy handle: keep-alive across calls, HTTP/2 when the
// server offers it, gzip answers, time-outs and prompt abort. One start() is
// one attempt on the wire: when a reused connection dies before any answer,
// libcurl would send the same request again on a new connection by itself;
// this transport refuses that and reports no_answer instead, so a signed
// request is only ever sent again by its caller, signed again. It never
// writes TLS secrets, whatever SSLKEYLOGFILE says.
std::unique_ptr<Transport> make_curl_transport(const TransportOptions& options);

}  // namespace odr
