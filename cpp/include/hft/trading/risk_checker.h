#pragma once
/// @file
/// The pre-trade risk chain. One call checks a request against every rule
/// in a fixed order — kill switch, instrument, order terms, size, price
/// band, position, exposure, loss, open orders, duplicate id, rate — and
/// returns the first rule it breaks. Reads the OMS, the position book and
/// the kill switch; changes nothing but the rate bucket (and that only when
/// the order passes).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "hft/trading/kill_switch.h"
#include "hft/trading/order_manager.h"
#include "hft/trading/order_request.h"
#include "hft/trading/position_book.h"
#include "hft/trading/reason.h"
#include "hft/trading/settings.h"
#include "hft/trading/token_bucket.h"

namespace hft::trading {

struct RiskDecision {
  RejectReason reason{RejectReason::None};
  /// What the order is worth per share for exposure: its limit, or for a
  /// market or stop order the far edge of the price band.
  Price risk_price;
  bool passed() const noexcept { return reason == RejectReason::None; }
};

class RiskChecker {
 public:
  RiskChecker(const RiskLimits& limits, std::vector<InstrumentLimits> instruments, std::uint64_t ticks_per_second,
              const OrderManager& orders, const PositionBook& positions, const KillSwitch& kill);

  /// A new order.
  RiskDecision check_new(const OrderRequest& request, std::uint64_t tsc) noexcept;
  /// A cancel/replace of `order` to `price` and total `quantity`.
  RiskDecision check_replace(const Order& order, Price price, Qty quantity, std::uint64_t tsc) noexcept;
  /// A local stop whose trigger traded: the market may have moved and the
  /// kill switch may have tripped since it was accepted.
  RejectReason check_trigger(const Order& order) const noexcept;

  /// Venue trading status of an instrument (halts come from market data).
  void set_trading(SymbolId symbol, bool trading) noexcept {
    if (symbol.value < instruments_.size()) halted_[symbol.value] = !trading;
  }
  bool halted(SymbolId symbol) const noexcept { return halted_[symbol.value]; }

  /// True when an order of `side` and `quantity` can only bring the
  /// instrument's position towards zero, counting open orders on that side.
  bool reduces(SymbolId symbol, Side side, Qty quantity) const noexcept;

  const InstrumentLimits& instrument(SymbolId symbol) const noexcept { return instruments_[symbol.value]; }
  std::size_t instruments() const noexcept { return instruments_.size(); }
  const RiskLimits& limits() const noexcept { return limits_; }

 private:
  RejectReason check_instrument(SymbolId symbol) const noexcept;
  RejectReason check_price(Price price, Price tick, Price reference) const noexcept;
  RejectReason check_exposure(SymbolId symbol, Side side, std::int64_t added_qty,
                              std::int64_t added_notional) const noexcept;
  Price band_edge(Price reference) const noexcept;

  RiskLimits limits_;
  std::vector<InstrumentLimits> instruments_;
  std::unique_ptr<bool[]> halted_;
  TokenBucket rate_;
  const OrderManager& orders_;
  const PositionBook& positions_;
  const KillSwitch& kill_;
};

}  // namespace hft::trading
