// Each page file adds its own routes; dashboard.cpp calls them all. A new
// page: a file here, its add_*_routes below, one call in dashboard.cpp,
// and its path in is_dashboard_path.
#pragma once
#include "hub/pages/frame.h"

namespace odr::hub::pages {

void add_login_routes(httplib::Server& svr, const ContextPtr& ctx);   // GET|POST /login, POST /logout
void add_overview_routes(httplib::Server& svr, const ContextPtr& ctx);   // GET / (the chain overview; ?format=csv)
void add_deadlines_routes(httplib::Server& svr, const ContextPtr& ctx);  // GET /deadlines, /deadlines.csv
void add_kiosks_routes(httplib::Server& svr, const ContextPtr& ctx);     // GET /kiosks, /kiosks.csv
void add_stores_routes(httplib::Server& svr, const ContextPtr& ctx);     // GET /stores (the stores one may see)
void add_ticket_routes(httplib::Server& svr, const ContextPtr& ctx);  // GET /t/{ticket}?kiosk= (public)
void add_store_routes(httplib::Server& svr, const ContextPtr& ctx);   // GET /stores/{id}, /stores/{id}/complaints.csv
void add_complaint_routes(httplib::Server& svr, const ContextPtr& ctx);  // GET /complaints/{id}
void add_report_routes(httplib::Server& svr, const ContextPtr& ctx);  // GET /stores/{id}/report?month=YYYY-MM

}  // namespace odr::hub::pages
