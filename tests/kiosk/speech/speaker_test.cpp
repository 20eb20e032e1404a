// The Speaker's thread against ALSA's file device (alsa.conf's pcm.file:
// the samples go to a raw file through the null device, no sound card):
// speech arrives as non-silent samples of the text's length; stop() in the
// middle stops the file growing; a second say() cuts the first; a device
// that cannot open leaves it silently off; the synthesizer never sees a
// phone number; no espeak-ng data is its own state. Every wait is bounded.
#include "speech/speaker.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "speech/speech.h"
#include "support/temp.h"
#include "wav_reader.h"

using namespace odr::kiosk;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

constexpr double kHeard = 300;
const char* kQuestion = "请选择您要投诉的商家";

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}
// ~400 characters: minutes of speech, a second or more to synthesize.
const std::string kLong = repeat("请选择您要投诉的商家，然后点击下一步。", 20);

struct FileDevice {
  std::string path = odr::test::fresh_dir("speaker") + "/out.raw";
  std::string device() const { return "file:FILE=" + path + ",FORMAT=raw"; }
  size_t bytes() const {
    std::error_code ec;
    const auto n = fs::file_size(path, ec);
    return ec ? 0 : static_cast<size_t>(n);
  }
  std::vector<int16_t> samples() const { return speech_test::samples_of(odr::test::read_file(path)); }
};

odr::SpeechConfig settings(const std::string& device) {
  odr::SpeechConfig s;
  s.device = device;
  return s;
}

bool wait_until(const std::function<bool()>& done, double limit_s = 20) {
  const Clock::time_point end = Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(limit_s * 1000));
  while (Clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

// Waits until the file has not grown for `quiet_ms` (or the limit); its size then.
size_t settled(const FileDevice& f, int quiet_ms = 400, double limit_s = 30) {
  size_t last = f.bytes();
  Clock::time_point still = Clock::now();
  const Clock::time_point end = Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(limit_s * 1000));
  while (Clock::now() < end && Clock::now() - still < std::chrono::milliseconds(quiet_ms)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const size_t now = f.bytes();
    if (now != last) {
      last = now;
      still = Clock::now();
    }
  }
  return last;
}

size_t synthesized_samples(const std::string& text) {
  std::string error;
  std::optional<Pcm> pcm = synthesize(text, "zh-CN", odr::SpeechConfig{}, &error);
  EXPECT_TRUE(pcm) << error;
  return pcm ? pcm->samples.size() : 0;
}

// The texts the synthesizer was handed, as the observer saw them.
struct Seen {
  std::mutex mu;
  std::vector<std::string> texts;
  void attach(Speaker& s) {
    s.set_text_observer([this](const std::string& t) {
      std::lock_guard<std::mutex> lock(mu);
      texts.push_back(t);
    });
  }
  std::vector<std::string> get() {
    std::lock_guard<std::mutex> lock(mu);
    return texts;
  }
};

}  // namespace

TEST(Speaker, SpeaksIntoTheDevice) {
  FileDevice f;
  Speaker speaker(settings(f.device()));
  EXPECT_EQ(speaker.state(), SpeakerState::unknown) << "nothing opens before the first say()";
  EXPECT_FALSE(fs::exists(f.path));
  speaker.say(kQuestion, "zh-CN");
  ASSERT_TRUE(wait_until([&] { return f.bytes() > 0; })) << "no samples reached the device";
  const size_t bytes = settled(f);
  const std::vector<int16_t> got = f.samples();
  EXPECT_EQ(got.size() * 2, bytes);
  EXPECT_GT(speech_test::rms(got), kHeard);
  const size_t full = synthesized_samples(kQuestion);
  EXPECT_GT(got.size(), full * 9 / 10) << "the whole question";
  EXPECT_LT(got.size(), full * 11 / 10);
  EXPECT_EQ(speaker.state(), SpeakerState::ready);
  EXPECT_GT(speaker.last_latency_ms(), 0.0);

  // English on the same device, after Mandarin.
  speaker.say("Please choose the business", "en");
  ASSERT_TRUE(wait_until([&] { return f.bytes() > bytes; }));
  settled(f);
  const std::vector<int16_t> english = speech_test::samples_of(odr::test::read_file(f.path), bytes);
  EXPECT_GT(speech_test::rms(english), kHeard) << english.size() << " samples after the Mandarin";
}

TEST(Speaker, StopInTheMiddleStopsTheSound) {
  FileDevice f;
  Speaker speaker(settings(f.device()));
  speaker.say(kLong, "zh-CN");
  ASSERT_TRUE(wait_until([&] { return f.bytes() > 0; }));
  speaker.stop();
  const size_t at_stop = settled(f);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(f.bytes(), at_stop) << "the file still grows after stop()";
  const size_t full = synthesized_samples(kLong);
  EXPECT_LT(at_stop / 2, full / 4) << "stopped after " << at_stop / 2 << " of " << full << " samples";

  speaker.say(kQuestion, "zh-CN");  // the device is ready again after a stop
  EXPECT_TRUE(wait_until([&] { return f.bytes() > at_stop; }));
}

TEST(Speaker, TheNewestTextWins) {
  FileDevice f;
  Seen seen;
  Speaker speaker(settings(f.device()));
  seen.attach(speaker);
  speaker.say(kLong, "zh-CN");
  ASSERT_TRUE(wait_until([&] { return f.bytes() > 0; }));
  speaker.say(kQuestion, "zh-CN");
  ASSERT_TRUE(wait_until([&] { return seen.get().size() == 2; }));
  const size_t total = settled(f) / 2;
  const size_t question = synthesized_samples(kQuestion), long_text = synthesized_samples(kLong);
  EXPECT_GT(total, question * 9 / 10) << "the second text whole";
  EXPECT_LT(total, question + long_text / 4) << "the first text was not cut: " << total << " samples";
  EXPECT_EQ(seen.get().back(), kQuestion);
}

TEST(Speaker, NoDeviceIsSilentlyOff) {
  Seen seen;
  testing::internal::CaptureStderr();
  {
    Speaker speaker(settings("hw:99"));
    seen.attach(speaker);
    const Clock::time_point t0 = Clock::now();
    speaker.say(kQuestion, "zh-CN");
    speaker.say(kQuestion, "zh-CN");
    EXPECT_LT(std::chrono::duration<double>(Clock::now() - t0).count(), 1.0) << "say() waits for nothing";
    ASSERT_TRUE(wait_until([&] { return speaker.state() == SpeakerState::no_device; }));
    speaker.say(kQuestion, "zh-CN");  // within 30 s: not tried again
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_EQ(speaker.state(), SpeakerState::no_device);
  }
  const std::string log = testing::internal::GetCapturedStderr();
  EXPECT_TRUE(seen.get().empty()) << "nothing synthesized without a device";
  EXPECT_NE(log.find("hw:99"), std::string::npos) << log;
  EXPECT_EQ(log.find("read-aloud"), log.rfind("read-aloud")) << "logged once: " << log;
  EXPECT_EQ(log.find("商家"), std::string::npos) << "the text is never logged: " << log;
  EXPECT_EQ(log.find("ALSA lib"), std::string::npos) << "ALSA's own messages are kept quiet: " << log;
}

TEST(Speaker, TheSynthesizerNeverSeesAPhoneNumber) {
  FileDevice f;
  Seen seen;
  Speaker speaker(settings(f.device()));
  seen.attach(speaker);
  speaker.say("请拨打 138 1234 5678 联系我们", "zh-CN");
  ASSERT_TRUE(wait_until([&] { return !seen.get().empty(); }));
  const std::string text = seen.get().front();
  EXPECT_EQ(text.find("138"), std::string::npos) << text;
  EXPECT_EQ(text.find("5678"), std::string::npos) << text;
  EXPECT_NE(text.find("请拨打"), std::string::npos) << text;
  EXPECT_NE(text.find("联系我们"), std::string::npos) << text;
}

TEST(Speaker, DisabledDoesNothing) {
  FileDevice f;
  Seen seen;
  odr::SpeechConfig s = settings(f.device());
  s.enabled = false;
  Speaker speaker(s);
  seen.attach(speaker);
  speaker.say(kQuestion, "zh-CN");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(speaker.state(), SpeakerState::disabled);
  EXPECT_TRUE(seen.get().empty());
  EXPECT_FALSE(fs::exists(f.path));
}

TEST(Speaker, NoVoiceDataIsItsOwnState) {
  FileDevice f;
  Seen seen;
  odr::SpeechConfig s = settings(f.device());
  s.data_dir = odr::test::fresh_dir("speaker-empty");
  testing::internal::CaptureStderr();
  {
    Speaker speaker(s);
    seen.attach(speaker);
    speaker.say(kQuestion, "zh-CN");
    EXPECT_TRUE(wait_until([&] { return speaker.state() == SpeakerState::no_voice; }));
  }
  const std::string log = testing::internal::GetCapturedStderr();
  EXPECT_TRUE(seen.get().empty());
  EXPECT_NE(log.find("espeak-ng cannot start"), std::string::npos) << log;
}

TEST(Speaker, DestroyedWhileSpeakingReturnsSoon) {
  FileDevice f;
  Clock::time_point t0;
  {
    Speaker speaker(settings(f.device()));
    speaker.say(kLong, "zh-CN");
    ASSERT_TRUE(wait_until([&] { return f.bytes() > 0; }));
    t0 = Clock::now();
  }
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - t0).count(), 5.0);
  const size_t full = synthesized_samples(kLong);
  EXPECT_LT(f.bytes() / 2, full / 4) << "the utterance ran on to its end";
}
