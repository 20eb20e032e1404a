// A real browser for tests of web pages: Debian's Chromium, headless, driven
// over its DevTools protocol on a pipe (--remote-debugging-pipe: JSON
// messages ending in a NUL byte on file descriptors 3 and 4), so no port is
// opened and nothing but the pages under test is loaded. Clicks and typing
// are input events (Input.dispatchMouseEvent, Input.insertText), not DOM
// calls, as a person's would be. Every wait is bounded; a page's script
// errors are collected so a test can assert there are none.
#pragma once
#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace odr::test {

class BrowserError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct BrowserOptions {
  int width = 1280, height = 900;  // the window (CSS pixels)
  std::string dir;                 // profile and log; "" : a fresh folder under ODR_TEST_TMP
  std::string lang = "zh-CN";      // Accept-Language
  int timeout_ms = 30000;          // each command and each page load
  std::vector<std::string> extra_args;  // e.g. --ignore-certificate-errors-spki-list=PIN for a test's own certificate
};

class Browser {
 public:
  // Starts Chromium and opens one empty tab. Throws BrowserError when it
  // cannot (not installed, crashed, no answer in time).
  explicit Browser(BrowserOptions options = {});
  ~Browser();  // closes Chromium (SIGTERM, then SIGKILL) and reaps it
  Browser(const Browser&) = delete;
  Browser& operator=(const Browser&) = delete;

  // A DevTools command on the tab: its result, or BrowserError on an error
  // answer or no answer in time.
  nlohmann::json call(const std::string& method, const nlohmann::json& params = nlohmann::json::object());

  // Opens url and waits for its load event. The HTTP status of the page
  // (0 when it was not loaded over HTTP).
  int navigate(const std::string& url);
  // Waits for the next page load (after a click that submits a form); the
  // HTTP status of the page it loaded, as navigate's.
  int wait_load();
  // Runs a script expression in the page: its value (JSON); BrowserError
  // when it throws.
  nlohmann::json eval(const std::string& expression);
  // The page's visible text, or one element's (innerText); BrowserError when
  // no element matches.
  std::string text(const std::string& selector = "body");
  bool exists(const std::string& selector);
  // A left click at the centre of the first element matching selector,
  // scrolled into view first.
  void click(const std::string& selector);
  // Types into the focused element, as an input method commits text.
  void type(const std::string& text);
  // A PNG of the whole page (not only the window).
  void screenshot(const std::string& png_path);
  std::string url();

  // Script errors and console.error lines seen since the browser started.
  const std::vector<std::string>& page_errors() const { return page_errors_; }

 private:
  nlohmann::json call_on(const std::string& session, const std::string& method, const nlohmann::json& params);
  nlohmann::json wait_event(const std::string& method);
  nlohmann::json next_message(long deadline_ms);
  void send(const nlohmann::json& message);
  void note_event(const nlohmann::json& message);
  void reset_load_state();

  BrowserOptions options_;
  pid_t pid_ = -1;
  int to_browser_ = -1, from_browser_ = -1;
  std::string buffer_;  // bytes read after the last complete message
  int next_id_ = 1;
  std::string session_;  // the tab's flattened session
  std::vector<nlohmann::json> events_;  // events not yet waited for
  std::vector<std::string> page_errors_;
  int last_status_ = 0;  // of the main document of the last navigation
};

}  // namespace odr::test
