#include "speech.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "engine.h"
#include "guard.h"

namespace odr::kiosk {

std::string voice_for_locale(std::string_view locale) {
  if (locale == "zh-CN" || locale == "zh") return "cmn";
  if (locale == "en" || locale.substr(0, 3) == "en-") return "en";
  return "";
}

std::optional<Pcm> synthesize(std::string_view text, std::string_view locale, const SpeechConfig& settings,
                              std::string* error) {
  const std::string voice = voice_for_locale(locale);
  if (voice.empty()) {
    if (error) *error = "no voice for the locale \"" + std::string(locale) + "\"";
    return std::nullopt;
  }
  speech_detail::EspeakLock espeak;
  Pcm pcm;
  pcm.rate_hz = espeak.open(settings.data_dir, error);
  if (pcm.rate_hz <= 0) return std::nullopt;
  const speech_detail::ChunkFn keep = [&](const int16_t* s, size_t n) {
    pcm.samples.insert(pcm.samples.end(), s, s + n);
    return true;
  };
  if (espeak.speak(guard_speech_text(text), voice, settings.rate_wpm, settings.volume, keep, error) !=
      speech_detail::SpeakResult::done)
    return std::nullopt;
  return pcm;
}

namespace {

void put_le(std::string& out, uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

}  // namespace

bool write_wav(const std::string& path, const Pcm& pcm, std::string* error) {
  const uint32_t data_bytes = static_cast<uint32_t>(pcm.samples.size() * 2);
  std::string h = "RIFF";
  put_le(h, 36 + data_bytes, 4);
  h += "WAVEfmt ";
  put_le(h, 16, 4);                                      // fmt chunk size
  put_le(h, 1, 2);                                       // PCM
  put_le(h, 1, 2);                                       // mono
  put_le(h, static_cast<uint32_t>(pcm.rate_hz), 4);      // sample rate
  put_le(h, static_cast<uint32_t>(pcm.rate_hz) * 2, 4);  // bytes a second
  put_le(h, 2, 2);                                       // block align
  put_le(h, 16, 2);                                      // bits a sample
  h += "data";
  put_le(h, data_bytes, 4);
  std::string body;
  body.reserve(data_bytes);
  for (int16_t s : pcm.samples) put_le(body, static_cast<uint16_t>(s), 2);  // little-endian whatever the host

  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) {
    if (error) *error = path + ": " + std::strerror(errno);
    return false;
  }
  bool ok = std::fwrite(h.data(), 1, h.size(), f) == h.size() && std::fwrite(body.data(), 1, body.size(), f) == body.size();
  const int saved = errno;
  ok = (std::fclose(f) == 0) && ok;
  if (!ok && error) *error = path + ": cannot be written: " + std::strerror(saved ? saved : errno);
  return ok;
}

}  // namespace odr::kiosk
