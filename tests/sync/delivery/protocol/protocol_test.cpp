// The shared protocol library: signing, message parsing, wire helpers.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>
#include "protocol/intake.h"
#include "protocol/messages.h"
#include "protocol/signing.h"
#include "util/crypto.h"
#include "util/time.h"
#include "util/utf8.h"

namespace {

const std::string kKey(32, '\x07');

TEST(Signing, StringToSignIsTheSixLinesOfThePage) {
  EXPECT_EQ(odr::string_to_sign("POST", "/odr/v1/updates?cursor=abc&limit=100", "1764300000",
                                "0123456789abcdef0123456789abcdef", "e3b0"),
            "ODR1-HMAC-SHA256\nPOST\n/odr/v1/updates?cursor=abc&limit=100\n1764300000\n"
            "0123456789abcdef0123456789abcdef\ne3b0");
}

TEST(Signing, SignatureIsHmacOfStringToSignWithBodyHash) {
  std::string body = "{\"complaints\":[]}";
  auto h = odr::sign_request_with_nonce("kiosk-1", kKey, "POST", "/odr/v1/complaints:batch", body, 1764300000,
                                        "00112233445566778899aabbccddeeff");
  std::string sts = "ODR1-HMAC-SHA256\nPOST\n/odr/v1/complaints:batch\n1764300000\n00112233445566778899aabbccddeeff\n" +
                    odr::sha256_hex(body);
  EXPECT_EQ(h.signature, odr::hmac_sha256_hex(kKey, sts));
  EXPECT_EQ(h.kiosk, "kiosk-1");
  EXPECT_EQ(h.timestamp, "1764300000");
  auto list = h.list();
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(list[0].first, "X-ODR-Kiosk");
  EXPECT_EQ(list[3].first, "X-ODR-Signature");
}

TEST(Signing, FreshNoncePerRequest) {
  auto a = odr::sign_request("k", kKey, "GET", "/odr/v1/updates", "", 100);
  auto b = odr::sign_request("k", kKey, "GET", "/odr/v1/updates", "", 100);
  EXPECT_TRUE(odr::is_valid_nonce(a.nonce));
  EXPECT_NE(a.nonce, b.nonce);
  EXPECT_NE(a.signature, b.signature);
}

odr::SignedRequest as_received(const odr::SignedHeaders& h, std::string method, std::string path,
                               std::string_view body) {
  odr::SignedRequest r;
  r.method = std::move(method);
  r.path_with_query = std::move(path);
  r.body = body;
  r.kiosk = h.kiosk;
  r.timestamp = h.timestamp;
  r.nonce = h.nonce;
  r.signature = h.signature;
  return r;
}

TEST(Signing, VerifyEachFailure) {
  auto key_for = [](const std::string& k) -> std::optional<std::string> {
    if (k == "kiosk-1") return kKey;
    return std::nullopt;
  };
  std::set<std::string> seen;
  auto remember = [&](const std::string& k, const std::string& n) { return seen.insert(k + "/" + n).second; };
  std::string body = "{}";
  auto h = odr::sign_request("kiosk-1", kKey, "POST", "/p", body, 1000);
  EXPECT_TRUE(odr::verify_request(as_received(h, "POST", "/p", body), key_for, 1000, remember).ok);
  // the same nonce again
  EXPECT_EQ(odr::verify_request(as_received(h, "POST", "/p", body), key_for, 1000, remember).code, "replayed_nonce");
  // tampered body, path, method
  auto h2 = odr::sign_request("kiosk-1", kKey, "POST", "/p", body, 1000);
  EXPECT_EQ(odr::verify_request(as_received(h2, "POST", "/p", "{ }"), key_for, 1000, remember).code, "bad_signature");
  EXPECT_EQ(odr::verify_request(as_received(h2, "POST", "/q", body), key_for, 1000, remember).code, "bad_signature");
  EXPECT_EQ(odr::verify_request(as_received(h2, "PUT", "/p", body), key_for, 1000, remember).code, "bad_signature");
  // a failed request does not burn its nonce
  EXPECT_TRUE(odr::verify_request(as_received(h2, "POST", "/p", body), key_for, 1000, remember).ok);
  // wrong key
  auto h3 = odr::sign_request("kiosk-1", std::string(32, 'x'), "POST", "/p", body, 1000);
  EXPECT_EQ(odr::verify_request(as_received(h3, "POST", "/p", body), key_for, 1000, remember).code, "bad_signature");
  // unknown kiosk
  auto h4 = odr::sign_request("kiosk-2", kKey, "POST", "/p", body, 1000);
  EXPECT_EQ(odr::verify_request(as_received(h4, "POST", "/p", body), key_for, 1000, remember).code, "unknown_kiosk");
  // clock: 300 s is fine, 301 s is not
  auto h5 = odr::sign_request("kiosk-1", kKey, "POST", "/p", body, 1300);
  EXPECT_TRUE(odr::verify_request(as_received(h5, "POST", "/p", body), key_for, 1000, remember).ok);
  auto h6 = odr::sign_request("kiosk-1", kKey, "POST", "/p", body, 699);
  EXPECT_EQ(odr::verify_request(as_received(h6, "POST", "/p", body), key_for, 1000, remember).code, "clock_skew");
  // malformed headers
  auto h7 = odr::sign_request("kiosk-1", kKey, "POST", "/p", body, 1000);
  h7.nonce = "ABCDEF0123456789ABCDEF0123456789";
  EXPECT_EQ(odr::verify_request(as_received(h7, "POST", "/p", body), key_for, 1000, remember).code, "bad_signature");
}

TEST(Keys, DecodeChecksLengthAndBase64) {
  std::string b64 = odr::make_key_base64();
  EXPECT_EQ(odr::decode_key(b64 + "\n").size(), 32u);
  EXPECT_THROW(odr::decode_key("not base64!"), odr::KeyError);
  EXPECT_THROW(odr::decode_key(odr::base64_encode(std::string(16, 'a'))), odr::KeyError);
  EXPECT_THROW(odr::load_key_file("/nonexistent/kiosk.key"), odr::KeyError);
  try {
    odr::decode_key(odr::base64_encode("secret-secret-secret"));
    FAIL();
  } catch (const odr::KeyError& e) {
    EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos);  // never the key in a message
  }
}

TEST(Keys, AKeyFileOtherUsersCanReadOrAnyoneButItsOwnerCanWriteIsRefused) {
  const char* tmp = std::getenv("ODR_TEST_TMP");
  std::filesystem::path dir = std::filesystem::path(tmp ? tmp : "/tmp") / ("keys-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "kiosk.key").string();
  std::ofstream(file) << odr::make_key_base64() << "\n";
  for (mode_t ok : {0600, 0400, 0640, 0440}) {
    ASSERT_EQ(chmod(file.c_str(), ok), 0);
    EXPECT_EQ(odr::load_key_file(file).size(), 32u) << std::oct << ok;
  }
  for (mode_t bad : {0644, 0666, 0604, 0660, 0602}) {
    ASSERT_EQ(chmod(file.c_str(), bad), 0);
    try {
      odr::load_key_file(file);
      ADD_FAILURE() << "mode " << std::oct << bad << " accepted";
    } catch (const odr::KeyError& e) {
      EXPECT_NE(std::string(e.what()).find("chmod 600"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
    }
  }
}

TEST(Messages, BatchAnswerRoundTrip) {
  odr::BatchAnswer a;
  a.results.push_back({"id-1", "accepted", "3201002026112800042", {}});
  a.results.push_back({"id-2", "rejected", "", {"invalid_field", "consumer.phone", "bad phone"}});
  odr::BatchAnswer b;
  std::string why;
  ASSERT_TRUE(odr::parse_batch_answer(odr::to_json_text(a), b, why)) << why;
  ASSERT_EQ(b.results.size(), 2u);
  EXPECT_TRUE(b.results[0].delivered());
  EXPECT_EQ(b.results[0].case_no, "3201002026112800042");
  EXPECT_FALSE(b.results[1].delivered());
  EXPECT_EQ(b.results[1].error.field, "consumer.phone");
  EXPECT_FALSE(odr::parse_batch_answer("<html>502</html>", b, why));
  EXPECT_FALSE(odr::parse_batch_answer("", b, why));
  EXPECT_FALSE(odr::parse_batch_answer("{\"results\":[{\"id\":\"x\",\"status\":\"maybe\"}]}", b, why));
  EXPECT_FALSE(odr::parse_batch_answer("{\"results\":[{\"id\":1,\"status\":\"accepted\"}]}", b, why));
  EXPECT_FALSE(odr::parse_batch_answer("{\"results\":[{\"id\":\"x\",\"status\":\"acc", b, why));
}

TEST(Messages, ErrorBodyCopesWithAnything) {
  auto e = odr::parse_error_body(odr::to_json_text(odr::ErrorBody{"clock_skew", "off", 1764300000}));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, "clock_skew");
  EXPECT_EQ(e->server_time.value_or(0), 1764300000);
  EXPECT_FALSE(odr::parse_error_body("<html><body>Bad Gateway</body></html>"));
  EXPECT_FALSE(odr::parse_error_body(""));
  EXPECT_FALSE(odr::parse_error_body("{\"error\":\"x\"}"));
  EXPECT_FALSE(odr::parse_error_body("{\"error\":{\"code\":5}}"));
  EXPECT_FALSE(odr::parse_error_body("[1,2]"));
  EXPECT_FALSE(odr::parse_error_body(std::string("{\"error\":{\"code\":\"\xff\"}}")));
}

TEST(Messages, UpdatesAnswerAndTarget) {
  odr::UpdatesAnswer a;
  a.updates.push_back({"c1", "3201002026112800042", "mediating", "2026-11-29T10:00:00+08:00", ""});
  a.next_cursor = "c=1&e=x #+/%\xc3\xa9";
  a.more = true;
  odr::UpdatesAnswer b;
  std::string why;
  ASSERT_TRUE(odr::parse_updates_answer(odr::to_json_text(a), b, why)) << why;
  EXPECT_EQ(b.next_cursor, a.next_cursor);
  EXPECT_TRUE(b.more);
  ASSERT_EQ(b.updates.size(), 1u);
  EXPECT_EQ(b.updates[0].status, "mediating");
  EXPECT_FALSE(odr::parse_updates_answer("{\"updates\":[]}", b, why));
  EXPECT_EQ(odr::updates_target("/odr/v1/", "", 0), "/odr/v1/updates");
  EXPECT_EQ(odr::updates_target("/odr/v1", "a b&c=d/%", 100), "/odr/v1/updates?cursor=a%20b%26c%3Dd%2F%25&limit=100");
  EXPECT_EQ(odr::percent_decode(odr::percent_encode(a.next_cursor)).value_or(""), a.next_cursor);
  EXPECT_FALSE(odr::percent_decode("%4"));
  EXPECT_FALSE(odr::percent_decode("%zz"));
}

TEST(Messages, APlatformNoteIsMadeFitToKeepAndForwardNotRefused) {
  // What the platform wrote: a bidi override, a zero-width space, a bell and
  // more than the hub takes. The kiosk keeps it and forwards it to the hub,
  // whose intake refuses such a note: it must arrive cleaned, not be held.
  std::string note = "\u53d7\u7406\u202e\u200b\a OK\n";
  for (int i = 0; i < 600; ++i) note += "\u8c03";
  odr::UpdatesAnswer a;
  a.updates.push_back({"c1", "", "mediating", "2026-11-29T10:00:00+08:00", note});
  a.next_cursor = "1";
  odr::UpdatesAnswer b;
  std::string why;
  ASSERT_TRUE(odr::parse_updates_answer(odr::to_json_text(a), b, why)) << why;
  ASSERT_EQ(b.updates.size(), 1u);
  const std::string& kept = b.updates[0].note;
  EXPECT_EQ(kept.substr(0, 10), "\u53d7\u7406 OK\n") << "what can be read stays, newline too";
  EXPECT_EQ(odr::codepoint_count(kept), odr::kMaxUpdateNoteChars);
  nlohmann::json fwd = {{"id", "2f1c1a0e-8b7d-4c7a-9a55-3c1d2e4f5a6b"}, {"complaint_id", "0b6e7c3a-4f1d-4e2a-8c9b-7d6e5f4a3b2c"},
                        {"status", "mediating"}, {"at", "2026-11-29T10:00:00+08:00"}, {"note", kept}};
  odr::ForwardedUpdate u;
  EXPECT_TRUE(odr::check_update_item(fwd, u).code.empty()) << "the hub's rule takes it";
  fwd["note"] = note;
  EXPECT_FALSE(odr::check_update_item(fwd, u).code.empty()) << "as the platform wrote it, the hub refuses it";
}

TEST(Messages, HealthAndBatchBody) {
  odr::HealthAnswer h;
  std::string why;
  ASSERT_TRUE(odr::parse_health_answer("{\"server_time\":1764300000,\"version\":\"x\"}", h, why));
  EXPECT_EQ(h.server_time, 1764300000);
  EXPECT_FALSE(odr::parse_health_answer("ok", h, why));
  EXPECT_EQ(odr::make_batch_body("events", {"{\"a\":1}", "{\"b\":2}"}), "{\"events\":[{\"a\":1},{\"b\":2}]}");
  EXPECT_EQ(odr::make_batch_body("complaints", {}), "{\"complaints\":[]}");
}

TEST(Messages, DeeplyNestedOrNulCutAnswersAreRefused) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  std::string why;
  odr::BatchAnswer b;
  EXPECT_FALSE(odr::parse_batch_answer("{\"results\":[],\"x\":" + deep + "}", b, why));
  EXPECT_NE(why.find("deeper"), std::string::npos) << why;
  odr::UpdatesAnswer u;
  EXPECT_FALSE(odr::parse_updates_answer("{\"updates\":[],\"next_cursor\":\"c\",\"x\":" + deep + "}", u, why));
  odr::HealthAnswer h;
  EXPECT_FALSE(odr::parse_health_answer("{\"server_time\":1,\"x\":" + deep + "}", h, why));
  EXPECT_FALSE(odr::parse_error_body("{\"error\":{\"code\":\"x\",\"x\":" + deep + "}}"));
  // A NUL ends nlohmann's input: what came before must not pass as the answer.
  EXPECT_FALSE(odr::parse_batch_answer(std::string("{\"results\":[]}\0garbage", 22), b, why));
  EXPECT_TRUE(odr::parse_batch_answer("{\"results\":[]}", b, why)) << why;
}

TEST(Messages, ServerTimesOutOfRangeAreNotTaken) {
  std::string why;
  odr::HealthAnswer h;
  for (const char* t : {"1e300", "-1e300", "9223372036854775807", "18446744073709551615", "-5", "1e20"}) {
    EXPECT_FALSE(odr::parse_health_answer(std::string("{\"server_time\":") + t + "}", h, why)) << t;
    auto e = odr::parse_error_body(std::string("{\"error\":{\"code\":\"clock_skew\",\"server_time\":") + t + "}}");
    ASSERT_TRUE(e) << t;
    EXPECT_FALSE(e->server_time) << t << ": " << *e->server_time;
  }
  ASSERT_TRUE(odr::parse_health_answer("{\"server_time\":1795831200.5}", h, why)) << why;
  EXPECT_EQ(h.server_time, 1795831200);
  EXPECT_EQ(odr::parse_error_body("{\"error\":{\"code\":\"c\",\"server_time\":1795831200}}")->server_time, 1795831200);
}

TEST(Wire, HttpDatesOutOfRangeAreRefused) {
  for (const char* d : {"Sun, 06 Nov -2147483648 08:49:37 GMT", "Sun, 06 Nov 2147483647 08:49:37 GMT",
                        "Sun, 06 Nov 99999 08:49:37 GMT", "Sun, 2147483647 Nov 1994 08:49:37 GMT",
                        "Sun, 06 Nov 1994 2147483647:49:37 GMT", "Sun Nov  6 08:49:37 -2147483648",
                        "Sunday, 06-Nov--2147483648 08:49:37 GMT", "Sun, 06 Nov 0000 08:49:37 GMT"})
    EXPECT_FALSE(odr::parse_http_date(d)) << d;
  EXPECT_EQ(odr::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").value_or(0), 784111777);
  EXPECT_EQ(odr::parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT").value_or(0), 784111777);
  EXPECT_EQ(odr::parse_http_date("Sun Nov  6 08:49:37 1994").value_or(0), 784111777);
}

TEST(Wire, HttpDateRoundTrip) {
  EXPECT_EQ(odr::format_http_date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  for (int64_t t : {0LL, 1764300000LL, 1798761599LL})
    EXPECT_EQ(odr::parse_http_date(odr::format_http_date(t)).value_or(-1), t);
}

TEST(Wire, GzipRoundTripAndBombGuard) {
  std::string data(200000, 'a');
  std::string z = odr::gzip_compress(data);
  EXPECT_LT(z.size(), 2000u);
  EXPECT_EQ(odr::gzip_decompress(z, 1 << 20).value_or(""), data);
  EXPECT_FALSE(odr::gzip_decompress(z, 1000));
  EXPECT_FALSE(odr::gzip_decompress(z.substr(0, z.size() / 2), 1 << 20));
  EXPECT_FALSE(odr::gzip_decompress("plain text", 1 << 20));
}

TEST(Wire, SplitBaseUrl) {
  std::string o, p;
  ASSERT_TRUE(odr::split_base_url("https://127.0.0.1:8443/odr/v1/", o, p));
  EXPECT_EQ(o, "https://127.0.0.1:8443");
  EXPECT_EQ(p, "/odr/v1");
  ASSERT_TRUE(odr::split_base_url("https://host", o, p));
  EXPECT_EQ(p, "");
  EXPECT_FALSE(odr::split_base_url("ftp://host/x", o, p));
  EXPECT_FALSE(odr::split_base_url("https:///x", o, p));
}

}  // namespace
