// The stores a user may see, with their kiosks and complaints.
#include <httplib.h>

#include "hub/pages/routes.h"

namespace odr::hub::pages {

namespace {

using namespace odr::hub::web;

struct StoreRow {
  std::string id, name, region_id, region_name;
  int64_t kiosks = 0, complaints = 0;
};

// Every store with its counts; the caller keeps those the viewer may see
// (may_see_store is the one rule, so no SQL copy of it can disagree).
std::vector<StoreRow> all_stores(PgConn& c) {
  PgResult r = c.exec(
      "SELECT s.id, s.name, s.region_id, g.name,"
      " (SELECT count(*) FROM kiosks k WHERE k.store_id = s.id),"
      " (SELECT count(*) FROM complaints x WHERE x.store_id = s.id)"
      " FROM stores s JOIN regions g ON g.id = s.region_id ORDER BY s.region_id, s.id",
      {});
  std::vector<StoreRow> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.integer(i, 4), r.integer(i, 5)});
  return out;
}

std::string stores_body(Lang l, const std::vector<StoreRow>& rows) {
  std::string b = "<h1>" + esc(tr(l, "home.title")) + "</h1>";
  if (rows.empty()) return b + "<p id=\"no-stores\">" + esc(tr(l, "home.none")) + "</p>";
  b += "<table id=\"stores\"><thead><tr><th>" + esc(tr(l, "col.store")) + "</th><th>" + esc(tr(l, "col.region")) +
       "</th><th class=\"num\">" + esc(tr(l, "col.kiosks")) + "</th><th class=\"num\">" + esc(tr(l, "col.complaints")) +
       "</th></tr></thead><tbody>";
  for (const StoreRow& r : rows)
    b += "<tr data-store=\"" + esc(r.id) + "\"><td>" + store_link(l, r.id, r.name.empty() ? r.id : r.name) + "</td><td>" +
         user_text(r.region_name.empty() ? r.region_id : r.region_name) + "</td><td class=\"num\">" +
         std::to_string(r.kiosks) + "</td><td class=\"num\">" + std::to_string(r.complaints) + "</td></tr>";
  return b + "</tbody></table>";
}

void get_stores(Context& ctx, const httplib::Request& q, httplib::Response& r) {
  const std::optional<Visit> v = signed_in(ctx, q, r);
  if (!v) return;
  std::vector<StoreRow> rows;
  {
    auto c = ctx.pool.acquire();
    for (StoreRow& s : all_stores(*c))
      if (may_see_store(v->viewer, s.id, s.region_id)) rows.push_back(std::move(s));
  }
  send_page(r, 200, page(v->lang, tr(v->lang, "home.title"), stores_body(v->lang, rows), nav_for(*v, Place::stores)));
}

}  // namespace

void add_stores_routes(httplib::Server& svr, const ContextPtr& ctx) {
  svr.Get("/stores", [ctx](const httplib::Request& q, httplib::Response& r) { get_stores(*ctx, q, r); });
}

}  // namespace odr::hub::pages
