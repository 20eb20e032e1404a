// The local store: one SQLite file that makes "a submitted complaint is
// never lost" true. Everything that must happen together happens in one
// transaction: the complaint (or event), its outbox item, its audit record.
//
// Data flow: screen -> model -> Store::submit_complaint -> outbox ->
// sync engine (claim / mark_delivered) -> gateway, and back through
// apply_updates.
//
// A Store is used from one thread at a time; another thread or process opens
// its own Store on the same file (WAL, busy timeout, BEGIN IMMEDIATE claims).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/complaint.h"
#include "model/validate.h"
#include "outbox/outbox.h"
#include "sqlite/error.h"  // StoreError

struct sqlite3;

namespace odr {

struct StoreOptions {
  std::string kiosk_id = "kiosk-dev";
  std::string ticket_prefix = "A01";  // printed first on every ticket: A01-261128-0042
  int tz_offset_minutes = 480;        // ticket days and date checks in Asia/Shanghai
  int busy_timeout_ms = 5000;
  std::vector<std::string> category_codes;  // empty: any code
  std::function<int64_t()> clock_ms;        // empty: the system clock (tests inject one)
  // 32 raw bytes: the file is encrypted (SQLCipher); a plain file found at
  // the path is encrypted once, in place, at open. Empty: a plain file.
  std::string key;
  // Where the outbox delivers (kDestinations): one outbox row per item and
  // destination, each with its own state. "hub" also gets kind 'update'
  // items (case numbers, platform updates). Must hold "gateway".
  std::vector<std::string> destinations = {"gateway"};
};

// The destinations a store knows, and the one every store has.
inline constexpr const char* kGatewayDestination = "gateway";
inline constexpr const char* kHubDestination = "hub";
bool is_known_destination(std::string_view d);

// The id of a forwarded update (kind 'update'): a UUID (version 8, RFC 4122
// variant) from SHA-256 of complaint_id, status, at, case_no and note joined
// by "\n", so the same update applied twice has the same id.
std::string forward_update_id(std::string_view complaint_id, std::string_view status, std::string_view at,
                              std::string_view case_no, std::string_view note);

struct SubmitResult {
  std::string id;        // the complaint's UUIDv7 (empty when already)
  std::string ticket;    // for the consumer: A01-261128-0042
  bool already = false;  // import_key was filed before: nothing written, its ticket
};

// A complaint's ticket given up after the gateway's ticket_conflict and the
// one it has now: staff tell the consumer, whose printed ticket is the old one.
struct TicketChange {
  int64_t id = 0;
  std::string complaint_id;
  std::string old_ticket, new_ticket;
  std::string reason;  // "ticket_conflict": no personal data
  int64_t at_ms = 0;
  int64_t acknowledged_ms = 0;  // 0: staff have not seen it yet
  std::string acknowledged_by;
};

struct ReticketResult {
  enum class Outcome {
    reticketed,  // a new ticket; the item is pending again, due now
    held,        // max_conflicts reached: held with a reason, not re-ticketed
    unchanged,   // delivered already, or someone else re-ticketed it first: nothing done here
  } outcome = Outcome::unchanged;
  std::string complaint_id, old_ticket, new_ticket;
  int conflicts = 0;  // this complaint's ticket conflicts so far, this one included
};

// Rows whose stored JSON cannot be read (the file itself is sound).
struct UnreadableRows {
  int64_t complaints = 0, events = 0;
  int64_t total() const { return complaints + events; }
};

// How the audit log names a staff member: "staff:<id>" ("staff" when not known).
std::string staff_actor(std::string_view staff_id);

struct AuditVerifyResult {
  bool ok = true;
  int64_t records = 0;
  int64_t first_broken = 0;  // the seq of the first record that does not verify
  std::string problem;
};

class Store {
 public:
  // Opens or creates the file and migrates it to the current schema.
  // Throws StoreError (too_new, corrupt, read_only, ...) and leaves the file as it was.
  explicit Store(const std::string& path, StoreOptions options = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  static int schema_version();  // the version this build writes
  // The marker a store leaves next to its file (path + ".id"): while it is
  // there, a missing or empty store file is an alarm, not a fresh start.
  static std::string marker_path(const std::string& path);

  // PRAGMA integrity_check: "" when the file is sound, else what is wrong.
  // Open runs it; so does the purge (the engine's hourly pass). A store that
  // failed it refuses every write.
  std::string integrity_problem();
  // Rows whose JSON cannot be read, in a file SQLite finds sound. These do
  // not stop the desk: new complaints are still stored (the first-inquiry
  // duty), the rows are held at claim and never sent, and the sync status
  // raises an alert (read_sync_status).
  UnreadableRows unreadable_rows();

  // --- writes from the kiosk --------------------------------------------
  // Validates, fills id / ticket / kiosk_id / created_at where empty, and in
  // ONE transaction stores the complaint, allocates the ticket, queues an
  // outbox item and appends an audit record. Returns only after the commit.
  // import_key (an import line's key): the complaint is filed at most once
  // per key, the key stored in the complaint's own row in that transaction,
  // so no crash or full disk can leave one without the other.
  SubmitResult submit_complaint(Complaint c, std::string_view import_key = {});
  // The ticket of the complaint filed under import_key, if any.
  std::optional<std::string> imported_ticket(std::string_view import_key);
  // Same for an event; fills id and at where empty. Returns the event id.
  std::string record_event(Event e, std::string_view audit_actor = "");

  // --- the outbox, for the sync engine (outbox/outbox.cpp) ----------------
  // Claims up to max items in seq order, leased to owner until now+lease_ms.
  // An item whose stored JSON cannot be read is held instead (never sent).
  // Complaints: pending ones (and in-flight ones whose lease expired).
  // Events: only those whose complaint is delivered and that have no earlier
  // undelivered event of the same complaint.
  // Updates (hub only): like events, after their complaint, in order.
  // Only destination's rows; each destination's items are independent.
  std::vector<OutboxItem> claim(OutboxKind kind, size_t max, std::string_view owner, int64_t lease_ms,
                                std::string_view destination = kGatewayDestination);
  void mark_delivered(int64_t seq, std::string_view case_no);  // complaints: case_no; events: ""
  void mark_held(int64_t seq, std::string_view reason, std::string_view code = "");
  // Back to pending after a transient failure, not claimable before not_before_ms.
  void release(int64_t seq, std::string_view error, int64_t not_before_ms);
  // The same for a whole batch's answer in ONE transaction, still one audit
  // record per item. All or nothing: a seq that is not in the outbox throws
  // not_found and changes nothing. Items already delivered are left as they
  // are (a second answer for the same item), as in the single forms.
  void mark_delivered(const std::vector<DeliveredMark>& marks);
  void mark_held(const std::vector<HeldMark>& marks);
  void release(const std::vector<int64_t>& seqs, std::string_view error, int64_t not_before_ms);
  // held -> pending; returns how many. Writes the one audit record of the
  // retry (in the same transaction), naming actor: callers add none of their own.
  // destination "": every destination's.
  int64_t retry_held(std::string_view actor = "staff", std::string_view destination = "");
  OutboxCounts outbox_counts(std::string_view destination = kGatewayDestination);

  // --- ticket conflicts --------------------------------------------------
  // The gateway answered a complaint's item with ticket_conflict (sent_ticket:
  // the ticket in what was sent; platform_last_ticket: the answer's optional
  // last_ticket, "" when absent). In ONE transaction: the complaint gets a
  // ticket beyond any this store used, gave up, or learned from the
  // platform (the counter advances past it, in bigger steps when conflicts
  // repeat), a TicketChange for staff, an audit record, and the item is
  // pending again, due now, with the same id (exactly once still holds).
  // From the max_conflicts-th conflict of one complaint on, it is held instead.
  ReticketResult reticket(int64_t seq, std::string_view sent_ticket, std::string_view platform_last_ticket,
                          int max_conflicts);
  // Ticket changes, oldest first; unacknowledged_only: those staff have not seen.
  std::vector<TicketChange> ticket_changes(bool unacknowledged_only = true, size_t limit = 1000);
  // Staff have told the consumer: marks the complaint's changes seen (audited,
  // naming actor). Returns how many; complaint_id "" acknowledges all.
  int64_t acknowledge_ticket_changes(std::string_view complaint_id, std::string_view actor);
  std::vector<OutboxItem> outbox_items(OutboxState state, size_t limit = 1000,
                                       std::string_view destination = kGatewayDestination);
  // destination's held items, the most recently held first (the heartbeat's).
  std::vector<HeldSummary> recent_held(std::string_view destination, size_t limit);
  // Earliest not_before_ms of destination's pending items (0 if none).
  int64_t next_due_ms(std::string_view destination = kGatewayDestination);
  bool has_destination(std::string_view d) const;

  // --- updates from the platform ----------------------------------------
  // Applies in order (case number, platform status, timeline) and then stores
  // next_cursor, all in one transaction. Unknown complaint ids are skipped.
  void apply_updates(const std::vector<PlatformUpdate>& updates, const std::optional<std::string>& next_cursor);
  std::optional<std::string> updates_cursor();
  void clear_updates_cursor();  // after 410: start again from the beginning

  // --- shared sync status (the kiosk and kiosk-sync both read it) --------
  void set_state(std::string_view key, std::string_view value);
  std::optional<std::string> state(std::string_view key);
  // Read-modify-write of shared state in ONE BEGIN IMMEDIATE transaction
  // (another process waits), with audit records in the same commit: for
  // counters several processes bump at once (the staff PIN lockout).
  class StateTx {
   public:
    virtual ~StateTx() = default;
    virtual std::optional<std::string> get(std::string_view key) = 0;
    virtual void set(std::string_view key, std::string_view value) = 0;
    virtual void audit(std::string_view actor, std::string_view action, std::string_view detail) = 0;
  };
  void transact_state(const std::function<void(StateTx&)>& fn);

  // --- reads -------------------------------------------------------------
  std::optional<Complaint> complaint(const std::string& id);
  std::string last_complaint_at();  // the created_at of the last complaint stored; "" none yet
  // Also by a ticket given up after a conflict (the one the consumer holds).
  std::optional<Complaint> complaint_by_ticket(const std::string& ticket);

  // --- the audit log -----------------------------------------------------
  // Append-only, hash-chained: each record holds SHA-256(prev hash || content).
  void append_audit(std::string_view actor, std::string_view action, std::string_view detail);
  AuditVerifyResult verify_audit();

  // --- personal data -----------------------------------------------------
  // Blanks consumer name, phone, address and description (and the free
  // texts that may quote them: demand text, event notes, reasons, comments)
  // of complaints this kiosk stored before cutoff_ms (stored_ms, not the
  // created_at a file may claim) whose delivery is done (the
  // complaint and all its events delivered); returns how many. One audit
  // record per complaint, with its id and ticket only.
  int64_t purge_personal_data(int64_t cutoff_ms);

  // For sibling modules in sync/ (reports, staff accounts) that run their own
  // SQL on the same connection. UI code never calls this.
  sqlite3* handle() { return db_; }
  const StoreOptions& options() const { return options_; }
  int64_t now_ms() const;

 private:
  struct Statements;  // prepared statements, kept for the life of the connection
  void refuse_if_missing() const;
  sqlite3* open_store(int flags);
  void check_before_writing();
  void check_file();
  void set_up_connection();
  void migrate();
  void write_marker() const;
  void backfill_destinations();
  void check_writable() const;

  sqlite3* db_ = nullptr;
  std::unique_ptr<Statements> stmts_;
  StoreOptions options_;
  std::string path_;
  bool damaged_ = false;  // integrity_problem() found something: no more writes
};

}  // namespace odr
