// One complaint's detail and timeline: filed, the desk's steps (who did
// what and when), the platform's case number and statuses, the outcome,
// satisfaction, compensation first, the deadline and the working days left.
// Personal data in full only for web::may_see_personal (audited, the
// complaint's id only); masked for everyone else.
#include <httplib.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "hub/pages/routes.h"
#include "hub/pages/store_view.h"
#include "model/personal.h"
#include "util/url.h"
#include "web/cards.h"

namespace odr::hub::pages {

namespace {

using namespace odr::hub::web;
using nlohmann::json;

std::string str(const json& j, const char* object, const char* key) {
  const json* o = *object ? (j.contains(object) && j[object].is_object() ? &j[object] : nullptr) : &j;
  if (!o || !o->contains(key) || !(*o)[key].is_string()) return "";
  return (*o)[key].get<std::string>();
}

std::string field(Lang l, const char* key, const std::string& html, const char* id = "") {
  return "<tr><th>" + esc(tr(l, key)) + "</th><td" + (*id ? std::string(" id=\"") + id + "\"" : "") + ">" +
         (html.empty() || html == "<bdi></bdi>" ? "—" : html) + "</td></tr>";
}

std::string deadline_html(Lang l, const Context& ctx, const ComplaintDetail& d) {
  const ComplaintRow& x = d.row;
  char b[160];
  if (!x.open()) {
    std::snprintf(b, sizeof b, tr(l, "complaint.ended_on"), x.outcome_day.c_str(), on_time_word(l, x).c_str());
  } else {
    const WorkingDayCount left = days_left(ctx, x.deadline);
    std::snprintf(b, sizeof b, tr(l, left.days < 0 ? "complaint.overdue" : "complaint.days_left"),
                  static_cast<int>(left.days < 0 ? -left.days : left.days));
  }
  const char* tone = x.late ? "bad" : x.on_time ? "good" : "warn";
  std::string h = "<div class=\"card deadline\" id=\"deadline\"><div class=\"label\">" +
                  esc(tr(l, "store.col.deadline")) + "</div><div class=\"value\">" + esc(x.deadline) +
                  "</div><div class=\"delta\"><span class=\"tag " + tone + "\" id=\"days-left\">" + esc(b) +
                  "</span></div>";
  if (d.deadline_estimated) h += "<p class=\"note\">" + esc(tr(l, "complaint.estimated")) + "</p>";
  return h + "</div>";
}

std::string facts_html(Lang l, const ComplaintDetail& d, const json& p) {
  const ComplaintRow& x = d.row;
  std::string t = "<table class=\"facts\" id=\"facts\">";
  t += field(l, "col.store", "<a href=\"/stores/" + esc(percent_encode(d.store.id)) + "\">" +
                                 user_text(d.store.shown_name()) + "</a>");
  t += field(l, "store.col.kiosk", esc(x.kiosk_id)) + field(l, "store.col.filed", esc(x.filed_at));
  t += field(l, "complaint.channel", esc(tr(l, d.channel == "staff_assisted" ? "complaint.staff_assisted"
                                                                             : "complaint.self_service")));
  t += field(l, "store.col.business", user_text(x.business_name)) + field(l, "store.col.category", esc(category_word(l, x)));
  t += field(l, "complaint.item", user_text(str(p, "purchase", "item")));
  const json& pa = p.value("purchase", json::object());
  if (pa.contains("amount_fen") && pa["amount_fen"].is_number_integer())
    t += field(l, "complaint.amount", "¥" + esc(money(pa["amount_fen"].get<int64_t>())));
  t += field(l, "store.col.case", esc(x.case_no), "case-no") + field(l, "store.col.status", esc(status_word(l, x.status)));
  t += field(l, "store.col.outcome", esc(outcome_word(l, x)), "outcome");
  t += field(l, "store.col.satisfaction", x.satisfaction ? esc(std::to_string(x.satisfaction) + " / 5") : "");
  t += field(l, "store.card.compensation_first",
             x.compensation_count ? esc(std::to_string(x.compensation_count) + " · ¥" + money(x.compensation_fen)) : "");
  return t + "</table>";
}

// The consumer and their own words: in full for those allowed, else masked
// (name and phone) and withheld (address, description, demand text, order no.).
std::string personal_html(Lang l, const ComplaintDetail& d, const json& p, bool full) {
  const ComplaintRow& x = d.row;
  std::string t = "<h2>" + esc(tr(l, "complaint.personal")) + "</h2><table class=\"facts\" id=\"personal\">";
  t += field(l, "store.col.consumer", user_text(full ? x.consumer_name : listed_name(x)), "consumer-name");
  t += field(l, "store.col.phone", esc(full ? x.consumer_phone : listed_phone(x)), "consumer-phone");
  if (full) {
    t += field(l, "complaint.address", user_text(d.consumer_address), "consumer-address");
    t += field(l, "complaint.order_no", user_text(str(p, "purchase", "order_no")));
    t += field(l, "complaint.description", "<span class=\"quote\">" + user_text(str(p, "", "description")) + "</span>",
               "description");
    t += field(l, "complaint.demand_text", user_text(str(p, "demand", "text")));
  }
  t += "</table>";
  if (!full) t += "<p class=\"note\" id=\"personal-masked\">" + esc(tr(l, "complaint.masked_note")) + "</p>";
  else if (x.personal_policy != "full")
    t += "<p class=\"note\">" + esc(tr(l, x.personal_policy == "none" ? "complaint.kept_none" : "complaint.kept_masked")) + "</p>";
  return t;
}

std::string step_html(const std::string& kind, const std::string& at, const std::string& what, const std::string& who,
                      const std::string& detail) {
  return "<li class=\"step\" data-step=\"" + esc(kind) + "\"><time>" + esc(at) + "</time><div><div class=\"what\">" +
         what + "</div><div class=\"who\">" + who + "</div>" + (detail.empty() ? "" : "<div class=\"detail\">" + detail + "</div>") +
         "</div></li>";
}

std::string event_detail(Lang l, const std::string& type, const json& data) {
  std::string d;
  auto add = [&](const std::string& html) { d += (d.empty() ? "" : " · ") + html; };
  if (data.contains("amount_fen") && data["amount_fen"].is_number_integer())
    add(esc(tr(l, "complaint.amount_word")) + " ¥" + esc(money(data["amount_fen"].get<int64_t>())));
  if (type == "satisfaction" && data.contains("score") && data["score"].is_number_integer())
    add(esc(std::to_string(data["score"].get<int>()) + " / 5"));
  for (const char* k : {"note", "reason", "comment"})
    if (data.contains(k) && data[k].is_string() && !data[k].get<std::string>().empty())
      add("<span class=\"quote\">" + user_text(data[k].get<std::string>()) + "</span>");
  return d;
}

std::string event_step(Lang l, const TimelineStep& s) {
  const json e = json::parse(s.payload, nullptr, false);
  const std::string staff = e.is_object() ? e.value("staff_id", "") : "";
  const std::string method = e.is_object() ? e.value("method", "") : "";
  std::string who;
  if (!staff.empty()) {
    who = esc(tr(l, "complaint.by_staff")) + " " + user_text(staff);
    if (!method.empty()) who += " · " + esc(word_for(l, "complaint.method.", method));
  } else {
    who = esc(tr(l, "complaint.by_consumer"));
  }
  const json data = e.is_object() && e.contains("data") && e["data"].is_object() ? e["data"] : json::object();
  return step_html("event:" + s.type, s.at, esc(word_for(l, "complaint.step.", s.type)), who, event_detail(l, s.type, data));
}

std::string platform_step(Lang l, const TimelineStep& s) {
  std::string what;
  if (!s.type.empty()) what = esc(status_word(l, s.type));  // "who" says it is the platform's
  if (!s.case_no.empty())
    what += (what.empty() ? "" : " · ") + esc(tr(l, "store.col.case")) + " <span class=\"case\">" + esc(s.case_no) + "</span>";
  const std::string detail = s.note.empty() ? "" : "<span class=\"quote\">" + user_text(s.note) + "</span>";
  return step_html("platform:" + (s.type.empty() ? std::string("case_no") : s.type), s.at, what,
                   esc(tr(l, "complaint.by_platform")), detail);
}

std::string timeline_html(Lang l, const ComplaintDetail& d, const std::vector<TimelineStep>& steps) {
  const bool staff = d.channel == "staff_assisted";
  std::string h = "<h2>" + esc(tr(l, "complaint.timeline")) + "</h2><ol class=\"timeline\" id=\"timeline\">";
  h += step_html("filed", d.row.filed_at, esc(tr(l, "complaint.step.filed")),
                 esc(tr(l, staff ? "complaint.by_desk" : "complaint.by_consumer")) + " · " +
                     esc(tr(l, "store.col.kiosk")) + " " + esc(d.row.kiosk_id),
                 "");
  for (const TimelineStep& s : steps) h += s.source == "event" ? event_step(l, s) : platform_step(l, s);
  return h + "</ol>";
}

void get_complaint(Context& ctx, const httplib::Request& q, httplib::Response& r) {
  const std::optional<Visit> v = signed_in(ctx, q, r);
  if (!v) return;
  const Lang l = v->lang;
  std::optional<ComplaintDetail> d;
  std::vector<TimelineStep> steps;
  bool full = false;
  {
    auto c = ctx.pool.acquire();
    d = find_complaint(*c, q.matches[1], today_text(ctx));
    // The same answer for a complaint that does not exist and one of a store
    // not theirs, as for stores (store_view.h): only the head office gets 404.
    if (!d || !may_see_store(v->viewer, d->store.id, d->store.region_id))
      return send_error_page(r, l, !d && v->viewer.role == Role::chain ? 404 : 403,
                             !d && v->viewer.role == Role::chain ? "error.not_found" : "error.forbidden");
    steps = complaint_timeline(*c, d->row.id);
    full = may_see_personal(v->viewer, d->store.id, d->store.region_id);
    if (full && d->row.personal_policy != "none") audit_web(*c, v->viewer.user, "personal.view", "complaint=" + d->row.id, q.remote_addr);
  }
  const json p = json::parse(d->payload, nullptr, false);
  const json payload = p.is_object() ? p : json::object();
  char title[160];
  std::snprintf(title, sizeof title, tr(l, "complaint.title"), d->row.ticket.c_str());
  std::string b = "<div class=\"page-head\"><div><h1 id=\"complaint-title\">" + esc(title) + "</h1><p class=\"note\">" +
                  user_text(d->store.shown_name()) + " · " + esc(status_word(l, d->row.status)) + "</p></div></div>";
  b += "<div class=\"detail-grid\"><div>" + facts_html(l, *d, payload) + personal_html(l, *d, payload, full) +
       "</div><div>" + deadline_html(l, ctx, *d) + timeline_html(l, *d, steps) + "</div></div>";
  send_page(r, 200, page(l, title, b, nav_for(*v, Place::stores)));
}

}  // namespace

void add_complaint_routes(httplib::Server& svr, const ContextPtr& ctx) {
  svr.Get(R"(/complaints/([0-9A-Za-z-]{1,64}))",
          [ctx](const httplib::Request& q, httplib::Response& r) { get_complaint(*ctx, q, r); });
}

}  // namespace odr::hub::pages
