#include "web/html.h"

#include "util/html.h"

namespace odr::hub::web {

std::string esc(std::string_view s) { return html_escape(s); }

std::string user_text(std::string_view s) { return "<bdi>" + esc(s) + "</bdi>"; }

std::string render_page(const Page& p) {
  std::string h = "<!doctype html>\n<html lang=\"" + esc(p.lang) + "\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<title>" + esc(p.title) + "</title>\n";
  h += "<link rel=\"stylesheet\" href=\"" + esc(p.stylesheet) + "\">\n</head>\n<body>\n";
  if (!p.nav.empty()) h += "<header class=\"top\"><nav>" + p.nav + "</nav></header>\n";
  h += "<main>\n" + p.body + "\n</main>\n</body>\n</html>\n";
  return h;
}

// Calm colours a manager reads every morning; red only for what is late.
// Printed: black on white, no bar backgrounds lost (print-color-adjust).
const char* const kStylesheet = R"CSS(
:root { --ink: #1c2430; --muted: #5b6675; --line: #d5dbe3; --bg: #f4f6f9; --card: #fff;
        --brand: #1a5fb4; --good: #1d7a46; --warn: #b35c00; --bad: #c01c28; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
       font: 15px/1.55 "Noto Sans CJK SC", "WenQuanYi Micro Hei", system-ui, sans-serif; }
header.top { background: var(--brand); color: #fff; padding: 0 24px; }
header.top nav { display: flex; gap: 24px; align-items: center; min-height: 56px; flex-wrap: wrap; }
header.top a { color: #fff; text-decoration: none; font-weight: 600; }
header.top a.here { border-bottom: 3px solid #fff; padding-bottom: 4px; }
main { max-width: 1280px; margin: 0 auto; padding: 24px; }
h1 { font-size: 26px; margin: 0 0 16px; }
h2 { font-size: 19px; margin: 28px 0 12px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 16px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px; }
.card .label { color: var(--muted); font-size: 14px; }
.card .value { font-size: 30px; font-weight: 700; margin-top: 4px; }
.card .delta { font-size: 14px; margin-top: 2px; }
.up { color: var(--good); } .down { color: var(--bad); } .flat { color: var(--muted); }
table { width: 100%; border-collapse: collapse; background: var(--card); border: 1px solid var(--line); }
th, td { text-align: left; padding: 9px 12px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #eef1f5; font-weight: 600; font-size: 14px; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.overdue td { background: #fdecee; }
.tag { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 13px; border: 1px solid var(--line); }
.tag.bad { color: var(--bad); border-color: var(--bad); } .tag.good { color: var(--good); border-color: var(--good); }
.tag.warn { color: var(--warn); border-color: var(--warn); }
form.filters { display: flex; gap: 12px; flex-wrap: wrap; align-items: end; margin-bottom: 16px; }
label { display: grid; gap: 4px; font-size: 14px; color: var(--muted); }
input, select, button { font: inherit; padding: 7px 10px; border: 1px solid #8a94a3; border-radius: 6px; background: #fff; }
button, .button { background: var(--brand); color: #fff; border-color: var(--brand); cursor: pointer;
                  text-decoration: none; display: inline-block; padding: 7px 14px; border-radius: 6px; }
.error { color: var(--bad); font-weight: 600; }
header.top .who { margin-left: auto; opacity: .92; }
header.top form.logout button { background: transparent; border: 1px solid #fff; padding: 4px 12px; }
section.login, section.ticket { max-width: 460px; margin: 56px auto; display: grid; gap: 14px; }
section.login form { display: grid; gap: 16px; }
section.login button { font-size: 17px; padding: 10px; }
section.ticket th { width: 40%; background: none; color: var(--muted); font-weight: 500; }
section.ticket td { font-weight: 600; }
.note { color: var(--muted); font-size: 14px; }
svg.chart text { font: 13px "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; fill: var(--ink); }
/* The overview, deadline board and kiosks pages. */
.page-head { display: flex; align-items: baseline; gap: 16px; flex-wrap: wrap; }
.page-head h1 { margin-right: auto; }
h1 .scope { color: var(--muted); font-weight: 500; font-size: 20px; margin-left: 8px; }
.button.quiet { background: #fff; color: var(--brand); border: 1px solid var(--brand); font-size: 14px; padding: 5px 12px; }
.card.figure .value { font-variant-numeric: tabular-nums; }
.cards.six { grid-template-columns: repeat(auto-fill, minmax(175px, 1fr)); }
.card.figure.alert { border-left: 5px solid var(--bad); } .card.figure.alert .value { color: var(--bad); }
.card.figure.caution { border-left: 5px solid var(--warn); } .card.figure.caution .value { color: var(--warn); }
.card.calm { color: var(--muted); }
.better { color: var(--good); } .worse { color: var(--bad); }
.two { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 16px; }
figure.chart-box { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px; }
figure.chart-box svg { max-width: 100%; height: auto; }
th a { color: var(--ink); text-decoration: none; border-bottom: 1px dotted var(--muted); }
th.sorted a { color: var(--brand); border-bottom: 2px solid var(--brand); }
tr.soon td { background: #fff4e0; }
tr.overdue td.days { color: var(--bad); font-weight: 700; } tr.soon td.days { color: var(--warn); font-weight: 700; }
td.nowrap, .tag, td.days, td.num { white-space: nowrap; }
td.date { white-space: nowrap; font-variant-numeric: tabular-nums; }
td .held { color: var(--warn); font-weight: 600; }
td .held-items { margin: 4px 0 0; padding-left: 18px; white-space: normal; min-width: 18em; font-weight: 400; }
#kiosks th { white-space: nowrap; }  /* a squeezed column's heading would stand one character a line */
nav.pager { display: flex; gap: 16px; justify-content: center; margin: 16px 0; }
@media print {
  body { background: #fff; font-size: 12px; }
  header.top, form.filters, .noprint { display: none; }
  main { max-width: none; padding: 0; }
  .card, table { border-color: #999; break-inside: avoid; }
  * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}

/* ---- the store page, complaint detail and monthly report (pages/store.cpp, complaint.cpp, report.cpp) ---- */
.page-head { display: flex; justify-content: space-between; align-items: flex-start; gap: 16px; flex-wrap: wrap; }
.page-head h1 { margin-bottom: 2px; }
.page-head .actions { display: flex; gap: 10px; }
.button.secondary { background: #fff; color: var(--brand); border: 1px solid var(--brand); }
h2 .note { font-weight: 400; margin-left: 8px; }
table#complaints td { font-size: 14px; }
td a, table.facts a { color: var(--brand); font-weight: 600; text-decoration: none; }
td a:hover, table.facts a:hover { text-decoration: underline; }
td.nowrap, .tag { white-space: nowrap; }
.card .sub { color: var(--muted); font-size: 14px; }
nav.pager { display: flex; gap: 14px; align-items: center; justify-content: center; margin: 16px 0; color: var(--muted); }
.detail-grid { display: grid; grid-template-columns: minmax(0, 1.1fr) minmax(0, 1fr); gap: 24px; align-items: start; }
@media (max-width: 900px) { .detail-grid { grid-template-columns: 1fr; } }
table.facts th { width: 34%; background: none; color: var(--muted); font-weight: 500; }
.quote { white-space: pre-wrap; }
.card.deadline { margin-bottom: 8px; }
ol.timeline { list-style: none; margin: 0; padding: 0 0 0 18px; border-left: 2px solid var(--line); }
ol.timeline li.step { position: relative; display: grid; grid-template-columns: 132px 1fr; gap: 12px; padding: 8px 0 14px; }
ol.timeline li.step::before { content: ""; position: absolute; left: -25px; top: 14px; width: 10px; height: 10px;
                              border-radius: 50%; background: var(--brand); border: 2px solid var(--bg); }
ol.timeline time { color: var(--muted); font-variant-numeric: tabular-nums; font-size: 14px; }
ol.timeline .what { font-weight: 600; }
ol.timeline .who { color: var(--muted); font-size: 14px; }
ol.timeline .detail { margin-top: 2px; }
article.report { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 28px 32px; }
article.report .report-head { border-bottom: 2px solid var(--ink); margin-bottom: 12px; padding-bottom: 8px; }
table.report-figures { width: auto; min-width: 420px; }
table.report-figures th { background: none; font-weight: 500; }
table.report-list th, table.report-list td { font-size: 13px; padding: 6px 8px; }
.signatures { display: grid; grid-template-columns: 1fr 1fr; gap: 40px; margin-top: 40px; }
.signature .line { border-bottom: 1px solid var(--ink); padding: 28px 0 4px; }
@media print {
  @page { size: A4; margin: 16mm 14mm; }
  .page-head .actions, nav.pager { display: none; }
  article.report { border: none; padding: 0; }
  table.report-list thead { display: table-header-group; }
  table.report-list tr, .signatures { break-inside: avoid; }
  .detail-grid { grid-template-columns: 1fr; }
  a { color: inherit; text-decoration: none; }
}
)CSS";

}  // namespace odr::hub::web
