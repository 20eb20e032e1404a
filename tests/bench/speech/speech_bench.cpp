// Speech latency from the tap to the first sound, measured from outside the
// kiosk's process: speech_bench_driver (a Speaker, as the kiosk has it)
// says a step's question on ALSA's file device every gap; this process
// watches the device's file (inotify) and timestamps the first audible
// sample after each say() with the same monotonic clock. Cold: the first
// say() of a fresh process (device open, espeak-ng loading); warm: the
// rest. Also prints what the Speaker measured itself (say() to the first
// audible sample written to the device).
// usage: speech_bench [--smoke] [--dir SCRATCH] [--runs N] [--rounds N]
#include <poll.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/process.h"

namespace fs = std::filesystem;

namespace {

constexpr int kAudible = 256;  // as the Speaker counts it (of 32767)
constexpr int kGapMs = 400;    // between two says: a question is in the file well within it

long long now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

struct Figures {
  std::vector<double> ms;
  double at(double q) const {
    std::vector<double> s = ms;
    std::sort(s.begin(), s.end());
    return s[std::min(s.size() - 1, static_cast<size_t>(q * static_cast<double>(s.size() - 1) + 0.5))];
  }
  void print(const char* name) const {
    if (ms.empty()) return;
    std::printf("  %-44s n=%-3zu median %7.1f ms  p90 %7.1f ms  max %7.1f ms\n", name, ms.size(), at(0.5), at(0.9),
                at(1.0));
  }
};

// The device's file, read as it grows: now, when the bytes new since the
// last look hold an audible sample, else 0.
struct Watched {
  std::string path;
  size_t offset = 0;
  long long audible_now() {
    std::ifstream in(path, std::ios::binary);
    if (!in) return 0;
    in.seekg(0, std::ios::end);
    const size_t size = static_cast<size_t>(in.tellg()) & ~size_t{1};
    if (size < offset) offset = 0;  // truncated when the device opened
    if (size == offset) return 0;
    std::string bytes(size - offset, '\0');
    in.seekg(static_cast<std::streamoff>(offset));
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    offset = size;
    for (size_t i = 0; i + 1 < bytes.size(); i += 2) {
      const int16_t s = static_cast<int16_t>(static_cast<unsigned char>(bytes[i]) | (static_cast<unsigned char>(bytes[i + 1]) << 8));
      if (std::abs(static_cast<int>(s)) > kAudible) return now_ns();
    }
    return 0;
  }
};

struct Run {
  std::vector<double> outside_ms, internal_ms;  // [0] cold
  bool ok = true;
};

// Handles one line of the driver's output.
void on_line(const std::string& line, long long* said, Run& run) {
  if (line.rfind("said ", 0) == 0) {
    if (*said) run.ok = false;  // the last one was never heard
    *said = std::atoll(line.c_str() + 5);
  } else if (line.rfind("internal ", 0) == 0) {
    run.internal_ms.push_back(std::atof(line.c_str() + 9));
  }
}

// One fresh driver process: `rounds` says, each timed from here.
Run measure(const std::string& dir, int rounds) {
  Run run;
  const std::string file = dir + "/device.raw";
  fs::remove(file);
  const int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  inotify_add_watch(in, dir.c_str(), IN_MODIFY | IN_CREATE | IN_CLOSE_WRITE);
  const std::string exe = fs::read_symlink("/proc/self/exe").parent_path() / "speech_bench_driver";
  odr::test::Child child = odr::test::spawn_piped(
      {exe, "file:FILE=" + file + ",FORMAT=raw", std::to_string(rounds), std::to_string(kGapMs)});
  Watched watched{file};
  std::vector<long long> arrivals;  // when audible bytes were seen
  long long said = 0;
  std::string out;
  for (bool open = true; open;) {
    pollfd fds[2] = {{child.out, POLLIN, 0}, {in, POLLIN, 0}};
    ::poll(fds, 2, 50);
    if (fds[1].revents & POLLIN) {
      char buf[4096];
      while (::read(in, buf, sizeof buf) > 0) {
      }
    }
    if (fds[0].revents & (POLLIN | POLLHUP)) {
      char buf[4096];
      const ssize_t n = ::read(child.out, buf, sizeof buf);
      if (n <= 0) open = false;
      else out.append(buf, static_cast<size_t>(n));
      for (size_t nl; (nl = out.find('\n')) != std::string::npos; out.erase(0, nl + 1)) on_line(out.substr(0, nl), &said, run);
    }
    if (const long long t = watched.audible_now()) arrivals.push_back(t);
    // Heard: the first audible bytes seen after the say() (the previous
    // utterance's were all in the file well before it).
    auto heard = std::find_if(arrivals.begin(), arrivals.end(), [&](long long t) { return t >= said; });
    if (said && heard != arrivals.end()) {
      run.outside_ms.push_back(static_cast<double>(*heard - said) / 1e6);
      said = 0;
    }
  }
  if (said) run.ok = false;
  const int status = odr::test::reap(child);
  ::close(in);
  if (status != 0 || static_cast<int>(run.outside_ms.size()) != rounds) run.ok = false;
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 5, rounds = 11;
  std::string dir = (fs::temp_directory_path() / "speech_bench").string();
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--smoke")) {
      runs = 1;
      rounds = 3;
    } else if (!std::strcmp(argv[i], "--dir") && i + 1 < argc) {
      dir = argv[++i];
    } else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) {
      runs = std::atoi(argv[++i]);
    } else if (!std::strcmp(argv[i], "--rounds") && i + 1 < argc) {
      rounds = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: speech_bench [--smoke] [--dir SCRATCH] [--runs N] [--rounds N]\n");
      return 2;
    }
  }
  fs::create_directories(dir);
  Figures cold, warm, cold_in, warm_in;
  for (int r = 0; r < runs; ++r) {
    Run run = measure(dir, rounds);
    if (!run.ok) {
      std::fprintf(stderr, "speech_bench: run %d: %zu of %d says heard in the device's file\n", r + 1,
                   run.outside_ms.size(), rounds);
      return 1;
    }
    for (size_t i = 0; i < run.outside_ms.size(); ++i) (i == 0 ? cold : warm).ms.push_back(run.outside_ms[i]);
    for (size_t i = 0; i < run.internal_ms.size(); ++i) (i == 0 ? cold_in : warm_in).ms.push_back(run.internal_ms[i]);
  }
  std::printf("speech latency, say() to the first audible sample (zh-CN step questions, 150 wpm, ALSA file device):\n");
  std::printf(" seen from outside the process (the device's file, inotify):\n");
  cold.print("cold (first say: device open, espeak-ng load)");
  warm.print("warm");
  std::printf(" as the Speaker measures it (written to the device):\n");
  cold_in.print("cold");
  warm_in.print("warm");
  return 0;
}
