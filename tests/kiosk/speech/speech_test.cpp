// espeak-ng to a real WAV file, read back by its chunks: Mandarin and
// English are heard (RMS well above silence), last about as long as the
// text at the rate (a character or a word takes 60/rate s, give or take
// half), grow with the text and with a slower rate, and fall silent at
// volume 0. No voice data and unknown locales are clear errors.
#include "speech/speech.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "support/temp.h"
#include "wav_reader.h"

using namespace odr::kiosk;
using speech_test::read_wav;
using speech_test::rms;

namespace {

constexpr double kHeard = 300;  // RMS of 32767: speech at volume 80 is ~2,500, silence 0

odr::SpeechConfig settings(int rate = 150, int volume = 80) {
  odr::SpeechConfig s;
  s.rate_wpm = rate;
  s.volume = volume;
  return s;
}

// Synthesizes, writes the WAV, reads it back.
speech_test::Wav round_trip(const std::string& text, const std::string& locale, const odr::SpeechConfig& s) {
  std::string error;
  std::optional<Pcm> pcm = synthesize(text, locale, s, &error);
  EXPECT_TRUE(pcm) << error;
  if (!pcm) return {};
  const std::string path = odr::test::fresh_dir("speech") + "/out.wav";
  EXPECT_TRUE(write_wav(path, *pcm, &error)) << error;
  std::optional<speech_test::Wav> w = read_wav(path);
  EXPECT_TRUE(w) << "not a WAV file: " << path;
  if (!w) return {};
  EXPECT_EQ(w->channels, 1);
  EXPECT_EQ(w->bits, 16);
  EXPECT_EQ(w->rate_hz, pcm->rate_hz);
  EXPECT_EQ(w->samples, pcm->samples) << "the file holds what was synthesized";
  return *w;
}

// Units (characters, words) at rate_wpm take 60/rate s each; espeak-ng adds pauses.
void expect_plausible(const speech_test::Wav& w, int units, int rate_wpm) {
  const double nominal = units * 60.0 / rate_wpm;
  EXPECT_GT(w.seconds(), nominal * 0.5) << units << " units at " << rate_wpm << " wpm";
  EXPECT_LT(w.seconds(), nominal * 2.0) << units << " units at " << rate_wpm << " wpm";
}

}  // namespace

TEST(Speech, VoicesForLocales) {
  EXPECT_EQ(voice_for_locale("zh-CN"), "cmn");
  EXPECT_EQ(voice_for_locale("zh"), "cmn");
  EXPECT_EQ(voice_for_locale("en"), "en");
  EXPECT_EQ(voice_for_locale("en-US"), "en");
  EXPECT_EQ(voice_for_locale("fr"), "");
  EXPECT_EQ(voice_for_locale("english"), "");
}

TEST(Speech, MandarinIsHeardAndAsLongAsTheText) {
  speech_test::Wav w = round_trip("请选择商家", "zh-CN", settings());  // 5 characters
  EXPECT_GT(rms(w.samples), kHeard);
  expect_plausible(w, 5, 150);
  speech_test::Wav six = round_trip("请选择投诉类型", "zh-CN", settings());  // 7
  expect_plausible(six, 7, 150);
}

TEST(Speech, EnglishIsHeardAndAsLongAsTheText) {
  speech_test::Wav w = round_trip("Please choose the business you want to complain about", "en", settings());  // 9 words
  EXPECT_GT(rms(w.samples), kHeard);
  expect_plausible(w, 9, 150);
}

TEST(Speech, LongerTextAndSlowerRateGiveLongerAudio) {
  const double short_s = round_trip("请选择商家", "zh-CN", settings()).seconds();
  const double long_s = round_trip("请选择商家，然后点击下一步继续填写", "zh-CN", settings()).seconds();
  EXPECT_GT(long_s, short_s * 2) << "17 characters against 5";
  const double slow = round_trip("请选择商家", "zh-CN", settings(80)).seconds();
  const double fast = round_trip("请选择商家", "zh-CN", settings(300)).seconds();
  EXPECT_GT(slow, fast * 2) << "80 against 300 words a minute";
}

TEST(Speech, VolumeZeroIsSilent) {
  speech_test::Wav loud = round_trip("请选择商家", "zh-CN", settings(150, 100));
  speech_test::Wav quiet = round_trip("请选择商家", "zh-CN", settings(150, 0));
  EXPECT_GT(rms(loud.samples), kHeard);
  EXPECT_LT(rms(quiet.samples), 10.0);
  EXPECT_GT(quiet.seconds(), 0.5) << "silence of the text's length, not nothing";
}

TEST(Speech, PhoneNumbersAreNotSpoken) {
  // The guard runs before the synthesizer: the digits add no audio.
  const double with = round_trip("请拨打 138 1234 5678", "zh-CN", settings()).seconds();
  const double without = round_trip("请拨打", "zh-CN", settings()).seconds();
  EXPECT_LT(with, without + 0.5) << "11 digits would add seconds";
}

TEST(Speech, NoVoiceDataIsAClearError) {
  std::string error;
  odr::SpeechConfig s = settings();
  s.data_dir = odr::test::fresh_dir("speech-empty");  // a folder without espeak-ng's data
  EXPECT_FALSE(synthesize("请选择商家", "zh-CN", s, &error));
  EXPECT_NE(error.find("espeak-ng cannot start"), std::string::npos) << error;
  EXPECT_NE(error.find(s.data_dir), std::string::npos) << error;

  s.data_dir = "/nonexistent/espeak-ng-data";
  error.clear();
  EXPECT_FALSE(synthesize("请选择商家", "zh-CN", s, &error)) << "no silent fall back to other data";
  EXPECT_NE(error.find("not a folder"), std::string::npos) << error;

  error.clear();
  EXPECT_TRUE(synthesize("请选择商家", "zh-CN", settings(), &error)) << "the default data after a failure: " << error;
}

TEST(Speech, UnknownLocaleIsAClearError) {
  std::string error;
  EXPECT_FALSE(synthesize("bonjour", "fr", settings(), &error));
  EXPECT_NE(error.find("fr"), std::string::npos) << error;
}

TEST(Speech, UnwritableWavIsAnError) {
  std::string error;
  Pcm pcm{22050, std::vector<int16_t>(100, 1)};
  EXPECT_FALSE(write_wav("/nonexistent/dir/out.wav", pcm, &error));
  EXPECT_NE(error.find("/nonexistent/dir/out.wav"), std::string::npos) << error;
}
