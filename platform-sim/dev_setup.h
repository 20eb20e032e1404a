// Development credentials for platform-sim and the kiosk: a CA, a server
// certificate signed by it, a kiosk id + key and the kiosks file. Made with
// the OpenSSL API (EC P-256 keys). Every step keeps what already exists, so
// running it twice changes nothing.
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

namespace odr::sim {

class SetupError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct DevSetupOptions {
  std::string dir;
  std::string kiosk_id = "kiosk-dev";
  // Names the server certificate is for. Empty: DNS:localhost + IP:127.0.0.1.
  std::vector<std::string> server_dns;
  std::vector<std::string> server_ips;
  bool client_cert = true;  // also client.pem/client.key for mutual TLS tests
};

// Makes in dir (created if missing), each only when absent:
//   ca.pem ca.key              the dev CA (a new, unrelated one per dir)
//   server.pem server.key      for the names above, signed by ca (remade when ca was just made)
//   server.pin                 sha256//BASE64 of the server's public key (curl's pinned key form)
//   client.pem client.key      a client certificate for the kiosk (CN = kiosk id), signed by ca
//   kiosk.id kiosk.key         the kiosk id and its key (base64 of 32 random bytes)
//   kiosks.json                {"kiosks":[{"id":..,"key":..}]}, what the server reads
// Returns one line per file: "made X" or "kept X".
std::vector<std::string> dev_setup(const DevSetupOptions& opt);

// Adds a kiosk to dir/kiosks.json with a new key written to key_path (kept
// when that file exists: its key is used). Returns the key file path.
std::string add_kiosk(const std::string& dir, const std::string& kiosk_id, std::string key_path = "");

struct CertRequest {
  std::string ca_dir;  // holds ca.pem + ca.key
  std::string out;     // writes out.pem and out.key
  std::vector<std::string> dns;
  std::vector<std::string> ips;
  std::string common_name;
  bool client = false;  // extendedKeyUsage clientAuth instead of serverAuth
  int valid_days = 825;
  int starts_in_days = 0;  // > 0: not yet valid (tests); < 0: already expired when valid_days is small
};
// A certificate signed by an existing CA (overwrites out.pem/out.key).
void make_cert(const CertRequest& req);

// "sha256//BASE64" of the certificate's SubjectPublicKeyInfo.
std::string public_key_pin(const std::string& cert_pem_path);

}  // namespace odr::sim
