// The engine's error table (engine/answer.h) row by row, without a network:
// each HTTP answer or transport failure and the verdict it gets. What the
// engine does with each verdict is driven through the fake gateway in
// engine_fake_test.cpp.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "engine/answer.h"

using namespace odr;
using V = AnswerOutcome::Verdict;

namespace {

HttpResponse answer(int status, std::string body = "", std::map<std::string, std::string> headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

HttpResponse failure(TransportError e, bool no_answer = false) {
  HttpResponse r;
  r.error = e;
  r.error_message = std::string("transport: ") + to_string(e);
  r.no_answer = no_answer;
  return r;
}

std::string error_body(const std::string& code, const std::string& extra = "") {
  return R"({"error":{"code":")" + code + R"(","message":"what the gateway says")" + extra + "}}";
}

struct Row {
  const char* name;
  HttpResponse response;
  V verdict;
  std::string error_starts;  // the one line for logs begins so
  std::string code = "";
};

}  // namespace

TEST(SyncErrorTable, EveryRowGetsItsVerdict) {
  const Row rows[] = {
      {"200", answer(200, "{}"), V::ok, ""},
      {"207 (any 2xx)", answer(207, "{}"), V::ok, ""},
      {"401 clock_skew with server_time", answer(401, error_body("clock_skew", R"(,"server_time":1800000000)")),
       V::clock_skew, "HTTP 401 clock_skew", "clock_skew"},
      {"401 clock_skew, time from Date", answer(401, error_body("clock_skew"), {{"date", "Sun, 06 Nov 1994 08:49:37 GMT"}}),
       V::clock_skew, "HTTP 401 clock_skew", "clock_skew"},
      {"401 clock_skew, time unknown", answer(401, error_body("clock_skew")), V::transient, "HTTP 401 clock_skew",
       "clock_skew"},
      {"401 bad_signature", answer(401, error_body("bad_signature")), V::refused, "HTTP 401 bad_signature",
       "bad_signature"},
      {"401 without a body", answer(401), V::refused, "HTTP 401 (no error body)"},
      {"404", answer(404, error_body("not_found")), V::fatal, "HTTP 404 not_found", "not_found"},
      {"301", answer(301), V::fatal, "HTTP 301 (no error body): redirected, check gateway.base_url"},
      {"410", answer(410, error_body("cursor_expired")), V::gone, "HTTP 410 cursor_expired", "cursor_expired"},
      {"413", answer(413, error_body("too_many_items")), V::split, "HTTP 413 too_many_items", "too_many_items"},
      {"413 without a body", answer(413), V::split, "HTTP 413 (no error body)"},
      {"429", answer(429, "", {{"retry-after", "7"}}), V::slow_down, "HTTP 429"},
      {"503", answer(503), V::slow_down, "HTTP 503"},
      {"400", answer(400, error_body("invalid_request")), V::client_fault,
       "HTTP 400 invalid_request: what the gateway says", "invalid_request"},
      {"422", answer(422), V::client_fault, "HTTP 422 (no error body)"},
      {"500", answer(500), V::transient, "HTTP 500"},
      {"502", answer(502, "<html>proxy</html>"), V::transient, "HTTP 502 (no error body)"},
      {"101 (no server should)", answer(101), V::transient, "HTTP 101"},
      {"connect", failure(TransportError::connect), V::transient, "transport: "},
      {"timeout", failure(TransportError::timeout), V::transient, "transport: "},
      {"tls", failure(TransportError::tls), V::transient, "transport: "},
      {"not_tls", failure(TransportError::not_tls), V::transient, "transport: "},
      {"other", failure(TransportError::other), V::transient, "transport: "},
      {"aborted", failure(TransportError::aborted), V::aborted, "transport: "},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    AnswerOutcome o = classify_answer(row.response, 1'800'000'000, 0);
    EXPECT_EQ(o.verdict, row.verdict);
    EXPECT_EQ(o.error.rfind(row.error_starts, 0), 0u) << o.error;
    EXPECT_EQ(o.code, row.code);
  }
}

TEST(SyncErrorTable, ClockSkewCarriesTheServersTime) {
  EXPECT_EQ(classify_answer(answer(401, error_body("clock_skew", R"(,"server_time":1800000123)")), 0, 0).server_time,
            std::optional<int64_t>(1800000123));
  EXPECT_EQ(classify_answer(answer(401, error_body("clock_skew"), {{"date", "Sun, 06 Nov 1994 08:49:37 GMT"}}), 0, 0)
                .server_time,
            std::optional<int64_t>(784111777));
}

TEST(SyncErrorTable, SlowDownCarriesRetryAfter) {
  EXPECT_EQ(classify_answer(answer(429, "", {{"retry-after", "7"}}), 0, 0).wait_ms, std::optional<int64_t>(7000));
  EXPECT_EQ(classify_answer(answer(503), 0, 0).wait_ms, std::nullopt);  // absent: back off as for 5xx
}

TEST(SyncErrorTable, TransportFlagsSayWhichAlertAndWhetherToResendAtOnce) {
  EXPECT_TRUE(classify_answer(failure(TransportError::tls), 0, 0).tls);
  EXPECT_TRUE(classify_answer(failure(TransportError::not_tls), 0, 0).not_tls);
  EXPECT_FALSE(classify_answer(failure(TransportError::connect), 0, 0).tls);
  // Nothing read before the end: maybe a lost acknowledgement, sent again at once.
  EXPECT_TRUE(classify_answer(failure(TransportError::other, true), 0, 0).no_answer);
  EXPECT_TRUE(classify_answer(failure(TransportError::timeout, true), 0, 0).no_answer);
  // A refused connection never reached the server.
  EXPECT_FALSE(classify_answer(failure(TransportError::connect, true), 0, 0).no_answer);
  EXPECT_FALSE(classify_answer(failure(TransportError::other, false), 0, 0).no_answer);
}
