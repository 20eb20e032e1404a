// The running kiosk's read-aloud: a Speaker owns a thread, and that thread
// alone owns espeak-ng (not thread safe) and the ALSA device. Nothing heavy
// happens at construction: the device opens at the first say(), then
// espeak-ng loads. Each say() replaces whatever is being said (the newest
// text wins); stop() silences at once (the session's reset). With no sound
// device the Speaker is silently off: state no_device, say() does nothing,
// one log line without any text, and the device is tried again at a say()
// at most every 30 s (a USB speaker plugged in later). Audio is written as
// espeak-ng makes it (~60 ms chunks), so the first sound follows the tap
// closely. No call here waits for the thread, except the destructor.
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "config/config.h"

namespace odr::kiosk {

enum class SpeakerState {
  unknown,    // not tried yet (no say() so far)
  ready,      // the device is open and espeak-ng loaded
  no_device,  // the sound device cannot be opened: silently off
  no_voice,   // espeak-ng cannot start or lacks the locale's voice (espeak-ng-data)
  disabled,   // [speech] enabled = false
};
const char* to_string(SpeakerState s);

class Speaker {
 public:
  explicit Speaker(SpeechConfig config);
  // Stops what is being said and joins the thread.
  ~Speaker();
  Speaker(const Speaker&) = delete;
  Speaker& operator=(const Speaker&) = delete;

  // Queues `text` in `locale`'s voice ("zh-CN", "en") and returns; what was
  // being said or queued is dropped. The text passes guard_speech_text first.
  void say(std::string text, std::string locale);
  // Silence now (the device's buffer is dropped) and forget queued text.
  void stop();
  SpeakerState state() const;
  // Called on the Speaker's thread with every text handed to the
  // synthesizer, after the guard (the tests check nothing personal gets
  // through). Set it before the first say().
  void set_text_observer(std::function<void(const std::string&)> observer);
  // Milliseconds from say() to the first non-silent sample written to the
  // device, for the last utterance that reached one (0 before any).
  double last_latency_ms() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace odr::kiosk
