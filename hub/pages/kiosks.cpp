// GET /kiosks : every kiosk of the viewer's stores with its latest
// heartbeat (protocol/heartbeat.h): when, version, pending and held items
// per destination, the gateway's last success, clock offset, disk free,
// printer. Silent too long or holding items (figures.h kiosk_alerts) is
// highlighted. Each destination's most recently held items (at most 5) say
// why in plain words, with the kiosk's message; the kiosk's staff sync panel
// has the rest. ?format=csv too.
#include <httplib.h>

#include <cstdio>
#include <map>
#include <sstream>

#include "hub/pages/routes.h"
#include "protocol/heartbeat.h"
#include "util/csv.h"

namespace odr::hub::pages {

namespace {

using namespace odr::hub::web;

using Outbox = HeartbeatOutbox;

struct KioskRow {
  std::string id, store_id, store_name, heard_at, version, gateway_ok, printer;
  std::vector<Outbox> outbox;
  int64_t clock_offset_s = 0;
  std::optional<int64_t> disk_free;
  bool heard = false, silent = false;
  int64_t held = 0;
};

const char* kKiosks = R"SQL(
SELECT k.id, k.store_id, s.name, l.received_at IS NOT NULL,
  coalesce(to_char(l.received_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'), ''), coalesce(h.version, ''),
  coalesce(h.outbox::text, '[]'),
  coalesce(to_char(h.last_gateway_success AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'), ''),
  coalesce(h.clock_offset_s, 0), h.disk_free_bytes IS NOT NULL, coalesce(h.disk_free_bytes, 0), coalesce(h.printer, '')
FROM kiosks k JOIN stores s ON s.id = k.store_id
  LEFT JOIN kiosk_last_heartbeat l ON l.kiosk_id = k.id LEFT JOIN heartbeats h ON h.id = l.heartbeat_id
WHERE ($1 = '' OR s.region_id = $1) AND ($2 = '' OR k.store_id = $2)
ORDER BY s.region_id, k.store_id, k.id
)SQL";

// The list as intake stored it (protocol/heartbeat.h); a row that cannot be
// read shows as no outbox rather than failing the page.
std::vector<Outbox> outbox_of(const std::string& text) {
  std::vector<Outbox> out;
  std::string why;
  if (!parse_outbox_json(text, out, why)) out.clear();
  return out;
}

KioskRow kiosk_of(const PgResult& r, int i) {
  KioskRow k;
  k.id = r.text(i, 0);
  k.store_id = r.text(i, 1);
  k.store_name = r.text(i, 2);
  k.heard = r.text(i, 3) == "t";
  k.heard_at = r.text(i, 4);
  k.version = r.text(i, 5);
  k.outbox = outbox_of(r.text(i, 6));
  k.gateway_ok = r.text(i, 7);
  k.clock_offset_s = r.integer(i, 8);
  if (r.text(i, 9) == "t") k.disk_free = r.integer(i, 10);
  k.printer = r.text(i, 11);
  return k;
}

// Every kiosk the viewer may see, flagged as kiosk_alerts flags it.
std::vector<KioskRow> load_kiosks(Context& ctx, const Viewer& viewer) {
  auto c = ctx.pool.acquire();
  const VisibleStores vs = visible_stores(*c, viewer);
  const Scope& sc = vs.scope;
  PgResult r = c->exec(kKiosks, {sc.store.empty() ? sc.region : std::string(), sc.store});
  std::map<std::string, KioskAlert> alerts;
  for (KioskAlert& a : kiosk_alerts(*c, sc, ctx.options.silent_after_minutes, ctx.now_s())) alerts[a.kiosk_id] = a;
  std::vector<KioskRow> out;
  for (int i = 0; i < r.rows(); ++i) {
    KioskRow k = kiosk_of(r, i);
    if (!vs.has(k.store_id)) continue;
    if (auto it = alerts.find(k.id); it != alerts.end()) {
      k.silent = it->second.silent;
      k.held = it->second.held;
    }
    out.push_back(std::move(k));
  }
  return out;
}

std::string destination_word(Lang l, const std::string& d) { return word_for(l, "ks.dest.", d); }

std::string outbox_text(Lang l, const Outbox& o) {
  char b[160];
  std::snprintf(b, sizeof b, tr(l, "ks.outbox"), destination_word(l, o.destination).c_str(),
                static_cast<long long>(o.pending), static_cast<long long>(o.held));
  return b;
}

// "Complaint A01-261128-0042 · The receiver rejected this item · held 2026-11-28 10:02: <message>"
std::string held_text(Lang l, const HeartbeatHeld& h) {
  char what[96], at[64] = "";
  std::snprintf(what, sizeof what, tr(l, ("ks.held." + h.kind).c_str()), h.ticket.c_str());
  if (!h.held_at.empty()) {
    std::string when = h.held_at.substr(0, 16);
    if (when.size() > 10) when[10] = ' ';
    std::snprintf(at, sizeof at, tr(l, "ks.held.at"), when.c_str());
  }
  std::string t = std::string(what) + " · " + word_for(l, "ks.held.code.", h.code) + (at[0] ? std::string(" · ") + at : "");
  return h.message.empty() ? t : t + ": " + h.message;
}

// The held items the heartbeat named, and how many it did not.
std::vector<std::string> held_lines(Lang l, const Outbox& o) {
  std::vector<std::string> lines;
  for (const HeartbeatHeld& h : o.held_items) lines.push_back(held_text(l, h));
  if (o.held > int64_t(o.held_items.size()) && !o.held_items.empty()) {
    char b[96];
    std::snprintf(b, sizeof b, tr(l, "ks.held.more"), static_cast<long long>(o.held - int64_t(o.held_items.size())));
    lines.push_back(b);
  }
  return lines;
}

std::string held_html(Lang l, const Outbox& o) {
  std::string li;
  for (const std::string& line : held_lines(l, o)) li += "<li>" + esc(line) + "</li>";
  return li.empty() ? "" : "<ul class=\"held-items\" data-destination=\"" + esc(o.destination) + "\">" + li + "</ul>";
}

std::string disk_text(const std::optional<int64_t>& bytes) {
  if (!bytes) return "—";
  char b[32];
  const double gb = static_cast<double>(*bytes) / (1024.0 * 1024 * 1024);
  if (gb >= 1) std::snprintf(b, sizeof b, "%.1f GB", gb);
  else std::snprintf(b, sizeof b, "%.0f MB", static_cast<double>(*bytes) / (1024.0 * 1024));
  return b;
}

std::string printer_text(Lang l, const std::string& p) {
  return p.empty() ? tr(l, "ks.printer.none") : word_for(l, "ks.printer.", p);
}

// A printer that cannot print is a warning; none configured is no fault.
std::string printer_html(Lang l, const KioskRow& k) {
  if (!k.heard) return "—";
  const bool fine = k.printer.empty() || k.printer == "ok" || k.printer == "ready" || k.printer == "paper_low";
  return fine ? esc(printer_text(l, k.printer)) : "<span class=\"tag warn\">" + esc(printer_text(l, k.printer)) + "</span>";
}

std::string state_tags(Lang l, const KioskRow& k) {
  std::string t;
  if (k.silent) t += "<span class=\"tag bad\">" + esc(tr(l, k.heard ? "ks.silent" : "ks.never")) + "</span> ";
  if (k.held > 0) t += "<span class=\"tag warn\">" + esc(tr(l, "ks.holding")) + "</span>";
  if (t.empty()) t = "<span class=\"tag good\">" + esc(tr(l, "ks.ok")) + "</span>";
  return t;
}

std::string kiosk_row_html(Lang l, const KioskRow& k) {
  std::string outbox;
  for (const Outbox& o : k.outbox)
    outbox += std::string("<div") + (o.held > 0 ? " class=\"held\"" : "") + ">" + esc(outbox_text(l, o)) + held_html(l, o) + "</div>";
  const char* cls = k.silent ? "overdue" : k.held > 0 ? "soon" : "";
  return std::string("<tr class=\"") + cls + "\" data-kiosk=\"" + esc(k.id) + "\"><td>" + esc(k.id) + "</td><td class=\"nowrap\">" +
         store_link(l, k.store_id, k.store_name.empty() ? k.store_id : k.store_name) + "</td><td>" + state_tags(l, k) + "</td><td class=\"date\">" +
         esc(k.heard_at.empty() ? "—" : k.heard_at) + "</td><td class=\"nowrap\">" + esc(k.version.empty() ? "—" : k.version) +
         "</td><td class=\"nowrap\">" +
         (outbox.empty() ? "—" : outbox) + "</td><td class=\"date\">" + esc(k.gateway_ok.empty() ? "—" : k.gateway_ok) +
         "</td><td class=\"num\">" + (k.heard ? std::to_string(k.clock_offset_s) + " s" : "—") + "</td><td class=\"num\">" +
         esc(disk_text(k.disk_free)) + "</td><td>" + printer_html(l, k) + "</td></tr>";
}

constexpr const char* kColumns[] = {"ks.col.kiosk",  "col.store",     "ks.col.state", "ks.col.heard", "ks.col.version",
                                    "ks.col.outbox", "ks.col.gateway", "ks.col.clock", "ks.col.disk",  "ks.col.printer"};

std::string kiosks_body(const Visit& v, const std::vector<KioskRow>& rows, int silent_after) {
  const Lang l = v.lang;
  int64_t silent = 0, holding = 0;
  for (const KioskRow& k : rows) {
    silent += k.silent;
    holding += k.held > 0;
  }
  char note[256];
  std::snprintf(note, sizeof note, tr(l, "ks.note"), silent_after);
  std::string b = "<div class=\"page-head\"><h1>" + esc(tr(l, "ks.title")) + "</h1><a class=\"button quiet noprint\" id=\"csv\" href=\"/kiosks?format=csv" +
                  esc(lang_suffix(l, '&')) + "\">" + esc(tr(l, "csv.download")) + "</a></div>";
  b += "<p class=\"note\">" + esc(note) + "</p><div class=\"cards\">";
  b += "<section class=\"card figure" + std::string(silent ? " alert" : "") + "\" id=\"count-silent\"><div class=\"label\">" +
       esc(tr(l, "ks.count.silent")) + "</div><div class=\"value\">" + std::to_string(silent) + "</div></section>";
  b += "<section class=\"card figure" + std::string(holding ? " caution" : "") + "\" id=\"count-holding\"><div class=\"label\">" +
       esc(tr(l, "ks.count.holding")) + "</div><div class=\"value\">" + std::to_string(holding) + "</div></section>";
  b += "<section class=\"card figure\" id=\"count-kiosks\"><div class=\"label\">" + esc(tr(l, "ks.count.all")) +
       "</div><div class=\"value\">" + std::to_string(rows.size()) + "</div></section></div>";
  if (rows.empty()) return b + "<p class=\"card calm\" id=\"no-kiosks\">" + esc(tr(l, "ks.none")) + "</p>";
  b += "<h2>" + esc(tr(l, "ks.list")) + "</h2><table id=\"kiosks\"><thead><tr>";
  for (const char* k : kColumns)
    b += std::string(k == kColumns[7] || k == kColumns[8] ? "<th class=\"num\">" : "<th>") + esc(tr(l, k)) + "</th>";
  b += "</tr></thead><tbody>";
  for (const KioskRow& k : rows) b += kiosk_row_html(l, k);
  return b + "</tbody></table><p class=\"note\" id=\"held-reason\">" + esc(tr(l, "ks.held_reason")) + "</p>";
}

std::string kiosks_csv(Lang l, const std::vector<KioskRow>& rows) {
  std::string csv;
  add_csv_line(csv, {tr(l, "ks.col.kiosk"), tr(l, "col.store_id"), tr(l, "col.store"), tr(l, "ks.col.state"),
                     tr(l, "ks.col.heard"), tr(l, "ks.col.version"), tr(l, "ks.col.outbox"), tr(l, "ks.col.gateway"),
                     tr(l, "ks.col.clock"), tr(l, "ks.col.disk"), tr(l, "ks.col.printer"), tr(l, "ks.col.held_items")});
  for (const KioskRow& k : rows) {
    std::string outbox, held, state = k.silent ? tr(l, k.heard ? "ks.silent" : "ks.never") : "";
    for (const Outbox& o : k.outbox) {
      outbox += (outbox.empty() ? "" : "; ") + outbox_text(l, o);
      for (const std::string& line : held_lines(l, o))
        held += (held.empty() ? "" : "\n") + destination_word(l, o.destination) + ": " + line;
    }
    if (k.held > 0) state += std::string(state.empty() ? "" : "; ") + tr(l, "ks.holding");
    add_csv_line(csv, {k.id, k.store_id, k.store_name, state.empty() ? tr(l, "ks.ok") : state, k.heard_at, k.version,
                       outbox, k.gateway_ok, k.heard ? std::to_string(k.clock_offset_s) : "", disk_text(k.disk_free),
                       k.heard ? printer_text(l, k.printer) : "", held});
  }
  return csv;
}

void get_kiosks(Context& ctx, const httplib::Request& q, httplib::Response& r, bool csv) {
  const std::optional<Visit> v = signed_in(ctx, q, r);
  if (!v) return;
  const std::vector<KioskRow> rows = load_kiosks(ctx, v->viewer);
  if (csv || wants_csv(q))
    return send_csv(ctx, q, r, *v, "kiosks", std::to_string(rows.size()) + " kiosks", kiosks_csv(v->lang, rows));
  send_page(r, 200, page(v->lang, tr(v->lang, "ks.title"), kiosks_body(*v, rows, ctx.options.silent_after_minutes),
                         nav_for(*v, Place::kiosks)));
}

}  // namespace

void add_kiosks_routes(httplib::Server& svr, const ContextPtr& ctx) {
  svr.Get("/kiosks", [ctx](const httplib::Request& q, httplib::Response& r) { get_kiosks(*ctx, q, r, false); });
  svr.Get("/kiosks.csv", [ctx](const httplib::Request& q, httplib::Response& r) { get_kiosks(*ctx, q, r, true); });
}

}  // namespace odr::hub::pages
