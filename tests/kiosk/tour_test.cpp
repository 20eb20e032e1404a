// The real odr-kiosk under Xvfb with Mesa: --tour drives every screen (both
// languages, both orientations, large text) and writes a PNG of each. Here
// the PNGs are checked: all there, the right size, and not blank.
#include <gtest/gtest.h>
#include <stb/stb_image.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <sys/wait.h>

#include "testing/xvfb.h"

namespace fs = std::filesystem;

namespace {

std::string env(const char* k) {
  const char* v = getenv(k);
  return v ? v : "";
}

}  // namespace

TEST(Tour, EveryScreenInBothLanguagesOrientationsAndLargeText) {
  const std::string bin = env("ODR_BIN_DIR") + "/odr-kiosk";
  const std::string src = env("ODR_SOURCE_DIR");
  ASSERT_TRUE(fs::exists(bin)) << bin;
  const fs::path tmp = fs::path(env("ODR_TEST_TMP").empty() ? "/tmp" : env("ODR_TEST_TMP")) / "tour";
  fs::remove_all(tmp);
  fs::create_directories(tmp / "shots");
  const std::string log = (tmp / "tour.log").string();
  // A private X server (Mesa's llvmpipe does the GL) big enough for both orientations.
  odr::kiosk::XvfbServer x;
  std::string xerr;
  ASSERT_TRUE(x.start(1920, 1920, &xerr)) << xerr;
  std::string cmd = "DISPLAY=" + x.display() + " '" + bin + "' --config '" + src +
                    "/config/kiosk.toml' --data-dir '" + (tmp / "data").string() + "' --tour '" +
                    (tmp / "shots").string() + "' > '" + log + "' 2>&1";
  int rc = std::system(cmd.c_str());
  std::ifstream lf(log);
  std::stringstream ls;
  ls << lf.rdbuf();
  ASSERT_EQ(rc, 0) << ls.str();

  std::map<std::string, std::pair<int, int>> found;
  for (const auto& e : fs::directory_iterator(tmp / "shots")) {
    if (e.path().extension() != ".png") continue;
    int w = 0, h = 0, n = 0;
    unsigned char* px = stbi_load(e.path().c_str(), &w, &h, &n, 3);
    ASSERT_NE(px, nullptr) << e.path();
    const std::string name = e.path().stem().string();
    // Not blank: many distinct colours, and real contrast (text on a background).
    std::set<unsigned> colours;
    int dark = 0, light = 0;
    for (int i = 0; i < w * h; i += 97) {
      unsigned char* p = px + static_cast<size_t>(i) * 3;
      colours.insert((p[0] << 16) | (p[1] << 8) | p[2]);
      int lum = (p[0] * 3 + p[1] * 6 + p[2]) / 10;
      dark += lum < 90;
      light += lum > 200;
    }
    stbi_image_free(px);
    EXPECT_GT(colours.size(), 40u) << name << " looks blank";
    EXPECT_GT(dark, 20) << name << " has no dark text";
    EXPECT_GT(light, 1000) << name << " has no light background";
    found[name] = {w, h};
  }
  // Every screen of every walk, at the size of its orientation.
  const char* screens[] = {"01-welcome", "02-business", "03-category", "04-purchase-keyboard", "04b-calendar",
                           "04c-keypad", "05-description", "06-demands", "07-contact", "08-privacy",
                           "08b-privacy-agreed", "09-review", "10-done"};
  for (const char* walk : {"landscape-zh", "landscape-en", "portrait-zh", "portrait-en", "landscape-zh-large",
                           "portrait-en-large"}) {
    const bool landscape = std::string(walk).rfind("landscape", 0) == 0;
    for (const char* s : screens) {
      const std::string name = std::string(walk) + "-" + s;
      auto it = found.find(name);
      ASSERT_NE(it, found.end()) << name << " missing";
      EXPECT_EQ(it->second.first, landscape ? 1920 : 1080) << name;
      EXPECT_EQ(it->second.second, landscape ? 1080 : 1920) << name;
    }
  }
  for (const char* extra : {"landscape-zh-11-idle", "landscape-en-12-start-over", "portrait-zh-05b-keyboard-123"})
    EXPECT_TRUE(found.count(extra)) << extra << " missing";
  EXPECT_GE(found.size(), 6u * 13u);
}

namespace {
// Runs odr-kiosk with args (no display needed: it stops before opening one); returns exit code and output.
int run_binary(const std::string& args, std::string* out) {
  const fs::path tmp = fs::path(env("ODR_TEST_TMP").empty() ? "/tmp" : env("ODR_TEST_TMP")) / (std::string("cli-") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::create_directories(tmp);
  const std::string log = (tmp / "out.log").string();
  std::string cmd = "env -u DISPLAY '" + env("ODR_BIN_DIR") + "/odr-kiosk' " + args + " > '" + log + "' 2>&1";
  int rc = std::system(cmd.c_str());
  std::ifstream f(log);
  std::stringstream ss;
  ss << f.rdbuf();
  *out = ss.str();
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}
}  // namespace

TEST(Cli, BadConfigNamesTheKey) {
  const fs::path tmp = fs::path(env("ODR_TEST_TMP").empty() ? "/tmp" : env("ODR_TEST_TMP")) / (std::string("cli-") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::create_directories(tmp);
  std::ifstream in(env("ODR_SOURCE_DIR") + "/config/kiosk.toml");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  const std::string from = "timeout_s = 90";
  ASSERT_NE(text.find(from), std::string::npos);
  text.replace(text.find(from), from.size(), "timeout_s = \"ninety\"");
  std::ofstream(tmp / "bad.toml") << text;
  std::string out;
  EXPECT_EQ(run_binary("--config '" + (tmp / "bad.toml").string() + "'", &out), 2);
  EXPECT_NE(out.find("idle.timeout_s"), std::string::npos) << out;

  EXPECT_EQ(run_binary("--config /nonexistent/kiosk.toml", &out), 2);
  EXPECT_NE(out.find("/nonexistent/kiosk.toml"), std::string::npos) << out;
  EXPECT_EQ(run_binary("--windowed big", &out), 2);
  EXPECT_NE(out.find("--windowed"), std::string::npos) << out;
  EXPECT_EQ(run_binary("--frobnicate", &out), 2);
  EXPECT_NE(out.find("--frobnicate"), std::string::npos) << out;
}

TEST(Cli, NoDisplayIsAClearMessage) {
  std::string out;
  const fs::path tmp = fs::path(env("ODR_TEST_TMP").empty() ? "/tmp" : env("ODR_TEST_TMP")) / (std::string("cli-") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
  int rc = run_binary("--config '" + env("ODR_SOURCE_DIR") + "/config/kiosk.toml' --data-dir '" + (tmp / "data").string() + "'", &out);
  EXPECT_EQ(rc, 4) << out;
  EXPECT_NE(out.find("display"), std::string::npos) << out;
}
