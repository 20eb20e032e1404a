#include "real_kiosk.h"

#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XTest.h>
#include <fcntl.h>
#include <signal.h>
#include <stb/stb_image_write.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/qr_scan.h"

namespace fs = std::filesystem;

namespace odr::xtest {

void pause_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

namespace {

std::string env(const char* k) {
  const char* v = getenv(k);
  return v ? v : "";
}

int64_t mono_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

ScreenState parse_hitmap(const std::string& text) {
  ScreenState s;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string kind;
    ls >> kind;
    if (kind == "frame") ls >> s.frame;
    else if (kind == "step") ls >> s.step;
    else if (kind == "overlay") ls >> s.overlay;
    else if (kind == "focus") ls >> s.focus >> s.focus_kind;
    else if (kind == "content") ls >> s.content.x0 >> s.content.y0 >> s.content.x1 >> s.content.y1;
    else if (kind == "guard") {
      int g = 0;
      ls >> g;
      s.guard = g != 0;
    } else if (kind == "hit") {
      std::string id;
      Hit h;
      int e = 0, sel = 0;
      float x0, y0, x1, y1;
      ls >> id >> x0 >> y0 >> x1 >> y1 >> e >> sel;
      h.x0 = static_cast<int>(x0);
      h.y0 = static_cast<int>(y0);
      h.x1 = static_cast<int>(x1);
      h.y1 = static_cast<int>(y1);
      h.enabled = e != 0;
      h.selected = sel != 0;
      const size_t tab = line.find('\t');
      if (tab != std::string::npos) h.text = line.substr(tab + 1);
      s.hits[id] = std::move(h);
    }
  }
  if (s.focus == "-") s.focus.clear();
  return s;
}

}  // namespace

// --- images -------------------------------------------------------------------------

bool Image::save_png(const std::string& path) const {
  return stbi_write_png(path.c_str(), w, h, 3, rgb.data(), w * 3) != 0;
}

long Image::differing(const Image& o, int x0, int y0, int x1, int y1) const {
  long n = 0;
  for (int y = std::max(0, y0); y < std::min({y1, h, o.h}); ++y)
    for (int x = std::max(0, x0); x < std::min({x1, w, o.w}); ++x) {
      const unsigned char *a = at(x, y), *b = o.at(x, y);
      if (a[0] != b[0] || a[1] != b[1] || a[2] != b[2]) ++n;
    }
  return n;
}

std::vector<std::string> decode_qr(const Image& img) {
  std::vector<unsigned char> grey(static_cast<size_t>(img.w) * img.h);
  for (size_t i = 0; i < grey.size(); ++i) {
    const unsigned char* p = img.rgb.data() + i * 3;
    grey[i] = static_cast<unsigned char>((p[0] * 299 + p[1] * 587 + p[2] * 114) / 1000);
  }
  return test::scan_qr_grey(grey, img.w, img.h);
}

// --- config ---------------------------------------------------------------------------

std::string write_config(const std::string& dir, const std::map<std::string, std::string>& overrides) {
  std::ifstream in(env("ODR_SOURCE_DIR") + "/config/kiosk.toml");
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  std::map<std::string, std::string> left = overrides;
  std::string section;
  for (std::string& l : lines) {
    if (l.rfind("[", 0) == 0 && l.rfind("[[", 0) != 0) section = l.substr(1, l.find(']') - 1);
    if (l.rfind("[[", 0) == 0) section = "";
    const size_t eq = l.find('=');
    if (eq == std::string::npos || l[0] == '#' || l[0] == ' ') continue;
    std::string key = l.substr(0, l.find_first_of(" =", 0));
    auto it = left.find(section + "." + key);
    if (it == left.end()) continue;
    l = key + " = " + it->second;
    left.erase(it);
  }
  fs::create_directories(dir);
  const std::string path = dir + "/kiosk.toml";
  std::ofstream out(path);
  // Keys not in the example go in their own tables at the top (before any [[array]]).
  std::map<std::string, std::vector<std::string>> extra;
  for (const auto& [k, v] : left) extra[k.substr(0, k.find('.'))].push_back(k.substr(k.find('.') + 1) + " = " + v);
  for (const std::string& l : lines) {
    if (l.rfind("[", 0) == 0 && l.rfind("[[", 0) != 0) {
      const std::string sec = l.substr(1, l.find(']') - 1);
      out << l << "\n";
      for (const std::string& e : extra[sec]) out << e << "\n";
      extra.erase(sec);
      continue;
    }
    out << l << "\n";
  }
  return path;
}

// --- the kiosk process ------------------------------------------------------------------

RealKiosk::~RealKiosk() { stop(); }

bool RealKiosk::start(const KioskSetup& setup, std::string* error) {
  if (!x_.start(setup.width, setup.height, error)) return false;
  dpy_ = XOpenDisplay(x_.display().c_str());
  if (!dpy_) {
    *error = "cannot open display " + x_.display();
    return false;
  }
  int ev, er, maj, min;
  if (!XTestQueryExtension(dpy_, &ev, &er, &maj, &min)) {
    *error = "the X server has no XTEST extension";
    return false;
  }
  fs::create_directories(setup.data_dir);
  hitmap_ = setup.data_dir + "/hitmap.txt";
  log_path_ = setup.data_dir + "/kiosk.log";
  fs::remove(hitmap_);
  const std::string bin = env("ODR_BIN_DIR") + "/odr-kiosk";
  const std::string size = std::to_string(setup.width) + "x" + std::to_string(setup.height);
  std::vector<std::string> args = {bin, "--config", setup.config_path, "--data-dir", setup.data_dir,
                                   "--windowed", size, "--assets", env("ODR_SOURCE_DIR") + "/assets"};
  args.insert(args.end(), setup.extra_args.begin(), setup.extra_args.end());
  pid_ = fork();
  if (pid_ == 0) {
    int fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 1);
    dup2(fd, 2);
    setenv("DISPLAY", x_.display().c_str(), 1);
    setenv("ODR_KIOSK_HITMAP", hitmap_.c_str(), 1);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  if (!wait_visible("welcome.start", 30000)) {
    *error = "the welcome screen never showed; log:\n" + log();
    return false;
  }
  // The pointer starts away from every button.
  move(setup.width - 2, setup.height - 2);
  settle();
  return true;
}

bool RealKiosk::running() {
  if (pid_ <= 0) return false;
  int st = 0;
  return waitpid(pid_, &st, WNOHANG) == 0;
}

void RealKiosk::stop() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    for (int i = 0; i < 500; ++i) {
      int st = 0;
      if (waitpid(pid_, &st, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      pause_ms(10);
    }
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }
  if (dpy_) {
    XCloseDisplay(dpy_);
    dpy_ = nullptr;
  }
}

std::string RealKiosk::log() const {
  std::ifstream f(log_path_);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

ScreenState RealKiosk::state() const {
  std::ifstream f(hitmap_);
  std::stringstream s;
  s << f.rdbuf();
  return parse_hitmap(s.str());
}

bool RealKiosk::wait_for(const std::function<bool(const ScreenState&)>& pred, int timeout_ms) {
  const int64_t end = mono_ms() + timeout_ms;
  do {
    if (pred(state())) return true;
    pause_ms(10);
  } while (mono_ms() < end);
  return pred(state());
}

bool RealKiosk::wait_visible(const std::string& id, int timeout_ms) {
  return wait_for([&](const ScreenState& s) { return s.find(id) != nullptr; }, timeout_ms);
}

bool RealKiosk::wait_step(const std::string& step, int timeout_ms) {
  return wait_for([&](const ScreenState& s) { return s.step == step; }, timeout_ms);
}

bool RealKiosk::wait_frame_after(long long after, int timeout_ms) {
  return wait_for([&](const ScreenState& s) { return s.frame > after; }, timeout_ms);
}

Hit RealKiosk::hit(const std::string& id) {
  if (!wait_visible(id)) throw std::runtime_error("not on screen: " + id + " (step " + state().step + ")");
  const ScreenState s = state();
  if (const Hit* h = s.find(id)) return *h;
  throw std::runtime_error("not on screen: " + id);
}

Image RealKiosk::screenshot() const {
  XWindowAttributes wa;
  XGetWindowAttributes(dpy_, DefaultRootWindow(dpy_), &wa);
  return grab(0, 0, wa.width, wa.height);
}

Image RealKiosk::grab(int x0, int y0, int x1, int y1) const {
  Image img;
  const int w = std::max(1, x1 - x0), h = std::max(1, y1 - y0);
  XImage* xi = XGetImage(dpy_, DefaultRootWindow(dpy_), x0, y0, static_cast<unsigned>(w), static_cast<unsigned>(h),
                         AllPlanes, ZPixmap);
  if (!xi) return img;
  img.w = w;
  img.h = h;
  img.rgb.resize(static_cast<size_t>(w) * h * 3);
  const bool fast = xi->bits_per_pixel == 32 && xi->red_mask == 0xFF0000 && xi->blue_mask == 0xFF;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      unsigned long px;
      if (fast) {
        const unsigned char* q = reinterpret_cast<unsigned char*>(xi->data) + y * xi->bytes_per_line + x * 4;
        px = static_cast<unsigned long>(q[0]) | (static_cast<unsigned long>(q[1]) << 8) |
             (static_cast<unsigned long>(q[2]) << 16);
      } else {
        px = XGetPixel(xi, x, y);
      }
      unsigned char* o = img.rgb.data() + (static_cast<size_t>(y) * w + x) * 3;
      o[0] = static_cast<unsigned char>((px >> 16) & 0xFF);
      o[1] = static_cast<unsigned char>((px >> 8) & 0xFF);
      o[2] = static_cast<unsigned char>(px & 0xFF);
    }
  XDestroyImage(xi);
  return img;
}

void RealKiosk::settle(int quiet_ms, int timeout_ms) {
  const int64_t end = mono_ms() + timeout_ms;
  long long last = state().frame;
  int64_t since = mono_ms();
  while (mono_ms() < end) {
    pause_ms(20);
    const long long f = state().frame;
    if (f != last) {
      last = f;
      since = mono_ms();
    } else if (mono_ms() - since >= quiet_ms) {
      return;
    }
  }
}

bool RealKiosk::unmap_window() {
  Window root = DefaultRootWindow(dpy_), parent = 0, *children = nullptr;
  unsigned n = 0;
  if (!XQueryTree(dpy_, root, &root, &parent, &children, &n)) return false;
  bool done = false;
  for (unsigned i = 0; i < n; ++i) {
    XWindowAttributes wa;
    if (XGetWindowAttributes(dpy_, children[i], &wa) && wa.map_state == IsViewable && wa.width > 100) {
      XUnmapWindow(dpy_, children[i]);
      done = true;
    }
  }
  if (children) XFree(children);
  XSync(dpy_, False);
  return done;
}

// --- a finger -------------------------------------------------------------------------

void RealKiosk::flush() { XFlush(dpy_); }

void RealKiosk::move(int x, int y) {
  XTestFakeMotionEvent(dpy_, -1, x, y, CurrentTime);
  flush();
}

void RealKiosk::down() {
  XTestFakeButtonEvent(dpy_, 1, True, CurrentTime);
  flush();
}

void RealKiosk::up() {
  XTestFakeButtonEvent(dpy_, 1, False, CurrentTime);
  flush();
}

void RealKiosk::tap_at(int x, int y, int hold_ms) {
  move(x, y);
  down();
  pause_ms(hold_ms);
  up();
}

void RealKiosk::tap(const std::string& id, int hold_ms) {
  if (!wait_visible(id)) throw std::runtime_error("not on screen: " + id + " (step " + state().step + ")");
  // Half under the page's edge (a list that grew below the fold): a person
  // scrolls it into view before tapping it.
  {
    const ScreenState s = state();
    const Hit* h = s.find(id);
    const Hit& c = s.content;
    const bool overlaps = h && h->y1 > c.y0 && h->y0 < c.y1;
    if (overlaps && !(h->y0 > c.y0 + 4 && h->y1 < c.y1 - 4)) reveal(id);
  }
  // A screen that just opened ignores taps for a moment; a person waits that long.
  if (state().guard) pause_ms(550);
  const ScreenState before = state();
  const Hit h = *before.find(id);
  tap_at(h.cx(), h.cy(), hold_ms);
  // A person looks before the next tap: what this one changed is drawn first.
  wait_frame_after(before.frame);
  settle(120, 2000);
}

void RealKiosk::reveal(const std::string& id) {
  for (int tries = 0; tries < 12; ++tries) {
    settle(400, 5000);  // a flung page glides on; a tap on a moving page only stops it
    const ScreenState s = state();
    const Hit* h = s.find(id);
    const Hit& c = s.content;
    if (h && h->y0 > c.y0 + 4 && h->y1 < c.y1 - 4) return;
    // Below (or not yet drawn): the finger pushes the page up.
    const int dir = (!h || h->y0 >= (c.y0 + c.y1) / 2) ? -1 : 1;
    const int x = c.x1 - 80, y0 = (c.y0 + c.y1) / 2 - dir * (c.y1 - c.y0) / 5;
    std::vector<std::pair<int, int>> path;
    for (int i = 0; i <= 10; ++i) path.push_back({x, y0 + dir * i * (c.y1 - c.y0) * 2 / 50});
    drag(path, 20);
  }
  throw std::runtime_error("cannot scroll to " + id);
}

void RealKiosk::drag(const std::vector<std::pair<int, int>>& points, int step_ms) {
  if (points.empty()) return;
  move(points[0].first, points[0].second);
  down();
  for (const auto& [x, y] : points) {
    pause_ms(step_ms);
    move(x, y);
  }
  pause_ms(step_ms);
  up();
}

void RealKiosk::type(const std::string& text, double taps_per_s) {
  const int period_ms = static_cast<int>(1000 / taps_per_s);
  ScreenState s = state();
  auto key_for = [&](char ch) -> std::string {
    if (s.focus_kind == "keypad") return ch == '.' ? "kp.dot" : "kp." + std::string(1, ch);
    if (ch == ' ') return "kb.space";
    if (ch == '\n') return "kb.enter";
    if (ch >= 'a' && ch <= 'z') return "kb.key." + std::string(1, ch);
    if (ch == ',') return "kb.key.comma";
    if (ch == '.') return "kb.key.period";
    return "kb.key." + std::string(1, ch);
  };
  for (char ch : text) {
    std::string id = key_for(ch);
    const bool letter = ch >= 'a' && ch <= 'z';
    if (s.focus_kind != "keypad" && letter && s.find("kb.mode.abc") && !s.find("kb.mode.abc")->selected) {
      tap("kb.mode.abc");
      pause_ms(period_ms);
      settle(150);
      s = state();
    }
    if (!s.find(id) && s.find("kb.mode.123")) {
      tap("kb.mode.123");
      pause_ms(period_ms);
      settle(150);
      s = state();
    }
    const Hit* h = s.find(id);
    if (!h) throw std::runtime_error("no key for '" + std::string(1, ch) + "'");
    const int64_t t0 = mono_ms();
    tap_at(h->cx(), h->cy(), std::min(40, period_ms / 2));
    const int64_t spent = mono_ms() - t0;
    if (spent < period_ms) pause_ms(static_cast<int>(period_ms - spent));
  }
}

}  // namespace odr::xtest
