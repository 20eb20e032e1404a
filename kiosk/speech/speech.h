// Read-aloud for the kiosk (kiosk/speech, odr_speech): espeak-ng's Mandarin
// (cmn) and English (en) voices, synthesized in the process.
//   synthesize()        text -> 16-bit mono PCM, synchronously (tests, tools)
//   write_wav()         PCM -> a .wav file
//   Speaker             (speech/speaker.h) the running kiosk's: its own thread
//                       owns espeak-ng and the ALSA device, starts both at the
//                       first say(), the newest text wins, stop() on reset
//   guard_speech_text() (speech/guard.h) cuts phone-number-shaped runs out of
//                       every text before the synthesizer sees it
// Settings: odr::SpeechConfig ([speech] in kiosk.toml, config/config.h).
// espeak-ng is one engine per process and not thread safe: every call here
// takes one process-wide lock for the length of an utterance. No ImGui, no
// SQL, no HTTP; nothing here logs the text it speaks.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace odr::kiosk {

// 16-bit mono PCM.
struct Pcm {
  int rate_hz = 0;
  std::vector<int16_t> samples;
  double seconds() const { return rate_hz > 0 ? static_cast<double>(samples.size()) / rate_hz : 0.0; }
};

// espeak-ng's voice for a kiosk locale: "zh-CN" (and "zh") -> "cmn", "en" and
// "en-*" -> "en"; "" for any other.
std::string voice_for_locale(std::string_view locale);

// `text` (after guard_speech_text) in the locale's voice at the settings'
// rate and volume (enabled and device are not looked at). nullopt and a
// clear *error when espeak-ng cannot start (no data), has no such voice or
// the locale has none.
std::optional<Pcm> synthesize(std::string_view text, std::string_view locale, const SpeechConfig& settings,
                              std::string* error);

// A RIFF/WAVE file of 16-bit mono PCM; false and *error when it cannot be written.
bool write_wav(const std::string& path, const Pcm& pcm, std::string* error);

}  // namespace odr::kiosk
