// The staff and audit sub-commands with their streams passed in, so tests
// can drive them without a terminal. staff_cli.h's versions use
// stdin/stdout/stderr and ask twice for a PIN when stdin is a terminal.
#pragma once
#include <iosfwd>
#include <string>
#include <vector>

#include "config/config.h"

namespace odr {

// interactive: prompt on err and ask for a new PIN twice (echo off on a tty);
// otherwise one line of `in` is the PIN.
int run_staff_command(const std::vector<std::string>& args, const KioskConfig& config, std::istream& in,
                      std::ostream& out, std::ostream& err, bool interactive);
int run_audit_command(const std::vector<std::string>& args, const KioskConfig& config, std::ostream& out,
                      std::ostream& err);

}  // namespace odr
