// The real platform-sim for tests: one process API and one set of time-outs
// for the simulator's own tests, the engine's and kiosk-sync's tests, the
// staff screens' test and the sync benchmark.
//
//   std::string dev = odr::test::dev_setup(fresh_dir("x"));  // CA, server cert, kiosk key
//   odr::test::SimProcess sim(dev, {"--accept-after-ms", "100"});  // files in dev, or a third argument
//   sim.base_url()  -> "https://127.0.0.1:PORT/odr/v1"
//   sim.stop();     // SIGTERM, then SIGKILL after kSimStopMs; also in the destructor
//
// The simulator's stdout and stderr go to dir/platform-sim.log.
#pragma once
#include <sys/types.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "transport/transport.h"

namespace odr::test {

inline constexpr int kSimStartMs = 15'000;  // generous: ASan build on a busy machine
inline constexpr int kSimStopMs = 10'000;

std::string sim_binary();  // ODR_BIN_DIR/platform-sim
// `platform-sim dev-setup --dir dev extra...` (its output in
// dev/dev-setup.log, afresh); returns dev. Throws with that output when it fails.
std::string dev_setup(const std::string& dev, const std::vector<std::string>& extra = {});

class SimProcess {
 public:
  // Starts `platform-sim serve --dir dev --port 0 --port-file ... flags...` with
  // its port file and log in dir (dir "": dev) and waits until it listens.
  // Throws when it does not start within kSimStartMs (with its log).
  explicit SimProcess(const std::string& dev, const std::vector<std::string>& flags = {}, const std::string& dir = "");
  ~SimProcess() { stop(); }
  SimProcess(const SimProcess&) = delete;
  SimProcess& operator=(const SimProcess&) = delete;

  // SIGTERM and wait; SIGKILL after kSimStopMs. The exit status (-1: killed).
  int stop();
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string origin(const std::string& host = "127.0.0.1") const;
  std::string base_url(const std::string& host = "127.0.0.1") const { return origin(host) + "/odr/v1"; }
  std::string log() const;

 private:
  std::string log_;
  pid_t pid_ = -1;
  int port_ = 0;
  int exit_status_ = -1;
};

// The simulator as the sync tests use it: its own database in dir, quiet, 8
// threads, and a client for its /_sim endpoints.
struct Sim {
  std::string dir;  // this sim's own folder (db, port file, log)
  std::string dev;  // the dev CA, server cert and kiosk key
  pid_t pid = -1;
  int port = 0;
  std::unique_ptr<Transport> http;       // for the simulator-only endpoints
  std::string admin_host = "127.0.0.1";  // the name the test itself uses for them

  Sim() = default;
  Sim(const Sim&) = delete;
  ~Sim() { stop(); }

  // extra: serve flags (faults, limits, --cert ...). dev_dir "": folder/dev,
  // made by dev_setup the first time.
  void start(const std::string& folder, const std::vector<std::string>& extra = {}, const std::string& dev_dir = "");
  void stop();

  std::string origin() const { return "https://127.0.0.1:" + std::to_string(port); }
  std::string base_url() const { return origin() + "/odr/v1"; }

  nlohmann::json call(const std::string& method, const std::string& path, const std::string& body = "");
  nlohmann::json stats() { return call("GET", "/_sim/stats?recent=2000"); }
  void faults(const nlohmann::json& f) { call("POST", "/_sim/faults", f.dump()); }
  // Requests the sim answered on a route ("/complaints:batch", "/health", ...)
  // with a status ("200", "503", "dropped", ...); the sim keys routes as "POST /odr/v1/complaints:batch".
  static bool route_matches(const std::string& key, const std::string& route);
  int64_t count(const std::string& route, const std::string& status);
  int64_t count_all(const std::string& route);
  // id -> case_no of every complaint the gateway holds.
  std::map<std::string, std::string> complaints();

 private:
  std::unique_ptr<SimProcess> process_;
};

}  // namespace odr::test
