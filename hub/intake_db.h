// What the hub's intake does in PostgreSQL: kiosk keys, the shared nonce
// memory, batches stored exactly once in effect, heartbeats, the personal
// data purge. Every function takes a connection from the caller's pool and
// runs in its own transaction; several hub processes may run them at once
// on one database (the unique keys decide, never a lock of ours).
#pragma once
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "calendar/calendar.h"
#include "model/personal.h"
#include "pg.h"
#include "protocol/heartbeat.h"
#include "protocol/messages.h"

namespace odr::hub {

// The raw 32-byte key of a registered kiosk; nullopt when unknown.
std::optional<std::string> kiosk_key(PgConn& c, const std::string& kiosk);

// True when (kiosk, nonce) was not seen within kNonceWindowS before now_s.
// The primary key makes two processes agree: one of them sees it first.
// Its own transaction, for a request refused after its signature (nothing
// stored); a request that stores passes its nonce to the store function
// below instead, which remembers it in the same transaction: one commit a
// request, and a nonce is remembered exactly when its request stored.
bool remember_nonce(PgConn& c, const std::string& kiosk, const std::string& nonce, int64_t now_s);
// Forgets nonces older than the window (they can no longer be replayed:
// their timestamps are out of the clock-skew range). Returns how many.
int64_t forget_old_nonces(PgConn& c, int64_t now_s);

// What shapes a stored complaint.
struct IntakeRules {
  PersonalPolicy personal = PersonalPolicy::masked;
  const WorkdayCalendar* calendar = nullptr;  // the deadline's working days
  int deadline_working_days = 10;
  // Called inside the batch's transaction just before its commit (tests
  // use it to hold a batch open while another hub or a kill -9 meets it).
  std::function<void()> before_commit;
};

// The store functions take the request's nonce (and now_s, its time) and
// remember it first in their transaction: nullopt (false for a heartbeat)
// when it was seen already, a replay racing its original; nothing stored.
// An empty nonce is not remembered.
//
// One result per item, in order, as the gateway answers (docs/protocol.md):
// a known id of this kiosk is duplicate whatever its content; a known id of
// another kiosk id_conflict; then the field rules; then the kiosk's ticket.
// The hub is not the platform: accepted and duplicate carry no case_no.
std::optional<std::vector<ItemResult>> store_complaints(PgConn& c, const std::string& kiosk, const nlohmann::json& items,
                                                        const IntakeRules& rules, int64_t now_s, const std::string& nonce);
// The same for events; an event for a complaint this kiosk never delivered
// here is rejected unknown_complaint. settled and withdrawn move the
// complaint's status (settled, closed) unless it has ended already.
std::optional<std::vector<ItemResult>> store_events(PgConn& c, const std::string& kiosk, const nlohmann::json& items,
                                                    const IntakeRules& rules, int64_t now_s, const std::string& nonce);

// Platform updates the kiosk forwards (protocol/intake.h ForwardedUpdate):
// the same answers as events. Each is kept; the complaint takes the case_no
// and status of the latest by `at` (status_at, case_no_at).
std::optional<std::vector<ItemResult>> store_updates(PgConn& c, const std::string& kiosk, const nlohmann::json& items,
                                                     const IntakeRules& rules, int64_t now_s, const std::string& nonce);

// Appends to the kiosk's history and makes it the latest.
bool store_heartbeat(PgConn& c, const std::string& kiosk, const Heartbeat& h, int64_t now_s, const std::string& nonce);

// Blanks the personal fields (model/personal.h) of complaints filed more
// than retention_days ago. Returns how many complaints changed.
int64_t purge_personal(PgConn& c, int retention_days);

}  // namespace odr::hub
