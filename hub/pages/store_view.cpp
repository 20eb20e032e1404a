#include "hub/pages/store_view.h"

#include <httplib.h>

#include "model/personal.h"
#include "util/time.h"
#include "util/url.h"

namespace odr::hub::pages {

using namespace odr::hub::web;

std::string today_text(const Context& ctx) { return local_date(ctx.now_s()); }

WorkingDayCount days_left(const Context& ctx, const std::string& deadline) {
  return working_days_left(ctx.calendar(), ctx.now_s(), deadline);
}

std::optional<StoreRef> store_for(Context& ctx, const Visit& v, const std::string& store_id, httplib::Response& r) {
  std::optional<StoreRef> s;
  {
    auto c = ctx.pool.acquire();
    s = find_store(*c, store_id);
  }
  if (s && may_see_store(v.viewer, s->id, s->region_id)) return s;
  if (!s && v.viewer.role == Role::chain) send_error_page(r, v.lang, 404, "error.not_found");
  else send_error_page(r, v.lang, 403, "error.forbidden");
  return std::nullopt;
}

StoreQuery store_query(const Context& ctx, const httplib::Request& q) {
  StoreQuery s;
  const int64_t now = ctx.now_s();
  std::optional<PeriodChoice> p =
      choose_period(q.get_param_value("period"), q.get_param_value("from"), q.get_param_value("to"), now, &s.error);
  s.period = p ? *p : *choose_period("month", "", "", now, &s.error);
  s.filter.from_s = s.period.from_s();
  s.filter.to_s = s.period.to_s();
  s.filter.status = q.get_param_value("status");
  if (!is_status_filter(s.filter.status)) s.filter.status.clear();
  s.filter.category = q.get_param_value("category");
  s.filter.business = q.get_param_value("business");
  const std::string page = q.get_param_value("page");
  s.filter.page = 1;
  if (!page.empty() && page.size() < 7 && page.find_first_not_of("0123456789") == std::string::npos)
    s.filter.page = std::max(1, std::stoi(page));
  return s;
}

std::string filter_query(const httplib::Request& q, int page) {
  std::string out;
  for (const char* k : {"period", "from", "to", "status", "category", "business", "lang"}) {
    const std::string v = q.get_param_value(k);
    if (!v.empty()) out += std::string(out.empty() ? "?" : "&") + k + "=" + percent_encode(v);
  }
  if (page > 1) out += std::string(out.empty() ? "?" : "&") + "page=" + std::to_string(page);
  return out;
}

std::string outcome_word(Lang l, const ComplaintRow& x) {
  if (x.on_spot) return tr(l, "outcome.on_spot");
  if (x.settled) return tr(l, "outcome.platform");
  if (x.not_settled) return tr(l, "outcome.not_settled");
  if (!x.open()) return tr(l, "outcome.ended");
  return tr(l, "outcome.open");
}

std::string on_time_word(Lang l, const ComplaintRow& x) {
  return tr(l, x.on_time ? "ontime.yes" : x.late ? "ontime.late" : "ontime.within");
}

std::string category_word(Lang l, const ComplaintRow& x) {
  return std::string(tr(l, x.category_kind == "service" ? "category.service" : "category.goods")) + " " +
         x.category_code;
}

std::string listed_name(const ComplaintRow& x) { return mask_name(x.consumer_name); }

std::string listed_phone(const ComplaintRow& x) {
  return x.personal_policy == "full" ? mask_phone(x.consumer_phone) : x.consumer_phone;
}

}  // namespace odr::hub::pages
