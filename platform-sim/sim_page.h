// The read-only HTML page at / : what the simulated platform holds, for demos
// and staff training. Personal data never appears: phones are masked
// (138****1234), names, addresses and descriptions are not shown.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sim_db.h"

namespace odr::sim {

struct PageInfo {
  std::string base_url_path;  // e.g. /odr/v1
  int64_t server_time_s = 0;
  int64_t clock_skew_s = 0;
  int64_t requests_total = 0;
  size_t kiosks = 0;
  std::string faults_summary;  // "none" or e.g. "503 30%, latency 200 ms"
};

std::string render_page(const std::vector<ComplaintRow>& rows, const DbCounts& counts, const PageInfo& info);

}  // namespace odr::sim
