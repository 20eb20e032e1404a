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
