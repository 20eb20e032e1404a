// platform-sim: the reference 12315 ODR gateway (odr-sync-v1.md) for
// development, demos and tests, and its dev credentials tool.
// See README.md in this folder for every option.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "dev_setup.h"
#include "protocol/signing.h"
#include "sim_server.h"

namespace {

const char* kUsage = R"(usage:
  platform-sim [serve] [--dir DIR] [options]      run the gateway (HTTPS)
  platform-sim dev-setup --dir DIR [--kiosk-id ID] [--server-name NAME]... [--server-ip IP]... [--no-client-cert]
  platform-sim add-kiosk --dir DIR --kiosk-id ID [--key-out FILE]
  platform-sim make-cert --ca-dir DIR --out PREFIX [--dns NAME]... [--ip IP]... [--cn CN] [--client]
                         [--days N] [--starts-in-days N]
  platform-sim pin CERT.pem                        print sha256//BASE64 of the certificate's public key

serve options (defaults in brackets):
  --dir DIR               take server.pem, server.key, kiosks.json and platform-sim.db from DIR
  --cert F --key F        server certificate chain and key        [DIR/server.pem, DIR/server.key]
  --kiosks F              kiosk ids and keys (JSON)              [DIR/kiosks.json]
  --db F                  the simulator's SQLite file             [DIR/platform-sim.db]
  --client-ca F           require client certificates signed by F (mutual TLS)
  --host H                address to bind                        [127.0.0.1]
  --port N                port; 0 picks a free one                [8443]
  --port-file F           write the chosen port to F once listening
  --base-path P           API base path                          [/odr/v1]
  --threads N             worker threads                         [16]
  --keep-alive-s N        close an idle keep-alive connection    [10]
  --max-body-bytes N      413 body_too_large above N bytes        [1048576]
  --max-inflated-bytes N  ... and above N once a gzip body is inflated [the same N]
  --max-batch N           413 too_many_items above N complaints   [100]
  --max-events N          413 too_many_items above N events       [500]
  --accept-after-ms N     received -> accepted after N ms         [5000]
  --mediate-after-ms N    accepted -> mediating after N ms        [20000]
  --finish-after-ms N     mediating -> settled/not_settled        [60000]
                          (a negative delay stops complaints at that status)
  --not-settled-ratio P   share of cases ending not_settled       [0.25]
  --quiet                 no per-request log lines
faults (P is a probability 0..1):
  --fail-500 P  --fail-503 P  --fail-429 P
  --retry-after-seconds N Retry-After value on 429                 [1]
  --retry-after-date      send Retry-After as an HTTP date (server clock + N s)
  --retry-after-on-503    503 answers carry Retry-After too
  --latency-ms N          delay every API answer by N ms
  --drop-after-store P    store the batch, then close the connection without answering
  --slow-ack-ms N         a batch that stored something new is answered N ms late (past a client time-out)
  --garbage P             answer with a non-JSON body (HTML 502 page or a 200 HTML page)
  --garbage-kind K        html, 200 or mixed                      [mixed]
  --clock-skew-s N        the server's clock runs N s off the machine's
  --seed N                seed of the fault dice (reproducible runs)
)";

[[noreturn]] void usage_error(const std::string& msg) {
  std::fprintf(stderr, "platform-sim: %s\n\n%s", msg.c_str(), kUsage);
  std::exit(2);
}

struct Args {
  std::vector<std::string> v;
  size_t i = 0;
  bool more() const { return i < v.size(); }
  std::string next() { return v[i++]; }
  std::string value(const std::string& flag) {
    if (!more()) usage_error(flag + " needs a value");
    return next();
  }
  long long integer(const std::string& flag) {
    std::string s = value(flag);
    char* end = nullptr;
    long long n = std::strtoll(s.c_str(), &end, 10);
    if (s.empty() || *end != '\0') usage_error(flag + " needs an integer, got '" + s + "'");
    return n;
  }
  double probability(const std::string& flag) {
    std::string s = value(flag);
    char* end = nullptr;
    double p = std::strtod(s.c_str(), &end);
    if (s.empty() || *end != '\0' || !(p >= 0 && p <= 1)) usage_error(flag + " needs a probability 0..1, got '" + s + "'");
    return p;
  }
};

int cmd_serve(Args& a) {
  odr::sim::ServerOptions o;
  std::string dir;
  bool port_set = false;
  while (a.more()) {
    std::string f = a.next();
    if (f == "--dir") dir = a.value(f);
    else if (f == "--cert") o.cert_file = a.value(f);
    else if (f == "--key") o.key_file = a.value(f);
    else if (f == "--kiosks") o.kiosks_file = a.value(f);
    else if (f == "--db") o.db_path = a.value(f);
    else if (f == "--client-ca") o.client_ca_file = a.value(f);
    else if (f == "--host") o.host = a.value(f);
    else if (f == "--port") o.port = static_cast<int>(a.integer(f)), port_set = true;
    else if (f == "--port-file") o.port_file = a.value(f);
    else if (f == "--base-path") o.base_path = a.value(f);
    else if (f == "--threads") o.threads = static_cast<int>(a.integer(f));
    else if (f == "--keep-alive-s") o.keep_alive_s = static_cast<int>(a.integer(f));
    else if (f == "--max-body-bytes") o.max_body_bytes = static_cast<size_t>(a.integer(f));
    else if (f == "--max-inflated-bytes") o.max_inflated_bytes = static_cast<size_t>(a.integer(f));
    else if (f == "--max-batch") o.max_batch = static_cast<size_t>(a.integer(f));
    else if (f == "--max-events") o.max_events = static_cast<size_t>(a.integer(f));
    else if (f == "--accept-after-ms") o.progression.accept_after_ms = a.integer(f);
    else if (f == "--mediate-after-ms") o.progression.mediate_after_ms = a.integer(f);
    else if (f == "--finish-after-ms") o.progression.finish_after_ms = a.integer(f);
    else if (f == "--not-settled-ratio") o.progression.not_settled_ratio = a.probability(f);
    else if (f == "--quiet") o.quiet = true;
    else if (f == "--fail-500") o.faults.fail_500 = a.probability(f);
    else if (f == "--fail-503") o.faults.fail_503 = a.probability(f);
    else if (f == "--fail-429") o.faults.fail_429 = a.probability(f);
    else if (f == "--retry-after-seconds") o.faults.retry_after_s = static_cast<int>(a.integer(f));
    else if (f == "--retry-after-date") o.faults.retry_after_date = true;
    else if (f == "--retry-after-on-503") o.faults.retry_after_on_503 = true;
    else if (f == "--latency-ms") o.faults.latency_ms = static_cast<int>(a.integer(f));
    else if (f == "--drop-after-store") o.faults.drop_after_store = a.probability(f);
    else if (f == "--slow-ack-ms") o.faults.slow_ack_ms = static_cast<int>(a.integer(f));
    else if (f == "--garbage") o.faults.garbage = a.probability(f);
    else if (f == "--garbage-kind") {
      o.faults.garbage_kind = a.value(f);
      if (o.faults.garbage_kind != "html" && o.faults.garbage_kind != "200" && o.faults.garbage_kind != "mixed")
        usage_error("--garbage-kind is html, 200 or mixed");
    } else if (f == "--clock-skew-s") o.faults.clock_skew_s = a.integer(f);
    else if (f == "--seed") o.seed = static_cast<uint64_t>(a.integer(f));
    else if (f == "--help" || f == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else usage_error("unknown option " + f);
  }
  auto in_dir = [&](std::string& field, const char* name) {
    if (field.empty() && !dir.empty()) field = (std::filesystem::path(dir) / name).string();
  };
  in_dir(o.cert_file, "server.pem");
  in_dir(o.key_file, "server.key");
  in_dir(o.kiosks_file, "kiosks.json");
  in_dir(o.db_path, "platform-sim.db");
  if (o.cert_file.empty() || o.key_file.empty() || o.kiosks_file.empty())
    usage_error("give --dir DIR (made by `platform-sim dev-setup --dir DIR`) or --cert, --key and --kiosks");
  if (o.db_path.empty()) o.db_path = "platform-sim.db";
  if (o.port < 0 || o.port > 65535 || (!port_set && o.port == 0)) usage_error("--port must be 0..65535");
  if (o.max_batch == 0 || o.max_events == 0 || o.max_body_bytes == 0) usage_error("limits must be positive");
  if (o.faults.retry_after_s < 0 || o.faults.latency_ms < 0) usage_error("times must be >= 0");
  return odr::sim::run_server(o);
}

int cmd_dev_setup(Args& a) {
  odr::sim::DevSetupOptions o;
  while (a.more()) {
    std::string f = a.next();
    if (f == "--dir") o.dir = a.value(f);
    else if (f == "--kiosk-id") o.kiosk_id = a.value(f);
    else if (f == "--server-name") o.server_dns.push_back(a.value(f));
    else if (f == "--server-ip") o.server_ips.push_back(a.value(f));
    else if (f == "--no-client-cert") o.client_cert = false;
    else usage_error("unknown option " + f);
  }
  if (o.dir.empty()) usage_error("dev-setup needs --dir DIR");
  for (const auto& line : odr::sim::dev_setup(o)) std::printf("%s\n", line.c_str());
  std::string abs = std::filesystem::absolute(o.dir).lexically_normal().string();
  std::printf(
      "\nrun:   platform-sim --dir %s\n"
      "kiosk: [gateway] base_url = \"https://127.0.0.1:8443/odr/v1\"\n"
      "                 key_file = \"%s/kiosk.key\"\n"
      "                 ca_file  = \"%s/ca.pem\"\n",
      abs.c_str(), abs.c_str(), abs.c_str());
  return 0;
}

int cmd_add_kiosk(Args& a) {
  std::string dir, id, key_out;
  while (a.more()) {
    std::string f = a.next();
    if (f == "--dir") dir = a.value(f);
    else if (f == "--kiosk-id") id = a.value(f);
    else if (f == "--key-out") key_out = a.value(f);
    else usage_error("unknown option " + f);
  }
  if (dir.empty() || id.empty()) usage_error("add-kiosk needs --dir DIR and --kiosk-id ID");
  std::printf("%s\n", odr::sim::add_kiosk(dir, id, key_out).c_str());
  return 0;
}

int cmd_make_cert(Args& a) {
  odr::sim::CertRequest r;
  while (a.more()) {
    std::string f = a.next();
    if (f == "--ca-dir") r.ca_dir = a.value(f);
    else if (f == "--out") r.out = a.value(f);
    else if (f == "--dns") r.dns.push_back(a.value(f));
    else if (f == "--ip") r.ips.push_back(a.value(f));
    else if (f == "--cn") r.common_name = a.value(f);
    else if (f == "--client") r.client = true;
    else if (f == "--days") r.valid_days = static_cast<int>(a.integer(f));
    else if (f == "--starts-in-days") r.starts_in_days = static_cast<int>(a.integer(f));
    else usage_error("unknown option " + f);
  }
  if (r.ca_dir.empty() || r.out.empty()) usage_error("make-cert needs --ca-dir DIR and --out PREFIX");
  odr::sim::make_cert(r);
  std::printf("made %s.pem %s.key\n", r.out.c_str(), r.out.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) a.v.emplace_back(argv[i]);
  try {
    std::string cmd = a.more() ? a.v[0] : "serve";
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (cmd == "dev-setup" || cmd == "add-kiosk" || cmd == "make-cert" || cmd == "pin" || cmd == "serve") a.i = 1;
    if (cmd == "dev-setup") return cmd_dev_setup(a);
    if (cmd == "add-kiosk") return cmd_add_kiosk(a);
    if (cmd == "make-cert") return cmd_make_cert(a);
    if (cmd == "pin") {
      if (!a.more()) usage_error("pin needs a certificate file");
      std::printf("%s\n", odr::sim::public_key_pin(a.next()).c_str());
      return 0;
    }
    return cmd_serve(a);
  } catch (const odr::sim::SetupError& e) {
    std::fprintf(stderr, "platform-sim: %s\n", e.what());
    return 1;
  } catch (const odr::KeyError& e) {
    std::fprintf(stderr, "platform-sim: %s\n", e.what());
    return 1;
  }
}
