// Percent-encoding (RFC 3986) for query values and links: one home, used by
// the protocol (the updates cursor) and the config (the ticket's QR link).
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace odr {

// A-Z a-z 0-9 - . _ ~ stay, every other byte becomes %XX (upper-case hex).
// Works on any bytes (UTF-8 too).
std::string percent_encode(std::string_view value);
// '+' is taken literally (not a space). nullopt on a bad escape.
std::optional<std::string> percent_decode(std::string_view text);

}  // namespace odr
