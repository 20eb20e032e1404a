// One store's page: its figures for the chosen period against the period
// before, and its complaints with filters (a GET form, no script), 100 a
// page, personal data masked; and the same list as a CSV download.
#include <httplib.h>

#include <cstdio>

#include "hub/figures.h"
#include "hub/pages/routes.h"
#include "hub/pages/store_view.h"
#include "util/csv.h"
#include "util/time.h"
#include "util/url.h"
#include "web/cards.h"

namespace odr::hub::pages {

namespace {

using namespace odr::hub::web;

std::string option(const std::string& value, const std::string& words, const std::string& chosen) {
  return "<option value=\"" + esc(value) + "\"" + (value == chosen ? " selected" : "") + ">" + esc(words) + "</option>";
}

std::string period_fields(Lang l, const httplib::Request& q, const StoreQuery& s) {
  std::string f = "<label>" + esc(tr(l, "store.period")) + "<select id=\"period\" name=\"period\">";
  for (const char* k : {"week", "month", "quarter", "custom"})
    f += option(k, tr(l, (std::string("period.") + k).c_str()), to_string(s.period.kind));
  f += "</select></label>";
  f += "<label>" + esc(tr(l, "store.from")) + "<input id=\"from\" name=\"from\" type=\"date\" value=\"" +
       esc(q.get_param_value("from")) + "\"></label>";
  return f + "<label>" + esc(tr(l, "store.to")) + "<input id=\"to\" name=\"to\" type=\"date\" value=\"" +
         esc(q.get_param_value("to")) + "\"></label>";
}

std::string list_fields(Lang l, const StoreQuery& s, const FilterChoices& choices) {
  std::string f = "<label>" + esc(tr(l, "store.col.status")) + "<select id=\"status\" name=\"status\">" +
                  option("", tr(l, "store.status_any"), s.filter.status) +
                  option("open", tr(l, "store.status_open"), s.filter.status);
  for (const char* st : {"received", "accepted", "mediating", "settled", "not_settled", "closed", "transferred"})
    f += option(st, status_word(l, st), s.filter.status);
  f += "</select></label><label>" + esc(tr(l, "store.col.category")) + "<select id=\"category\" name=\"category\">" +
       option("", tr(l, "store.category_any"), s.filter.category);
  for (const auto& [kind, code] : choices.categories)
    f += option(code, std::string(tr(l, kind == "service" ? "category.service" : "category.goods")) + " " + code,
                s.filter.category);
  f += "</select></label><label>" + esc(tr(l, "store.col.business")) +
       "<input id=\"business\" name=\"business\" value=\"" + esc(s.filter.business) + "\"></label>";
  return f;
}

std::string filter_form(Lang l, const httplib::Request& q, const StoreQuery& s, const FilterChoices& choices) {
  std::string f = "<form class=\"filters\" method=\"get\" id=\"filters\">" + period_fields(l, q, s) +
                  list_fields(l, s, choices);
  if (!q.get_param_value("lang").empty())
    f += "<input type=\"hidden\" name=\"lang\" value=\"" + esc(q.get_param_value("lang")) + "\">";
  return f + "<button id=\"apply\" type=\"submit\">" + esc(tr(l, "store.filter")) + "</button></form>";
}

std::string range_text(Lang l, int64_t first, int64_t last) {
  char b[128];
  std::snprintf(b, sizeof b, tr(l, "store.range"), format_date(first).c_str(), format_date(last).c_str());
  return b;
}

std::optional<double> count(int64_t n) { return static_cast<double>(n); }

std::vector<Card> figure_cards(Lang l, const Figures& f, const Figures& p) {
  const std::string pts = std::string(" ") + tr(l, "store.points"), vs = std::string(" ") + tr(l, "store.vs_before");
  auto card = [&](const char* id, const char* key, std::string value, Change ch, std::string sub = "") {
    return Card{id, tr(l, key), std::move(value), std::move(sub), ch.text.empty() ? "" : ch.text + vs, ch.tone};
  };
  Change comp = change_of(count(f.compensation_count), count(p.compensation_count), 1, 0, "", false);
  comp.tone = Tone::flat;  // paying first is neither good nor bad in itself
  char payments[64];
  std::snprintf(payments, sizeof payments, tr(l, "store.payments"), static_cast<long long>(f.compensation_count));
  char sat[16] = "—";
  if (f.satisfaction_mean()) std::snprintf(sat, sizeof sat, "%.2f", *f.satisfaction_mean());
  return {card("fig-received", "store.card.received", std::to_string(f.received),
               change_of(count(f.received), count(p.received), 1, 0, "", false)),
          card("fig-settlement", "store.card.settlement", percent(f.settlement_rate()),
               change_of(f.settlement_rate(), p.settlement_rate(), 100, 1, pts, true)),
          card("fig-on-time", "store.card.on_time", percent(f.on_time_rate()),
               change_of(f.on_time_rate(), p.on_time_rate(), 100, 1, pts, true)),
          card("fig-satisfaction", "store.card.satisfaction", sat,
               change_of(f.satisfaction_mean(), p.satisfaction_mean(), 1, 2, "", true)),
          card("fig-compensation", "store.card.compensation_first", "¥" + money(f.compensation_fen), comp, payments)};
}

std::string th(Lang l, const char* key, bool num = false) {
  return std::string(num ? "<th class=\"num\">" : "<th>") + esc(tr(l, key)) + "</th>";
}

std::string complaint_row_html(Lang l, const ComplaintRow& x) {
  const char* tone = x.late ? "bad" : x.on_time ? "good" : "";
  std::string h = "<tr data-id=\"" + esc(x.id) + "\"" + (x.late && x.open() ? " class=\"overdue\"" : "") + ">";
  h += "<td class=\"nowrap\"><a href=\"/complaints/" + esc(x.id) + esc(lang_suffix(l)) + "\">" + esc(x.ticket) + "</a></td>";
  h += "<td class=\"nowrap\">" + esc(x.filed_at) + "</td><td>" + user_text(x.business_name) + "</td><td>" + esc(category_word(l, x)) +
       "</td><td>" + esc(status_word(l, x.status)) + "</td><td class=\"outcome\">" + esc(outcome_word(l, x)) + "</td>";
  h += "<td class=\"nowrap\">" + esc(x.deadline) + "</td><td><span class=\"tag " + tone + "\">" + esc(on_time_word(l, x)) +
       "</span></td><td class=\"consumer\">" + user_text(listed_name(x)) + "</td><td class=\"phone nowrap\">" +
       esc(listed_phone(x)) + "</td></tr>";
  return h;
}

std::string complaints_table(Lang l, const ComplaintList& list) {
  if (list.rows.empty()) return "<p class=\"note\" id=\"no-complaints\">" + esc(tr(l, "store.none")) + "</p>";
  std::string h = "<table id=\"complaints\"><thead><tr>" + th(l, "store.col.ticket") + th(l, "store.col.filed") +
                  th(l, "store.col.business") + th(l, "store.col.category") + th(l, "store.col.status") +
                  th(l, "store.col.outcome") + th(l, "store.col.deadline") + th(l, "store.col.on_time") +
                  th(l, "store.col.consumer") + th(l, "store.col.phone") + "</tr></thead><tbody>";
  for (const ComplaintRow& x : list.rows) h += complaint_row_html(l, x);
  return h + "</tbody></table>";
}

std::string pager(Lang l, const httplib::Request& q, const StoreQuery& s, int64_t total) {
  const int pages = static_cast<int>((total + kPageSize - 1) / kPageSize), at = s.filter.page;
  if (pages <= 1 && at <= 1) return "";
  char words[96];
  std::snprintf(words, sizeof words, tr(l, "store.page_of"), at, std::max(pages, 1));
  std::string h = "<nav class=\"pager\" id=\"pager\">";
  if (at > 1) h += "<a class=\"button\" id=\"prev\" href=\"" + esc(filter_query(q, at - 1)) + "\">" + esc(tr(l, "store.prev")) + "</a>";
  h += "<span>" + esc(words) + "</span>";
  if (at < pages) h += "<a class=\"button\" id=\"next\" href=\"" + esc(filter_query(q, at + 1)) + "\">" + esc(tr(l, "store.next")) + "</a>";
  return h + "</nav>";
}

std::string heading(Lang l, const httplib::Request& q, const StoreRef& st, const StoreQuery& s) {
  std::string month = format_date(s.period.last_day).substr(0, 7);
  std::string h = "<div class=\"page-head\"><div><h1 id=\"store-name\">" + user_text(st.shown_name()) +
                  "</h1><p class=\"note\">" + user_text(st.region_name.empty() ? st.region_id : st.region_name) +
                  " · " + esc(st.id) + "</p></div><div class=\"actions\">";
  const std::string base = "/stores/" + percent_encode(st.id);
  h += "<a class=\"button secondary\" id=\"export-csv\" href=\"" + esc(base + "/complaints.csv" + filter_query(q, 1)) +
       "\">" + esc(tr(l, "store.export_csv")) + "</a>";
  h += "<a class=\"button secondary\" id=\"report\" href=\"" + esc(base + "/report?month=" + month + lang_suffix(l, '&')) + "\">" +
       esc(tr(l, "store.report")) + "</a></div></div>";
  return h;
}

void get_store(Context& ctx, const httplib::Request& q, httplib::Response& r) {
  const std::optional<Visit> v = signed_in(ctx, q, r);
  if (!v) return;
  const std::optional<StoreRef> st = store_for(ctx, *v, q.matches[1], r);
  if (!st) return;
  const Lang l = v->lang;
  const StoreQuery s = store_query(ctx, q);
  FigureReport now, before;
  ComplaintList list;
  FilterChoices choices;
  {
    auto c = ctx.pool.acquire();
    const int64_t t = ctx.now_s();
    now = period_figures(*c, Scope{"", st->id}, Period{s.period.from_s(), s.period.to_s()}, t);
    before = period_figures(*c, Scope{"", st->id}, Period{s.period.prev_from_s(), s.period.prev_to_s()}, t);
    list = store_complaints(*c, st->id, s.filter, today_text(ctx));
    choices = filter_choices(*c, st->id);
  }
  std::string b = heading(l, q, *st, s) + filter_form(l, q, s, choices);
  if (s.error) b += "<p class=\"error\" id=\"period-error\">" + esc(tr(l, s.error)) + "</p>";
  char compared[256];
  std::snprintf(compared, sizeof compared, tr(l, "store.compared"),
                range_text(l, s.period.prev_first_day, s.period.prev_last_day).c_str());
  b += "<h2>" + esc(tr(l, "store.figures")) + " <span class=\"note\" id=\"period-range\">" +
       esc(range_text(l, s.period.first_day, s.period.last_day)) + " · " + esc(compared) + "</span></h2>";
  b += cards_html(figure_cards(l, now.chain, before.chain));
  char count[96];
  std::snprintf(count, sizeof count, tr(l, "store.count"), static_cast<long long>(list.total));
  b += "<h2>" + esc(tr(l, "store.list")) + " <span class=\"note\" id=\"list-count\">" + esc(count) + "</span></h2>";
  b += complaints_table(l, list) + pager(l, q, s, list.total);
  send_page(r, 200, page(l, st->shown_name(), b, nav_for(*v, Place::stores)));
}

// The CSV: the filtered list, every page, headers and words in Chinese (the
// regulator's and the clerks' language), personal data masked as on the page.
std::string complaints_csv(const ComplaintList& list) {
  const Lang z = Lang::zh;
  std::string csv = kCsvBom;
  std::vector<std::string> head;
  for (const char* k : {"store.col.ticket", "store.col.filed", "store.col.kiosk", "store.col.business",
                        "store.col.category", "store.col.status", "store.col.outcome", "store.col.deadline",
                        "store.col.on_time", "store.col.case", "store.col.satisfaction", "store.col.comp_count",
                        "store.col.comp_yuan", "store.col.consumer", "store.col.phone"})
    head.push_back(tr(z, k));
  add_csv_line(csv, head);
  for (const ComplaintRow& x : list.rows)
    add_csv_line(csv, {x.ticket, x.filed_at, x.kiosk_id, x.business_name, category_word(z, x), status_word(z, x.status),
                       outcome_word(z, x), x.deadline, on_time_word(z, x), x.case_no,
                       x.satisfaction ? std::to_string(x.satisfaction) : "", std::to_string(x.compensation_count),
                       money(x.compensation_fen), listed_name(x), listed_phone(x)});
  return csv;
}

void get_store_csv(Context& ctx, const httplib::Request& q, httplib::Response& r) {
  const std::optional<Visit> v = signed_in(ctx, q, r);
  if (!v) return;
  const std::optional<StoreRef> st = store_for(ctx, *v, q.matches[1], r);
  if (!st) return;
  StoreQuery s = store_query(ctx, q);
  s.filter.page = 0;  // every row
  ComplaintList list;
  {
    auto c = ctx.pool.acquire();
    list = store_complaints(*c, st->id, s.filter, today_text(ctx));
    audit_web(*c, v->viewer.user, "export.store_csv",
              "store=" + st->id + " from=" + format_date(s.period.first_day) + " to=" + format_date(s.period.last_day) +
                  " rows=" + std::to_string(list.rows.size()),
              q.remote_addr);
  }
  r.status = 200;
  for (const HeaderLine& h : kPageHeaders) r.set_header(h.name, h.value);
  r.set_header("Content-Disposition", "attachment; filename=\"complaints-" + st->id + "-" +
                                          format_date(s.period.first_day) + ".csv\"");
  r.set_content(complaints_csv(list), "text/csv; charset=utf-8");
}

}  // namespace

void add_store_routes(httplib::Server& svr, const ContextPtr& ctx) {
  svr.Get(R"(/stores/([A-Za-z0-9_-]{1,64}))", [ctx](const httplib::Request& q, httplib::Response& r) { get_store(*ctx, q, r); });
  svr.Get(R"(/stores/([A-Za-z0-9_-]{1,64})/complaints\.csv)",
          [ctx](const httplib::Request& q, httplib::Response& r) { get_store_csv(*ctx, q, r); });
}

}  // namespace odr::hub::pages
