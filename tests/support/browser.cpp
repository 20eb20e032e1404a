#include "support/browser.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "support/process.h"
#include "support/temp.h"
#include "util/crypto.h"

namespace odr::test {

namespace {

long now_ms() {
  using namespace std::chrono;
  return static_cast<long>(duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

// Flags that keep a headless Chromium to the pages under test: no sandbox
// (tests run as root in CI), no GPU, and none of the background connections
// to Google's hosts that a closed network refuses.
std::vector<std::string> chromium_argv(const BrowserOptions& o, const std::string& profile) {
  std::vector<std::string> argv = {"/usr/bin/chromium",
          "--headless=new",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--no-default-browser-check",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--disable-extensions",
          "--disable-features=Translate,MediaRouter,OptimizationHints",
          "--metrics-recording-only",
          "--password-store=basic",
          "--hide-scrollbars",
          "--lang=" + o.lang,
          "--window-size=" + std::to_string(o.width) + "," + std::to_string(o.height),
          "--user-data-dir=" + profile,
          "--remote-debugging-pipe"};
  argv.insert(argv.end(), o.extra_args.begin(), o.extra_args.end());
  argv.push_back("about:blank");
  return argv;
}

// The child's side: commands arrive on fd 3, answers leave on fd 4.
[[noreturn]] void exec_chromium(const std::vector<std::string>& argv, int cmd_read, int answer_write,
                                const std::string& log) {
  int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd >= 0) {
    dup2(fd, 1);
    dup2(fd, 2);
  }
  int devnull = open("/dev/null", O_RDONLY);
  if (devnull >= 0) dup2(devnull, 0);
  // 3 and 4 may be taken by the pipes themselves: move them clear first.
  int c = fcntl(cmd_read, F_DUPFD, 10), a = fcntl(answer_write, F_DUPFD, 10);
  dup2(c, 3);
  dup2(a, 4);
  for (int i = 5; i < 1024; ++i) close(i);
  std::vector<char*> args;
  for (const std::string& s : argv) args.push_back(const_cast<char*>(s.c_str()));
  args.push_back(nullptr);
  execv(args[0], args.data());
  _exit(127);
}

}  // namespace

Browser::Browser(BrowserOptions options) : options_(std::move(options)) {
  if (options_.dir.empty()) options_.dir = fresh_dir("browser");
  std::filesystem::create_directories(options_.dir + "/profile");
  int to[2], from[2];
  if (pipe(to) != 0 || pipe(from) != 0) throw BrowserError("no pipe for Chromium");
  pid_ = fork();
  if (pid_ < 0) throw BrowserError("cannot fork for Chromium");
  if (pid_ == 0) {
    close(to[1]);
    close(from[0]);
    exec_chromium(chromium_argv(options_, options_.dir + "/profile"), to[0], from[1], options_.dir + "/chromium.log");
  }
  close(to[0]);
  close(from[1]);
  to_browser_ = to[1];
  from_browser_ = from[0];
  fcntl(to_browser_, F_SETFD, FD_CLOEXEC);
  fcntl(from_browser_, F_SETFD, FD_CLOEXEC);
  signal(SIGPIPE, SIG_IGN);  // a crashed browser must give an error, not kill the test
  try {
    const std::string target = call_on("", "Target.createTarget", {{"url", "about:blank"}})["targetId"];
    session_ = call_on("", "Target.attachToTarget", {{"targetId", target}, {"flatten", true}})["sessionId"];
    call("Page.enable");
    call("Runtime.enable");
    call("Network.enable");
    // What the pages' language choice reads; --lang alone does not reach a headless browser's requests.
    call("Network.setExtraHTTPHeaders", {{"headers", {{"Accept-Language", options_.lang + ";q=1, en;q=0.5"}}}});
  } catch (const BrowserError& e) {
    std::ifstream log(options_.dir + "/chromium.log");
    std::string tail((std::istreambuf_iterator<char>(log)), {});
    if (tail.size() > 2000) tail = tail.substr(tail.size() - 2000);
    throw BrowserError(std::string(e.what()) + "; Chromium said: " + tail);
  }
}

Browser::~Browser() {
  if (to_browser_ >= 0) close(to_browser_);
  if (from_browser_ >= 0) close(from_browser_);
  if (pid_ > 0) stop_process(pid_, 5000);
}

void Browser::send(const nlohmann::json& message) {
  std::string bytes = message.dump();
  bytes.push_back('\0');
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = write(to_browser_, bytes.data() + off, bytes.size() - off);
    if (n <= 0) throw BrowserError("Chromium is gone (the command pipe is closed)");
    off += static_cast<size_t>(n);
  }
}

// The next whole message, reading until deadline_ms (steady clock).
nlohmann::json Browser::next_message(long deadline_ms) {
  for (;;) {
    size_t end = buffer_.find('\0');
    if (end != std::string::npos) {
      nlohmann::json m = nlohmann::json::parse(buffer_.substr(0, end), nullptr, false);
      buffer_.erase(0, end + 1);
      if (!m.is_discarded()) return m;
      continue;
    }
    long left = deadline_ms - now_ms();
    if (left <= 0) throw BrowserError("no answer from Chromium in time");
    pollfd p{from_browser_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    char chunk[65536];
    ssize_t n = read(from_browser_, chunk, sizeof chunk);
    if (n <= 0) throw BrowserError("Chromium is gone (its answer pipe closed)");
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

// Keeps what tests read later: script errors, console errors, the main
// document's HTTP status.
void Browser::note_event(const nlohmann::json& m) {
  const std::string method = m.value("method", "");
  const nlohmann::json& p = m.contains("params") ? m["params"] : nlohmann::json::object();
  if (method == "Runtime.exceptionThrown") {
    page_errors_.push_back(p["exceptionDetails"].value("text", "") + " " +
                           p["exceptionDetails"].value(nlohmann::json::json_pointer("/exception/description"), std::string()));
  } else if (method == "Runtime.consoleAPICalled" && p.value("type", "") == "error") {
    std::string line = "console.error:";
    for (const auto& a : p["args"]) line += " " + (a.contains("value") ? a["value"].dump() : a.value("description", ""));
    page_errors_.push_back(line);
  } else if (method == "Network.responseReceived" && p.value("type", "") == "Document") {
    last_status_ = p["response"].value("status", 0);
  }
  events_.push_back(m);
}

nlohmann::json Browser::call_on(const std::string& session, const std::string& method, const nlohmann::json& params) {
  const int id = next_id_++;
  nlohmann::json m = {{"id", id}, {"method", method}, {"params", params}};
  if (!session.empty()) m["sessionId"] = session;
  send(m);
  const long deadline = now_ms() + options_.timeout_ms;
  for (;;) {
    nlohmann::json a = next_message(deadline);
    if (!a.contains("id")) {
      note_event(a);
      continue;
    }
    if (a["id"] != id) continue;
    if (a.contains("error")) throw BrowserError(method + ": " + a["error"].value("message", a["error"].dump()));
    return a.value("result", nlohmann::json::object());
  }
}

nlohmann::json Browser::call(const std::string& method, const nlohmann::json& params) {
  return call_on(session_, method, params);
}

nlohmann::json Browser::wait_event(const std::string& method) {
  const long deadline = now_ms() + options_.timeout_ms;
  for (;;) {
    for (size_t i = 0; i < events_.size(); ++i) {
      if (events_[i].value("method", "") != method) continue;
      nlohmann::json e = events_[i];
      events_.erase(events_.begin(), events_.begin() + static_cast<long>(i) + 1);
      return e;
    }
    nlohmann::json m = next_message(deadline);
    if (!m.contains("id")) note_event(m);
  }
}

void Browser::reset_load_state() {
  events_.clear();
  last_status_ = 0;
}

int Browser::navigate(const std::string& url) {
  reset_load_state();
  nlohmann::json r = call("Page.navigate", {{"url", url}});
  if (r.contains("errorText") && !r["errorText"].get<std::string>().empty())
    throw BrowserError("could not open " + url + ": " + r["errorText"].get<std::string>());
  wait_event("Page.loadEventFired");
  return last_status_;
}

int Browser::wait_load() {
  wait_event("Page.loadEventFired");
  return last_status_;
}

nlohmann::json Browser::eval(const std::string& expression) {
  nlohmann::json r = call("Runtime.evaluate", {{"expression", expression}, {"returnByValue", true}, {"awaitPromise", true}});
  if (r.contains("exceptionDetails"))
    throw BrowserError("script failed: " + expression + ": " + r["exceptionDetails"].dump());
  return r["result"].value("value", nlohmann::json());
}

bool Browser::exists(const std::string& selector) {
  return eval("document.querySelector(" + nlohmann::json(selector).dump() + ") !== null").get<bool>();
}

std::string Browser::text(const std::string& selector) {
  nlohmann::json v = eval("(() => { const e = document.querySelector(" + nlohmann::json(selector).dump() +
                          "); return e ? e.innerText : null; })()");
  if (v.is_null()) throw BrowserError("no element " + selector + " on " + url());
  return v.get<std::string>();
}

std::string Browser::url() { return eval("location.href").get<std::string>(); }

void Browser::click(const std::string& selector) {
  nlohmann::json box = eval("(() => { const e = document.querySelector(" + nlohmann::json(selector).dump() +
                            "); if (!e) return null; e.scrollIntoView({block: 'center'});"
                            " const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()");
  if (box.is_null()) throw BrowserError("nothing to click: " + selector + " on " + url());
  const double x = box[0], y = box[1];
  call("Input.dispatchMouseEvent", {{"type", "mouseMoved"}, {"x", x}, {"y", y}});
  for (const char* type : {"mousePressed", "mouseReleased"})
    call("Input.dispatchMouseEvent", {{"type", type}, {"x", x}, {"y", y}, {"button", "left"}, {"clickCount", 1}});
}

void Browser::type(const std::string& text) { call("Input.insertText", {{"text", text}}); }

void Browser::screenshot(const std::string& png_path) {
  nlohmann::json metrics = call("Page.getLayoutMetrics");
  const nlohmann::json& size = metrics["cssContentSize"];
  nlohmann::json clip = {{"x", 0}, {"y", 0}, {"width", size["width"]}, {"height", size["height"]}, {"scale", 1}};
  nlohmann::json r = call("Page.captureScreenshot", {{"format", "png"}, {"captureBeyondViewport", true}, {"clip", clip}});
  std::string png;
  if (!base64_decode(r.value("data", ""), png)) throw BrowserError("the screenshot was not base64");
  std::ofstream(png_path, std::ios::binary) << png;
}

}  // namespace odr::test
