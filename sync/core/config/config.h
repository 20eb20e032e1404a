// config/kiosk.toml, read by the kiosk and by kiosk-sync alike. A bad file
// gives a ConfigError that names the key, never a half-read config.
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

namespace odr {

class ConfigError : public std::runtime_error {
 public:
  ConfigError(const std::string& key, const std::string& message)
      : std::runtime_error(key.empty() ? message : key + ": " + message), key(key) {}
  std::string key;
};

// A business a shopper can complain about: the mall itself or a tenant.
struct Business {
  std::string id;  // short config key, e.g. "mall", "t-3f-12"
  std::string name;
  std::string name_en;
  std::string credit_code;
  std::string address;
  std::string region_code;
  std::string booth;
};

struct CategoryEntry {
  std::string code;  // sent as category.code
  std::string kind;  // goods or service
  std::string name_zh;
  std::string name_en;
};

struct GatewayConfig {
  std::string base_url;       // empty: offline, capture only
  std::string key_file;       // base64 of the 32-byte secret
  std::string ca_file;        // empty: the system's CA bundle
  std::string pinned_pubkey;  // optional: "sha256//BASE64", as curl takes it
  std::string client_cert;    // optional mutual TLS
  std::string client_key;
  std::string proxy;          // optional; the environment's proxy variables are never used
  int connect_timeout_s = 10;
  int request_timeout_s = 60;
  int poll_interval_s = 30;  // how often to pull /updates when idle
};

// The chain's hub (odr-hub): a second destination of the outbox. It
// verifies with the gateway's kiosk key ([gateway] key_file) and the
// gateway's timeouts apply. Empty base_url: the gateway only.
struct HubConfig {
  std::string base_url;       // https://host:port/odr/v1
  std::string ca_file;        // empty: the system's CA bundle
  std::string pinned_pubkey;  // optional: "sha256//BASE64"
  int heartbeat_interval_s = 60;
  bool configured() const { return !base_url.empty(); }
};

// The receipt printer (ESC/POS): a USB printer's device file or a network
// printer's raw port. Neither set: no printer, and the done screen offers no
// printing.
struct PrinterConfig {
  std::string device;         // e.g. "/dev/usb/lp0"
  std::string host;           // an IP address (no name lookup: it could stall), e.g. "192.168.1.50"
  int port = 9100;
  std::string encoding = "GB18030";  // GB18030, GBK or UTF-8: what the printer's font expects
  std::string qr = "native";  // native (GS ( k) or image (GS v 0 from libqrencode)
  int paper_mm = 80;          // 80 (576 dots a line) or 58 (384)
  bool cut = true;            // the printer has a cutter
  bool status = true;         // it answers DLE EOT: ask before and after printing
  int connect_timeout_ms = 3000;
  int status_timeout_ms = 1500;
  int write_timeout_ms = 10000;
  int status_poll_s = 60;     // how often to ask while idle (0: only around jobs)
  std::string store_name;     // the receipt's heading; empty: the first [[business]] (the mall)
  std::string store_name_en;
  bool configured() const { return !device.empty() || !host.empty(); }
};

// Read-aloud (kiosk/speech): espeak-ng's Mandarin and English voices through
// ALSA. With no sound device the kiosk is silently without it.
struct SpeechConfig {
  bool enabled = true;
  int rate_wpm = 150;  // espeak's words a minute (a Chinese character counts as one); 175 is its normal
  int volume = 80;     // 0..100
  // An ALSA PCM: "default" reaches PulseAudio/PipeWire where a sound server
  // runs (alsa-plugins), else the first card; "plughw:1,0" a given card.
  std::string device = "default";
  std::string data_dir;  // espeak-ng-data's folder; empty: espeak-ng's own
};

struct KioskConfig {
  std::string config_path;  // where it was read from; relative paths below resolve against its folder
  std::string kiosk_id = "kiosk-dev";
  std::string ticket_prefix = "A01";
  std::string data_dir = "data";  // the SQLite store, rime user data, logs
  std::string database;           // default: data_dir/odr-kiosk.db
  // The store's encryption key (64 hex digits), when the service is not
  // given it as the systemd credential "store-key": see store_key.h.
  std::string store_key_file;
  std::string default_locale = "zh-CN";
  std::string notice_version = "2026-11";
  int tz_offset_minutes = 480;
  int idle_timeout_s = 90;
  int idle_countdown_s = 30;
  int staff_timeout_s = 180;
  int deadline_working_days = 10;
  int retention_days = 1095;  // personal data purged after this
  std::string export_dir = "/media/usb";
  std::string export_control_dir;  // installed: /run/odr-kiosk-usb (export_target.h); empty: export_dir is a plain folder
  std::string staff_file;     // default: data_dir/staff.json
  std::string workdays_dir;   // default: the config folder's workdays/
  std::vector<std::string> fonts;  // tried in order
  std::string icon_font;
  // The done screen's QR code: a link to the ticket's status page (the
  // chain's hub or the platform's), {ticket} and {kiosk} filled in.
  std::string ticket_qr_url;
  GatewayConfig gateway;
  HubConfig hub;
  PrinterConfig printer;
  SpeechConfig speech;
  std::vector<Business> businesses;
  std::vector<CategoryEntry> categories;
};

// Reads and checks the file; relative paths become absolute.
KioskConfig load_config(const std::string& path);

// ticket.qr_url with {ticket} and {kiosk} filled in (percent-encoded); empty
// when no template is configured.
std::string ticket_status_url(const KioskConfig& c, const std::string& ticket);

// Creates data_dir (and the database's folder) if needed, 0700 whatever the
// umask, and takes group and other bits off an existing one the program
// owns: the store, rime's user data and logs hold personal data. Call it
// before opening the store (kiosk-sync does; the kiosk's start must too).
// Throws ConfigError naming kiosk.data_dir when the folder cannot be made.
void prepare_data_dir(const KioskConfig& config);

}  // namespace odr
