// Matching: an incoming order against the opposite side, fill-or-kill
// checks, self-match prevention, ending an order's life, and stops (held
// off book, triggered by trades, run in trigger order).

#include <limits>

#include "hft/venue/matching_engine.h"

#include "matching_engine_inline.h"

namespace hft::venue {

void MatchingEngine::execute_incoming(std::uint32_t s) noexcept {
  Slot& o = slots_[s];
  Book& b = books_[o.instrument];
  const Ladder& opp = b.side[side_index(core::opposite(o.side))];
  const bool buy = o.side == core::Side::Buy;
  const bool market = o.type == OrderType::Market || o.type == OrderType::Stop;

  std::int64_t limit = o.price;
  if (market) {
    limit = buy ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
    const std::int64_t collar = instruments_[o.instrument].collar.raw;
    if (collar > 0 && opp.size > 0) {
      const std::int64_t touch = levels_[opp.levels[opp.size - 1]].price;
      limit = buy ? touch + collar : touch - collar;
    }
  }
  if (o.tif == TimeInForce::Fok && !fok_can_fill(o, limit)) {
    cancel_rest(s, CancelReason::FillOrKill);
    return;
  }

  Sweep sweep;
  match(s, limit, sweep);
  if (sweep.traded) finish_sweep(b, sweep);

  if (o.leaves == 0) {
    free_slot(s);
  } else if (sweep.self_cancelled) {
    cancel_rest(s, CancelReason::SelfMatch);
  } else if (market) {
    cancel_rest(s, sweep.collared ? CancelReason::Collar : CancelReason::NoLiquidity);
  } else if (o.tif != TimeInForce::Day) {
    cancel_rest(s, o.tif == TimeInForce::Fok ? CancelReason::FillOrKill : CancelReason::Ioc);
  } else if (!has_room_for(b.side[side_index(o.side)], key_of(o.side, o.price))) {
    cancel_rest(s, CancelReason::Capacity);
  } else {
    rest(s);
    Event& e = emit_order(EventKind::BookAdd, o);
    e.qty = o.leaves;
  }
}

// Walks the orders the incoming one could meet until it has seen enough.
// Orders of the same participant do not count: under CancelResting they
// would be cancelled on the way, under the other modes the incoming order
// stops at the first one.
bool MatchingEngine::fok_can_fill(const Slot& o, std::int64_t limit) const noexcept {
  const Ladder& l = books_[o.instrument].side[side_index(core::opposite(o.side))];
  const bool buy = o.side == core::Side::Buy;
  std::int64_t need = o.leaves;
  for (std::uint32_t k = l.size; k-- > 0;) {
    const Level& lv = levels_[l.levels[k]];
    if (buy ? lv.price > limit : lv.price < limit) return false;
    for (std::uint32_t r = lv.head; r != kNone; r = slots_[r].next) {
      const Slot& ro = slots_[r];
      if (ro.participant == o.participant) {
        if (self_match_ == SelfMatchMode::CancelResting) continue;
        return false;
      }
      need -= ro.leaves;
      if (need <= 0) return true;
    }
  }
  return false;
}

void MatchingEngine::match(std::uint32_t s, std::int64_t limit, Sweep& sweep) noexcept {
  Slot& a = slots_[s];
  Ladder& l = books_[a.instrument].side[side_index(core::opposite(a.side))];
  const bool buy = a.side == core::Side::Buy;
  while (a.leaves > 0 && l.size > 0) {
    const std::uint32_t lv_index = l.levels[l.size - 1];
    Level& lv = levels_[lv_index];
    if (buy ? lv.price > limit : lv.price < limit) {
      sweep.collared = true;  // only read for market orders, whose limit is the collar
      break;
    }
    std::uint32_t r = lv.head;
    while (r != kNone && a.leaves > 0) {
      const std::uint32_t next = slots_[r].next;
      if (slots_[r].participant == a.participant) {
        if (self_match_ != SelfMatchMode::CancelIncoming) drop_resting(r, CancelReason::SelfMatch);
        if (self_match_ != SelfMatchMode::CancelResting) {
          sweep.self_cancelled = true;
          break;
        }
      } else {
        trade(a, r, lv, sweep);
      }
      r = next;
    }
    if (lv.count == 0) {
      --l.size;
      free_levels_[free_level_count_++] = lv_index;
    }
    if (sweep.self_cancelled) break;
  }
}

void MatchingEngine::trade(Slot& a, std::uint32_t r, Level& lv, Sweep& sweep) noexcept {
  Slot& ro = slots_[r];
  const std::uint32_t qty = a.leaves < ro.leaves ? a.leaves : ro.leaves;
  const std::int64_t price = lv.price;
  const std::uint64_t match_number = ++match_;
  a.leaves -= qty;
  a.executed += qty;
  ro.leaves -= qty;
  ro.executed += qty;
  lv.qty -= qty;

  Event& fa = emit_order(EventKind::Fill, a);
  fa.price = core::Price::from_raw(price);
  fa.qty = qty;
  fa.other = match_number;
  fa.aggressor = true;
  Event& fr = emit_order(EventKind::Fill, ro);
  fr.price = core::Price::from_raw(price);
  fr.qty = qty;
  fr.other = match_number;
  Event& be = emit_order(EventKind::BookExecuted, ro);
  be.qty = qty;
  be.other = match_number;

  if (ro.leaves == 0) {
    unlink(r);
    free_slot(r);
  }
  if (!sweep.traded) {
    sweep.traded = true;
    sweep.high = price;
    sweep.low = price;
  }
  if (price > sweep.high) sweep.high = price;
  if (price < sweep.low) sweep.low = price;
  sweep.last = price;
}

// A resting order leaves the book without executing; its level is left for
// the caller to erase (matching pops it from the back when it empties).
void MatchingEngine::drop_resting(std::uint32_t s, CancelReason reason) noexcept {
  Slot& o = slots_[s];
  Event& c = emit_order(EventKind::Cancelled, o);
  c.qty = o.leaves;
  c.leaves = 0;
  c.cancel_reason = reason;
  Event& d = emit_order(EventKind::BookDelete, o);
  d.qty = o.leaves;
  d.leaves = 0;
  unlink(s);
  free_slot(s);
}

void MatchingEngine::cancel_rest(std::uint32_t s, CancelReason reason) noexcept {
  Slot& o = slots_[s];
  if (o.state == SlotState::Resting) {
    Ladder& l = books_[o.instrument].side[side_index(o.side)];
    const std::uint32_t lv = o.level;
    const std::int64_t key = key_of(o.side, o.price);
    drop_resting(s, reason);
    erase_level_if_empty(l, key, lv);
    return;
  }
  Event& c = emit_order(EventKind::Cancelled, o);
  c.qty = o.leaves;
  c.leaves = 0;
  c.cancel_reason = reason;
  if (o.state == SlotState::Stop) remove_stop(s);
  free_slot(s);
}

void MatchingEngine::finish_sweep(Book& b, const Sweep& sweep) noexcept {
  b.last_trade = sweep.last;
  b.has_last_trade = true;
  // Buy stops wait in ascending stop price, sell stops in descending, each
  // in arrival order among equal prices: the list order is the trigger order.
  std::uint32_t& buys = b.stops[0];
  while (buys != kNone && slots_[buys].stop_price <= sweep.high) {
    const std::uint32_t s = buys;
    remove_stop(s);
    enqueue_trigger(s);
  }
  std::uint32_t& sells = b.stops[1];
  while (sells != kNone && slots_[sells].stop_price >= sweep.low) {
    const std::uint32_t s = sells;
    remove_stop(s);
    enqueue_trigger(s);
  }
}

void MatchingEngine::enqueue_trigger(std::uint32_t s) noexcept {
  Slot& o = slots_[s];
  o.state = SlotState::Active;
  o.prev = kNone;
  o.next = kNone;
  if (trigger_tail_ != kNone) {
    slots_[trigger_tail_].next = s;
  } else {
    trigger_head_ = s;
  }
  trigger_tail_ = s;
}

// Triggered stops run one after the other in trigger order; the trades of
// each can trigger more, which join the back of the queue (a cascade).
void MatchingEngine::drain_triggers() noexcept {
  while (trigger_head_ != kNone) {
    const std::uint32_t s = trigger_head_;
    Slot& o = slots_[s];
    trigger_head_ = o.next;
    if (trigger_head_ == kNone) trigger_tail_ = kNone;
    o.next = kNone;
    Event& e = emit_order(EventKind::Triggered, o);
    e.price = core::Price::from_raw(books_[o.instrument].last_trade);
    e.other = static_cast<std::uint64_t>(o.stop_price);
    execute_incoming(s);
  }
}

void MatchingEngine::insert_stop(std::uint32_t s) noexcept {
  Slot& o = slots_[s];
  o.state = SlotState::Stop;
  std::uint32_t& head = books_[o.instrument].stops[side_index(o.side)];
  const bool buy = o.side == core::Side::Buy;
  // After every stop that triggers no later than this one.
  std::uint32_t prev = kNone;
  std::uint32_t at = head;
  while (at != kNone && (buy ? slots_[at].stop_price <= o.stop_price : slots_[at].stop_price >= o.stop_price)) {
    prev = at;
    at = slots_[at].next;
  }
  o.prev = prev;
  o.next = at;
  if (prev != kNone) {
    slots_[prev].next = s;
  } else {
    head = s;
  }
  if (at != kNone) slots_[at].prev = s;
}

void MatchingEngine::remove_stop(std::uint32_t s) noexcept {
  Slot& o = slots_[s];
  std::uint32_t& head = books_[o.instrument].stops[side_index(o.side)];
  if (o.prev != kNone) {
    slots_[o.prev].next = o.next;
  } else {
    head = o.next;
  }
  if (o.next != kNone) slots_[o.next].prev = o.prev;
  o.prev = kNone;
  o.next = kNone;
}

bool MatchingEngine::stop_already_triggered(const Book& b, core::Side side, std::int64_t stop) const noexcept {
  if (!b.has_last_trade) return false;
  return side == core::Side::Buy ? stop <= b.last_trade : stop >= b.last_trade;
}

}  // namespace hft::venue
