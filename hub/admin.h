// The hub's own commands on its database: registering kiosks (with their
// store and region) and listing them. The key file is read with the
// protocol's load_key_file, so it is the same file the kiosk signs with.
#pragma once
#include <string>
#include <vector>

#include "pg.h"

namespace odr::hub {

struct KioskEntry {
  std::string id, store_id, region_id;
  std::string added_at, last_heartbeat_at;  // RFC 3339 text from PostgreSQL; "" never
};

// Adds the kiosk or replaces its key and store. The store is created with
// region when it is new (region required then: throws std::invalid_argument
// saying so); the region is created when new. raw_key: 32 bytes.
void add_kiosk(PgConn& c, const std::string& kiosk, const std::string& store, const std::string& region,
               const std::string& raw_key);
std::vector<KioskEntry> list_kiosks(PgConn& c);

}  // namespace odr::hub
