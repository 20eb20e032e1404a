// Index of this file:
// [SECTION] Pages: the frame, sign-in, stores, ticket status, errors
// [SECTION] Queries
// [SECTION] Handlers and routes

#include "dashboard.h"

#include <httplib.h>

#include <cmath>
#include <cstdio>

#include "web/html.h"
#include "web/session.h"
#include "web/texts.h"

namespace odr::hub {

namespace {

using namespace odr::hub::web;

// -----------------------------------------------------------------------------
// [SECTION] Pages: the frame, sign-in, stores, ticket status, errors
// -----------------------------------------------------------------------------

struct StoreRow {
  std::string id, name, region_id, region_name;
  int64_t kiosks = 0, complaints = 0;
};

struct TicketRow {
  std::string ticket, filed_on, status, case_no, deadline, store_name;
};

const char* role_word(Lang l, Role r) {
  return tr(l, r == Role::chain ? "role.chain" : r == Role::region ? "role.region" : "role.store");
}

// The top bar of a signed-in page: where to go, who is signed in, sign out.
std::string nav_for(Lang l, const Viewer& v, const std::string& csrf) {
  std::string n = "<strong>" + esc(tr(l, "app")) + "</strong>";
  n += "<a class=\"here\" href=\"/\">" + esc(tr(l, "nav.home")) + "</a>";
  n += "<span class=\"who\">" + user_text(v.user) + " · " + esc(role_word(l, v.role)) + "</span>";
  n += "<form class=\"logout\" method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"" +
       esc(csrf) + "\"><button id=\"logout\" type=\"submit\">" + esc(tr(l, "logout")) + "</button></form>";
  return n;
}

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

std::string stores_body(Lang l, const std::vector<StoreRow>& rows) {
  std::string b = "<h1>" + esc(tr(l, "home.title")) + "</h1>";
  if (rows.empty()) return b + "<p id=\"no-stores\">" + esc(tr(l, "home.none")) + "</p>";
  b += "<table id=\"stores\"><thead><tr><th>" + esc(tr(l, "col.store")) + "</th><th>" + esc(tr(l, "col.region")) +
       "</th><th class=\"num\">" + esc(tr(l, "col.kiosks")) + "</th><th class=\"num\">" + esc(tr(l, "col.complaints")) +
       "</th></tr></thead><tbody>";
  for (const StoreRow& r : rows)
    b += "<tr data-store=\"" + esc(r.id) + "\"><td>" + user_text(r.name.empty() ? r.id : r.name) + "</td><td>" +
         user_text(r.region_name.empty() ? r.region_id : r.region_name) + "</td><td class=\"num\">" +
         std::to_string(r.kiosks) + "</td><td class=\"num\">" + std::to_string(r.complaints) + "</td></tr>";
  return b + "</tbody></table>";
}

std::string status_word(Lang l, const std::string& status) {
  const std::string key = "status." + status;
  const char* w = tr(l, key.c_str());
  return w == key.c_str() ? status : w;  // an unknown status is shown as it is
}

std::string ticket_body(Lang l, const TicketRow& t) {
  auto row = [&](const char* key, const std::string& value, const char* id) {
    return "<tr><th>" + esc(tr(l, key)) + "</th><td id=\"" + id + "\">" + esc(value.empty() ? "—" : value) + "</td></tr>";
  };
  std::string b = "<section class=\"card ticket\"><h1>" + esc(tr(l, "ticket.title")) + "</h1><table>";
  b += row("ticket.number", t.ticket, "ticket") + row("ticket.status", status_word(l, t.status), "status");
  b += row("ticket.filed", t.filed_on, "filed") + row("ticket.deadline", t.deadline, "deadline");
  b += row("ticket.case", t.case_no, "case") + row("ticket.store", t.store_name, "store");
  return b + "</table><p class=\"note\">" + esc(tr(l, "ticket.note")) + "</p></section>";
}

Page page(Lang l, const std::string& title, std::string body, std::string nav = "") {
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

// -----------------------------------------------------------------------------
// [SECTION] Queries
// -----------------------------------------------------------------------------

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

// A ticket is unique per kiosk; the page shows nothing personal.
std::optional<TicketRow> ticket_status(PgConn& c, const std::string& kiosk, const std::string& ticket) {
  PgResult r = c.exec(
      "SELECT x.ticket, to_char(x.filed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'), x.status,"
      " coalesce(x.case_no, ''), to_char(x.deadline, 'YYYY-MM-DD'), coalesce(nullif(s.name, ''), s.id)"
      " FROM complaints x JOIN stores s ON s.id = x.store_id WHERE x.kiosk_id = $1 AND x.ticket = $2",
      {kiosk, ticket});
  if (r.rows() == 0) return std::nullopt;
  return TicketRow{r.text(0, 0), r.text(0, 1), r.text(0, 2), r.text(0, 3), r.text(0, 4), r.text(0, 5)};
}

// -----------------------------------------------------------------------------
// [SECTION] Handlers and routes
// -----------------------------------------------------------------------------

struct Dashboard {
  PgPool& pool;
  DashboardOptions o;

  static Lang lang(const httplib::Request& q) {
    return lang_from(q.get_param_value("lang"), q.get_header_value("Accept-Language"));
  }
  static std::string cookie(const httplib::Request& q, const char* name) {
    return cookie_value(q.get_header_value("Cookie"), name);
  }
  std::optional<Viewer> viewer(const httplib::Request& q) {
    const std::string id = cookie(q, kSessionCookie);
    if (id.empty()) return std::nullopt;
    auto c = pool.acquire();
    return session_viewer(*c, id, o.policy);
  }

  // The sign-in form, bound to a fresh login cookie of its own.
  void login_page(httplib::Response& r, Lang l, int status, const std::string& error, const std::string& user) {
    const std::string nonce = new_session_id();
    r.set_header("Set-Cookie", session_cookie(nonce, o.secure_cookies, 1800, kLoginCookie));
    send_page(r, status, page(l, tr(l, "login.title"), login_body(l, csrf_token(nonce), error, user)));
  }

  void get_login(const httplib::Request& q, httplib::Response& r) {
    if (viewer(q)) return redirect(r, "/");
    login_page(r, lang(q), 200, "", "");
  }

  void post_login(const httplib::Request& q, httplib::Response& r) {
    const Lang l = lang(q);
    const std::string user = q.get_param_value("user");
    if (!csrf_ok(cookie(q, kLoginCookie), q.get_param_value("csrf")))
      return login_page(r, l, 400, tr(l, "login.expired"), user);
    LoginResult res;
    {
      auto c = pool.acquire();
      res = login(*c, user, q.get_param_value("password"), q.remote_addr, o.policy);
    }
    if (res.kind == LoginResult::Kind::ok) {
      r.set_header("Set-Cookie", session_cookie(res.session_id, o.secure_cookies, static_cast<int>(o.policy.session_max_s)));
      return redirect(r, "/");
    }
    if (res.kind == LoginResult::Kind::wrong) return login_page(r, l, 401, tr(l, "login.wrong"), user);
    char msg[256];
    std::snprintf(msg, sizeof msg, tr(l, "login.locked"), static_cast<int>(std::ceil(res.locked_for_s / 60.0)));
    login_page(r, l, 429, msg, user);
  }

  void post_logout(const httplib::Request& q, httplib::Response& r) {
    const std::string id = cookie(q, kSessionCookie);
    if (!csrf_ok(id, q.get_param_value("csrf"))) return send_error_page(r, lang(q), 400, "login.expired");
    {
      auto c = pool.acquire();
      logout(*c, id, q.remote_addr);
    }
    r.set_header("Set-Cookie", session_cookie("", o.secure_cookies, 0));
    redirect(r, "/login");
  }

  void get_home(const httplib::Request& q, httplib::Response& r) {
    const std::optional<Viewer> v = viewer(q);
    if (!v) return redirect(r, "/login");
    const Lang l = lang(q);
    std::vector<StoreRow> rows;
    {
      auto c = pool.acquire();
      for (StoreRow& s : all_stores(*c))
        if (may_see_store(*v, s.id, s.region_id)) rows.push_back(std::move(s));
    }
    send_page(r, 200, page(l, tr(l, "home.title"), stores_body(l, rows), nav_for(l, *v, csrf_token(cookie(q, kSessionCookie)))));
  }

  void get_ticket(const httplib::Request& q, httplib::Response& r) {
    const Lang l = lang(q);
    std::optional<TicketRow> t;
    {
      auto c = pool.acquire();
      t = ticket_status(*c, q.get_param_value("kiosk"), q.matches[1]);
    }
    if (!t) return send_page(r, 404, page(l, tr(l, "ticket.title"), "<p class=\"error\" id=\"error\">" + esc(tr(l, "ticket.unknown")) + "</p>"));
    send_page(r, 200, page(l, tr(l, "ticket.title"), ticket_body(l, *t)));
  }

  static void redirect(httplib::Response& r, const std::string& to) {
    r.status = 303;
    r.set_header("Location", to);
  }
};

}  // namespace

bool is_dashboard_path(const std::string& p) {
  return p == "/" || p == "/login" || p == "/logout" || p.rfind("/t/", 0) == 0 || p.rfind("/static/", 0) == 0;
}

void add_dashboard_routes(httplib::Server& svr, PgPool& pool, const DashboardOptions& options) {
  auto d = std::make_shared<Dashboard>(Dashboard{pool, options});
  svr.Get("/static/hub.css", [](const httplib::Request&, httplib::Response& r) {
    r.set_header("Cache-Control", "max-age=3600");
    r.set_header("X-Content-Type-Options", "nosniff");
    r.set_content(kStylesheet, "text/css; charset=utf-8");
  });
  svr.Get("/login", [d](const httplib::Request& q, httplib::Response& r) { d->get_login(q, r); });
  svr.Post("/login", [d](const httplib::Request& q, httplib::Response& r) { d->post_login(q, r); });
  svr.Post("/logout", [d](const httplib::Request& q, httplib::Response& r) { d->post_logout(q, r); });
  svr.Get("/", [d](const httplib::Request& q, httplib::Response& r) { d->get_home(q, r); });
  svr.Get(R"(/t/([A-Za-z0-9_-]{1,32}))", [d](const httplib::Request& q, httplib::Response& r) { d->get_ticket(q, r); });
}

void send_dashboard_error(httplib::Response& r, const httplib::Request& q, int status) {
  send_error_page(r, Dashboard::lang(q), status, status == 403 ? "error.forbidden" : "error.not_found");
}

}  // namespace odr::hub
