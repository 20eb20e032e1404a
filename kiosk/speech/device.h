// One ALSA playback device (private to odr_speech): 16-bit mono, opened
// non-blocking (a busy card answers at once instead of hanging the thread),
// every wait for room bounded and also woken by a file descriptor (the
// Speaker's wake pipe), so a stop is heard within one wait.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

typedef struct _snd_pcm snd_pcm_t;

namespace odr::kiosk::speech_detail {

enum class WriteResult { ok, stopped, lost };

class PcmDevice {
 public:
  PcmDevice() = default;
  ~PcmDevice();
  PcmDevice(const PcmDevice&) = delete;
  PcmDevice& operator=(const PcmDevice&) = delete;

  // Opens `name` ("default", "plughw:1,0", "file:FILE=/tmp/x.raw,FORMAT=raw");
  // false and *error (ALSA's reason, never any text) when it cannot.
  bool open(const std::string& name, std::string* error);
  // 16-bit mono at rate_hz, ~200 ms of buffer, playing from the first ~50 ms.
  bool configure(int rate_hz, std::string* error);
  bool is_open() const { return pcm_ != nullptr; }
  void close();

  // Writes every sample, waiting for room; stopped as soon as `stop()` says
  // so (asked after each wake of wake_fd or each 100 ms); lost when the
  // device went away (unplugged) or took no sample for 2 s.
  WriteResult write(const int16_t* samples, size_t count, int wake_fd, const std::function<bool()>& stop);
  // Plays out what is buffered (or until `stop()`), then drops: the device
  // ready for the next utterance.
  void finish(int wake_fd, const std::function<bool()>& stop);
  // Silence now: what is buffered is thrown away.
  void drop();

 private:
  bool wait(int wake_fd, int timeout_ms);
  snd_pcm_t* pcm_ = nullptr;
  int rate_hz_ = 0;
  bool written_ = false;  // samples since the last drop
};

}  // namespace odr::kiosk::speech_detail
