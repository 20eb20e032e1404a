#include "dev_setup.h"

#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "model/validate.h"
#include "protocol/signing.h"
#include "util/crypto.h"

namespace fs = std::filesystem;

namespace odr::sim {

namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Free>;
using Cert = std::unique_ptr<X509, Free>;
using Bio = std::unique_ptr<BIO, Free>;

[[noreturn]] void fail(const std::string& what) { throw SetupError(what); }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Writes through a temporary file and rename, so a crash never leaves half a
// key behind. Keys are 0600 from the start.
void write_file(const std::string& path, const std::string& data, mode_t mode) {
  std::string tmp = path + ".tmp" + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, mode);
  if (fd < 0) fail("cannot write " + tmp + ": " + std::strerror(errno));
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      fail("cannot write " + tmp + ": " + std::strerror(e));
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    fail("cannot write " + tmp);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    fail("cannot rename to " + path + ": " + std::strerror(e));
  }
}

std::string bio_text(BIO* b) {
  char* p = nullptr;
  long n = BIO_get_mem_data(b, &p);
  return std::string(p, static_cast<size_t>(n));
}

Key new_key() {
  Key k(EVP_EC_gen("P-256"));
  if (!k) fail("cannot generate an EC key");
  return k;
}

std::string key_pem(EVP_PKEY* k) {
  Bio b(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_PrivateKey(b.get(), k, nullptr, nullptr, 0, nullptr, nullptr)) fail("cannot encode a key");
  return bio_text(b.get());
}

std::string cert_pem(X509* c) {
  Bio b(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_X509(b.get(), c)) fail("cannot encode a certificate");
  return bio_text(b.get());
}

Key load_key(const std::string& path) {
  std::string pem = read_file(path);
  Bio b(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Key k(PEM_read_bio_PrivateKey(b.get(), nullptr, nullptr, nullptr));
  wipe(pem);
  if (!k) fail(path + " is not a PEM private key");
  return k;
}

Cert load_cert(const std::string& path) {
  std::string pem = read_file(path);
  Bio b(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Cert c(PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr));
  if (!c) fail(path + " is not a PEM certificate");
  return c;
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, Free> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || !X509_add_ext(cert, ext.get(), -1)) fail("cannot add certificate extension " + value);
}

// A certificate for key, issued by issuer (nullptr: self-signed).
Cert make_certificate(EVP_PKEY* key, const std::string& cn, X509* issuer, EVP_PKEY* issuer_key, bool ca,
                      const std::string& san, bool client, long valid_days, long starts_in_days) {
  Cert c(X509_new());
  X509_set_version(c.get(), 2);
  std::unique_ptr<BIGNUM, Free> serial(BN_new());
  BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY);
  BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(c.get()));
  // An hour of slack before now: a kiosk whose clock is a bit behind still accepts it.
  long start = starts_in_days * 86400 - (starts_in_days == 0 ? 3600 : 0);
  X509_gmtime_adj(X509_getm_notBefore(c.get()), start);
  X509_gmtime_adj(X509_getm_notAfter(c.get()), starts_in_days * 86400 + valid_days * 86400);
  X509_set_pubkey(c.get(), key);
  X509_NAME* name = X509_get_subject_name(c.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("odr-kiosk development"),
                             -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                             0);
  X509* iss = issuer ? issuer : c.get();
  X509_set_issuer_name(c.get(), X509_get_subject_name(iss));
  if (ca) {
    add_ext(c.get(), iss, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
    add_ext(c.get(), iss, NID_key_usage, "critical,keyCertSign,cRLSign");
    add_ext(c.get(), iss, NID_subject_key_identifier, "hash");
  } else {
    add_ext(c.get(), iss, NID_basic_constraints, "critical,CA:FALSE");
    add_ext(c.get(), iss, NID_key_usage, "critical,digitalSignature");
    add_ext(c.get(), iss, NID_ext_key_usage, client ? "clientAuth" : "serverAuth");
    add_ext(c.get(), iss, NID_subject_key_identifier, "hash");
    add_ext(c.get(), iss, NID_authority_key_identifier, "keyid:always");
    if (!san.empty()) add_ext(c.get(), iss, NID_subject_alt_name, san);
  }
  if (!X509_sign(c.get(), issuer_key ? issuer_key : key, EVP_sha256())) fail("cannot sign certificate " + cn);
  return c;
}

std::string san_of(const std::vector<std::string>& dns, const std::vector<std::string>& ips) {
  std::string s;
  auto add = [&s](const char* kind, const std::string& value) {
    if (!s.empty()) s += ',';
    s += kind;
    s += value;
  };
  for (const auto& d : dns) add("DNS:", d);
  for (const auto& i : ips) add("IP:", i);
  return s;
}

bool exists(const std::string& p) { return fs::exists(p); }

nlohmann::json read_kiosks(const std::string& path) {
  if (!exists(path)) return nlohmann::json{{"kiosks", nlohmann::json::array()}};
  auto j = nlohmann::json::parse(read_file(path), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("kiosks") || !j["kiosks"].is_array())
    fail(path + " is not a kiosks file ({\"kiosks\":[{\"id\":..,\"key\":..}]})");
  return j;
}

// Puts id with key into the kiosks file unless it is there. Returns true when changed.
bool ensure_kiosk(const std::string& path, const std::string& id, const std::string& key_b64) {
  nlohmann::json j = read_kiosks(path);
  for (const auto& k : j["kiosks"])
    if (k.is_object() && k.value("id", "") == id) return false;
  j["kiosks"].push_back({{"id", id}, {"key", key_b64}});
  write_file(path, j.dump(2) + "\n", 0600);
  return true;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

std::vector<std::string> dev_setup(const DevSetupOptions& opt) {
  if (opt.dir.empty()) fail("--dir is required");
  if (!is_valid_kiosk_id(opt.kiosk_id)) fail("kiosk id must be 1 to 64 of A-Z a-z 0-9 - _");
  std::error_code ec;
  fs::create_directories(opt.dir, ec);
  if (ec) fail("cannot create " + opt.dir + ": " + ec.message());
  std::vector<std::string> log;
  auto path = [&](const char* name) { return (fs::path(opt.dir) / name).string(); };
  auto note = [&](bool made, const std::string& p) { log.push_back((made ? "made " : "kept ") + p); };

  // The CA.
  bool new_ca = !exists(path("ca.pem")) || !exists(path("ca.key"));
  Key ca_key;
  Cert ca;
  if (new_ca) {
    ca_key = new_key();
    std::string cn = "odr-kiosk dev CA " + random_hex(4);  // unrelated CAs never share a name
    ca = make_certificate(ca_key.get(), cn, nullptr, nullptr, true, "", false, 3650, 0);
    write_file(path("ca.key"), key_pem(ca_key.get()), 0600);
    write_file(path("ca.pem"), cert_pem(ca.get()), 0644);
  } else {
    ca_key = load_key(path("ca.key"));
    ca = load_cert(path("ca.pem"));
  }
  note(new_ca, path("ca.pem"));

  // The server certificate.
  bool new_server = new_ca || !exists(path("server.pem")) || !exists(path("server.key"));
  if (new_server) {
    std::vector<std::string> dns = opt.server_dns, ips = opt.server_ips;
    if (dns.empty() && ips.empty()) {
      dns = {"localhost"};
      ips = {"127.0.0.1"};
    }
    Key k = new_key();
    Cert c = make_certificate(k.get(), dns.empty() ? ips[0] : dns[0], ca.get(), ca_key.get(), false, san_of(dns, ips),
                              false, 825, 0);
    write_file(path("server.key"), key_pem(k.get()), 0600);
    write_file(path("server.pem"), cert_pem(c.get()), 0644);
  }
  note(new_server, path("server.pem"));
  if (new_server || !exists(path("server.pin"))) write_file(path("server.pin"), public_key_pin(path("server.pem")) + "\n", 0644);

  // The kiosk.
  std::string kiosk_id = opt.kiosk_id;
  bool new_kiosk = !exists(path("kiosk.key"));
  if (new_kiosk) {
    write_file(path("kiosk.key"), make_key_base64() + "\n", 0600);
    write_file(path("kiosk.id"), kiosk_id + "\n", 0644);
  } else if (exists(path("kiosk.id"))) {
    std::string have = trim(read_file(path("kiosk.id")));
    if (have != kiosk_id) {
      // kiosk.key belongs to another id: provision this one beside it.
      std::string kp = add_kiosk(opt.dir, kiosk_id);
      log.push_back("kept " + path("kiosk.key") + " (for " + have + "); made " + kp + " for " + kiosk_id);
      kiosk_id.clear();
    }
  }
  if (!kiosk_id.empty()) {
    std::string b64 = trim(read_file(path("kiosk.key")));
    std::string raw = decode_key(b64);  // throws KeyError when the file is damaged
    wipe(raw);
    note(new_kiosk, path("kiosk.key"));
    bool changed = ensure_kiosk(path("kiosks.json"), kiosk_id, b64);
    wipe(b64);
    note(changed, path("kiosks.json"));
  }

  // A client certificate, for gateways that ask for mutual TLS.
  if (opt.client_cert) {
    bool new_client = new_ca || !exists(path("client.pem")) || !exists(path("client.key"));
    if (new_client) {
      Key k = new_key();
      Cert c = make_certificate(k.get(), opt.kiosk_id, ca.get(), ca_key.get(), false, "", true, 825, 0);
      write_file(path("client.key"), key_pem(k.get()), 0600);
      write_file(path("client.pem"), cert_pem(c.get()), 0644);
    }
    note(new_client, path("client.pem"));
  }
  return log;
}

std::string add_kiosk(const std::string& dir, const std::string& kiosk_id, std::string key_path) {
  if (!is_valid_kiosk_id(kiosk_id)) fail("kiosk id must be 1 to 64 of A-Z a-z 0-9 - _");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (key_path.empty()) key_path = (fs::path(dir) / (kiosk_id + ".key")).string();
  if (!exists(key_path)) write_file(key_path, make_key_base64() + "\n", 0600);
  std::string b64 = trim(read_file(key_path));
  std::string raw = decode_key(b64);
  wipe(raw);
  ensure_kiosk((fs::path(dir) / "kiosks.json").string(), kiosk_id, b64);
  wipe(b64);
  return key_path;
}

void make_cert(const CertRequest& req) {
  std::string ca_pem = (fs::path(req.ca_dir) / "ca.pem").string();
  std::string ca_key_path = (fs::path(req.ca_dir) / "ca.key").string();
  if (req.out.empty()) fail("--out is required");
  Key ca_key = load_key(ca_key_path);
  Cert ca = load_cert(ca_pem);
  std::string cn = !req.common_name.empty() ? req.common_name
                   : !req.dns.empty()       ? req.dns[0]
                   : !req.ips.empty()       ? req.ips[0]
                                            : std::string("odr-kiosk");
  Key k = new_key();
  Cert c = make_certificate(k.get(), cn, ca.get(), ca_key.get(), false, san_of(req.dns, req.ips), req.client,
                            req.valid_days, req.starts_in_days);
  write_file(req.out + ".key", key_pem(k.get()), 0600);
  write_file(req.out + ".pem", cert_pem(c.get()), 0644);
}

std::string public_key_pin(const std::string& cert_pem_path) {
  Cert c = load_cert(cert_pem_path);
  EVP_PKEY* pk = X509_get0_pubkey(c.get());
  if (!pk) fail(cert_pem_path + " has no public key");
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(pk, &der);
  if (n <= 0) fail("cannot encode the public key of " + cert_pem_path);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  EVP_Digest(der, static_cast<size_t>(n), md, &md_len, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  return "sha256//" + base64_encode(std::string(reinterpret_cast<char*>(md), md_len));
}

}  // namespace odr::sim
