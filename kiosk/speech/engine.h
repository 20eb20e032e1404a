// espeak-ng behind the process-wide lock (private to odr_speech). espeak-ng
// keeps one engine in globals and is not thread safe, so an EspeakLock is
// the only way in: it holds the lock while it lives (one utterance), opens
// the engine on first use (again when the data folder changes) in
// synchronous mode, and hands each ~60 ms of samples to a callback as
// espeak-ng makes them.
#pragma once
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace odr::kiosk::speech_detail {

// One chunk of samples; false stops the utterance.
using ChunkFn = std::function<bool(const int16_t* samples, size_t count)>;

enum class SpeakResult { done, stopped, failed };

class EspeakLock {
 public:
  EspeakLock();
  EspeakLock(const EspeakLock&) = delete;
  EspeakLock& operator=(const EspeakLock&) = delete;

  // The engine's sample rate, or 0 and *error: data_dir ("" for espeak-ng's
  // own) is not a folder or holds no espeak-ng data.
  int open(const std::string& data_dir, std::string* error);
  // Synthesizes `text` (already guarded) after open(). failed and *error
  // when the voice is missing or espeak-ng refuses; stopped when `chunk`
  // returned false.
  SpeakResult speak(std::string_view text, const std::string& voice, int rate_wpm, int volume, const ChunkFn& chunk,
                    std::string* error);

 private:
  std::unique_lock<std::mutex> lock_;
};

}  // namespace odr::kiosk::speech_detail
