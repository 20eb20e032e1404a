// Shared by the sync tests, the staff screens' test and the sync benchmark:
// the support basics (folders, processes, the real platform-sim, samples),
// store options, an engine's log kept for the test, engine options pointed
// at a simulator, and a kiosk.toml for kiosk-sync.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "protocol/signing.h"
#include "store/store.h"
#include "support/process.h"
#include "support/samples.h"
#include "support/sim.h"
#include "support/temp.h"

namespace odr::test {

inline StoreOptions store_options() {
  StoreOptions o;
  o.kiosk_id = "kiosk-dev";
  o.ticket_prefix = "A01";
  return o;
}

// Log lines of an engine, kept for the test to read.
struct LogSink {
  std::shared_ptr<std::mutex> mu = std::make_shared<std::mutex>();
  std::shared_ptr<std::vector<std::string>> lines = std::make_shared<std::vector<std::string>>();
  std::function<void(const std::string&)> fn() const {
    auto m = mu;
    auto l = lines;
    bool echo = std::getenv("ODR_TEST_VERBOSE") != nullptr;
    return [m, l, echo](const std::string& s) {
      std::lock_guard<std::mutex> lock(*m);
      if (echo) std::fprintf(stderr, "  log: %s\n", s.c_str());
      l->push_back(s);
    };
  }
  std::vector<std::string> snapshot() const {
    std::lock_guard<std::mutex> lock(*mu);
    return *lines;
  }
  size_t count_containing(const std::string& what) const {
    size_t n = 0;
    for (const std::string& s : snapshot()) n += s.find(what) != std::string::npos;
    return n;
  }
};

inline SyncOptions engine_options(const Sim& sim, const std::string& store_path) {
  SyncOptions o;
  o.store_path = store_path;
  o.store = store_options();
  o.base_url = sim.base_url();
  o.kiosk_id = "kiosk-dev";
  o.key = load_key_file(sim.dev + "/kiosk.key");
  o.transport.ca_file = sim.dev + "/ca.pem";
  o.transport.connect_timeout_s = 5;
  o.transport.request_timeout_s = 20;
  o.backoff = {20, 200};  // shrunk for tests; the real schedule is tested as a pure function
  o.poll_interval_ms = 60'000;
  return o;
}

// A kiosk.toml for kiosk-sync pointed at the sim.
inline std::string write_kiosk_config(const std::string& dir, const Sim& sim, const std::string& store_path) {
  std::string path = dir + "/kiosk.toml";
  write_file(path,
             "[kiosk]\nid = \"kiosk-dev\"\nticket_prefix = \"A01\"\ndata_dir = \"" + dir + "\"\ndatabase = \"" +
                 store_path + "\"\n\n[gateway]\nbase_url = \"" + sim.base_url() + "\"\nkey_file = \"" + sim.dev +
                 "/kiosk.key\"\nca_file = \"" + sim.dev +
                 "/ca.pem\"\nconnect_timeout_s = 5\nrequest_timeout_s = 20\npoll_interval_s = 30\n\n"
                 "[[business]]\nid = \"mall\"\nname = \"金陵购物中心\"\nname_en = \"Jinling\"\n"
                 "credit_code = \"91320106MA1XYW0A10\"\naddress = \"江苏省南京市鼓楼区中山路88号\"\nregion_code = \"320106\"\n\n"
                 "[[category]]\ncode = \"G01\"\nkind = \"goods\"\nzh = \"食品\"\nen = \"Food\"\n");
  return path;
}

}  // namespace odr::test
