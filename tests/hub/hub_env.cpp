#include "hub_env.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "model/json.h"
#include "protocol/messages.h"
#include "protocol/signing.h"
#include "support/process.h"
#include "support/samples.h"
#include "support/sim.h"
#include "support/temp.h"
#include "util/time.h"
#include "util/uuid.h"

namespace odr::test {

using nlohmann::json;

HubEnv::HubEnv(const std::string& name) : dir(fresh_dir(name)) {
  pg = std::make_unique<PgCluster>(name);
  url = pg->create_database("hub");
  dev = dev_setup(dir + "/dev");
  std::string out;
  if (run_hub({"migrate", "--config", write_config()}, &out) != 0) throw std::runtime_error("migrate failed: " + out);
}

HubEnv::~HubEnv() {
  for (auto& h : hubs)
    if (h->pid > 0) stop_process(h->pid, 10'000);
  pg->stop();
}

std::string HubEnv::write_config(const std::string& personal, const std::string& extra) {
  const std::string path = dir + "/hub-" + std::to_string(n_++) + ".toml";
  write_file(path, "[listen]\nhost = \"127.0.0.1\"\nport = 0\nport_file = \"" + path + ".port\"\n" +
                       "tls_cert = \"" + dev + "/server.pem\"\ntls_key = \"" + dev + "/server.key\"\nthreads = 8\n" +
                       "[postgres]\nurl = \"" + url + "\"\npool = 4\n[data]\npersonal = \"" + personal + "\"\n" +
                       "calendar_dir = \"" + env_or("ODR_SOURCE_DIR", ".") + "/config/workdays\"\n" + extra);
  return path;
}

int HubEnv::run_hub(const std::vector<std::string>& args, std::string* out) {
  const std::string log = fresh_dir("hub-run") + "/out";
  std::vector<std::string> argv = {bin_path("odr-hub")};
  argv.insert(argv.end(), args.begin(), args.end());
  int rc = run_program(argv, log, 60'000);
  if (out) *out = read_file(log);
  return rc;
}

HubProcess& HubEnv::start(const std::vector<std::string>& env, const std::string& config) {
  const std::string cfg = config.empty() ? write_config() : config;
  auto h = std::make_unique<HubProcess>();
  h->log = cfg + ".log";
  std::remove((cfg + ".port").c_str());
  std::vector<std::string> argv = {"/usr/bin/env"};
  argv.insert(argv.end(), env.begin(), env.end());
  argv.insert(argv.end(), {bin_path("odr-hub"), "serve", "--config", cfg});
  h->pid = spawn(argv, h->log);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kHubStartMs);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string port = trim(read_file(cfg + ".port"));
    if (!port.empty()) {
      h->port = std::stoi(port);
      hubs.push_back(std::move(h));
      return *hubs.back();
    }
    if (wait_exit(h->pid, 50) != -1) throw std::runtime_error("odr-hub exited:\n" + read_file(h->log));
  }
  stop_process(h->pid, 5'000);
  throw std::runtime_error("odr-hub did not listen in time:\n" + read_file(h->log));
}

void HubEnv::kill9(HubProcess& h) {
  ::kill(h.pid, SIGKILL);
  wait_exit(h.pid, 10'000);
  h.pid = -1;
}

std::string HubEnv::add_kiosk(const std::string& kiosk, const std::string& store, const std::string& region) {
  const std::string key_file = dir + "/" + kiosk + ".key";
  write_file(key_file, make_key_base64() + "\n");
  ::chmod(key_file.c_str(), 0600);
  std::string out;
  const std::string cfg = write_config();
  int rc = run_hub({"kiosk", "add", "--config", cfg, "--kiosk", kiosk, "--store", store, "--region", region,
                    "--key-file", key_file},
                   &out);
  if (rc != 0) throw std::runtime_error("kiosk add failed: " + out);
  keys[kiosk] = load_key_file(key_file);
  return key_file;
}

Reply HubEnv::post(const HubProcess& h, const std::string& path, const std::string& body, const std::string& kiosk,
                   int64_t t, const std::string& nonce, const std::string& key_override, bool gzip) {
  const std::string wire = gzip ? gzip_compress(body) : body;
  const std::string target = std::string("/odr/v1") + path;
  const std::string key = key_override.empty() ? keys.at(kiosk) : key_override;
  const int64_t when = t ? t : now_unix_s();
  SignedHeaders s = nonce.empty() ? sign_request(kiosk, key, "POST", target, wire, when)
                                  : sign_request_with_nonce(kiosk, key, "POST", target, wire, when, nonce);
  HttpRequest req;
  req.method = "POST";
  req.url = "https://127.0.0.1:" + std::to_string(h.port) + target;
  req.headers = s.list();
  req.headers.push_back({"Content-Type", "application/json"});
  if (gzip) req.headers.push_back({"Content-Encoding", "gzip"});
  req.body = wire;
  // A transport of its own: tests post from several threads at once.
  TransportOptions opts;
  opts.ca_file = dev + "/ca.pem";
  opts.request_timeout_s = 30;
  HttpResponse res = make_curl_transport(opts)->send(req);
  return Reply{res.status, res.body, res.no_answer || !res.ok()};
}

Reply HubEnv::post_complaints(const HubProcess& h, const std::vector<json>& items, const std::string& kiosk) {
  return post(h, "/complaints:batch", json{{"complaints", items}}.dump(), kiosk);
}

Reply HubEnv::post_events(const HubProcess& h, const std::vector<json>& items, const std::string& kiosk) {
  return post(h, "/events:batch", json{{"events", items}}.dump(), kiosk);
}

json complaint_json(const std::string& kiosk, int i) {
  Complaint c = valid_complaint(i);
  c.id = uuid_v7();
  c.kiosk_id = kiosk;
  c.ticket = "A01-" + std::to_string(100000 + i);
  c.created_at = format_rfc3339(now_unix_s() - 60);
  return json(c);
}

json event_json(const std::string& complaint_id, const std::string& type) {
  Event e = staff_event(complaint_id, type);
  e.id = uuid_v7();
  e.at = format_rfc3339(now_unix_s() - 10);
  return json(e);
}

std::vector<std::string> statuses(const Reply& r) {
  std::vector<std::string> out;
  json j = r.js();
  if (!j.is_object() || !j.contains("results") || !j["results"].is_array()) return {""};
  for (const auto& x : j["results"]) out.push_back(x.value("status", ""));
  return out;
}

std::string spki_pin(const std::string& pem) {
  const std::string cmd = "openssl x509 -pubkey -noout -in '" + pem +
                          "' | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | openssl base64 -A";
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[256];
    while (fgets(buf, sizeof buf, p)) out += buf;
    pclose(p);
  }
  return out;
}

}  // namespace odr::test
