#include "hft/engine/market_maker.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "hft/engine/strategy_math.h"

namespace hft::engine {
namespace {

using trading::OrderState;

constexpr std::size_t slot_of(Side s) noexcept { return s == Side::Buy ? 0 : 1; }

bool waiting_for_venue(OrderState s) noexcept {
  return s == OrderState::PendingNew || s == OrderState::PendingCancel || s == OrderState::PendingReplace;
}

}  // namespace

MarketMaker::MarketMaker(std::string name, MarketMakerSettings settings, std::vector<SymbolId> symbols)
    : name_(std::move(name)), settings_(settings) {
  if (settings_.half_spread_ticks < 1 || settings_.quote_size < 1 || settings_.max_position < 1 ||
      settings_.skew_ticks < 0 || settings_.requote_threshold_ticks < 1) {
    throw std::invalid_argument("market maker " + name_ + ": settings out of range");
  }
  for (const SymbolId s : symbols) books_.push_back(Book{s, {}});
}

void MarketMaker::on_start(StrategyContext& ctx) {
  index_.assign(ctx.instrument_count(), -1);
  for (std::size_t i = 0; i < books_.size(); ++i) index_.at(books_[i].symbol.value) = static_cast<std::int32_t>(i);
  min_life_ticks_ = ctx.ns_to_ticks(settings_.min_quote_life_ns);
  backoff_ticks_ = ctx.ns_to_ticks(settings_.reject_backoff_ns);
}

MarketMaker::Book* MarketMaker::find(SymbolId s) noexcept {
  if (s.value >= index_.size() || index_[s.value] < 0) return nullptr;
  return &books_[static_cast<std::size_t>(index_[s.value])];
}

OrderId MarketMaker::quote_id(SymbolId symbol, Side side) const noexcept {
  if (symbol.value >= index_.size() || index_[symbol.value] < 0) return {};
  return books_[static_cast<std::size_t>(index_[symbol.value])].side[slot_of(side)].id;
}

const trading::Order* MarketMaker::refresh(StrategyContext& ctx, Slot& slot) noexcept {
  if (slot.id.value == 0) return nullptr;
  const trading::Order* o = ctx.order(slot.id);
  if (o != nullptr && o->state == OrderState::Replaced && slot.next.value != 0) {
    slot.id = slot.next;
    slot.next = OrderId{};
    o = ctx.order(slot.id);
  }
  if (o == nullptr || trading::is_terminal(o->state)) {
    slot.id = OrderId{};
    slot.next = OrderId{};
    slot.placed = 0;
    return nullptr;
  }
  if (o->state != OrderState::PendingReplace) slot.next = OrderId{};  // a refused replace: the old terms stand
  return o;
}

void MarketMaker::cancel(StrategyContext& ctx, Slot& slot) noexcept {
  const trading::Order* o = refresh(ctx, slot);
  // A pending cancel is already on its way; a pending replace is answered
  // first (the OMS refuses a second request), and the next look cancels it.
  if (o == nullptr || o->state == OrderState::PendingCancel || o->state == OrderState::PendingReplace) return;
  if (ctx.cancel(o->cl_ord_id).reason == trading::RejectReason::None) ++counters_.cancels;
}

void MarketMaker::pull(StrategyContext& ctx, Book& b) noexcept {
  const std::uint64_t before = counters_.cancels;
  cancel(ctx, b.side[0]);
  cancel(ctx, b.side[1]);
  if (counters_.cancels != before) ++counters_.pulls;
}

void MarketMaker::evaluate(StrategyContext& ctx, Book& b) noexcept {
  const SymbolId s = b.symbol;
  const market_data::OrderBook* book = ctx.book(s);
  if (ctx.kill_state() != trading::KillState::Active || book == nullptr || !ctx.market_open(s)) {
    pull(ctx, b);
    return;
  }
  const market_data::Level bid = book->best_bid();
  const market_data::Level ask = book->best_ask();
  if (bid.empty() || ask.empty() || is_crossed(bid, ask)) {
    pull(ctx, b);
    return;
  }
  const StrategyInstrument& inst = ctx.instrument(s);
  const std::int64_t tick = inst.tick_size.raw;
  const Price fair =
      settings_.fair_value == MarketMakerSettings::FairValue::Mid ? mid_price(bid, ask) : micro_price(bid, ask);
  const std::int64_t max = settings_.max_position;
  const std::int64_t pos = ctx.position(s).net;
  // Skew in 1e-4 units, linear in position / max_position and capped at
  // skew_ticks (a position beyond the limit, e.g. after an operator trade,
  // does not push the quotes further away).
  const std::int64_t capped = std::clamp(pos, -max, max);
  const auto skew = static_cast<std::int64_t>(static_cast<core::int128>(settings_.skew_ticks) * tick * capped / max);
  const std::int64_t reservation = fair.raw - skew;
  const std::int64_t half = settings_.half_spread_ticks * tick;

  Wanted wb{floor_to_tick(Price{reservation - half}, inst.tick_size), 0};
  Wanted wa{ceil_to_tick(Price{reservation + half}, inst.tick_size), 0};
  // Passive only: never at or through the other side's best.
  wb.price = std::min(wb.price, Price{ask.price.raw - tick});
  wa.price = std::max(wa.price, Price{bid.price.raw + tick});
  // A side is quoted only as far as a full fill keeps |position| <= max.
  wb.qty = floor_to_lot(std::min(settings_.quote_size, max - pos), inst.lot_size);
  wa.qty = floor_to_lot(std::min(settings_.quote_size, max + pos), inst.lot_size);
  if (wb.price.raw <= 0) wb.qty = 0;

  work(ctx, s, Side::Buy, b.side[0], wb);
  work(ctx, s, Side::Sell, b.side[1], wa);
}

void MarketMaker::work(StrategyContext& ctx, SymbolId s, Side side, Slot& slot, Wanted w) noexcept {
  const trading::Order* o = refresh(ctx, slot);
  if (w.qty <= 0) {
    if (o != nullptr) cancel(ctx, slot);
    return;
  }
  const std::uint64_t now = ctx.now();
  if (now < slot.backoff_until) return;
  if (o == nullptr) {
    const trading::SubmitResult r = ctx.submit_limit(s, side, Qty{w.qty}, w.price);
    if (r.reason == trading::RejectReason::None && r.order != nullptr) {
      slot.id = r.order->cl_ord_id;
      slot.next = OrderId{};
      slot.placed = now;
      ++counters_.quotes;
    } else {
      slot.backoff_until = now + backoff_ticks_;
      ++counters_.rejects;
    }
    return;
  }
  if (waiting_for_venue(o->state)) return;  // one request in flight per quote

  const std::int64_t tick = ctx.instrument(s).tick_size.raw;
  const std::int64_t move = w.price.raw > o->price.raw ? w.price.raw - o->price.raw : o->price.raw - w.price.raw;
  const bool price_due = move >= settings_.requote_threshold_ticks * tick && now - slot.placed >= min_life_ticks_;
  // Leaves differ from the wanted size after a partial fill, or when the
  // position limit shrank the side: both are fixed at once.
  const bool size_due = o->leaves.value != w.qty;
  if (!price_due && !size_due) return;

  if (o->cum.value > 0) {
    // A replace states the order's total, filled shares included: topping a
    // partly filled quote up would grow one order past the quote size with
    // every fill, until the order-size limits refuse it. The quote is
    // retired instead, and a fresh one follows its cancel.
    cancel(ctx, slot);
    return;
  }
  const Price price = price_due ? w.price : o->price;
  const Qty total{w.qty};
  if (price == o->price && total == o->quantity) return;
  const trading::RequestResult r = ctx.replace(o->cl_ord_id, price, total);
  if (r.reason == trading::RejectReason::None) {
    slot.next = r.request_id;
    slot.placed = now;
    ++counters_.replaces;
  } else {
    slot.backoff_until = now + backoff_ticks_;
    ++counters_.rejects;
  }
}

void MarketMaker::on_book_update(StrategyContext& ctx, SymbolId symbol,
                                 const market_data::OrderBook& /*book*/) noexcept {
  if (Book* b = find(symbol)) evaluate(ctx, *b);
}

void MarketMaker::on_trading_state(StrategyContext& ctx, SymbolId symbol, char /*state*/) noexcept {
  if (Book* b = find(symbol)) evaluate(ctx, *b);
}

void MarketMaker::on_order_update(StrategyContext& ctx, const OrderUpdate& u) noexcept {
  Book* b = find(u.symbol);
  if (b == nullptr) return;
  bool ours = false;
  for (Slot& slot : b->side) {
    const bool mine = (u.id.value != 0 && (u.id == slot.id || u.id == slot.next)) ||
                      (u.orig_id.value != 0 && (u.orig_id == slot.id || u.orig_id == slot.next));
    if (!mine) continue;
    ours = true;
    if (u.kind == trading::ExecKind::Rejected || u.kind == trading::ExecKind::ReplaceRejected) {
      // The venue refused: wait before trying again rather than re-sending
      // into the same refusal on every book update.
      slot.backoff_until = ctx.now() + backoff_ticks_;
      ++counters_.rejects;
    }
  }
  if (ours) evaluate(ctx, *b);  // a fill, cancel or expiry frees or shrinks a quote: requote now
}

void MarketMaker::on_timer(StrategyContext& ctx, std::uint64_t /*now*/) noexcept {
  for (Book& b : books_) evaluate(ctx, b);
}

void MarketMaker::on_kill(StrategyContext& ctx, trading::KillState state) noexcept {
  for (Book& b : books_) {
    if (state == trading::KillState::Active) {
      evaluate(ctx, b);
    } else {
      pull(ctx, b);
    }
  }
}

}  // namespace hft::engine
