// `odr-hub serve`: the chain's intake over HTTP(S) (cpp-httplib). The batch
// endpoints speak the gateway's protocol (protocol/intake.h does the checks,
// intake_db.h the storing); POST {base}/heartbeat is the hub's extension;
// GET {base}/health is unsigned, as at the gateway, so a kiosk learns its
// clock offset. Migrates the database first (under an advisory lock).
#pragma once
#include "config.h"

namespace odr::hub {

inline constexpr const char* kHubVersion = "odr-hub 0.1.0 (odr-sync-v1 + heartbeat)";

// Runs until SIGINT or SIGTERM. Returns the process exit code (2: could not start).
int run_server(const HubConfig& cfg);

}  // namespace odr::hub
