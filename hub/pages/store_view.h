// What the store page, the complaint detail, the CSV export and the monthly
// report share: who may open a store or a complaint (answering 403 / 404
// itself), the period and filter read from the query, and a complaint
// row's words (outcome, on time, the personal data as a list shows it).
#pragma once
#include <optional>
#include <string>

#include "calendar/calendar.h"
#include "hub/pages/frame.h"
#include "hub/pages/store_query.h"
#include "web/period.h"

namespace odr::hub::pages {

// China's date today (YYYY-MM-DD).
std::string today_text(const Context& ctx);
// Working days from today to a deadline (0 due today, negative overdue), by
// the hub's calendar (Monday to Friday, estimated, without one).
WorkingDayCount days_left(const Context& ctx, const std::string& deadline);

// The store, or nullopt after answering. No such store: 404 for the head
// office (it may see every store, so nothing is revealed); for a region or
// store user, a store that does not exist and a store not theirs both get
// the same 403, so guessing ids tells them nothing about other stores.
std::optional<StoreRef> store_for(Context& ctx, const Visit& v, const std::string& store_id, httplib::Response& r);

// The period (web/period.h) and the list's filter of a store page's query;
// *error is a texts key when the period words were wrong (then: this month).
struct StoreQuery {
  web::PeriodChoice period;
  ComplaintFilter filter;
  const char* error = nullptr;
};
StoreQuery store_query(const Context& ctx, const httplib::Request& q);
// The query string that asks for the same filter (for the pager, the export).
std::string filter_query(const httplib::Request& q, int page);

// A row's words. Outcome: 当场和解 / 经平台和解 / 未和解 / 已撤回或办结 / 处理中.
std::string outcome_word(web::Lang l, const ComplaintRow& x);
std::string on_time_word(web::Lang l, const ComplaintRow& x);  // 按时 / 超期 / 期限内
std::string category_word(web::Lang l, const ComplaintRow& x);
// The personal data as every list and export shows it (model/personal.h's masks):
// a phone the hub keeps in full is masked here; a masked one is shown as kept.
std::string listed_name(const ComplaintRow& x);
std::string listed_phone(const ComplaintRow& x);

}  // namespace odr::hub::pages
