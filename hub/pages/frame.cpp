#include "hub/pages/frame.h"

#include <httplib.h>

namespace odr::hub::pages {

using namespace odr::hub::web;

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
    {Place::stores, "/", "nav.home"},
};

}  // namespace

std::string nav_for(const Visit& v, Place here) {
  const Lang l = v.lang;
  std::string n = "<strong>" + esc(tr(l, "app")) + "</strong>";
  for (const NavLink& k : kNav)
    n += std::string("<a") + (k.place == here ? " class=\"here\"" : "") + " href=\"" + k.href + "\">" +
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

std::string status_word(Lang l, const std::string& status) {
  const std::string key = "status." + status;
  const char* w = tr(l, key.c_str());
  return w == key.c_str() ? status : w;
}

}  // namespace odr::hub::pages
