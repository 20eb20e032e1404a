#include "device.h"

#include <alsa/asoundlib.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <vector>

namespace odr::kiosk::speech_detail {
namespace {

using Clock = std::chrono::steady_clock;

constexpr unsigned kBufferUs = 200000;  // what a stop throws away, at most
constexpr int kStallMs = 2000;          // a device that takes nothing this long is gone

// ALSA prints its own errors to stderr, on every retry of a missing card;
// the Speaker logs one line of its own instead.
void quiet(const char*, int, const char*, int, const char*, ...) {}

void silence_alsa_errors() {
  static std::once_flag once;
  std::call_once(once, [] { snd_lib_error_set_handler(quiet); });
}

// Drains the wake pipe's bytes without blocking.
void drain(int fd) {
  char buf[64];
  while (fd >= 0 && ::read(fd, buf, sizeof buf) > 0) {
  }
}

}  // namespace

PcmDevice::~PcmDevice() { close(); }

bool PcmDevice::open(const std::string& name, std::string* error) {
  close();
  silence_alsa_errors();
  int r = snd_pcm_open(&pcm_, name.c_str(), SND_PCM_STREAM_PLAYBACK, SND_PCM_NONBLOCK);
  if (r < 0) {
    pcm_ = nullptr;
    if (error) *error = "no sound device \"" + name + "\": " + snd_strerror(r);
    return false;
  }
  return true;
}

bool PcmDevice::configure(int rate_hz, std::string* error) {
  if (!pcm_) return false;
  int r = snd_pcm_set_params(pcm_, SND_PCM_FORMAT_S16_LE, SND_PCM_ACCESS_RW_INTERLEAVED, 1, static_cast<unsigned>(rate_hz),
                             1 /* resample in software where the card cannot */, kBufferUs);
  snd_pcm_uframes_t buffer = 0, period = 0;
  if (r >= 0) r = snd_pcm_get_params(pcm_, &buffer, &period);
  // Start playing at the first period, not when the whole buffer is full:
  // espeak-ng keeps well ahead of real time.
  snd_pcm_sw_params_t* sw = nullptr;
  if (r >= 0) r = snd_pcm_sw_params_malloc(&sw);
  if (r >= 0) r = snd_pcm_sw_params_current(pcm_, sw);
  if (r >= 0) r = snd_pcm_sw_params_set_start_threshold(pcm_, sw, period);
  if (r >= 0) r = snd_pcm_sw_params_set_avail_min(pcm_, sw, period);
  if (r >= 0) r = snd_pcm_sw_params(pcm_, sw);
  if (sw) snd_pcm_sw_params_free(sw);
  if (r < 0) {
    if (error) *error = std::string("the sound device refuses 16-bit mono at ") + std::to_string(rate_hz) + " Hz: " + snd_strerror(r);
    close();
    return false;
  }
  rate_hz_ = rate_hz;
  return true;
}

void PcmDevice::close() {
  if (!pcm_) return;
  snd_pcm_drop(pcm_);
  snd_pcm_close(pcm_);
  pcm_ = nullptr;
  written_ = false;
}

// Waits for room in the device (or the wake fd, or the time-out); false
// when the device reports an error on its descriptors.
bool PcmDevice::wait(int wake_fd, int timeout_ms) {
  const int n = snd_pcm_poll_descriptors_count(pcm_);
  std::vector<pollfd> fds(static_cast<size_t>(n > 0 ? n : 0) + 1);
  fds[0] = {wake_fd, POLLIN, 0};
  if (n > 0) snd_pcm_poll_descriptors(pcm_, fds.data() + 1, static_cast<unsigned>(n));
  if (::poll(fds.data(), fds.size(), timeout_ms) <= 0) return true;
  if (fds[0].revents & POLLIN) drain(wake_fd);
  unsigned short revents = 0;
  if (n > 0) snd_pcm_poll_descriptors_revents(pcm_, fds.data() + 1, static_cast<unsigned>(n), &revents);
  return !(revents & (POLLERR | POLLNVAL));
}

WriteResult PcmDevice::write(const int16_t* samples, size_t count, int wake_fd, const std::function<bool()>& stop) {
  if (!pcm_) return WriteResult::lost;
  Clock::time_point progress = Clock::now();
  while (count > 0) {
    if (stop()) return WriteResult::stopped;
    snd_pcm_sframes_t w = snd_pcm_writei(pcm_, samples, count);
    if (w > 0) {
      samples += w;
      count -= static_cast<size_t>(w);
      written_ = true;
      progress = Clock::now();
      continue;
    }
    if (w == -EAGAIN || w == 0) {
      if (Clock::now() - progress > std::chrono::milliseconds(kStallMs)) return WriteResult::lost;
      if (!wait(wake_fd, 100) && snd_pcm_state(pcm_) == SND_PCM_STATE_DISCONNECTED) return WriteResult::lost;
      continue;
    }
    // An underrun (espeak-ng fell behind on a busy machine) or a suspend: go on; anything else is a lost device.
    if (snd_pcm_recover(pcm_, static_cast<int>(w), 1) < 0) return WriteResult::lost;
  }
  return WriteResult::ok;
}

void PcmDevice::finish(int wake_fd, const std::function<bool()>& stop) {
  if (!pcm_) return;
  if (written_ && snd_pcm_state(pcm_) == SND_PCM_STATE_PREPARED) snd_pcm_start(pcm_);  // shorter than one period
  const Clock::time_point limit = Clock::now() + std::chrono::microseconds(kBufferUs) + std::chrono::seconds(1);
  while (!stop() && Clock::now() < limit && snd_pcm_state(pcm_) == SND_PCM_STATE_RUNNING) {
    snd_pcm_sframes_t delay = 0;
    if (snd_pcm_delay(pcm_, &delay) < 0 || delay <= 0) break;
    const int ms = static_cast<int>(delay * 1000 / (rate_hz_ > 0 ? rate_hz_ : 22050)) + 1;
    pollfd fd{wake_fd, POLLIN, 0};
    if (::poll(&fd, 1, ms < 100 ? ms : 100) > 0) drain(wake_fd);
  }
  drop();
}

void PcmDevice::drop() {
  if (!pcm_) return;
  snd_pcm_drop(pcm_);
  snd_pcm_prepare(pcm_);
  written_ = false;
}

}  // namespace odr::kiosk::speech_detail
