#include "web/cards.h"

#include <cstdio>

#include "web/html.h"

namespace odr::hub::web {

namespace {

const char* tone_class(Tone t) { return t == Tone::better ? "up" : t == Tone::worse ? "down" : "flat"; }

Tone tone_of(double d, bool higher_is_better) {
  if (d == 0) return Tone::flat;
  return (d > 0) == higher_is_better ? Tone::better : Tone::worse;
}

}  // namespace

std::string cards_html(const std::vector<Card>& cards) {
  std::string h = "<div class=\"cards\">";
  for (const Card& c : cards) {
    h += "<div class=\"card\" id=\"" + esc(c.id) + "\"><div class=\"label\">" + esc(c.label) +
         "</div><div class=\"value\">" + esc(c.value) + "</div>";
    if (!c.sub.empty()) h += "<div class=\"sub\">" + esc(c.sub) + "</div>";
    if (!c.delta.empty()) h += std::string("<div class=\"delta ") + tone_class(c.tone) + "\">" + esc(c.delta) + "</div>";
    h += "</div>";
  }
  return h + "</div>";
}

std::string money(int64_t fen) {
  const bool neg = fen < 0;
  const int64_t a = neg ? -fen : fen;
  const std::string whole = std::to_string(a / 100);
  std::string out = neg ? "-" : "";
  for (size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) out += ',';
    out += whole[i];
  }
  char cents[8];
  std::snprintf(cents, sizeof cents, ".%02lld", static_cast<long long>(a % 100));
  return out + cents;
}

std::string percent(const std::optional<double>& x) {
  if (!x) return "—";
  char b[32];
  std::snprintf(b, sizeof b, "%.1f%%", *x * 100.0);
  return b;
}

Change change_of(const std::optional<double>& now, const std::optional<double>& before, double scale, int decimals,
                 const std::string& unit, bool higher_is_better) {
  if (!now || !before) return {};
  const double d = (*now - *before) * scale;
  char b[64];
  std::snprintf(b, sizeof b, "%+.*f", decimals, d);
  std::string t = b;
  const bool zero = t.find_first_not_of("+-0.") == std::string::npos;
  if (zero) t = "±" + t.substr(1);
  return {t + unit, zero ? Tone::flat : tone_of(d, higher_is_better)};
}

}  // namespace odr::hub::web
