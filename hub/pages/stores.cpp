// The stores a user may see, with their kiosks and complaints.
#include <httplib.h>

#include <map>

#include "hub/pages/routes.h"

namespace odr::hub::pages {

namespace {

using namespace odr::hub::web;

struct StoreRow {
  StoreInfo store;
  int64_t kiosks = 0, complaints = 0;
};

// The stores the viewer may see (visible_stores, the one rule) with their
// counts, counted only within the viewer's scope.
std::vector<StoreRow> stores_of(PgConn& c, const Viewer& viewer) {
  const VisibleStores vs = visible_stores(c, viewer);
  PgResult r = c.exec(
      "SELECT s.id, (SELECT count(*) FROM kiosks k WHERE k.store_id = s.id),"
      " (SELECT count(*) FROM complaints x WHERE x.store_id = s.id)"
      " FROM stores s WHERE ($1 = '' OR s.region_id = $1) AND ($2 = '' OR s.id = $2)",
      {vs.scope.store.empty() ? vs.scope.region : std::string(), vs.scope.store});
  std::map<std::string, std::pair<int64_t, int64_t>> counts;
  for (int i = 0; i < r.rows(); ++i) counts[r.text(i, 0)] = {r.integer(i, 1), r.integer(i, 2)};
  std::vector<StoreRow> out;
  for (const StoreInfo& s : vs.stores) {
    const auto n = counts.find(s.id);
    out.push_back({s, n == counts.end() ? 0 : n->second.first, n == counts.end() ? 0 : n->second.second});
  }
  return out;
}

std::string stores_body(Lang l, const std::vector<StoreRow>& rows) {
  std::string b = "<h1>" + esc(tr(l, "home.title")) + "</h1>";
  if (rows.empty()) return b + "<p id=\"no-stores\">" + esc(tr(l, "home.none")) + "</p>";
  b += "<table id=\"stores\"><thead><tr><th>" + esc(tr(l, "col.store")) + "</th><th>" + esc(tr(l, "col.region")) +
       "</th><th class=\"num\">" + esc(tr(l, "col.kiosks")) + "</th><th class=\"num\">" + esc(tr(l, "col.complaints")) +
       "</th></tr></thead><tbody>";
  for (const StoreRow& row : rows) {
    const StoreInfo& r = row.store;
    b += "<tr data-store=\"" + esc(r.id) + "\"><td>" + store_link(l, r.id, r.name.empty() ? r.id : r.name) + "</td><td>" +
         user_text(r.region_name.empty() ? r.region_id : r.region_name) + "</td><td class=\"num\">" +
         std::to_string(row.kiosks) + "</td><td class=\"num\">" + std::to_string(row.complaints) + "</td></tr>";
  }
  return b + "</tbody></table>";
}

void get_stores(Context& ctx, const httplib::Request& q, httplib::Response& r) {
  const std::optional<Visit> v = signed_in(ctx, q, r);
  if (!v) return;
  std::vector<StoreRow> rows;
  {
    auto c = ctx.pool.acquire();
    rows = stores_of(*c, v->viewer);
  }
  send_page(r, 200, page(v->lang, tr(v->lang, "home.title"), stores_body(v->lang, rows), nav_for(*v, Place::stores)));
}

}  // namespace

void add_stores_routes(httplib::Server& svr, const ContextPtr& ctx) {
  svr.Get("/stores", [ctx](const httplib::Request& q, httplib::Response& r) { get_stores(*ctx, q, r); });
}

}  // namespace odr::hub::pages
