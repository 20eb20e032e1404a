// The software printer: Epson ESC/POS Application Programming Guide,
// standard mode, the commands a receipt needs. A line is laid out when LF
// (or a feed) prints it: characters 12 dots wide (ASCII) or 24 (a Chinese
// character) times the width factor, 24 dots high times the height factor,
// justified by ESC a; the paper then moves by the line spacing or the
// line's height, whichever is more.
#include "support/escpos_decoder.h"

#include <iconv.h>
#include <qrencode.h>
#include <stb/stb_image_write.h>
#include <stb/stb_truetype.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>

#include "support/qr_scan.h"

namespace odr::test {

namespace {

constexpr unsigned char ESC = 0x1B, GS = 0x1D, FS = 0x1C, DLE = 0x10, LF = 0x0A, CR = 0x0D;

std::string hex(unsigned char b) {
  char s[8];
  std::snprintf(s, sizeof s, "0x%02X", b);
  return s;
}

void append_utf8(std::string& s, char32_t c) {
  if (c < 0x80) {
    s += static_cast<char>(c);
  } else if (c < 0x800) {
    s += static_cast<char>(0xC0 | (c >> 6));
    s += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    s += static_cast<char>(0xE0 | (c >> 12));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (c >> 18));
    s += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// UTF-8 (one character) to a code point; 0xFFFD when it is not one.
char32_t first_codepoint(const std::string& u) {
  if (u.empty()) return 0xFFFD;
  const auto b = [&](size_t i) { return static_cast<unsigned char>(u[i]); };
  if (b(0) < 0x80) return b(0);
  if ((b(0) & 0xE0) == 0xC0 && u.size() >= 2) return (b(0) & 0x1F) << 6 | (b(1) & 0x3F);
  if ((b(0) & 0xF0) == 0xE0 && u.size() >= 3) return (b(0) & 0x0F) << 12 | (b(1) & 0x3F) << 6 | (b(2) & 0x3F);
  if ((b(0) & 0xF8) == 0xF0 && u.size() >= 4)
    return (b(0) & 0x07) << 18 | (b(1) & 0x3F) << 12 | (b(2) & 0x3F) << 6 | (b(3) & 0x3F);
  return 0xFFFD;
}

// A font file read once per process (a .ttc: face 2 is Simplified Chinese).
struct Font {
  std::vector<unsigned char> data;
  stbtt_fontinfo info{};
  bool ok = false;
};

const Font* load_font(const std::string& path) {
  static std::map<std::string, Font> fonts;
  auto it = fonts.find(path);
  if (it != fonts.end()) return it->second.ok ? &it->second : nullptr;
  Font& f = fonts[path];
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  const std::streamoff size = in ? static_cast<std::streamoff>(in.tellg()) : 0;
  f.data.resize(size > 0 ? static_cast<size_t>(size) : 0);
  in.seekg(0);
  in.read(reinterpret_cast<char*>(f.data.data()), static_cast<std::streamsize>(f.data.size()));
  if (!in) f.data.clear();
  if (!f.data.empty()) {
    const int n = stbtt_GetNumberOfFonts(f.data.data());
    const int offset = stbtt_GetFontOffsetForIndex(f.data.data(), n > 2 ? 2 : 0);
    f.ok = offset >= 0 && stbtt_InitFont(&f.info, f.data.data(), offset) != 0;
  }
  return f.ok ? &f : nullptr;
}

struct Glyph {
  char32_t c;
  int w, h;  // the cell, dots
  bool bold;
};

class SoftPrinter {
 public:
  SoftPrinter(std::string_view in, const DecodeOptions& o) : in_(in), o_(o) {
    r_.width = o.width_dots;
    cd_ = iconv_open("UTF-8", o.chinese_encoding.c_str());
    if (cd_ == reinterpret_cast<iconv_t>(-1)) problem("iconv cannot read " + o.chinese_encoding);
  }
  ~SoftPrinter() {
    if (cd_ != reinterpret_cast<iconv_t>(-1)) iconv_close(cd_);
  }

  PrintedReceipt run() {
    while (i_ < in_.size()) step();
    if (!line_.empty()) problem("text left in the buffer with no LF to print it");
    feed(24);  // the bit of paper past the last line
    return std::move(r_);
  }

 private:
  void problem(const std::string& p) { r_.problems.push_back("at byte " + std::to_string(i_) + ": " + p); }
  bool have(size_t n) {
    if (i_ + n <= in_.size()) return true;
    problem("command cut short");
    i_ = in_.size();
    return false;
  }
  unsigned char at(size_t k) const { return i_ + k < in_.size() ? static_cast<unsigned char>(in_[i_ + k]) : 0; }

  void reset() {
    align_ = 0;
    bold_ = false;
    wmul_ = hmul_ = 1;
    chinese_ = utf8_ = false;
    spacing_ = 30;
    qr_module_ = 3;
    qr_level_ = QR_ECLEVEL_L;
    qr_stored_.clear();
  }

  void step() {
    const unsigned char b = at(0);
    if (b == ESC) return esc();
    if (b == GS) return gs();
    if (b == FS) return fs();
    if (b == DLE) return dle();
    if (b == LF) {
      ++i_;
      return print_line(true);
    }
    if (b == CR) {
      ++i_;
      return;
    }
    if (b < 0x20 || b == 0x7F) {
      problem("control byte " + hex(b));
      ++i_;
      return;
    }
    if (b < 0x80) {
      ++i_;
      return put(b, 1);
    }
    character();
  }

  // A multi-byte character: GB18030 / GBK in Chinese mode, or UTF-8.
  void character() {
    const unsigned char b = at(0);
    size_t n = 0;
    if (chinese_) {
      if (b < 0x81 || b == 0xFF || !have(2)) {
        problem("not a first byte in Chinese mode: " + hex(b));
        ++i_;
        return;
      }
      n = (at(1) >= 0x30 && at(1) <= 0x39) ? 4 : 2;
    } else if (utf8_) {
      n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    } else {
      problem("byte " + hex(b) + " outside Chinese or UTF-8 mode");
      ++i_;
      return;
    }
    if (!have(n)) return;
    std::string bytes(in_.substr(i_, n));
    i_ += n;
    std::string u;
    if (chinese_) {
      char out[8];
      char* src = bytes.data();
      char* dst = out;
      size_t sl = bytes.size(), dl = sizeof out;
      if (cd_ != reinterpret_cast<iconv_t>(-1) && iconv(cd_, &src, &sl, &dst, &dl) != static_cast<size_t>(-1) && sl == 0)
        u.assign(out, static_cast<size_t>(dst - out));
      else
        problem("not " + o_.chinese_encoding + ": " + hex(static_cast<unsigned char>(bytes[0])));
    } else {
      u = bytes;
    }
    put(first_codepoint(u), 2);
  }

  void put(char32_t c, int columns) {
    line_.push_back({c, 12 * columns * wmul_, 24 * hmul_, bold_});
    append_utf8(line_text_, c);
  }

  void esc() {
    if (!have(2)) return;
    const unsigned char c = at(1);
    switch (c) {
      case '@': reset(); i_ += 2; return;
      case '2': spacing_ = 30; i_ += 2; return;
      case 'a': if (!have(3)) return; align_ = at(2) % 48; i_ += 3; return;
      case 'E': if (!have(3)) return; bold_ = at(2) & 1; i_ += 3; return;
      case '!':
        if (!have(3)) return;
        bold_ = at(2) & 0x08;
        hmul_ = at(2) & 0x10 ? 2 : 1;
        wmul_ = at(2) & 0x20 ? 2 : 1;
        i_ += 3;
        return;
      case '3': if (!have(3)) return; spacing_ = at(2); i_ += 3; return;
      case 'd': if (!have(3)) return; { const int n = at(2); i_ += 3; print_line(); feed(n * spacing_); } return;
      case 'J': if (!have(3)) return; { const int n = at(2); i_ += 3; print_line(); feed(n); } return;
      case 't': case '-': case 'G': case 'R': case 'M': if (!have(3)) return; i_ += 3; return;
      default: problem("unknown ESC " + hex(c)); i_ += 2; return;
    }
  }

  void gs() {
    if (!have(2)) return;
    const unsigned char c = at(1);
    if (c == '!') {
      if (!have(3)) return;
      wmul_ = (at(2) >> 4) + 1;
      hmul_ = (at(2) & 0x0F) + 1;
      if (wmul_ > 8 || hmul_ > 8) problem("GS ! size beyond 8");
      i_ += 3;
    } else if (c == 'V') {
      if (!have(3)) return;
      const unsigned char m = at(2);
      i_ += (m == 65 || m == 66) ? 4 : 3;
      if (i_ > in_.size()) problem("GS V cut short");
      print_line();
      ++r_.cuts;
    } else if (c == 'v') {
      raster();
    } else if (c == '(') {
      if (!have(5)) return;
      if (at(2) != 'k') {
        problem(std::string("unknown GS ( ") + static_cast<char>(at(2)));
        i_ += 5 + (at(3) | at(4) << 8);
        return;
      }
      symbol();
    } else {
      problem("unknown GS " + hex(c));
      i_ += 2;
    }
  }

  void fs() {
    if (!have(2)) return;
    const unsigned char c = at(1);
    if (c == '&') {
      chinese_ = true;
      utf8_ = false;
      i_ += 2;
    } else if (c == '.') {
      chinese_ = false;
      i_ += 2;
    } else if (c == '!') {
      if (!have(3)) return;
      i_ += 3;
    } else if (c == '(' && have(5) && at(2) == 'C') {
      const size_t len = at(3) | at(4) << 8;
      if (!have(5 + len)) return;
      if (len == 2 && at(5) == 48) utf8_ = at(6) == 2 || at(6) == 50;
      else problem("FS ( C function not known");
      i_ += 5 + len;
    } else {
      problem("unknown FS " + hex(c));
      i_ += 2;
    }
  }

  void dle() {
    if (!have(3)) return;
    if (at(1) == 0x04 && at(2) >= 1 && at(2) <= 4) {
      ++r_.status_queries;
      i_ += 3;
      return;
    }
    problem("unknown DLE " + hex(at(1)));
    i_ += 3;
  }

  // GS v 0 m xL xH yL yH d1...dk: a raster image, x bytes a row, y rows.
  void raster() {
    if (!have(8)) return;
    if (at(2) != '0') {
      problem("GS v other than GS v 0");
      i_ += 3;
      return;
    }
    const int m = at(3) % 48, xb = at(4) | at(5) << 8, rows = at(6) | at(7) << 8;
    const size_t n = static_cast<size_t>(xb) * rows;
    if (!have(8 + n)) return;
    if (!line_.empty()) problem("an image with text in the buffer");
    const int sx = (m & 1) ? 2 : 1, sy = (m & 2) ? 2 : 1;
    const int w = xb * 8 * sx;
    if (w > r_.width) problem("image wider than the paper");
    const int x0 = std::max(0, align_ == 1 ? (r_.width - w) / 2 : align_ == 2 ? r_.width - w : 0);
    grow(y_ + rows * sy);
    for (int y = 0; y < rows * sy; ++y)
      for (int x = 0; x < xb * 8 * sx && x0 + x < r_.width; ++x) {
        const unsigned char byte = at(8 + static_cast<size_t>(y / sy) * xb + (x / sx) / 8);
        if (byte & (0x80 >> ((x / sx) % 8))) dot(x0 + x, y_ + y);
      }
    y_ += rows * sy;
    ++r_.images;
    i_ += 8 + n;
  }

  // GS ( k pL pH cn fn ...: cn 49 is the QR code.
  void symbol() {
    const size_t len = at(3) | at(4) << 8;
    if (!have(5 + len)) return;
    if (len < 2) {
      problem("GS ( k with no function");
      i_ += 5 + len;
      return;
    }
    const unsigned char cn = at(5), fn = at(6);
    const size_t p = 7;  // first parameter
    if (cn != 49) {
      problem("GS ( k for a symbol other than QR");
    } else if (fn == 65) {  // model: 49 model 1, 50 model 2
      if (len != 4 || at(p) != 50) problem("QR model other than 2");
    } else if (fn == 67) {
      qr_module_ = at(p);
      if (qr_module_ < 1 || qr_module_ > 16) problem("QR module size out of 1-16");
    } else if (fn == 69) {
      const int n = at(p) - 48;
      qr_level_ = n == 0 ? QR_ECLEVEL_L : n == 1 ? QR_ECLEVEL_M : n == 2 ? QR_ECLEVEL_Q : QR_ECLEVEL_H;
    } else if (fn == 80) {
      if (len < 3 || at(p) != 48) problem("QR store without m = 48");
      else qr_stored_.assign(in_.substr(i_ + p + 1, len - 3));
    } else if (fn == 81) {
      print_qr();
    } else {
      problem("QR function " + std::to_string(fn) + " not known");
    }
    i_ += 5 + len;
  }

  // What the firmware does on "print": encode what was stored and draw it.
  void print_qr() {
    if (!line_.empty()) problem("a QR code with text in the buffer");
    QRcode* q = QRcode_encodeData(static_cast<int>(qr_stored_.size()),
                                  reinterpret_cast<const unsigned char*>(qr_stored_.data()), 0, qr_level_);
    if (!q) {
      problem("QR data cannot be encoded");
      return;
    }
    const int side = q->width * qr_module_;
    if (side > r_.width) problem("QR code wider than the paper");
    const int x0 = std::max(0, align_ == 1 ? (r_.width - side) / 2 : align_ == 2 ? r_.width - side : 0);
    grow(y_ + side);
    for (int y = 0; y < side; ++y)
      for (int x = 0; x < side && x0 + x < r_.width; ++x)
        if (q->data[(y / qr_module_) * q->width + x / qr_module_] & 1) dot(x0 + x, y_ + y);
    QRcode_free(q);
    y_ += side;
    r_.qr_data.push_back(qr_stored_);
  }

  void grow(int h) {
    if (h <= r_.height) return;
    r_.ink.resize(static_cast<size_t>(r_.width) * h, 0);
    r_.height = h;
  }
  void dot(int x, int y) {
    if (x >= 0 && x < r_.width && y >= 0 && y < r_.height) r_.ink[static_cast<size_t>(y) * r_.width + x] = 1;
  }
  void feed(int dots) {
    grow(y_ + dots);
    y_ += dots;
  }

  // LF: lays the buffered characters out on one line, justified.
  // lf: an empty line feeds paper; a feed command with nothing waiting does not.
  void print_line(bool lf = false) {
    if (line_.empty()) {
      if (lf) {
        r_.lines.push_back("");
        feed(spacing_);
      }
      return;
    }
    int w = 0, h = 0;
    for (const Glyph& g : line_) {
      w += g.w;
      h = std::max(h, g.h);
    }
    if (w > r_.width) problem("line wider than the paper: " + line_text_);
    int x = std::max(0, align_ == 1 ? (r_.width - w) / 2 : align_ == 2 ? r_.width - w : 0);
    grow(y_ + std::max(h, spacing_));
    for (const Glyph& g : line_) {
      if (o_.render_text) draw_glyph(g, x, y_ + h - g.h);
      x += g.w;
    }
    y_ += std::max(h, spacing_);
    r_.lines.push_back(line_text_);
    line_.clear();
    line_text_.clear();
  }

  // A glyph in its cell: the em fills the cell's height, the baseline near
  // its foot, thresholded to dots as a thermal head prints.
  void draw_glyph(const Glyph& g, int x, int y) {
    if (g.c == ' ') return;
    const Font* f = load_font(g.bold ? o_.bold_font : o_.font);
    if (!f) f = load_font(o_.font);
    if (!f) return;
    const float em = g.h * 0.92f;
    const float scale = stbtt_ScaleForMappingEmToPixels(&f->info, em);
    int adv = 0, lsb = 0;
    stbtt_GetCodepointHMetrics(&f->info, static_cast<int>(g.c), &adv, &lsb);
    const float sx = scale * (g.w >= g.h ? 1.0f : std::min(1.0f, g.w / (adv * scale + 0.01f)));
    int x0, y0, x1, y1;
    stbtt_GetCodepointBitmapBox(&f->info, static_cast<int>(g.c), sx, scale, &x0, &y0, &x1, &y1);
    const int bw = x1 - x0, bh = y1 - y0;
    if (bw <= 0 || bh <= 0) return;
    std::vector<unsigned char> bmp(static_cast<size_t>(bw) * bh);
    stbtt_MakeCodepointBitmap(&f->info, bmp.data(), bw, bh, bw, sx, scale, static_cast<int>(g.c));
    const int baseline = y + static_cast<int>(g.h * 0.86f);
    const int ox = x + (g.w - static_cast<int>(adv * sx)) / 2;
    for (int yy = 0; yy < bh; ++yy)
      for (int xx = 0; xx < bw; ++xx)
        if (bmp[static_cast<size_t>(yy) * bw + xx] > 110) dot(ox + x0 + xx, baseline + y0 + yy);
  }

  std::string_view in_;
  const DecodeOptions& o_;
  PrintedReceipt r_;
  size_t i_ = 0;
  iconv_t cd_;
  int align_ = 0, wmul_ = 1, hmul_ = 1, spacing_ = 30, y_ = 0;
  bool bold_ = false, chinese_ = false, utf8_ = false;
  int qr_module_ = 3;
  QRecLevel qr_level_ = QR_ECLEVEL_L;
  std::string qr_stored_;
  std::vector<Glyph> line_;
  std::string line_text_;
};

}  // namespace

std::string PrintedReceipt::text() const {
  std::string s;
  for (const std::string& l : lines) s += l + "\n";
  return s;
}

bool PrintedReceipt::save_png(const std::string& path) const {
  const int margin = 24, W = width + 2 * margin, H = height + 2 * margin;
  std::vector<unsigned char> rgb(static_cast<size_t>(W) * H * 3, 0xD8);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      unsigned char* p = &rgb[(static_cast<size_t>(y + margin) * W + x + margin) * 3];
      p[0] = p[1] = p[2] = inked(x, y) ? 0x1A : 0xFF;
    }
  return stbi_write_png(path.c_str(), W, H, 3, rgb.data(), W * 3) != 0;
}

PrintedReceipt decode_escpos(std::string_view bytes, const DecodeOptions& o) { return SoftPrinter(bytes, o).run(); }

std::vector<std::string> scan_receipt_qr(const PrintedReceipt& r) {
  // White around the paper: zbar wants the quiet zone.
  const int m = 40, W = r.width + 2 * m, H = r.height + 2 * m;
  std::vector<unsigned char> grey(static_cast<size_t>(W) * H, 255);
  for (int y = 0; y < r.height; ++y)
    for (int x = 0; x < r.width; ++x)
      if (r.inked(x, y)) grey[static_cast<size_t>(y + m) * W + x + m] = 0;
  return scan_qr_grey(grey, W, H);
}

}  // namespace odr::test
