// The dashboard's routes: the stylesheet, then every page file's routes
// (pages/routes.h). The pages themselves live in hub/pages, one per file.
#include "dashboard.h"

#include <httplib.h>

#include "hub/pages/routes.h"

namespace odr::hub {

bool is_dashboard_path(const std::string& p) {
  return p == "/" || p == "/deadlines" || p == "/deadlines.csv" || p == "/kiosks" || p == "/kiosks.csv" ||
         p == "/stores" || p.rfind("/stores/", 0) == 0 || p.rfind("/complaints/", 0) == 0 || p == "/login" ||
         p == "/logout" || p.rfind("/t/", 0) == 0 || p.rfind("/static/", 0) == 0;
}

void add_dashboard_routes(httplib::Server& svr, PgPool& pool, const DashboardOptions& options) {
  auto ctx = std::make_shared<pages::Context>(pages::Context{pool, options});
  svr.Get("/static/hub.css", [](const httplib::Request&, httplib::Response& r) {
    r.set_header("Cache-Control", "max-age=3600");
    r.set_header("X-Content-Type-Options", "nosniff");
    r.set_content(web::kStylesheet, "text/css; charset=utf-8");
  });
  pages::add_login_routes(svr, ctx);
  pages::add_overview_routes(svr, ctx);
  pages::add_deadlines_routes(svr, ctx);
  pages::add_kiosks_routes(svr, ctx);
  pages::add_stores_routes(svr, ctx);
  pages::add_ticket_routes(svr, ctx);
  pages::add_store_routes(svr, ctx);
  pages::add_complaint_routes(svr, ctx);
  pages::add_report_routes(svr, ctx);
}

void send_dashboard_error(httplib::Response& r, const httplib::Request& q, int status) {
  pages::send_error_page(r, pages::lang_of(q), status, status == 403 ? "error.forbidden" : "error.not_found");
}

}  // namespace odr::hub
