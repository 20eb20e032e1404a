// Messages for the shopper (and staff): the field in words, then what to do.
// Keyed on the stable codes of validate.h; wire paths never reach the screen.
#include <string>

#include "validate.h"

namespace odr {

namespace {

struct Label {
  const char* field;
  const char* zh;
  const char* en;
};

const Label kLabels[] = {
    {"id", "编号", "Reference number"},
    {"ticket", "受理号", "Ticket number"},
    {"kiosk_id", "终端编号", "Kiosk number"},
    {"channel", "登记方式", "How the complaint was entered"},
    {"created_at", "提交时间", "Time submitted"},
    {"locale", "语言", "Language"},
    {"respondent.name", "被投诉商家名称", "Name of the business"},
    {"respondent.credit_code", "商家统一社会信用代码", "Business's unified social credit code"},
    {"respondent.address", "商家地址", "Address of the business"},
    {"respondent.region_code", "商家所在地区", "Region of the business"},
    {"respondent.booth", "商铺号", "Shop unit number"},
    {"consumer.name", "您的姓名", "Your name"},
    {"consumer.phone", "您的手机号码", "Your mobile number"},
    {"consumer.address", "您的联系地址", "Your postal address"},
    {"category.kind", "商品或服务", "Goods or service"},
    {"category.code", "类别", "Category"},
    {"category.problems", "问题类型", "Type of problem"},
    {"purchase.item", "购买的商品或服务", "What you bought or used"},
    {"purchase.date", "购买日期", "Date of purchase"},
    {"purchase.amount_fen", "金额", "Amount paid"},
    {"purchase.place", "购买地点", "Place of purchase"},
    {"purchase.order_no", "订单号", "Order number"},
    {"description", "投诉内容", "What happened"},
    {"demand.types", "您的诉求", "What you ask for"},
    {"demand.amount_fen", "要求的金额", "Amount you claim"},
    {"demand.text", "诉求说明", "Details of what you ask for"},
    {"consent.notice_version", "隐私告知", "Privacy notice"},
    {"consent.accepted_at", "隐私告知的同意", "Agreement to the privacy notice"},
    {"consent.transfer_to_platform", "同意将信息提交至12315平台", "Agreement to send your complaint to the 12315 platform"},
    {"complaint_id", "所属投诉", "Complaint"},
    {"type", "处理类型", "Kind of record"},
    {"method", "处理方式", "How it was handled"},
    {"at", "时间", "Time"},
    {"staff_id", "工作人员", "Staff member"},
    {"data.note", "备注", "Note"},
    {"data.outcomes", "和解结果", "What was agreed"},
    {"data.amount_fen", "金额", "Amount"},
    {"data.reason", "原因", "Reason"},
    {"data.score", "满意度评分", "Satisfaction score"},
    {"data.comment", "评价", "Comment"},
};

std::string label(const std::string& field, bool zh) {
  for (const auto& l : kLabels)
    if (field == l.field) return zh ? l.zh : l.en;
  return zh ? "此项" : "This field";
}

bool is(const FieldError& e, const char* code) { return e.code == code; }

}  // namespace

// What exactly is wrong with a mobile number (validate.cpp's phone_detail).
static std::string phone_message(const std::string& detail, bool zh) {
  if (detail == "digits") return zh ? "只能填写数字" : "digits only, please";
  if (detail.rfind("length:", 0) == 0) {
    const std::string n = detail.substr(7);
    return zh ? "手机号码是 11 位，这里是 " + n + " 位" : "a mobile number has 11 digits; this one has " + n;
  }
  if (detail == "first") return zh ? "手机号码以 1 开头" : "a mobile number starts with 1";
  if (detail.rfind("prefix:", 0) == 0) {
    const std::string p = detail.substr(7);
    return zh ? "没有以 " + p + " 开头的手机号码，请核对第 2 位数字"
              : "no mainland mobile number starts with " + p + ": please check the second digit";
  }
  return zh ? "请填写 11 位手机号码" : "please enter an 11-digit mainland mobile number";
}

std::string error_message(const FieldError& e, const std::string& locale) {
  const bool zh = locale.rfind("zh", 0) == 0;
  const std::string name = label(e.field, zh);
  const LengthLimits lim = field_length_limits(e.field);
  const std::string sep = zh ? "：" : ": ";
  std::string what;

  if (is(e, err::required)) {
    what = zh ? "请填写" : "please fill this in";
    // Chosen from a list or a calendar, not typed.
    if (e.field.rfind("respondent.", 0) == 0 || e.field == "category.kind" || e.field == "category.code" ||
        e.field == "purchase.date" || e.field == "locale" || e.field == "channel")
      what = zh ? "请选择" : "please choose one";
    else if (e.field == "category.problems" || e.field == "demand.types" || e.field == "data.outcomes")
      what = zh ? "请至少选择一项" : "please choose at least one";
    else if (e.field == "data.score")
      what = zh ? "请选择 1 到 5 星" : "please choose 1 to 5 stars";
  } else if (is(e, err::too_short)) {
    what = zh ? "太短了，请至少填写 " + std::to_string(lim.min) + " 个字"
              : "too short, please write at least " + std::to_string(lim.min) + " characters";
  } else if (is(e, err::too_long)) {
    what = zh ? "太长了，最多 " + std::to_string(lim.max) + " 个字"
              : "too long, at most " + std::to_string(lim.max) + " characters";
  } else if (is(e, err::bad_utf8)) {
    what = zh ? "含有无法识别的字符，请重新输入" : "contains characters that cannot be read, please type it again";
  } else if (is(e, err::control_chars)) {
    what = zh ? "含有不可见的控制字符，请删除后重新输入"
              : "contains invisible control characters, please delete and type it again";
  } else if (is(e, err::bad_phone)) {
    what = phone_message(e.detail, zh);
  } else if (is(e, err::bad_credit_code)) {
    what = zh ? "不是有效的 18 位统一社会信用代码，请对照营业执照核对"
              : "not a valid 18-character code, please check it against the business licence";
  } else if (is(e, err::bad_region_code)) {
    what = zh ? "不是有效的 6 位行政区划代码" : "not a valid 6-digit region code";
  } else if (is(e, err::bad_date)) {
    what = zh ? "日期无效，请重新选择" : "not a valid date, please choose it again";
  } else if (is(e, err::future_date)) {
    what = zh ? "不能晚于今天" : "cannot be later than today";
  } else if (is(e, err::bad_time)) {
    what = zh ? "时间无效" : "not a valid time";
  } else if (is(e, err::bad_amount)) {
    what = zh ? "金额不能为负数" : "the amount cannot be negative";
  } else if (is(e, err::amount_too_large)) {
    what = zh ? "金额过大，请核对（最多 100 万元）" : "the amount is too large, please check it (at most 1,000,000 yuan)";
  } else if (is(e, err::bad_choice)) {
    what = zh ? "请从列表中选择" : "please choose from the list";
  } else if (is(e, err::bad_id)) {
    what = zh ? "编号格式不正确" : "the number is not in the right form";
  } else if (is(e, err::consent_missing)) {
    what = zh ? "需要您的同意才能提交投诉" : "we need your agreement before the complaint can be sent";
  } else if (is(e, err::bad_score)) {
    what = zh ? "请选择 1 到 5 星" : "please choose 1 to 5 stars";
  } else if (is(e, err::implausible_time)) {
    what = zh ? "时间不合理（晚于现在，或早于一年前），请核对设备时钟"
              : "not a plausible time (later than now, or more than a year ago), please check the clock";
  } else if (is(e, err::hidden_chars)) {
    what = zh ? "含有不可见的排版字符（如文字方向符），请删除后重新输入"
              : "contains invisible formatting characters (such as text direction marks), please delete and type it again";
  } else if (is(e, err::not_allowed)) {
    what = zh ? "此类记录不应填写此项" : "should be left empty for this kind of record";
  } else {
    what = zh ? "填写有误，请检查" : "something is wrong, please check it";
  }
  return name + sep + what;
}

}  // namespace odr
