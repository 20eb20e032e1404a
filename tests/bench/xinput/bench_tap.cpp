// Taps as the shopper sees them, measured from outside the process: XTest
// events into the real odr-kiosk under Xvfb, the screen read back from the X
// server (XGetImage) every few ms until the pixels change.
//   tap -> key highlight      press sent -> the key's rectangle changes
//   tap -> pinyin candidates  release sent -> the candidate strip changes
//   taps lost                 40 characters typed at 6, 12 and 15 taps/s
// Prints medians and p90; --smoke does a few of each (CTest).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "real_kiosk.h"

using namespace odr::xtest;
namespace fs = std::filesystem;

namespace {

double now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Polls the rectangle until it differs from `before`; the time it took (or -1 after 2 s).
double until_changed(RealKiosk& k, const Image& before, const Hit& r, double t0) {
  while (now_ms() - t0 < 2000) {
    const Image now = k.grab(r.x0, r.y0, r.x1, r.y1);
    if (now.differing(before, 0, 0, now.w, now.h) > 20) return now_ms() - t0;
    pause_ms(1);
  }
  return -1;
}

// One tap on `key`, timed from the press (or the release) to the moment the
// rectangle `watch` changes on screen.
enum class From { press, release };
double timed_tap(RealKiosk& k, const Hit& key, const Hit& watch, From from) {
  k.move(key.cx(), key.cy());
  pause_ms(30);
  if (from == From::release) {
    k.down();
    pause_ms(40);
  }
  const Image before = k.grab(watch.x0, watch.y0, watch.x1, watch.y1);
  const double t0 = now_ms();
  if (from == From::press)
    k.down();
  else
    k.up();
  const double ms = until_changed(k, before, watch, t0);
  if (from == From::press) {
    pause_ms(40);
    k.up();
  }
  return ms;
}

void tap_backspace(RealKiosk& k, int hold_ms) {
  const Hit bs = k.hit("kb.backspace");
  k.tap_at(bs.cx(), bs.cy(), hold_ms);
}

void report(const char* what, std::vector<double> v) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return;
  printf("%-28s n=%-3zu median %6.1f ms  p90 %6.1f ms  max %6.1f ms\n", what, v.size(), v[v.size() / 2],
         v[std::min(v.size() - 1, v.size() * 9 / 10)], v.back());
}

bool goto_text_field(RealKiosk& k) {
  k.tap("welcome.lang.en");
  k.tap("welcome.start");
  if (!k.wait_step("business")) return false;
  k.tap("field.business.search");
  return k.wait_visible("kb.key.q");
}

}  // namespace

int main(int argc, char** argv) {
  const bool smoke = argc > 1 && strcmp(argv[1], "--smoke") == 0;
  const int n = smoke ? 3 : 25;
  const char* tmp = getenv("ODR_TEST_TMP");
  const std::string dir = (fs::path(tmp ? tmp : "/tmp") / "bench-tap").string();
  fs::remove_all(dir);
  const std::string src = getenv("ODR_SOURCE_DIR") ? getenv("ODR_SOURCE_DIR") : ".";
  KioskSetup s;
  s.config_path = write_config(dir, {{"kiosk.data_dir", "\"" + dir + "/data\""},
                                     {"odr.workdays_dir", "\"" + src + "/config/workdays\""}});
  s.data_dir = dir + "/data";
  RealKiosk k;
  std::string error;
  if (!k.start(s, &error)) {
    fprintf(stderr, "bench_tap: %s\n", error.c_str());
    return 1;
  }
  if (!goto_text_field(k)) {
    fprintf(stderr, "bench_tap: no keyboard\n");
    return 1;
  }
  pause_ms(1500);  // pinyin and GB 2312 are loaded by now

  // Tap -> highlight on ABC letters.
  k.tap("kb.mode.abc");
  std::vector<double> highlight;
  const char* keys = "qwertyuiopasdfghjklzxcvbnm";
  for (int i = 0; i < n; ++i) {
    k.settle(200);
    const Hit key = *k.state().find(std::string("kb.key.") + keys[i % 26]);
    highlight.push_back(timed_tap(k, key, key, From::press));
  }
  // Clear what was typed.
  for (int i = 0; i < n; ++i) {
    tap_backspace(k, 30);
    pause_ms(60);
  }

  // Tap -> candidates in pinyin.
  std::vector<double> candidates;
  k.tap("kb.mode.pinyin");
  for (int i = 0; i < n; ++i) {
    k.settle(200);
    const ScreenState st = k.state();
    const Hit q = *st.find("kb.key.n"), tab = *st.find("kb.mode.pinyin");
    Hit strip;
    strip.x0 = st.content.x0;
    strip.x1 = st.content.x1;
    strip.y0 = tab.y1 + 2;
    strip.y1 = q.y0 - 2;
    candidates.push_back(timed_tap(k, q, strip, From::release));
    pause_ms(100);
    tap_backspace(k, 30);  // drops the composition
    pause_ms(150);
  }
  report("tap -> key highlight", highlight);
  report("tap -> pinyin candidates", candidates);

  // Taps lost at three speeds.
  k.tap("kb.mode.abc");
  const std::string text = "the quick brown fox jumps over a lazy do";
  for (double rate : {6.0, 12.0, 15.0}) {
    if (!k.state().find("field.business.search")) break;
    k.type(text, rate);
    k.settle(500, 10000);
    const std::string got = k.hit("field.business.search").text;
    int lost = static_cast<int>(text.size()) - static_cast<int>(got.size());
    printf("typing at %4.1f taps/s: %zu of %zu characters arrived%s (%d lost)\n", rate, got.size(), text.size(),
           got == text ? ", in order" : "", std::max(0, lost));
    for (size_t i = 0; i < got.size() + 2; ++i) {
      tap_backspace(k, 20);
      pause_ms(70);
    }
    k.settle(300);
    if (smoke) break;
  }
  k.stop();
  return 0;
}
