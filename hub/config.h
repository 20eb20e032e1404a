// hub.toml, read by every odr-hub command. A bad file gives a HubConfigError
// naming the key and what is wrong, never a crash; an unknown section or key
// is refused by name (a typo would otherwise keep a default silently). config/hub.toml is the
// example with every key.
#pragma once
#include <stdexcept>
#include <string>

#include "model/personal.h"

namespace odr::hub {

class HubConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct HubConfig {
  // [listen]
  std::string host = "127.0.0.1";
  int port = 8600;              // 0: any free port (port_file says which)
  std::string port_file;        // written once listening (tests, scripts)
  std::string base_path = "/odr/v1";
  std::string tls_cert;         // PEM chain and key: HTTPS; both empty: plain HTTP behind a TLS proxy
  std::string tls_key;
  bool tls_proxy = false;       // plain HTTP, but a load balancer in front ends TLS (the dashboard is served)
  int threads = 8;              // HTTP workers; each keep-alive connection holds one
  // [postgres]
  std::string url;              // a libpq connection string or postgresql:// URI
  int pool = 8;                 // connections per process
  // [data]
  PersonalPolicy personal = PersonalPolicy::masked;
  int retention_days = 1095;    // personal fields blanked after this (the kiosk's default)
  std::string calendar_dir;     // China's working-day files (config/workdays)
  int deadline_working_days = 10;
  // [dashboard]
  int silent_after_minutes = 30;  // a kiosk not heard from for longer is flagged (figures.h kiosk_alerts)
};

// Relative paths in the file are relative to the file's folder.
HubConfig load_hub_config(const std::string& path);

// 127.0.0.0/8, ::1, localhost.
bool is_loopback_host(const std::string& host);
// The dashboard (passwords, session cookies, personal data) is served over
// HTTPS, or behind a load balancer that ends TLS (tls_proxy), or over plain
// HTTP on loopback for the demo; never over plain HTTP to a network.
bool dashboard_allowed(const HubConfig& c);

}  // namespace odr::hub
