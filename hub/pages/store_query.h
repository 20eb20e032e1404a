// The store page's, complaint detail's, exports' and monthly report's
// queries: plain structs out of PostgreSQL, no HTML. Who may see a store or
// a complaint is asked by the pages (web::may_see_store, may_see_personal);
// these only read.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hub/pg.h"

namespace odr::hub::pages {

struct StoreRef {
  std::string id, name, region_id, region_name;
  std::string shown_name() const { return name.empty() ? id : name; }
};
std::optional<StoreRef> find_store(PgConn& c, const std::string& store_id);

// The list's filter, from the page's GET form.
struct ComplaintFilter {
  int64_t from_s = 0, to_s = 0;  // filed in [from, to), Unix seconds
  std::string status;            // "" any; "open" (no final outcome yet); else the complaint's status
  std::string category;          // "" any; a category code (G01 ...)
  std::string business;          // "" any; part of the business's name, any case
  int page = 1;                  // 1-based, kPageSize a page; 0: every row (exports)
};
inline constexpr int kPageSize = 100;
bool is_status_filter(const std::string& s);  // "", "open" or a status word

// One complaint as its list row, with the dashboard's facts (schema v3/v4)
// read the way hub/figures.h counts them (the store page's test checks
// that the rows add up to period_figures).
struct ComplaintRow {
  std::string id, ticket, kiosk_id, filed_at;  // filed_at: China time, YYYY-MM-DD HH:MM
  std::string business_name, category_kind, category_code, status, case_no, deadline;
  std::string consumer_name, consumer_phone, personal_policy;  // as the hub keeps them ([data] personal)
  bool on_spot = false, settled = false, not_settled = false;
  std::string outcome_day;  // the first final outcome's China date; "" none yet
  bool on_time = false, late = false;  // neither: open within its deadline
  int satisfaction = 0;                // the latest score, 0 none
  int64_t compensation_count = 0, compensation_fen = 0;
  bool open() const { return outcome_day.empty(); }
};
struct ComplaintList {
  std::vector<ComplaintRow> rows;  // newest first
  int64_t total = 0;               // every row the filter matches (all pages)
};
// today: China's local date (YYYY-MM-DD), for "late" of open complaints.
ComplaintList store_complaints(PgConn& c, const std::string& store_id, const ComplaintFilter& f,
                               const std::string& today);

// The store's categories (kind, code), for the filter's choice.
struct FilterChoices {
  std::vector<std::pair<std::string, std::string>> categories;
};
FilterChoices filter_choices(PgConn& c, const std::string& store_id);

// One complaint for its detail page: the row, its store, and what the
// kiosk sent (the wire JSON as the hub keeps it, personal fields per [data]).
struct ComplaintDetail {
  ComplaintRow row;
  StoreRef store;
  std::string channel, consumer_address, payload;  // payload: JSON text
  bool deadline_estimated = false;
};
// nullopt: no complaint has this id (or it is not a UUID).
std::optional<ComplaintDetail> find_complaint(PgConn& c, const std::string& id, const std::string& today);

// A step of a complaint's timeline, in time order: the desk's events (with
// the staff member and method) and the platform's updates.
struct TimelineStep {
  std::string source;  // "event" or "platform"
  std::string type;    // event type, or the platform's status ("" when the update only gave a case number)
  std::string at;      // China time, YYYY-MM-DD HH:MM
  std::string payload; // event: its wire JSON; platform: ""
  std::string case_no, note;  // platform
};
std::vector<TimelineStep> complaint_timeline(PgConn& c, const std::string& complaint_id);

}  // namespace odr::hub::pages
