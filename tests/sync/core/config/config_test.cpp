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
  // One folder per test: CTest runs them in parallel.
  fs::path dir = fs::path(tmp ? tmp : "/tmp") / "config_test" /
                 ::testing::UnitTest::GetInstance()->current_test_info()->name() / "config";
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

TEST(Config, MistakesThatWereAcceptedSilentlyNowNameTheirKey) {
  EXPECT_EQ(error_key(variant("id = \"demo-kiosk-01\"\n", "")), "kiosk.id") << "missing: no kiosk-dev default";
  EXPECT_EQ(error_key(variant("data_dir = \"../demo-data/data\"", "data_dir = \"\"")), "kiosk.data_dir");
  EXPECT_EQ(error_key(variant("[gateway]", "[[gateway]]")), "gateway") << "an array of tables where a table goes";
  EXPECT_EQ(error_key(variant("[kiosk]", "kiosk = 1\n[old_kiosk]")), "kiosk");
  EXPECT_EQ(error_key(variant("ticket_prefix = \"A01\"", "ticket_prefix = \"a01\"")), "kiosk.ticket_prefix");
  EXPECT_EQ(error_key(variant("ticket_prefix = \"A01\"", "ticket_prefix = \"A0123\"")), "kiosk.ticket_prefix");
  for (const char* url : {"https://", "https:///odr/v1", "https://:8443/odr", "https://host name/odr", "https://a?b"})
    EXPECT_EQ(error_key(variant("base_url = \"\"", std::string("base_url = \"") + url + "\"")), "gateway.base_url")
        << url;
  EXPECT_EQ(error_key(variant("client_key = \"\"", "client_key = \"\"\nproxy = \"10.0.0.1:3128\"")), "gateway.proxy");
  EXPECT_EQ(error_key(variant("base_url = \"\"", "base_url = \"https://odr.example:8443/odr/v1\"")), "gateway.key_file")
      << "a good URL passes on to the next check";
}

TEST(Config, OnlyValidUtf8AndAsciiOutsideQuotesReachTheTomlParser) {
  const char* tmp = std::getenv("ODR_TEST_TMP");
  fs::path dir = fs::path(tmp ? tmp : "/tmp") / "config_test" / "bytes";
  fs::create_directories(dir);
  auto message_for = [&](const std::string& bytes) {
    std::ofstream((dir / "kiosk.toml").string(), std::ios::binary) << bytes;
    try {
      odr::load_config((dir / "kiosk.toml").string());
    } catch (const odr::ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_NE(message_for("\xd1\xbd").find("line 1"), std::string::npos) << message_for("\xd1\xbd");
  EXPECT_NE(message_for("\xd1\xbd").find("outside quotes"), std::string::npos);
  EXPECT_NE(message_for("[kiosk]\nid = \"a\xff\"\n").find("not valid UTF-8 (line 2)"), std::string::npos)
      << message_for("[kiosk]\nid = \"a\xff\"\n");
  EXPECT_NE(message_for("[kiosk]\n\xe4\xb8\xad = 1\n").find("line 2"), std::string::npos);
  // Non-ASCII in strings and comments is what the example is full of: fine.
  std::ifstream in(source_dir() + "/config/kiosk.toml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_NE(text.find("金陵"), std::string::npos);
  text += "\n# 注释 '不是字符串\n";
  EXPECT_EQ(message_for(text).find("UTF-8"), std::string::npos) << message_for(text);
  EXPECT_EQ(message_for(text).find("outside quotes"), std::string::npos) << message_for(text);
}

TEST(Config, MissingFileIsAClearError) {
  EXPECT_THROW(odr::load_config("/nonexistent/kiosk.toml"), odr::ConfigError);
}

TEST(Config, PrinterSection) {
  odr::KioskConfig c = odr::load_config(source_dir() + "/config/kiosk.toml");
  EXPECT_FALSE(c.printer.configured()) << "the example has no printer: none is assumed";
  EXPECT_EQ(c.printer.encoding, "GB18030");
  EXPECT_EQ(c.printer.store_name, c.businesses.front().name) << "the heading defaults to the mall";
  EXPECT_EQ(c.printer.store_name_en, c.businesses.front().name_en);

  c = odr::load_config(variant("# device = \"/dev/usb/lp0\"", "device = \"/dev/usb/lp0\""));
  EXPECT_TRUE(c.printer.configured());
  EXPECT_EQ(c.printer.device, "/dev/usb/lp0");
  c = odr::load_config(variant("# host = \"192.168.1.50\"", "host = \"192.168.1.50\""));
  EXPECT_EQ(c.printer.host, "192.168.1.50");
  EXPECT_TRUE(c.printer.status);
  EXPECT_FALSE(odr::load_config(variant("status = true", "status = false")).printer.status);

  EXPECT_EQ(error_key(variant("# device = \"/dev/usb/lp0\"\n# host = \"192.168.1.50\"",
                              "device = \"/dev/usb/lp0\"\nhost = \"192.168.1.50\"")),
            "printer.host")
      << "one printer, not two";
  EXPECT_EQ(error_key(variant("# host = \"192.168.1.50\"", "host = \"printer.local\"")), "printer.host")
      << "no name lookups on the print thread";
  EXPECT_EQ(error_key(variant("# device = \"/dev/usb/lp0\"", "device = \"usb/lp0\"")), "printer.device");
  EXPECT_EQ(error_key(variant("encoding = \"GB18030\"", "encoding = \"Big5\"")), "printer.encoding");
  EXPECT_EQ(error_key(variant("qr = \"native\"", "qr = \"png\"")), "printer.qr");
  EXPECT_EQ(error_key(variant("paper_mm = 80", "paper_mm = 76")), "printer.paper_mm");
  EXPECT_EQ(error_key(variant("cut = true", "cut = 1")), "printer.cut");
  EXPECT_EQ(error_key(variant("write_timeout_ms = 10000", "write_timeout_ms = 0")), "printer.write_timeout_ms");
  EXPECT_EQ(error_key(variant("port = 9100", "port = 70000")), "printer.port");
  EXPECT_EQ(error_key(variant("[printer]", "[[printer]]")), "printer");
}

TEST(Config, SpeechSection) {
  odr::KioskConfig c = odr::load_config(source_dir() + "/config/kiosk.toml");
  EXPECT_TRUE(c.speech.enabled);
  EXPECT_EQ(c.speech.rate_wpm, 150);
  EXPECT_EQ(c.speech.volume, 80);
  EXPECT_EQ(c.speech.device, "default");
  EXPECT_TRUE(c.speech.data_dir.empty()) << "espeak-ng's own data unless set";

  EXPECT_FALSE(odr::load_config(variant("enabled = true", "enabled = false")).speech.enabled);
  EXPECT_EQ(odr::load_config(variant("rate_wpm = 150", "rate_wpm = 80")).speech.rate_wpm, 80);
  EXPECT_EQ(odr::load_config(variant("volume = 80", "volume = 0")).speech.volume, 0);
  c = odr::load_config(variant("# data_dir = \"/usr/lib/x86_64-linux-gnu/espeak-ng-data\"", "data_dir = \"voices\""));
  EXPECT_EQ(fs::path(c.speech.data_dir), fs::path(c.config_path).parent_path() / "voices")
      << "relative to the config's folder, like every path";

  EXPECT_EQ(error_key(variant("rate_wpm = 150", "rate_wpm = 79")), "speech.rate_wpm");
  EXPECT_EQ(error_key(variant("rate_wpm = 150", "rate_wpm = 301")), "speech.rate_wpm");
  EXPECT_EQ(error_key(variant("rate_wpm = 150", "rate_wpm = \"slow\"")), "speech.rate_wpm");
  EXPECT_EQ(error_key(variant("volume = 80", "volume = 101")), "speech.volume");
  EXPECT_EQ(error_key(variant("volume = 80", "volume = -1")), "speech.volume");
  EXPECT_EQ(error_key(variant("enabled = true", "enabled = \"yes\"")), "speech.enabled");
  EXPECT_EQ(error_key(variant("device = \"default\"", "device = \"\"")), "speech.device");
  EXPECT_EQ(error_key(variant("[speech]", "[[speech]]")), "speech");
  try {
    odr::load_config(variant("volume = 80", "volume = 150"));
  } catch (const odr::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("between 0 and 100"), std::string::npos) << e.what();
  }
}

// The example with a hub at https://hub.example.cn and the gateway's key file
// set (the hub needs it), one more line replaced.
std::string with_hub(const std::string& find = "", const std::string& replace = "") {
  std::ifstream in(source_dir() + "/config/kiosk.toml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto swap = [&](const std::string& a, const std::string& b) {
    size_t pos = text.find(a);
    EXPECT_NE(pos, std::string::npos) << a;
    if (pos != std::string::npos) text.replace(pos, a.size(), b);
  };
  swap("key_file = \"\"", "key_file = \"kiosk.key\"");
  swap("base_url = \"\"\nkey_file", "base_url = \"https://odr.example.cn/odr/v1\"\nkey_file");
  swap("base_url = \"\"            #", "base_url = \"https://hub.example.cn:8443/odr/v1/\" #");
  if (!find.empty()) swap(find, replace);
  std::string path = variant("", "");
  std::ofstream(path) << text;
  return path;
}

TEST(Config, HubSection) {
  odr::KioskConfig c = odr::load_config(source_dir() + "/config/kiosk.toml");
  EXPECT_FALSE(c.hub.configured()) << "the example delivers to the gateway only";
  EXPECT_EQ(c.hub.heartbeat_interval_s, 60);

  c = odr::load_config(with_hub());
  EXPECT_TRUE(c.hub.configured());
  EXPECT_EQ(c.hub.base_url, "https://hub.example.cn:8443/odr/v1") << "trailing slashes go, as for the gateway";
  c = odr::load_config(with_hub("ca_file = \"\"             #", "ca_file = \"hub-ca.pem\" #"));
  EXPECT_EQ(c.hub.ca_file, (fs::path(c.config_path).parent_path() / "hub-ca.pem").string()) << "relative to the config";

  EXPECT_EQ(error_key(with_hub("heartbeat_interval_s = 60", "heartbeat_interval_s = 0")), "hub.heartbeat_interval_s");
  EXPECT_EQ(error_key(with_hub("heartbeat_interval_s = 60", "heartbeat_interval_s = \"60\"")), "hub.heartbeat_interval_s");
  EXPECT_EQ(error_key(with_hub("heartbeat_interval_s = 60", "heartbeat_interval = 60")), "hub.heartbeat_interval")
      << "a misspelt key is refused, not ignored";
  EXPECT_EQ(error_key(with_hub("pinned_pubkey = \"\"       #", "pinned_pubkey = \"abc\" #")), "hub.pinned_pubkey");
  EXPECT_EQ(error_key(with_hub("https://hub.example.cn:8443/odr/v1/", "http://hub.example.cn/odr/v1")), "hub.base_url");
  EXPECT_EQ(error_key(with_hub("https://hub.example.cn:8443/odr/v1/", "https:///odr/v1")), "hub.base_url");
  EXPECT_EQ(error_key(with_hub("key_file = \"kiosk.key\"", "key_file = \"\"")), "gateway.key_file")
      << "the hub verifies the gateway's kiosk key";
  EXPECT_EQ(error_key(with_hub("[hub]", "[[hub]]")), "hub");
  EXPECT_EQ(error_key(with_hub("base_url = \"https://odr.example.cn/odr/v1\"", "base_url = \"\"")), "hub.base_url")
      << "no hub without the gateway";
}
