#include "engine.h"

#include <espeak-ng/espeak_ng.h>
#include <sys/stat.h>

#include <memory>
#include <string>

#include "dynlib/dynlib.h"

namespace odr::kiosk::speech_detail {
namespace {

// espeak-ng (and the sound libraries it pulls in: pcaudio, PulseAudio,
// sndfile, codecs) opened at the first utterance, not by the loader before
// main. Each function is looked up with the type its header declares.
#define ODR_ESPEAK_FNS(X)                                                                                     \
  X(espeak_ng_InitializePath) X(espeak_ng_Initialize) X(espeak_ng_ClearErrorContext) X(espeak_ng_InitializeOutput) \
  X(espeak_ng_Terminate) X(espeak_ng_GetStatusCodeMessage) X(espeak_SetSynthCallback) X(espeak_ng_GetSampleRate) \
  X(espeak_ng_SetVoiceByName) X(espeak_ng_SetParameter) X(espeak_ng_Synthesize)

struct Api {
  std::shared_ptr<DynLib> lib;
#define ODR_ESPEAK_MEMBER(f) decltype(&::f) f = nullptr;
  ODR_ESPEAK_FNS(ODR_ESPEAK_MEMBER)
#undef ODR_ESPEAK_MEMBER
};

// Guarded by mutex(); loaded once (a failure is tried again at the next open).
Api& api() {
  static Api a;
  return a;
}

bool load_api(std::string* error) {
  Api& a = api();
  if (a.lib) return true;
  Api fresh;
  fresh.lib = DynLib::open("libespeak-ng.so.1", "libespeak-ng1", error);
  if (!fresh.lib) return false;
#define ODR_ESPEAK_LOAD(f) \
  if (!(fresh.f = fresh.lib->sym<decltype(&::f)>(#f, error))) return false;
  ODR_ESPEAK_FNS(ODR_ESPEAK_LOAD)
#undef ODR_ESPEAK_LOAD
  a = std::move(fresh);
  return true;
}

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
  api().espeak_ng_GetStatusCodeMessage(s, buf, sizeof buf);
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
  std::string why;
  if (!load_api(&why)) {
    if (error) *error = "espeak-ng cannot start: " + why;
    return 0;
  }
  const Api& a = api();
  if (e.open) a.espeak_ng_Terminate();
  e = Engine{};
  // espeak-ng falls back to its own data when a given folder is missing:
  // say so instead of speaking with other data than configured.
  if (!data_dir.empty() && !is_dir(data_dir)) {
    if (error) *error = "espeak-ng data folder " + data_dir + " is not a folder";
    return 0;
  }
  a.espeak_ng_InitializePath(data_dir.empty() ? nullptr : data_dir.c_str());
  espeak_ng_ERROR_CONTEXT context = nullptr;
  espeak_ng_STATUS s = a.espeak_ng_Initialize(&context);
  a.espeak_ng_ClearErrorContext(&context);
  if (s == ENS_OK) s = a.espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, kChunkMs, nullptr);
  if (s != ENS_OK) {
    if (error)
      *error = "espeak-ng cannot start: " + status_text(s) + " (data: " +
               (data_dir.empty() ? std::string("espeak-ng's own; is espeak-ng-data installed?") : data_dir) + ")";
    a.espeak_ng_Terminate();
    return 0;
  }
  a.espeak_SetSynthCallback(on_samples);
  e.open = true;
  e.data_dir = data_dir;
  e.rate_hz = a.espeak_ng_GetSampleRate();
  return e.rate_hz;
}

SpeakResult EspeakLock::speak(std::string_view text, const std::string& voice, int rate_wpm, int volume,
                              const ChunkFn& chunk, std::string* error) {
  Engine& e = engine();
  if (!e.open) {
    if (error) *error = "espeak-ng is not open";
    return SpeakResult::failed;
  }
  const Api& a = api();
  if (e.voice != voice) {
    espeak_ng_STATUS s = a.espeak_ng_SetVoiceByName(voice.c_str());
    if (s != ENS_OK) {
      e.voice.clear();
      if (error) *error = "espeak-ng has no voice \"" + voice + "\": " + status_text(s);
      return SpeakResult::failed;
    }
    e.voice = voice;
  }
  a.espeak_ng_SetParameter(espeakRATE, rate_wpm, 0);
  a.espeak_ng_SetParameter(espeakVOLUME, volume, 0);
  const std::string z(text);  // espeak-ng reads up to the terminating NUL
  t_chunk = &chunk;
  t_stopped = false;
  espeak_ng_STATUS s = a.espeak_ng_Synthesize(z.c_str(), z.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, nullptr, nullptr);
  t_chunk = nullptr;
  if (t_stopped) return SpeakResult::stopped;
  if (s != ENS_OK) {
    if (error) *error = "espeak-ng: " + status_text(s);
    return SpeakResult::failed;
  }
  return SpeakResult::done;
}

}  // namespace odr::kiosk::speech_detail
