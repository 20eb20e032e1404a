// Charts drawn on the server as SVG: no script, no CDN, the same on screen
// and on paper. Each chart is a figure with a text alternative (the bars'
// labels and values are also in the SVG's <title>s and in the page's
// tables), so a screen reader or a printout loses nothing.
#pragma once
#include <string>
#include <vector>

namespace odr::hub::web {

struct Bar {
  std::string label;       // plain text (escaped here): a store's name
  double value = 0;        // in the chart's unit
  std::string value_text;  // what is written at the bar's end ("87.5%")
  bool alert = false;      // drawn in the alert colour (below target, overdue ...)
};

struct BarChart {
  std::string title;        // plain text: the figure's caption
  std::vector<Bar> bars;    // top to bottom
  double max = 0;           // the scale's end; 0: the largest value
  double target = -1;       // a dashed line at this value (a membership threshold); < 0: none
  std::string target_text;  // its label
  int width = 640;          // px
};

// An <svg> with one horizontal bar per entry. Empty bars: a chart that says
// there is nothing to show.
std::string bar_chart_svg(const BarChart& chart);

}  // namespace odr::hub::web
