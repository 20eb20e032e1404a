// Where staff exports go: the USB stick mounted on export.dir. On the store
// PC the stick is mounted and unmounted by root (installer/usb: udev, a
// systemd unit, the odr-kiosk-usb helper); the kiosk, unprivileged, asks for
// the unmount by writing a file in export.control_dir and reads the helper's
// state there. Without a control folder (development, the demo) export.dir
// is a plain folder.
#pragma once
#include <string>

namespace odr {

struct ExportTarget {
  std::string dir;          // export.dir
  std::string control_dir;  // export.control_dir; empty: dir is a plain folder
};

enum class ExportTargetState {
  ready,       // a stick is mounted there (or the plain folder exists)
  missing,     // no stick (or it was unmounted and can be taken out)
  unmounting,  // asked for, not done yet
};

ExportTargetState export_target_state(const ExportTarget& t);

// After an export: asks root's helper to flush and unmount the stick. False
// when there is nothing to ask (no control folder) or the request cannot be
// written.
bool request_unmount(const ExportTarget& t);

}  // namespace odr
