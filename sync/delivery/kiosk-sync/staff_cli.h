// The staff and audit sub-commands of kiosk-sync:
//   kiosk-sync staff add ID NAME        (asks for the PIN on stdin)
//   kiosk-sync staff set-pin ID
//   kiosk-sync staff disable ID
//   kiosk-sync staff list
//   kiosk-sync audit verify
// kiosk-sync's main (sync/cli) dispatches args after the sub-command name here.
#pragma once
#include <string>
#include <vector>

#include "config/config.h"

namespace odr {

int run_staff_command(const std::vector<std::string>& args, const KioskConfig& config);
int run_audit_command(const std::vector<std::string>& args, const KioskConfig& config);

}  // namespace odr
