// libFuzzer: everything read from a gateway's answer, and the small wire helpers.
#include <cstddef>
#include <cstdint>
#include <string>

#include "protocol/messages.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  std::string why;
  odr::BatchAnswer b;
  if (odr::parse_batch_answer(body, b, why)) (void)odr::to_json_text(b);
  odr::UpdatesAnswer u;
  if (odr::parse_updates_answer(body, u, why)) (void)odr::to_json_text(u);
  odr::HealthAnswer h;
  if (odr::parse_health_answer(body, h, why)) (void)odr::format_http_date(h.server_time);
  if (auto e = odr::parse_error_body(body); e && e->server_time) (void)odr::format_http_date(*e->server_time);
  (void)odr::gzip_decompress(body, 1 << 20);
  (void)odr::percent_decode(body);
  std::string origin, path;
  (void)odr::split_base_url(body, origin, path);
  return 0;
}
