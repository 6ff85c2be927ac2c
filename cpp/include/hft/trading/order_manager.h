#pragma once
/// @file
/// The order management system: the one owner of every order's state.
/// Requests arrive already risk-checked (see `TradingCore`); execution
/// reports are applied only where the order's state allows them, and
/// everything else is refused with an `Anomaly`, counted and audited.
/// All storage is allocated at construction; no call allocates.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "hft/core/flat_index.h"
#include "hft/core/object_pool.h"
#include "hft/trading/audit_record.h"
#include "hft/trading/execution_report.h"
#include "hft/trading/order.h"
#include "hft/trading/order_id.h"
#include "hft/trading/order_request.h"
#include "hft/trading/reason.h"

namespace hft::trading {

/// Open-order exposure of one instrument, in the worst case: every live
/// order fills completely, and a pending replace fills at the larger of its
/// old and new terms.
struct Exposure {
  std::int64_t buy_qty{0};
  std::int64_t sell_qty{0};
  std::int64_t buy_notional{0};  ///< money, 1e-4 units
  std::int64_t sell_notional{0};
  std::int64_t live_orders{0};
};

struct OmsCounters {
  std::uint64_t submitted{0};
  std::uint64_t acked{0};
  std::uint64_t venue_rejects{0};
  std::uint64_t fills{0};
  std::uint64_t filled_orders{0};
  std::uint64_t cancel_requests{0};
  std::uint64_t canceled{0};
  std::uint64_t cancel_rejects{0};
  std::uint64_t replace_requests{0};
  std::uint64_t replaced{0};
  std::uint64_t replace_rejects{0};
  std::uint64_t expired{0};
  std::uint64_t stops_triggered{0};
  std::uint64_t retired{0};  ///< done orders dropped from memory to make room
  std::array<std::uint64_t, kAnomalyCount> anomalies{};
};

/// Outcome of a new order request.
struct SubmitResult {
  RejectReason reason{RejectReason::None};
  const Order* order{nullptr};  ///< the stored order when accepted
};

/// Outcome of a cancel or replace request.
struct RequestResult {
  RejectReason reason{RejectReason::None};
  OrderId request_id;  ///< ClOrdID of the cancel/replace request sent
};

/// A fill to book into positions. Set for every unique fill the venue
/// reports, even one the order's state refuses: the venue executed it, so
/// the shares are ours whatever our book of orders says.
struct FillEffect {
  bool valid{false};
  SymbolId symbol;
  Side side{Side::Buy};
  Qty quantity;
  Price price;
};

/// Outcome of applying an execution report.
struct ApplyResult {
  Anomaly anomaly{Anomaly::None};
  FillEffect fill;
  const Order* order{nullptr};  ///< the order after the report (the new one after a replace)
};

class OrderManager {
 public:
  /// `capacity` orders are preallocated (live and recently done); done
  /// orders are dropped oldest first only when a slot is needed. `symbols`
  /// sizes the per-instrument exposure table. `gateway` and `audit` must
  /// outlive the manager.
  OrderManager(std::size_t capacity, std::size_t symbols, OrderIdGenerator ids, OrderGateway& gateway,
               AuditSink& audit);
  OrderManager(const OrderManager&) = delete;
  OrderManager& operator=(const OrderManager&) = delete;

  /// Stores and sends a new order (a Stop/StopLimit is kept locally until
  /// its trigger trades). `risk_price` values it for exposure. Refuses with
  /// DuplicateClientOrderId, OrderStoreFull or Overflow (ids exhausted).
  SubmitResult submit(const OrderRequest& request, Price risk_price, std::uint64_t tsc) noexcept;

  /// Sends a cancel (or cancels a waiting local stop at once).
  RequestResult cancel(OrderId id, std::uint64_t tsc) noexcept;

  /// Sends a cancel/replace with new price and total quantity.
  RequestResult replace(OrderId id, Price price, Qty quantity, Price risk_price, std::uint64_t tsc) noexcept;

  /// Cancels every live order that `select(const Order&)` picks and has no
  /// cancel already pending; returns how many cancels were issued.
  template <typename Select>
  std::size_t cancel_where(Select&& select, std::uint64_t tsc) noexcept;
  std::size_t cancel_all(std::uint64_t tsc) noexcept {
    return cancel_where([](const Order&) { return true; }, tsc);
  }
  std::size_t cancel_all(SymbolId symbol, std::uint64_t tsc) noexcept {
    return cancel_where([symbol](const Order& o) { return o.symbol == symbol; }, tsc);
  }

  /// Applies a venue report; see `ApplyResult`.
  ApplyResult apply(const ExecutionReport& report) noexcept;

  /// A trade printed at `price`: waiting stops of `symbol` whose trigger it
  /// reaches are offered to `release(const Order&) -> RejectReason` (the
  /// caller's last risk look); None sends the order, anything else rejects
  /// it locally. Returns how many triggered.
  template <typename Release>
  std::size_t on_trade(SymbolId symbol, Price price, std::uint64_t tsc, Release&& release) noexcept;

  const Order* find(OrderId id) const noexcept;
  const Exposure& exposure(SymbolId symbol) const noexcept { return exposure_[symbol.value]; }
  /// Sums of `Exposure` over all instruments (both sides).
  std::int64_t total_open_qty() const noexcept { return total_open_qty_; }
  std::int64_t total_open_notional() const noexcept { return total_open_notional_; }
  std::size_t live_orders() const noexcept { return live_count_; }
  std::size_t capacity() const noexcept { return pool_.capacity(); }
  std::size_t symbols() const noexcept { return symbols_; }
  const OmsCounters& counters() const noexcept { return counters_; }
  const OrderIdGenerator& ids() const noexcept { return ids_; }

  /// Calls `f(const Order&)` for every live order, oldest first.
  template <typename F>
  void for_each_live(F&& f) const noexcept {
    for (std::uint32_t i = live_head_; i != kNil; i = live_next_[i]) f(pool_[i]);
  }

 private:
  static constexpr std::uint32_t kNil = ~std::uint32_t{0};

  Order* lookup(OrderId id) noexcept;
  Order* allocate() noexcept;
  bool has_room(std::size_t slots) const noexcept;
  void link_live(Order& o) noexcept;
  void finish(Order& o, OrderState terminal, std::uint64_t tsc) noexcept;
  void add_exposure(const Order& o, int sign) noexcept;
  void send_cancel(Order& o, OrderId cancel_id, std::uint64_t tsc) noexcept;
  void audit(AuditType type, const Order& o, std::uint64_t ref, Price price, Qty qty, std::uint16_t reason,
             std::uint64_t tsc) noexcept;
  ApplyResult anomaly(Anomaly a, const ExecutionReport& r, const Order* o, bool fill_counts) noexcept;
  ApplyResult apply_trade(Order& o, const ExecutionReport& r) noexcept;
  ApplyResult apply_replaced(Order& o, const ExecutionReport& r) noexcept;
  bool seen_exec(std::uint64_t exec_id) noexcept;

  std::size_t symbols_;
  OrderIdGenerator ids_;
  OrderGateway& gateway_;
  AuditSink& audit_;
  core::ObjectPool<Order> pool_;
  core::FlatIndex by_id_;
  // Done orders in the order they finished: the first to drop when full.
  std::unique_ptr<std::uint32_t[]> done_fifo_;
  std::size_t done_head_{0};
  std::size_t done_count_{0};
  // Slots promised to pending replaces (their new order is stored on ack).
  std::size_t reserved_{0};
  // Live orders as a doubly linked list over pool indices.
  std::unique_ptr<std::uint32_t[]> live_prev_;
  std::unique_ptr<std::uint32_t[]> live_next_;
  std::uint32_t live_head_{kNil};
  std::uint32_t live_tail_{kNil};
  std::size_t live_count_{0};
  std::size_t waiting_stops_{0};
  // Execution ids seen recently, evicted oldest first.
  core::FlatIndex exec_seen_;
  std::unique_ptr<std::uint64_t[]> exec_fifo_;
  std::size_t exec_head_{0};
  std::size_t exec_count_{0};
  std::unique_ptr<Exposure[]> exposure_;
  std::int64_t total_open_qty_{0};
  std::int64_t total_open_notional_{0};
  OmsCounters counters_;
};

// ---- templates ---------------------------------------------------------------

template <typename Select>
std::size_t OrderManager::cancel_where(Select&& select, std::uint64_t tsc) noexcept {
  std::size_t issued = 0;
  // A local stop cancelled here leaves the list, so step before acting.
  for (std::uint32_t i = live_head_; i != kNil;) {
    const std::uint32_t next = live_next_[i];
    Order& o = pool_[i];
    if (o.state != OrderState::PendingCancel && select(static_cast<const Order&>(o))) {
      if (cancel(o.cl_ord_id, tsc).reason == RejectReason::None) ++issued;
    }
    i = next;
  }
  return issued;
}

template <typename Release>
std::size_t OrderManager::on_trade(SymbolId symbol, Price price, std::uint64_t tsc, Release&& release) noexcept {
  std::size_t triggered = 0;
  // Most engines hold no local stops: then a trade costs one compare here.
  if (waiting_stops_ == 0) return 0;
  for (std::uint32_t i = live_head_; i != kNil;) {
    const std::uint32_t next = live_next_[i];
    Order& o = pool_[i];
    const bool waiting = (o.type == OrderType::Stop || o.type == OrderType::StopLimit) && !o.stop_triggered &&
                         o.state == OrderState::PendingNew && o.symbol == symbol;
    const bool reached = o.side == Side::Buy ? price >= o.stop_price : price <= o.stop_price;
    if (waiting && reached) {
      ++triggered;
      ++counters_.stops_triggered;
      o.stop_triggered = true;
      --waiting_stops_;
      audit(AuditType::StopTriggered, o, 0, price, o.quantity, 0, tsc);
      const RejectReason why = release(static_cast<const Order&>(o));
      if (why == RejectReason::None) {
        gateway_.send_new(o);
      } else {
        audit(AuditType::RiskReject, o, 0, o.price, o.quantity, static_cast<std::uint16_t>(why), tsc);
        finish(o, OrderState::Rejected, tsc);
      }
    }
    i = next;
  }
  return triggered;
}

}  // namespace hft::trading
