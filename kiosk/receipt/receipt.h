// The printed ticket: what is on it (Receipt, plain text already in the
// shopper's language) and the ESC/POS bytes for it (encode_receipt, a pure
// function). No I/O here: kiosk/printer sends the bytes.
//
// Layout, top to bottom: store name (double size), title, the ticket number
// as large as the paper allows, "label  value" facts, the promise and other
// notes (wrapped), the QR code and its caption, a footer, then feed and cut.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace odr::kiosk {

struct ReceiptFact {
  std::string label;  // 提交时间
  std::string value;  // 2026-11-28 10:00
};

struct Receipt {
  std::string store_name;
  std::string title;         // 消费投诉受理凭条
  std::string marker;        // above everything, e.g. a reprint's "【补打】2026-11-30 14:05" (empty: none)
  std::string ticket_label;  // 受理号
  std::string ticket;        // A01-261128-0042
  std::vector<ReceiptFact> facts;
  std::vector<std::string> notes;  // paragraphs: the 10-working-day promise, what happens next
  std::string qr;                  // the QR code's content (empty: no code)
  std::string qr_caption;
  std::string footer;
};

enum class TextEncoding { gb18030, gbk, utf8 };
enum class QrMode { native, image };  // GS ( k, or a GS v 0 raster made here with libqrencode

struct ReceiptFormat {
  TextEncoding encoding = TextEncoding::gb18030;
  QrMode qr = QrMode::native;
  int width_dots = 576;  // 80 mm paper; 58 mm: 384
  bool cut = true;
};

// From the config's words ("GB18030", "GBK", "UTF-8"; "native", "image"; 80, 58).
TextEncoding encoding_from_name(std::string_view name);
QrMode qr_mode_from_name(std::string_view name);
int width_dots_for_paper(int paper_mm);

// The receipt as ESC/POS bytes. Text the encoding cannot hold prints as '?';
// a QR code too long for a QR symbol is left out (its caption too).
std::string encode_receipt(const Receipt& r, const ReceiptFormat& f);

// --- the pieces, for the encoder and its tests ------------------------------------
// UTF-8 to the printer's encoding with glibc iconv; each character it cannot
// hold becomes '?'. UTF-8 passes through (invalid bytes become '?').
std::string encode_text(std::string_view utf8, TextEncoding e);
// Columns a character takes in the printer's font A: 1 (12 dots), or 2 for
// CJK and full-width forms (24 dots).
int char_columns(char32_t c);
int text_columns(std::string_view utf8);
// Breaks text into lines of at most `columns`: at spaces for Latin words,
// between any two CJK characters, never leaving closing punctuation (，。、)
// at a line's start; '\n' always breaks.
std::vector<std::string> wrap_columns(std::string_view utf8, int columns);

}  // namespace odr::kiosk
