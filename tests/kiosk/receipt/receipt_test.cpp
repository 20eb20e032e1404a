// The receipt encoder, read back by the software printer (support/
// escpos_decoder.h): the text as a printer decodes it from GB18030 (GBK,
// UTF-8), the QR code found on the printed image by zbar, in both QR modes
// and on both paper widths, and text that cannot turn into commands.
#include "receipt/receipt.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "support/escpos_decoder.h"
#include "support/temp.h"

using namespace odr;
using namespace odr::kiosk;

namespace {

const char* kUrl = "https://odr.example.com/ticket/A01-261128-0042?kiosk=demo-kiosk-01";

Receipt sample() {
  Receipt r;
  r.store_name = "金陵购物中心";
  r.title = "消费投诉受理凭条";
  r.ticket_label = "受理号";
  r.ticket = "A01-261128-0042";
  r.facts = {{"提交时间", "2026-11-28 10:00"}, {"投诉商家", "步步高鞋业 (2F-21)"}, {"联系电话", "138****1234"}};
  r.notes = {"商家将在10个工作日内与您联系并协商处理。", "投诉将提交至全国12315平台跟进。"};
  r.qr = kUrl;
  r.qr_caption = "扫码查询处理进度";
  r.footer = "请妥善保管本凭条";
  return r;
}

bool has_line(const test::PrintedReceipt& p, const std::string& want) {
  for (const std::string& l : p.lines)
    if (l.find(want) != std::string::npos) return true;
  return false;
}

test::PrintedReceipt print(const Receipt& r, const ReceiptFormat& f, const std::string& encoding = "GB18030") {
  test::DecodeOptions o;
  o.width_dots = f.width_dots;
  o.chinese_encoding = encoding;
  return test::decode_escpos(encode_receipt(r, f), o);
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "\n";
  return s;
}

}  // namespace

TEST(Receipt, Gb18030TextAndNativeQrReadBackAsPrinted) {
  const std::string bytes = encode_receipt(sample(), {});
  // Chinese as GB18030 double bytes, never as UTF-8 (受 = E5 8F 97 in UTF-8, CA DC in GB18030).
  EXPECT_EQ(bytes.find("\xE5\x8F\x97"), std::string::npos);
  EXPECT_NE(bytes.find("\xCA\xDC\xC0\xED\xBA\xC5"), std::string::npos) << "受理号 in GB18030";

  test::PrintedReceipt p = test::decode_escpos(bytes);
  EXPECT_TRUE(p.problems.empty()) << join(p.problems);
  for (const char* want : {"金陵购物中心", "消费投诉受理凭条", "受理号", "A01-261128-0042", "提交时间", "2026-11-28 10:00",
                           "投诉商家", "步步高鞋业 (2F-21)", "联系电话", "138****1234", "10个工作日内", "扫码查询处理进度",
                           "请妥善保管本凭条"})
    EXPECT_TRUE(has_line(p, want)) << want << "\n" << p.text();
  ASSERT_EQ(p.qr_data.size(), 1u);
  EXPECT_EQ(p.qr_data[0], kUrl);
  EXPECT_EQ(p.images, 0);
  EXPECT_EQ(p.cuts, 1);
  // The code the printer draws is one a phone reads.
  EXPECT_EQ(test::scan_receipt_qr(p), std::vector<std::string>{kUrl});
  // The ticket number stands out: printed at three times the size.
  EXPECT_GT(p.height, 900);
  const std::string png = test::fresh_dir("receipt") + "/receipt-80mm-native.png";
  EXPECT_TRUE(p.save_png(png)) << png;
}

TEST(Receipt, ImageQrForPrintersWithoutGsK) {
  ReceiptFormat f;
  f.qr = QrMode::image;
  test::PrintedReceipt p = print(sample(), f);
  EXPECT_TRUE(p.problems.empty()) << join(p.problems);
  EXPECT_TRUE(p.qr_data.empty()) << "no GS ( k in image mode";
  EXPECT_EQ(p.images, 1);
  EXPECT_EQ(test::scan_receipt_qr(p), std::vector<std::string>{kUrl});
  EXPECT_TRUE(has_line(p, "A01-261128-0042"));
}

TEST(Receipt, FiftyEightMillimetrePaperFitsEveryLine) {
  ReceiptFormat f;
  f.width_dots = width_dots_for_paper(58);
  Receipt r = sample();
  r.notes.push_back("The business contacts you and settles within 10 working days; keep this receipt.");
  for (QrMode q : {QrMode::native, QrMode::image}) {
    f.qr = q;
    test::PrintedReceipt p = print(r, f);
    // The decoder names any line wider than the paper.
    EXPECT_TRUE(p.problems.empty()) << join(p.problems);
    EXPECT_TRUE(has_line(p, "A01-261128-0042"));
    EXPECT_EQ(test::scan_receipt_qr(p), std::vector<std::string>{kUrl});
  }
}

TEST(Receipt, GbkAndUtf8AsConfigured) {
  Receipt r = sample();
  r.footer = "谢谢 😀 𠀀";  // an emoji and a CJK Extension B character: in GB18030, not in GBK
  ReceiptFormat f;
  test::PrintedReceipt gb = print(r, f);
  EXPECT_TRUE(gb.problems.empty()) << join(gb.problems);
  EXPECT_TRUE(has_line(gb, "谢谢 😀 𠀀")) << gb.text();

  f.encoding = TextEncoding::gbk;
  test::PrintedReceipt gbk = print(r, f, "GBK");
  EXPECT_TRUE(gbk.problems.empty()) << join(gbk.problems);
  EXPECT_TRUE(has_line(gbk, "谢谢 ? ?")) << gbk.text();
  EXPECT_TRUE(has_line(gbk, "金陵购物中心"));

  f.encoding = TextEncoding::utf8;
  const std::string bytes = encode_receipt(r, f);
  EXPECT_NE(bytes.find("\x1C(C\x02\x00\x30\x02", 0, 7), std::string::npos) << "FS ( C: UTF-8";
  test::PrintedReceipt u = test::decode_escpos(bytes);
  EXPECT_TRUE(u.problems.empty()) << join(u.problems);
  EXPECT_TRUE(has_line(u, "金陵购物中心"));
  EXPECT_TRUE(has_line(u, "谢谢 😀 𠀀"));
}

TEST(Receipt, TextNeverBecomesACommand) {
  Receipt r = sample();
  // ESC @, GS V B 0, DLE EOT 1: a reset, a cut and a status query, if they got through.
  r.facts[1].value = std::string("Shop\x1B@\x1DV\x42\x00 name\x10\x04\x01", 18);
  test::PrintedReceipt p = print(r, {});
  EXPECT_TRUE(p.problems.empty()) << join(p.problems);
  EXPECT_EQ(p.cuts, 1) << "one cut: at the end";
  EXPECT_EQ(p.status_queries, 0);
  EXPECT_TRUE(has_line(p, "Shop@VB name")) << p.text();
}

TEST(Receipt, NoQrWhenThereIsNone) {
  Receipt r = sample();
  r.qr.clear();
  test::PrintedReceipt p = print(r, {});
  EXPECT_TRUE(p.problems.empty()) << join(p.problems);
  EXPECT_TRUE(p.qr_data.empty());
  EXPECT_TRUE(test::scan_receipt_qr(p).empty());
  EXPECT_TRUE(has_line(p, "A01-261128-0042"));
}

TEST(ReceiptText, WrapsByColumnsKeepingWordsAndClosingMarks) {
  using V = std::vector<std::string>;
  EXPECT_EQ(wrap_columns("商家将在10个工作日内与您联系", 12), (V{"商家将在10个", "工作日内与您", "联系"}));
  // 。 never starts a line: the character before it comes down too.
  EXPECT_EQ(wrap_columns("一二三四五。六", 10), (V{"一二三四", "五。六"}));
  EXPECT_EQ(wrap_columns("keep this receipt, please", 12), (V{"keep this", "receipt,", "please"}));
  EXPECT_EQ(wrap_columns("ABCDEFGHIJKLMNOP", 6), (V{"ABCDEF", "GHIJKL", "MNOP"}));
  EXPECT_EQ(wrap_columns("a\nb", 10), (V{"a", "b"}));
  for (const std::string& l : wrap_columns("投诉将提交至全国12315平台跟进。Your complaint goes to the platform.", 20))
    EXPECT_LE(text_columns(l), 20) << l;
}

TEST(ReceiptText, EncodingsAndUnencodable) {
  EXPECT_EQ(encode_text("受理号", TextEncoding::gb18030), "\xCA\xDC\xC0\xED\xBA\xC5");
  EXPECT_EQ(encode_text("受理号", TextEncoding::gbk), "\xCA\xDC\xC0\xED\xBA\xC5");
  EXPECT_EQ(encode_text("受理号", TextEncoding::utf8), "受理号");
  EXPECT_EQ(encode_text("€😀", TextEncoding::gbk), "\x80?") << "GBK has the euro sign at 0x80, no emoji";
  EXPECT_EQ(encode_text("😀", TextEncoding::gb18030).size(), 4u) << "GB18030 has four-byte codes for all of Unicode";
  EXPECT_EQ(encode_text("a\x1b" "b\xff", TextEncoding::gb18030), "a b?");
  EXPECT_EQ(encoding_from_name("GBK"), TextEncoding::gbk);
  EXPECT_EQ(encoding_from_name("UTF-8"), TextEncoding::utf8);
  EXPECT_EQ(encoding_from_name("GB18030"), TextEncoding::gb18030);
  EXPECT_EQ(qr_mode_from_name("image"), QrMode::image);
  EXPECT_EQ(width_dots_for_paper(58), 384);
}
