#pragma once
/// @file
/// The trading core as the engine and strategies use it: one object that
/// puts every request through the kill switch and the risk chain before the
/// OMS, books fills into positions, runs the post-trade checks that feed the
/// kill switch, and audits every decision. Single-threaded: it belongs to
/// the engine's hot thread; nothing here allocates, locks or throws after
/// construction.

#include <array>
#include <cstdint>

#include "hft/core/clock.h"
#include "hft/trading/audit_record.h"
#include "hft/trading/execution_report.h"
#include "hft/trading/kill_switch.h"
#include "hft/trading/order_id.h"
#include "hft/trading/order_manager.h"
#include "hft/trading/order_request.h"
#include "hft/trading/position_book.h"
#include "hft/trading/reason.h"
#include "hft/trading/reject_storm.h"
#include "hft/trading/risk_checker.h"
#include "hft/trading/settings.h"

namespace hft::trading {

/// Steps the kill switch takes, as written in `KillStep` audit records.
enum class KillStepKind : std::uint8_t {
  NoOrderPasses = 1,        ///< the state check now refuses every new order
  CancelAllIssued = 2,      ///< cancels sent for every live order (HALTED)
  FlattenSent = 3,          ///< closing orders sent (HALTED with flatten_on_halt)
  ReduceCancelsIssued = 4,  ///< cancels sent for orders that would add to a position (REDUCING)
};

struct TradingCounters {
  std::uint64_t accepted{0};  ///< new orders that passed risk and reached the OMS
  std::array<std::uint64_t, kRejectReasonCount> rejects{};
  std::array<std::uint64_t, kKillTriggerCount> kill_trips{};
  std::uint64_t resumes{0};
  std::uint64_t resume_refusals{0};
  std::uint64_t position_overflows{0};
  std::uint64_t kill_cancels{0};
  std::uint64_t flatten_orders{0};
};

class TradingCore {
 public:
  /// `gateway` and `audit` must outlive the core. `clock` converts TSC ticks
  /// for the time-based rules (rate, reject storm, stale data, step timing).
  TradingCore(const TradingSettings& settings, OrderIdGenerator ids, OrderGateway& gateway, AuditSink& audit,
              const core::TscCalibration& clock);
  TradingCore(const TradingCore&) = delete;
  TradingCore& operator=(const TradingCore&) = delete;

  // ---- requests (strategy, operator) ----
  SubmitResult submit(const OrderRequest& request, std::uint64_t tsc) noexcept;
  RequestResult cancel(OrderId id, std::uint64_t tsc) noexcept;
  RequestResult replace(OrderId id, Price price, Qty quantity, std::uint64_t tsc) noexcept;
  std::size_t cancel_all(std::uint64_t tsc) noexcept { return orders_.cancel_all(tsc); }
  std::size_t cancel_all(SymbolId symbol, std::uint64_t tsc) noexcept { return orders_.cancel_all(symbol, tsc); }

  // ---- market data ----
  void on_quote(SymbolId symbol, Price bid, Price ask, std::uint64_t tsc) noexcept;
  void on_trade(SymbolId symbol, Price price, std::uint64_t tsc) noexcept;
  void set_trading(SymbolId symbol, bool trading) noexcept { risk_.set_trading(symbol, trading); }

  // ---- venue ----
  ApplyResult on_execution_report(const ExecutionReport& report) noexcept;
  void on_venue_session(bool up, std::uint64_t tsc) noexcept;

  /// Time-driven checks (stale market data); call every loop iteration or
  /// from a timer, at least a few times per `market_data_stale_ms`.
  void on_timer(std::uint64_t tsc) noexcept;

  // ---- kill switch ----
  /// The operator's kill: HALT (cancel everything) or REDUCE.
  void kill(KillLevel level, std::uint64_t tsc) noexcept { trip(KillTrigger::Manual, level, tsc, 0); }
  /// The daemon is stopping: HALT with trigger Shutdown (cancel everything,
  /// nothing new leaves), and no resume from then on.
  void shutdown(std::uint64_t tsc) noexcept {
    shutting_down_ = true;
    trip(KillTrigger::Shutdown, KillLevel::Halt, tsc, 0);
  }
  /// Back to ACTIVE unless a trigger's condition still holds.
  ResumeResult resume(std::uint64_t tsc) noexcept;
  /// Conditions true right now, as trigger bits (what `resume` checks).
  TriggerSet holding_conditions(std::uint64_t tsc) const noexcept;

  const OrderManager& orders() const noexcept { return orders_; }
  const PositionBook& positions() const noexcept { return positions_; }
  const KillSwitch& kill_switch() const noexcept { return kill_; }
  const RiskChecker& risk() const noexcept { return risk_; }
  const TradingCounters& counters() const noexcept { return counters_; }

 private:
  void reject(RejectReason why, const OrderRequest& request, OrderId about, std::uint64_t tsc) noexcept;
  void trip(KillTrigger trigger, KillLevel level, std::uint64_t tsc, std::int64_t value) noexcept;
  void kill_step(KillStepKind step, KillTrigger trigger, std::uint64_t started, std::size_t count) noexcept;
  void flatten(std::uint64_t tsc) noexcept;
  void check_after_fill(SymbolId symbol, std::uint64_t tsc) noexcept;
  void check_loss(std::uint64_t tsc) noexcept;
  bool position_breached() const noexcept;
  bool adds_to_position(const Order& o) const noexcept;
  KillLevel level_for(KillTrigger t) const noexcept { return settings_.kill.level[static_cast<std::size_t>(t)]; }

  TradingSettings settings_;
  AuditSink& audit_;
  core::TscConverter to_ns_;
  std::uint64_t stale_ticks_;
  KillSwitch kill_;
  OrderManager orders_;
  PositionBook positions_;
  RiskChecker risk_;
  RejectStormDetector storm_;
  std::uint64_t last_market_data_{0};
  bool venue_up_{true};
  bool shutting_down_{false};
  std::size_t breached_symbols_{0};
  TradingCounters counters_;
};

}  // namespace hft::trading
