// The dashboard's HTML, written by hand-held helpers rather than a template
// engine: every text goes through esc() (or user_text() when a shopper or a
// clerk wrote it), so nothing typed at a kiosk can become markup. Pages have
// no inline script or style: the one stylesheet is served from the program
// (kStylesheet) under a Content-Security-Policy that allows nothing else, so
// the pages work with no internet and print cleanly.
#pragma once
#include <string>
#include <string_view>

namespace odr::hub::web {

// & < > " ' as entities: safe between tags and inside quoted attributes.
std::string esc(std::string_view s);
// Text someone else typed: escaped, and isolated in <bdi> so right-to-left
// letters or bidi controls (U+202E ...) cannot reorder the page around it.
std::string user_text(std::string_view s);

// The headers every page gets (CSP, no sniffing, no framing, no referrer).
struct HeaderLine {
  const char* name;
  const char* value;
};
inline constexpr HeaderLine kPageHeaders[] = {
    {"Content-Security-Policy",
     "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; "
     "base-uri 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"Cache-Control", "no-store"},
};

struct Page {
  std::string lang = "zh-CN";  // <html lang>
  std::string title;           // plain text
  std::string nav;             // HTML: the top bar's links (already escaped)
  std::string body;            // HTML (already escaped)
  std::string stylesheet = "/static/hub.css";
};
std::string render_page(const Page& page);

// The stylesheet of every page (served at Page::stylesheet).
extern const char* const kStylesheet;

}  // namespace odr::hub::web
