#include "config.h"

#include <toml++/toml.h>

#include <filesystem>
#include <map>
#include <set>

namespace odr::hub {

namespace {

namespace fs = std::filesystem;

[[noreturn]] void bad(const std::string& path, const std::string& key, const std::string& why) {
  throw HubConfigError(path + ": " + key + " " + why);
}

void read_string(const toml::table& t, const std::string& path, const char* key, std::string& out) {
  auto node = t.at_path(key);
  if (!node) return;
  if (!node.is_string()) bad(path, key, "must be a string in quotes");
  out = *node.value<std::string>();
}

void read_int(const toml::table& t, const std::string& path, const char* key, int& out, int lo, int hi) {
  auto node = t.at_path(key);
  if (!node) return;
  if (!node.is_integer()) bad(path, key, "must be a whole number");
  int64_t v = *node.value<int64_t>();
  if (v < lo || v > hi) bad(path, key, "must be from " + std::to_string(lo) + " to " + std::to_string(hi));
  out = static_cast<int>(v);
}

std::string beside(const std::string& config_path, const std::string& p) {
  if (p.empty() || fs::path(p).is_absolute()) return p;
  return (fs::path(config_path).parent_path() / p).lexically_normal().string();
}

// Every key the file may hold, per section: a typo (prot = 8600) or a key
// in the wrong section would otherwise leave a default in place unnoticed.
const std::map<std::string, std::set<std::string>>& known_keys() {
  static const std::map<std::string, std::set<std::string>> keys = {
      {"listen", {"host", "port", "port_file", "base_path", "tls_cert", "tls_key", "tls_proxy", "threads"}},
      {"postgres", {"url", "pool"}},
      {"data", {"personal", "retention_days", "calendar_dir", "deadline_working_days"}},
      {"dashboard", {"silent_after_minutes"}},
  };
  return keys;
}

std::string joined(const std::set<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

// Sections are tables of known keys; the message names the line and the key.
void check_known(const toml::table& t, const std::string& path) {
  for (const auto& [section, node] : t) {
    const std::string s(section.str());
    const std::string at = path + ":" + std::to_string(node.source().begin.line);
    auto known = known_keys().find(s);
    if (known == known_keys().end())
      throw HubConfigError(at + ": [" + s + "] is not a section of hub.toml (sections: listen, postgres, data, dashboard)");
    if (!node.is_table()) bad(path, s, "must be a [" + s + "] section");
    for (const auto& [key, value] : *node.as_table()) {
      const std::string k(key.str());
      if (!known->second.count(k))
        throw HubConfigError(path + ":" + std::to_string(value.source().begin.line) + ": " + s + "." + k +
                             " is not a key of [" + s + "] (keys: " + joined(known->second) + ")");
    }
  }
}

void read_bool(const toml::table& t, const std::string& path, const char* key, bool& out) {
  auto node = t.at_path(key);
  if (!node) return;
  if (!node.is_boolean()) bad(path, key, "must be true or false");
  out = *node.value<bool>();
}

void read_all(const toml::table& t, const std::string& path, HubConfig& c) {
  read_string(t, path, "listen.host", c.host);
  read_int(t, path, "listen.port", c.port, 0, 65535);
  read_string(t, path, "listen.port_file", c.port_file);
  read_string(t, path, "listen.base_path", c.base_path);
  read_string(t, path, "listen.tls_cert", c.tls_cert);
  read_string(t, path, "listen.tls_key", c.tls_key);
  read_bool(t, path, "listen.tls_proxy", c.tls_proxy);
  read_int(t, path, "listen.threads", c.threads, 1, 256);
  read_string(t, path, "postgres.url", c.url);
  read_int(t, path, "postgres.pool", c.pool, 1, 256);
  std::string personal = to_string(c.personal);
  read_string(t, path, "data.personal", personal);
  if (!parse_personal_policy(personal, c.personal)) bad(path, "data.personal", "must be \"full\", \"masked\" or \"none\"");
  read_int(t, path, "data.retention_days", c.retention_days, 1, 36500);
  read_string(t, path, "data.calendar_dir", c.calendar_dir);
  read_int(t, path, "data.deadline_working_days", c.deadline_working_days, 1, 365);
  read_int(t, path, "dashboard.silent_after_minutes", c.silent_after_minutes, 1, 7 * 24 * 60);
}

void check(const std::string& path, HubConfig& c) {
  if (c.url.empty()) bad(path, "postgres.url", "is missing: a connection string such as \"postgresql:///odr_hub\"");
  if (c.host.empty()) bad(path, "listen.host", "is empty");
  if (c.base_path.empty() || c.base_path[0] != '/' || c.base_path.back() == '/')
    bad(path, "listen.base_path", "must start with / and not end with one (e.g. \"/odr/v1\")");
  if (c.base_path.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_-") != std::string::npos)
    bad(path, "listen.base_path", "may hold only letters, digits, / _ and -");
  if (c.tls_cert.empty() != c.tls_key.empty()) bad(path, "listen.tls_cert", "and listen.tls_key go together");
  c.tls_cert = beside(path, c.tls_cert);
  c.tls_key = beside(path, c.tls_key);
  c.port_file = beside(path, c.port_file);
  c.calendar_dir = beside(path, c.calendar_dir);
  if (c.calendar_dir.empty()) bad(path, "data.calendar_dir", "is missing: the folder of China's working-day files");
}

}  // namespace

HubConfig load_hub_config(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw HubConfigError(path + ": no such config file (see config/hub.toml)");
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw HubConfigError(path + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) + ": " +
                         std::string(e.description()));
  }
  check_known(t, path);
  HubConfig c;
  read_all(t, path, c);
  check(path, c);
  return c;
}

bool is_loopback_host(const std::string& h) {
  return h == "localhost" || h == "::1" || h == "[::1]" || h.rfind("127.", 0) == 0;
}

bool dashboard_allowed(const HubConfig& c) { return !c.tls_cert.empty() || c.tls_proxy || is_loopback_host(c.host); }

}  // namespace odr::hub
