#include "web/chart.h"

#include <algorithm>
#include <cstdio>

#include "web/html.h"

namespace odr::hub::web {

namespace {

constexpr int kRowH = 30, kBarH = 18, kLabelW = 190, kValueW = 80, kTop = 8;

std::string num(double v) {
  char b[32];
  snprintf(b, sizeof b, "%.1f", v);
  return b;
}

std::string bar_row(const Bar& b, int y, double scale) {
  const double w = std::max(0.0, b.value * scale);
  const char* fill = b.alert ? "#c01c28" : "#1a5fb4";
  std::string s = "<g><title>" + esc(b.label + ": " + b.value_text) + "</title>";
  s += "<text x=\"" + std::to_string(kLabelW - 8) + "\" y=\"" + std::to_string(y + kBarH - 4) +
       "\" text-anchor=\"end\">" + esc(b.label) + "</text>";
  s += "<rect x=\"" + std::to_string(kLabelW) + "\" y=\"" + std::to_string(y) + "\" width=\"" + num(w) +
       "\" height=\"" + std::to_string(kBarH) + "\" fill=\"" + fill + "\"/>";
  s += "<text x=\"" + num(kLabelW + w + 6) + "\" y=\"" + std::to_string(y + kBarH - 4) + "\">" + esc(b.value_text) +
       "</text></g>";
  return s;
}

}  // namespace

std::string bar_chart_svg(const BarChart& c) {
  double max = c.max;
  for (const Bar& b : c.bars) max = std::max(max, b.value);
  if (c.target > max) max = c.target;
  const int plot_w = std::max(40, c.width - kLabelW - kValueW);
  const double scale = max > 0 ? plot_w / max : 0;
  const int rows = std::max<int>(1, static_cast<int>(c.bars.size()));
  const int h = kTop * 2 + rows * kRowH + (c.target >= 0 ? 18 : 0);
  std::string s = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"" +
                  std::to_string(c.width) + "\" height=\"" + std::to_string(h) + "\" viewBox=\"0 0 " +
                  std::to_string(c.width) + " " + std::to_string(h) + "\" aria-label=\"" + esc(c.title) + "\">";
  s += "<title>" + esc(c.title) + "</title>";
  if (c.bars.empty()) s += "<text x=\"8\" y=\"24\">—</text>";
  for (size_t i = 0; i < c.bars.size(); ++i) s += bar_row(c.bars[i], kTop + static_cast<int>(i) * kRowH, scale);
  if (c.target >= 0) {
    const std::string x = num(kLabelW + c.target * scale);
    s += "<line x1=\"" + x + "\" x2=\"" + x + "\" y1=\"2\" y2=\"" + std::to_string(h - 16) +
         "\" stroke=\"#1c2430\" stroke-dasharray=\"4 3\"/>";
    s += "<text x=\"" + x + "\" y=\"" + std::to_string(h - 3) + "\" text-anchor=\"middle\">" + esc(c.target_text) +
         "</text>";
  }
  return s + "</svg>";
}

}  // namespace odr::hub::web
