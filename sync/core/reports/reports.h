// What staff see of the store: the complaint list and detail, the ODR
// dashboard, held sync items, and exports. All figures come from SQL over
// the store's own connection (Store::handle()); screens only draw them.
//
// Reports adds to the connection, never to the file: temporary views
// (temp.staff_complaints) and SQL functions for the working-day calendar
// (odr_local_day, odr_due_day), so it needs no schema migration.
//
// Outcome of a complaint, as staff and the figures count it:
//   settled / not_settled / withdrawn  by our own last event of that kind;
//   else settled / not_settled         when the platform reports it;
//   else closed                        platform status closed or transferred;
//   else open.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "calendar/calendar.h"
#include "model/complaint.h"
#include "model/personal.h"
#include "store/store.h"

namespace odr {

enum class ListFilter { open, overdue, settled, not_settled, held, all };
const char* to_string(ListFilter f);

struct ComplaintRow {
  std::string id;
  std::string ticket;
  std::string case_no;
  std::string created_at;
  int64_t created_ms = 0;
  std::string name_masked;
  std::string phone_masked;
  std::string respondent;       // the business's name
  std::string status;           // local handling: new, in_progress, settled, not_settled, withdrawn
  std::string outcome;          // open, settled, not_settled, withdrawn, closed (see above)
  std::string platform_status;  // last from the platform, "" if none yet
  std::string sync_state;       // the complaint's outbox item: pending, in_flight, delivered, held
  bool held = false;            // the complaint or one of its events is held by sync
  std::string due_date;         // YYYY-MM-DD
  Deadline deadline;            // working days left etc. (days_left meaningful while open)
};

struct ListQuery {
  ListFilter filter = ListFilter::open;
  std::string search;  // ticket (or part), case number, or the phone's last 4 digits
  size_t limit = 500;
};

struct TimelineEntry {
  int64_t at_ms = 0;
  std::string at;
  std::string source;  // "local" (what happened at the desk) or "platform"
  std::string kind;    // submitted, an event type, or a platform status
  std::string staff_id;
  std::string method;
  EventData data;          // local events
  std::string note;        // platform updates
  std::string sync_state;  // local entries: their outbox state
  std::string sync_error;  // local entries: why held, or the last transient failure
};

struct ComplaintDetail {
  Complaint complaint;  // in full: only for the detail screen
  ComplaintRow row;
  std::vector<TimelineEntry> timeline;  // by time; platform entries after local ones at the same instant
  bool has_first_response = false;
};

struct Dashboard {
  int days = 0;
  int64_t from_day = 0, to_day = 0;  // local days, inclusive
  int64_t received = 0;              // complaints filed in the window
  int64_t settled = 0, not_settled = 0, withdrawn = 0, open = 0;  // of those, by outcome now
  std::optional<double> settlement_rate;  // settled / (settled + not_settled)
  // On time: of the window's complaints that are concluded (settled, not
  // settled, withdrawn, closed) or open past their due date, those
  // concluded on or before the due date.
  int64_t on_time = 0, on_time_base = 0;
  std::optional<double> on_time_rate;
  int64_t first_responses = 0;  // complaints with a first response
  std::optional<double> median_first_response_minutes;
  int64_t ratings = 0;  // complaints rated (the latest rating counts)
  std::optional<double> average_satisfaction;
  int64_t compensation_count = 0;  // compensation paid first, events dated in the window
  int64_t compensation_fen = 0;
  int64_t overdue_now = 0;  // open complaints past their due date, filed at any time
  int64_t sync_pending = 0, sync_in_flight = 0, sync_held = 0;  // the backlog, now
  std::vector<int64_t> per_day;  // complaints filed per local day, from_day first
};

struct HeldItem {
  int64_t seq = 0;
  std::string kind;  // complaint or event
  std::string ticket;
  std::string event_type;  // for events
  std::string reason;
  int attempts = 0;
};

struct ExportRequest {
  int64_t from_day = 0, to_day = 0;  // local days, inclusive
  bool include_personal = false;     // names, phones, addresses, descriptions in full
  std::string dir;                   // KioskConfig::export_dir
  std::string staff_id;              // for the audit record
};

struct ExportResult {
  std::string csv_path, json_path;
  int64_t complaints = 0;
};

class Reports {
 public:
  // The calendar and deadline rule are copied into the connection's SQL
  // functions; `store` must outlive this object.
  Reports(Store& store, const WorkdayCalendar& calendar, int deadline_working_days);

  int64_t today() const;  // the local day now, by the store's clock

  std::vector<ComplaintRow> list(const ListQuery& q);
  std::optional<ComplaintDetail> detail(const std::string& complaint_id);
  int64_t overdue_count();
  Dashboard dashboard(int days);
  std::vector<HeldItem> held_items(size_t limit = 200);
  // Writes CSV (UTF-8 with BOM, for spreadsheets) and JSON of the complaints
  // filed in the period into req.dir, each atomically, and audits the export.
  // Throws StoreError (io) when the folder cannot be written.
  ExportResult export_period(const ExportRequest& req);

 private:
  Store& store_;
  WorkdayCalendar calendar_;
  int working_days_;
  int tz_;
};

}  // namespace odr
