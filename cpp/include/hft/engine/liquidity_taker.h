#pragma once
/// @file
/// A liquidity taker: when the resting size on one side of the book
/// outweighs the other over the top `levels` price levels, it sends an IOC
/// at the opposite touch (buy at the ask when bids dominate, sell at the bid
/// when offers do), then waits out a cooldown. Formulas and decisions are in
/// docs/strategies.md.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "hft/engine/strategy.h"
#include "hft/engine/strategy_context.h"

namespace hft::engine {

struct LiquidityTakerSettings {
  /// Maximum price levels per side the imbalance is summed over.
  static constexpr std::size_t kMaxLevels = 16;
  /// Price levels per side in the imbalance (1 .. kMaxLevels).
  std::size_t levels{3};
  /// Trade when |imbalance| is strictly above this, in basis points of the
  /// total size (3000 = 0.3). Imbalance = (bid_qty - ask_qty) / (bid_qty + ask_qty).
  std::int64_t imbalance_threshold_bps{3000};
  /// Shares per order (rounded down to the lot; never more than the touch shows).
  std::int64_t order_size{100};
  /// Largest absolute position per instrument, open orders included.
  std::int64_t max_position{1000};
  /// After an order (accepted or refused) on an instrument, none for this long.
  std::uint64_t cooldown_ns{50'000'000};
};

struct LiquidityTakerCounters {
  std::uint64_t signals{0};  ///< imbalance beyond the threshold, cooldown over
  std::uint64_t orders{0};   ///< IOCs accepted by the core
  std::uint64_t rejects{0};  ///< IOCs refused by the core or rejected by the venue
  std::uint64_t limited{0};  ///< signals skipped because the position limit left no room
};

class LiquidityTaker final : public Strategy {
 public:
  LiquidityTaker(std::string name, LiquidityTakerSettings settings, std::vector<SymbolId> symbols);

  std::string_view name() const noexcept override { return name_; }
  void on_start(StrategyContext& ctx) override;
  void on_book_update(StrategyContext& ctx, SymbolId symbol, const market_data::OrderBook& book) noexcept override;
  void on_order_update(StrategyContext& ctx, const OrderUpdate& update) noexcept override;

  /// Imbalance of `book` over its top `levels`, in basis points (-10000 ..
  /// 10000); 0 for an empty book.
  static std::int64_t imbalance_bps(const market_data::OrderBook& book, std::size_t levels) noexcept;

  const LiquidityTakerCounters& counters() const noexcept { return counters_; }
  const LiquidityTakerSettings& settings() const noexcept { return settings_; }

 private:
  struct Instrument {
    SymbolId symbol;
    OrderId in_flight;  ///< the last IOC, until the OMS says it is done
    std::uint64_t last_order{0};
    bool ordered{false};  ///< last_order is meaningful
  };

  Instrument* find(SymbolId s) noexcept;

  std::string name_;
  LiquidityTakerSettings settings_;
  std::vector<Instrument> instruments_;
  std::vector<std::int32_t> index_;  // SymbolId -> instruments_ index, -1: not ours
  std::uint64_t cooldown_ticks_{0};
  LiquidityTakerCounters counters_;
};

}  // namespace hft::engine
