// Signed requests, as odr-sync-v1.md "Authentication" says. Both sides use
// this file: the client (transport/engine) to make the four X-ODR-* headers,
// platform-sim to check them. Keys are raw 32-byte strings in memory; they
// are never logged, never put into an error message, and the caller wipes
// them (odr::wipe) when done.
//
// Client use:
//   std::string key = odr::load_key_file(cfg.gateway.key_file);  // throws KeyError
//   std::string body = odr::make_batch_body("complaints", payloads);
//   SignedHeaders h = odr::sign_request(kiosk_id, key, "POST",
//                                       "/odr/v1/complaints:batch", body, now + offset);
//   for (auto& [name, value] : h.list()) add_header(name + ": " + value);
//
// PATH is the request target exactly as it goes on the wire: path plus
// '?' plus the already percent-encoded query (see messages.h updates_target).
// The body is the bytes as sent: when the body is gzip-compressed, sign the
// compressed bytes.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace odr {

inline constexpr const char* kSignatureScheme = "ODR1-HMAC-SHA256";
inline constexpr const char* kHeaderKiosk = "X-ODR-Kiosk";
inline constexpr const char* kHeaderTimestamp = "X-ODR-Timestamp";
inline constexpr const char* kHeaderNonce = "X-ODR-Nonce";
inline constexpr const char* kHeaderSignature = "X-ODR-Signature";

inline constexpr size_t kKeyBytes = 32;            // the secret key, raw
inline constexpr int64_t kMaxClockSkewS = 300;     // server: |timestamp - now| above this is clock_skew
inline constexpr int64_t kNonceWindowS = 600;      // server: a nonce seen again within this is replayed_nonce

// The six lines of the page joined by '\n', no newline at the end.
std::string string_to_sign(std::string_view method, std::string_view path_with_query, std::string_view timestamp,
                           std::string_view nonce, std::string_view body_sha256_hex);

// The four headers of one request.
struct SignedHeaders {
  std::string kiosk;      // X-ODR-Kiosk
  std::string timestamp;  // X-ODR-Timestamp, decimal Unix seconds
  std::string nonce;      // X-ODR-Nonce, 32 lowercase hex
  std::string signature;  // X-ODR-Signature, 64 lowercase hex
  // {name, value} pairs in the order above, ready for a header list.
  std::vector<std::pair<std::string, std::string>> list() const;
};

// Signs with a fresh nonce (odr::random_hex(16)). unix_time is the client's
// clock corrected by the learned offset. key is the raw 32-byte key.
SignedHeaders sign_request(std::string_view kiosk_id, std::string_view key, std::string_view method,
                           std::string_view path_with_query, std::string_view body, int64_t unix_time);
// The same with a given nonce (tests, and replay tests of the server).
SignedHeaders sign_request_with_nonce(std::string_view kiosk_id, std::string_view key, std::string_view method,
                                      std::string_view path_with_query, std::string_view body, int64_t unix_time,
                                      std::string_view nonce);

// --- Keys -------------------------------------------------------------------

// A key that cannot be used. The message says what is wrong with the file or
// text (missing, unreadable, not base64, wrong length) and never its content.
class KeyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// base64 text (surrounding whitespace and newlines allowed) -> raw 32 bytes.
// Throws KeyError when it is not base64 of exactly 32 bytes.
std::string decode_key(std::string_view base64_text);
// Reads a key file (base64 of 32 bytes, as made by `platform-sim dev-setup`).
// Throws KeyError naming the path and the problem.
std::string load_key_file(const std::string& path);
// A fresh random key, base64 (for provisioning tools).
std::string make_key_base64();

// --- Server side ------------------------------------------------------------

// Header syntax rules of the page.
bool is_valid_nonce(std::string_view nonce);  // exactly 32 lowercase hex
// Decimal Unix seconds, no sign, no spaces, at most 12 digits; nullopt otherwise.
std::optional<int64_t> parse_timestamp(std::string_view text);

// What the four headers and the request say, as the server received them.
struct SignedRequest {
  std::string method;
  std::string path_with_query;  // the raw request target
  std::string_view body;        // bytes as received (still compressed if gzip)
  std::string kiosk;            // header values; empty when absent
  std::string timestamp;
  std::string nonce;
  std::string signature;
};

// The 401 error codes of the page.
namespace auth_err {
inline constexpr const char* bad_signature = "bad_signature";
inline constexpr const char* unknown_kiosk = "unknown_kiosk";
inline constexpr const char* clock_skew = "clock_skew";
inline constexpr const char* replayed_nonce = "replayed_nonce";
}  // namespace auth_err

struct VerifyResult {
  bool ok = false;
  std::string code;     // one of auth_err when !ok
  std::string message;  // for the error body; no secrets in it
};

// Checks, in this order: the kiosk is known (key_for returns its raw key,
// nullopt: unknown_kiosk); the headers are well-formed and the HMAC matches
// (bad_signature); the timestamp is within kMaxClockSkewS of server_now
// (clock_skew: the caller adds server_time to the error); the nonce is new
// (remember_nonce returns false when it was seen within kNonceWindowS:
// replayed_nonce). remember_nonce is called only for a request that passed
// everything else, so a bad request never burns a nonce.
VerifyResult verify_request(const SignedRequest& req,
                            const std::function<std::optional<std::string>(const std::string& kiosk)>& key_for,
                            int64_t server_now,
                            const std::function<bool(const std::string& kiosk, const std::string& nonce)>& remember_nonce);

}  // namespace odr
