#pragma once
// The matching engine's small hot helpers, shared by its translation units
// (inputs, matching, book) so each can inline them: event staging, order
// slots, and level/ladder maintenance.

#include <algorithm>
#include <cstring>

#include "hft/venue/matching_engine.h"

namespace hft::venue {

inline Event& MatchingEngine::emit(EventKind kind, InstrumentId instrument) noexcept {
  if (staged_ == stage_.size()) flush();
  Event& e = stage_[staged_++];
  // Field by field, not `e = Event{}`: the compiler builds that temporary
  // on the stack with mixed-width stores and copies it with wide loads, a
  // store-forwarding stall that cost two thirds of submit() (perf).
  e.seq = ++seq_;
  e.timestamp_ns = now_;
  e.order_id = 0;
  e.client_order_id = 0;
  e.price = core::Price{};
  e.qty = 0;
  e.leaves = 0;
  e.other = 0;
  e.participant = 0;
  e.instrument = instrument;
  e.kind = kind;
  e.side = core::Side::Buy;
  e.order_type = OrderType::Limit;
  e.tif = TimeInForce::Day;
  e.reject = RejectReason::None;
  e.cancel_reason = CancelReason::User;
  e.input = InputKind::NewOrder;
  e.trading_state = TradingState::Trading;
  e.aggressor = false;
  return e;
}

inline Event& MatchingEngine::emit_order(EventKind kind, const Slot& o) noexcept {
  Event& e = emit(kind, o.instrument);
  e.order_id = o.id;
  e.client_order_id = o.client;
  e.participant = o.participant;
  e.side = o.side;
  e.order_type = o.type;
  e.tif = o.tif;
  e.price = core::Price::from_raw(o.price);
  e.leaves = o.leaves;
  return e;
}

inline MatchingEngine::Slot* MatchingEngine::lookup(VenueOrderId id) noexcept {
  if (id == 0) return nullptr;
  Slot& s = slots_[id & slot_mask_];
  return s.id == id ? &s : nullptr;
}

// Ids skip past slots still held by older orders: the table has at least
// twice as many slots as live orders, so the skip is short and ids stay
// increasing.
inline std::uint32_t MatchingEngine::allocate_slot() noexcept {
  while (slots_[next_id_ & slot_mask_].id != 0) ++next_id_;
  const auto s = static_cast<std::uint32_t>(next_id_ & slot_mask_);
  slots_[s].id = next_id_++;
  ++live_;
  return s;
}

inline void MatchingEngine::free_slot(std::uint32_t s) noexcept {
  slots_[s].id = 0;
  slots_[s].state = SlotState::Free;
  --live_;
}

// lower_bound from the back: activity sits near the touch, so a short
// backwards scan usually finds the place without touching the rest.
inline std::uint32_t MatchingEngine::find_position(const Ladder& l, std::int64_t key) const noexcept {
  std::uint32_t i = l.size;
  for (int step = 0; step < 8; ++step) {
    if (i == 0 || l.keys[i - 1] < key) return i;
    --i;
  }
  return static_cast<std::uint32_t>(std::lower_bound(l.keys, l.keys + i, key) - l.keys);
}

inline bool MatchingEngine::has_room_for(const Ladder& l, std::int64_t key) const noexcept {
  if (l.size < max_levels_) return true;
  const std::uint32_t pos = find_position(l, key);
  return pos < l.size && l.keys[pos] == key;
}

// Appends a resting order at the back of its price level, creating the level
// when needed (the caller checked has_room_for).
inline void MatchingEngine::rest(std::uint32_t s) noexcept {
  Slot& o = slots_[s];
  Ladder& l = books_[o.instrument].side[side_index(o.side)];
  const std::int64_t key = key_of(o.side, o.price);
  std::uint32_t lv;
  if (l.size > 0 && l.keys[l.size - 1] == key) {
    lv = l.levels[l.size - 1];
  } else {
    const std::uint32_t pos = find_position(l, key);
    if (pos < l.size && l.keys[pos] == key) {
      lv = l.levels[pos];
    } else {
      lv = free_levels_[--free_level_count_];
      const std::uint32_t above = l.size - pos;
      std::memmove(l.keys + pos + 1, l.keys + pos, above * sizeof(std::int64_t));
      std::memmove(l.levels + pos + 1, l.levels + pos, above * sizeof(std::uint32_t));
      l.keys[pos] = key;
      l.levels[pos] = lv;
      ++l.size;
      Level& fresh = levels_[lv];
      fresh.price = o.price;
      fresh.qty = 0;
      fresh.head = kNone;
      fresh.tail = kNone;
      fresh.count = 0;
    }
  }
  Level& level = levels_[lv];
  o.prev = level.tail;
  o.next = kNone;
  if (level.tail != kNone) {
    slots_[level.tail].next = s;
  } else {
    level.head = s;
  }
  level.tail = s;
  level.qty += o.leaves;
  ++level.count;
  o.level = lv;
  o.state = SlotState::Resting;
}

// Takes a resting order out of its level's FIFO; the level may be left empty
// (erase_level_if_empty).
inline void MatchingEngine::unlink(std::uint32_t s) noexcept {
  Slot& o = slots_[s];
  Level& level = levels_[o.level];
  if (o.prev != kNone) {
    slots_[o.prev].next = o.next;
  } else {
    level.head = o.next;
  }
  if (o.next != kNone) {
    slots_[o.next].prev = o.prev;
  } else {
    level.tail = o.prev;
  }
  level.qty -= o.leaves;
  --level.count;
  o.prev = kNone;
  o.next = kNone;
}

inline void MatchingEngine::erase_level_if_empty(Ladder& l, std::int64_t key, std::uint32_t lv) noexcept {
  if (levels_[lv].count != 0) return;
  const std::uint32_t pos = l.keys[l.size - 1] == key ? l.size - 1 : find_position(l, key);
  const std::uint32_t above = l.size - pos - 1;
  std::memmove(l.keys + pos, l.keys + pos + 1, above * sizeof(std::int64_t));
  std::memmove(l.levels + pos, l.levels + pos + 1, above * sizeof(std::uint32_t));
  --l.size;
  free_levels_[free_level_count_++] = lv;
}

}  // namespace hft::venue
