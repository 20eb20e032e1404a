// A complaint and events that pass every rule, for tests to start from and
// break one field at a time.
#pragma once
#include "model/complaint.h"

namespace odr::test {

// 2026-11-28T10:00:00+08:00
inline constexpr int64_t kNowS = 1795831200;

inline Complaint sample_complaint() {
  Complaint c;
  c.channel = "self_service";
  c.locale = "zh-CN";
  c.respondent.name = "星光百货三楼某服饰店";
  c.respondent.credit_code = "91350100M000100Y43";
  c.respondent.address = "南京市鼓楼区中山路 100 号";
  c.respondent.region_code = "320106";
  c.respondent.booth = "3F-12";
  c.consumer.name = "张三";
  c.consumer.phone = "13812341234";
  c.consumer.address = "南京市玄武区北京东路 1 号";
  c.category.kind = "goods";
  c.category.code = "clothing";
  c.category.problems = {"product_quality", "after_sales"};
  c.purchase.item = "羊毛大衣";
  c.purchase.date = "2026-11-20";
  c.purchase.amount_fen = 129900;
  c.purchase.place = "三楼 3F-12";
  c.description = "大衣穿了一次就起球，商家拒绝退换。\n要求退货。";
  c.demand.types = {"return", "refund"};
  c.demand.amount_fen = 129900;
  c.demand.text = "全额退款";
  c.consent.notice_version = "2026-01";
  c.consent.accepted_at = "2026-11-28T09:58:00+08:00";
  c.consent.transfer_to_platform = true;
  return c;
}

inline Event sample_event(const std::string& complaint_id, const std::string& type) {
  Event e;
  e.complaint_id = complaint_id;
  e.type = type;
  if (is_staff_event(type)) {
    e.method = "on_site";
    e.staff_id = "staff-007";
  }
  if (type == "first_response") e.data.note = "已联系商家";
  if (type == "settled") {
    e.data.outcomes = {"refund"};
    e.data.amount_fen = 129900;
  }
  if (type == "not_settled") e.data.reason = "商家不同意";
  if (type == "compensation_prepaid") e.data.amount_fen = 50000;
  if (type == "satisfaction") {
    e.data.score = 5;
    e.data.comment = "很满意";
  }
  if (type == "withdrawn") e.data.reason = "已自行解决";
  return e;
}

}  // namespace odr::test
