#include "kiosk-sync/provision.h"

#include <grp.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "model/validate.h"
#include "protocol/signing.h"
#include "engine/engine.h"
#include "staff/atomic_file.h"
#include "store/store.h"

namespace fs = std::filesystem;

namespace odr {
namespace {

// A TOML basic string; refuses what has no business in an id, URL or path.
bool toml_quote(const std::string& v, std::string* out) {
  std::string q = "\"";
  for (char c : v) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
    if (c == '"' || c == '\\') q += '\\';
    q += c;
  }
  *out = q + "\"";
  return true;
}

// Sets key = value in [section] of a TOML text, line by line so comments
// and everything else stay as the installer wrote them.
std::string set_value(const std::string& text, const std::string& section, const std::string& key,
                      const std::string& quoted) {
  std::istringstream in(text);
  std::string line, out, current;
  bool done = false, header_seen = false;
  auto key_of = [](const std::string& l) {
    size_t b = l.find_first_not_of(" \t");
    size_t eq = l.find('=');
    if (b == std::string::npos || eq == std::string::npos || l[b] == '#') return std::string();
    std::string k = l.substr(b, eq - b);
    return k.substr(0, k.find_last_not_of(" \t") + 1);
  };
  while (std::getline(in, line)) {
    size_t b = line.find_first_not_of(" \t");
    if (b != std::string::npos && line[b] == '[') {
      if (!done && header_seen) {  // the section ended without the key: add it at its end
        out += key + " = " + quoted + "\n";
        done = true;
      }
      current = line.substr(b, line.find(']', b) + 1 - b);
      header_seen = current == "[" + section + "]";
    } else if (!done && header_seen && key_of(line) == key) {
      out += key + " = " + quoted + "\n";
      done = true;
      continue;
    }
    out += line + "\n";
  }
  if (!done && header_seen) out += key + " = " + quoted + "\n";
  else if (!done) out += "\n[" + section + "]\n" + key + " = " + quoted + "\n";
  return out;
}

int fail(const std::string& why) {
  std::fprintf(stderr, "kiosk-sync provision: %s\n", why.c_str());
  return 2;
}

const char* kProvisionUsage =
    "usage: kiosk-sync [--config PATH] provision --kiosk-id ID --gateway https://HOST/odr/v1 [--ca-file PEM] < KEYFILE";

// The key file: root:odr-kiosk 0640 when we can, else ours 0600.
int write_key(const std::string& path, const std::string& key_text, std::string* how) {
  const group* g = ::geteuid() == 0 ? ::getgrnam("odr-kiosk") : nullptr;
  const mode_t mode = g ? 0640 : 0600;
  write_file_atomic(path, key_text, mode);
  if (g && ::chown(path.c_str(), 0, g->gr_gid) != 0) return fail("cannot give " + path + " to group odr-kiosk");
  *how = g ? "0640 root:odr-kiosk" : "0600, yours";
  return 0;
}

}  // namespace

std::string default_config_path() {
  if (const char* env = getenv("ODR_KIOSK_CONFIG"); env && *env) return env;
  std::error_code ec;
  if (fs::is_regular_file("/etc/odr-kiosk/kiosk.toml", ec)) return "/etc/odr-kiosk/kiosk.toml";
  return "config/kiosk.toml";
}

int run_provision(const std::string& config_path, const std::vector<std::string>& args) {
  std::string id, url, ca;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i + 1 >= args.size()) return fail(args[i] + " needs a value\n" + kProvisionUsage);
    if (args[i] == "--kiosk-id") id = args[++i];
    else if (args[i] == "--gateway") url = args[++i];
    else if (args[i] == "--ca-file") ca = fs::absolute(args[++i]).lexically_normal().string();
    else return fail("unknown option " + args[i] + "\n" + kProvisionUsage);
  }
  if (id.empty() || url.empty()) return fail(std::string("--kiosk-id and --gateway are needed\n") + kProvisionUsage);
  if (!is_valid_kiosk_id(id)) return fail("--kiosk-id must be 1 to 64 of A-Z a-z 0-9 - _");
  std::ifstream in(config_path, std::ios::binary);
  if (!in) return fail(config_path + ": cannot be read");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  KioskConfig old;
  try {
    old = load_config(config_path);
  } catch (const std::exception& e) {
    return fail(config_path + ": " + e.what() + " (fix it first)");
  }
  const std::string key_file = old.gateway.key_file.empty()
                                   ? (fs::path(old.config_path).parent_path() / "kiosk.key").string()
                                   : old.gateway.key_file;
  // The key: base64 of 32 bytes on stdin, checked before anything changes.
  const std::string key_in((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  try {
    decode_key(key_in);
  } catch (const KeyError& e) {
    return fail(std::string("the key on standard input: ") + e.what());
  }
  std::string q_id, q_url, q_key, q_ca;
  if (!toml_quote(id, &q_id) || !toml_quote(url, &q_url) || !toml_quote(key_file, &q_key) || !toml_quote(ca, &q_ca))
    return fail("a value holds a control character");
  std::string next = set_value(text, "kiosk", "id", q_id);
  next = set_value(next, "gateway", "base_url", q_url);
  next = set_value(next, "gateway", "key_file", q_key);
  if (!ca.empty()) next = set_value(next, "gateway", "ca_file", q_ca);
  // Checked as a whole file (in the same folder: relative paths) before it replaces the old one.
  const std::string trial = config_path + ".provision-check";
  try {
    write_file_atomic(trial, next, 0600);
    load_config(trial);
  } catch (const std::exception& e) {
    fs::remove(trial);
    return fail(std::string("the new config would be wrong: ") + e.what() + " (nothing changed)");
  }
  fs::remove(trial);
  std::string how;
  const size_t b = key_in.find_first_not_of(" \t\r\n"), e = key_in.find_last_not_of(" \t\r\n");
  if (int rc = write_key(key_file, key_in.substr(b, e - b + 1) + "\n", &how)) return rc;
  struct stat st {};
  const mode_t conf_mode = ::stat(config_path.c_str(), &st) == 0 ? (st.st_mode & 0777) : 0644;
  write_file_atomic(config_path, next, conf_mode);
  std::printf("provisioned kiosk %s for %s\nconfig  %s\nkey     %s (%s)\n", id.c_str(), url.c_str(),
              config_path.c_str(), key_file.c_str(), how.c_str());
  std::printf("check it: kiosk-sync status; then: systemctl restart odr-kiosk\n");
  return 0;
}

int run_pending_count(const KioskConfig& config) {
  const std::string path = store_path_from_config(config);
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    std::printf("0\n");
    return 0;
  }
  Store store(path, store_options_from_config(config));
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(store.handle(), "SELECT count(DISTINCT complaint_id) FROM outbox WHERE state <> 'delivered'", -1,
                     &q, nullptr);
  long long n = -1;
  if (q && sqlite3_step(q) == SQLITE_ROW) n = sqlite3_column_int64(q, 0);
  sqlite3_finalize(q);
  if (n < 0) {
    std::fprintf(stderr, "kiosk-sync: cannot count undelivered complaints in %s\n", path.c_str());
    return 2;
  }
  std::printf("%lld\n", n);
  return 0;
}

void become_store_owner(const KioskConfig& config) {
  struct stat st {};
  if (::geteuid() != 0 || ::stat(config.data_dir.c_str(), &st) != 0 || st.st_uid == 0) return;
  if (::setgroups(0, nullptr) != 0 || ::setgid(st.st_gid) != 0 || ::setuid(st.st_uid) != 0) {
    std::fprintf(stderr, "kiosk-sync: cannot become the owner (uid %u) of %s\n", unsigned(st.st_uid),
                 config.data_dir.c_str());
    std::exit(2);
  }
}

}  // namespace odr
