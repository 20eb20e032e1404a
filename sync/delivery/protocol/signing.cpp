#include "signing.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "util/crypto.h"

namespace odr {

std::string string_to_sign(std::string_view method, std::string_view path_with_query, std::string_view timestamp,
                           std::string_view nonce, std::string_view body_sha256_hex) {
  std::string s;
  s.reserve(32 + method.size() + path_with_query.size() + timestamp.size() + nonce.size() + body_sha256_hex.size());
  s += kSignatureScheme;
  s += '\n';
  s += method;
  s += '\n';
  s += path_with_query;
  s += '\n';
  s += timestamp;
  s += '\n';
  s += nonce;
  s += '\n';
  s += body_sha256_hex;
  return s;
}

std::vector<std::pair<std::string, std::string>> SignedHeaders::list() const {
  return {{kHeaderKiosk, kiosk}, {kHeaderTimestamp, timestamp}, {kHeaderNonce, nonce}, {kHeaderSignature, signature}};
}

SignedHeaders sign_request_with_nonce(std::string_view kiosk_id, std::string_view key, std::string_view method,
                                      std::string_view path_with_query, std::string_view body, int64_t unix_time,
                                      std::string_view nonce) {
  SignedHeaders h;
  h.kiosk = std::string(kiosk_id);
  h.timestamp = std::to_string(unix_time);
  h.nonce = std::string(nonce);
  h.signature = hmac_sha256_hex(key, string_to_sign(method, path_with_query, h.timestamp, h.nonce, sha256_hex(body)));
  return h;
}

SignedHeaders sign_request(std::string_view kiosk_id, std::string_view key, std::string_view method,
                           std::string_view path_with_query, std::string_view body, int64_t unix_time) {
  return sign_request_with_nonce(kiosk_id, key, method, path_with_query, body, unix_time, random_hex(16));
}

// --- Keys -------------------------------------------------------------------

std::string decode_key(std::string_view base64_text) {
  std::string raw;
  if (!base64_decode(base64_text, raw)) throw KeyError("key is not valid base64");
  if (raw.size() != kKeyBytes) {
    size_t n = raw.size();
    wipe(raw);
    throw KeyError("key must be 32 bytes (base64 of 32 random bytes), got " + std::to_string(n) + " bytes");
  }
  return raw;
}

// Packaging installs the key 0600 (the kiosk user's) or 0640 root:odr-kiosk
// (root's, read by the kiosk's group): group read is allowed, anything for
// other users is not, nor group write (a group member could swap the key).
std::string load_key_file(const std::string& path) {
  if (path.empty()) throw KeyError("no key file configured");
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 027) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    throw KeyError("key file " + path + " is open to other users (mode " + mode +
                   "): not used. Make it the kiosk's alone: chmod 600 (or chmod 640, owner root, group odr-kiosk)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw KeyError("cannot read key file " + path + ": " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  if (text.size() > 4096) {
    wipe(text);
    throw KeyError("key file " + path + " is too large to be a key");
  }
  try {
    std::string key = decode_key(text);
    wipe(text);
    return key;
  } catch (const KeyError& e) {
    wipe(text);
    throw KeyError("key file " + path + ": " + e.what());
  }
}

std::string make_key_base64() {
  std::string raw(kKeyBytes, '\0');
  random_bytes(reinterpret_cast<unsigned char*>(raw.data()), raw.size());
  std::string b64 = base64_encode(raw);
  wipe(raw);
  return b64;
}

// --- Server side ------------------------------------------------------------

bool is_valid_nonce(std::string_view nonce) {
  if (nonce.size() != 32) return false;
  for (char c : nonce)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::optional<int64_t> parse_timestamp(std::string_view text) {
  if (text.empty() || text.size() > 12) return std::nullopt;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

static bool is_lower_hex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

VerifyResult verify_request(const SignedRequest& req,
                            const std::function<std::optional<std::string>(const std::string& kiosk)>& key_for,
                            int64_t server_now,
                            const std::function<bool(const std::string& kiosk, const std::string& nonce)>& remember_nonce) {
  VerifyResult r;
  if (req.kiosk.empty()) {
    r.code = auth_err::unknown_kiosk;
    r.message = "missing X-ODR-Kiosk header";
    return r;
  }
  std::optional<std::string> key = key_for(req.kiosk);
  if (!key) {
    r.code = auth_err::unknown_kiosk;
    r.message = "this kiosk id is not provisioned";
    return r;
  }
  std::optional<int64_t> ts = parse_timestamp(req.timestamp);
  if (!ts || !is_valid_nonce(req.nonce) || !is_lower_hex64(req.signature)) {
    wipe(*key);
    r.code = auth_err::bad_signature;
    r.message = "X-ODR-Timestamp, X-ODR-Nonce or X-ODR-Signature missing or malformed";
    return r;
  }
  std::string expected =
      hmac_sha256_hex(*key, string_to_sign(req.method, req.path_with_query, req.timestamp, req.nonce, sha256_hex(req.body)));
  wipe(*key);
  if (!equal_constant_time(expected, req.signature)) {
    r.code = auth_err::bad_signature;
    r.message = "signature does not match";
    return r;
  }
  int64_t diff = *ts - server_now;
  if (diff > kMaxClockSkewS || diff < -kMaxClockSkewS) {
    r.code = auth_err::clock_skew;
    r.message = "timestamp is " + std::to_string(diff) + " s from the server's clock";
    return r;
  }
  if (!remember_nonce(req.kiosk, req.nonce)) {
    r.code = auth_err::replayed_nonce;
    r.message = "nonce was already used";
    return r;
  }
  r.ok = true;
  return r;
}

}  // namespace odr
