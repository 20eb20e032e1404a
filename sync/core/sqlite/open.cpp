#include "open.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "sqlite.h"

namespace odr {
namespace {

// SQLCipher's raw-key form: x'<64 hex digits>' (no key derivation).
std::string raw_key_literal(const std::string& key) {
  static const char* hex = "0123456789abcdef";
  std::string s = "x'";
  for (unsigned char c : key) {
    s += hex[c >> 4];
    s += hex[c & 15];
  }
  s += "'";
  return s;
}

// Settings that are not in the file and so must be the same at every open.
void apply_key(sqlite3* db, const std::string& key, const char* schema) {
  std::string literal = raw_key_literal(key);
  int rc = sqlite3_key_v2(db, schema, literal.data(), static_cast<int>(literal.size()));
  std::fill(literal.begin(), literal.end(), '\0');
  if (rc != SQLITE_OK) fail(db, rc, "key");
  exec(db, std::string("PRAGMA ").append(schema).append(".cipher_page_size = 4096").c_str());
}

void sync_path(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) throw StoreError(StoreError::Kind::io, "cannot open " + path + " to sync it: " + std::strerror(errno));
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw StoreError(StoreError::Kind::io, "cannot sync " + path + ": " + std::strerror(errno));
}

std::string wrong_key_message(const std::string& path, const std::string& what) {
  return "the key does not open " + what + " " + path +
         " (another kiosk's file, a replaced key, or a damaged file); it was left as it is";
}

}  // namespace

sqlite3* open_database(const std::string& path, int flags, const std::string& key, const std::string& what) {
  if (!key.empty() && key.size() != kDatabaseKeyBytes)
    throw StoreError(StoreError::Kind::invalid, "the key of " + what + " must be " +
                                                    std::to_string(kDatabaseKeyBytes) + " bytes");
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = sqlite3_errstr(rc);
    sqlite3_close(db);
    StoreError::Kind k = kind_of(rc);
    throw StoreError(k, std::string(what_it_means(k)) + " (open " + path + ": " + msg + ")");
  }
  try {
    sqlite3_extended_result_codes(db, 1);
    if (!key.empty()) apply_key(db, key, "main");
    register_json_functions(db);
    // The first read decrypts page 1: a wrong key (or none for an encrypted
    // file) shows here, before anything else runs.
    rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
    if ((rc & 0xff) == SQLITE_NOTADB && !key.empty())
      throw StoreError(StoreError::Kind::wrong_key, wrong_key_message(path, what));
    if ((rc & 0xff) == SQLITE_NOTADB)
      throw StoreError(StoreError::Kind::corrupt, what + " " + path +
                                                      " is not a database it can read: damaged, not a database, or "
                                                      "encrypted and no key was given; it was left as it is");
    if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY) fail(db, rc, "open " + path);
  } catch (...) {
    sqlite3_close(db);
    throw;
  }
  return db;
}

void attach_database(sqlite3* db, const std::string& path, const std::string& schema, const std::string& key) {
  std::string literal = key.empty() ? std::string() : raw_key_literal(key);
  char* sql = sqlite3_mprintf("ATTACH DATABASE %Q AS %Q KEY %Q", path.c_str(), schema.c_str(), literal.c_str());
  std::fill(literal.begin(), literal.end(), '\0');
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  std::memset(sql, 0, std::strlen(sql));
  sqlite3_free(sql);
  if (rc != SQLITE_OK) fail(db, rc, "attach " + path);
  if (!key.empty()) exec(db, ("PRAGMA \"" + schema + "\".cipher_page_size = 4096").c_str());
}

bool is_plain_database(const std::string& path) {
  char head[16] = {};
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  ssize_t n = ::read(fd, head, sizeof head);
  ::close(fd);
  return n == 16 && std::memcmp(head, "SQLite format 3", 16) == 0;
}

namespace {

// Holds the plain file for itself: leaves WAL mode (which SQLite refuses
// while any other connection has the file open) and keeps an exclusive lock
// until closed, so nobody writes to the copy's source meanwhile.
void take_alone(sqlite3* db, const std::string& path, const std::string& what) {
  sqlite3_busy_timeout(db, 2000);
  std::string mode = pragma_text(db, "PRAGMA journal_mode = DELETE");
  if (mode != "delete")
    throw StoreError(StoreError::Kind::busy, what + " " + path +
                                                 " is open in another program; it is encrypted when it is not (nothing changed)");
  exec(db, "PRAGMA locking_mode = EXCLUSIVE");
  exec(db, "BEGIN EXCLUSIVE");
  exec(db, "COMMIT");
}

// Zeros over the plain file's bytes, through a descriptor opened before the
// rename (the name is the encrypted file's by then).
void zero_fill(int fd) {
  struct stat st {};
  if (fd < 0 || ::fstat(fd, &st) != 0) return;
  std::string zeros(64 * 1024, '\0');
  for (off_t at = 0; at < st.st_size;) {
    ssize_t n = ::pwrite(fd, zeros.data(), std::min<off_t>(st.st_size - at, off_t(zeros.size())), at);
    if (n <= 0) break;
    at += n;
  }
  ::fsync(fd);
  if (::ftruncate(fd, 0) == 0) ::fsync(fd);
}

}  // namespace

void encrypt_plain_database(const std::string& path, const std::string& key, const std::string& what) {
  namespace fs = std::filesystem;
  const std::string tmp = path + ".encrypting";  // a left-over one is an unfinished copy: the plain file still counts
  std::error_code ec;
  fs::remove(tmp, ec);
  sqlite3* db = open_database(path, SQLITE_OPEN_READWRITE, "", what);
  int old_fd = -1;
  try {
    take_alone(db, path, what);
    const int version = pragma_int(db, "PRAGMA user_version");
    const int app_id = pragma_int(db, "PRAGMA application_id");
    int fd = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) throw StoreError(StoreError::Kind::io, "cannot create " + tmp + ": " + std::strerror(errno));
    ::close(fd);
    attach_database(db, tmp, "enc", key);
    exec(db, "SELECT sqlcipher_export('enc')");
    exec(db, ("PRAGMA enc.user_version = " + std::to_string(version)).c_str());
    exec(db, ("PRAGMA enc.application_id = " + std::to_string(app_id)).c_str());
    exec(db, "DETACH DATABASE enc");
    sync_path(tmp, O_RDONLY);
    old_fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (::rename(tmp.c_str(), path.c_str()) != 0)
      throw StoreError(StoreError::Kind::io, "cannot put the encrypted copy in place: " + std::string(std::strerror(errno)));
    sync_path(fs::path(path).parent_path().empty() ? "." : fs::path(path).parent_path().string(), O_RDONLY | O_DIRECTORY);
  } catch (...) {
    if (old_fd >= 0) ::close(old_fd);
    sqlite3_close(db);
    fs::remove(tmp, ec);
    throw;
  }
  zero_fill(old_fd);
  ::close(old_fd);
  sqlite3_close(db);
}

}  // namespace odr
