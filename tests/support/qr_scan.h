// QR codes in a picture, found by zbar: screenshots (tests/xinput) and
// decoded receipts (escpos_decoder.h) alike.
#pragma once
#include <string>
#include <vector>

namespace odr::test {

// grey: w*h bytes, 0 black ... 255 white.
std::vector<std::string> scan_qr_grey(const std::vector<unsigned char>& grey, int w, int h);

}  // namespace odr::test
