// Secrets people type (staff PINs at the kiosk, dashboard passwords at the
// hub) are kept only as Argon2id hashes in argon2's encoded form, which
// carries its own salt and cost. The one home of how they are hashed.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace odr {

// Argon2id cost. The default takes ~0.1-0.3 s on a kiosk-class CPU: slow for
// a guesser with a stolen file, unnoticed at a PIN pad or a login form.
// Tests may go lower.
struct SecretHashCost {
  uint32_t t_cost = 3;
  uint32_t m_cost_kib = 64 * 1024;
  uint32_t parallelism = 1;
};

// "$argon2id$v=19$m=...": 16 random salt bytes, a 32-byte hash. Throws
// std::runtime_error when argon2 refuses (memory).
std::string hash_secret(std::string_view secret, const SecretHashCost& cost = {});
// False for a wrong secret and for anything that is not an Argon2id hash (never throws).
bool verify_secret(std::string_view secret, const std::string& encoded);

}  // namespace odr
