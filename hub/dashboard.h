// The head office's web pages on odr-hub (issue 15), beside the kiosks'
// intake on the same server: sign-in and sign-out, the stores a user may
// see, and the public ticket-status page a shopper's phone opens from the
// kiosk's QR code. Pages are HTML from hub/web (escaped, no script, one
// stylesheet); who may see what is web::may_see_store; accounts and
// sessions are accounts.h.
#pragma once
#include "hub/pages/frame.h"  // DashboardOptions, and httplib's names

namespace odr::hub {

// Adds GET /static/hub.css, GET|POST /login, POST /logout, GET / (the
// overview), /deadlines, /kiosks (each also as CSV), /stores and
// GET /t/{ticket}?kiosk=ID to svr. Every page answers with web::kPageHeaders.
void add_dashboard_routes(httplib::Server& svr, PgPool& pool, const DashboardOptions& options);

// A request path that is the dashboard's (an HTML error page, not the protocol's JSON).
bool is_dashboard_path(const std::string& path);
// The dashboard's error page (404: no such page, 403: not for this account).
void send_dashboard_error(httplib::Response& r, const httplib::Request& q, int status);

}  // namespace odr::hub
