#include "util/secret_hash.h"

#include <argon2.h>

#include <cstring>

#include "util/crypto.h"

namespace odr {

std::string hash_secret(std::string_view secret, const SecretHashCost& cost) {
  unsigned char salt[16];
  random_bytes(salt, sizeof salt);
  const size_t hash_len = 32;
  std::string encoded(
      argon2_encodedlen(cost.t_cost, cost.m_cost_kib, cost.parallelism, sizeof salt, hash_len, Argon2_id), '\0');
  int rc = argon2id_hash_encoded(cost.t_cost, cost.m_cost_kib, cost.parallelism, secret.data(), secret.size(), salt,
                                 sizeof salt, hash_len, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) throw std::runtime_error(std::string("hashing failed: ") + argon2_error_message(rc));
  encoded.resize(std::strlen(encoded.c_str()));
  return encoded;
}

bool verify_secret(std::string_view secret, const std::string& encoded) {
  if (encoded.rfind("$argon2id$", 0) != 0) return false;
  return argon2id_verify(encoded.c_str(), secret.data(), secret.size()) == ARGON2_OK;
}

}  // namespace odr
