// kiosk-sync import FILE: complaints taken on paper while the kiosk was down,
// or moved from another kiosk, as JSON lines in the protocol's COMPLAINT
// shape without id and ticket.
#pragma once
#include <iosfwd>
#include <string>

#include "config/config.h"
#include "store/store.h"

namespace odr {

struct ImportSummary {
  int imported = 0;
  int already = 0;  // the same line was imported before (a re-run after a crash)
  int failed = 0;
};

// Reads lines from in; each good line is validated by the model's rules and
// submitted through the store as staff_assisted, its ticket printed to out
// ("line 3: A01-261128-0042"). A bad line is reported to err with its number
// and field and does not stop the others.
ImportSummary import_complaints(std::istream& in, Store& store, const KioskConfig& config, std::ostream& out,
                                std::ostream& err);

}  // namespace odr
