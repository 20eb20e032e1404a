// A receipt printer in software, for tests: reads an ESC/POS byte stream
// the way an Epson-compatible thermal printer does and gives back what it
// would print: the text of each line (GB18030 / GBK double bytes in Chinese
// mode, or UTF-8, decoded with iconv) and the paper as a 1-bit image (text in
// Noto Sans CJK, raster images, QR codes drawn from GS ( k with libqrencode,
// as a printer's firmware does). Written from the command reference, not
// from the kiosk's encoder: the two must agree byte by byte to pass.
//
// Anything it does not know is listed in `problems` (a decoder that skips
// what it does not understand would hide a broken encoder).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace odr::test {

struct PrintedReceipt {
  std::vector<std::string> lines;  // the text of each printed line (LF), UTF-8
  std::vector<std::string> qr_data;  // what each GS ( k QR code printed held
  int images = 0;                  // GS v 0 raster images printed
  int cuts = 0;
  int status_queries = 0;          // DLE EOT in the stream
  std::vector<std::string> problems;
  // The paper: width dots across, 0 = paper (white), 1 = ink.
  int width = 0, height = 0;
  std::vector<unsigned char> ink;

  std::string text() const;  // the lines joined with '\n'
  bool inked(int x, int y) const { return ink[static_cast<size_t>(y) * width + x] != 0; }
  // Black on white, with a grey edge so the paper shows on a white page.
  bool save_png(const std::string& path) const;
};

struct DecodeOptions {
  int width_dots = 576;                   // 80 mm; 58 mm: 384
  std::string chinese_encoding = "GB18030";  // what the printer's Chinese mode reads (FS &)
  std::string font = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
  std::string bold_font = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc";
  bool render_text = true;  // glyphs on the image (off: text only, faster)
};

PrintedReceipt decode_escpos(std::string_view bytes, const DecodeOptions& o = {});

// QR codes found on the paper by zbar (support/qr_scan.h).
std::vector<std::string> scan_receipt_qr(const PrintedReceipt& r);

}  // namespace odr::test
