#include "staff/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace odr {

namespace fs = std::filesystem;

void write_file_atomic(const std::string& path, std::string_view content, mode_t mode) {
  fs::path target(path);
  fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::string tmp = (dir / (target.filename().string() + ".tmp.XXXXXX")).string();
  int fd = mkstemp(tmp.data());
  if (fd < 0) throw std::runtime_error(dir.string() + ": cannot write here: " + std::strerror(errno));
  auto fail = [&](const std::string& what) {
    const int saved = errno;
    if (fd >= 0) close(fd);
    unlink(tmp.c_str());
    throw std::runtime_error(what + ": " + std::strerror(saved));
  };
  if (fchmod(fd, mode) != 0) fail(tmp);
  for (size_t done = 0; done < content.size();) {
    ssize_t n = write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(tmp);
    }
    done += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0) fail(tmp);
  const int rc = close(fd);
  fd = -1;
  if (rc != 0) fail(tmp);
  if (rename(tmp.c_str(), path.c_str()) != 0) fail(path);
  // The rename itself is durable only once the folder is synced.
  int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
}

}  // namespace odr
