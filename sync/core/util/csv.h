// CSV as a spreadsheet on a Chinese clerk's PC reads it: UTF-8 with a BOM
// (or Excel takes the local code page), CRLF lines, quoted where needed, and
// a cell that starts like a formula made text (or it would run). The one
// home of these rules: the kiosk's staff exports and the hub's downloads.
#pragma once
#include <string>
#include <vector>

namespace odr {

inline constexpr const char* kCsvBom = "\xEF\xBB\xBF";

std::string csv_cell(const std::string& v);
// Appends one line: cells joined by commas, then CRLF.
void add_csv_line(std::string& csv, const std::vector<std::string>& cells);

}  // namespace odr
