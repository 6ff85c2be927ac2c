#include "hft/trading/risk_checker.h"

#include <cstdlib>

namespace hft::trading {
namespace {

constexpr std::int64_t kBpsScale = 10'000;

bool is_stop(OrderType t) noexcept { return t == OrderType::Stop || t == OrderType::StopLimit; }
bool has_limit(OrderType t) noexcept { return t == OrderType::Limit || t == OrderType::StopLimit; }

}  // namespace

RiskChecker::RiskChecker(const RiskLimits& limits, std::vector<InstrumentLimits> instruments,
                         std::uint64_t ticks_per_second, const OrderManager& orders, const PositionBook& positions,
                         const KillSwitch& kill)
    : limits_(limits),
      instruments_(std::move(instruments)),
      halted_(std::make_unique<bool[]>(instruments_.size())),
      rate_(static_cast<std::uint64_t>(limits.max_orders_per_second), ticks_per_second),
      orders_(orders),
      positions_(positions),
      kill_(kill) {}

bool RiskChecker::reduces(SymbolId symbol, Side side, Qty quantity) const noexcept {
  const std::int64_t pos = positions_.at(symbol).net;
  const Exposure& e = orders_.exposure(symbol);
  if (side == Side::Buy) return pos < 0 && quantity.value + e.buy_qty <= -pos;
  return pos > 0 && quantity.value + e.sell_qty <= pos;
}

RejectReason RiskChecker::check_instrument(SymbolId symbol) const noexcept {
  if (!instruments_[symbol.value].tradable) return RejectReason::InstrumentNotTradable;
  if (halted_[symbol.value]) return RejectReason::InstrumentHalted;
  return RejectReason::None;
}

RejectReason RiskChecker::check_price(Price price, Price tick, Price reference) const noexcept {
  if (!price.on_tick(tick)) return RejectReason::TickSize;
  // |price - ref| / ref > band/10^4, in 128 bits so no price can overflow it.
  const core::int128 diff = price.raw > reference.raw ? price.raw - reference.raw : reference.raw - price.raw;
  if (diff * kBpsScale > static_cast<core::int128>(limits_.price_band_bps) * reference.raw)
    return RejectReason::PriceBand;
  return RejectReason::None;
}

Price RiskChecker::band_edge(Price reference) const noexcept {
  const core::int128 band = static_cast<core::int128>(reference.raw) * limits_.price_band_bps / kBpsScale;
  return Price{reference.raw + static_cast<std::int64_t>(band)};
}

RejectReason RiskChecker::check_exposure(SymbolId symbol, Side side, std::int64_t added_qty,
                                         std::int64_t added_notional) const noexcept {
  const std::int64_t pos = positions_.at(symbol).net;
  const Exposure& e = orders_.exposure(symbol);
  // Worst case: every open order on this side fills, then this one.
  const std::int64_t worst = side == Side::Buy ? pos + e.buy_qty + added_qty : -(pos - e.sell_qty - added_qty);
  if (worst > instruments_[symbol.value].max_position) return RejectReason::MaxPosition;
  // Σ max(|long case|, |short case|) <= Σ |position| + Σ open quantity, the
  // bound kept incrementally.
  const PositionTotals& t = positions_.totals();
  if (t.gross_position + orders_.total_open_qty() + added_qty > limits_.max_total_position) {
    return RejectReason::MaxTotalPosition;
  }
  if (t.gross_notional + orders_.total_open_notional() + added_notional > limits_.max_notional_exposure) {
    return RejectReason::MaxNotionalExposure;
  }
  if (t.pnl() <= -limits_.max_daily_loss) return RejectReason::MaxDailyLoss;
  return RejectReason::None;
}

RiskDecision RiskChecker::check_new(const OrderRequest& r, std::uint64_t tsc) noexcept {
  const KillState ks = kill_.state();
  if (ks == KillState::Halted) return {RejectReason::KillSwitchHalted, {}};
  if (r.symbol.value >= instruments_.size()) return {RejectReason::UnknownInstrument, {}};
  const bool reducing = reduces(r.symbol, r.side, r.quantity);
  if (ks == KillState::Reducing && !reducing) return {RejectReason::KillSwitchReducing, {}};
  if (const RejectReason why = check_instrument(r.symbol); why != RejectReason::None) return {why, {}};

  // Order terms.
  if (is_stop(r.type) && (r.tif == TimeInForce::Ioc || r.tif == TimeInForce::Fok)) {
    return {RejectReason::InvalidTimeInForce, {}};
  }
  const InstrumentLimits& inst = instruments_[r.symbol.value];
  if (r.quantity.value <= 0) return {RejectReason::InvalidQuantity, {}};
  if (r.quantity.value % inst.lot_size != 0) return {RejectReason::LotSize, {}};
  if (has_limit(r.type) ? r.price.raw <= 0 : r.price.raw != 0) return {RejectReason::InvalidPrice, {}};
  if (is_stop(r.type) ? r.stop_price.raw <= 0 : r.stop_price.raw != 0) return {RejectReason::InvalidStopPrice, {}};
  if (r.quantity.value > limits_.max_order_quantity) return {RejectReason::MaxOrderQuantity, {}};

  // Price against the market.
  const Price ref = positions_.reference_price(r.symbol);
  if (ref.raw <= 0) return {RejectReason::NoReferencePrice, {}};
  if (has_limit(r.type)) {
    if (const RejectReason why = check_price(r.price, inst.tick_size, ref); why != RejectReason::None) return {why, {}};
  }
  if (is_stop(r.type)) {
    if (const RejectReason why = check_price(r.stop_price, inst.tick_size, ref); why != RejectReason::None) {
      return {why, {}};
    }
  }
  const Price risk_price = has_limit(r.type) ? r.price : band_edge(ref);
  Price notional;
  if (!core::checked_notional(risk_price, r.quantity, notional)) return {RejectReason::Overflow, {}};
  if (notional.raw > limits_.max_order_notional) return {RejectReason::MaxOrderNotional, {}};

  // Position, exposure and loss: an order that can only reduce a position
  // lowers all of them, so it is not held back by them.
  if (!reducing) {
    if (const RejectReason why = check_exposure(r.symbol, r.side, r.quantity.value, notional.raw);
        why != RejectReason::None) {
      return {why, {}};
    }
  }
  if (static_cast<std::int64_t>(orders_.live_orders()) >= limits_.max_open_orders) {
    return {RejectReason::MaxOpenOrders, {}};
  }
  if (r.cl_ord_id.value != 0 && orders_.find(r.cl_ord_id) != nullptr) return {RejectReason::DuplicateClientOrderId, {}};
  // Last, so only an order that passes everything spends a token.
  if (!rate_.try_take(tsc)) return {RejectReason::OrderRate, {}};
  return {RejectReason::None, risk_price};
}

RiskDecision RiskChecker::check_replace(const Order& o, Price price, Qty quantity, std::uint64_t tsc) noexcept {
  const KillState ks = kill_.state();
  if (ks == KillState::Halted) return {RejectReason::KillSwitchHalted, {}};
  const std::int64_t added = quantity.value - o.quantity.value;  // change in what may still fill
  if (ks == KillState::Reducing && (added > 0 || !reduces(o.symbol, o.side, Qty{0}))) {
    return {RejectReason::KillSwitchReducing, {}};
  }
  if (const RejectReason why = check_instrument(o.symbol); why != RejectReason::None) return {why, {}};
  const InstrumentLimits& inst = instruments_[o.symbol.value];
  if (quantity.value <= 0) return {RejectReason::InvalidQuantity, {}};
  if (quantity.value % inst.lot_size != 0) return {RejectReason::LotSize, {}};
  if (quantity.value > limits_.max_order_quantity) return {RejectReason::MaxOrderQuantity, {}};
  if (has_limit(o.type) ? price.raw <= 0 : price != o.price) return {RejectReason::InvalidPrice, {}};

  const Price ref = positions_.reference_price(o.symbol);
  if (ref.raw <= 0) return {RejectReason::NoReferencePrice, {}};
  if (has_limit(o.type)) {
    if (const RejectReason why = check_price(price, inst.tick_size, ref); why != RejectReason::None) return {why, {}};
  }
  const Price risk_price = has_limit(o.type) ? price : band_edge(ref);
  Price notional;
  if (!core::checked_notional(risk_price, quantity, notional)) return {RejectReason::Overflow, {}};
  if (notional.raw > limits_.max_order_notional) return {RejectReason::MaxOrderNotional, {}};
  if (added > 0 || risk_price > o.risk_price) {
    // Only the increase is new risk; the order's current terms are already
    // in the exposure.
    Price old_notional;
    core::checked_notional(o.risk_price, o.quantity, old_notional);
    const std::int64_t more = notional.raw > old_notional.raw ? notional.raw - old_notional.raw : 0;
    if (const RejectReason why = check_exposure(o.symbol, o.side, added > 0 ? added : 0, more);
        why != RejectReason::None) {
      return {why, {}};
    }
  }
  if (!rate_.try_take(tsc)) return {RejectReason::OrderRate, {}};
  return {RejectReason::None, risk_price};
}

RejectReason RiskChecker::check_trigger(const Order& o) const noexcept {
  const KillState ks = kill_.state();
  if (ks == KillState::Halted) return RejectReason::KillSwitchHalted;
  // The order is already in the open exposure, so "reduces" asks whether
  // the position covers all open orders on its side, this one included.
  if (ks == KillState::Reducing && !reduces(o.symbol, o.side, Qty{0})) return RejectReason::KillSwitchReducing;
  if (const RejectReason why = check_instrument(o.symbol); why != RejectReason::None) return why;
  if (o.type == OrderType::StopLimit) {
    const Price ref = positions_.reference_price(o.symbol);
    if (ref.raw <= 0) return RejectReason::NoReferencePrice;
    return check_price(o.price, instruments_[o.symbol.value].tick_size, ref);
  }
  return RejectReason::None;
}

}  // namespace hft::trading
