// What every odr-hub test stands on: its own PostgreSQL cluster (support/pg.h)
// and database, dev TLS credentials (platform-sim dev-setup), a kiosk
// registered with `odr-hub kiosk add`, real odr-hub processes on 127.0.0.1
// and a signed HTTPS client (the kiosk's own curl transport and signing).
#pragma once
#include <sys/types.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/pg.h"
#include "transport/transport.h"

namespace odr::test {

inline constexpr int kHubStartMs = 30'000;

struct HubProcess {
  pid_t pid = -1;
  int port = 0;
  std::string log;  // its stderr
};

// A signed request's answer.
struct Reply {
  int status = 0;
  std::string body;
  bool no_answer = false;  // the connection ended before any answer
  nlohmann::json js() const { return nlohmann::json::parse(body, nullptr, false); }
};

class HubEnv {
 public:
  explicit HubEnv(const std::string& name);
  ~HubEnv();

  // hub.toml in the env's folder (personal policy, extra lines appended).
  std::string write_config(const std::string& personal = "masked", const std::string& extra = "");
  // `odr-hub ARGS...` to its end, output in out (bounded). The exit code.
  int run_hub(const std::vector<std::string>& args, std::string* out = nullptr);
  // `odr-hub serve` (env: "NAME=VALUE" words), waits until it listens. Throws with its log.
  HubProcess& start(const std::vector<std::string>& env = {}, const std::string& config = "");
  void kill9(HubProcess& h);
  // A kiosk with a new key file, registered at store/region.
  std::string add_kiosk(const std::string& kiosk, const std::string& store = "S001", const std::string& region = "east");

  // POST {base}/PATH signed by kiosk (its registered key), at unix time t (0: now), with a given nonce ("" new);
  // gzip: the body compressed (and signed as sent), as the kiosk sends a large batch.
  Reply post(const HubProcess& h, const std::string& path, const std::string& body, const std::string& kiosk = "k1",
             int64_t t = 0, const std::string& nonce = "", const std::string& key_override = "", bool gzip = false);
  Reply post_complaints(const HubProcess& h, const std::vector<nlohmann::json>& items, const std::string& kiosk = "k1");
  Reply post_events(const HubProcess& h, const std::vector<nlohmann::json>& items, const std::string& kiosk = "k1");

  std::string sql(const std::string& query) { return psql(url, query); }
  int64_t count(const std::string& table) { return std::stoll(sql("SELECT count(*) FROM " + table)); }

  std::unique_ptr<PgCluster> pg;
  std::string dir, dev, url;
  std::map<std::string, std::string> keys;  // kiosk -> raw key
  std::vector<std::unique_ptr<HubProcess>> hubs;

 private:
  int n_ = 0;
};

// A complaint of kiosk that passes every rule now (support/samples.h), as wire JSON.
nlohmann::json complaint_json(const std::string& kiosk, int i);
nlohmann::json event_json(const std::string& complaint_id, const std::string& type = "first_response");
// The per-item statuses of a batch answer, in order ("" when unreadable).
std::vector<std::string> statuses(const Reply& r);
// The base64 SHA-256 of a certificate's public key (the PEM file at pem), for
// Chromium's --ignore-certificate-errors-spki-list: the browser then trusts
// the test hub's certificate and nothing else new.
std::string spki_pin(const std::string& pem);

}  // namespace odr::test
