// GET / : the chain overview a head-office manager reads every morning.
// For the viewer's stores (VisibleStores: web::may_see_store) and a chosen
// period: the figures as cards with the change against the period before,
// the stores ranked worst first on one figure, and the charts as SVG.
// ?format=csv gives the ranked table.
#include <httplib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <future>

#include "hub/pages/routes.h"
#include "util/csv.h"
#include "util/time.h"
#include "web/chart.h"
#include "web/period.h"

namespace odr::hub::pages {

namespace {

using namespace odr::hub::web;

constexpr int kChartWidth = 600;  // both charts alike: the same letters side by side

enum class Rank { settlement, ontime, satisfaction, received };
constexpr const char* kRankWords[] = {"settlement", "ontime", "satisfaction", "received"};

Rank rank_of(const std::string& w) {
  for (int i = 0; i < 4; ++i)
    if (w == kRankWords[i]) return static_cast<Rank>(i);
  return Rank::settlement;
}

// A figure by which stores are ranked; nullopt: nothing to rank by (last).
std::optional<double> rank_value(const Figures& f, Rank k) {
  switch (k) {
    case Rank::settlement: return f.settlement_rate();
    case Rank::ontime: return f.on_time_rate();
    case Rank::satisfaction: return f.satisfaction_mean();
    case Rank::received: return static_cast<double>(f.received);
  }
  return std::nullopt;
}

struct Overview {
  PeriodChoice period;
  Rank rank = Rank::settlement;
  std::vector<StoreFigures> stores;  // ranked worst first
  Figures now, before;
  VisibleStores vs;
};

// Only the stores the viewer may see, and their sum as the scope's figures.
std::vector<StoreFigures> keep_visible(std::vector<StoreFigures> all, const VisibleStores& vs, Figures& total) {
  std::vector<StoreFigures> out;
  for (StoreFigures& s : all)
    if (vs.has(s.store_id)) {
      total.add(s.f);
      out.push_back(std::move(s));
    }
  return out;
}

// Worst first: the lowest rate or score, the most complaints; no value last.
void rank_stores(std::vector<StoreFigures>& v, Rank k) {
  std::stable_sort(v.begin(), v.end(), [k](const StoreFigures& a, const StoreFigures& b) {
    const std::optional<double> x = rank_value(a.f, k), y = rank_value(b.f, k);
    if (!x || !y) return x.has_value() && !y.has_value();
    return k == Rank::received ? *x > *y : *x < *y;
  });
}

// The two periods are asked at once, each on a connection of its own: the
// page waits for the slower, not for both in turn.
Overview load_overview(Context& ctx, const Viewer& viewer, const PeriodChoice& p, Rank k) {
  Overview o;
  o.period = p;
  o.rank = k;
  const int64_t now = ctx.now_s();
  {
    auto c = ctx.pool.acquire();
    o.vs = visible_stores(*c, viewer);
  }
  const Scope scope = o.vs.scope;
  auto before = std::async(std::launch::async, [&ctx, scope, p, now] {
    auto c = ctx.pool.acquire();
    return period_figures(*c, scope, {p.prev_from_s(), p.prev_to_s()}, now);
  });
  {
    auto c = ctx.pool.acquire();
    o.stores = keep_visible(period_figures(*c, scope, {p.from_s(), p.to_s()}, now).stores, o.vs, o.now);
  }
  keep_visible(before.get().stores, o.vs, o.before);
  rank_stores(o.stores, k);
  return o;
}

// The page's own query for links (period and language kept).
std::string query_of(const Visit& v, const PeriodChoice& p, Rank k) {
  std::string q = "?period=" + std::string(to_string(p.kind));
  if (p.kind == PeriodKind::custom) q += "&from=" + format_date(p.first_day) + "&to=" + format_date(p.last_day);
  q += std::string("&rank=") + kRankWords[static_cast<int>(k)];
  return q + lang_suffix(v.lang, '&');
}

// -----------------------------------------------------------------------------
// The period form
// -----------------------------------------------------------------------------

// The dates shown: as typed, else the chosen period's own (a start for custom dates).
std::string date_value(const httplib::Request& q, const char* name, const PeriodChoice* p, bool first) {
  if (q.has_param(name) || !p) return q.get_param_value(name);
  return format_date(first ? p->first_day : p->last_day);
}

std::string period_form(const Visit& v, const httplib::Request& q, const PeriodChoice* chosen, const char* error) {
  const Lang l = v.lang;
  const PeriodKind kind = chosen ? chosen->kind : PeriodKind::custom;
  std::string f = "<form class=\"filters\" method=\"get\" action=\"/\" id=\"period-form\"><label>" +
                  esc(tr(l, "ov.period")) + "<select name=\"period\" id=\"period\">";
  for (PeriodKind k : {PeriodKind::week, PeriodKind::month, PeriodKind::quarter, PeriodKind::custom}) {
    const std::string w = to_string(k), key = "period." + w;
    f += "<option value=\"" + w + "\"" + (k == kind ? " selected" : "") + ">" + esc(tr(l, key.c_str())) + "</option>";
  }
  f += "</select></label><label>" + esc(tr(l, "ov.from")) + "<input type=\"date\" name=\"from\" id=\"from\" value=\"" +
       esc(date_value(q, "from", chosen, true)) + "\"></label><label>" + esc(tr(l, "ov.to")) +
       "<input type=\"date\" name=\"to\" id=\"to\" value=\"" + esc(date_value(q, "to", chosen, false)) + "\"></label>";
  if (q.has_param("rank")) f += "<input type=\"hidden\" name=\"rank\" value=\"" + esc(q.get_param_value("rank")) + "\">";
  if (l == Lang::en) f += "<input type=\"hidden\" name=\"lang\" value=\"en\">";
  f += "<button type=\"submit\" id=\"show\">" + esc(tr(l, "ov.show")) + "</button></form>";
  if (error) f += "<p class=\"error\" id=\"period-error\" role=\"alert\">" + esc(tr(l, error)) + "</p>";
  return f;
}

std::string period_line(Lang l, const PeriodChoice& p) {
  char b[256];
  std::snprintf(b, sizeof b, tr(l, "ov.period_line"), format_date(p.first_day).c_str(), format_date(p.last_day).c_str(),
                format_date(p.prev_first_day).c_str(), format_date(p.prev_last_day).c_str());
  return "<p class=\"note\" id=\"period-line\">" + esc(b) + "</p>";
}

// -----------------------------------------------------------------------------
// The cards
// -----------------------------------------------------------------------------

enum class Better { higher, lower, neither };

struct Card {
  const char* id;
  const char* label_key;
  std::string value;
  std::optional<double> now, before;  // what the change is worked out from
  Better better;
  bool points = false;  // a rate: the change in percentage points
  bool yuan = false;    // an amount in fen: the change in 元
};

std::string delta_html(Lang l, const Card& c) {
  if (!c.now || !c.before) return "<div class=\"delta flat\">" + esc(tr(l, "ov.no_previous")) + "</div>";
  const double d = *c.now - *c.before;
  const double shown = c.points ? d * 100.0 : d;
  const bool flat = std::fabs(shown) < 0.05;
  const bool good = c.better == Better::higher ? d > 0 : d < 0;
  const char* cls = flat || c.better == Better::neither ? "flat" : good ? "better" : "worse";
  char b[96];
  const char* arrow = flat ? "＝" : d > 0 ? "▲" : "▼";
  if (c.points) std::snprintf(b, sizeof b, tr(l, "ov.delta_points"), arrow, std::fabs(shown));
  else if (c.yuan) std::snprintf(b, sizeof b, tr(l, "ov.delta_yuan"), arrow, web::money(std::llround(std::fabs(d))).c_str());
  else if (std::fabs(std::round(d) - d) < 1e-9) std::snprintf(b, sizeof b, tr(l, "ov.delta_count"), arrow, std::fabs(d));
  else std::snprintf(b, sizeof b, tr(l, "ov.delta_value"), arrow, std::fabs(d));
  return std::string("<div class=\"delta ") + cls + "\">" + esc(b) + "</div>";
}

std::string card_html(Lang l, const Card& c) {
  return std::string("<section class=\"card figure\" id=\"") + c.id + "\"><div class=\"label\">" + esc(tr(l, c.label_key)) +
         "</div><div class=\"value\">" + esc(c.value) + "</div>" + delta_html(l, c) + "</section>";
}

std::optional<double> count(int64_t n) { return static_cast<double>(n); }

std::string mean_text(const std::optional<double>& m) {
  if (!m) return "—";
  char b[16];
  std::snprintf(b, sizeof b, "%.2f", *m);
  return b;
}

std::string cards(Lang l, const Figures& n, const Figures& b) {
  const Card cs[] = {
      {"card-received", "ov.received", std::to_string(n.received), count(n.received), count(b.received), Better::lower},
      {"card-settlement", "ov.settlement", web::percent(n.settlement_rate()), n.settlement_rate(), b.settlement_rate(),
       Better::higher, true},
      {"card-ontime", "ov.ontime", web::percent(n.on_time_rate()), n.on_time_rate(), b.on_time_rate(), Better::higher, true},
      {"card-satisfaction", "ov.satisfaction", mean_text(n.satisfaction_mean()), n.satisfaction_mean(),
       b.satisfaction_mean(), Better::higher},
      {"card-comp-count", "ov.comp_count", std::to_string(n.compensation_count), count(n.compensation_count),
       count(b.compensation_count), Better::neither},
      {"card-comp-amount", "ov.comp_amount", web::money(n.compensation_fen), count(n.compensation_fen),
       count(b.compensation_fen), Better::neither, false, true},
  };
  std::string h = "<div class=\"cards six\">";
  for (const Card& c : cs) h += card_html(l, c);
  return h + "</div>";
}

// -----------------------------------------------------------------------------
// Charts and the ranked table
// -----------------------------------------------------------------------------

std::string satisfaction_chart(Lang l, const Figures& f) {
  BarChart c;
  c.title = tr(l, "ov.sat_chart");
  c.width = kChartWidth;
  for (int s = 5; s >= 1; --s) {
    char label[32];
    std::snprintf(label, sizeof label, tr(l, "ov.score"), s);
    const int64_t n = f.satisfaction[static_cast<size_t>(s - 1)];
    c.bars.push_back({label, static_cast<double>(n), std::to_string(n), s <= 2});
  }
  return "<figure class=\"chart-box\" id=\"sat-chart\">" + bar_chart_svg(c) + "</figure>";
}

std::string rank_text(const Figures& f, Rank k) {
  if (k == Rank::received) return std::to_string(f.received);
  if (k == Rank::satisfaction) return mean_text(f.satisfaction_mean());
  return web::percent(rank_value(f, k));
}

// The ranked figure per store, the worst 15 first; a bar below the scope's own value is red.
std::string rank_chart(Lang l, const Overview& o) {
  static const char* titles[] = {"ov.chart_settlement", "ov.chart_ontime", "ov.chart_satisfaction", "ov.chart_received"};
  BarChart c;
  c.title = tr(l, titles[static_cast<int>(o.rank)]);
  c.width = kChartWidth;
  const bool rate = o.rank == Rank::settlement || o.rank == Rank::ontime;
  if (rate) c.max = 1.0;
  if (o.rank == Rank::satisfaction) c.max = 5.0;
  const std::optional<double> all = rank_value(o.now, o.rank);
  for (size_t i = 0; i < o.stores.size() && i < 15; ++i) {
    const StoreFigures& s = o.stores[i];
    const std::optional<double> v = rank_value(s.f, o.rank);
    const bool worse = v && all && (o.rank == Rank::received ? *v > *all : *v < *all);
    c.bars.push_back({s.store_name.empty() ? s.store_id : s.store_name, v.value_or(0), rank_text(s.f, o.rank), worse});
  }
  return "<figure class=\"chart-box\" id=\"rank-chart\">" + bar_chart_svg(c) + "</figure>";
}

std::string rank_head(const Visit& v, const Overview& o) {
  const Lang l = v.lang;
  auto sort_th = [&](Rank k, const char* key) {
    const std::string a = "<a href=\"/" + esc(query_of(v, o.period, k)) + "\" id=\"rank-" + kRankWords[static_cast<int>(k)] +
                          "\">" + esc(tr(l, key)) + (k == o.rank ? " ▾" : "") + "</a>";
    return std::string("<th class=\"num") + (k == o.rank ? " sorted" : "") + "\">" + a + "</th>";
  };
  return "<thead><tr><th class=\"num\">#</th><th>" + esc(tr(l, "col.store")) + "</th><th>" + esc(tr(l, "col.region")) +
         "</th>" + sort_th(Rank::received, "ov.received") + sort_th(Rank::settlement, "ov.settlement") +
         sort_th(Rank::ontime, "ov.ontime") + sort_th(Rank::satisfaction, "ov.satisfaction") + "<th class=\"num\">" +
         esc(tr(l, "ov.comp_amount")) + "</th></tr></thead>";
}

std::string rank_table(const Visit& v, const Overview& o) {
  const VisibleStores& vs = o.vs;
  std::string t = "<table id=\"ranking\">" + rank_head(v, o) + "<tbody>";
  int n = 0;
  for (const StoreFigures& s : o.stores) {
    const StoreInfo* info = vs.find(s.store_id);
    const std::string region = info && !info->region_name.empty() ? info->region_name : s.region_id;
    t += "<tr data-store=\"" + esc(s.store_id) + "\"><td class=\"num\">" + std::to_string(++n) + "</td><td>" +
         store_link(v.lang, s.store_id, s.store_name.empty() ? s.store_id : s.store_name) + "</td><td>" + user_text(region) +
         "</td><td class=\"num\">" + std::to_string(s.f.received) + "</td><td class=\"num\">" +
         web::percent(s.f.settlement_rate()) + "</td><td class=\"num\">" + web::percent(s.f.on_time_rate()) +
         "</td><td class=\"num\">" + mean_text(s.f.satisfaction_mean()) + "</td><td class=\"num\">" +
         web::money(s.f.compensation_fen) + "</td></tr>";
  }
  return t + "</tbody></table>";
}

std::string ranking_csv(Lang l, const Overview& o) {
  std::string csv;
  add_csv_line(csv, {tr(l, "col.store_id"), tr(l, "col.store"), tr(l, "col.region"), tr(l, "ov.received"),
                     tr(l, "ov.settlement"), tr(l, "ov.ontime"), tr(l, "ov.satisfaction"), tr(l, "ov.comp_count"),
                     tr(l, "ov.comp_amount")});
  for (const StoreFigures& s : o.stores)
    add_csv_line(csv, {s.store_id, s.store_name, s.region_id, std::to_string(s.f.received),
                       web::percent(s.f.settlement_rate()), web::percent(s.f.on_time_rate()),
                       mean_text(s.f.satisfaction_mean()), std::to_string(s.f.compensation_count),
                       web::money(s.f.compensation_fen)});
  return csv;
}

// -----------------------------------------------------------------------------
// The page
// -----------------------------------------------------------------------------

std::string scope_title(Lang l, const Viewer& viewer, const VisibleStores& vs) {
  if (viewer.role == Role::store && !vs.stores.empty()) return vs.stores[0].name.empty() ? vs.stores[0].id : vs.stores[0].name;
  if (viewer.role == Role::region && !vs.stores.empty()) return vs.stores[0].region_name;
  return tr(l, "ov.chain");
}

std::string overview_body(const Visit& v, const httplib::Request& q, const Overview& o) {
  const VisibleStores& vs = o.vs;
  const Lang l = v.lang;
  std::string b = "<div class=\"page-head\"><h1>" + esc(tr(l, "ov.title")) + " <span class=\"scope\">" +
                  user_text(scope_title(l, v.viewer, vs)) + "</span></h1><a class=\"button quiet noprint\" id=\"csv\" href=\"/" +
                  esc(query_of(v, o.period, o.rank)) + "&amp;format=csv\">" + esc(tr(l, "csv.download")) + "</a></div>";
  b += period_form(v, q, &o.period, nullptr) + period_line(l, o.period) + cards(l, o.now, o.before);
  b += "<div class=\"two\"><section><h2>" + esc(tr(l, "ov.sat_chart")) + "</h2>" + satisfaction_chart(l, o.now) +
       "</section><section><h2>" + esc(tr(l, "ov.rank_chart")) + "</h2>" + rank_chart(l, o) + "</section></div>";
  b += "<h2>" + esc(tr(l, "ov.ranking")) + "</h2><p class=\"note\">" + esc(tr(l, "ov.ranking_note")) + "</p>";
  return b + rank_table(v, o);
}

void get_overview(Context& ctx, const httplib::Request& q, httplib::Response& r) {
  const std::optional<Visit> v = signed_in(ctx, q, r);
  if (!v) return;
  const Lang l = v->lang;
  const char* error = nullptr;
  const std::optional<PeriodChoice> p = choose_period(q.get_param_value("period"), q.get_param_value("from"),
                                                      q.get_param_value("to"), ctx.now_s(), &error);
  if (!p)
    return send_page(r, 400, page(l, tr(l, "ov.title"), "<h1>" + esc(tr(l, "ov.title")) + "</h1>" +
                                                           period_form(*v, q, nullptr, error),
                                  nav_for(*v, Place::overview)));
  const Overview o = load_overview(ctx, v->viewer, *p, rank_of(q.get_param_value("rank")));
  if (wants_csv(q))
    return send_csv(ctx, q, r, *v, "overview", format_date(p->first_day) + ".." + format_date(p->last_day),
                    ranking_csv(l, o));
  send_page(r, 200, page(l, tr(l, "ov.title"), overview_body(*v, q, o), nav_for(*v, Place::overview)));
}

}  // namespace

void add_overview_routes(httplib::Server& svr, const ContextPtr& ctx) {
  svr.Get("/", [ctx](const httplib::Request& q, httplib::Response& r) { get_overview(*ctx, q, r); });
}

}  // namespace odr::hub::pages
