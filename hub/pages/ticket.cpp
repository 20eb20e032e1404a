// The public ticket-status page a shopper's phone opens from the kiosk's
// QR code: no sign-in, nothing personal. A ticket is unique per kiosk.
#include <httplib.h>

#include "hub/pages/routes.h"

namespace odr::hub::pages {

namespace {

using namespace odr::hub::web;

struct TicketRow {
  std::string ticket, filed_on, status, case_no, deadline, store_name;
};

std::optional<TicketRow> ticket_status(PgConn& c, const std::string& kiosk, const std::string& ticket) {
  PgResult r = c.exec(
      "SELECT x.ticket, to_char(x.filed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'), x.status,"
      " coalesce(x.case_no, ''), to_char(x.deadline, 'YYYY-MM-DD'), coalesce(nullif(s.name, ''), s.id)"
      " FROM complaints x JOIN stores s ON s.id = x.store_id WHERE x.kiosk_id = $1 AND x.ticket = $2",
      {kiosk, ticket});
  if (r.rows() == 0) return std::nullopt;
  return TicketRow{r.text(0, 0), r.text(0, 1), r.text(0, 2), r.text(0, 3), r.text(0, 4), r.text(0, 5)};
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

void get_ticket(Context& ctx, const httplib::Request& q, httplib::Response& r) {
  const Lang l = lang_of(q);
  std::optional<TicketRow> t;
  {
    auto c = ctx.pool.acquire();
    t = ticket_status(*c, q.get_param_value("kiosk"), q.matches[1]);
  }
  if (!t)
    return send_page(r, 404, page(l, tr(l, "ticket.title"),
                                  "<p class=\"error\" id=\"error\">" + esc(tr(l, "ticket.unknown")) + "</p>"));
  send_page(r, 200, page(l, tr(l, "ticket.title"), ticket_body(l, *t)));
}

}  // namespace

void add_ticket_routes(httplib::Server& svr, const ContextPtr& ctx) {
  svr.Get(R"(/t/([A-Za-z0-9_-]{1,32}))", [ctx](const httplib::Request& q, httplib::Response& r) { get_ticket(*ctx, q, r); });
}

}  // namespace odr::hub::pages
