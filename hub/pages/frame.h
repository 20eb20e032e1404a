// What every dashboard page shares: the hub's pool and options, who is
// looking (a Visit), the page frame with its top bar, and the ways a page
// answers (a page, an error page, a redirect). Each page is a file of its
// own in this folder that adds its routes (routes.h); nothing here knows
// any one page.
#pragma once
#include <memory>
#include <optional>
#include <string>

#include "calendar/calendar.h"
#include "hub/accounts.h"
#include "hub/figures.h"
#include "hub/pg.h"
#include "web/cards.h"  // money, percent: the numbers' words
#include "web/html.h"
#include "web/session.h"
#include "web/texts.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}

namespace odr::hub {

struct DashboardOptions {
  // Cookies carry Secure unless the hub serves plain HTTP on loopback (the demo).
  bool secure_cookies = true;
  LoginPolicy policy;
  const WorkdayCalendar* calendar = nullptr;  // the hub's (days left); nullptr: Monday to Friday, estimated
  int silent_after_minutes = 30;              // [dashboard]: a kiosk not heard from for longer is flagged
  int64_t test_now_s = 0;                     // tests only (ODR_HUB_TEST_NOW): the pages' "now"; 0 the clock
};

namespace pages {

// Shared by every page's handlers for the server's life.
struct Context {
  PgPool& pool;
  DashboardOptions options;
  WorkdayCalendar no_calendar{};  // when options.calendar is nullptr
  const WorkdayCalendar& calendar() const { return options.calendar ? *options.calendar : no_calendar; }
  int64_t now_s() const;
};
// Routes keep the context alive as long as the server holds them.
using ContextPtr = std::shared_ptr<Context>;

// One signed-in request: the page's language, the viewer, the CSRF token
// its forms carry.
struct Visit {
  web::Lang lang = web::Lang::zh;
  web::Viewer viewer;
  std::string csrf;
};

web::Lang lang_of(const httplib::Request& q);
std::string cookie_of(const httplib::Request& q, const char* name);
std::optional<web::Viewer> viewer_of(Context& ctx, const httplib::Request& q);
// The visit, or nullopt after answering with a redirect to the sign-in page.
std::optional<Visit> signed_in(Context& ctx, const httplib::Request& q, httplib::Response& r);

// The stores a viewer may see (web::may_see_store, the one rule), with
// their names and regions; the narrowest figures.h Scope that holds them
// (a query's filter only: what is shown is always checked by may_see_store).
struct StoreInfo {
  std::string id, name, region_id, region_name;
};
struct VisibleStores {
  Scope scope;
  std::vector<StoreInfo> stores;  // by region, then id
  const StoreInfo* find(const std::string& store_id) const;
  bool has(const std::string& store_id) const { return find(store_id) != nullptr; }
};
VisibleStores visible_stores(PgConn& c, const web::Viewer& v);

// The one home of a link's language: "" in Chinese (the default), else
// sep + "lang=en" ('?' first in the query, '&' after). Not HTML-escaped.
std::string lang_suffix(web::Lang l, char sep = '?');

// The top bar's places; `here` is underlined.
enum class Place { overview, deadlines, stores, kiosks, none };
std::string nav_for(const Visit& v, Place here);

// A page in l with a title and body (HTML, escaped already); nav "" is the
// bare bar of a page for anyone (sign-in, ticket status).
web::Page page(web::Lang l, const std::string& title, std::string body, std::string nav = "");
void send_page(httplib::Response& r, int status, const web::Page& p);
void send_error_page(httplib::Response& r, web::Lang l, int status, const char* key);
void redirect(httplib::Response& r, const std::string& to);

// A CSV download (util/csv.h's text, BOM first) named file; audited as
// export.<what> with detail (no personal data) for the visit's user.
void send_csv(Context& ctx, const httplib::Request& q, httplib::Response& r, const Visit& v, const std::string& what,
              const std::string& detail, const std::string& csv);
bool wants_csv(const httplib::Request& q);  // ?format=csv

// Links to a store's page and a complaint's detail in the page's language;
// the text is someone else's (user_text).
std::string store_link(web::Lang l, const std::string& store_id, const std::string& text);
std::string complaint_link(web::Lang l, const std::string& complaint_id, const std::string& text);

// The words for key prefix + value; a value with no words (one this hub
// does not know yet) is shown as it is.
std::string word_for(web::Lang l, const std::string& prefix, const std::string& value);
// A complaint's status in words (an unknown status is shown as it is).
std::string status_word(web::Lang l, const std::string& status);

}  // namespace pages
}  // namespace odr::hub
