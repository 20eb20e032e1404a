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

      // [SECTION] texts of the store page, complaint detail, exports and the monthly report
      {"store.period", {"统计期间", "Period"}},
      {"store.from", {"开始日期", "From"}},
      {"store.to", {"结束日期", "To"}},
      {"store.filter", {"筛选", "Apply"}},
      {"store.status_any", {"全部状态", "Any status"}},
      {"store.status_open", {"未办结", "Open"}},
      {"store.category_any", {"全部类别", "Any category"}},
      {"store.export_csv", {"导出 CSV", "Export CSV"}},
      {"store.report", {"月度报告", "Monthly report"}},
      {"store.figures", {"本期数据", "This period"}},
      {"store.range", {"%s 至 %s", "%s to %s"}},
      {"store.compared", {"对比 %s", "compared with %s"}},
      {"store.points", {"个百分点", "pts"}},
      {"store.vs_before", {"较上期", "vs. before"}},
      {"store.card.received", {"投诉数", "Complaints"}},
      {"store.card.settlement", {"和解率", "Settlement rate"}},
      {"store.card.on_time", {"按时办结率", "On-time rate"}},
      {"store.card.satisfaction", {"满意度（均分）", "Satisfaction (mean)"}},
      {"store.card.compensation", {"先行赔付（笔 · 元）", "Compensation first (count · yuan)"}},
      {"store.card.compensation_first", {"先行赔付", "Compensation first"}},
      {"store.payments", {"%lld 笔", "%lld payments"}},
      {"report.on_time_n", {"按时办结（件）", "Ended on time"}},
      {"report.late_n", {"超期（件）", "Late"}},
      {"report.satisfaction", {"%.2f（%lld 个评价）", "%.2f (%lld ratings)"}},
      {"store.list", {"投诉列表", "Complaints"}},
      {"store.count", {"共 %lld 件", "%lld in all"}},
      {"store.none", {"这个期间没有符合条件的投诉。", "No complaint in this period matches."}},
      {"store.page_of", {"第 %d 页，共 %d 页", "Page %d of %d"}},
      {"store.prev", {"上一页", "Previous"}},
      {"store.next", {"下一页", "Next"}},
      {"store.col.ticket", {"工单号", "Ticket"}},
      {"store.col.filed", {"登记时间", "Filed"}},
      {"store.col.kiosk", {"终端", "Kiosk"}},
      {"store.col.business", {"被投诉商家", "Business"}},
      {"store.col.category", {"类别", "Category"}},
      {"store.col.status", {"状态", "Status"}},
      {"store.col.outcome", {"处理结果", "Outcome"}},
      {"store.col.deadline", {"处理期限", "Deadline"}},
      {"store.col.on_time", {"时效", "On time"}},
      {"store.col.case", {"平台案件号", "Platform case"}},
      {"store.col.satisfaction", {"满意度", "Satisfaction"}},
      {"store.col.comp_count", {"先行赔付笔数", "Paid first (count)"}},
      {"store.col.comp_yuan", {"先行赔付金额（元）", "Paid first (yuan)"}},
      {"store.col.consumer", {"消费者", "Consumer"}},
      {"store.col.phone", {"联系电话", "Phone"}},
      {"outcome.on_spot", {"当场和解", "Settled on the spot"}},
      {"outcome.platform", {"经平台和解", "Settled via the platform"}},
      {"outcome.not_settled", {"未和解", "Not settled"}},
      {"outcome.ended", {"已撤回或办结", "Withdrawn or closed"}},
      {"outcome.open", {"处理中", "Open"}},
      {"ontime.yes", {"按时", "On time"}},
      {"ontime.late", {"超期", "Late"}},
      {"ontime.within", {"期限内", "Within deadline"}},
      {"category.goods", {"商品", "Goods"}},
      {"category.service", {"服务", "Service"}},
      {"complaint.title", {"投诉 %s", "Complaint %s"}},
      {"complaint.channel", {"登记方式", "Filed by"}},
      {"complaint.self_service", {"消费者自助登记", "The consumer, self-service"}},
      {"complaint.staff_assisted", {"工作人员协助登记", "Staff, assisting the consumer"}},
      {"complaint.item", {"购买商品或服务", "Item or service"}},
      {"complaint.amount", {"购买金额", "Amount paid"}},
      {"complaint.amount_word", {"金额", "Amount"}},
      {"complaint.personal", {"消费者信息", "The consumer"}},
      {"complaint.address", {"地址", "Address"}},
      {"complaint.order_no", {"订单号", "Order number"}},
      {"complaint.description", {"投诉内容", "What happened"}},
      {"complaint.demand_text", {"诉求说明", "What they ask for"}},
      {"complaint.masked_note", {"个人信息已隐藏。完整信息仅总部和本门店可查看，每次查看都会记录。",
                                 "Personal data is masked. Only the head office and this store see it in full, and every view is recorded."}},
      {"complaint.kept_masked", {"总部按配置只保存隐去的个人信息。", "The hub keeps personal data masked only (its configuration)."}},
      {"complaint.kept_none", {"总部按配置不保存个人信息。", "The hub keeps no personal data (its configuration)."}},
      {"complaint.days_left", {"剩余 %d 个工作日", "%d working days left"}},
      {"complaint.overdue", {"已超期 %d 个工作日", "%d working days overdue"}},
      {"complaint.ended_on", {"%s 办结 · %s", "Ended %s · %s"}},
      {"complaint.estimated", {"期限按周一至周五估算（缺少节假日安排）。", "Estimated as Monday to Friday (no holiday calendar)."}},
      {"complaint.timeline", {"处理经过", "Timeline"}},
      {"complaint.step.filed", {"登记投诉", "Complaint filed"}},
      {"complaint.step.first_response", {"首次回应", "First response"}},
      {"complaint.step.settled", {"达成和解", "Settled"}},
      {"complaint.step.not_settled", {"未能和解", "Not settled"}},
      {"complaint.step.compensation_prepaid", {"先行赔付", "Compensation paid first"}},
      {"complaint.step.satisfaction", {"满意度评价", "Satisfaction rating"}},
      {"complaint.step.withdrawn", {"消费者撤回", "Withdrawn"}},
      {"complaint.step.platform_status", {"平台状态：", "Platform status:"}},
      {"complaint.by_staff", {"工作人员", "Staff"}},
      {"complaint.by_consumer", {"消费者", "The consumer"}},
      {"complaint.by_desk", {"服务台工作人员", "Service desk staff"}},
      {"complaint.by_platform", {"全国12315平台", "The 12315 platform"}},
      {"complaint.method.on_site", {"现场", "on site"}},
      {"complaint.method.phone", {"电话", "by phone"}},
      {"complaint.method.online", {"线上", "online"}},
      {"report.title", {"消费纠纷在线解决月度报告（%s）", "Monthly ODR report (%s)"}},
      {"report.made", {"制表日期：%s", "Made on %s"}},
      {"report.print_hint", {"用浏览器的“打印”（Ctrl+P）打印本页或存为 PDF。", "Print this page or save it as PDF with the browser's Print (Ctrl+P)."}},
      {"report.figures", {"本月数据", "The month's figures"}},
      {"report.complaints", {"本月登记的投诉", "Complaints filed this month"}},
      {"report.ended", {"办结日期", "Ended"}},
      {"report.sign_store", {"门店负责人（签字）：", "Store manager (signature):"}},
      {"report.sign_hq", {"总部消费纠纷负责人（签字）：", "Head office ODR manager (signature):"}},
      {"report.sign_date", {"日期：", "Date:"}},
      {"report.bad_month", {"月份不对，请按 年-月 填写，例如 2026-10。", "The month is wrong: write it as YYYY-MM, e.g. 2026-10."}},

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
