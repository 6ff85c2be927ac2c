#include "hft/engine/strategy_host.h"

#include <stdexcept>
#include <string>
#include <utility>

namespace hft::engine {

StrategyHost::StrategyHost(trading::TradingCore& core, const market_data::BookManager& books,
                           std::vector<StrategyInstrument> instruments, const core::TscCalibration& clock)
    : core_(core),
      books_(books),
      context_(core, books, std::move(instruments), clock),
      subscribers_(context_.instrument_count()),
      by_locate_(std::size_t{1} << 16, kUnresolved) {}

void StrategyHost::add(std::unique_ptr<Strategy> strategy, const std::vector<SymbolId>& symbols) {
  if (strategy == nullptr) throw std::invalid_argument("strategy host: null strategy");
  const auto index = static_cast<std::uint16_t>(strategies_.size());
  for (const SymbolId s : symbols) {
    if (s.value >= subscribers_.size()) {
      throw std::invalid_argument("strategy " + std::string(strategy->name()) + ": symbol id " +
                                  std::to_string(s.value) + " is not a configured instrument");
    }
    subscribers_[s.value].push_back(index);
  }
  strategies_.push_back(std::move(strategy));
}

void StrategyHost::start() {
  for (const std::uint16_t l : books_.locates()) resolve(l);
  for (const std::unique_ptr<Strategy>& s : strategies_) s->on_start(context_);
  announced_ = core_.kill_switch().state();
}

std::int32_t StrategyHost::resolve(std::uint16_t locate) noexcept {
  std::int32_t& slot = by_locate_[locate];
  if (slot != kUnresolved) return slot;
  const market_data::InstrumentState* st = books_.instrument(locate);
  if (st == nullptr) return kForeign;  // not named yet: try again when it is
  slot = kForeign;
  for (std::size_t i = 0; i < context_.instrument_count(); ++i) {
    const std::string& t = context_.instrument(SymbolId{static_cast<std::uint32_t>(i)}).ticker;
    if (t.size() > st->stock.size()) continue;
    bool same = true;
    // ITCH tickers are left-aligned and padded with spaces to 8 bytes.
    for (std::size_t k = 0; k < st->stock.size() && same; ++k) {
      same = st->stock[k] == (k < t.size() ? t[k] : ' ');
    }
    if (same) {
      slot = static_cast<std::int32_t>(i);
      context_.bind(SymbolId{static_cast<std::uint32_t>(i)}, locate);
      break;
    }
  }
  return slot;
}

bool StrategyHost::symbol_of(std::uint16_t locate, SymbolId& out) noexcept {
  const std::int32_t s = resolve(locate);
  if (s < 0) {
    ++counters_.foreign_events;
    return false;
  }
  out = SymbolId{static_cast<std::uint32_t>(s)};
  return true;
}

void StrategyHost::check_kill() noexcept {
  // A strategy's reaction (cancels) cannot raise the state, but a reject
  // storm from its submits could; announce until it settles.
  for (trading::KillState s = core_.kill_switch().state(); s != announced_; s = core_.kill_switch().state()) {
    announced_ = s;
    ++counters_.kill_changes;
    for (const std::unique_ptr<Strategy>& st : strategies_) st->on_kill(context_, s);
  }
}

void StrategyHost::on_top_of_book(std::uint16_t locate, const market_data::Level& bid,
                                  const market_data::Level& ask) noexcept {
  SymbolId s;
  if (!symbol_of(locate, s)) return;
  ++counters_.book_updates;
  if (context_.stages_ != nullptr) context_.stages_->top_of_book();
  check_kill();
  core_.on_quote(s, bid.price, ask.price, context_.now());
  const market_data::OrderBook* book = books_.book(locate);
  for (const std::uint16_t i : subscribers(s)) strategies_[i]->on_book_update(context_, s, *book);
  check_kill();
}

void StrategyHost::on_trade(std::uint16_t locate, Price price, std::uint32_t shares, Side aggressor,
                            market_data::TradeKind /*kind*/) noexcept {
  SymbolId s;
  if (!symbol_of(locate, s)) return;
  ++counters_.trades;
  check_kill();
  core_.on_trade(s, price, context_.now());
  for (const std::uint16_t i : subscribers(s)) strategies_[i]->on_trade(context_, s, price, shares, aggressor);
  check_kill();
}

void StrategyHost::on_trading_state(std::uint16_t locate, char state) noexcept {
  SymbolId s;
  if (!symbol_of(locate, s)) return;
  ++counters_.status_changes;
  check_kill();
  core_.set_trading(s, state == 'T');
  for (const std::uint16_t i : subscribers(s)) strategies_[i]->on_trading_state(context_, s, state);
  check_kill();
}

trading::ApplyResult StrategyHost::on_execution_report(const trading::ExecutionReport& report) noexcept {
  ++counters_.reports;
  context_.set_now(report.tsc);
  check_kill();
  trading::ApplyResult r = core_.on_execution_report(report);
  if (r.order == nullptr || r.order->symbol.value >= subscribers_.size()) {
    check_kill();
    return r;
  }
  // By id from here on: a strategy's submit may reuse the slot of a done order.
  const OrderId about = r.order->cl_ord_id;
  const SymbolId s = r.order->symbol;
  const trading::FillEffect fill = r.fill;
  if (fill.valid) {
    for (const std::uint16_t i : subscribers(s)) {
      const trading::Order* o = core_.orders().find(about);
      if (o != nullptr) strategies_[i]->on_fill(context_, *o, fill.quantity, fill.price);
    }
  }
  OrderUpdate u;
  u.kind = report.kind;
  u.id = report.cl_ord_id;
  u.orig_id = report.orig_cl_ord_id;
  u.symbol = s;
  for (const std::uint16_t i : subscribers(s)) {
    u.order = core_.orders().find(about);
    strategies_[i]->on_order_update(context_, u);
  }
  check_kill();
  r.order = core_.orders().find(about);
  return r;
}

void StrategyHost::on_timer(std::uint64_t tsc) noexcept {
  context_.set_now(tsc);
  core_.on_timer(tsc);
  check_kill();
  for (const std::unique_ptr<Strategy>& st : strategies_) st->on_timer(context_, tsc);
  check_kill();
}

void StrategyHost::kill(trading::KillLevel level, std::uint64_t tsc) noexcept {
  context_.set_now(tsc);
  core_.kill(level, tsc);
  check_kill();
}

trading::ResumeResult StrategyHost::resume(std::uint64_t tsc) noexcept {
  context_.set_now(tsc);
  const trading::ResumeResult r = core_.resume(tsc);
  check_kill();
  return r;
}

}  // namespace hft::engine
