#pragma once
/// @file
/// Integer price and quantity arithmetic the strategies share: rounding to
/// the tick grid and the lot, fair values of a top of book. Everything is in
/// the engine's fixed-point units (1e-4 for prices); products that can pass
/// 2^63 go through 128 bits. No floating point.

#include <cstdint>

#include "hft/core/types.h"
#include "hft/market_data/order_book.h"

namespace hft::engine {

/// The largest grid price <= p (tick > 0).
constexpr core::Price floor_to_tick(core::Price p, core::Price tick) noexcept {
  const std::int64_t q = p.raw / tick.raw;
  const std::int64_t r = p.raw % tick.raw;
  return core::Price{(r < 0 ? q - 1 : q) * tick.raw};
}

/// The smallest grid price >= p (tick > 0).
constexpr core::Price ceil_to_tick(core::Price p, core::Price tick) noexcept {
  const core::Price f = floor_to_tick(p, tick);
  return f == p ? p : core::Price{f.raw + tick.raw};
}

/// `q` rounded down to a whole number of lots; 0 or less stays as it is.
constexpr std::int64_t floor_to_lot(std::int64_t q, std::int64_t lot) noexcept { return q <= 0 ? q : q / lot * lot; }

/// Mid of a two-sided top (rounded down to 1e-4).
constexpr core::Price mid_price(const market_data::Level& bid, const market_data::Level& ask) noexcept {
  return core::Price{bid.price.raw + (ask.price.raw - bid.price.raw) / 2};
}

/// Size-weighted mid ("microprice"): bid·ask_qty + ask·bid_qty over the
/// total, so the fair value leans towards the side with less size (the side
/// more likely to be taken next). Falls back to the mid with no size.
constexpr core::Price micro_price(const market_data::Level& bid, const market_data::Level& ask) noexcept {
  const core::int128 bq = static_cast<core::int128>(bid.shares);
  const core::int128 aq = static_cast<core::int128>(ask.shares);
  if (bq + aq == 0) return mid_price(bid, ask);
  const core::int128 num =
      static_cast<core::int128>(bid.price.raw) * aq + static_cast<core::int128>(ask.price.raw) * bq;
  return core::Price{static_cast<std::int64_t>(num / (bq + aq))};
}

/// True when both sides rest and the bid is at or through the ask (a locked
/// or crossed book: no fair value to quote around).
inline bool is_crossed(const market_data::Level& bid, const market_data::Level& ask) noexcept {
  return !bid.empty() && !ask.empty() && bid.price >= ask.price;
}

}  // namespace hft::engine
