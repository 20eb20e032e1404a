// kiosk-sync commands for installing on a store PC (the Debian package):
//   provision --kiosk-id ID --gateway URL [--ca-file F]   key on stdin
//   pending-count                                          for the package's prerm
// and the rules the installed command follows: where the config is by
// default, and whose store it is when root runs it.
#pragma once
#include <string>
#include <vector>

#include "config/config.h"

namespace odr {

// $ODR_KIOSK_CONFIG, /etc/odr-kiosk/kiosk.toml, then config/kiosk.toml (the
// kiosk's own order).
std::string default_config_path();

// Sets the kiosk id, gateway URL (and CA file) in the config at config_path
// and writes the key read from stdin beside it (gateway.key_file, or
// kiosk.key in the config's folder): 0640 root:odr-kiosk when root runs it
// and that group exists, else 0600. The new config is checked before it
// replaces the old one. Returns an exit code; messages never show the key.
int run_provision(const std::string& config_path, const std::vector<std::string>& args);

// Prints how many complaints are not yet delivered (the complaint or one of
// its events still in the outbox); 0 when there is no store yet. Never
// creates the store.
int run_pending_count(const KioskConfig& config);

// Run as root on a store folder owned by someone else (the odr-kiosk
// service user), become that user first: files the store makes (WAL,
// journal) must stay the service's. Exits with a message when it cannot.
void become_store_owner(const KioskConfig& config);

}  // namespace odr
