// What goes wrong with a store file, as callers act on it (the kind) and as
// people read it (the message). Thrown by the SQLite layer (sqlite.h) and by
// everything built on it; no SQLite header needed to catch it.
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

#include "model/validate.h"

namespace odr {

class StoreError : public std::runtime_error {
 public:
  enum class Kind {
    invalid,      // the complaint or event broke a field rule: see fields
    disk_full,    // SQLITE_FULL
    read_only,    // file or folder not writable
    busy,         // locked by another process beyond the busy timeout
    corrupt,      // damaged file: never overwritten
    too_new,      // made by a newer version of this program: never overwritten
    not_found,    // no such complaint / item
    io,           // anything else from SQLite
    missing,      // the file is gone or empty where a store was (its marker says so): never re-created
    wrong_key,    // encrypted, and the key given (or none) does not open it: never overwritten
  };
  StoreError(Kind kind, const std::string& message, std::vector<FieldError> fields = {})
      : std::runtime_error(message), kind(kind), fields(std::move(fields)) {}
  Kind kind;
  std::vector<FieldError> fields;
};

}  // namespace odr
