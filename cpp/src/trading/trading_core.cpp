#include "hft/trading/trading_core.h"

#include <cstdlib>

namespace hft::trading {
namespace {

std::uint64_t ns_to_ticks(std::uint64_t ns, double ticks_per_second) noexcept {
  return static_cast<std::uint64_t>(static_cast<double>(ns) * ticks_per_second / 1e9);
}

std::uint64_t ticks_per_second(const core::TscCalibration& clock) {
  return clock.ticks_per_second >= 1.0 ? static_cast<std::uint64_t>(clock.ticks_per_second) : 1'000'000'000u;
}

bool is_breach(const Position& p, const InstrumentLimits& limits) noexcept {
  return std::llabs(p.net) > limits.max_position;
}

// A reject storm is a strategy (or venue) misbehaving. The kill switch's own
// refusals are its effect, not more evidence, and a refused cancel is an
// order that finished first (a cancel racing a fill): counting either would
// turn REDUCING into HALTED, or block resume, on ordinary traffic.
bool counts_for_storm(RejectReason why) noexcept {
  switch (why) {
    case RejectReason::KillSwitchHalted:
    case RejectReason::KillSwitchReducing:
    case RejectReason::UnknownOrder:
    case RejectReason::OrderNotLive:
    case RejectReason::RequestPending:
      return false;
    default:
      return true;
  }
}

}  // namespace

TradingCore::TradingCore(const TradingSettings& settings, OrderIdGenerator ids, OrderGateway& gateway, AuditSink& audit,
                         const core::TscCalibration& clock)
    : settings_(settings),
      audit_(audit),
      to_ns_(clock),
      stale_ticks_(ns_to_ticks(settings.kill.market_data_stale_ns, static_cast<double>(ticks_per_second(clock)))),
      kill_(audit),
      orders_(settings.order_capacity, settings.instruments.size(), ids, gateway, audit),
      positions_(settings.instruments.size(), settings.mark, settings.fee_per_share),
      risk_(settings.risk, settings.instruments, ticks_per_second(clock), orders_, positions_, kill_),
      storm_(static_cast<std::size_t>(settings.kill.reject_storm_count),
             ns_to_ticks(settings.kill.reject_storm_window_ns, static_cast<double>(ticks_per_second(clock)))) {}

// ---- requests ------------------------------------------------------------------

void TradingCore::reject(RejectReason why, const OrderRequest& req, OrderId about, std::uint64_t tsc) noexcept {
  ++counters_.rejects[static_cast<std::size_t>(why)];
  AuditRecord r;
  r.type = AuditType::RiskReject;
  r.side = static_cast<std::uint8_t>(req.side);
  r.tsc = tsc;
  r.order_id = req.cl_ord_id.value;
  r.ref_id = about.value;
  r.price = req.price.raw;
  r.qty = static_cast<std::int32_t>(req.quantity.value);
  r.symbol = static_cast<std::uint16_t>(req.symbol.value);
  r.reason = static_cast<std::uint16_t>(why);
  audit_.record(r);
  if (counts_for_storm(why) && storm_.on_reject(tsc)) {
    trip(KillTrigger::RejectStorm, level_for(KillTrigger::RejectStorm), tsc, 0);
  }
}

SubmitResult TradingCore::submit(const OrderRequest& request, std::uint64_t tsc) noexcept {
  const RiskDecision d = risk_.check_new(request, tsc);
  if (!d.passed()) {
    reject(d.reason, request, OrderId{}, tsc);
    return {d.reason, nullptr};
  }
  const SubmitResult s = orders_.submit(request, d.risk_price, tsc);
  if (s.reason != RejectReason::None) {
    reject(s.reason, request, OrderId{}, tsc);
  } else {
    ++counters_.accepted;
  }
  return s;
}

RequestResult TradingCore::cancel(OrderId id, std::uint64_t tsc) noexcept {
  // Cancels are never held back by risk or the kill switch: they only
  // ever lower exposure.
  const RequestResult r = orders_.cancel(id, tsc);
  if (r.reason != RejectReason::None) {
    const Order* o = orders_.find(id);
    OrderRequest about;
    if (o != nullptr) {
      about.symbol = o->symbol;
      about.side = o->side;
    }
    reject(r.reason, about, id, tsc);
  }
  return r;
}

RequestResult TradingCore::replace(OrderId id, Price price, Qty quantity, std::uint64_t tsc) noexcept {
  const Order* o = orders_.find(id);
  OrderRequest about;
  about.price = price;
  about.quantity = quantity;
  if (o == nullptr || is_terminal(o->state)) {
    const RejectReason why = o == nullptr ? RejectReason::UnknownOrder : RejectReason::OrderNotLive;
    reject(why, about, id, tsc);
    return {why, {}};
  }
  about.symbol = o->symbol;
  about.side = o->side;
  const RiskDecision d = risk_.check_replace(*o, price, quantity, tsc);
  if (!d.passed()) {
    reject(d.reason, about, id, tsc);
    return {d.reason, {}};
  }
  const RequestResult r = orders_.replace(id, price, quantity, d.risk_price, tsc);
  if (r.reason != RejectReason::None) reject(r.reason, about, id, tsc);
  return r;
}

// ---- market data ---------------------------------------------------------------

void TradingCore::on_quote(SymbolId symbol, Price bid, Price ask, std::uint64_t tsc) noexcept {
  last_market_data_ = tsc;
  if (symbol.value >= positions_.symbols()) return;
  positions_.on_quote(symbol, bid, ask);
  check_loss(tsc);
}

void TradingCore::on_trade(SymbolId symbol, Price price, std::uint64_t tsc) noexcept {
  last_market_data_ = tsc;
  if (symbol.value >= positions_.symbols()) return;
  positions_.on_trade(symbol, price);
  check_loss(tsc);
  orders_.on_trade(symbol, price, tsc, [this](const Order& o) { return risk_.check_trigger(o); });
}

void TradingCore::on_timer(std::uint64_t tsc) noexcept {
  if (last_market_data_ == 0) last_market_data_ = tsc;  // the clock starts with the first tick of time
  if (tsc > last_market_data_ && tsc - last_market_data_ > stale_ticks_) {
    trip(KillTrigger::MarketDataStale, level_for(KillTrigger::MarketDataStale), tsc,
         static_cast<std::int64_t>(to_ns_.to_ns(tsc - last_market_data_)));
  }
}

// ---- venue ---------------------------------------------------------------------

ApplyResult TradingCore::on_execution_report(const ExecutionReport& report) noexcept {
  ApplyResult r = orders_.apply(report);
  const std::uint64_t tsc = report.tsc;
  // By id from here on: tripping the kill switch below can submit flatten
  // orders, and making room for one may reuse the slot `r.order` points to.
  const OrderId about = r.order != nullptr ? r.order->cl_ord_id : OrderId{};
  if (r.fill.valid) {
    const InstrumentLimits& limits = risk_.instrument(r.fill.symbol);
    const bool was_breached = is_breach(positions_.at(r.fill.symbol), limits);
    if (positions_.apply_fill(r.fill.symbol, r.fill.side, r.fill.quantity, r.fill.price)) {
      const bool now_breached = is_breach(positions_.at(r.fill.symbol), limits);
      if (now_breached != was_breached) {
        if (now_breached) {
          ++breached_symbols_;
        } else {
          --breached_symbols_;
        }
      }
      check_after_fill(r.fill.symbol, tsc);
    } else {
      // A fill we cannot represent: our numbers are no longer trustworthy.
      ++counters_.position_overflows;
      trip(KillTrigger::ExecutionAnomaly, KillLevel::Halt, tsc, r.fill.quantity.value);
    }
  }
  // Shares we did not expect to own (a fill the order's state refused), or
  // a fill we could not book at all: stop and let a person look.
  if ((r.anomaly != Anomaly::None && r.fill.valid) || r.anomaly == Anomaly::InvalidFill) {
    trip(KillTrigger::ExecutionAnomaly, level_for(KillTrigger::ExecutionAnomaly), tsc, report.last_qty.value);
  }
  if (report.kind == ExecKind::Rejected && r.anomaly == Anomaly::None) {
    if (storm_.on_reject(tsc)) {
      trip(KillTrigger::RejectStorm, level_for(KillTrigger::RejectStorm), tsc, 0);
    }
  }
  r.order = orders_.find(about);
  // An order that became cancellable while the switch is tripped (acked
  // after the trip, its replace or cancel answered) is cancelled as soon as
  // we hear of it, if the state would have cancelled it.
  const Order* o = r.order;
  if (kill_.state() != KillState::Active && o != nullptr && is_live(o->state) && !o->flatten &&
      o->state != OrderState::PendingCancel && o->state != OrderState::PendingReplace &&
      (kill_.state() == KillState::Halted || adds_to_position(*o))) {
    if (orders_.cancel(o->cl_ord_id, tsc).reason == RejectReason::None) ++counters_.kill_cancels;
    r.order = orders_.find(about);
  }
  return r;
}

bool TradingCore::adds_to_position(const Order& o) const noexcept {
  const std::int64_t pos = positions_.at(o.symbol).net;
  return o.side == Side::Buy ? pos >= 0 : pos <= 0;
}

void TradingCore::on_venue_session(bool up, std::uint64_t tsc) noexcept {
  venue_up_ = up;
  if (!up) {
    trip(KillTrigger::VenueSessionLost, level_for(KillTrigger::VenueSessionLost), tsc, 0);
  }
}

// ---- post-trade ----------------------------------------------------------------

void TradingCore::check_loss(std::uint64_t tsc) noexcept {
  const std::int64_t pnl = positions_.totals().pnl();
  if (pnl <= -settings_.risk.max_daily_loss) {
    trip(KillTrigger::DailyLoss, level_for(KillTrigger::DailyLoss), tsc, pnl);
  }
}

void TradingCore::check_after_fill(SymbolId symbol, std::uint64_t tsc) noexcept {
  const Position& p = positions_.at(symbol);
  if (is_breach(p, risk_.instrument(symbol))) {
    trip(KillTrigger::PositionBreach, level_for(KillTrigger::PositionBreach), tsc, p.net);
  }
  check_loss(tsc);
}

bool TradingCore::position_breached() const noexcept { return breached_symbols_ > 0; }

TriggerSet TradingCore::holding_conditions(std::uint64_t tsc) const noexcept {
  TriggerSet holding = 0;
  if (positions_.totals().pnl() <= -settings_.risk.max_daily_loss) holding |= bit(KillTrigger::DailyLoss);
  if (position_breached()) holding |= bit(KillTrigger::PositionBreach);
  if (storm_.holds(tsc)) holding |= bit(KillTrigger::RejectStorm);
  if (tsc > last_market_data_ && tsc - last_market_data_ > stale_ticks_) holding |= bit(KillTrigger::MarketDataStale);
  if (!venue_up_) holding |= bit(KillTrigger::VenueSessionLost);
  if (shutting_down_) holding |= bit(KillTrigger::Shutdown);
  // Manual and ExecutionAnomaly hold no condition: resuming from them is the
  // operator's decision, which the resume command is.
  return holding;
}

// ---- kill switch ---------------------------------------------------------------

void TradingCore::kill_step(KillStepKind step, KillTrigger trigger, std::uint64_t started, std::size_t count) noexcept {
  const std::uint64_t now = core::Clock::now();
  AuditRecord r;
  r.type = AuditType::KillStep;
  r.state = static_cast<std::uint8_t>(kill_.state());
  r.tsc = now;
  r.order_id = count;
  r.ref_id = to_ns_.to_ns(now > started ? now - started : 0);
  r.qty = static_cast<std::int32_t>(step);
  r.reason = static_cast<std::uint16_t>(trigger);
  audit_.record(r);
}

void TradingCore::trip(KillTrigger trigger, KillLevel level, std::uint64_t tsc, std::int64_t value) noexcept {
  const bool known = (kill_.triggers() & bit(trigger)) != 0;
  const KillState target = level == KillLevel::Halt ? KillState::Halted : KillState::Reducing;
  // Conditions are re-checked on every tick and fill; a trigger already
  // recorded that would not raise the state costs these two compares.
  if (known && target <= kill_.state()) return;
  const std::uint64_t started = core::Clock::now();
  const KillState before = kill_.trip(trigger, level, tsc, value);
  const KillState after = kill_.state();
  if (!known) ++counters_.kill_trips[static_cast<std::size_t>(trigger)];
  if (after == before) return;

  kill_step(KillStepKind::NoOrderPasses, trigger, started, 0);
  if (after == KillState::Halted) {
    const std::size_t n = orders_.cancel_all(tsc);
    counters_.kill_cancels += n;
    kill_step(KillStepKind::CancelAllIssued, trigger, started, n);
    if (settings_.kill.flatten_on_halt) {
      const std::uint64_t before_flatten = counters_.flatten_orders;
      flatten(tsc);
      kill_step(KillStepKind::FlattenSent, trigger, started,
                static_cast<std::size_t>(counters_.flatten_orders - before_flatten));
    }
  } else {
    // REDUCING: orders that would add to a position go; reducing ones stay.
    const std::size_t n = orders_.cancel_where([this](const Order& o) { return adds_to_position(o); }, tsc);
    counters_.kill_cancels += n;
    kill_step(KillStepKind::ReduceCancelsIssued, trigger, started, n);
  }
}

void TradingCore::flatten(std::uint64_t tsc) noexcept {
  for (std::uint32_t s = 0; s < positions_.symbols(); ++s) {
    const SymbolId symbol{s};
    const Position& p = positions_.at(symbol);
    const InstrumentLimits& inst = risk_.instrument(symbol);
    const std::int64_t qty = std::llabs(p.net) / inst.lot_size * inst.lot_size;
    if (qty == 0 || risk_.halted(symbol) || p.mark.raw <= 0) continue;
    // Bypasses the kill-switch state on purpose (this is the kill switch
    // acting); the order can only close the position.
    OrderRequest req;
    req.symbol = symbol;
    req.side = p.net > 0 ? Side::Sell : Side::Buy;
    req.type = OrderType::Market;
    req.tif = TimeInForce::Ioc;
    req.quantity = Qty{qty};
    req.flatten = true;
    if (orders_.submit(req, p.mark, tsc).reason == RejectReason::None) ++counters_.flatten_orders;
  }
}

ResumeResult TradingCore::resume(std::uint64_t tsc) noexcept {
  const ResumeResult r = kill_.resume(holding_conditions(tsc), tsc);
  if (r.resumed) {
    ++counters_.resumes;
  } else if (r.blocking != KillTrigger::None) {
    ++counters_.resume_refusals;
  }
  return r;
}

}  // namespace hft::trading
