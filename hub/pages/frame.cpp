#include "hub/pages/frame.h"

#include <httplib.h>

#include <cstdio>

#include "util/csv.h"
#include "util/time.h"

namespace odr::hub::pages {

using namespace odr::hub::web;

int64_t Context::now_s() const { return options.test_now_s > 0 ? options.test_now_s : now_unix_s(); }

const StoreInfo* VisibleStores::find(const std::string& store_id) const {
  for (const StoreInfo& s : stores)
    if (s.id == store_id) return &s;
  return nullptr;
}

VisibleStores visible_stores(PgConn& c, const Viewer& v) {
  VisibleStores out;
  if (v.role == Role::region) out.scope.region = v.region_id;
  if (v.role == Role::store) out.scope.store = v.store_id;
  PgResult r = c.exec(
      "SELECT s.id, s.name, s.region_id, g.name FROM stores s JOIN regions g ON g.id = s.region_id"
      " ORDER BY s.region_id, s.id",
      {});
  for (int i = 0; i < r.rows(); ++i)
    if (may_see_store(v, r.text(i, 0), r.text(i, 2)))
      out.stores.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3)});
  return out;
}

Lang lang_of(const httplib::Request& q) {
  return lang_from(q.get_param_value("lang"), q.get_header_value("Accept-Language"));
}

std::string cookie_of(const httplib::Request& q, const char* name) {
  return cookie_value(q.get_header_value("Cookie"), name);
}

std::optional<Viewer> viewer_of(Context& ctx, const httplib::Request& q) {
  const std::string id = cookie_of(q, kSessionCookie);
  if (id.empty()) return std::nullopt;
  auto c = ctx.pool.acquire();
  return session_viewer(*c, id, ctx.options.policy);
}

std::optional<Visit> signed_in(Context& ctx, const httplib::Request& q, httplib::Response& r) {
  std::optional<Viewer> v = viewer_of(ctx, q);
  if (!v) {
    redirect(r, "/login");
    return std::nullopt;
  }
  return Visit{lang_of(q), std::move(*v), csrf_token(cookie_of(q, kSessionCookie))};
}

namespace {

const char* role_word(Lang l, Role r) {
  return tr(l, r == Role::chain ? "role.chain" : r == Role::region ? "role.region" : "role.store");
}

struct NavLink {
  Place place;
  const char* href;
  const char* key;
};
// The places a signed-in user goes, in the bar's order.
constexpr NavLink kNav[] = {
    {Place::overview, "/", "nav.overview"},
    {Place::deadlines, "/deadlines", "nav.deadlines"},
    {Place::stores, "/stores", "nav.home"},
    {Place::kiosks, "/kiosks", "nav.kiosks"},
};

}  // namespace

std::string lang_suffix(Lang l, char sep) { return l == Lang::en ? std::string(1, sep) + "lang=en" : ""; }

std::string nav_for(const Visit& v, Place here) {
  const Lang l = v.lang;
  std::string n = "<strong>" + esc(tr(l, "app")) + "</strong>";
  for (const NavLink& k : kNav)
    n += std::string("<a") + (k.place == here ? " class=\"here\"" : "") + " href=\"" + k.href + lang_suffix(l) + "\">" +
         esc(tr(l, k.key)) + "</a>";
  n += "<span class=\"who\">" + user_text(v.viewer.user) + " · " + esc(role_word(l, v.viewer.role)) + "</span>";
  n += "<form class=\"logout\" method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"" +
       esc(v.csrf) + "\"><button id=\"logout\" type=\"submit\">" + esc(tr(l, "logout")) + "</button></form>";
  return n;
}

Page page(Lang l, const std::string& title, std::string body, std::string nav) {
  Page p;
  p.lang = lang_tag(l);
  p.title = title + " · " + tr(l, "app");
  p.nav = nav.empty() ? "<strong>" + esc(tr(l, "app")) + "</strong>" : std::move(nav);
  p.body = std::move(body);
  return p;
}

void send_page(httplib::Response& r, int status, const Page& p) {
  r.status = status;
  for (const HeaderLine& h : kPageHeaders) r.set_header(h.name, h.value);
  r.set_content(render_page(p), "text/html; charset=utf-8");
}

void send_error_page(httplib::Response& r, Lang l, int status, const char* key) {
  send_page(r, status, page(l, tr(l, key), "<p class=\"error\" id=\"error\">" + esc(tr(l, key)) + "</p>"));
}

void redirect(httplib::Response& r, const std::string& to) {
  r.status = 303;
  r.set_header("Location", to);
}

bool wants_csv(const httplib::Request& q) { return q.get_param_value("format") == "csv"; }

void send_csv(Context& ctx, const httplib::Request& q, httplib::Response& r, const Visit& v, const std::string& what,
              const std::string& detail, const std::string& csv) {
  {
    auto c = ctx.pool.acquire();
    audit_web(*c, v.viewer.user, "export." + what, detail, q.remote_addr);
  }
  r.status = 200;
  for (const HeaderLine& h : kPageHeaders) r.set_header(h.name, h.value);
  r.set_header("Content-Disposition", "attachment; filename=\"" + what + "-" + local_date(ctx.now_s()) + ".csv\"");
  r.set_content(std::string(odr::kCsvBom) + csv, "text/csv; charset=utf-8");
}

namespace {
std::string link(Lang l, const std::string& path, const std::string& text) {
  return "<a href=\"" + esc(path + lang_suffix(l)) + "\">" + user_text(text) + "</a>";
}
}  // namespace

std::string store_link(Lang l, const std::string& store_id, const std::string& text) {
  return link(l, "/stores/" + store_id, text);
}

std::string complaint_link(Lang l, const std::string& complaint_id, const std::string& text) {
  return link(l, "/complaints/" + complaint_id, text);
}

std::string word_for(Lang l, const std::string& prefix, const std::string& value) {
  const std::string key = prefix + value;
  const char* w = tr(l, key.c_str());
  return w == key ? value : w;
}

std::string status_word(Lang l, const std::string& status) { return word_for(l, "status.", status); }

}  // namespace odr::hub::pages
