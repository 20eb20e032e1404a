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

// One delivery destination's outbox ("gateway", "hub").
struct HeartbeatOutbox {
  std::string destination;  // 1 to 32 of a-z 0-9 _ -
  int64_t pending = 0;      // >= 0
  int64_t held = 0;         // >= 0
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
// false (and why) unless the body is a heartbeat object whose fields follow
// the rules above. Never throws; unknown fields are ignored.
bool parse_heartbeat(std::string_view body, Heartbeat& out, std::string& why);

}  // namespace odr
