// kiosk-sync recover OUT: what a damaged store still holds, copied row by row
// into a new store OUT. The damaged file is never opened for writing (a copy
// of it is read), so a technician can still try other tools on it.
#pragma once
#include <cstdint>
#include <iosfwd>
#include <string>

#include "store/store.h"

namespace odr {

struct RecoverSummary {
  int64_t complaints = 0, events = 0, outbox = 0, audit = 0, other = 0;  // rows copied
  int64_t requeued = 0;    // complaints whose outbox item was lost, queued again
  int64_t unreadable = 0;  // rows or runs of rows that could not be read
  bool audit_chain_ok = false;
};

// Throws StoreError when src cannot be read at all or out exists already.
RecoverSummary recover_store(const std::string& src, const std::string& out, const StoreOptions& options);

}  // namespace odr
