#include "admin.h"

#include <stdexcept>

#include "model/validate.h"
#include "util/crypto.h"

namespace odr::hub {

namespace {

std::string hex(const std::string& raw) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char ch : raw) out += {d[ch >> 4], d[ch & 15]};
  return out;
}

// The store's region: the given one (made when new), else the store's own.
void ensure_store(PgConn& c, const std::string& store, const std::string& region) {
  if (!region.empty()) {
    c.exec("INSERT INTO regions (id) VALUES ($1) ON CONFLICT DO NOTHING", {region});
    c.exec("INSERT INTO stores (id, region_id) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET region_id = excluded.region_id",
           {store, region});
    return;
  }
  if (c.exec("SELECT 1 FROM stores WHERE id = $1", {store}).rows() == 0)
    throw std::invalid_argument("store " + store + " is new: give its region with --region");
}

}  // namespace

void add_kiosk(PgConn& c, const std::string& kiosk, const std::string& store, const std::string& region,
               const std::string& raw_key) {
  for (const std::string* id : {&kiosk, &store})
    if (!is_valid_kiosk_id(*id)) throw std::invalid_argument("\"" + *id + "\" is not 1 to 64 of A-Z a-z 0-9 - _");
  if (!region.empty() && !is_valid_kiosk_id(region))
    throw std::invalid_argument("\"" + region + "\" is not 1 to 64 of A-Z a-z 0-9 - _");
  PgTx tx(c);
  ensure_store(c, store, region);
  std::string key_hex = hex(raw_key);
  c.exec("INSERT INTO kiosks (id, store_id, key) VALUES ($1, $2, decode($3, 'hex')) ON CONFLICT (id) DO UPDATE "
         "SET store_id = excluded.store_id, key = excluded.key, key_changed_at = now()",
         {kiosk, store, key_hex});
  wipe(key_hex);
  tx.commit();
}

std::vector<KioskEntry> list_kiosks(PgConn& c) {
  PgResult r = c.exec(
      "SELECT k.id, k.store_id, s.region_id, to_char(k.added_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
      "coalesce(to_char(h.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '') "
      "FROM kiosks k JOIN stores s ON s.id = k.store_id LEFT JOIN kiosk_last_heartbeat h ON h.kiosk_id = k.id "
      "ORDER BY k.id",
      {});
  std::vector<KioskEntry> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4)});
  return out;
}

}  // namespace odr::hub
