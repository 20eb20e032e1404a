// Sample complaints and events for every test, in one place: ones that pass
// every rule, to start from and break one field at a time.
//   sample_complaint()   fixed dates (kNowS): model, store and staff tests
//   valid_complaint(i)   numbered, dated from today: what a gateway accepts now
#pragma once
#include <string>

#include "model/complaint.h"
#include "model/validate.h"
#include "util/time.h"

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

// A complaint that passes every rule today (purchase yesterday, consent now).
inline Complaint valid_complaint(int i) {
  Complaint c;
  c.channel = "self_service";
  c.locale = i % 2 ? "en" : "zh-CN";
  c.respondent.name = "鲜丰超市";
  c.respondent.credit_code = "91320106MA1ABC2B3T";
  c.respondent.address = "江苏省南京市鼓楼区中山路88号 B1层";
  c.respondent.region_code = "320106";
  c.respondent.booth = "B1-01";
  c.consumer.name = "测试顾客" + std::to_string(i);
  c.consumer.phone = "139" + std::to_string(10000000 + i % 90000000);
  c.consumer.address = "南京市玄武区北京东路" + std::to_string(i + 1) + "号";
  c.category.kind = "goods";
  c.category.code = "G01";
  c.category.problems = {"food_safety"};
  c.purchase.item = "面包";
  c.purchase.date = local_date(now_unix_s() - 86400);
  c.purchase.amount_fen = 1200 + i;
  c.description = "买到的面包已经过期，商家拒绝退款。编号" + std::to_string(i);
  c.demand.types = {"refund"};
  c.consent.notice_version = "2026-11";
  c.consent.accepted_at = format_rfc3339(now_unix_s() - 60);
  c.consent.transfer_to_platform = true;
  return c;
}

inline Event staff_event(const std::string& complaint_id, const std::string& type) {
  Event e;
  e.complaint_id = complaint_id;
  e.type = type;
  e.method = "on_site";
  e.staff_id = "staff-001";
  if (type == "first_response") e.data.note = "已联系商家";
  if (type == "settled") {
    e.data.outcomes = {"refund"};
    e.data.amount_fen = 1200;
  }
  return e;
}

}  // namespace odr::test
