// Start-up and memory as a person sees them, measured from outside the
// process against a bare GL window (issue 16). Under one Xvfb at 1920x1080:
//
//   first pixel  exec of the program -> the Start button's colour on the X
//                screen, seen by this process polling XGetImage every 2 ms
//                (the bare program clears its window to the same colour)
//   PSS          /proc/PID/smaps_rollup 3 s after exec (GB 2312 and the
//                input engines are loaded by then), and what each mapping
//                costs (smaps, by file)
//   CPU          share of one core over the next seconds (the kiosk's
//                welcome is animated; the bare window sleeps)
//
// The two programs run interleaved, A B A B, after one warm-up start each,
// so both see the same machine. Medians and the ratios of the goals:
// first pixel <= 1.5x bare, PSS <= bare + 30 MiB, welcome CPU <= 4 %.
//
//   bench_startup [--starts N] [--smoke] [--json FILE] [--baseline BIN_DIR]
//
// --baseline: another build's odr-kiosk (e.g. main's build/default/bin) runs
// in the same rotation, A B C A B C, so a change is measured against what
// it replaces under the same load.
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "real_kiosk.h"
#include "testing/xvfb.h"

namespace fs = std::filesystem;
using odr::xtest::RealKiosk;

namespace {

constexpr int kW = 1920, kH = 1080;

double now_ms() {
  using namespace std::chrono;
  return duration_cast<duration<double, std::milli>>(steady_clock::now().time_since_epoch()).count();
}

std::string env(const char* k) {
  const char* v = getenv(k);
  return v ? v : "";
}

struct Probe {
  int x = 0, y = 0;
  unsigned char rgb[3] = {0, 0, 0};
};

struct Start {
  double first_pixel_ms = -1;
  double pss_mib = 0, rss_mib = 0, cpu_pct = 0;
  std::map<std::string, double> pss_by_file_mib;  // the kiosk's, at 3 s
};

// --- the screen, from outside -------------------------------------------------------------

bool pixel_is(Display* d, const Probe& p) {
  XImage* xi = XGetImage(d, DefaultRootWindow(d), p.x, p.y, 1, 1, AllPlanes, ZPixmap);
  if (!xi) return false;
  const unsigned long px = XGetPixel(xi, 0, 0);
  XDestroyImage(xi);
  const int c[3] = {static_cast<int>((px >> 16) & 0xFF), static_cast<int>((px >> 8) & 0xFF), static_cast<int>(px & 0xFF)};
  for (int i = 0; i < 3; ++i)
    if (std::abs(c[i] - p.rgb[i]) > 6) return false;
  return true;
}

// Where the welcome screen's Start button is and what colour it shows: one
// run of the kiosk with its hit map (the measured runs have none).
bool calibrate(const std::string& dir, Probe& probe, std::string& config, std::string* error) {
  const std::string src = env("ODR_SOURCE_DIR");
  auto q = [](const std::string& s) { return "\"" + s + "\""; };
  config = odr::xtest::write_config(dir, {{"kiosk.data_dir", q(dir + "/data")},
                                          {"odr.workdays_dir", q(src + "/config/workdays")},
                                          {"export.dir", q(dir + "/usb")},
                                          {"staff.file", q(dir + "/staff.json")}});
  RealKiosk k;
  odr::xtest::KioskSetup s;
  s.config_path = config;
  s.data_dir = dir + "/data";
  if (!k.start(s, error)) return false;
  const odr::xtest::Hit start = k.hit("welcome.start");
  probe.x = start.x0 + 10;  // inside the button's straight left edge, clear of its text and its pulse
  probe.y = start.cy();
  const odr::xtest::Image img = k.grab(probe.x, probe.y, probe.x + 1, probe.y + 1);
  std::memcpy(probe.rgb, img.at(0, 0), 3);
  k.stop();
  return true;
}

// --- a process, from outside -------------------------------------------------------------

pid_t launch(const std::vector<std::string>& argv, const std::string& display, const std::string& log) {
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 1);
    dup2(fd, 2);
    setenv("DISPLAY", display.c_str(), 1);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

void finish(pid_t pid) {
  kill(pid, SIGTERM);
  for (int i = 0; i < 500; ++i) {
    if (waitpid(pid, nullptr, WNOHANG) == pid) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

double kib_field(const std::string& path, const char* field) {
  std::ifstream in(path);
  for (std::string l; std::getline(in, l);)
    if (l.rfind(field, 0) == 0) return std::atof(l.c_str() + std::strlen(field));
  return 0;
}

// PSS by mapped file (anonymous memory as [heap], [anon] ...), in MiB.
std::map<std::string, double> pss_by_file(pid_t pid) {
  std::map<std::string, double> out;
  std::ifstream in("/proc/" + std::to_string(pid) + "/smaps");
  std::string name = "[anon]";
  for (std::string l; std::getline(in, l);) {
    if (l.rfind("Pss:", 0) == 0) {
      out[name] += std::atof(l.c_str() + 4) / 1024;
    } else if (const size_t sp = l.find(' '); sp != std::string::npos && l.find('-') < sp) {  // "from-to perms ..."
      std::istringstream s(l);
      std::string range, perms, off, dev, inode, path;
      s >> range >> perms >> off >> dev >> inode >> path;
      name = path.empty() ? "[anon]" : fs::path(path).filename().string();
    }
  }
  return out;
}

double cpu_ticks(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string all((std::istreambuf_iterator<char>(in)), {});
  const size_t close = all.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream s(all.substr(close + 2));
  std::string f;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && s >> f; ++i) {
    if (i == 14) utime = std::atof(f.c_str());
    if (i == 15) stime = std::atof(f.c_str());
  }
  return utime + stime;
}

// One start: exec, the first pixel, PSS at 3 s, CPU over cpu_s.
Start measure(const std::vector<std::string>& argv, Display* dpy, const std::string& display, const Probe& probe,
              const std::string& log, double cpu_s, bool breakdown) {
  Start r;
  const double t0 = now_ms();
  const pid_t pid = launch(argv, display, log);
  while (now_ms() - t0 < 30000) {
    if (pixel_is(dpy, probe)) {
      r.first_pixel_ms = now_ms() - t0;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  const double left = 3000 - (now_ms() - t0);
  if (left > 0) std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(left));
  const std::string proc = "/proc/" + std::to_string(pid) + "/smaps_rollup";
  r.pss_mib = kib_field(proc, "Pss:") / 1024;
  r.rss_mib = kib_field(proc, "Rss:") / 1024;
  if (breakdown) r.pss_by_file_mib = pss_by_file(pid);
  const double c0 = cpu_ticks(pid), w0 = now_ms();
  std::this_thread::sleep_for(std::chrono::duration<double>(cpu_s));
  const double ticks = cpu_ticks(pid) - c0, wall_s = (now_ms() - w0) / 1000;
  r.cpu_pct = 100.0 * ticks / static_cast<double>(sysconf(_SC_CLK_TCK)) / wall_s;
  finish(pid);
  // The next program must not find this one's pixels: wait for the window to go.
  for (int i = 0; i < 200 && pixel_is(dpy, probe); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return r;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

template <class F>
std::vector<double> column(const std::vector<Start>& v, F f) {
  std::vector<double> out;
  for (const Start& s : v) out.push_back(f(s));
  return out;
}

std::map<std::string, double> median_by_file(const std::vector<Start>& starts) {
  std::map<std::string, std::vector<double>> by;
  for (const Start& s : starts)
    for (const auto& [k, v] : s.pss_by_file_mib) by[k].push_back(v);
  std::map<std::string, double> out;
  for (auto& [k, v] : by) out[k] = median(v);
  return out;
}

// What each part costs: the kiosk's largest mappings beside the bare window's.
void print_breakdown(const std::vector<Start>& kiosk, const std::vector<Start>& bare, const std::vector<Start>& base) {
  const std::map<std::string, double> k = median_by_file(kiosk), b = median_by_file(bare), s = median_by_file(base);
  std::vector<std::pair<double, std::string>> rows;
  for (const auto& [name, v] : k) rows.push_back({v, name});
  for (const auto& [name, v] : s)
    if (!k.count(name)) rows.push_back({0, name});
  std::sort(rows.rbegin(), rows.rend());
  auto at = [](const std::map<std::string, double>& m, const std::string& n) {
    auto it = m.find(n);
    return it == m.end() ? 0.0 : it->second;
  };
  printf("\n  PSS at 3 s by mapping (median MiB)   odr-kiosk  bare GL%s\n", base.empty() ? "" : "  baseline");
  for (size_t i = 0; i < rows.size() && i < 20; ++i) {
    const std::string& n = rows[i].second;
    if (rows[i].first < 0.5 && at(s, n) < 0.5) continue;
    printf("    %-32s %8.1f %8.1f", n.c_str(), rows[i].first, at(b, n));
    if (!base.empty()) printf(" %8.1f", at(s, n));
    printf("\n");
  }
}

}  // namespace

int main(int argc, char** argv) {
  int starts = 5;
  bool smoke = false;
  std::string json_path, baseline_dir;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--smoke") smoke = true;
    else if (a == "--starts" && i + 1 < argc) starts = std::max(1, std::atoi(argv[++i]));
    else if (a == "--json" && i + 1 < argc) json_path = argv[++i];
    else if (a == "--baseline" && i + 1 < argc) baseline_dir = argv[++i];
    else return fprintf(stderr, "usage: bench_startup [--starts N] [--smoke] [--json FILE] [--baseline BIN_DIR]\n"), 2;
  }
  if (smoke) starts = 1;
  const std::string dir = (env("ODR_TEST_TMP").empty() ? "/tmp" : env("ODR_TEST_TMP")) + "/bench-startup";
  fs::remove_all(dir);
  fs::create_directories(dir);
  Probe probe;
  std::string config, error;
  if (!calibrate(dir, probe, config, &error)) return fprintf(stderr, "bench_startup: %s\n", error.c_str()), 1;
  odr::kiosk::XvfbServer x;
  if (!x.start(kW, kH, &error)) return fprintf(stderr, "bench_startup: %s\n", error.c_str()), 1;
  Display* dpy = XOpenDisplay(x.display().c_str());
  if (!dpy) return fprintf(stderr, "bench_startup: cannot open %s\n", x.display().c_str()), 1;
  const std::string bin = env("ODR_BIN_DIR"), size = std::to_string(kW) + "x" + std::to_string(kH);
  const std::vector<std::string> kiosk_argv = {bin + "/odr-kiosk", "--config", config, "--data-dir", dir + "/data",
                                               "--windowed", size, "--assets", env("ODR_SOURCE_DIR") + "/assets"};
  const std::vector<std::string> bare_argv = {bin + "/bare_gl", std::to_string(kW), std::to_string(kH),
                                              std::to_string(probe.rgb[0]), std::to_string(probe.rgb[1]),
                                              std::to_string(probe.rgb[2])};
  std::vector<std::string> base_argv = kiosk_argv;
  base_argv[0] = baseline_dir + "/odr-kiosk";
  const double cpu_s = smoke ? 1 : 5;
  if (!smoke) {  // warm-up: page cache, the store file, fontconfig's cache, the atlas cache
    const Start cold = measure(kiosk_argv, dpy, x.display(), probe, dir + "/kiosk.log", 0.2, false);
    printf("bench_startup: warm-up start (atlas cache written): first pixel %.0f ms\n", cold.first_pixel_ms);
    if (!baseline_dir.empty()) measure(base_argv, dpy, x.display(), probe, dir + "/baseline.log", 0.2, false);
    measure(bare_argv, dpy, x.display(), probe, dir + "/bare.log", 0.2, false);
  }
  std::vector<Start> kiosk, bare, base;
  for (int i = 0; i < starts; ++i) {
    kiosk.push_back(measure(kiosk_argv, dpy, x.display(), probe, dir + "/kiosk.log", cpu_s, true));
    if (!baseline_dir.empty())
      base.push_back(measure(base_argv, dpy, x.display(), probe, dir + "/baseline.log", cpu_s, true));
    bare.push_back(measure(bare_argv, dpy, x.display(), probe, dir + "/bare.log", cpu_s, true));
  }
  XCloseDisplay(dpy);

  auto fp = [](const Start& s) { return s.first_pixel_ms; };
  auto pss = [](const Start& s) { return s.pss_mib; };
  auto cpu = [](const Start& s) { return s.cpu_pct; };
  const double kf = median(column(kiosk, fp)), bf = median(column(bare, fp));
  const double kp = median(column(kiosk, pss)), bp = median(column(bare, pss));
  const double kc = median(column(kiosk, cpu)), bc = median(column(bare, cpu));
  printf("bench_startup: %d starts each, interleaved, Xvfb %dx%d, probe (%d,%d) rgb(%d,%d,%d)\n", starts, kW, kH,
         probe.x, probe.y, probe.rgb[0], probe.rgb[1], probe.rgb[2]);
  printf("                         odr-kiosk      bare GL    ratio / difference   goal\n");
  printf("  exec -> first pixel  %8.0f ms  %8.0f ms   %6.2fx               <= 1.5x\n", kf, bf, bf > 0 ? kf / bf : 0);
  printf("  PSS at 3 s           %7.1f MiB  %7.1f MiB   %+6.1f MiB           <= +30 MiB\n", kp, bp, kp - bp);
  printf("  CPU after 3 s        %8.1f %%   %8.1f %%    (the kiosk's welcome is animated; goal <= 4 %%)\n", kc, bc);
  if (!base.empty()) {
    const double sf = median(column(base, fp)), sp = median(column(base, pss)), sc = median(column(base, cpu));
    printf("  baseline (%s): first pixel %.0f ms (%.2fx bare), PSS %.1f MiB (%+.1f), CPU %.1f %%\n",
           baseline_dir.c_str(), sf, bf > 0 ? sf / bf : 0, sp, sp - bp, sc);
  }
  auto each = [&](const char* who, const std::vector<Start>& v) {
    if (v.empty()) return;
    printf("  %-9s first pixel each start (ms):", who);
    for (const Start& x : v) printf(" %.0f", x.first_pixel_ms);
    printf("\n");
  };
  each("odr-kiosk", kiosk);
  each("baseline", base);
  each("bare GL", bare);
  print_breakdown(kiosk, bare, base);
  if (!json_path.empty()) {
    nlohmann::json j = {{"starts", starts},           {"kiosk_first_pixel_ms", column(kiosk, fp)},
                        {"bare_first_pixel_ms", column(bare, fp)}, {"kiosk_pss_mib", column(kiosk, pss)},
                        {"bare_pss_mib", column(bare, pss)},       {"kiosk_cpu_pct", column(kiosk, cpu)},
                        {"bare_cpu_pct", column(bare, cpu)},       {"baseline_first_pixel_ms", column(base, fp)},
                        {"baseline_pss_mib", column(base, pss)}};
    std::ofstream(json_path) << j.dump(2) << "\n";
  }
  const bool seen = std::all_of(kiosk.begin(), kiosk.end(), [](const Start& s) { return s.first_pixel_ms > 0; }) &&
                    std::all_of(bare.begin(), bare.end(), [](const Start& s) { return s.first_pixel_ms > 0; });
  if (!seen) fprintf(stderr, "bench_startup: a start never showed its pixel (logs in %s)\n", dir.c_str());
  return seen ? 0 : 1;
}
