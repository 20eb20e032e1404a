// Where the store's encryption key comes from. In the installed service,
// systemd hands it over as the credential "store-key" (LoadCredential= from a
// root-only file, or LoadCredentialEncrypted= sealed to the TPM where there is
// one): $CREDENTIALS_DIRECTORY/store-key. Elsewhere (kiosk-sync run by an
// administrator, the demo) from kiosk.store_key_file. Neither: no key, a plain
// store, and the caller says so.
//
// The key is 32 random bytes, written as 64 hex digits (`openssl rand -hex 32`,
// or `kiosk-sync make-store-key FILE`).
#pragma once
#include <string>

#include "config/config.h"

namespace odr {

struct StoreKey {
  std::string bytes;   // 32 raw bytes; empty: none configured
  std::string source;  // "credential store-key", a file path, or "" (for messages, never the key)
};

// Throws ConfigError (key kiosk.store_key_file) when a key is configured but
// cannot be read, is not 64 hex digits, or its file is readable by everyone.
StoreKey load_store_key(const KioskConfig& config);

// 32 random bytes as 64 hex digits and a newline, written to path 0600
// (O_EXCL: an existing key is never replaced). Throws ConfigError.
void write_new_store_key(const std::string& path);

}  // namespace odr
