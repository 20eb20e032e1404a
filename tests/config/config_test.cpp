// The shipped example config loads, and every kind of mistake is reported
// with the key that is wrong.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "config/config.h"

namespace fs = std::filesystem;

namespace {

std::string source_dir() {
  const char* s = std::getenv("ODR_SOURCE_DIR");
  return s ? s : ".";
}

// Writes the example config with one line replaced (or appended) to a temp file.
std::string variant(const std::string& find, const std::string& replace) {
  std::ifstream in(source_dir() + "/config/kiosk.toml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!find.empty()) {
    auto pos = text.find(find);
    EXPECT_NE(pos, std::string::npos) << find;
    if (pos != std::string::npos) text.replace(pos, find.size(), replace);
  } else {
    text += replace;
  }
  const char* tmp = std::getenv("ODR_TEST_TMP");
  fs::path dir = fs::path(tmp ? tmp : "/tmp") / "config_test" / "config";
  fs::create_directories(dir);
  fs::path file = dir / "kiosk.toml";
  std::ofstream(file) << text;
  return file.string();
}

std::string error_key(const std::string& path) {
  try {
    odr::load_config(path);
  } catch (const odr::ConfigError& e) {
    return e.key;
  }
  return "(no error)";
}

}  // namespace

TEST(Config, ShippedExampleLoads) {
  odr::KioskConfig c = odr::load_config(source_dir() + "/config/kiosk.toml");
  EXPECT_EQ(c.kiosk_id, "demo-kiosk-01");
  EXPECT_EQ(c.ticket_prefix, "A01");
  EXPECT_GE(c.businesses.size(), 5u);
  EXPECT_GE(c.categories.size(), 5u);
  EXPECT_EQ(c.idle_timeout_s, 90);
  EXPECT_EQ(c.deadline_working_days, 10);
  EXPECT_TRUE(c.gateway.base_url.empty());  // offline unless configured
  // Relative paths resolve against the config file's folder.
  EXPECT_TRUE(fs::path(c.data_dir).is_absolute());
  EXPECT_EQ(fs::path(c.workdays_dir).filename(), "workdays");
  EXPECT_EQ(fs::path(c.database).filename(), "odr-kiosk.db");
  EXPECT_EQ(c.fonts.size(), 2u);
}

TEST(Config, SyntaxErrorNamesFileAndLine) {
  std::string path = variant("[idle]", "[idle");
  try {
    odr::load_config(path);
    FAIL() << "no error";
  } catch (const odr::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("kiosk.toml:"), std::string::npos) << e.what();
  }
}

TEST(Config, BadValuesNameTheirKey) {
  EXPECT_EQ(error_key(variant("timeout_s = 90", "timeout_s = \"ninety\"")), "idle.timeout_s");
  EXPECT_EQ(error_key(variant("timeout_s = 90", "timeout_s = 0")), "idle.timeout_s");
  EXPECT_EQ(error_key(variant("id = \"demo-kiosk-01\"", "id = \"demo kiosk!\"")), "kiosk.id");
  EXPECT_EQ(error_key(variant("default_locale = \"zh-CN\"", "default_locale = \"fr\"")), "kiosk.default_locale");
  EXPECT_EQ(error_key(variant("base_url = \"\"", "base_url = \"http://odr.example/odr/v1\"")), "gateway.base_url");
  EXPECT_EQ(error_key(variant("base_url = \"\"", "base_url = \"https://odr.example/odr/v1\"")), "gateway.key_file");
  EXPECT_EQ(error_key(variant("credit_code = \"91320106MA1ABC2B3T\"", "credit_code = \"91320106MA1ABC2B3U\"")),
            "business[2].credit_code");
  EXPECT_EQ(error_key(variant("kind = \"service\"", "kind = \"services\"")), "category[8].kind");
  EXPECT_EQ(error_key(variant("", "\n[[category]]\ncode = \"G01\"\nkind = \"goods\"\nzh = \"重复\"\nen = \"dup\"\n")),
            "category[13].code");
}

TEST(Config, MissingFileIsAClearError) {
  EXPECT_THROW(odr::load_config("/nonexistent/kiosk.toml"), odr::ConfigError);
}
