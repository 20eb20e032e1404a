// Hashes, MACs and randomness, all from OpenSSL. Small free functions so the
// store (audit chain), the protocol (request signing) and the ids share one
// implementation.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace odr {

std::string to_hex(const unsigned char* data, size_t len);
std::string sha256_hex(std::string_view data);
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
// Fills buf from the OS's cryptographic generator; throws on failure.
void random_bytes(unsigned char* buf, size_t len);
std::string random_hex(size_t bytes);  // 2*bytes lowercase hex characters
std::string base64_encode(std::string_view data);
// Returns false on malformed input.
bool base64_decode(std::string_view text, std::string& out);
// Constant-time comparison, for signatures and hashes.
bool equal_constant_time(std::string_view a, std::string_view b);
// Overwrites the bytes of s before clearing it (personal data on reset).
void wipe(std::string& s);

}  // namespace odr
