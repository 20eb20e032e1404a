// The hub's extension of the protocol (docs/protocol.md "The chain's hub"):
// POST {base}/heartbeat, signed like a batch, body one Heartbeat, answer
// 200 {"server_time":N}. What only the kiosk knows about its own health, so
// the chain's head office sees a kiosk that is stuck, full or silent.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace odr {

inline constexpr const char* kHeartbeatPath = "/heartbeat";

// One held item, for the hub's staff: nothing personal (no names, phones
// or complaint text; a complaint only by its ticket).
struct HeartbeatHeld {
  std::string kind;     // complaint, event or update
  std::string ticket;   // complaints: 1 to 40 of A-Z a-z 0-9 -; otherwise ""
  std::string code;     // why, in a word (outbox.h held_code): 1 to 32 of a-z 0-9 _
  std::string message;  // the reason as the kiosk keeps it: printable, at most 300 code points
  std::string held_at;  // RFC 3339; "" unknown
};

inline constexpr size_t kHeartbeatHeldItems = 5;  // the most recently held, per destination
inline constexpr size_t kHeartbeatMessageMax = 300;

// One delivery destination's outbox ("gateway", "hub").
struct HeartbeatOutbox {
  std::string destination;  // 1 to 32 of a-z 0-9 _ -
  int64_t pending = 0;      // >= 0
  int64_t held = 0;         // >= 0, all held items
  std::vector<HeartbeatHeld> held_items = {};  // at most kHeartbeatHeldItems and held, newest first
};

struct Heartbeat {
  std::string version;                     // the kiosk program's version, 1 to 64 characters
  std::vector<HeartbeatOutbox> outbox;        // at most 8, destinations unique
  std::string last_gateway_success;        // RFC 3339; "" never yet
  int64_t clock_offset_s = 0;              // server clock - kiosk clock, as learned
  std::optional<int64_t> disk_free_bytes;  // the store's file system; absent when unknown
  std::string printer;                     // "" none configured; else its state, 1 to 32 of a-z _ (ok, paper_out ...)
  std::string last_complaint_at;           // RFC 3339; "" none yet
};

std::string to_json_text(const Heartbeat& h);
// Its outbox list alone, as to_json_text writes it (the hub keeps it so).
std::string outbox_json_text(const Heartbeat& h);
// Reads that list back by parse_heartbeat's rules (the hub's pages).
bool parse_outbox_json(std::string_view text, std::vector<HeartbeatOutbox>& out, std::string& why);
// false (and why) unless the body is a heartbeat object whose fields follow
// the rules above. Never throws; unknown fields are ignored.
bool parse_heartbeat(std::string_view body, Heartbeat& out, std::string& why);

}  // namespace odr
