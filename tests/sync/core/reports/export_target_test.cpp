// The export target as the staff screen sees it: a plain folder in
// development; on the store PC only a mounted stick, and the unmount request.
// (The mounted case itself is tested with a real ext4 stick image in
// installer/package-test.sh: a mount needs root.)
#include "reports/export_target.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/temp.h"

namespace odr::test {
namespace {

namespace fs = std::filesystem;

TEST(ExportTarget, WithoutAControlFolderThePlainFolderIsTheTarget) {
  const std::string dir = fresh_dir("export-plain");
  EXPECT_EQ(export_target_state({dir, ""}), ExportTargetState::ready);
  EXPECT_EQ(export_target_state({dir + "/gone", ""}), ExportTargetState::missing);
  EXPECT_FALSE(request_unmount({dir, ""})) << "nothing to ask";
}

TEST(ExportTarget, OnTheStorePcAnEmptyMountFolderIsNoStick) {
  const std::string root = fresh_dir("export-empty");
  fs::create_directories(root + "/media/usb");
  fs::create_directories(root + "/run");
  // /media/usb exists (the package makes it) but nothing is mounted there:
  // an export would land on the kiosk's own disk.
  EXPECT_EQ(export_target_state({root + "/media/usb", root + "/run"}), ExportTargetState::missing);
}

TEST(ExportTarget, AMountedFolderIsReadyAndTheUnmountRequestIsWritten) {
  // "/" is a mount point on any machine: it stands in for the stick here.
  const std::string run = fresh_dir("export-run");
  ExportTarget t{"/", run};
  EXPECT_EQ(export_target_state(t), ExportTargetState::ready);
  ASSERT_TRUE(request_unmount(t));
  EXPECT_TRUE(fs::exists(run + "/eject"));
  EXPECT_EQ(export_target_state(t), ExportTargetState::unmounting) << "asked, not done yet";
  fs::remove(run + "/eject");  // what the helper does when it has unmounted
  EXPECT_EQ(export_target_state(t), ExportTargetState::ready);
  EXPECT_FALSE(request_unmount({"/", run + "/not-there"})) << "a request that cannot be written says so";
}

}  // namespace
}  // namespace odr::test
