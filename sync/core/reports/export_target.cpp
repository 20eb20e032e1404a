#include "reports/export_target.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

namespace odr {
namespace {

// A mount point: on another device than its parent folder.
bool is_mount_point(const std::string& dir) {
  struct stat here {}, parent {};
  if (::stat(dir.c_str(), &here) != 0 || !S_ISDIR(here.st_mode)) return false;
  const std::string up = (std::filesystem::path(dir) / "..").string();
  return ::stat(up.c_str(), &parent) == 0 && (parent.st_dev != here.st_dev || parent.st_ino == here.st_ino);
}

std::string eject_file(const ExportTarget& t) { return t.control_dir + "/eject"; }

}  // namespace

ExportTargetState export_target_state(const ExportTarget& t) {
  std::error_code ec;
  if (t.control_dir.empty())
    return std::filesystem::is_directory(t.dir, ec) ? ExportTargetState::ready : ExportTargetState::missing;
  // Only a mounted stick: an empty /media/usb would put the export on the kiosk's own disk.
  if (!is_mount_point(t.dir)) return ExportTargetState::missing;
  return ::access(eject_file(t).c_str(), F_OK) == 0 ? ExportTargetState::unmounting : ExportTargetState::ready;
}

bool request_unmount(const ExportTarget& t) {
  if (t.control_dir.empty()) return false;
  int fd = ::open(eject_file(t).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0660);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

}  // namespace odr
