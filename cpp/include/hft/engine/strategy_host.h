#pragma once
/// @file
/// Drives strategies from the pipeline's two event paths, in one thread:
///
///  - market data: the host is the `BookManager`'s `BookListener`. For each
///    top-of-book change, trade and status change of a configured instrument
///    it first tells the trading core (marks, stale-data clock, the venue's
///    halt flag), then the strategies subscribed to that instrument;
///  - execution reports: `on_execution_report` applies the report to the
///    core (OMS, positions, post-trade checks), then gives the strategies of
///    the order's instrument `on_fill` and `on_order_update`;
///  - time: `on_timer` runs the core's timed checks, then every strategy's
///    `on_timer`;
///  - kill switch: after (and before) every event the host compares the
///    kill switch's state with the last one it announced and calls
///    `on_kill` on every strategy when it changed, whoever tripped it.
///
/// The host maps the feed's stock locates to `SymbolId`s by ticker the first
/// time a locate speaks (one scan of the configured tickers per locate per
/// day); locates of other instruments are remembered as foreign and ignored.
/// After `start()` nothing allocates.

#include <cstdint>
#include <memory>
#include <vector>

#include "hft/engine/strategy.h"
#include "hft/engine/strategy_context.h"

namespace hft::engine {

struct StrategyHostCounters {
  std::uint64_t book_updates{0};    ///< top-of-book changes of configured instruments
  std::uint64_t trades{0};          ///< trades of configured instruments
  std::uint64_t status_changes{0};  ///< trading status changes of configured instruments
  std::uint64_t reports{0};         ///< execution reports applied
  std::uint64_t kill_changes{0};    ///< kill switch state changes announced
  std::uint64_t foreign_events{0};  ///< market data for instruments not configured
};

class StrategyHost final : public market_data::BookListener {
 public:
  /// `core` and `books` must outlive the host; `instruments` is indexed by
  /// `SymbolId` as the core's settings are.
  StrategyHost(trading::TradingCore& core, const market_data::BookManager& books,
               std::vector<StrategyInstrument> instruments, const core::TscCalibration& clock);

  /// Adds a strategy trading `symbols` (start-up only). Throws
  /// std::invalid_argument for a symbol outside the instruments.
  void add(std::unique_ptr<Strategy> strategy, const std::vector<SymbolId>& symbols);

  /// Binds the locates the directory already named and calls every
  /// strategy's `on_start`. Call once, after the last `add`.
  void start();

  /// Sets the time (TSC ticks) events are handled at: the pipeline calls it
  /// with the packet's receive time before applying the packet's messages.
  void set_time(std::uint64_t tsc) noexcept { context_.set_now(tsc); }

  // ---- market data (BookListener) ----
  void on_top_of_book(std::uint16_t locate, const market_data::Level& bid,
                      const market_data::Level& ask) noexcept override;
  void on_trade(std::uint16_t locate, Price price, std::uint32_t shares, Side aggressor,
                market_data::TradeKind kind) noexcept override;
  void on_trading_state(std::uint16_t locate, char state) noexcept override;

  // ---- venue ----
  /// Applies `report` to the core at `report.tsc`, then tells the strategies.
  trading::ApplyResult on_execution_report(const trading::ExecutionReport& report) noexcept;

  // ---- time and operator ----
  void on_timer(std::uint64_t tsc) noexcept;
  /// The operator's kill, announced to the strategies at once.
  void kill(trading::KillLevel level, std::uint64_t tsc) noexcept;
  trading::ResumeResult resume(std::uint64_t tsc) noexcept;
  /// Announces a kill switch change made behind the host's back (a command
  /// applied to the core directly). Every other entry point does this too.
  void check_kill() noexcept;

  StrategyContext& context() noexcept { return context_; }
  const StrategyContext& context() const noexcept { return context_; }
  std::size_t size() const noexcept { return strategies_.size(); }
  Strategy& strategy(std::size_t i) noexcept { return *strategies_[i]; }
  /// The SymbolId a locate is bound to, resolving it if needed; false when
  /// the locate is not a configured instrument.
  bool symbol_of(std::uint16_t locate, SymbolId& out) noexcept;
  const StrategyHostCounters& counters() const noexcept { return counters_; }

 private:
  static constexpr std::int32_t kUnresolved = -2;
  static constexpr std::int32_t kForeign = -1;

  std::int32_t resolve(std::uint16_t locate) noexcept;
  const std::vector<std::uint16_t>& subscribers(SymbolId s) const noexcept { return subscribers_[s.value]; }

  trading::TradingCore& core_;
  const market_data::BookManager& books_;
  StrategyContext context_;
  std::vector<std::unique_ptr<Strategy>> strategies_;
  std::vector<std::vector<std::uint16_t>> subscribers_;  // by SymbolId: indices into strategies_
  std::vector<std::int32_t> by_locate_;                  // 65536 entries: SymbolId, kForeign or kUnresolved
  trading::KillState announced_{trading::KillState::Active};
  StrategyHostCounters counters_;
};

}  // namespace hft::engine
