// The matching engine's inputs: validation in a fixed order (the first
// failing rule is the reason), then new order, cancel, cancel/replace and
// trading state changes. Each input flushes its events before returning.

#include "hft/venue/matching_engine.h"

#include "matching_engine_inline.h"

namespace hft::venue {
namespace {

constexpr bool has_limit_price(OrderType t) noexcept { return t == OrderType::Limit || t == OrderType::StopLimit; }
constexpr bool is_stop(OrderType t) noexcept { return t == OrderType::Stop || t == OrderType::StopLimit; }

// A 32-bit division where the values allow (most prices): several times
// cheaper than the 64-bit one on the cores we run on, and on every input.
constexpr bool multiple_of(std::int64_t value, std::int64_t step) noexcept {
  if (value <= 0xFFFF'FFFF && step <= 0xFFFF'FFFF) {
    return static_cast<std::uint32_t>(value) % static_cast<std::uint32_t>(step) == 0;
  }
  return value % step == 0;
}

RejectReason check_price(core::Price price, core::Price tick) noexcept {
  if (price.raw <= 0) return RejectReason::InvalidPrice;
  if (!multiple_of(price.raw, tick.raw)) return RejectReason::PriceNotOnTick;
  return RejectReason::None;
}

RejectReason check_stop_price(core::Price stop, core::Price tick) noexcept {
  if (stop.raw <= 0) return RejectReason::InvalidStopPrice;
  if (!multiple_of(stop.raw, tick.raw)) return RejectReason::PriceNotOnTick;
  return RejectReason::None;
}

}  // namespace

RejectReason MatchingEngine::validate_qty(const InstrumentConfig& ins, core::Qty qty) const noexcept {
  if (qty.value <= 0) return RejectReason::QtyZero;
  if (qty.value > ins.max_order_qty) return RejectReason::QtyTooLarge;
  if (ins.lot != 1 && !multiple_of(qty.value, ins.lot)) return RejectReason::QtyNotLotMultiple;
  return RejectReason::None;
}

InputResult MatchingEngine::submit(const NewOrder& in, std::int64_t timestamp_ns) noexcept {
  now_ = timestamp_ns;
  RejectReason why = RejectReason::None;
  if (in.instrument >= instruments_.size()) {
    why = RejectReason::UnknownInstrument;
  } else if ((in.side != core::Side::Buy && in.side != core::Side::Sell) || in.type > OrderType::StopLimit ||
             in.tif > TimeInForce::Fok) {
    why = RejectReason::InvalidOrderType;
  } else {
    const InstrumentConfig& ins = instruments_[in.instrument];
    const Book& b = books_[in.instrument];
    if (b.state == TradingState::Halted) {
      why = RejectReason::Halted;
    } else if ((why = validate_qty(ins, in.qty)) != RejectReason::None) {
    } else if (has_limit_price(in.type) && (why = check_price(in.price, ins.tick)) != RejectReason::None) {
    } else if (is_stop(in.type) && (why = check_stop_price(in.stop_price, ins.tick)) != RejectReason::None) {
    } else if (is_stop(in.type) && stop_already_triggered(b, in.side, in.stop_price.raw)) {
      why = RejectReason::StopAlreadyTriggered;
    } else if (live_ >= capacity_) {
      why = RejectReason::Capacity;
    } else if (in.type == OrderType::Limit && in.tif == TimeInForce::Day &&
               !has_room_for(b.side[side_index(in.side)], key_of(in.side, in.price.raw))) {
      why = RejectReason::Capacity;
    }
  }
  if (why != RejectReason::None) {
    reject(InputKind::NewOrder, why, 0, in.client_order_id, in.participant, in.instrument);
    flush();
    return InputResult{why, 0};
  }

  const std::uint32_t s = allocate_slot();
  Slot& o = slots_[s];
  const VenueOrderId id = o.id;
  o.client = in.client_order_id;
  o.price = has_limit_price(in.type) ? in.price.raw : 0;
  o.stop_price = is_stop(in.type) ? in.stop_price.raw : 0;
  o.leaves = static_cast<std::uint32_t>(in.qty.value);
  o.executed = 0;
  o.prev = kNone;
  o.next = kNone;
  o.level = kNone;
  o.participant = in.participant;
  o.instrument = in.instrument;
  o.side = in.side;
  o.type = in.type;
  o.tif = in.tif;
  o.state = SlotState::Active;
  Event& e = emit_order(EventKind::Accepted, o);
  e.qty = in.qty.value;
  e.other = static_cast<std::uint64_t>(o.stop_price);

  if (is_stop(in.type)) {
    insert_stop(s);
  } else {
    execute_incoming(s);
    drain_triggers();
  }
  flush();
  return InputResult{RejectReason::None, id};
}

InputResult MatchingEngine::cancel(const CancelRequest& in, std::int64_t timestamp_ns) noexcept {
  now_ = timestamp_ns;
  Slot* o = lookup(in.order_id);
  if (o == nullptr || o->participant != in.participant ||
      (o->state != SlotState::Resting && o->state != SlotState::Stop)) {
    reject(InputKind::Cancel, RejectReason::UnknownOrder, in.order_id, in.client_order_id, in.participant,
           o != nullptr ? o->instrument : InstrumentId{0});
    flush();
    return InputResult{RejectReason::UnknownOrder, 0};
  }
  o->client = in.client_order_id;
  cancel_rest(static_cast<std::uint32_t>(in.order_id & slot_mask_), CancelReason::User);
  flush();
  return InputResult{RejectReason::None, in.order_id};
}

InputResult MatchingEngine::set_trading_state(InstrumentId instrument, TradingState state,
                                              std::int64_t timestamp_ns) noexcept {
  now_ = timestamp_ns;
  RejectReason why = RejectReason::None;
  if (instrument >= instruments_.size()) why = RejectReason::UnknownInstrument;
  if (state != TradingState::Trading && state != TradingState::Halted) why = RejectReason::InvalidOrderType;
  if (why != RejectReason::None) {
    reject(InputKind::TradingState, why, 0, 0, 0, instrument);
    flush();
    return InputResult{why, 0};
  }
  Book& b = books_[instrument];
  if (b.state != state) {
    b.state = state;
    Event& e = emit(EventKind::TradingStatus, instrument);
    e.trading_state = state;
  }
  flush();
  return InputResult{};
}

InputResult MatchingEngine::replace(const ReplaceRequest& in, std::int64_t timestamp_ns) noexcept {
  now_ = timestamp_ns;
  Slot* o = lookup(in.order_id);
  RejectReason why = RejectReason::None;
  if (o == nullptr || o->participant != in.participant ||
      (o->state != SlotState::Resting && o->state != SlotState::Stop)) {
    why = RejectReason::UnknownOrder;
  } else {
    const InstrumentConfig& ins = instruments_[o->instrument];
    const Book& b = books_[o->instrument];
    if (b.state == TradingState::Halted) {
      why = RejectReason::Halted;
    } else if ((why = validate_qty(ins, in.qty)) != RejectReason::None) {
    } else if (has_limit_price(o->type) && (why = check_price(in.price, ins.tick)) != RejectReason::None) {
    } else if (o->state == SlotState::Stop) {
      if ((why = check_stop_price(in.stop_price, ins.tick)) == RejectReason::None &&
          stop_already_triggered(b, o->side, in.stop_price.raw)) {
        why = RejectReason::StopAlreadyTriggered;
      }
    }
  }
  if (why != RejectReason::None) {
    reject(InputKind::Replace, why, in.order_id, in.client_order_id, in.participant,
           o != nullptr ? o->instrument : InstrumentId{0});
    flush();
    return InputResult{why, 0};
  }
  const InputResult r = o->state == SlotState::Stop
                            ? replace_stop(*o, in)
                            : replace_resting(static_cast<std::uint32_t>(in.order_id & slot_mask_), in);
  flush();
  return r;
}

// A waiting stop keeps its id (it is not on the public book); it keeps its
// place among the stops only when neither price changes and the quantity
// does not grow.
InputResult MatchingEngine::replace_stop(Slot& o, const ReplaceRequest& in) noexcept {
  const std::int64_t price = o.type == OrderType::StopLimit ? in.price.raw : 0;
  const bool keep_place =
      price == o.price && in.stop_price.raw == o.stop_price && in.qty.value <= static_cast<std::int64_t>(o.leaves);
  const auto s = static_cast<std::uint32_t>(o.id & slot_mask_);
  if (!keep_place) remove_stop(s);
  o.price = price;
  o.stop_price = in.stop_price.raw;
  o.leaves = static_cast<std::uint32_t>(in.qty.value);
  o.client = in.client_order_id;
  if (!keep_place) insert_stop(s);
  Event& e = emit_order(EventKind::Replaced, o);
  e.qty = in.qty.value;
  e.other = o.id;
  return InputResult{RejectReason::None, o.id};
}

InputResult MatchingEngine::replace_resting(std::uint32_t s, const ReplaceRequest& in) noexcept {
  Slot& o = slots_[s];
  Ladder& own = books_[o.instrument].side[side_index(o.side)];
  const VenueOrderId old_id = o.id;
  const std::int64_t old_key = key_of(o.side, o.price);
  const std::int64_t total = in.qty.value;
  o.client = in.client_order_id;

  // At or below what has executed: nothing is left to rest, the order is done.
  if (total <= static_cast<std::int64_t>(o.executed)) {
    Event& e = emit_order(EventKind::Replaced, o);
    e.qty = total;
    e.leaves = 0;
    e.other = old_id;
    const std::uint32_t lv = o.level;
    Event& d = emit_order(EventKind::BookDelete, o);
    d.qty = o.leaves;
    d.leaves = 0;
    unlink(s);
    free_slot(s);
    erase_level_if_empty(own, old_key, lv);
    return InputResult{RejectReason::None, old_id};
  }

  const auto leaves = static_cast<std::uint32_t>(total - static_cast<std::int64_t>(o.executed));
  // Same price, not larger: keeps its place and its id.
  if (in.price.raw == o.price && leaves <= o.leaves) {
    const std::uint32_t cut = o.leaves - leaves;
    o.leaves = leaves;
    levels_[o.level].qty -= cut;
    Event& e = emit_order(EventKind::Replaced, o);
    e.qty = total;
    e.other = old_id;
    if (cut > 0) {
      Event& x = emit_order(EventKind::BookCancel, o);
      x.qty = cut;
    }
    return InputResult{RejectReason::None, old_id};
  }

  // Loses priority: a new id at the back of the (new) price level.
  const std::int64_t new_key = key_of(o.side, in.price.raw);
  if (!has_room_for(own, new_key)) {
    reject(InputKind::Replace, RejectReason::Capacity, old_id, in.client_order_id, in.participant, o.instrument);
    return InputResult{RejectReason::Capacity, 0};
  }
  const Ladder& opp = books_[o.instrument].side[side_index(core::opposite(o.side))];
  const bool marketable =
      opp.size > 0 && key_of(o.side, in.price.raw) >= -opp.keys[opp.size - 1];  // crosses or locks the touch

  const std::uint32_t ns = allocate_slot();
  Slot& n = slots_[ns];
  const VenueOrderId new_id = n.id;
  n = o;
  n.id = new_id;
  n.price = in.price.raw;
  n.prev = kNone;
  n.next = kNone;
  n.level = kNone;
  n.state = SlotState::Active;

  n.leaves = leaves;
  Event& e = emit_order(EventKind::Replaced, n);
  e.qty = total;
  e.other = old_id;
  if (marketable) {
    // 'D' then executions and maybe 'A': the feed never shows the replaced
    // order crossing the book, as one 'U' would.
    Event& d = emit_order(EventKind::BookDelete, o);
    d.qty = o.leaves;
    d.leaves = 0;
  }
  const std::uint32_t old_level = o.level;
  unlink(s);
  free_slot(s);
  erase_level_if_empty(own, old_key, old_level);

  if (marketable) {
    execute_incoming(ns);
    drain_triggers();
  } else {
    rest(ns);
    Event& u = emit_order(EventKind::BookReplace, n);
    u.qty = leaves;
    u.other = old_id;
  }
  return InputResult{RejectReason::None, new_id};
}

}  // namespace hft::venue
