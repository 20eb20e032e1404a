#include "widgets/qr.h"

#include <qrencode.h>

#include <cmath>

namespace odr::kiosk {

QrMatrix qr_encode(std::string_view text) {
  QrMatrix out;
  std::string s(text);
  QRcode* q = QRcode_encodeString8bit(s.c_str(), 0, QR_ECLEVEL_M);
  if (!q) return out;
  out.size = q->width;
  out.m.resize(static_cast<size_t>(q->width) * q->width);
  for (size_t i = 0; i < out.m.size(); ++i) out.m[i] = q->data[i] & 1;  // bit 0: dark module
  QRcode_free(q);
  return out;
}

bool draw_qr(ImDrawList* dl, const ImRect& r, std::string_view text) {
  // The confirmation screen draws the same code every frame: encode once.
  static std::string cached_text;
  static QrMatrix cached;
  if (cached_text != text || cached.size == 0) {
    cached = qr_encode(text);
    cached_text.assign(text);
  }
  const QrMatrix& q = cached;
  if (q.size == 0) return false;
  const int quiet = 4;  // modules of white around the code
  const int total = q.size + 2 * quiet;
  const float side = std::min(r.GetWidth(), r.GetHeight());
  const float px = std::floor(side / total);
  if (px < 1) return false;
  const float w = px * total;
  const ImVec2 o(std::floor(r.GetCenter().x - w * 0.5f), std::floor(r.GetCenter().y - w * 0.5f));
  dl->AddRectFilled(o, ImVec2(o.x + w, o.y + w), IM_COL32_WHITE, 12);
  const ImU32 ink = IM_COL32(0x10, 0x16, 0x22, 0xFF);
  for (int y = 0; y < q.size; ++y) {
    // Runs of dark modules as one rectangle: far fewer vertices.
    int x = 0;
    while (x < q.size) {
      if (!q.dark(x, y)) {
        ++x;
        continue;
      }
      int start = x;
      while (x < q.size && q.dark(x, y)) ++x;
      ImVec2 a(o.x + (quiet + start) * px, o.y + (quiet + y) * px);
      dl->AddRectFilled(a, ImVec2(a.x + (x - start) * px, a.y + px), ink);
    }
  }
  return true;
}

}  // namespace odr::kiosk
