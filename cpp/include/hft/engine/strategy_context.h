#pragma once
/// @file
/// What a strategy may see and do: its instruments' books and trading
/// status (read-only), positions and orders (read-only), the time, and an
/// order API that goes through `trading::TradingCore` — kill switch, risk
/// chain, OMS, gateway — and returns the core's reason codes unchanged.
/// Owned by the `StrategyHost`, shared by the strategies it drives; one
/// thread. Nothing here allocates after construction.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "hft/core/clock.h"
#include "hft/core/types.h"
#include "hft/engine/stage_clock.h"
#include "hft/engine/strategy.h"
#include "hft/market_data/book_manager.h"
#include "hft/trading/trading_core.h"

namespace hft::engine {

/// An instrument as strategies know it, indexed by `SymbolId` (the order of
/// `config.symbols`, the same index the trading core uses).
struct StrategyInstrument {
  std::string ticker;                       ///< as in the symbol configuration ("AAPL", "BRK.B")
  core::Price tick_size{core::Price{100}};  ///< price grid, 1e-4 units
  std::int64_t lot_size{1};                 ///< quantities are multiples of this
};

/// Requests a context has sent and how many the core refused, for telemetry.
struct StrategyOrderCounters {
  std::uint64_t submits{0};
  std::uint64_t replaces{0};
  std::uint64_t cancels{0};
  std::uint64_t rejects{0};  ///< any of the above refused by the kill switch, risk or OMS
};

class StrategyContext {
 public:
  /// `core` and `books` must outlive the context. `clock` converts durations
  /// (ns) to TSC ticks for the strategies' timers.
  StrategyContext(trading::TradingCore& core, const market_data::BookManager& books,
                  std::vector<StrategyInstrument> instruments, const core::TscCalibration& clock);
  StrategyContext(const StrategyContext&) = delete;
  StrategyContext& operator=(const StrategyContext&) = delete;

  // ---- time ----
  /// TSC ticks of the event being handled (set by the host).
  std::uint64_t now() const noexcept { return now_; }
  /// A duration in ns as TSC ticks (rounded down); for `on_start`.
  std::uint64_t ns_to_ticks(std::uint64_t ns) const noexcept;

  // ---- instruments and market data ----
  std::size_t instrument_count() const noexcept { return instruments_.size(); }
  const StrategyInstrument& instrument(SymbolId s) const noexcept { return instruments_[s.value]; }
  /// The instrument's book; nullptr until the feed's directory named it.
  const market_data::OrderBook* book(SymbolId s) const noexcept;
  /// Status, staleness and trades of the instrument; nullptr as for `book`.
  const market_data::InstrumentState* market_state(SymbolId s) const noexcept;
  /// True when the instrument may be traded on its book now: the venue says
  /// trading ('T', or no status message yet) and no feed loss marked the
  /// book stale. A crossed book is the caller's to judge (see `is_crossed`).
  bool market_open(SymbolId s) const noexcept;
  /// ITCH stock locate the instrument's book is under; 0 when not yet bound.
  std::uint16_t locate(SymbolId s) const noexcept { return locates_[s.value]; }

  // ---- positions, orders, kill switch (read-only) ----
  const trading::Position& position(SymbolId s) const noexcept { return core_.positions().at(s); }
  const trading::Exposure& exposure(SymbolId s) const noexcept { return core_.orders().exposure(s); }
  const trading::Order* order(OrderId id) const noexcept { return core_.orders().find(id); }
  trading::KillState kill_state() const noexcept { return core_.kill_switch().state(); }

  // ---- orders (through the kill switch and the risk chain) ----
  /// A limit order; `tif` Day (resting) by default.
  trading::SubmitResult submit_limit(SymbolId s, Side side, Qty quantity, Price price,
                                     trading::TimeInForce tif = trading::TimeInForce::Day) noexcept;
  /// A limit order that trades what it can at once and cancels the rest.
  trading::SubmitResult submit_ioc(SymbolId s, Side side, Qty quantity, Price price) noexcept {
    return submit_limit(s, side, quantity, price, trading::TimeInForce::Ioc);
  }
  /// A market order (IOC). Risk values it at the price band's edge.
  trading::SubmitResult submit_market(SymbolId s, Side side, Qty quantity) noexcept;
  /// New price and total quantity (filled shares included, as FIX counts).
  trading::RequestResult replace(OrderId id, Price price, Qty quantity) noexcept;
  trading::RequestResult cancel(OrderId id) noexcept;
  /// Cancels every live order of the instrument (every strategy's: the
  /// OMS does not know owners); returns how many cancels were sent.
  std::size_t cancel_all(SymbolId s) noexcept;

  const StrategyOrderCounters& counters() const noexcept { return counters_; }
  /// Marks each request for the pipeline's stage timing (nullptr: none).
  void set_stage_clock(StageClock* stages) noexcept { stages_ = stages; }

 private:
  friend class StrategyHost;
  void mark_decision() noexcept {
    if (stages_ != nullptr) stages_->decision();
  }
  void set_now(std::uint64_t tsc) noexcept { now_ = tsc; }
  void bind(SymbolId s, std::uint16_t locate) noexcept { locates_[s.value] = locate; }
  trading::SubmitResult submit(const trading::OrderRequest& r) noexcept;

  trading::TradingCore& core_;
  const market_data::BookManager& books_;
  std::vector<StrategyInstrument> instruments_;
  std::vector<std::uint16_t> locates_;  // by SymbolId; 0: not bound
  double ticks_per_ns_;
  std::uint64_t now_{0};
  StrategyOrderCounters counters_;
  StageClock* stages_{nullptr};
};

}  // namespace hft::engine
