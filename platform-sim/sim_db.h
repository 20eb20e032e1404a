// What platform-sim holds, in its own SQLite file (WAL): complaints, events,
// the updates feed, seen nonces and case number counters. One connection
// behind one mutex: the simulator is simple and still far faster than the
// network in front of it.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "protocol/messages.h"

struct sqlite3;

namespace odr {
class StatementCache;  // sqlite/sqlite.h
}

namespace odr::sim {

// How complaints move along by themselves. Each delay counts from the
// previous change; a negative delay stops the complaint at that status.
struct Progression {
  int64_t accept_after_ms = 5'000;    // received -> accepted
  int64_t mediate_after_ms = 20'000;  // accepted -> mediating
  int64_t finish_after_ms = 60'000;   // mediating -> settled or not_settled
  double not_settled_ratio = 0.25;    // share of cases that end not_settled
};

// A complaint of a batch after the field rules ran (outside the lock).
struct IncomingComplaint {
  std::string id;      // as sent; "" when absent or not a string
  std::string ticket;
  ItemError invalid;   // code empty: passed the field rules
  std::string region_code, respondent_name, category_code, phone_masked, channel, created_at;
  std::string body;    // the JSON object as text
};

struct IncomingEvent {
  std::string id;
  std::string complaint_id;
  std::string type;
  std::string at;
  ItemError invalid;
  std::string body;
};

struct ComplaintRow {
  std::string id, kiosk_id, ticket, case_no, status, respondent_name, category_code, phone_masked, channel;
  int64_t received_ms = 0;
  int events = 0;
};

struct DbCounts {
  int64_t complaints = 0;
  int64_t events = 0;
  int64_t updates = 0;
  std::vector<std::pair<std::string, int64_t>> by_status;
};

class SimDb {
 public:
  explicit SimDb(const std::string& path);  // throws std::runtime_error
  ~SimDb();
  SimDb(const SimDb&) = delete;
  SimDb& operator=(const SimDb&) = delete;

  // One result per item, in order, in one transaction. Keys on id:
  // a known id of this kiosk is "duplicate" whatever its content; a known id
  // of another kiosk is id_conflict; then the field rules; then the ticket.
  std::vector<ItemResult> store_complaints(const std::string& kiosk, const std::vector<IncomingComplaint>& items,
                                           int64_t now_ms, const Progression& prog);
  std::vector<ItemResult> store_events(const std::string& kiosk, const std::vector<IncomingEvent>& items,
                                       int64_t now_ms);

  // True when the nonce was not seen within kNonceWindowS before now_s.
  bool remember_nonce(const std::string& kiosk, const std::string& nonce, int64_t now_s);

  // The kiosk's updates after cursor (decoded text; "" = from the start).
  // False when the cursor is not one this database knows (410).
  bool read_updates(const std::string& kiosk, const std::string& cursor, int limit, UpdatesAnswer& out);
  // Every cursor handed out so far becomes unknown (410), as after a
  // platform-side retention purge.
  void forget_cursors();

  // Moves due complaints along; returns how many changed.
  int advance(int64_t now_ms, const Progression& prog);
  // Milliseconds until the next due change (or -1 when none is scheduled).
  int64_t next_due_ms(int64_t now_ms);

  DbCounts counts();
  std::vector<ComplaintRow> list_complaints(size_t limit);

 private:
  // One item of a batch, inside the batch's transaction.
  ItemResult store_complaint(const std::string& kiosk, const IncomingComplaint& c, int64_t now_ms,
                             const Progression& prog);
  ItemResult store_event(const std::string& kiosk, const IncomingEvent& e, int64_t now_ms);
  void add_update(const std::string& kiosk, const std::string& complaint_id, const std::string& case_no,
                  const std::string& status, int64_t now_ms, const std::string& note);
  std::string next_case_no(const std::string& region_code, int64_t now_ms);
  std::string last_ticket(const std::string& kiosk);
  void new_epoch();
  std::string cursor_for(const std::string& kiosk, int64_t seq) const;

  std::mutex mu_;
  sqlite3* db_ = nullptr;
  std::unique_ptr<StatementCache> stmts_;  // on db_, through the shared SQLite layer
  std::string epoch_;  // part of every cursor: a new epoch forgets old cursors
  std::mt19937_64 rng_;
  int64_t nonce_calls_ = 0;
};

}  // namespace odr::sim
