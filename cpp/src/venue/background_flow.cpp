// The background flow's generator: the rate clock, the random walk of each
// mid, and the choice and shape of every input.

#include "hft/venue/background_flow.h"

#include <algorithm>
#include <stdexcept>

#include "hft/venue/matching_engine.h"

namespace hft::venue {

namespace {

constexpr std::uint16_t kNoBook = 0xFFFF;
constexpr std::size_t side_index(core::Side s) noexcept { return s == core::Side::Buy ? 0 : 1; }

}  // namespace

void EngineFlowTarget::submit(const NewOrder& order, std::int64_t now_ns) noexcept { engine_->submit(order, now_ns); }
void EngineFlowTarget::cancel(const CancelRequest& request, std::int64_t now_ns) noexcept {
  engine_->cancel(request, now_ns);
}
void EngineFlowTarget::replace(const ReplaceRequest& request, std::int64_t now_ns) noexcept {
  engine_->replace(request, now_ns);
}

BackgroundFlow::BackgroundFlow(const BackgroundFlowOptions& options, FlowTarget& target)
    : target_(&target),
      options_(options),
      first_participant_(options.first_participant),
      participant_count_(options.participant_count),
      rng_(options.seed),
      by_id_(options.max_live_orders == 0 ? 1 : options.max_live_orders) {
  if (options.instruments.empty() || options.instruments.size() >= kNoBook) {
    throw std::invalid_argument("BackgroundFlow: 1..65534 instruments needed");
  }
  if (options.messages_per_second == 0 || options.messages_per_second > 1'000'000'000) {
    throw std::invalid_argument("BackgroundFlow: messages_per_second must be 1..10^9");
  }
  if (options.first_participant == 0 || options.participant_count == 0) {
    throw std::invalid_argument("BackgroundFlow: participants must be non-zero");
  }
  if (options.max_per_step == 0 || options.max_live_orders == 0 || options.max_live_orders > (1u << 30) ||
      options.max_orders_per_side == 0 || options.min_lots <= 0 || options.max_lots < options.min_lots) {
    throw std::invalid_argument("BackgroundFlow: sizes must be positive");
  }
  if (std::uint64_t{options.passive_per_mille} + options.cancel_per_mille + options.aggressive_per_mille > 1000) {
    throw std::invalid_argument("BackgroundFlow: the input mix exceeds 1000 per mille");
  }
  InstrumentId highest = 0;
  for (const FlowInstrument& i : options.instruments) highest = std::max(highest, i.id);
  book_of_.assign(std::size_t{highest} + 1, kNoBook);
  books_.reserve(options.instruments.size());
  for (const FlowInstrument& i : options.instruments) {
    if (i.tick.raw <= 0 || i.lot <= 0) throw std::invalid_argument("BackgroundFlow: tick and lot must be > 0");
    if (book_of_[i.id] != kNoBook) throw std::invalid_argument("BackgroundFlow: instrument listed twice");
    Book b;
    b.id = i.id;
    b.tick = i.tick.raw;
    b.lot = i.lot;
    // The mid never goes so low that a bid would reach zero.
    b.min_mid_ticks = std::int64_t{options.half_spread_ticks} + options.depth_ticks + 1;
    b.mid_ticks = std::max(i.initial_mid.raw / i.tick.raw, b.min_mid_ticks);
    book_of_[i.id] = static_cast<std::uint16_t>(books_.size());
    books_.push_back(b);
  }
  live_.resize(options.max_live_orders);
  // splitmix64 of the seed, so nearby seeds give unrelated streams.
  rng_ += 0x9E3779B97F4A7C15ull;
  rng_ = (rng_ ^ (rng_ >> 30)) * 0xBF58476D1CE4E5B9ull;
  rng_ = (rng_ ^ (rng_ >> 27)) * 0x94D049BB133111EBull;
  rng_ ^= rng_ >> 31;
  if (rng_ == 0) rng_ = 1;
}

std::uint64_t BackgroundFlow::next_random() noexcept {
  // xorshift64*: fast, good enough for a market simulation, reproducible everywhere.
  rng_ ^= rng_ >> 12;
  rng_ ^= rng_ << 25;
  rng_ ^= rng_ >> 27;
  return rng_ * 0x2545F4914F6CDD1Dull;
}

std::size_t BackgroundFlow::step(std::int64_t now_ns) noexcept {
  if (!started_) {
    started_ = true;
    start_ns_ = now_ns;
    seed_books(now_ns);
  }
  if (now_ns <= start_ns_) return 0;
  const auto due = static_cast<std::uint64_t>(core::uint128(static_cast<std::uint64_t>(now_ns - start_ns_)) *
                                              options_.messages_per_second / 1'000'000'000u);
  const std::uint64_t backlog = due - emitted_;
  const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(backlog, options_.max_per_step));
  for (std::size_t i = 0; i < n; ++i) emit_one(now_ns);
  emitted_ += n;
  // Fallen behind by more than one more step's worth: forget the excess
  // instead of bursting to catch up.
  if (due - emitted_ > options_.max_per_step) {
    counters_.dropped_due += due - emitted_ - options_.max_per_step;
    emitted_ = due - options_.max_per_step;
  }
  return n;
}

void BackgroundFlow::seed_books(std::int64_t now_ns) noexcept {
  for (std::size_t b = 0; b < books_.size(); ++b) {
    for (std::uint32_t d = 0; d < options_.initial_depth; ++d) {
      for (const core::Side side : {core::Side::Buy, core::Side::Sell}) {
        if (live_count_ >= live_.size()) return;
        NewOrder o;
        o.client_order_id = ++next_client_;
        o.participant = any_participant();
        o.instrument = books_[b].id;
        o.side = side;
        o.price = core::Price::from_raw(passive_ticks(books_[b], side, d) * books_[b].tick);
        o.qty = core::Qty{size_lots(d) * books_[b].lot};
        ++counters_.inputs;
        ++counters_.passive;
        target_->submit(o, now_ns);
      }
    }
  }
}

void BackgroundFlow::emit_one(std::int64_t now_ns) noexcept {
  const std::size_t b = static_cast<std::size_t>(below(books_.size()));
  Book& book = books_[b];
  if (below(1000) < options_.move_per_mille) {
    book.mid_ticks += below(2) == 0 ? -1 : 1;
    book.mid_ticks = std::max(book.mid_ticks, book.min_mid_ticks);
  }
  const std::uint64_t r = below(1000);
  const std::uint64_t passive_end = options_.passive_per_mille;
  const std::uint64_t cancel_end = passive_end + options_.cancel_per_mille;
  const std::uint64_t aggressive_end = cancel_end + options_.aggressive_per_mille;
  ++counters_.inputs;
  if (r < passive_end) {
    passive(b, now_ns);
  } else if (r < cancel_end) {
    cancel_one(b, now_ns);
  } else if (r < aggressive_end) {
    aggressive(b, now_ns);
  } else {
    replace_one(b, now_ns);
  }
}

std::int64_t BackgroundFlow::passive_ticks(const Book& book, core::Side side, std::int64_t behind) const noexcept {
  const std::int64_t away = std::int64_t{options_.half_spread_ticks} + behind;
  return side == core::Side::Buy ? book.mid_ticks - away : book.mid_ticks + away;
}

std::int64_t BackgroundFlow::size_lots(std::int64_t behind) noexcept {
  const std::int64_t base =
      options_.min_lots +
      static_cast<std::int64_t>(below(static_cast<std::uint64_t>(options_.max_lots - options_.min_lots + 1)));
  return base + base * behind / 4;  // deeper levels hold more size
}

bool BackgroundFlow::far(const Live& o) const noexcept {
  const std::int64_t d = o.price_ticks - books_[o.book].mid_ticks;
  return (d < 0 ? -d : d) > std::int64_t{options_.max_distance_ticks};
}

void BackgroundFlow::passive(std::size_t b, std::int64_t now_ns) noexcept {
  const Book& book = books_[b];
  // Feed the thinner side: a side with less than half the other's orders
  // always gets the order, so the book stays two-sided.
  core::Side side = below(2) == 0 ? core::Side::Buy : core::Side::Sell;
  if (book.count[0] * 2 < book.count[1]) side = core::Side::Buy;
  if (book.count[1] * 2 < book.count[0]) side = core::Side::Sell;
  if (live_count_ >= live_.size() || book.count[side_index(side)] >= options_.max_orders_per_side) {
    cancel_one(b, now_ns);
    return;
  }
  place_passive(b, side, now_ns);
}

void BackgroundFlow::place_passive(std::size_t b, core::Side side, std::int64_t now_ns) noexcept {
  const Book& book = books_[b];
  // min of two uniform draws: more orders near the touch, a tail behind it.
  const std::uint64_t depth = std::max<std::uint64_t>(options_.depth_ticks, 1);
  const auto behind = static_cast<std::int64_t>(std::min(below(depth), below(depth)));
  NewOrder o;
  o.client_order_id = ++next_client_;
  o.participant = any_participant();
  o.instrument = book.id;
  o.side = side;
  o.price = core::Price::from_raw(passive_ticks(book, side, behind) * book.tick);
  o.qty = core::Qty{size_lots(behind) * book.lot};
  ++counters_.passive;
  target_->submit(o, now_ns);
}

void BackgroundFlow::aggressive(std::size_t b, std::int64_t now_ns) noexcept {
  const Book& book = books_[b];
  const core::Side side = below(2) == 0 ? core::Side::Buy : core::Side::Sell;
  // Never take out a thin side: rebuild it instead.
  const core::Side contra = core::opposite(side);
  if (book.count[side_index(contra)] < 2) {
    place_passive(b, contra, now_ns);
    return;
  }
  NewOrder o;
  o.client_order_id = ++next_client_;
  o.participant = any_participant();
  o.instrument = book.id;
  o.side = side;
  o.qty = core::Qty{size_lots(0) * book.lot};
  if (below(2) == 0) {
    o.type = OrderType::Market;
  } else {
    // An IOC limit a few ticks through the mid: it crosses the spread but
    // cannot sweep the whole side.
    const std::int64_t through = std::int64_t{options_.half_spread_ticks} + options_.depth_ticks / 2 + 1;
    o.type = OrderType::Limit;
    o.tif = TimeInForce::Ioc;
    const std::int64_t ticks = side == core::Side::Buy ? book.mid_ticks + through : book.mid_ticks - through;
    o.price = core::Price::from_raw(std::max<std::int64_t>(ticks, 1) * book.tick);
  }
  ++counters_.aggressive;
  target_->submit(o, now_ns);
}

void BackgroundFlow::cancel_one(std::size_t b, std::int64_t now_ns) noexcept {
  if (live_count_ == 0) {
    place_passive(b, below(2) == 0 ? core::Side::Buy : core::Side::Sell, now_ns);
    return;
  }
  // Look at a few orders round-robin: the first that drifted far from its
  // mid goes; otherwise a random one.
  for (int i = 0; i < 4; ++i) {
    if (cursor_ >= live_count_) cursor_ = 0;
    const std::size_t at = cursor_++;
    if (far(live_[at])) {
      ++counters_.far_cancels;
      cancel_at(at, now_ns);
      return;
    }
  }
  cancel_at(static_cast<std::size_t>(below(live_count_)), now_ns);
}

void BackgroundFlow::cancel_at(std::size_t at, std::int64_t now_ns) noexcept {
  const Live& o = live_[at];
  const CancelRequest c{o.id, o.participant, ++next_client_};
  ++counters_.cancels;
  target_->cancel(c, now_ns);
}

void BackgroundFlow::replace_one(std::size_t b, std::int64_t now_ns) noexcept {
  if (live_count_ == 0) {
    passive(b, now_ns);
    return;
  }
  const Live& o = live_[static_cast<std::size_t>(below(live_count_))];
  const Book& book = books_[o.book];
  ReplaceRequest r;
  r.order_id = o.id;
  r.participant = o.participant;
  r.client_order_id = ++next_client_;
  if (o.leaves > book.lot && below(2) == 0) {
    // Smaller at the same price: keeps its place in the queue.
    r.price = core::Price::from_raw(o.price_ticks * book.tick);
    r.qty = core::Qty{o.qty - book.lot};
  } else {
    // Moved to a fresh place near the mid: loses priority.
    const std::uint64_t depth = std::max<std::uint64_t>(options_.depth_ticks, 1);
    r.price = core::Price::from_raw(passive_ticks(book, o.side, static_cast<std::int64_t>(below(depth))) * book.tick);
    r.qty = core::Qty{o.qty};
  }
  ++counters_.replaces;
  target_->replace(r, now_ns);
}

}  // namespace hft::venue
