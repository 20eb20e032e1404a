// libFuzzer: a COMPLAINT or EVENT as it arrives (import line, stored row,
// request item): the guarded parse, the wire reader, the field rules and
// their messages, and writing it back.
#include <cstddef>
#include <cstdint>
#include <string>

#include "model/json.h"
#include "model/validate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  nlohmann::json j = odr::parse_untrusted_json(text);
  if (j.is_discarded()) return 0;
  odr::ValidationContext ctx;
  ctx.now_unix_s = 1795831200;
  ctx.kiosk_clock = size % 2 == 0;
  try {
    odr::Complaint c;
    odr::from_json(j, c);
    for (bool identity : {false, true})
      for (const odr::FieldError& e : odr::validate_complaint(c, ctx, identity)) (void)odr::error_message(e, "zh-CN");
    nlohmann::json back = c;
    (void)back.dump();
  } catch (const nlohmann::json::exception&) {
  }
  try {
    odr::Event e;
    odr::from_json(j, e);
    for (const odr::FieldError& f : odr::validate_event(e, ctx, true)) (void)odr::error_message(f, "en");
    nlohmann::json back = e;
    (void)back.dump();
  } catch (const nlohmann::json::exception&) {
  }
  return 0;
}
