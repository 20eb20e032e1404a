// The outbox's data: what still has to reach the platform, one item per
// complaint or event, in the order things happened. The operations are
// Store members (store/store.h, "the outbox, for the sync engine"): the
// outbox lives in the store's file and is written in the same transactions.
#pragma once
#include <cstdint>
#include <string>

namespace odr {

enum class OutboxKind { complaint, event, update };  // update: forwarded to the hub only
enum class OutboxState { pending, in_flight, delivered, held };
const char* to_string(OutboxKind k);
const char* to_string(OutboxState s);

struct OutboxItem {
  int64_t seq = 0;  // the outbox's own order: the order things happened
  std::string destination = "gateway";
  OutboxKind kind = OutboxKind::complaint;
  std::string ref_id;        // the complaint's or event's id
  std::string complaint_id;  // for events: their complaint; for complaints: ref_id
  std::string payload;       // the JSON object to send (COMPLAINT, EVENT or UPDATE)
  OutboxState state = OutboxState::pending;
  int attempts = 0;
  int64_t not_before_ms = 0;  // backoff: not claimable before this
  std::string lease_owner;
  int64_t lease_until_ms = 0;
  std::string case_no;     // when delivered (complaints)
  std::string last_error;  // why held, or the last transient failure
  int unanswered = 0;  // times it was in flight when its sender died before an answer (this claim's included)
};

// The gateway's answer for one item, for the batched marks below.
struct DeliveredMark {
  int64_t seq = 0;
  std::string case_no;  // complaints: the platform's case number; events: ""
};
struct HeldMark {
  int64_t seq = 0;
  std::string reason;  // stays in the outbox for staff; never copied to the audit log
  std::string code = "";  // held_code; "" other
};

// Why an item is held, in a word (the hub's heartbeat carries it; its
// dashboard says it in plain words). The reason text says the rest.
namespace held_code {
inline constexpr const char* too_large = "too_large";              // over the body limit alone
inline constexpr const char* unreadable = "unreadable";            // damaged JSON in the local store
inline constexpr const char* refused = "refused";                  // the whole request refused (4xx)
inline constexpr const char* rejected = "rejected";                // the item refused in the answer
inline constexpr const char* ticket_conflict = "ticket_conflict";  // re-ticketed too often
inline constexpr const char* other = "other";                      // held before codes were kept
}  // namespace held_code

// A held item as the heartbeat reports it: nothing personal (the reason
// text is the receiver's, and may quote what was typed: see heartbeat_send).
struct HeldSummary {
  OutboxKind kind = OutboxKind::complaint;
  std::string ticket;  // complaints: their ticket; otherwise ""
  std::string code;    // held_code
  std::string reason;  // OutboxItem::last_error
  int64_t held_ms = 0; // 0: unknown (held before v7)
};

struct OutboxCounts {
  int64_t pending = 0, in_flight = 0, delivered = 0, held = 0;
};

}  // namespace odr
