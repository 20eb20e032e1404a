// The receipt as ESC/POS: Epson's command set, which the thermal printers
// sold in China follow (Chinese mode: FS &, GB18030 double bytes in 24 dots).
#include "receipt/receipt.h"

#include <qrencode.h>

#include <algorithm>
#include <cstdint>

namespace odr::kiosk {

namespace {

constexpr char ESC = 0x1B, GS = 0x1D, FS = 0x1C, LF = 0x0A;
constexpr int kColumnDots = 12;  // font A: 12 x 24 dots

struct Out {
  std::string b;
  const ReceiptFormat& f;
  int columns() const { return f.width_dots / kColumnDots; }
  void raw(std::initializer_list<int> bytes) {
    for (int x : bytes) b += static_cast<char>(x);
  }
  void align(int n) { raw({ESC, 'a', n}); }  // 0 left, 1 centre
  void bold(bool on) { raw({ESC, 'E', on ? 1 : 0}); }
  void size(int k) { raw({GS, '!', (k - 1) << 4 | (k - 1)}); }  // k times as wide and as high
  void text_line(std::string_view utf8) {
    b += encode_text(utf8, f.encoding);
    b += LF;
  }
  void gap(int dots) { raw({ESC, 'J', dots}); }  // a little paper between blocks
  void rule() {
    gap(6);
    text_line(std::string(static_cast<size_t>(columns()), '-'));
    gap(10);
  }
  void wrapped(std::string_view utf8, int cols) {
    for (const std::string& l : wrap_columns(utf8, cols)) text_line(l);
  }
};

// The largest size (1 to max) at which the text fits on one line.
int fitting_size(std::string_view utf8, const Out& o, int max) {
  const int cols = std::max(1, text_columns(utf8));
  return std::clamp(o.columns() / cols, 1, max);
}

void select_encoding(Out& o) {
  if (o.f.encoding == TextEncoding::utf8) {
    o.raw({FS, '.'});                         // leave Chinese mode
    o.raw({FS, '(', 'C', 2, 0, 48, 2});       // character encoding: UTF-8
  } else {
    o.raw({FS, '&'});  // Chinese mode: two bytes (four in GB18030) make one character
  }
}

void heading(Out& o, const Receipt& r) {
  o.align(1);
  if (!r.marker.empty()) o.wrapped(r.marker, o.columns());
  o.bold(true);
  const int k = fitting_size(r.store_name, o, 2);
  o.size(k);
  o.wrapped(r.store_name, o.columns() / k);
  o.size(1);
  o.bold(false);
  o.gap(6);
  if (!r.title.empty()) o.wrapped(r.title, o.columns());
  o.rule();
}

void ticket(Out& o, const Receipt& r) {
  o.align(1);
  o.text_line(r.ticket_label);
  o.gap(8);
  o.bold(true);
  const int k = fitting_size(r.ticket, o, 3);
  o.size(k);
  o.text_line(r.ticket);
  o.size(1);
  o.bold(false);
  o.rule();
}

// "label  value", values lined up, long ones wrapped under themselves.
void facts(Out& o, const Receipt& r) {
  if (r.facts.empty()) return;
  o.align(0);
  int label_w = 0;
  for (const ReceiptFact& x : r.facts) label_w = std::max(label_w, text_columns(x.label));
  label_w = std::min(label_w + 2, o.columns() / 2);
  for (const ReceiptFact& x : r.facts) {
    std::vector<std::string> lines = wrap_columns(x.value, o.columns() - label_w);
    if (lines.empty()) lines.emplace_back();
    for (size_t i = 0; i < lines.size(); ++i) {
      std::string lead = i == 0 ? x.label : std::string();
      lead += std::string(static_cast<size_t>(std::max(0, label_w - text_columns(lead))), ' ');
      o.text_line(lead + lines[i]);
    }
  }
  o.rule();
}

// The symbol's modules a side (error correction M, as the screen draws it); 0 when too long.
int qr_modules(const std::string& text) {
  QRcode* q = QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M);
  if (!q) return 0;
  const int w = q->width;
  QRcode_free(q);
  return w;
}

// Dots a module: about half the paper's width for the whole symbol, 3 to 8.
int module_dots(int modules, int width_dots) { return std::clamp(width_dots / 2 / modules, 3, 8); }

void qr_native(Out& o, const std::string& text, int dots) {
  const size_t n = text.size() + 3;
  o.raw({GS, '(', 'k', 4, 0, 49, 65, 50, 0});   // model 2
  o.raw({GS, '(', 'k', 3, 0, 49, 67, dots});    // module size
  o.raw({GS, '(', 'k', 3, 0, 49, 69, 49});      // error correction M
  o.raw({GS, '(', 'k', static_cast<int>(n & 0xFF), static_cast<int>(n >> 8), 49, 80, 48});
  o.b += text;
  o.raw({GS, '(', 'k', 3, 0, 49, 81, 48});      // print it
}

// A picture as wide as the paper, the code in its middle: no printer's
// justification of images is relied on.
void qr_image(Out& o, const std::string& text, int dots) {
  QRcode* q = QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M);
  if (!q) return;
  const int row_bytes = o.f.width_dots / 8, side = q->width * dots;
  const int rows = side + 4 * dots;  // two modules of white above and below
  const int x0 = (row_bytes * 8 - side) / 2, y0 = 2 * dots;
  std::string bits(static_cast<size_t>(row_bytes) * rows, '\0');
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x)
      if (q->data[(y / dots) * q->width + x / dots] & 1) {
        const int px = x0 + x, py = y0 + y;
        bits[static_cast<size_t>(py) * row_bytes + px / 8] |= static_cast<char>(0x80 >> (px % 8));
      }
  QRcode_free(q);
  o.raw({GS, 'v', '0', 0, row_bytes & 0xFF, row_bytes >> 8, rows & 0xFF, rows >> 8});
  o.b += bits;
}

void qr(Out& o, const Receipt& r) {
  const int modules = r.qr.empty() ? 0 : qr_modules(r.qr);
  if (modules == 0) return;
  const int dots = module_dots(modules, o.f.width_dots);
  o.align(1);
  if (o.f.qr == QrMode::native) {
    o.raw({ESC, 'd', 1});
    qr_native(o, r.qr, dots);
  } else {
    qr_image(o, r.qr, dots);
  }
  o.raw({ESC, 'd', 1});
  if (!r.qr_caption.empty()) o.wrapped(r.qr_caption, o.columns());
}

}  // namespace

TextEncoding encoding_from_name(std::string_view name) {
  if (name == "GBK") return TextEncoding::gbk;
  if (name == "UTF-8") return TextEncoding::utf8;
  return TextEncoding::gb18030;
}

QrMode qr_mode_from_name(std::string_view name) { return name == "image" ? QrMode::image : QrMode::native; }

int width_dots_for_paper(int paper_mm) { return paper_mm == 58 ? 384 : 576; }

std::string encode_receipt(const Receipt& r, const ReceiptFormat& f) {
  Out o{{}, f};
  o.raw({ESC, '@'});  // from the printer's defaults, whatever the last job left
  select_encoding(o);
  o.raw({ESC, '2'});  // default line spacing
  heading(o, r);
  ticket(o, r);
  facts(o, r);
  o.align(0);
  for (const std::string& n : r.notes) {
    o.wrapped(n, o.columns());
    o.gap(6);
  }
  qr(o, r);
  o.align(1);
  if (!r.footer.empty()) o.wrapped(r.footer, o.columns());
  o.align(0);
  if (f.cut) {
    o.raw({ESC, 'd', 3});
    o.raw({GS, 'V', 66, 0});  // feed to the cutter, partial cut
  } else {
    o.raw({ESC, 'd', 6});  // enough to tear off below the text
  }
  return o.b;
}

}  // namespace odr::kiosk
