#include "sim_page.h"

#include "util/html.h"
#include "util/time.h"

namespace odr::sim {

namespace {

const char* status_label(const std::string& s) {
  if (s == "received") return "已收到 received";
  if (s == "accepted") return "已受理 accepted";
  if (s == "mediating") return "调解中 mediating";
  if (s == "settled") return "调解成功 settled";
  if (s == "not_settled") return "调解不成 not settled";
  if (s == "closed") return "已终止 closed";
  if (s == "transferred") return "已移送 transferred";
  return "";
}

const char* kStyle = R"css(
body{font-family:"Noto Sans CJK SC","Noto Sans",sans-serif;margin:0;background:#f4f6f8;color:#1d2731}
header{background:#b71c1c;color:#fff;padding:14px 24px}
header h1{margin:0;font-size:22px;font-weight:600}
header p{margin:4px 0 0;opacity:.85;font-size:13px}
main{padding:16px 24px}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin-bottom:16px}
.card{background:#fff;border-radius:8px;padding:10px 16px;box-shadow:0 1px 2px rgba(0,0,0,.08);min-width:110px}
.card b{display:block;font-size:24px}
.card span{font-size:12px;color:#5b6b7a}
table{border-collapse:collapse;width:100%;background:#fff;box-shadow:0 1px 2px rgba(0,0,0,.08);font-size:14px}
th,td{padding:7px 10px;border-bottom:1px solid #e6eaee;text-align:left;white-space:nowrap}
th{background:#eef1f4;font-weight:600;font-size:12px;color:#42505d}
td.mono{font-family:"DejaVu Sans Mono",monospace;font-size:13px}
.st{border-radius:10px;padding:2px 8px;font-size:12px}
.received{background:#e3f2fd}.accepted{background:#e8eaf6}.mediating{background:#fff8e1}
.settled{background:#e8f5e9}.not_settled{background:#fbe9e7}.closed{background:#eceff1}
footer{padding:8px 24px 24px;color:#6b7a88;font-size:12px}
)css";

}  // namespace

std::string render_page(const std::vector<ComplaintRow>& rows, const DbCounts& counts, const PageInfo& info) {
  std::string h;
  h.reserve(4096 + rows.size() * 400);
  h += "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
       "<meta http-equiv=\"refresh\" content=\"5\"><title>platform-sim · 12315 ODR gateway (simulated)</title><style>";
  h += kStyle;
  h += "</style></head><body><header><h1>12315 ODR 在线消费纠纷解决 · 模拟网关 platform-sim</h1><p>";
  h += "Simulated gateway for development, demos and training · API " + html_escape(info.base_url_path) +
       " · server time " + html_escape(format_rfc3339(info.server_time_s));
  if (info.clock_skew_s != 0) h += " (clock skewed by " + std::to_string(info.clock_skew_s) + " s)";
  h += " · faults: " + html_escape(info.faults_summary) + "</p></header><main><div class=\"cards\">";
  auto card = [&](const std::string& n, const std::string& label) {
    h += "<div class=\"card\"><b>" + n + "</b><span>" + label + "</span></div>";
  };
  card(std::to_string(counts.complaints), "投诉 complaints");
  card(std::to_string(counts.events), "事件 events");
  for (const auto& [status, n] : counts.by_status) card(std::to_string(n), status_label(status));
  card(std::to_string(info.kiosks), "终端 kiosks");
  card(std::to_string(info.requests_total), "请求 requests");
  h += "</div><table><thead><tr><th>受理编号 case no.</th><th>小票 ticket</th><th>终端 kiosk</th>"
       "<th>状态 status</th><th>被投诉方 respondent</th><th>类别 category</th><th>手机 phone</th>"
       "<th>渠道 channel</th><th>事件 events</th><th>收到 received</th></tr></thead><tbody>";
  for (const auto& r : rows) {
    h += "<tr><td class=\"mono\">" + html_escape(r.case_no) + "</td><td class=\"mono\">" + html_escape(r.ticket) +
         "</td><td>" + html_escape(r.kiosk_id) + "</td><td><span class=\"st " + html_escape(r.status) + "\">" +
         html_escape(status_label(r.status)[0] ? status_label(r.status) : r.status) + "</span></td><td>" +
         html_escape(r.respondent_name) + "</td><td>" + html_escape(r.category_code) + "</td><td class=\"mono\">" +
         html_escape(r.phone_masked) + "</td><td>" +
         (r.channel == "staff_assisted" ? "代填 staff" : "自助 self") + "</td><td>" + std::to_string(r.events) +
         "</td><td>" + html_escape(format_rfc3339(r.received_ms / 1000)) + "</td></tr>";
  }
  if (rows.empty()) h += "<tr><td colspan=\"10\">暂无投诉 · nothing received yet</td></tr>";
  h += "</tbody></table></main><footer>Read-only. Newest first";
  if (static_cast<int64_t>(rows.size()) < counts.complaints) h += " (latest " + std::to_string(rows.size()) + " shown)";
  h += ". Refreshes every 5 s. Names, addresses and descriptions are never shown here.</footer></body></html>";
  return h;
}

}  // namespace odr::sim
