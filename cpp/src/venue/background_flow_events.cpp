// The background flow's view of its own orders: built only from the engine
// events routed to it, so it cancels and replaces what really rests.

#include "hft/venue/background_flow.h"

namespace hft::venue {

namespace {
constexpr std::size_t side_index(core::Side s) noexcept { return s == core::Side::Buy ? 0 : 1; }
}  // namespace

void BackgroundFlow::on_events(const Event* events, std::size_t count) noexcept {
  for (std::size_t i = 0; i < count; ++i) on_event(events[i]);
}

void BackgroundFlow::on_event(const Event& e) noexcept {
  if (!owns(e.participant)) return;
  switch (e.kind) {
    case EventKind::Accepted:
      track(e);
      break;
    case EventKind::Fill: {
      ++counters_.fills;
      const std::uint32_t at = by_id_.find(e.order_id);
      if (at == core::FlatIndex::kNotFound) break;
      live_[at].leaves = e.leaves;
      if (e.leaves == 0) forget(at);
      break;
    }
    case EventKind::Cancelled: {
      const std::uint32_t at = by_id_.find(e.order_id);
      if (at != core::FlatIndex::kNotFound) forget(at);
      break;
    }
    case EventKind::Replaced: {
      const std::uint32_t at = by_id_.find(e.other);  // the id before
      if (at == core::FlatIndex::kNotFound) break;
      Live& o = live_[at];
      if (e.order_id != e.other) {
        by_id_.erase(e.other);
        by_id_.insert(e.order_id, at);
        o.id = e.order_id;
      }
      o.price_ticks = e.price.raw / books_[o.book].tick;
      o.qty = e.qty;
      o.leaves = e.leaves;
      if (e.leaves == 0) forget(at);
      break;
    }
    case EventKind::Rejected:
      ++counters_.rejects;
      break;
    default:
      break;
  }
}

void BackgroundFlow::track(const Event& accepted) noexcept {
  // Market and IOC orders never rest; their fills and cancel follow in the
  // same input, so tracking only what can rest keeps the table honest.
  if (accepted.order_type != OrderType::Limit || accepted.tif != TimeInForce::Day) return;
  if (accepted.instrument >= book_of_.size() || book_of_[accepted.instrument] == 0xFFFF) return;
  if (live_count_ >= live_.size()) {
    ++counters_.untracked;
    return;
  }
  const auto at = static_cast<std::uint32_t>(live_count_);
  Live& o = live_[at];
  o.id = accepted.order_id;
  o.book = book_of_[accepted.instrument];
  o.price_ticks = accepted.price.raw / books_[o.book].tick;
  o.qty = accepted.qty;
  o.leaves = accepted.leaves;
  o.participant = accepted.participant;
  o.side = accepted.side;
  if (!by_id_.insert(o.id, at)) return;
  ++live_count_;
  ++books_[o.book].count[side_index(o.side)];
}

void BackgroundFlow::forget(std::uint32_t at) noexcept {
  Live& o = live_[at];
  --books_[o.book].count[side_index(o.side)];
  by_id_.erase(o.id);
  // Swap-remove: the last entry takes the hole, so the table stays dense
  // and a random pick is one index.
  const std::size_t last = live_count_ - 1;
  if (at != last) {
    live_[at] = live_[last];
    by_id_.erase(live_[at].id);
    by_id_.insert(live_[at].id, at);
  }
  --live_count_;
}

}  // namespace hft::venue
