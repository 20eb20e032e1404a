// Read-aloud as the shopper hears it, measured from outside the process: an
// XTest tap on the speaker button of the real odr-kiosk under Xvfb, and the
// first audible sample arriving at the sound device. The device is ALSA's
// file plugin (no sound card needed), so "arriving" is the moment the
// kiosk's ALSA writes reach the file, which this process polls every ms.
//   tap -> first audio   release sent (the button fires on release) -> the
//                        first sample above a whisper after the file's old end
// A real card adds up to one ALSA period before the sound leaves the speaker.
// Prints medians and p90; --smoke does a few (CTest).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "real_kiosk.h"

using namespace odr::xtest;
namespace fs = std::filesystem;

namespace {

double now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

uintmax_t size_of(const std::string& path) {
  std::error_code ec;
  const uintmax_t n = fs::file_size(path, ec);
  return ec ? 0 : n;
}

// Waits until the file has not grown for quiet_ms (the utterance is done).
void wait_quiet(const std::string& path, int quiet_ms) {
  uintmax_t last = size_of(path);
  double since = now_ms();
  const double give_up = now_ms() + 30000;
  while (now_ms() - since < quiet_ms && now_ms() < give_up) {
    pause_ms(5);
    const uintmax_t n = size_of(path);
    if (n != last) last = n, since = now_ms();
  }
}

// True when 16-bit samples after offset `from` hold one louder than a whisper.
bool audible_after(const std::string& path, uintmax_t from) {
  std::ifstream f(path, std::ios::binary);
  f.seekg(static_cast<std::streamoff>(from & ~uintmax_t{1}));
  int16_t s;
  while (f.read(reinterpret_cast<char*>(&s), sizeof s))
    if (s > 300 || s < -300) return true;
  return false;
}

double tap_to_audio(RealKiosk& k, const Hit& speaker, const std::string& raw) {
  wait_quiet(raw, 400);
  const uintmax_t before = size_of(raw);
  k.move(speaker.cx(), speaker.cy());
  pause_ms(30);
  k.down();
  pause_ms(60);
  const double t0 = now_ms();
  k.up();
  while (now_ms() - t0 < 5000) {
    if (size_of(raw) > before && audible_after(raw, before)) return now_ms() - t0;
    pause_ms(1);
  }
  return -1;
}

void report(const char* what, std::vector<double> v) {
  if (v.empty()) return;
  std::sort(v.begin(), v.end());
  printf("%-28s n=%-3zu median %6.1f ms  p90 %6.1f ms  max %6.1f ms\n", what, v.size(), v[v.size() / 2],
         v[std::min(v.size() - 1, v.size() * 9 / 10)], v.back());
}

}  // namespace

int main(int argc, char** argv) {
  const bool smoke = argc > 1 && strcmp(argv[1], "--smoke") == 0;
  const int n = smoke ? 3 : 15;
  const char* tmp = getenv("ODR_TEST_TMP");
  const std::string dir = (fs::path(tmp ? tmp : "/tmp") / "bench-read-aloud").string();
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string raw = dir + "/speaker.raw";
  const std::string src = getenv("ODR_SOURCE_DIR") ? getenv("ODR_SOURCE_DIR") : ".";
  KioskSetup s;
  s.config_path = write_config(dir, {{"kiosk.data_dir", "\"" + dir + "/data\""},
                                     {"odr.workdays_dir", "\"" + src + "/config/workdays\""},
                                     {"speech.device", "\"file:FILE=" + raw + ",FORMAT=raw\""}});
  s.data_dir = dir + "/data";
  RealKiosk k;
  std::string error;
  if (!k.start(s, &error)) {
    fprintf(stderr, "bench_read_aloud: %s\n", error.c_str());
    return 1;
  }
  std::vector<double> first, warm;
  int lost = 0;
  for (int i = 0; i < n; ++i) {
    const Hit speaker = k.hit("assist.read");
    const double ms = tap_to_audio(k, speaker, raw);
    if (ms < 0) ++lost;
    else (i == 0 ? first : warm).push_back(ms);
  }
  printf("read-aloud from outside (XTest tap on the speaker button -> first audible sample at the device)\n");
  report("tap -> first audio, first", first);
  report("tap -> first audio, warm", warm);
  printf("%-28s %d of %d\n", "taps with no audio in 5 s", lost, n);
  k.stop();
  return lost == 0 ? 0 : 1;
}
