#include "hft/engine/liquidity_taker.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "hft/engine/strategy_math.h"

namespace hft::engine {

LiquidityTaker::LiquidityTaker(std::string name, LiquidityTakerSettings settings, std::vector<SymbolId> symbols)
    : name_(std::move(name)), settings_(settings) {
  if (settings_.levels < 1 || settings_.levels > LiquidityTakerSettings::kMaxLevels ||
      settings_.imbalance_threshold_bps < 0 || settings_.imbalance_threshold_bps >= 10000 || settings_.order_size < 1 ||
      settings_.max_position < 1) {
    throw std::invalid_argument("liquidity taker " + name_ + ": settings out of range");
  }
  for (const SymbolId s : symbols) instruments_.push_back(Instrument{s, {}, 0, false});
}

void LiquidityTaker::on_start(StrategyContext& ctx) {
  index_.assign(ctx.instrument_count(), -1);
  for (std::size_t i = 0; i < instruments_.size(); ++i) {
    index_.at(instruments_[i].symbol.value) = static_cast<std::int32_t>(i);
  }
  cooldown_ticks_ = ctx.ns_to_ticks(settings_.cooldown_ns);
}

LiquidityTaker::Instrument* LiquidityTaker::find(SymbolId s) noexcept {
  if (s.value >= index_.size() || index_[s.value] < 0) return nullptr;
  return &instruments_[static_cast<std::size_t>(index_[s.value])];
}

std::int64_t LiquidityTaker::imbalance_bps(const market_data::OrderBook& book, std::size_t levels) noexcept {
  std::array<market_data::Level, LiquidityTakerSettings::kMaxLevels> buf;
  const std::size_t n = std::min(levels, buf.size());
  std::uint64_t bid_qty = 0;
  std::uint64_t ask_qty = 0;
  const std::size_t nb = book.depth(Side::Buy, n, buf.data());
  for (std::size_t i = 0; i < nb; ++i) bid_qty += buf[i].shares;
  const std::size_t na = book.depth(Side::Sell, n, buf.data());
  for (std::size_t i = 0; i < na; ++i) ask_qty += buf[i].shares;
  if (bid_qty + ask_qty == 0) return 0;
  // Integer basis points (truncated towards zero): exact to compare with an
  // integer threshold, and sizes of up to 2^64 shares fit the 128-bit product.
  const core::int128 diff = static_cast<core::int128>(bid_qty) - static_cast<core::int128>(ask_qty);
  const core::int128 total = static_cast<core::int128>(bid_qty) + static_cast<core::int128>(ask_qty);
  return static_cast<std::int64_t>(diff * 10000 / total);
}

void LiquidityTaker::on_book_update(StrategyContext& ctx, SymbolId symbol,
                                    const market_data::OrderBook& book) noexcept {
  Instrument* in = find(symbol);
  if (in == nullptr) return;
  if (ctx.kill_state() != trading::KillState::Active || !ctx.market_open(symbol)) return;
  const std::uint64_t now = ctx.now();
  if (in->ordered && now - in->last_order < cooldown_ticks_) return;
  if (in->in_flight.value != 0) {
    const trading::Order* o = ctx.order(in->in_flight);
    if (o != nullptr && trading::is_live(o->state)) return;  // one IOC at a time
    in->in_flight = OrderId{};
  }
  const market_data::Level bid = book.best_bid();
  const market_data::Level ask = book.best_ask();
  if (bid.empty() || ask.empty() || is_crossed(bid, ask)) return;

  const std::int64_t imb = imbalance_bps(book, settings_.levels);
  const std::int64_t thr = settings_.imbalance_threshold_bps;
  if (imb <= thr && imb >= -thr) return;
  ++counters_.signals;

  const Side side = imb > 0 ? Side::Buy : Side::Sell;
  const market_data::Level& touch = side == Side::Buy ? ask : bid;
  const StrategyInstrument& inst = ctx.instrument(symbol);
  // Room left under the limit, counting the orders already open on that
  // side (any strategy's: the OMS keeps exposure per instrument).
  const std::int64_t pos = ctx.position(symbol).net;
  const trading::Exposure& open = ctx.exposure(symbol);
  const std::int64_t room =
      side == Side::Buy ? settings_.max_position - pos - open.buy_qty : settings_.max_position + pos - open.sell_qty;
  const std::int64_t shown = static_cast<std::int64_t>(std::min<std::uint64_t>(touch.shares, INT64_MAX));
  const std::int64_t qty = floor_to_lot(std::min({settings_.order_size, room, shown}), inst.lot_size);
  if (qty <= 0) {
    ++counters_.limited;
    return;
  }
  // The cooldown starts with the attempt, accepted or refused: a refusal is
  // not retried on the next book update.
  in->last_order = now;
  in->ordered = true;
  const trading::SubmitResult r = ctx.submit_ioc(symbol, side, Qty{qty}, touch.price);
  if (r.reason == trading::RejectReason::None && r.order != nullptr) {
    in->in_flight = r.order->cl_ord_id;
    ++counters_.orders;
  } else {
    ++counters_.rejects;
  }
}

void LiquidityTaker::on_order_update(StrategyContext& /*ctx*/, const OrderUpdate& u) noexcept {
  Instrument* in = find(u.symbol);
  if (in == nullptr || in->in_flight.value == 0 || u.id != in->in_flight) return;
  if (u.kind == trading::ExecKind::Rejected) ++counters_.rejects;
  if (u.order == nullptr || trading::is_terminal(u.order->state)) in->in_flight = OrderId{};
}

}  // namespace hft::engine
