#include "hft/engine/strategy_context.h"

#include <utility>

namespace hft::engine {

StrategyContext::StrategyContext(trading::TradingCore& core, const market_data::BookManager& books,
                                 std::vector<StrategyInstrument> instruments, const core::TscCalibration& clock)
    : core_(core),
      books_(books),
      instruments_(std::move(instruments)),
      locates_(instruments_.size(), 0),
      // An uncalibrated clock (tests) counts nanoseconds, as TscConverter does.
      ticks_per_ns_(clock.ticks_per_second >= 1.0 ? clock.ticks_per_second / 1e9 : 1.0) {}

std::uint64_t StrategyContext::ns_to_ticks(std::uint64_t ns) const noexcept {
  return static_cast<std::uint64_t>(static_cast<double>(ns) * ticks_per_ns_);
}

const market_data::OrderBook* StrategyContext::book(SymbolId s) const noexcept {
  const std::uint16_t l = locates_[s.value];
  return l == 0 ? nullptr : books_.book(l);
}

const market_data::InstrumentState* StrategyContext::market_state(SymbolId s) const noexcept {
  const std::uint16_t l = locates_[s.value];
  return l == 0 ? nullptr : books_.instrument(l);
}

bool StrategyContext::market_open(SymbolId s) const noexcept {
  const market_data::InstrumentState* st = market_state(s);
  if (st == nullptr || st->stale) return false;
  // ' ': no status message yet. Feeds send 'T' for every instrument before
  // the open; a test feed or a replay that starts mid-day may not.
  return st->trading_state == 'T' || st->trading_state == ' ';
}

trading::SubmitResult StrategyContext::submit(const trading::OrderRequest& r) noexcept {
  ++counters_.submits;
  mark_decision();
  const trading::SubmitResult res = core_.submit(r, now_);
  if (res.reason != trading::RejectReason::None) ++counters_.rejects;
  return res;
}

trading::SubmitResult StrategyContext::submit_limit(SymbolId s, Side side, Qty quantity, Price price,
                                                    trading::TimeInForce tif) noexcept {
  trading::OrderRequest r;
  r.symbol = s;
  r.side = side;
  r.type = trading::OrderType::Limit;
  r.tif = tif;
  r.quantity = quantity;
  r.price = price;
  return submit(r);
}

trading::SubmitResult StrategyContext::submit_market(SymbolId s, Side side, Qty quantity) noexcept {
  trading::OrderRequest r;
  r.symbol = s;
  r.side = side;
  r.type = trading::OrderType::Market;
  r.tif = trading::TimeInForce::Ioc;
  r.quantity = quantity;
  return submit(r);
}

trading::RequestResult StrategyContext::replace(OrderId id, Price price, Qty quantity) noexcept {
  ++counters_.replaces;
  mark_decision();
  const trading::RequestResult r = core_.replace(id, price, quantity, now_);
  if (r.reason != trading::RejectReason::None) ++counters_.rejects;
  return r;
}

trading::RequestResult StrategyContext::cancel(OrderId id) noexcept {
  ++counters_.cancels;
  mark_decision();
  const trading::RequestResult r = core_.cancel(id, now_);
  if (r.reason != trading::RejectReason::None) ++counters_.rejects;
  return r;
}

std::size_t StrategyContext::cancel_all(SymbolId s) noexcept {
  const std::size_t n = core_.cancel_all(s, now_);
  counters_.cancels += n;
  return n;
}

}  // namespace hft::engine
