#include "hft/protocol/fix_time.h"

namespace hft::protocol::fix {
namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, std::int64_t& out) noexcept {
  std::int64_t v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    const char c = s[i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// days_from_civil): exact for every year FIX can write, no table, no libc.
std::int64_t days_from_civil(std::int64_t y, std::int64_t m, std::int64_t d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool leap(std::int64_t y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

bool parse_utc_timestamp(std::string_view s, std::int64_t& ns) noexcept {
  // YYYYMMDD-HH:MM:SS is 17 characters; a fraction adds '.' and 3/6/9 digits.
  constexpr std::size_t kBase = 17;
  if (s.size() != kBase && s.size() != kBase + 4 && s.size() != kBase + 7 && s.size() != kBase + 10) return false;
  if (s[8] != '-' || s[11] != ':' || s[14] != ':') return false;
  std::int64_t y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, frac = 0;
  if (!digits(s, 0, 4, y) || !digits(s, 4, 2, mo) || !digits(s, 6, 2, d) || !digits(s, 9, 2, h) ||
      !digits(s, 12, 2, mi) || !digits(s, 15, 2, sec))
    return false;
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 60) return false;
  static constexpr std::int64_t kMonthDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const std::int64_t month_days = kMonthDays[mo - 1] + (mo == 2 && leap(y) ? 1 : 0);
  if (d > month_days) return false;
  if (s.size() > kBase) {
    if (s[kBase] != '.') return false;
    const std::size_t n = s.size() - kBase - 1;
    if (!digits(s, kBase + 1, n, frac)) return false;
    for (std::size_t k = n; k < 9; ++k) frac *= 10;
  }
  const std::int64_t days = days_from_civil(y, mo, d);
  ns = ((days * 86'400 + h * 3'600 + mi * 60 + sec) * 1'000'000'000) + frac;
  return true;
}

}  // namespace hft::protocol::fix
