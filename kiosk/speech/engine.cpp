#include "engine.h"

#include <espeak-ng/espeak_ng.h>
#include <sys/stat.h>

#include <string>

namespace odr::kiosk::speech_detail {
namespace {

constexpr int kChunkMs = 60;  // espeak-ng's buffer: the first sound is this far behind the tap, at most

// The engine as espeak-ng's globals have it; guarded by mutex().
struct Engine {
  bool open = false;
  int rate_hz = 0;
  std::string data_dir;
  std::string voice;  // the voice set last ("" after open)
};

std::mutex& mutex() {
  static std::mutex m;
  return m;
}

Engine& engine() {
  static Engine e;
  return e;
}

// The utterance being synthesized on this thread (synchronous mode calls
// back on the caller's thread), and whether it was stopped.
thread_local const ChunkFn* t_chunk = nullptr;
thread_local bool t_stopped = false;

int on_samples(short* wav, int count, espeak_EVENT*) {
  if (t_stopped) return 1;
  if (wav && count > 0 && t_chunk && !(*t_chunk)(reinterpret_cast<const int16_t*>(wav), static_cast<size_t>(count))) {
    t_stopped = true;
    return 1;  // espeak-ng stops the utterance
  }
  return 0;
}

std::string status_text(espeak_ng_STATUS s) {
  char buf[256] = {};
  espeak_ng_GetStatusCodeMessage(s, buf, sizeof buf);
  return buf;
}

bool is_dir(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

EspeakLock::EspeakLock() : lock_(mutex()) {}

int EspeakLock::open(const std::string& data_dir, std::string* error) {
  Engine& e = engine();
  if (e.open && e.data_dir == data_dir) return e.rate_hz;
  if (e.open) espeak_ng_Terminate();
  e = Engine{};
  // espeak-ng falls back to its own data when a given folder is missing:
  // say so instead of speaking with other data than configured.
  if (!data_dir.empty() && !is_dir(data_dir)) {
    if (error) *error = "espeak-ng data folder " + data_dir + " is not a folder";
    return 0;
  }
  espeak_ng_InitializePath(data_dir.empty() ? nullptr : data_dir.c_str());
  espeak_ng_ERROR_CONTEXT context = nullptr;
  espeak_ng_STATUS s = espeak_ng_Initialize(&context);
  espeak_ng_ClearErrorContext(&context);
  if (s == ENS_OK) s = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, kChunkMs, nullptr);
  if (s != ENS_OK) {
    if (error)
      *error = "espeak-ng cannot start: " + status_text(s) + " (data: " +
               (data_dir.empty() ? std::string("espeak-ng's own; is espeak-ng-data installed?") : data_dir) + ")";
    espeak_ng_Terminate();
    return 0;
  }
  espeak_SetSynthCallback(on_samples);
  e.open = true;
  e.data_dir = data_dir;
  e.rate_hz = espeak_ng_GetSampleRate();
  return e.rate_hz;
}

SpeakResult EspeakLock::speak(std::string_view text, const std::string& voice, int rate_wpm, int volume,
                              const ChunkFn& chunk, std::string* error) {
  Engine& e = engine();
  if (!e.open) {
    if (error) *error = "espeak-ng is not open";
    return SpeakResult::failed;
  }
  if (e.voice != voice) {
    espeak_ng_STATUS s = espeak_ng_SetVoiceByName(voice.c_str());
    if (s != ENS_OK) {
      e.voice.clear();
      if (error) *error = "espeak-ng has no voice \"" + voice + "\": " + status_text(s);
      return SpeakResult::failed;
    }
    e.voice = voice;
  }
  espeak_ng_SetParameter(espeakRATE, rate_wpm, 0);
  espeak_ng_SetParameter(espeakVOLUME, volume, 0);
  const std::string z(text);  // espeak-ng reads up to the terminating NUL
  t_chunk = &chunk;
  t_stopped = false;
  espeak_ng_STATUS s = espeak_ng_Synthesize(z.c_str(), z.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr, nullptr);
  t_chunk = nullptr;
  if (t_stopped) return SpeakResult::stopped;
  if (s != ENS_OK) {
    if (error) *error = "espeak-ng: " + status_text(s);
    return SpeakResult::failed;
  }
  return SpeakResult::done;
}

}  // namespace odr::kiosk::speech_detail
