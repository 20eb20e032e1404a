#include "time.h"

#include <chrono>
#include <cstdio>
#include <cstring>

namespace odr {

int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}
int64_t now_unix_s() { return now_unix_ms() / 1000; }

// Howard Hinnant's public-domain civil calendar algorithms, written from the description.
int64_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(static_cast<int64_t>(yoe) + era * 400 + (m <= 2));
}

static int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

std::string format_rfc3339(int64_t unix_s, int offset_minutes) {
  int64_t local = unix_s + offset_minutes * 60;
  int64_t days = floor_div(local, 86400);
  int64_t secs = local - days * 86400;
  int y; unsigned m, d;
  civil_from_days(days, y, m, d);
  char buf[96];  // room for any int, so -O3 sees no truncation
  int off = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d%c%02d:%02d", y, m, d, static_cast<int>(secs / 3600),
                static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60), offset_minutes < 0 ? '-' : '+',
                off / 60, off % 60);
  return buf;
}

static bool digits(const std::string& s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

static bool valid_date(int y, int m, int d) {
  if (m < 1 || m > 12 || d < 1) return false;
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int max = mdays[m - 1];
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) max = 29;
  return d <= max;
}

std::optional<int64_t> parse_date(const std::string& s) {
  int y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (!digits(s, 0, 4, y) || !digits(s, 5, 2, m) || !digits(s, 8, 2, d)) return std::nullopt;
  if (!valid_date(y, m, d)) return std::nullopt;
  return days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

std::string format_date(int64_t days) {
  int y; unsigned m, d;
  civil_from_days(days, y, m, d);
  char buf[48];  // room for any int, so -O3 sees no truncation
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

std::string local_date(int64_t unix_s, int offset_minutes) {
  return format_date(floor_div(unix_s + offset_minutes * 60, 86400));
}

std::optional<int64_t> parse_rfc3339(const std::string& s) {
  auto day = parse_date(s.substr(0, 10));
  if (!day || s.size() < 20 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')) return std::nullopt;
  int hh, mm, ss;
  if (!digits(s, 11, 2, hh) || s[13] != ':' || !digits(s, 14, 2, mm) || s[16] != ':' || !digits(s, 17, 2, ss))
    return std::nullopt;
  if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return std::nullopt;
  }
  int offset = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh, om;
    if (!digits(s, i + 1, 2, oh) || i + 3 >= s.size() || s[i + 3] != ':' || !digits(s, i + 4, 2, om))
      return std::nullopt;
    if (oh > 23 || om > 59) return std::nullopt;
    offset = (oh * 60 + om) * (s[i] == '-' ? -1 : 1);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  return *day * 86400 + hh * 3600 + mm * 60 + ss - offset * 60;
}

std::optional<int64_t> parse_http_date(const std::string& s) {
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char mon[4] = {0};
  int d = 0, y = 0, hh = 0, mm = 0, ss = 0;
  char wk[16] = {0};
  // Field widths keep every number within int (sscanf's %d on a longer one
  // is undefined), and the year is checked before the calendar sums.
  bool ok = std::sscanf(s.c_str(), "%15[A-Za-z], %2d %3s %4d %2d:%2d:%2d GMT", wk, &d, mon, &y, &hh, &mm, &ss) == 7;
  if (!ok) {  // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
    ok = std::sscanf(s.c_str(), "%15[A-Za-z], %2d-%3s-%2d %2d:%2d:%2d GMT", wk, &d, mon, &y, &hh, &mm, &ss) == 7;
    if (ok && y >= 0 && y < 100) y += y < 70 ? 2000 : 1900;
  }
  if (!ok)  // asctime: Sun Nov  6 08:49:37 1994
    ok = std::sscanf(s.c_str(), "%15s %3s %2d %2d:%2d:%2d %4d", wk, mon, &d, &hh, &mm, &ss, &y) == 7;
  if (!ok || y < 1970 || y > 9999 || hh < 0 || mm < 0 || ss < 0) return std::nullopt;
  int m = 0;
  for (int i = 0; i < 12; ++i)
    if (std::strcmp(mon, months[i]) == 0) m = i + 1;
  if (m == 0 || !valid_date(y, m, d) || hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  return days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)) * 86400 + hh * 3600 + mm * 60 + ss;
}

}  // namespace odr
