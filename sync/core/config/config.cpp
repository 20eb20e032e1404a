#include "config.h"

#include <arpa/inet.h>
#include <sys/stat.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <cctype>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "model/validate.h"
#include "util/url.h"
#include "util/utf8.h"

namespace fs = std::filesystem;

namespace odr {
namespace {

// Reads one optional value of type T at "table.key", with a type check that
// names the key. Missing keys keep the default.
template <typename T>
void read(const toml::table& root, const std::string& dotted, T& out) {
  toml::node_view<const toml::node> node = root.at_path(dotted);
  if (!node) return;
  if constexpr (std::is_same_v<T, int>) {
    auto v = node.value<int64_t>();
    if (!v || !node.is_integer()) throw ConfigError(dotted, "must be a whole number");
    if (*v < INT32_MIN || *v > INT32_MAX) throw ConfigError(dotted, "is out of range");
    out = static_cast<int>(*v);
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!node.is_boolean()) throw ConfigError(dotted, "must be true or false");
    out = *node.value<bool>();
  } else {
    if (!node.is_string()) throw ConfigError(dotted, "must be a string in quotes");
    out = *node.value<std::string>();
  }
}

std::string str(const toml::table& t, const std::string& prefix, const char* key, bool required) {
  const toml::node* n = t.get(key);
  std::string where = prefix + "." + key;
  if (!n) {
    if (required) throw ConfigError(where, "is missing");
    return {};
  }
  if (!n->is_string()) throw ConfigError(where, "must be a string in quotes");
  std::string v = *n->value<std::string>();
  if (required && v.empty()) throw ConfigError(where, "must not be empty");
  return v;
}

void require_positive(const std::string& key, int v, int max) {
  if (v <= 0 || v > max) throw ConfigError(key, "must be between 1 and " + std::to_string(max));
}

// Relative paths in the file are relative to the file's folder, so a config
// works wherever the kiosk is started from.
std::string resolve(const fs::path& base, const std::string& p) {
  if (p.empty()) return p;
  fs::path path(p);
  if (path.is_absolute()) return path.lexically_normal().string();
  return (base / path).lexically_normal().string();
}

void make_private_dir(const std::string& key, const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    fs::create_directories(dir, ec);
    if (ec) throw ConfigError(key, dir.string() + " cannot be created: " + ec.message());
    ::chmod(dir.c_str(), 0700);  // create_directories honours the umask; this does not
    return;
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == ::geteuid() && (st.st_mode & 077) != 0)
    ::chmod(dir.c_str(), st.st_mode & 0700);
}

// toml++ 3.3 compiled in reaches undefined behaviour on some bytes (a
// 2-byte file "\xd1\xbd" did): it only ever sees valid UTF-8, with non-ASCII
// only where TOML allows it, in strings and comments. Throws naming the line.
void check_toml_bytes(const std::string& text, const std::string& path) {
  int line = 1;
  for (size_t start = 0; start <= text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (!is_valid_utf8(std::string_view(text).substr(start, end - start)))
      throw ConfigError("", path + ": not valid UTF-8 (line " + std::to_string(line) + "); save the file as UTF-8");
    start = end + 1;
    ++line;
  }
  line = 1;
  auto starts = [&](size_t i, const char* q) { return text.compare(i, std::strlen(q), q) == 0; };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') {
      ++line;
    } else if (c == '#') {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
    } else if (c == '"' || c == '\'') {
      const bool multi = starts(i, c == '"' ? "\"\"\"" : "'''");
      const std::string close = multi ? std::string(3, c) : std::string(1, c);
      i += close.size();
      for (; i < text.size() && !starts(i, close.c_str()); ++i) {
        if (text[i] == '\n') {
          ++line;
          if (!multi) break;  // an unclosed string: toml++ reports it
        }
        if (c == '"' && text[i] == '\\') ++i;  // an escape (basic strings only)
      }
      if (i < text.size() && text[i] != '\n') i += close.size() - 1;
      else if (i < text.size()) --i;
    } else if (static_cast<unsigned char>(c) >= 0x80) {
      throw ConfigError("", path + ": line " + std::to_string(line) +
                                ": a non-ASCII character outside quotes (TOML keys are ASCII; put text in quotes)");
    }
  }
}

// host[:port] of an https:// URL: letters, digits, '.', '-' (or [IPv6]),
// no user info, query or fragment.
bool has_host(const std::string& url) {
  std::string rest = url.substr(std::string("https://").size());
  std::string authority = rest.substr(0, rest.find('/'));
  if (rest.find_first_of("?#") != std::string::npos) return false;
  std::string host = authority, port;
  if (!host.empty() && host[0] == '[') {
    size_t close = host.find(']');
    if (close == std::string::npos || close == 1) return false;
    port = host.substr(close + 1);
    host = host.substr(1, close - 1);
    if (host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string::npos) return false;
  } else {
    size_t colon = host.find(':');
    if (colon != std::string::npos) {
      port = host.substr(colon);
      host = host.substr(0, colon);
    }
    if (host.empty() || host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") !=
                            std::string::npos)
      return false;
  }
  if (port.empty()) return true;
  return port.size() >= 2 && port.size() <= 6 && port[0] == ':' &&
         port.find_first_not_of("0123456789", 1) == std::string::npos;
}

// Each known section is a table: `[[gateway]]` or `kiosk = 1` would
// otherwise drop the whole section without a word.
void check_sections(const toml::table& root) {
  for (const char* name : {"kiosk", "ticket", "idle", "odr", "export", "staff", "fonts", "gateway", "hub", "printer", "speech"}) {
    const toml::node* n = root.get(name);
    if (n && !n->is_table())
      throw ConfigError(name, std::string("must be a [") + name + "] table" +
                                  (n->is_array() ? " (written [[" + std::string(name) + "]]: one pair of brackets)" : ""));
  }
}

// The file's text, checked byte by byte, then parsed; errors name the line.
toml::table parse_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError("", path + ": cannot be read");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  check_toml_bytes(text, path);
  try {
    return toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw ConfigError("", path + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) + ": " +
                              std::string(e.description()));
  }
}

// The single values and the font list, each type-checked; missing ones keep their defaults.
void read_values(const toml::table& root, KioskConfig& c) {
  read(root, "kiosk.id", c.kiosk_id);
  read(root, "kiosk.ticket_prefix", c.ticket_prefix);
  read(root, "kiosk.data_dir", c.data_dir);
  read(root, "kiosk.database", c.database);
  read(root, "kiosk.store_key_file", c.store_key_file);
  read(root, "kiosk.default_locale", c.default_locale);
  read(root, "kiosk.notice_version", c.notice_version);
  read(root, "kiosk.timezone_offset_minutes", c.tz_offset_minutes);
  read(root, "idle.timeout_s", c.idle_timeout_s);
  read(root, "idle.countdown_s", c.idle_countdown_s);
  read(root, "idle.staff_timeout_s", c.staff_timeout_s);
  read(root, "odr.deadline_working_days", c.deadline_working_days);
  read(root, "odr.retention_days", c.retention_days);
  read(root, "odr.workdays_dir", c.workdays_dir);
  read(root, "export.dir", c.export_dir);
  read(root, "export.control_dir", c.export_control_dir);
  read(root, "staff.file", c.staff_file);
  read(root, "fonts.icons", c.icon_font);
  read(root, "ticket.qr_url", c.ticket_qr_url);
  read(root, "gateway.base_url", c.gateway.base_url);
  read(root, "gateway.key_file", c.gateway.key_file);
  read(root, "gateway.ca_file", c.gateway.ca_file);
  read(root, "gateway.pinned_pubkey", c.gateway.pinned_pubkey);
  read(root, "gateway.client_cert", c.gateway.client_cert);
  read(root, "gateway.client_key", c.gateway.client_key);
  read(root, "gateway.proxy", c.gateway.proxy);
  read(root, "gateway.connect_timeout_s", c.gateway.connect_timeout_s);
  read(root, "gateway.request_timeout_s", c.gateway.request_timeout_s);
  read(root, "gateway.poll_interval_s", c.gateway.poll_interval_s);

  if (auto fonts = root.at_path("fonts.text")) {
    const toml::array* arr = fonts.as_array();
    if (!arr) throw ConfigError("fonts.text", "must be a list of font file paths");
    for (const auto& f : *arr) {
      if (!f.is_string()) throw ConfigError("fonts.text", "must be a list of font file paths");
      c.fonts.push_back(*f.value<std::string>());
    }
  }
}

// The checks, each naming its key (load_config runs them in a fixed order,
// so a file with several mistakes is always told about the same one first).
// The kiosk's own, idle and ODR values:
void check_kiosk(const KioskConfig& c) {
  if (!is_valid_kiosk_id(c.kiosk_id)) throw ConfigError("kiosk.id", "must be 1 to 64 of A-Z a-z 0-9 - _");
  if (!is_valid_ticket_prefix(c.ticket_prefix))
    throw ConfigError("kiosk.ticket_prefix", "must be 1 to 4 capital letters or digits, e.g. \"A01\"");
  if (c.data_dir.empty()) throw ConfigError("kiosk.data_dir", "must not be empty (it would put the store in the current folder)");
  if (c.default_locale != "zh-CN" && c.default_locale != "en")
    throw ConfigError("kiosk.default_locale", "must be \"zh-CN\" or \"en\"");
  if (c.tz_offset_minutes < -14 * 60 || c.tz_offset_minutes > 14 * 60)
    throw ConfigError("kiosk.timezone_offset_minutes", "must be between -840 and 840");
  require_positive("idle.timeout_s", c.idle_timeout_s, 3600);
  require_positive("idle.countdown_s", c.idle_countdown_s, 600);
  require_positive("idle.staff_timeout_s", c.staff_timeout_s, 3600);
  require_positive("odr.deadline_working_days", c.deadline_working_days, 365);
  require_positive("odr.retention_days", c.retention_days, 36500);
}

// Where the gateway is and how long to wait for it; the base URL loses its trailing slashes.
void check_gateway_address(GatewayConfig& g) {
  require_positive("gateway.connect_timeout_s", g.connect_timeout_s, 600);
  require_positive("gateway.request_timeout_s", g.request_timeout_s, 3600);
  require_positive("gateway.poll_interval_s", g.poll_interval_s, 86400);
  if (g.base_url.empty()) return;
  if (g.base_url.rfind("https://", 0) != 0)
    throw ConfigError("gateway.base_url", "must start with https:// (the gateway is only spoken to over TLS)");
  if (!has_host(g.base_url))
    throw ConfigError("gateway.base_url", "needs a host name after https://, e.g. https://odr.example.cn/odr/v1");
  while (!g.base_url.empty() && g.base_url.back() == '/') g.base_url.pop_back();
  if (g.key_file.empty()) throw ConfigError("gateway.key_file", "is needed when gateway.base_url is set");
}

void check_qr_url(const std::string& u) {
  if (u.empty()) return;
  const bool web = u.rfind("https://", 0) == 0 || u.rfind("http://", 0) == 0;
  if (!web || u.find("{ticket}") == std::string::npos || u.find("://{") != std::string::npos)
    throw ConfigError("ticket.qr_url", "must be a web address with {ticket} in it, e.g. https://odr.example.com/t/{ticket}?kiosk={kiosk}");
}

// How the gateway is trusted and reached: the pin, the proxy, the client certificate.
void check_gateway_trust(const GatewayConfig& g) {
  if (!g.pinned_pubkey.empty() && g.pinned_pubkey.rfind("sha256//", 0) != 0)
    throw ConfigError("gateway.pinned_pubkey", "must look like sha256//BASE64");
  if (!g.proxy.empty() && g.proxy.rfind("http://", 0) != 0 && g.proxy.rfind("https://", 0) != 0 &&
      g.proxy.rfind("socks5h://", 0) != 0)
    throw ConfigError("gateway.proxy", "must start with http://, https:// or socks5h://");
  if (g.client_cert.empty() != g.client_key.empty())
    throw ConfigError("gateway.client_key", "client_cert and client_key go together");
}

// Each [[name]] table in order, with where it is ("business[2]") for its
// messages. Nothing when there is none; an error when `name` is not a list of tables.
template <typename Each>
void for_each_table(const toml::table& root, const char* name, Each each) {
  auto list = root[name];
  if (!list) return;
  const toml::array* arr = list.as_array();
  if (!arr) throw ConfigError(name, std::string("must be a list of [[") + name + "]] tables");
  for (size_t i = 0; i < arr->size(); ++i) {
    std::string where = std::string(name) + "[" + std::to_string(i + 1) + "]";
    const toml::table* t = (*arr)[i].as_table();
    if (!t) throw ConfigError(where, std::string("must be a [[") + name + "]] table");
    each(*t, where);
  }
}

std::vector<Business> read_businesses(const toml::table& root) {
  std::vector<Business> out;
  std::set<std::string> ids;
  for_each_table(root, "business", [&](const toml::table& t, const std::string& where) {
    Business b;
    b.id = str(t, where, "id", true);
    b.name = str(t, where, "name", true);
    b.name_en = str(t, where, "name_en", false);
    b.credit_code = str(t, where, "credit_code", true);
    b.address = str(t, where, "address", true);
    b.region_code = str(t, where, "region_code", true);
    b.booth = str(t, where, "booth", false);
    if (!ids.insert(b.id).second) throw ConfigError(where + ".id", "\"" + b.id + "\" is used twice");
    if (!is_valid_credit_code(b.credit_code))
      throw ConfigError(where + ".credit_code", "is not a valid unified social credit code (check character)");
    if (b.region_code.size() != 6 || b.region_code.find_first_not_of("0123456789") != std::string::npos)
      throw ConfigError(where + ".region_code", "must be 6 digits");
    if (b.name_en.empty()) b.name_en = b.name;
    out.push_back(std::move(b));
  });
  if (out.empty()) throw ConfigError("business", "at least one [[business]] is needed (the mall itself)");
  return out;
}

std::vector<CategoryEntry> read_categories(const toml::table& root) {
  std::vector<CategoryEntry> out;
  std::set<std::string> codes;
  for_each_table(root, "category", [&](const toml::table& t, const std::string& where) {
    CategoryEntry e;
    e.code = str(t, where, "code", true);
    e.kind = str(t, where, "kind", true);
    e.name_zh = str(t, where, "zh", true);
    e.name_en = str(t, where, "en", true);
    if (e.kind != "goods" && e.kind != "service") throw ConfigError(where + ".kind", "must be \"goods\" or \"service\"");
    if (!codes.insert(e.code).second) throw ConfigError(where + ".code", "\"" + e.code + "\" is used twice");
    out.push_back(std::move(e));
  });
  if (out.empty()) throw ConfigError("category", "at least one [[category]] is needed");
  return out;
}

// Paths relative to the config file's folder, and the defaults that live in the data folder.
void resolve_paths(KioskConfig& c, const fs::path& base) {
  c.data_dir = resolve(base, c.data_dir);
  c.database = c.database.empty() ? (fs::path(c.data_dir) / "odr-kiosk.db").string() : resolve(base, c.database);
  c.staff_file = c.staff_file.empty() ? (fs::path(c.data_dir) / "staff.json").string() : resolve(base, c.staff_file);
  c.workdays_dir = c.workdays_dir.empty() ? (base / "workdays").string() : resolve(base, c.workdays_dir);
  c.export_dir = resolve(base, c.export_dir);
  c.export_control_dir = resolve(base, c.export_control_dir);
  c.store_key_file = resolve(base, c.store_key_file);
  if (c.store_key_file.empty() && fs::exists(base / "store.key")) c.store_key_file = (base / "store.key").string();
  c.icon_font = resolve(base, c.icon_font);
  for (auto& f : c.fonts) f = resolve(base, f);
  c.gateway.key_file = resolve(base, c.gateway.key_file);
  c.gateway.ca_file = resolve(base, c.gateway.ca_file);
  c.gateway.client_cert = resolve(base, c.gateway.client_cert);
  c.gateway.client_key = resolve(base, c.gateway.client_key);
  c.hub.ca_file = resolve(base, c.hub.ca_file);
  c.speech.data_dir = resolve(base, c.speech.data_dir);
}

bool is_ip_address(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// [printer]: where the receipt printer is and how it talks, each mistake
// naming its key.
void read_printer(const toml::table& root, PrinterConfig& p) {
  read(root, "printer.device", p.device);
  read(root, "printer.host", p.host);
  read(root, "printer.port", p.port);
  read(root, "printer.encoding", p.encoding);
  read(root, "printer.qr", p.qr);
  read(root, "printer.paper_mm", p.paper_mm);
  read(root, "printer.cut", p.cut);
  read(root, "printer.status", p.status);
  read(root, "printer.connect_timeout_ms", p.connect_timeout_ms);
  read(root, "printer.status_timeout_ms", p.status_timeout_ms);
  read(root, "printer.write_timeout_ms", p.write_timeout_ms);
  read(root, "printer.status_poll_s", p.status_poll_s);
  read(root, "printer.store_name", p.store_name);
  read(root, "printer.store_name_en", p.store_name_en);
  if (!p.device.empty() && !p.host.empty())
    throw ConfigError("printer.host", "give either printer.device (USB) or printer.host (network), not both");
  if (!p.device.empty() && p.device[0] != '/')
    throw ConfigError("printer.device", "must be an absolute path such as /dev/usb/lp0");
  if (!p.host.empty() && !is_ip_address(p.host))
    throw ConfigError("printer.host", "must be an IP address such as 192.168.1.50 (names are not looked up)");
  require_positive("printer.port", p.port, 65535);
  if (p.encoding != "GB18030" && p.encoding != "GBK" && p.encoding != "UTF-8")
    throw ConfigError("printer.encoding", "must be \"GB18030\", \"GBK\" or \"UTF-8\"");
  if (p.qr != "native" && p.qr != "image") throw ConfigError("printer.qr", "must be \"native\" or \"image\"");
  if (p.paper_mm != 80 && p.paper_mm != 58) throw ConfigError("printer.paper_mm", "must be 80 or 58");
  require_positive("printer.connect_timeout_ms", p.connect_timeout_ms, 60000);
  require_positive("printer.status_timeout_ms", p.status_timeout_ms, 60000);
  require_positive("printer.write_timeout_ms", p.write_timeout_ms, 300000);
  if (p.status_poll_s < 0 || p.status_poll_s > 86400) throw ConfigError("printer.status_poll_s", "must be between 0 and 86400");
}

// A key in [name] that is not one of known: a misspelt key would otherwise
// be ignored without a word (a hub that never receives anything).
void refuse_unknown_keys(const toml::table& root, const char* name, std::initializer_list<const char*> known) {
  const toml::table* t = root[name].as_table();
  if (!t) return;
  for (const auto& [key, value] : *t) {
    (void)value;
    bool ok = false;
    for (const char* k : known) ok = ok || key.str() == k;
    if (!ok) throw ConfigError(std::string(name) + "." + std::string(key.str()), "is not a key of [" + std::string(name) + "]");
  }
}

// [hub]: the chain's hub, each mistake naming its key. The kiosk key is the
// gateway's: a hub without it could not be signed for.
void read_hub(const toml::table& root, const GatewayConfig& g, HubConfig& h) {
  refuse_unknown_keys(root, "hub", {"base_url", "ca_file", "pinned_pubkey", "heartbeat_interval_s"});
  read(root, "hub.base_url", h.base_url);
  read(root, "hub.ca_file", h.ca_file);
  read(root, "hub.pinned_pubkey", h.pinned_pubkey);
  read(root, "hub.heartbeat_interval_s", h.heartbeat_interval_s);
  require_positive("hub.heartbeat_interval_s", h.heartbeat_interval_s, 86400);
  if (!h.pinned_pubkey.empty() && h.pinned_pubkey.rfind("sha256//", 0) != 0)
    throw ConfigError("hub.pinned_pubkey", "must look like sha256//BASE64");
  if (h.base_url.empty()) return;
  if (h.base_url.rfind("https://", 0) != 0)
    throw ConfigError("hub.base_url", "must start with https:// (the hub is only spoken to over TLS)");
  if (!has_host(h.base_url)) throw ConfigError("hub.base_url", "needs a host name after https://, e.g. https://hub.example.cn/odr/v1");
  while (!h.base_url.empty() && h.base_url.back() == '/') h.base_url.pop_back();
  // One engine per destination, the gateway's first: a kiosk in offline
  // capture (no gateway) does not deliver to the hub alone either.
  if (g.base_url.empty())
    throw ConfigError("hub.base_url", "needs gateway.base_url too (the hub is a second destination beside the gateway)");
  if (g.key_file.empty()) throw ConfigError("gateway.key_file", "is needed when hub.base_url is set (the hub verifies the same kiosk key)");
}

// [speech]: how the kiosk reads aloud, each mistake naming its key.
void read_speech(const toml::table& root, SpeechConfig& s) {
  read(root, "speech.enabled", s.enabled);
  read(root, "speech.rate_wpm", s.rate_wpm);
  read(root, "speech.volume", s.volume);
  read(root, "speech.device", s.device);
  read(root, "speech.data_dir", s.data_dir);
  if (s.rate_wpm < 80 || s.rate_wpm > 300)
    throw ConfigError("speech.rate_wpm", "must be between 80 and 300 (words a minute; espeak's normal is 175)");
  if (s.volume < 0 || s.volume > 100) throw ConfigError("speech.volume", "must be between 0 and 100");
  if (s.device.empty()) throw ConfigError("speech.device", "must name an ALSA device, e.g. \"default\"; to turn speech off, set enabled = false");
}

}  // namespace

namespace {

void replace_all(std::string& s, const std::string& what, const std::string& with) {
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + with.size())) s.replace(at, what.size(), with);
}

}  // namespace

std::string ticket_status_url(const KioskConfig& c, const std::string& ticket) {
  if (c.ticket_qr_url.empty()) return {};
  std::string url = c.ticket_qr_url;
  replace_all(url, "{ticket}", percent_encode(ticket));
  replace_all(url, "{kiosk}", percent_encode(c.kiosk_id));
  return url;
}

void prepare_data_dir(const KioskConfig& config) {
  make_private_dir("kiosk.data_dir", config.data_dir);
  fs::path db_dir = fs::path(config.database).parent_path();
  if (!db_dir.empty() && db_dir != fs::path(config.data_dir)) make_private_dir("kiosk.database", db_dir);
}

KioskConfig load_config(const std::string& path) {
  const toml::table root = parse_file(path);
  check_sections(root);
  // No kiosk-dev default: two kiosks under one id would mix their tickets.
  if (!root.at_path("kiosk.id")) throw ConfigError("kiosk.id", "is missing (the id this kiosk was registered with)");
  KioskConfig c;
  c.config_path = fs::absolute(path).lexically_normal().string();
  read_values(root, c);
  check_kiosk(c);
  check_gateway_address(c.gateway);
  check_qr_url(c.ticket_qr_url);
  check_gateway_trust(c.gateway);
  read_hub(root, c.gateway, c.hub);
  read_printer(root, c.printer);
  read_speech(root, c.speech);
  c.businesses = read_businesses(root);
  c.categories = read_categories(root);
  // The receipt's heading: the mall (the first business) unless it is set.
  if (c.printer.store_name.empty()) c.printer.store_name = c.businesses.front().name;
  if (c.printer.store_name_en.empty()) c.printer.store_name_en = c.businesses.front().name_en;
  resolve_paths(c, fs::path(c.config_path).parent_path());
  return c;
}

}  // namespace odr
