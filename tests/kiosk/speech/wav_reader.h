// Reads a RIFF/WAVE file of 16-bit PCM back for the tests, by its chunks
// (not by trusting a 44-byte header), and measures it.
#pragma once
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "support/temp.h"

namespace speech_test {

struct Wav {
  int channels = 0, rate_hz = 0, bits = 0;
  std::vector<int16_t> samples;
  double seconds() const { return rate_hz ? static_cast<double>(samples.size()) / rate_hz / channels : 0; }
};

inline uint32_t le(const std::string& b, size_t at, int n) {
  uint32_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(b[at + static_cast<size_t>(i)]);
  return v;
}

inline std::vector<int16_t> samples_of(const std::string& bytes, size_t from = 0) {
  std::vector<int16_t> out;
  for (size_t i = from; i + 1 < bytes.size(); i += 2) out.push_back(static_cast<int16_t>(le(bytes, i, 2)));
  return out;
}

inline std::optional<Wav> read_wav(const std::string& path) {
  const std::string b = odr::test::read_file(path);
  if (b.size() < 12 || b.compare(0, 4, "RIFF") != 0 || b.compare(8, 4, "WAVE") != 0) return std::nullopt;
  Wav w;
  bool fmt = false;
  for (size_t at = 12; at + 8 <= b.size();) {
    const std::string id = b.substr(at, 4);
    const size_t size = le(b, at + 4, 4);
    if (at + 8 + size > b.size()) return std::nullopt;
    if (id == "fmt " && size >= 16) {
      if (le(b, at + 8, 2) != 1) return std::nullopt;  // PCM only
      w.channels = static_cast<int>(le(b, at + 10, 2));
      w.rate_hz = static_cast<int>(le(b, at + 12, 4));
      w.bits = static_cast<int>(le(b, at + 22, 2));
      fmt = true;
    } else if (id == "data") {
      w.samples = samples_of(b.substr(at + 8, size));
    }
    at += 8 + size + (size & 1);
  }
  if (!fmt) return std::nullopt;
  return w;
}

inline double rms(const std::vector<int16_t>& s) {
  double sum = 0;
  for (int16_t x : s) sum += static_cast<double>(x) * x;
  return s.empty() ? 0 : std::sqrt(sum / static_cast<double>(s.size()));
}

}  // namespace speech_test
