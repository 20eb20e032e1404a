// Sign-in and sign-out. The form is bound to a fresh cookie of its own
// (web/session.h), so another site cannot post it; a lockout answers 429
// with the minutes left.
#include <httplib.h>

#include <cmath>
#include <cstdio>

#include "hub/pages/routes.h"

namespace odr::hub::pages {

namespace {

using namespace odr::hub::web;

std::string login_body(Lang l, const std::string& csrf, const std::string& error, const std::string& user) {
  std::string b = "<section class=\"card login\"><h1>" + esc(tr(l, "login.title")) + "</h1>";
  if (!error.empty()) b += "<p class=\"error\" id=\"login-error\" role=\"alert\">" + esc(error) + "</p>";
  b += "<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"csrf\" value=\"" + esc(csrf) + "\">";
  b += "<label>" + esc(tr(l, "login.user")) + "<input id=\"user\" name=\"user\" autocomplete=\"username\" value=\"" +
       esc(user) + "\" required></label>";
  b += "<label>" + esc(tr(l, "login.password")) +
       "<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>";
  b += "<button id=\"signin\" type=\"submit\">" + esc(tr(l, "login.submit")) + "</button></form></section>";
  return b;
}

// The sign-in form, bound to a fresh login cookie of its own.
void login_page(Context& ctx, httplib::Response& r, Lang l, int status, const std::string& error,
                const std::string& user) {
  const std::string nonce = new_session_id();
  r.set_header("Set-Cookie", session_cookie(nonce, ctx.options.secure_cookies, 1800, kLoginCookie));
  send_page(r, status, page(l, tr(l, "login.title"), login_body(l, csrf_token(nonce), error, user)));
}

void get_login(Context& ctx, const httplib::Request& q, httplib::Response& r) {
  if (viewer_of(ctx, q)) return redirect(r, "/");
  login_page(ctx, r, lang_of(q), 200, "", "");
}

void post_login(Context& ctx, const httplib::Request& q, httplib::Response& r) {
  const Lang l = lang_of(q);
  const std::string user = q.get_param_value("user");
  if (!csrf_ok(cookie_of(q, kLoginCookie), q.get_param_value("csrf")))
    return login_page(ctx, r, l, 400, tr(l, "login.expired"), user);
  LoginResult res;
  {
    auto c = ctx.pool.acquire();
    res = login(*c, user, q.get_param_value("password"), q.remote_addr, ctx.options.policy);
  }
  if (res.kind == LoginResult::Kind::ok) {
    r.set_header("Set-Cookie", session_cookie(res.session_id, ctx.options.secure_cookies,
                                              static_cast<int>(ctx.options.policy.session_max_s)));
    return redirect(r, "/");
  }
  if (res.kind == LoginResult::Kind::wrong) return login_page(ctx, r, l, 401, tr(l, "login.wrong"), user);
  char msg[256];
  std::snprintf(msg, sizeof msg, tr(l, "login.locked"), static_cast<int>(std::ceil(res.locked_for_s / 60.0)));
  login_page(ctx, r, l, 429, msg, user);
}

void post_logout(Context& ctx, const httplib::Request& q, httplib::Response& r) {
  const std::string id = cookie_of(q, kSessionCookie);
  if (!csrf_ok(id, q.get_param_value("csrf"))) return send_error_page(r, lang_of(q), 400, "login.expired");
  {
    auto c = ctx.pool.acquire();
    logout(*c, id, q.remote_addr);
  }
  r.set_header("Set-Cookie", session_cookie("", ctx.options.secure_cookies, 0));
  redirect(r, "/login");
}

}  // namespace

void add_login_routes(httplib::Server& svr, const ContextPtr& ctx) {
  svr.Get("/login", [ctx](const httplib::Request& q, httplib::Response& r) { get_login(*ctx, q, r); });
  svr.Post("/login", [ctx](const httplib::Request& q, httplib::Response& r) { post_login(*ctx, q, r); });
  svr.Post("/logout", [ctx](const httplib::Request& q, httplib::Response& r) { post_logout(*ctx, q, r); });
}

}  // namespace odr::hub::pages
