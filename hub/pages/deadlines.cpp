// GET /deadlines : the deadline board, the first thing to act on. Every
// open complaint of the viewer's stores by working days left, overdue
// first; the counts at the top; 100 a page (?page=N). ?format=csv (or
// /deadlines.csv) gives every row.
#include <httplib.h>

#include <algorithm>
#include <cstdio>

#include "hub/pages/routes.h"
#include "util/csv.h"
#include "util/time.h"

namespace odr::hub::pages {

namespace {

using namespace odr::hub::web;

constexpr int64_t kPageRows = 100;

struct Board {
  std::vector<OpenComplaint> rows;  // this page's (or every one, for the CSV)
  int64_t open = 0, overdue = 0, due_soon = 0;
  int64_t page = 1, pages = 1;
};

// One page of the board (limit 0: every row, for the CSV) and its counts,
// both read by PostgreSQL in the scope's order (figures.h), so a page costs
// what it shows, not the chain's every open complaint.
Board open_board(PgConn& c, const VisibleStores& vs, const WorkdayCalendar& cal, int64_t now_s, int64_t page,
                 int64_t limit) {
  Board b;
  const OpenSummary sum = open_summary(c, vs.scope, cal, now_s);
  b.open = sum.open;
  b.overdue = sum.overdue;
  b.due_soon = sum.due_soon;
  if (limit > 0) {
    b.pages = std::max<int64_t>(1, (b.open + limit - 1) / limit);
    b.page = std::clamp<int64_t>(page, 1, b.pages);
  }
  for (OpenComplaint& o : open_complaints(c, vs.scope, cal, now_s, OpenPage{limit, (b.page - 1) * limit}))
    if (vs.has(o.store_id)) b.rows.push_back(std::move(o));  // may_see_store, whatever the scope's filter did
  return b;
}

std::string days_left_text(Lang l, const OpenComplaint& o) {
  char b[96];
  const bool one = o.days_left == 1 || o.days_left == -1;  // "1 working day", not "days"
  if (o.days_left < 0) std::snprintf(b, sizeof b, tr(l, one ? "dl.overdue_by_one" : "dl.overdue_by"), static_cast<long long>(-o.days_left));
  else if (o.days_left == 0) std::snprintf(b, sizeof b, "%s", tr(l, "dl.due_today"));
  else std::snprintf(b, sizeof b, tr(l, one ? "dl.days_left_one" : "dl.days_left"), static_cast<long long>(o.days_left));
  return std::string(o.estimated ? "≈ " : "") + b;
}

std::string filed_day(const std::string& rfc3339) {
  const std::optional<int64_t> t = parse_rfc3339(rfc3339);
  return t ? local_date(*t) : rfc3339;
}

std::string category_text(Lang l, const OpenComplaint& o) {
  const std::string key = "cat." + o.category_kind;
  return std::string(tr(l, key.c_str())) + " · " + o.category_code;
}

const char* row_class(const OpenComplaint& o) {
  return o.overdue() ? "overdue" : o.due_soon() ? "soon" : "";
}

std::string board_row(Lang l, const OpenComplaint& o) {
  const std::string store = o.store_name.empty() ? o.store_id : o.store_name;
  return std::string("<tr class=\"") + row_class(o) + "\" data-id=\"" + esc(o.id) + "\" data-days=\"" +
         std::to_string(o.days_left) + "\"><td class=\"num days\">" + esc(days_left_text(l, o)) + "</td><td class=\"nowrap\">" +
         store_link(l, o.store_id, store) + "</td><td>" + user_text(o.business_name) + "</td><td class=\"nowrap\">" + esc(category_text(l, o)) +
         "</td><td>" + esc(status_word(l, o.status)) + "</td><td>" + esc(o.case_no.empty() ? "—" : o.case_no) +
         "</td><td class=\"nowrap\">" + complaint_link(l, o.id, o.ticket) + "</td><td class=\"date\">" + esc(filed_day(o.filed_at)) + "</td><td class=\"date\">" +
         esc(o.deadline) + "</td></tr>";
}

constexpr const char* kColumns[] = {"dl.col.days", "col.store", "dl.col.business", "dl.col.category", "dl.col.status",
                                    "dl.col.case", "dl.col.ticket", "dl.col.filed", "dl.col.deadline"};

std::string board_table(Lang l, const Board& b) {
  if (b.rows.empty()) return "<p class=\"card calm\" id=\"no-open\">" + esc(tr(l, "dl.none")) + "</p>";
  std::string t = "<table id=\"board\"><thead><tr>";
  for (const char* k : kColumns) t += std::string("<th") + (k == kColumns[0] ? " class=\"num\"" : "") + ">" + esc(tr(l, k)) + "</th>";
  t += "</tr></thead><tbody>";
  for (const OpenComplaint& o : b.rows) t += board_row(l, o);
  return t + "</tbody></table>";
}

std::string counts_html(Lang l, const Board& b) {
  auto card = [&](const char* id, const char* key, int64_t n, const char* cls) {
    return std::string("<section class=\"card figure ") + cls + "\" id=\"" + id + "\"><div class=\"label\">" +
           esc(tr(l, key)) + "</div><div class=\"value\">" + std::to_string(n) + "</div></section>";
  };
  return "<div class=\"cards\">" + card("count-overdue", "dl.count.overdue", b.overdue, b.overdue ? "alert" : "") +
         card("count-soon", "dl.count.soon", b.due_soon, b.due_soon ? "caution" : "") +
         card("count-open", "dl.count.open", b.open, "") + "</div>";
}

std::string pager(const Visit& v, const Board& b) {
  if (b.pages <= 1) return "";
  const std::string lang = esc(lang_suffix(v.lang, '&'));
  char where[96];
  std::snprintf(where, sizeof where, tr(v.lang, "dl.page_of"), static_cast<long long>(b.page), static_cast<long long>(b.pages));
  std::string p = "<nav class=\"pager noprint\" id=\"pager\">";
  if (b.page > 1) p += "<a id=\"prev\" href=\"/deadlines?page=" + std::to_string(b.page - 1) + lang + "\">‹ " + esc(tr(v.lang, "dl.prev")) + "</a>";
  p += "<span>" + esc(where) + "</span>";
  if (b.page < b.pages) p += "<a id=\"next\" href=\"/deadlines?page=" + std::to_string(b.page + 1) + lang + "\">" + esc(tr(v.lang, "dl.next")) + " ›</a>";
  return p + "</nav>";
}

std::string board_body(const Visit& v, const Board& b) {
  const Lang l = v.lang;
  std::string h = "<div class=\"page-head\"><h1>" + esc(tr(l, "dl.title")) + "</h1><a class=\"button quiet noprint\" id=\"csv\" href=\"/deadlines.csv" +
                  lang_suffix(l) + "\">" + esc(tr(l, "csv.download")) + "</a></div>";
  h += "<p class=\"note\">" + esc(tr(l, "dl.note")) + "</p>" + counts_html(l, b);
  return h + "<h2>" + esc(tr(l, "dl.list")) + "</h2>" + board_table(l, b) + pager(v, b);
}

std::string board_csv(Lang l, const Board& b) {
  std::string csv;
  std::vector<std::string> head = {tr(l, "dl.col.days_n")};
  for (size_t i = 1; i < std::size(kColumns); ++i) head.push_back(tr(l, kColumns[i]));
  add_csv_line(csv, head);
  for (const OpenComplaint& o : b.rows)
    add_csv_line(csv, {std::to_string(o.days_left), o.store_name.empty() ? o.store_id : o.store_name, o.business_name,
                       category_text(l, o), status_word(l, o.status), o.case_no, o.ticket, filed_day(o.filed_at), o.deadline});
  return csv;
}

void get_board(Context& ctx, const httplib::Request& q, httplib::Response& r, bool csv) {
  const std::optional<Visit> v = signed_in(ctx, q, r);
  if (!v) return;
  csv = csv || wants_csv(q);
  const int64_t page_no = std::max<int64_t>(1, std::atoll(q.get_param_value("page").c_str()));
  Board b;
  {
    auto c = ctx.pool.acquire();
    b = open_board(*c, visible_stores(*c, v->viewer), ctx.calendar(), ctx.now_s(), page_no, csv ? 0 : kPageRows);
  }
  if (csv) return send_csv(ctx, q, r, *v, "deadlines", std::to_string(b.open) + " open", board_csv(v->lang, b));
  send_page(r, 200, page(v->lang, tr(v->lang, "dl.title"), board_body(*v, b), nav_for(*v, Place::deadlines)));
}

}  // namespace

void add_deadlines_routes(httplib::Server& svr, const ContextPtr& ctx) {
  svr.Get("/deadlines", [ctx](const httplib::Request& q, httplib::Response& r) { get_board(*ctx, q, r, false); });
  svr.Get("/deadlines.csv", [ctx](const httplib::Request& q, httplib::Response& r) { get_board(*ctx, q, r, true); });
}

}  // namespace odr::hub::pages
