// Ids for complaints, events and nonces. UUIDv7: 48-bit Unix milliseconds,
// then cryptographic random bits, so ids sort by creation time.
#pragma once
#include <cstdint>
#include <string>

namespace odr {

std::string uuid_v7(int64_t unix_ms);
std::string uuid_v7();  // at the system clock's current time
bool is_uuid(const std::string& s);  // canonical lowercase or uppercase 8-4-4-4-12 form

}  // namespace odr
