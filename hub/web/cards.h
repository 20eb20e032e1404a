// A page's key figures as cards (label, value, the change against the
// period before), and the numbers' words: money in 元 from fen, rates in
// per cent. Plain text in, escaped HTML out.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace odr::hub::web {

// How a change reads: better (green), worse (red), or neither.
enum class Tone { better, worse, flat };

struct Card {
  std::string id;     // the card's element id (tests read it)
  std::string label;  // plain text
  std::string value;  // plain text: "66.7%", "3"
  std::string sub;    // plain text under the value ("3 笔"); "" none
  std::string delta;  // plain text: "+12.5 个百分点 较上期"; "" none
  Tone tone = Tone::flat;
};
std::string cards_html(const std::vector<Card>& cards);

std::string money(int64_t fen);                   // "1,999.00"
std::string percent(const std::optional<double>& x);  // "66.7%"; "—" for none

// The change of a figure against the period before: (now - before) * scale
// with `decimals` decimals and a unit ("+12.5 个百分点", "-0.33", "+2");
// higher_is_better says which way is good. Empty when either side has no value.
struct Change {
  std::string text;
  Tone tone = Tone::flat;
};
Change change_of(const std::optional<double>& now, const std::optional<double>& before, double scale, int decimals,
                 const std::string& unit, bool higher_is_better);

}  // namespace odr::hub::web
