// Clocks and calendar strings. The kiosk's local time zone is Asia/Shanghai
// by default (UTC+8, no daylight saving), given as a fixed offset in minutes.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace odr {

inline constexpr int kChinaOffsetMinutes = 8 * 60;

int64_t now_unix_ms();
int64_t now_unix_s();
// RFC 3339 with the given offset, e.g. 2026-11-28T09:07:00+08:00.
std::string format_rfc3339(int64_t unix_s, int offset_minutes = kChinaOffsetMinutes);
// Parses RFC 3339 with 'Z' or +hh:mm / -hh:mm, optional fraction; nullopt if malformed.
std::optional<int64_t> parse_rfc3339(const std::string& s);
// YYYY-MM-DD of the local date at unix_s.
std::string local_date(int64_t unix_s, int offset_minutes = kChinaOffsetMinutes);
// Days since 1970-01-01 for a civil date, and back.
int64_t days_from_civil(int y, unsigned m, unsigned d);
void civil_from_days(int64_t z, int& y, unsigned& m, unsigned& d);
// Strict YYYY-MM-DD with a real calendar date; returns days since epoch.
std::optional<int64_t> parse_date(const std::string& s);
std::string format_date(int64_t days);
// HTTP date (RFC 7231 IMF-fixdate, also RFC 850 and asctime) to Unix seconds.
std::optional<int64_t> parse_http_date(const std::string& s);

}  // namespace odr
