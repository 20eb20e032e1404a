// A QR code (libqrencode) drawn with the draw list: dark modules on white
// with the quiet zone the standard asks for, scaled to whole pixels so every
// module is sharp.
#pragma once
#include <imgui.h>
#include <imgui_internal.h>

#include <string>
#include <string_view>
#include <vector>

namespace odr::kiosk {

struct QrMatrix {
  int size = 0;                  // modules per side
  std::vector<unsigned char> m;  // size*size, 1 = dark
  bool dark(int x, int y) const { return m[static_cast<size_t>(y) * size + x] != 0; }
};

// Encodes text (byte mode, error correction M). Empty matrix on failure.
QrMatrix qr_encode(std::string_view text);
// Draws the code centred in r (white card included); false when it cannot be encoded.
bool draw_qr(ImDrawList* dl, const ImRect& r, std::string_view text);

}  // namespace odr::kiosk
