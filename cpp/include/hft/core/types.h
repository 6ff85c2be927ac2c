#pragma once
/// @file
/// Value types shared by every layer: fixed-point prices, quantities, sides
/// and identifiers. All arithmetic is integer; text conversion lives in
/// `text.h` and is meant for the edges (config, FIX, reports) only.

#include <cstdint>
#include <functional>
#include <limits>

namespace hft::core {

/// 128-bit integers (a GCC/Clang extension) for intermediate products that
/// can pass 2^63: price × quantity × quantity, ticks × multiplier.
__extension__ using int128 = __int128;
__extension__ using uint128 = unsigned __int128;

/// A price in fixed-point units of 1e-4 (the ITCH 5.0 `Price(4)` scale).
/// Plain integer inside so it can be copied into packets and SPSC slots.
struct Price {
  static constexpr std::int64_t kScale = 10'000;
  static constexpr int kDecimals = 4;

  std::int64_t raw{0};

  static constexpr Price from_raw(std::int64_t r) noexcept { return Price{r}; }
  static constexpr Price from_units(std::int64_t whole) noexcept { return Price{whole * kScale}; }
  static constexpr Price max() noexcept { return Price{std::numeric_limits<std::int64_t>::max()}; }
  static constexpr Price min() noexcept { return Price{std::numeric_limits<std::int64_t>::min()}; }

  constexpr Price operator+(Price o) const noexcept { return Price{raw + o.raw}; }
  constexpr Price operator-(Price o) const noexcept { return Price{raw - o.raw}; }
  constexpr Price operator-() const noexcept { return Price{-raw}; }
  constexpr Price& operator+=(Price o) noexcept {
    raw += o.raw;
    return *this;
  }
  constexpr Price& operator-=(Price o) noexcept {
    raw -= o.raw;
    return *this;
  }

  constexpr bool operator==(Price o) const noexcept { return raw == o.raw; }
  constexpr bool operator!=(Price o) const noexcept { return raw != o.raw; }
  constexpr bool operator<(Price o) const noexcept { return raw < o.raw; }
  constexpr bool operator<=(Price o) const noexcept { return raw <= o.raw; }
  constexpr bool operator>(Price o) const noexcept { return raw > o.raw; }
  constexpr bool operator>=(Price o) const noexcept { return raw >= o.raw; }

  /// True when this price is a whole multiple of `tick` (tick > 0).
  constexpr bool on_tick(Price tick) const noexcept { return tick.raw > 0 && raw % tick.raw == 0; }
};

/// A signed quantity in shares or contracts; signed so positions and deltas
/// share the type.
struct Qty {
  std::int64_t value{0};

  constexpr Qty operator+(Qty o) const noexcept { return Qty{value + o.value}; }
  constexpr Qty operator-(Qty o) const noexcept { return Qty{value - o.value}; }
  constexpr Qty operator-() const noexcept { return Qty{-value}; }
  constexpr Qty& operator+=(Qty o) noexcept {
    value += o.value;
    return *this;
  }
  constexpr Qty& operator-=(Qty o) noexcept {
    value -= o.value;
    return *this;
  }

  constexpr bool operator==(Qty o) const noexcept { return value == o.value; }
  constexpr bool operator!=(Qty o) const noexcept { return value != o.value; }
  constexpr bool operator<(Qty o) const noexcept { return value < o.value; }
  constexpr bool operator<=(Qty o) const noexcept { return value <= o.value; }
  constexpr bool operator>(Qty o) const noexcept { return value > o.value; }
  constexpr bool operator>=(Qty o) const noexcept { return value >= o.value; }
};

/// Buy or sell. The values are the ITCH 5.0 indicator bytes so a decoder can
/// store the wire byte after checking it.
enum class Side : std::uint8_t { Buy = 'B', Sell = 'S' };

constexpr Side opposite(Side s) noexcept { return s == Side::Buy ? Side::Sell : Side::Buy; }
/// +1 for a buy, -1 for a sell: the sign of the position change of a fill.
constexpr std::int64_t sign(Side s) noexcept { return s == Side::Buy ? 1 : -1; }

/// Identifier of an order inside the engine (client order id, exchange
/// reference number). Distinct type so it cannot be mixed with a quantity.
struct OrderId {
  std::uint64_t value{0};
  constexpr bool operator==(OrderId o) const noexcept { return value == o.value; }
  constexpr bool operator!=(OrderId o) const noexcept { return value != o.value; }
  constexpr bool operator<(OrderId o) const noexcept { return value < o.value; }
};

/// Dense instrument index (ITCH stock locate, or the position in the symbol
/// configuration); books and positions are arrays indexed by it.
struct SymbolId {
  std::uint32_t value{0};
  constexpr bool operator==(SymbolId o) const noexcept { return value == o.value; }
  constexpr bool operator!=(SymbolId o) const noexcept { return value != o.value; }
  constexpr bool operator<(SymbolId o) const noexcept { return value < o.value; }
};

/// Multiplies a price by a quantity into a notional in the same 1e-4 units.
/// Returns false instead of overflowing so risk checks can reject.
constexpr bool checked_notional(Price p, Qty q, Price& out) noexcept {
  std::int64_t r = 0;
  if (__builtin_mul_overflow(p.raw, q.value, &r)) return false;
  out = Price{r};
  return true;
}

}  // namespace hft::core

template <>
struct std::hash<hft::core::OrderId> {
  std::size_t operator()(hft::core::OrderId id) const noexcept { return std::hash<std::uint64_t>{}(id.value); }
};
template <>
struct std::hash<hft::core::SymbolId> {
  std::size_t operator()(hft::core::SymbolId id) const noexcept { return std::hash<std::uint32_t>{}(id.value); }
};
