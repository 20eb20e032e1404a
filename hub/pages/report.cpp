// A store's monthly report for the regulator's review: a printable page
// (print rules in kStylesheet; the browser prints it or saves it as PDF)
// with the month's figures, every complaint filed in it with its outcome
// and whether it was on time, compensation first, and a block for the
// signatures. No personal data: the regulator reviews the handling.
#include <httplib.h>

#include <cstdio>

#include "hub/figures.h"
#include "hub/pages/routes.h"
#include "hub/pages/store_view.h"
#include "util/time.h"
#include "web/cards.h"

namespace odr::hub::pages {

namespace {

using namespace odr::hub::web;

// "2026-10" as its first day and the next month's (days since 1970-01-01).
std::optional<std::pair<int64_t, int64_t>> month_days(const std::string& m) {
  if (m.size() != 7 || m[4] != '-') return std::nullopt;
  const std::optional<int64_t> first = parse_date(m + "-01");
  if (!first) return std::nullopt;
  const int y = std::stoi(m.substr(0, 4));
  const unsigned mo = static_cast<unsigned>(std::stoi(m.substr(5, 2)));
  return std::pair{*first, mo == 12 ? days_from_civil(y + 1, 1, 1) : days_from_civil(y, mo + 1, 1)};
}

int64_t day_start_s(int64_t day) { return day * 86400 - kChinaOffsetMinutes * 60; }

std::string row(Lang l, const char* key, const std::string& value, const char* id) {
  return "<tr><th>" + esc(tr(l, key)) + "</th><td class=\"num\" id=\"" + id + "\">" + esc(value) + "</td></tr>";
}

std::string figures_table(Lang l, const Figures& f) {
  char sat[64] = "—";
  int64_t rated = 0;
  for (int64_t n : f.satisfaction) rated += n;
  if (f.satisfaction_mean()) std::snprintf(sat, sizeof sat, tr(l, "report.satisfaction"), *f.satisfaction_mean(), static_cast<long long>(rated));
  std::string t = "<table class=\"report-figures\" id=\"report-figures\"><tbody>";
  t += row(l, "store.card.received", std::to_string(f.received), "r-received");
  t += row(l, "outcome.on_spot", std::to_string(f.settled_on_spot), "r-on-spot");
  t += row(l, "outcome.platform", std::to_string(f.settled_platform), "r-platform");
  t += row(l, "outcome.not_settled", std::to_string(f.not_settled), "r-not-settled");
  t += row(l, "store.card.settlement", percent(f.settlement_rate()), "r-settlement");
  t += row(l, "report.on_time_n", std::to_string(f.on_time), "r-on-time");
  t += row(l, "report.late_n", std::to_string(f.late), "r-late");
  t += row(l, "store.card.on_time", percent(f.on_time_rate()), "r-on-time-rate");
  t += row(l, "store.card.satisfaction", sat, "r-satisfaction");
  t += row(l, "store.card.compensation", std::to_string(f.compensation_count) + " · ¥" + money(f.compensation_fen),
           "r-compensation");
  return t + "</tbody></table>";
}

std::string complaints_table(Lang l, const ComplaintList& list) {
  if (list.rows.empty()) return "<p class=\"note\">" + esc(tr(l, "store.none")) + "</p>";
  std::string t = "<table class=\"report-list\" id=\"report-list\"><thead><tr>";
  for (const char* k : {"store.col.ticket", "store.col.filed", "store.col.business", "store.col.category",
                        "store.col.outcome", "store.col.deadline", "report.ended", "store.col.on_time",
                        "store.col.comp_yuan", "store.col.satisfaction"})
    t += "<th>" + esc(tr(l, k)) + "</th>";
  t += "</tr></thead><tbody>";
  for (const ComplaintRow& x : list.rows)
    t += "<tr data-id=\"" + esc(x.id) + "\"><td class=\"nowrap\">" + esc(x.ticket) + "</td><td class=\"nowrap\">" +
         esc(x.filed_at) + "</td><td>" +
         user_text(x.business_name) + "</td><td>" + esc(category_word(l, x)) + "</td><td>" + esc(outcome_word(l, x)) +
         "</td><td class=\"nowrap\">" + esc(x.deadline) + "</td><td class=\"nowrap\">" +
         esc(x.outcome_day.empty() ? "—" : x.outcome_day) + "</td><td class=\"nowrap\">" + esc(on_time_word(l, x)) +
         "</td><td class=\"num\">" + (x.compensation_fen ? esc(money(x.compensation_fen)) : "") +
         "</td><td class=\"num\">" + (x.satisfaction ? std::to_string(x.satisfaction) : "") + "</td></tr>";
  return t + "</tbody></table>";
}

std::string signatures(Lang l) {
  std::string s = "<div class=\"signatures\" id=\"signatures\">";
  for (const char* k : {"report.sign_store", "report.sign_hq"})
    s += "<div class=\"signature\"><div class=\"line\">" + esc(tr(l, k)) + "</div><div class=\"line\">" +
         esc(tr(l, "report.sign_date")) + "</div></div>";
  return s + "</div>";
}

void get_report(Context& ctx, const httplib::Request& q, httplib::Response& r) {
  const std::optional<Visit> v = signed_in(ctx, q, r);
  if (!v) return;
  const std::optional<StoreRef> st = store_for(ctx, *v, q.matches[1], r);
  if (!st) return;
  const Lang l = v->lang;
  const std::string month = q.has_param("month") ? q.get_param_value("month") : today_text(ctx).substr(0, 7);
  const auto days = month_days(month);
  if (!days) return send_error_page(r, l, 400, "report.bad_month");
  ComplaintFilter f{day_start_s(days->first), day_start_s(days->second), "", "", "", 0};
  FigureReport fig;
  ComplaintList list;
  {
    auto c = ctx.pool.acquire();
    fig = period_figures(*c, Scope{"", st->id}, Period{f.from_s, f.to_s}, ctx.now_s());
    list = store_complaints(*c, st->id, f, today_text(ctx));
    audit_web(*c, v->viewer.user, "export.store_report", "store=" + st->id + " month=" + month, q.remote_addr);
  }
  char title[200];
  std::snprintf(title, sizeof title, tr(l, "report.title"), month.c_str());
  std::string b = "<article class=\"report\" id=\"report\"><header class=\"report-head\"><h1>" + esc(title) +
                  "</h1><p>" + user_text(st->shown_name()) + " · " +
                  user_text(st->region_name.empty() ? st->region_id : st->region_name) + " · " + esc(st->id) + "</p>";
  char made[96];
  std::snprintf(made, sizeof made, tr(l, "report.made"), today_text(ctx).c_str());
  b += "<p class=\"note\">" + esc(made) + "</p></header>";
  b += "<p class=\"note noprint report-hint\">" + esc(tr(l, "report.print_hint")) + "</p>";
  b += "<h2>" + esc(tr(l, "report.figures")) + "</h2>" + figures_table(l, fig.chain);
  b += "<h2>" + esc(tr(l, "report.complaints")) + "</h2>" + complaints_table(l, list) + signatures(l) + "</article>";
  send_page(r, 200, page(l, title, b, nav_for(*v, Place::stores)));
}

}  // namespace

void add_report_routes(httplib::Server& svr, const ContextPtr& ctx) {
  svr.Get(R"(/stores/([A-Za-z0-9_-]{1,64})/report)",
          [ctx](const httplib::Request& q, httplib::Response& r) { get_report(*ctx, q, r); });
}

}  // namespace odr::hub::pages
