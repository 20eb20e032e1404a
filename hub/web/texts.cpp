#include "web/texts.h"

#include <string>
#include <unordered_map>

namespace odr::hub::web {

namespace {

struct Words {
  const char* zh;
  const char* en;
};

const std::unordered_map<std::string_view, Words>& table() {
  static const std::unordered_map<std::string_view, Words> t = {
      {"app", {"连锁消费纠纷总部看板", "Chain ODR dashboard"}},
      {"login.title", {"登录", "Sign in"}},
      {"login.user", {"用户名", "User name"}},
      {"login.password", {"密码", "Password"}},
      {"login.submit", {"登录", "Sign in"}},
      {"login.wrong", {"用户名或密码不对。", "The user name or password is wrong."}},
      {"login.locked", {"尝试次数过多，账号已锁定，请 %d 分钟后再试。", "Too many tries: the account is locked for %d more minutes."}},
      {"login.expired", {"页面已过期，请重新登录。", "This page has expired: please sign in again."}},
      {"logout", {"退出", "Sign out"}},
      {"nav.home", {"门店", "Stores"}},
      {"home.title", {"您可查看的门店", "Stores you can see"}},
      {"home.none", {"您的账号还没有可查看的门店。", "Your account has no stores to see yet."}},
      {"col.store", {"门店", "Store"}},
      {"col.region", {"区域", "Region"}},
      {"col.kiosks", {"终端数", "Kiosks"}},
      {"col.complaints", {"投诉数", "Complaints"}},
      {"role.chain", {"总部", "Head office"}},
      {"role.region", {"区域", "Region"}},
      {"role.store", {"门店", "Store"}},
      {"ticket.title", {"投诉进度查询", "Complaint status"}},
      {"ticket.number", {"工单号", "Ticket"}},
      {"ticket.filed", {"登记日期", "Filed"}},
      {"ticket.status", {"当前状态", "Status"}},
      {"ticket.case", {"平台案件号", "Platform case"}},
      {"ticket.deadline", {"处理期限", "To be settled by"}},
      {"ticket.store", {"受理门店", "Store"}},
      {"ticket.unknown", {"没有找到这个工单号。工单刚登记时，可能需要几分钟才能查到。",
                          "No complaint has this ticket. A new ticket can take a few minutes to show here."}},
      {"ticket.note", {"本页不显示任何个人信息。如有疑问，请拨打 12315 或到服务台咨询。",
                       "This page shows no personal data. Questions: call 12315 or ask at the service desk."}},
      {"status.received", {"已登记", "Received"}},
      {"status.accepted", {"平台已受理", "Accepted by the platform"}},
      {"status.mediating", {"调解中", "Being mediated"}},
      {"status.settled", {"已和解", "Settled"}},
      {"status.not_settled", {"未和解", "Not settled"}},
      {"status.closed", {"已办结", "Closed"}},
      {"status.transferred", {"已转办", "Transferred"}},
      {"error.not_found", {"没有这个页面。", "There is no such page."}},
      {"error.forbidden", {"您的账号不能查看这个页面。", "Your account may not see this page."}},
      {"period.week", {"本周", "This week"}},
      {"period.month", {"本月", "This month"}},
      {"period.quarter", {"本季度", "This quarter"}},
      {"period.custom", {"自定义日期", "Custom dates"}},
      {"period.bad_kind", {"没有这种统计期间。", "There is no such period."}},
      {"period.bad_date", {"日期不对，请按 年-月-日 填写，例如 2026-11-01。", "A date is wrong: write it as YYYY-MM-DD, e.g. 2026-11-01."}},
      {"period.backwards", {"结束日期早于开始日期。", "The end date is before the start date."}},
      {"period.too_long", {"自定义期间最长一年（366 天）。", "A custom period is at most a year (366 days)."}},
      // [SECTION] texts of the overview, deadline board and kiosks pages
      {"nav.overview", {"概览", "Overview"}},
      {"nav.deadlines", {"处理期限", "Deadlines"}},
      {"nav.kiosks", {"终端", "Kiosks"}},
      {"csv.download", {"导出 CSV", "Download CSV"}},
      {"col.store_id", {"门店编号", "Store ID"}},
      {"cat.goods", {"商品", "Goods"}},
      {"cat.service", {"服务", "Service"}},
      {"ov.title", {"投诉处理概览", "Complaints overview"}},
      {"ov.chain", {"全连锁", "Whole chain"}},
      {"ov.period", {"统计期间", "Period"}},
      {"ov.from", {"开始日期（自定义）", "From (custom)"}},
      {"ov.to", {"结束日期（自定义）", "To (custom)"}},
      {"ov.show", {"查看", "Show"}},
      {"ov.period_line", {"统计 %s 至 %s 登记的投诉，对比上期 %s 至 %s。", "Complaints filed %s to %s, compared with %s to %s."}},
      {"ov.received", {"收到投诉", "Complaints received"}},
      {"ov.settlement", {"和解率", "Settlement rate"}},
      {"ov.ontime", {"按期办结率", "On-time rate"}},
      {"ov.satisfaction", {"满意度（5 分制）", "Satisfaction (of 5)"}},
      {"ov.comp_count", {"先行赔付笔数", "Compensation first (count)"}},
      {"ov.comp_amount", {"先行赔付金额（元）", "Compensation first (yuan)"}},
      {"ov.no_previous", {"上期无可比数据", "Nothing to compare with"}},
      {"ov.delta_points", {"较上期 %s %.1f 个百分点", "%s %.1f points vs. the period before"}},
      {"ov.delta_count", {"较上期 %s %.0f", "%s %.0f vs. the period before"}},
      {"ov.delta_value", {"较上期 %s %.2f", "%s %.2f vs. the period before"}},
      {"ov.delta_yuan", {"较上期 %s %s 元", "%s ¥%s vs. the period before"}},
      {"ov.sat_chart", {"满意度分布", "Satisfaction scores"}},
      {"ov.score", {"%d 分", "%d of 5"}},
      {"ov.rank_chart", {"需要关注的门店", "Stores to look at"}},
      {"ov.chart_settlement", {"各门店和解率（低者在前）", "Settlement rate by store, lowest first"}},
      {"ov.chart_ontime", {"各门店按期办结率（低者在前）", "On-time rate by store, lowest first"}},
      {"ov.chart_satisfaction", {"各门店满意度（低者在前）", "Satisfaction by store, lowest first"}},
      {"ov.chart_received", {"各门店收到投诉（多者在前）", "Complaints by store, most first"}},
      {"ov.ranking", {"门店排名", "Stores ranked"}},
      {"ov.ranking_note", {"最需要关注的门店排在最前。点击列名按该项排序；红色柱表示差于整体水平。",
                           "The stores that need attention most come first. Click a heading to rank by it; a red bar is worse than the whole."}},
      {"dl.title", {"处理期限", "Deadlines"}},
      {"dl.note", {"所有未办结投诉，按剩余工作日排列，已逾期的在最前。期限为登记后第 10 个工作日（按国家调休安排）。",
                   "Every open complaint by working days left, overdue first. The deadline is the 10th working day after filing (China's adjusted-workday calendar)."}},
      {"dl.count.overdue", {"已逾期", "Overdue"}},
      {"dl.count.soon", {"两个工作日内到期", "Due within 2 working days"}},
      {"dl.count.open", {"未办结合计", "Open in all"}},
      {"dl.list", {"未办结投诉", "Open complaints"}},
      {"dl.none", {"没有未办结的投诉。", "No complaint is open."}},
      {"dl.col.days", {"剩余期限", "Time left"}},
      {"dl.col.days_n", {"剩余工作日", "Working days left"}},
      {"dl.col.business", {"被投诉经营者", "Business"}},
      {"dl.col.category", {"类别", "Category"}},
      {"dl.col.status", {"平台状态", "Platform status"}},
      {"dl.col.case", {"平台案件号", "Case number"}},
      {"dl.col.ticket", {"工单号", "Ticket"}},
      {"dl.col.filed", {"登记日期", "Filed"}},
      {"dl.col.deadline", {"处理期限", "Deadline"}},
      {"dl.overdue_by", {"逾期 %lld 个工作日", "%lld working days overdue"}},
      {"dl.overdue_by_one", {"逾期 %lld 个工作日", "%lld working day overdue"}},
      {"dl.days_left_one", {"剩 %lld 个工作日", "%lld working day left"}},
      {"dl.due_today", {"今天到期", "Due today"}},
      {"dl.days_left", {"剩 %lld 个工作日", "%lld working days left"}},
      {"dl.page_of", {"第 %lld 页，共 %lld 页", "Page %lld of %lld"}},
      {"dl.prev", {"上一页", "Previous"}},
      {"dl.next", {"下一页", "Next"}},
      {"ks.title", {"终端状态", "Kiosks"}},
      {"ks.note", {"每台终端最近一次心跳报告的状态。超过 %d 分钟没有心跳、或有暂扣未发的投诉的终端标出。",
                   "What each kiosk said in its latest heartbeat. Kiosks silent for more than %d minutes, or holding items back, are marked."}},
      {"ks.count.silent", {"失联终端", "Silent kiosks"}},
      {"ks.count.holding", {"有暂扣项目", "Holding items"}},
      {"ks.count.all", {"终端合计", "Kiosks in all"}},
      {"ks.list", {"全部终端", "Every kiosk"}},
      {"ks.none", {"还没有登记的终端。", "No kiosk is registered yet."}},
      {"ks.col.kiosk", {"终端", "Kiosk"}},
      {"ks.col.state", {"状况", "State"}},
      {"ks.col.heard", {"最近心跳", "Last heartbeat"}},
      {"ks.col.version", {"版本", "Version"}},
      {"ks.col.outbox", {"待发 / 暂扣", "Pending / held"}},
      {"ks.col.gateway", {"最近成功上报平台", "Gateway last success"}},
      {"ks.col.clock", {"时钟偏差", "Clock offset"}},
      {"ks.col.disk", {"剩余磁盘", "Disk free"}},
      {"ks.col.printer", {"打印机", "Printer"}},
      {"ks.outbox", {"%s：待发 %lld，暂扣 %lld", "%s: %lld pending, %lld held"}},
      {"ks.dest.gateway", {"12315 平台", "12315 gateway"}},
      {"ks.dest.hub", {"总部", "Head office"}},
      {"ks.silent", {"失联", "Silent"}},
      {"ks.never", {"从未联系", "Never heard"}},
      {"ks.holding", {"有暂扣", "Holding items"}},
      {"ks.ok", {"正常", "OK"}},
      {"ks.printer.none", {"未配置", "None configured"}},
      {"ks.printer.ok", {"正常", "OK"}},
      {"ks.printer.ready", {"正常", "Ready"}},
      {"ks.printer.paper_low", {"纸将用完", "Paper low"}},
      {"ks.printer.not_answering", {"无响应", "Not answering"}},
      {"ks.printer.unknown", {"状态未知", "Unknown"}},
      {"ks.printer.paper_out", {"缺纸", "Out of paper"}},
      {"ks.printer.offline", {"离线", "Offline"}},
      {"ks.printer.cover_open", {"机盖打开", "Cover open"}},
      {"ks.printer.error", {"故障", "Error"}},
      {"ks.held_reason", {"暂扣原因：终端心跳只报告每个去向的暂扣数量，不带原因；请在该终端的员工同步面板查看每一项的原因。",
                          "Why an item is held: a kiosk's heartbeat reports only how many items each destination holds, not why; the kiosk's staff sync panel shows each item's reason."}},

      // [SECTION] texts of the store page, complaint detail, exports and the monthly report

  };
  return t;
}

}  // namespace

Lang lang_from(std::string_view q, std::string_view accept) {
  if (q == "en") return Lang::en;
  if (q == "zh") return Lang::zh;
  // The first language the browser asks for decides; Chinese unless it is English.
  return accept.substr(0, 2) == "en" ? Lang::en : Lang::zh;
}

const char* lang_tag(Lang l) { return l == Lang::en ? "en" : "zh-CN"; }

const char* tr(Lang l, const char* key) {
  auto it = table().find(key);
  if (it == table().end()) return key;
  return l == Lang::en ? it->second.en : it->second.zh;
}

}  // namespace odr::hub::web
