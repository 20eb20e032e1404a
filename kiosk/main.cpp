// odr-kiosk: the touch app. main() reads the arguments and picks a mode:
// the shopper's screens fullscreen (with --bench-report: start-up and idle
// figures, then exit), or the tour (--tour DIR) that writes a PNG of every
// screen. Both run on one Kiosk: config, fonts, the ImGui context, the
// window, the services (store, input engines, sync engine, staff mode) and
// the App, made in that order and torn down in reverse.
#include <imgui.h>
#include <malloc.h>
#include <signal.h>
#include <stb/stb_image_write.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <thread>

#include "app/app.h"
#include "app/startup.h"
#include "config/config.h"
#include "platform/loop.h"
#include "platform/watchdog.h"
#include "platform/window.h"
#include "platform/xwayland.h"
#include "services/services.h"
#include "testing/driver.h"
#include "testing/hitmap.h"
#include "testing/tour.h"
#include "util/time.h"

namespace fs = std::filesystem;
using namespace odr;
using namespace odr::kiosk;

namespace {

const char* kUsage =
    "usage: odr-kiosk [options]\n"
    "  --config PATH       the kiosk's config (default: $ODR_KIOSK_CONFIG, /etc/odr-kiosk/kiosk.toml,\n"
    "                      or config/kiosk.toml here)\n"
    "  --data-dir DIR      where the store and the input engines' data live (overrides the config)\n"
    "  --windowed WxH      a window of that size instead of fullscreen (development)\n"
    "  --assets DIR        the folder with i18n/*.po (default: found next to the program)\n"
    "  --tour DIR          drive every screen and write a PNG of each into DIR, then exit\n"
    "  --tour-walks WHICH  all (default), or elderly: the elderly-mode walks only\n"
    "  --no-animation      no pulse on the welcome screen\n"
    "  --bench-report FILE write start-up and idle figures as JSON to FILE, then exit\n"
    "  --bench-seconds N   how long the bench measures idle CPU (default 10)\n";

struct Args {
  std::string config, data_dir, assets, tour, tour_walks = "all", bench_report;
  int width = 0, height = 0;
  bool animate = true;
  double bench_seconds = 10;
};

bool parse_args(int argc, char** argv, Args& a, std::string& error) {
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= argc) {
        error = k + " needs a value";
        return false;
      }
      out = argv[++i];
      return true;
    };
    std::string v;
    if (k == "--config") {
      if (!value(a.config)) return false;
    } else if (k == "--data-dir") {
      if (!value(a.data_dir)) return false;
    } else if (k == "--assets") {
      if (!value(a.assets)) return false;
    } else if (k == "--tour") {
      if (!value(a.tour)) return false;
    } else if (k == "--tour-walks") {
      if (!value(a.tour_walks)) return false;
      if (a.tour_walks != "all" && a.tour_walks != "elderly") {
        error = "--tour-walks takes all or elderly";
        return false;
      }
    } else if (k == "--bench-report") {
      if (!value(a.bench_report)) return false;
    } else if (k == "--bench-seconds") {
      if (!value(v)) return false;
      a.bench_seconds = atof(v.c_str());
    } else if (k == "--no-animation") {
      a.animate = false;
    } else if (k == "--windowed") {
      if (!value(v)) return false;
      if (sscanf(v.c_str(), "%dx%d", &a.width, &a.height) != 2 || a.width < 320 || a.height < 320) {
        error = "--windowed takes WIDTHxHEIGHT, e.g. 1920x1080";
        return false;
      }
    } else if (k == "--help" || k == "-h") {
      fputs(kUsage, stdout);
      exit(0);
    } else {
      error = "unknown option " + k;
      return false;
    }
  }
  return true;
}

std::string find_config(const std::string& given) {
  if (!given.empty()) return given;
  if (const char* env = getenv("ODR_KIOSK_CONFIG")) return env;
  std::error_code ec;
  for (const char* p : {"/etc/odr-kiosk/kiosk.toml", "config/kiosk.toml"})
    if (fs::is_regular_file(p, ec)) return p;
  return {};
}

double mono_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

// PSS and RSS in KiB from /proc/self/smaps_rollup.
void memory_kib(long* pss, long* rss) {
  *pss = *rss = 0;
  std::ifstream f("/proc/self/smaps_rollup");
  std::string key;
  long v;
  while (f >> key) {
    if (key == "Pss:" && f >> v) *pss = v;
    else if (key == "Rss:" && f >> v) *rss = v;
  }
}

bool write_png(const std::string& path, const std::vector<unsigned char>& rgba, int w, int h) {
  // Opaque: the frame's alpha is whatever blending left there.
  std::vector<unsigned char> rgb(static_cast<size_t>(w) * h * 3);
  for (size_t i = 0, j = 0; i < rgba.size(); i += 4, j += 3) {
    rgb[j] = rgba[i];
    rgb[j + 1] = rgba[i + 1];
    rgb[j + 2] = rgba[i + 2];
  }
  stbi_write_png_compression_level = 4;
  return stbi_write_png(path.c_str(), w, h, 3, rgb.data(), w * 3) != 0;
}

std::atomic<bool> g_quit{false};

bool first_pending(const std::unique_ptr<FontAtlases>& f) { return !f || !f->text_atlas(); }

// ODR_KIOSK_TRACE=1: start-up phases on stderr, for tuning the first frame.
double g_t0 = 0;
void trace(const char* what) {
  static const bool on = getenv("ODR_KIOSK_TRACE") != nullptr;
  if (on) fprintf(stderr, "odr-kiosk: %7.1f ms  %s\n", mono_ms() - g_t0, what);
}

// SIGTERM / SIGINT from systemd or the operator: leave cleanly. A thread
// waits for them so that it can wake the event loop (not signal-safe).
void start_signal_thread() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::thread([set] {
    int sig = 0;
    sigwait(&set, &sig);
    g_quit = true;
    Window::wake();
  }).detach();
}

// The ImGui context, on a placeholder atlas until ours is built; at the end
// the context lets go of our atlas before it goes.
struct ImGuiContextOwner {
  ImFontAtlas placeholder;
  ImGuiContext* ctx = ImGui::CreateContext(&placeholder);
  ImGuiContextOwner() { apply_imgui_style(); }
  ~ImGuiContextOwner() {
    ImGui::GetIO().Fonts = &placeholder;
    ImGui::DestroyContext(ctx);
  }
};

// Everything the running kiosk holds. Members are declared in teardown
// order (C++ destroys the last declared first): the App before the services
// it uses, those before the window, the window before the ImGui context, the
// context before the fonts it drew with.
struct Kiosk {
  KioskConfig config;
  I18n i18n;
  std::unique_ptr<FontAtlases> fonts;
  std::unique_ptr<ImGuiContextOwner> imgui;
  std::unique_ptr<Window> window;
  std::unique_ptr<Services> services;
  std::unique_ptr<App> app;
  std::atomic<int64_t> clock_offset{0};  // the tour moves the app's clock

  ~Kiosk() {
    if (services && app) services->shutdown(*app);
    if (fonts) fonts->set_uploader(nullptr, nullptr);  // no texture calls once the window is gone
  }
};

// The config (a mistake names the key) and the data folder. 0 or an exit code.
int load_kiosk_config(const Args& args, KioskConfig& config) {
  const std::string config_path = find_config(args.config);
  if (config_path.empty()) {
    fprintf(stderr, "odr-kiosk: no config file: give --config PATH (an example is config/kiosk.toml)\n");
    return 2;
  }
  try {
    config = load_config(config_path);
  } catch (const ConfigError& e) {
    fprintf(stderr, "odr-kiosk: %s: %s\n", config_path.c_str(), e.what());
    return 2;
  } catch (const std::exception& e) {
    fprintf(stderr, "odr-kiosk: %s: %s\n", config_path.c_str(), e.what());
    return 2;
  }
  if (!args.data_dir.empty()) {
    config.data_dir = fs::absolute(args.data_dir).lexically_normal().string();
    config.database.clear();
  }
  // The data folder holds personal data: 0700 whatever the umask.
  try {
    prepare_data_dir(config);
  } catch (const ConfigError& e) {
    fprintf(stderr, "odr-kiosk: %s: %s\n", config_path.c_str(), e.what());
    return 2;
  }
  return 0;
}

// Start-up in the order that gets the first frame on screen soonest. 0 or an exit code.
int open_kiosk(const Args& args, Kiosk& k) {
  if (int rc = load_kiosk_config(args, k.config)) return rc;
  // Words and fonts.
  std::string error;
  const std::string assets = find_assets_dir(args.assets);
  if (assets.empty() || !k.i18n.load(assets, &error)) {
    fprintf(stderr, "odr-kiosk: translations: %s\n",
            error.empty() ? "assets/i18n not found (give --assets DIR)" : error.c_str());
    return 2;
  }
  trace("config and catalogs read");
  // The first atlas builds on a thread while the window and GL start.
  try {
    k.fonts = prepare_fonts(k.config, k.i18n);
  } catch (const std::exception& e) {
    fprintf(stderr, "odr-kiosk: fonts: %s\n", e.what());
    return 2;
  }
  // Built atlases are kept beside the kiosk's other data (widgets/atlas_cache.h).
  k.fonts->set_cache_dir((fs::path(k.config.data_dir) / "cache" / "fonts").string());
  k.fonts->start_first();
  // The store (its checks at open: version, application id, integrity) on a
  // thread of its own while the window and GL start; nothing touches it
  // before it is joined below.
  auto opening = std::async(std::launch::async, [&k] {
    auto s = std::make_unique<Services>(k.config);
    trace("store open");
    return s;
  });
  k.imgui = std::make_unique<ImGuiContextOwner>();
  WindowOptions wo;
  const bool tour = !args.tour.empty();
  wo.fullscreen = args.width == 0 && !tour;
  if (args.width) {
    wo.width = args.width;
    wo.height = args.height;
  }
  k.window = Window::open(wo, &error);
  // A store that cannot open is told first (exit 3), as when it opened alone.
  try {
    k.services = opening.get();
  } catch (const StoreError& e) {
    fprintf(stderr, "odr-kiosk: store %s: %s\n", store_path(k.config).c_str(), e.what());
    return 3;
  }
  if (!k.window) {
    fprintf(stderr, "odr-kiosk: %s\n", error.c_str());
    return 4;
  }
  keep_composited_under_wayland();  // cage: not black (platform/xwayland.h)
  trace("window and GL context open");
  k.window->clear_color = ImGui::ColorConvertU32ToFloat4(Palette{}.bg);
  k.window->white_uv = [&k](ImTextureID tex, ImVec2* uv) { return k.fonts->white_uv(tex, uv); };
  // While the first atlas is still being drawn (no cache yet), compile the
  // renderer's programs meanwhile; when it came from the cache it is ready,
  // and the first frame compiles them itself sooner than a separate warm-up
  // frame (with its own whole-screen clear and glFinish) would.
  if (!k.fonts->first_built()) {
    k.window->warm_up();
    trace("renderer warmed up");
  }
  try {
    k.fonts->finish_first();
  } catch (const std::exception& e) {
    fprintf(stderr, "odr-kiosk: fonts: %s\n", e.what());
    return 2;
  }
  ImGui::GetIO().Fonts = k.fonts->text_atlas();
  trace("first font atlas built");
  k.fonts->set_uploader(Window::upload_alpha, Window::release_texture);
  k.fonts->set_wake(Window::wake);
  trace("font textures uploaded");
  k.services->start_printer(Window::wake);  // first: the hub's heartbeat reads the printer's state
  k.services->start_staff();  // sync starts after the first frame (run_kiosk_mode)

  AppEnv env;
  env.config = k.config;
  env.animate = args.animate;
  if (tour) env.tap_guard_s = 0;  // the tour's driver taps at once; the guard has its own tests
  env.clock_ms = [&k] { return now_unix_ms() + k.clock_offset.load(); };
  k.services->connect(env);
  k.app = std::make_unique<App>(std::move(env), k.i18n, *k.fonts);
  k.services->attach(*k.app);
  return 0;
}

// The tour: the real window, input from the driver, a PNG of every screen.
int run_tour_mode(const Args& args, Kiosk& k) {
  std::error_code ec;
  fs::create_directories(args.tour, ec);
  Window& window = *k.window;
  App& app = *k.app;
  window.scripted = true;
  k.services->start_sync();
  k.services->start_input(app);
  k.fonts->start_full();
  k.fonts->wait_idle();  // screenshots with every character
  auto frame = [&] {
    k.fonts->poll();
    build_frame(window, [&] { app.frame(); });
  };
  // Frames between screenshots run the app but skip the GL drawing: the
  // software renderer's time goes into the screenshots only.
  Driver d(&app, [&] {
    window.wait(0);
    frame();
  });
  TourHooks hooks;
  hooks.elderly_only = args.tour_walks == "elderly";
  int failures = 0;
  // Beside each PNG, the screen's map (targets and texts) for the tests that measure it.
  std::vector<TextDraw> texts;
  app.ui_state().text_log = &texts;
  long long maps = 0;
  hooks.shot = [&](const std::string& name) {
    // Characters asked for by this screen (large text) are in before the picture.
    d.frame();
    k.fonts->wait_idle();
    frame();
    window.end_frame(false);
    int w, h;
    std::vector<unsigned char> px = window.read_pixels(&w, &h);
    window.swap();
    write_hitmap(app, (fs::path(args.tour) / (name + ".map")).string(), ++maps);
    std::string path = (fs::path(args.tour) / (name + ".png")).string();
    if (!write_png(path, px, w, h)) {
      fprintf(stderr, "odr-kiosk: cannot write %s\n", path.c_str());
      ++failures;
    }
  };
  hooks.resize = [&](int w, int h) {
    window.set_size(w, h);
    d.frames(3);
  };
  hooks.advance_clock = [&](int64_t ms) { k.clock_offset += ms; };
  try {
    TourResult r = run_tour(d, hooks);
    printf("odr-kiosk: tour wrote %d screenshots to %s\n", r.shots - failures, args.tour.c_str());
    return failures ? 1 : 0;
  } catch (const std::exception& e) {
    fprintf(stderr, "odr-kiosk: tour failed: %s (the screen then: failure.png)\n", e.what());
    hooks.shot("failure");
    return 1;
  }
}

// --bench-report: figures for tests/bench/kiosk, written when the run ends.
struct BenchReport {
  std::string text;
  std::thread thread;
  ~BenchReport() {
    if (thread.joinable()) thread.join();
  }
  // At the first frame on screen.
  void first_frame(double t_start, const FontAtlases& fonts) {
    long pss, rss;
    memory_kib(&pss, &rss);
    char buf[512];
    snprintf(buf, sizeof buf,
             "{\"first_frame_mono_ms\": %.3f, \"main_to_first_frame_ms\": %.3f, \"pss_kib_first_frame\": %ld, "
             "\"rss_kib_first_frame\": %ld, \"atlas_first_ms\": %.3f",
             mono_ms(), mono_ms() - t_start, pss, rss, fonts.stats().first_build_ms);
    text = buf;
  }
  // Idle figures start once everything started in the background is done
  // (at most 30 s: a bench must end even if an engine never gets ready); then quit.
  void start_idle(const Args& args, FontAtlases& fonts, const bool& trimmed) {
    thread = std::thread([this, &args, &fonts, &trimmed] {
      const double wait_from = mono_ms();
      while ((fonts.busy() || !fonts.full_ready() || !trimmed) && mono_ms() - wait_from < 30'000)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      const double t0 = mono_ms(), cpu0 = process_cpu_s();
      std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(args.bench_seconds * 1000)));
      const double cpu = process_cpu_s() - cpu0, wall = (mono_ms() - t0) / 1000;
      long pss, rss;
      memory_kib(&pss, &rss);
      const FontStats& fs = fonts.stats();
      char buf[768];
      snprintf(buf, sizeof buf,
               ", \"atlas_full_ms\": %.3f, \"atlas_text\": \"%dx%d\", \"atlas_display\": \"%dx%d\", "
               "\"atlas_glyphs\": %d, \"pss_kib_settled\": %ld, \"rss_kib_settled\": %ld, "
               "\"idle_seconds\": %.2f, \"idle_cpu_percent\": %.3f, \"animated\": %s}\n",
               fs.full_build_ms, fs.text_w, fs.text_h, fs.display_w, fs.display_h, fs.text_glyphs, pss, rss, wall,
               100.0 * cpu / wall, args.animate ? "true" : "false");
      text += buf;
      g_quit = true;
      Window::wake();
    });
  }
  // 0 when the report is whole.
  int write(const std::string& path) {
    if (thread.joinable()) thread.join();
    std::ofstream out(path);
    out << text;
    return text.empty() || text.back() != '\n' ? 1 : 0;
  }
};

// The shopper's screens until SIGTERM/SIGINT (or the bench is done).
int run_kiosk_mode(const Args& args, Kiosk& k, double t_start) {
  App& app = *k.app;
  FontAtlases& fonts = *k.fonts;
  LoopHooks hooks;
  hooks.frame = [&] { app.frame(); };
  hooks.now_ms = [&] { return app.now_ms(); };
  hooks.deadline_ms = [&] { return app.next_deadline_ms(); };
  hooks.animating = [&] { return app.animating(); };
  hooks.animation_regions = [&](std::vector<ImRect>* r) { return app.animation_regions(r); };
  // Start-up leaves scratch memory in the worker threads' malloc arenas
  // (the GB 2312 build, pinyin's deploy): return it once both are done.
  bool trimmed = false;
  hooks.poll_resources = [&] {
    bool changed = fonts.poll();
    if (!trimmed && !first_pending(k.fonts) && fonts.full_ready() && k.services->input_settled()) {
      trimmed = true;
      malloc_trim(0);
    }
    return changed;
  };
  const bool bench = !args.bench_report.empty();
  BenchReport report;
  bool first = true;
  // ODR_KIOSK_HITMAP=FILE: where things are on screen, for tests/xinput.
  const char* hitmap = getenv("ODR_KIOSK_HITMAP");
  long long frames_on_screen = 0;
  hooks.after_frame = [&] {
    if (hitmap && *hitmap) write_hitmap(app, hitmap, ++frames_on_screen);
    if (!first) return;
    first = false;
    trace("first frame on screen");
    if (bench) report.first_frame(t_start, fonts);
    // What the first frame did not need starts now: GB 2312, the input engines, sync.
    fonts.start_full();
    k.services->start_input(app);
    k.services->start_sync();
    if (bench) report.start_idle(args, fonts, trimmed);
  };
  watch_frame_loop(hooks);  // systemd: READY, WATCHDOG
  run_loop(*k.window, hooks, g_quit);
  return bench ? report.write(args.bench_report) : 0;
}

}  // namespace

int main(int argc, char** argv) {
  const double t_start = mono_ms();
  g_t0 = t_start;
  // One malloc arena for every thread: the start-up workers (GB 2312 atlas,
  // pinyin deploy, store, sync) each got an arena of their own, and what they
  // left in them stayed resident (~17 MiB of PSS). The kiosk's threads seldom
  // allocate at the same moment, so sharing costs no measurable time.
  // (MALLOC_ARENA_MAX in the environment still wins, for measuring.)
  if (!getenv("MALLOC_ARENA_MAX")) mallopt(M_ARENA_MAX, 1);
  Args args;
  std::string error;
  if (!parse_args(argc, argv, args, error)) {
    fprintf(stderr, "odr-kiosk: %s\n%s", error.c_str(), kUsage);
    return 2;
  }
  start_signal_thread();
  Kiosk kiosk;
  if (int rc = open_kiosk(args, kiosk)) return rc;
  return args.tour.empty() ? run_kiosk_mode(args, kiosk, t_start) : run_tour_mode(args, kiosk);
}
