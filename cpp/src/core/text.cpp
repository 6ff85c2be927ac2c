#include "hft/core/text.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>

namespace hft::core {
namespace {

bool equals_ignore_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char x = (a[i] >= 'A' && a[i] <= 'Z') ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

}  // namespace

std::optional<Price> parse_price(std::string_view text) noexcept {
  if (text.empty()) return std::nullopt;
  bool negative = false;
  if (text.front() == '-' || text.front() == '+') {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  const std::size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (whole.empty() && frac.empty()) return std::nullopt;
  if (frac.size() > static_cast<std::size_t>(Price::kDecimals)) return std::nullopt;

  // The magnitude is built unsigned so the most negative price, whose
  // magnitude is one more than the largest positive one, still parses; an
  // unsigned from_chars also refuses a second sign ("--1", "+-1").
  std::uint64_t w = 0;
  if (!whole.empty()) {
    const auto r = std::from_chars(whole.data(), whole.data() + whole.size(), w);
    if (r.ec != std::errc{} || r.ptr != whole.data() + whole.size()) return std::nullopt;
  }
  std::uint64_t f = 0;
  for (const char c : frac) {
    if (c < '0' || c > '9') return std::nullopt;
    f = f * 10 + static_cast<std::uint64_t>(c - '0');
  }
  for (std::size_t i = frac.size(); i < static_cast<std::size_t>(Price::kDecimals); ++i) f *= 10;

  std::uint64_t mag = 0;
  if (__builtin_mul_overflow(w, static_cast<std::uint64_t>(Price::kScale), &mag) ||
      __builtin_add_overflow(mag, f, &mag)) {
    return std::nullopt;
  }
  constexpr std::uint64_t kMaxPositive = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (mag > kMaxPositive + (negative ? 1 : 0)) return std::nullopt;
  if (!negative) return Price{static_cast<std::int64_t>(mag)};
  // -(mag - 1) - 1 stays in range for mag == 2^63.
  return mag == 0 ? Price{0} : Price{-static_cast<std::int64_t>(mag - 1) - 1};
}

std::optional<Price> price_from_double(double value) noexcept {
  if (!std::isfinite(value)) return std::nullopt;
  const double scaled = std::round(value * static_cast<double>(Price::kScale));
  // 2^63 is exactly representable; anything at or beyond it does not fit.
  if (scaled >= 9223372036854775808.0 || scaled < -9223372036854775808.0) return std::nullopt;
  return Price{static_cast<std::int64_t>(scaled)};
}

std::string to_string(Price p) {
  const bool negative = p.raw < 0;
  // Work in unsigned so the most negative price does not overflow on negation.
  const std::uint64_t mag = negative ? ~static_cast<std::uint64_t>(p.raw) + 1 : static_cast<std::uint64_t>(p.raw);
  const std::uint64_t scale = static_cast<std::uint64_t>(Price::kScale);
  std::string out = negative ? "-" : "";
  out += std::to_string(mag / scale);
  std::uint64_t frac = mag % scale;
  if (frac != 0) {
    char digits[Price::kDecimals];
    for (int i = Price::kDecimals - 1; i >= 0; --i) {
      digits[i] = static_cast<char>('0' + frac % 10);
      frac /= 10;
    }
    int len = Price::kDecimals;
    while (len > 0 && digits[len - 1] == '0') --len;
    out += '.';
    out.append(digits, static_cast<std::size_t>(len));
  }
  return out;
}

std::optional<Qty> parse_qty(std::string_view text) noexcept {
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
    // from_chars takes a '-' of its own, which would accept "+-5".
    if (!text.empty() && text.front() == '-') return std::nullopt;
  }
  std::int64_t v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || r.ec != std::errc{} || r.ptr != text.data() + text.size()) return std::nullopt;
  return Qty{v};
}

std::string to_string(Qty q) { return std::to_string(q.value); }

std::optional<Side> parse_side(std::string_view text) noexcept {
  if (text == "B" || text == "1" || equals_ignore_case(text, "buy")) return Side::Buy;
  if (text == "S" || text == "2" || equals_ignore_case(text, "sell")) return Side::Sell;
  return std::nullopt;
}

std::string_view to_string(Side s) noexcept { return s == Side::Buy ? "buy" : "sell"; }

}  // namespace hft::core
