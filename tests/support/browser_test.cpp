// The browser harness itself, against a small page served on 127.0.0.1: it
// must load pages, see their text, click and type as a person does, submit
// a form, report script errors and take a screenshot of the whole page.
// The hub's dashboard tests stand on it.
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "support/browser.h"
#include "support/temp.h"

using namespace odr::test;

namespace {

const char* kForm = R"(<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>表单</title></head>
<body style="margin:0"><h1 id="t">投诉登记</h1>
<form method="post" action="/submit"><input id="name" name="name" autocomplete="off">
<button id="go" type="submit" style="width:200px;height:60px">提交</button></form>
<div style="height:2400px;background:#1a5fb4"></div><p id="end">页尾</p></body></html>)";

class BrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server.Get("/", [](const httplib::Request&, httplib::Response& r) { r.set_content(kForm, "text/html; charset=utf-8"); });
    server.Post("/submit", [this](const httplib::Request& q, httplib::Response& r) {
      posted = q.get_param_value("name");
      r.set_content("<!doctype html><meta charset=utf-8><p id=got>收到</p>", "text/html; charset=utf-8");
    });
    server.Get("/broken", [](const httplib::Request&, httplib::Response& r) {
      r.set_content("<!doctype html><script>console.error('bad thing'); undefined_function();</script>", "text/html");
    });
    server.Get("/missing", [](const httplib::Request&, httplib::Response& r) {
      r.status = 404;
      r.set_content("<!doctype html><p>nothing here</p>", "text/html");
    });
    port = server.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port, 0);
    thread = std::thread([this] { server.listen_after_bind(); });
    base = "http://127.0.0.1:" + std::to_string(port);
  }
  void TearDown() override {
    server.stop();
    thread.join();
  }
  httplib::Server server;
  std::thread thread;
  int port = 0;
  std::string base, posted;
};

TEST_F(BrowserTest, LoadsAPageClicksTypesAndSubmitsAFormWithRealInputEvents) {
  Browser b;
  EXPECT_EQ(b.navigate(base + "/"), 200);
  EXPECT_EQ(b.text("#t"), "投诉登记");
  b.click("#name");
  b.type("张三 <b>");
  b.click("#go");
  b.wait_load();
  EXPECT_EQ(posted, "张三 <b>") << "the typed text reached the server as typed";
  EXPECT_EQ(b.text("#got"), "收到");
  EXPECT_TRUE(b.page_errors().empty());
  EXPECT_THROW(b.text("#no-such-element"), BrowserError);
}

TEST_F(BrowserTest, ReportsScriptErrorsAndTheDocumentsHttpStatus) {
  Browser b;
  EXPECT_EQ(b.navigate(base + "/missing"), 404);
  b.navigate(base + "/broken");
  ASSERT_GE(b.page_errors().size(), 2u);
  std::string all;
  for (const std::string& e : b.page_errors()) all += e + "\n";
  EXPECT_NE(all.find("bad thing"), std::string::npos) << all;
  EXPECT_NE(all.find("undefined_function"), std::string::npos) << all;
}

TEST_F(BrowserTest, TakesAScreenshotOfTheWholePage) {
  BrowserOptions o;
  o.width = 800;
  o.height = 600;
  Browser b(o);
  b.navigate(base + "/");
  const std::string png = fresh_dir("browser-shot") + "/page.png";
  b.screenshot(png);
  std::ifstream f(png, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(f)), {});
  ASSERT_GT(bytes.size(), 24u);
  EXPECT_EQ(bytes.substr(1, 3), "PNG");
  auto be32 = [&](size_t at) {
    return (uint32_t(uint8_t(bytes[at])) << 24) | (uint32_t(uint8_t(bytes[at + 1])) << 16) |
           (uint32_t(uint8_t(bytes[at + 2])) << 8) | uint32_t(uint8_t(bytes[at + 3]));
  };
  EXPECT_EQ(be32(16), 800u) << "as wide as the window";
  EXPECT_GT(be32(20), 2400u) << "as tall as the whole page, not the 600 px window";
}

}  // namespace
