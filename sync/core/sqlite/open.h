// Opening a database file, plain or encrypted (SQLCipher), the one way every
// connection to a store is made: the kiosk, kiosk-sync, reports, recover and
// the tests all key the same way and get the same SQL functions.
//
// Encryption: SQLCipher 3.4 (Debian 12's libsqlcipher): AES-256-CBC per page
// with a per-page random IV and an HMAC-SHA1 of each page, so a copied file,
// its WAL and its journal show nothing readable, and a page changed without
// the key fails to open. The key is 32 random bytes, given raw (no passphrase
// stretching: it never comes from a person).
#pragma once
#include <string>

#include "sqlite/error.h"

struct sqlite3;

namespace odr {

constexpr size_t kDatabaseKeyBytes = 32;

// flags: SQLITE_OPEN_* (READONLY, or READWRITE | CREATE). key: empty for a
// plain file, else kDatabaseKeyBytes raw bytes. Throws StoreError: read_only /
// io when the file cannot be opened, wrong_key when the key does not open it
// (or it is encrypted and no key was given); what: how callers name the file.
sqlite3* open_database(const std::string& path, int flags, const std::string& key, const std::string& what);

// ATTACH DATABASE path AS schema, keyed like open_database. Throws StoreError.
void attach_database(sqlite3* db, const std::string& path, const std::string& schema, const std::string& key);

// True when the file starts with SQLite's plain header ("SQLite format 3"):
// a plain database (an encrypted one starts with random bytes).
bool is_plain_database(const std::string& path);

// Encrypts the plain database at path with key, in place and atomically: a
// full copy is written and synced beside it, then renamed over it; the plain
// file's bytes are overwritten with zeros. Refuses (busy) while another
// connection has the file open. Throws StoreError; the plain file is left as
// it was on any failure before the rename.
void encrypt_plain_database(const std::string& path, const std::string& key, const std::string& what);

// The JSON functions our SQL uses (json_valid, json_extract, json_set,
// json_insert), which Debian's SQLCipher build lacks (no JSON1). Registered
// on every connection open_database makes.
void register_json_functions(sqlite3* db);

}  // namespace odr
