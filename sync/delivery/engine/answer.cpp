#include "engine/answer.h"

#include "engine/retry.h"
#include "protocol/messages.h"
#include "protocol/signing.h"
#include "util/time.h"

namespace odr {

AnswerOutcome classify_answer(const HttpResponse& r, int64_t local_now_s, int64_t clock_offset_s) {
  AnswerOutcome o;
  if (!r.ok()) {
    o.verdict = r.error == TransportError::aborted ? AnswerOutcome::aborted : AnswerOutcome::transient;
    o.tls = r.error == TransportError::tls;
    o.not_tls = r.error == TransportError::not_tls;
    // A time-out with nothing read is the common lost acknowledgement (Wi-Fi):
    // as safe to send again at once as a closed connection (idempotent on id).
    o.no_answer = r.no_answer && (r.error == TransportError::other || r.error == TransportError::timeout);
    o.error = r.error_message;
    return o;
  }
  int s = r.status;
  if (s >= 200 && s < 300) {
    o.verdict = AnswerOutcome::ok;
    return o;
  }
  std::optional<ErrorBody> eb = parse_error_body(r.body);
  if (eb) o.code = eb->code;
  // The gateway's message may echo what it received: keep only the code in logs.
  o.error = "HTTP " + std::to_string(s) + (eb ? " " + eb->code : std::string(" (no error body)"));
  if (s == 401) {
    if (eb && eb->code == auth_err::clock_skew) {
      o.verdict = AnswerOutcome::clock_skew;
      o.server_time = eb->server_time;
      if (!o.server_time) o.server_time = parse_http_date(r.header("date"));
      if (!o.server_time) o.verdict = AnswerOutcome::transient;  // skewed, but by how much is unknown
      return o;
    }
    // replayed_nonce after a lost answer, a proxy, a gateway's hiccup: only
    // a refusal that persists across fresh signatures means a wrong key.
    o.verdict = AnswerOutcome::refused;
    return o;
  }
  if (s == 404 || (s >= 300 && s < 400)) {
    o.verdict = AnswerOutcome::fatal;
    if (s != 404) o.error += ": redirected, check gateway.base_url";
    return o;
  }
  if (s == 410) {
    o.verdict = AnswerOutcome::gone;
    return o;
  }
  if (s == 413) {
    o.verdict = AnswerOutcome::split;
    return o;
  }
  if (s == 429 || s == 503) {
    o.verdict = AnswerOutcome::slow_down;
    o.wait_ms = retry_after_ms(r.header("retry-after"), r.header("date"), local_now_s, clock_offset_s);
    return o;
  }
  if (s >= 400 && s < 500) {
    o.verdict = AnswerOutcome::client_fault;
    if (eb && !eb->message.empty()) o.error += ": " + eb->message.substr(0, 200);
    return o;
  }
  o.verdict = AnswerOutcome::transient;  // 5xx, and 1xx which no server should send
  return o;
}

}  // namespace odr
