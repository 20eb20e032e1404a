#include "config/store_key.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace odr {
namespace {

constexpr const char* kKey = "kiosk.store_key_file";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string read_key_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw ConfigError(kKey, path + ": " + std::strerror(errno) + " (make one with `kiosk-sync make-store-key " + path + "`)");
  if (st.st_mode & S_IROTH) throw ConfigError(kKey, path + " is readable by everyone: chmod 600 (or 640 root:odr-kiosk)");
  std::ifstream f(path, std::ios::binary);
  if (!f) throw ConfigError(kKey, path + ": cannot be read (" + std::strerror(errno) + ")");
  std::stringstream ss;
  ss << f.rdbuf();
  std::string text = ss.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  std::string bytes;
  if (text.size() == 64)
    for (size_t i = 0; i < 64; i += 2) {
      int hi = hex_value(text[i]), lo = hex_value(text[i + 1]);
      if (hi < 0 || lo < 0) break;
      bytes += static_cast<char>(hi * 16 + lo);
    }
  std::fill(text.begin(), text.end(), '\0');
  if (bytes.size() != 32) throw ConfigError(kKey, path + " must hold 64 hex digits (32 random bytes)");
  return bytes;
}

}  // namespace

StoreKey load_store_key(const KioskConfig& config) {
  if (const char* dir = std::getenv("CREDENTIALS_DIRECTORY"); dir && *dir) {
    const std::string cred = std::string(dir) + "/store-key";
    if (::access(cred.c_str(), F_OK) == 0) return {read_key_file(cred), "credential store-key"};
  }
  if (config.store_key_file.empty()) return {};
  return {read_key_file(config.store_key_file), config.store_key_file};
}

void write_new_store_key(const std::string& path) {
  unsigned char raw[32];
  if (RAND_bytes(raw, sizeof raw) != 1) throw ConfigError(kKey, "no random bytes for a new key");
  static const char* hex = "0123456789abcdef";
  std::string text;
  for (unsigned char c : raw) text += {hex[c >> 4], hex[c & 15]};
  text += '\n';
  std::memset(raw, 0, sizeof raw);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw ConfigError(kKey, path + ": " + std::strerror(errno) + " (an existing key is never replaced)");
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  std::fill(text.begin(), text.end(), '\0');
  if (!ok) {
    ::unlink(path.c_str());
    throw ConfigError(kKey, path + ": could not be written");
  }
}

}  // namespace odr
