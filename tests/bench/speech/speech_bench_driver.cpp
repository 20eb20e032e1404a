// The kiosk's side of the speech benchmark: one Speaker on the given ALSA
// device says a step's question every gap_ms, as the speaker button would,
// and prints the monotonic time just before each say() ("said NS") and,
// before the next, what the Speaker measured itself ("internal MS").
// The first say() is cold (device open, espeak-ng loading); the rest warm.
// usage: speech_bench_driver DEVICE COUNT GAP_MS
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "speech/speaker.h"

namespace {

long long now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);  // the same clock in every process
  return static_cast<long long>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

// Steps' questions as the shopper screens ask them.
const char* const kQuestions[] = {
    "请选择您要投诉的商家", "请选择问题的类型", "请描述发生了什么", "您希望商家怎样处理", "请留下您的联系方式",
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: speech_bench_driver DEVICE COUNT GAP_MS\n");
    return 2;
  }
  odr::SpeechConfig config;
  config.device = argv[1];
  const int count = std::atoi(argv[2]), gap_ms = std::atoi(argv[3]);
  odr::kiosk::Speaker speaker(config);
  for (int i = 0; i < count; ++i) {
    const long long t = now_ns();
    speaker.say(kQuestions[i % 5], "zh-CN");
    std::printf("said %lld\n", t);
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::milliseconds(gap_ms));
    std::printf("internal %.3f %s\n", speaker.last_latency_ms(), odr::kiosk::to_string(speaker.state()));
    std::fflush(stdout);
  }
  return 0;
}
