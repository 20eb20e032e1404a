#include "speaker.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <thread>

#include "device.h"
#include "engine.h"
#include "guard.h"
#include "speech.h"

namespace odr::kiosk {

using namespace speech_detail;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kRetry = std::chrono::seconds(30);  // how often a missing device is looked for again
constexpr int kAudible = 256;                       // of 32767: above espeak-ng's near-silent lead-in

bool audible(const int16_t* s, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (std::abs(static_cast<int>(s[i])) > kAudible) return true;
  return false;
}

}  // namespace

const char* to_string(SpeakerState s) {
  switch (s) {
    case SpeakerState::unknown: return "unknown";
    case SpeakerState::ready: return "ready";
    case SpeakerState::no_device: return "no_device";
    case SpeakerState::no_voice: return "no_voice";
    case SpeakerState::disabled: return "disabled";
  }
  return "?";
}

struct Speaker::Impl {
  struct Request {
    std::string text;  // guarded
    std::string voice;
    Clock::time_point asked;
    uint64_t gen;
  };

  SpeechConfig config;
  mutable std::mutex mu;
  std::condition_variable cv;
  std::optional<Request> pending;  // one slot: the newest wins
  std::function<void(const std::string&)> observer;
  bool quit = false;
  std::atomic<uint64_t> gen{0};  // each say() and stop() moves it on; an utterance of an older one stops
  std::atomic<SpeakerState> state{SpeakerState::unknown};
  std::atomic<double> latency_ms{0};
  int wake[2] = {-1, -1};  // a byte here ends the thread's wait on the device
  std::thread thread;

  // The thread's own.
  PcmDevice device;
  bool device_ready = false;
  std::optional<Clock::time_point> last_try;
  std::string logged;  // the last line logged: each reason once

  void run();
  bool ready();
  void speak(const Request& r);
  void fail(SpeakerState s, const std::string& why);
  void wake_thread() {
    if (wake[1] < 0) return;
    [[maybe_unused]] const ssize_t n = ::write(wake[1], "w", 1);  // a full pipe is awake already
  }
};

// Logs why read-aloud is off, once for each reason; never any text.
void Speaker::Impl::fail(SpeakerState s, const std::string& why) {
  state = s;
  if (why == logged) return;
  std::fprintf(stderr, "odr-kiosk: read-aloud off (%s): %s\n", to_string(s), why.c_str());
  logged = why;
}

// The device open and configured, espeak-ng loaded. A failed device is
// tried again only kRetry after the last try.
bool Speaker::Impl::ready() {
  if (device_ready) return true;
  const Clock::time_point now = Clock::now();
  if (last_try && now - *last_try < kRetry) return false;
  last_try = now;
  std::string error;
  if (!device.open(config.device, &error)) {
    fail(SpeakerState::no_device, error);
    return false;
  }
  int rate_hz = 0;
  {
    EspeakLock espeak;
    rate_hz = espeak.open(config.data_dir, &error);
  }
  if (rate_hz <= 0) {
    device.close();
    fail(SpeakerState::no_voice, error);
    return false;
  }
  if (!device.configure(rate_hz, &error)) {
    fail(SpeakerState::no_device, error);
    return false;
  }
  if (!logged.empty()) std::fprintf(stderr, "odr-kiosk: read-aloud on (device \"%s\")\n", config.device.c_str());
  logged.clear();
  device_ready = true;
  state = SpeakerState::ready;
  return true;
}

void Speaker::Impl::speak(const Request& r) {
  const std::function<bool()> stopped = [&] { return gen.load() != r.gen; };
  std::function<void(const std::string&)> tell;
  {
    std::lock_guard<std::mutex> lock(mu);
    tell = observer;
  }
  if (tell) tell(r.text);
  bool heard = false, lost = false;
  const ChunkFn play = [&](const int16_t* s, size_t n) {
    const WriteResult w = device.write(s, n, wake[0], stopped);
    lost = w == WriteResult::lost;
    if (w != WriteResult::ok) return false;
    if (!heard && audible(s, n)) {
      heard = true;
      latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - r.asked).count();
    }
    return true;
  };
  std::string error;
  SpeakResult result;
  {
    EspeakLock espeak;
    result = espeak.open(config.data_dir, &error) > 0
                 ? espeak.speak(r.text, r.voice, config.rate_wpm, config.volume, play, &error)
                 : SpeakResult::failed;
  }
  if (lost) {
    device.close();
    device_ready = false;
    last_try = Clock::now();
    fail(SpeakerState::no_device, "the sound device \"" + config.device + "\" went away");
  } else if (result == SpeakResult::failed) {
    device.drop();
    fail(SpeakerState::no_voice, error);
  } else if (result == SpeakResult::stopped) {
    device.drop();
  } else {
    if (state != SpeakerState::ready) logged.clear();
    state = SpeakerState::ready;
    device.finish(wake[0], stopped);
  }
}

void Speaker::Impl::run() {
  for (;;) {
    Request r;
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return quit || pending; });
      if (quit) break;
      r = std::move(*pending);
      pending.reset();
    }
    if (r.gen != gen.load()) continue;  // stopped or replaced already
    if (ready()) speak(r);
  }
  device.close();
}

Speaker::Speaker(SpeechConfig config) : impl_(std::make_unique<Impl>()) {
  impl_->config = std::move(config);
  if (!impl_->config.enabled) {
    impl_->state = SpeakerState::disabled;
    return;
  }
  if (::pipe2(impl_->wake, O_NONBLOCK | O_CLOEXEC) != 0) impl_->wake[0] = impl_->wake[1] = -1;  // waits end by time-out
  impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
}

Speaker::~Speaker() {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->quit = true;
    ++impl_->gen;
  }
  impl_->cv.notify_one();
  impl_->wake_thread();
  if (impl_->thread.joinable()) impl_->thread.join();
  for (int fd : impl_->wake)
    if (fd >= 0) ::close(fd);
}

void Speaker::say(std::string text, std::string locale) {
  if (!impl_->config.enabled) return;
  std::string voice = voice_for_locale(locale);
  if (voice.empty()) return;
  Impl::Request r{guard_speech_text(text), std::move(voice), Clock::now(), 0};
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    r.gen = ++impl_->gen;
    impl_->pending = std::move(r);
  }
  impl_->cv.notify_one();
  impl_->wake_thread();
}

void Speaker::stop() {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->pending.reset();
    ++impl_->gen;
  }
  impl_->wake_thread();
}

SpeakerState Speaker::state() const { return impl_->state.load(); }

void Speaker::set_text_observer(std::function<void(const std::string&)> observer) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->observer = std::move(observer);
}

double Speaker::last_latency_ms() const { return impl_->latency_ms.load(); }

}  // namespace odr::kiosk
