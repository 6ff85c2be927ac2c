#pragma once
/// @file
/// Everything the trading core is configured with, as plain values. The
/// engine fills this from the validated configuration file
/// (`hft/engine/trading_settings.h`); tests build it directly.

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hft/core/types.h"
#include "hft/trading/position_book.h"
#include "hft/trading/reason.h"

namespace hft::trading {

/// Limits of one instrument, indexed by `SymbolId`.
struct InstrumentLimits {
  Price tick_size{Price::from_raw(100)};
  std::int64_t lot_size{1};
  std::int64_t max_position{0};  ///< the smaller of the symbol's and the firm's per-instrument limit
  bool tradable{true};
};

/// Firm-wide pre-trade limits. Money in 1e-4 units.
struct RiskLimits {
  std::int64_t max_total_position{0};
  std::int64_t max_notional_exposure{0};
  std::int64_t max_orders_per_second{0};
  std::int64_t max_daily_loss{0};  ///< positive: the loss that stops trading
  std::int64_t max_order_quantity{0};
  std::int64_t max_order_notional{0};
  std::int64_t max_open_orders{0};
  std::int64_t price_band_bps{0};
};

/// What a trigger does to the kill switch.
enum class KillLevel : std::uint8_t { Reduce, Halt };

struct KillSwitchSettings {
  bool flatten_on_halt{false};
  std::int64_t reject_storm_count{20};
  std::uint64_t reject_storm_window_ns{1'000'000'000};
  std::uint64_t market_data_stale_ns{5'000'000'000};
  /// Indexed by KillTrigger; Manual's entry is unused (the command says).
  std::array<KillLevel, kKillTriggerCount> level{};
};

struct TradingSettings {
  RiskLimits risk;
  KillSwitchSettings kill;
  std::vector<InstrumentLimits> instruments;
  std::size_t order_capacity{65536};
  MarkSource mark{MarkSource::Mid};
  Price fee_per_share;
};

}  // namespace hft::trading
