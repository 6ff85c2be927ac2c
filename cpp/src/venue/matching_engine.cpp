// Construction, event delivery and the read-only queries of the matching
// engine. Inputs are in matching_inputs.cpp, matching in matching_match.cpp.

#include "hft/venue/matching_engine.h"

#include <stdexcept>
#include <string>

#include "matching_engine_inline.h"

namespace hft::venue {
namespace {

constexpr std::size_t kMaxCapacity = std::size_t{1} << 30;
// Events staged before a hand-over to the sink: one call per batch instead
// of one per event, and the batch stays in L1.
constexpr std::size_t kStageEvents = 256;

std::size_t power_of_two_at_least(std::size_t n) {
  std::size_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

void check_config(const MatchingConfig& c) {
  if (c.instruments == nullptr || c.instrument_count == 0 || c.instrument_count > 65536) {
    throw std::invalid_argument("matching engine: 1 to 65536 instruments are needed");
  }
  if (c.order_capacity == 0 || c.order_capacity > kMaxCapacity) {
    throw std::invalid_argument("matching engine: order_capacity must be 1 to 2^30");
  }
  if (c.max_levels_per_side == 0 || c.max_levels_per_side > kMaxCapacity) {
    throw std::invalid_argument("matching engine: max_levels_per_side must be 1 to 2^30");
  }
  for (std::size_t i = 0; i < c.instrument_count; ++i) {
    const InstrumentConfig& ins = c.instruments[i];
    const std::string where = "matching engine: instrument " + std::to_string(i) + ": ";
    if (ins.tick.raw <= 0) throw std::invalid_argument(where + "tick must be > 0");
    if (ins.lot <= 0) throw std::invalid_argument(where + "lot must be > 0");
    if (ins.max_order_qty <= 0 || ins.max_order_qty > kMaxOrderQty) {
      throw std::invalid_argument(where + "max_order_qty must be 1 to 2^32-1");
    }
    if (ins.collar.raw < 0) throw std::invalid_argument(where + "collar must be >= 0");
  }
}

}  // namespace

std::array<char, 8> InstrumentConfig::symbol_of(std::string_view text) noexcept {
  std::array<char, 8> s{' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '};
  for (std::size_t i = 0; i < s.size() && i < text.size(); ++i) s[i] = text[i];
  return s;
}

MatchingEngine::MatchingEngine(const MatchingConfig& config, EventSink& sink) : sink_(&sink) {
  check_config(config);
  instruments_.assign(config.instruments, config.instruments + config.instrument_count);
  capacity_ = config.order_capacity;
  self_match_ = config.self_match;
  max_levels_ = static_cast<std::uint32_t>(config.max_levels_per_side);

  const std::size_t slot_count = power_of_two_at_least(2 * capacity_);
  slots_.assign(slot_count, Slot{});
  slot_mask_ = slot_count - 1;

  // Every level holds at least one resting order.
  levels_.assign(capacity_ + 1, Level{});
  free_levels_.resize(capacity_ + 1);
  for (std::size_t i = 0; i < free_levels_.size(); ++i) {
    // Handed out from the back: level 0 first, so early levels share lines.
    free_levels_[i] = static_cast<std::uint32_t>(free_levels_.size() - 1 - i);
  }
  free_level_count_ = free_levels_.size();

  const std::size_t sides = 2 * instruments_.size();
  ladder_keys_.assign(sides * max_levels_, 0);
  ladder_levels_.assign(sides * max_levels_, kNone);
  books_.resize(instruments_.size());
  for (std::size_t i = 0; i < books_.size(); ++i) {
    for (std::size_t side = 0; side < 2; ++side) {
      const std::size_t base = (2 * i + side) * max_levels_;
      books_[i].side[side].keys = ladder_keys_.data() + base;
      books_[i].side[side].levels = ladder_levels_.data() + base;
    }
    books_[i].state = instruments_[i].initial_state;
  }
  stage_.assign(kStageEvents, Event{});
}

MatchingEngine::~MatchingEngine() = default;

void MatchingEngine::flush() noexcept {
  if (staged_ == 0) return;
  sink_->on_events(stage_.data(), staged_);
  staged_ = 0;
}

void MatchingEngine::reject(InputKind input, RejectReason reason, VenueOrderId target, ClientOrderId client,
                            ParticipantId participant, InstrumentId instrument) noexcept {
  Event& e = emit(EventKind::Rejected, instrument);
  e.input = input;
  e.reject = reason;
  e.order_id = target;
  e.client_order_id = client;
  e.participant = participant;
}

std::optional<core::Price> MatchingEngine::last_trade(InstrumentId i) const noexcept {
  if (!books_[i].has_last_trade) return std::nullopt;
  return core::Price::from_raw(books_[i].last_trade);
}

LevelInfo MatchingEngine::best(InstrumentId i, core::Side side) const noexcept { return level(i, side, 0); }

std::size_t MatchingEngine::level_count(InstrumentId i, core::Side side) const noexcept {
  return books_[i].side[side_index(side)].size;
}

LevelInfo MatchingEngine::level(InstrumentId i, core::Side side, std::size_t depth) const noexcept {
  const Ladder& l = books_[i].side[side_index(side)];
  if (depth >= l.size) return LevelInfo{};
  const Level& lv = levels_[l.levels[l.size - 1 - depth]];
  return LevelInfo{core::Price::from_raw(lv.price), lv.qty, lv.count};
}

std::optional<OrderInfo> MatchingEngine::find(VenueOrderId id) const noexcept {
  if (id == 0) return std::nullopt;
  const Slot& s = slots_[id & slot_mask_];
  if (s.id != id) return std::nullopt;
  OrderInfo o;
  o.order_id = s.id;
  o.client_order_id = s.client;
  o.participant = s.participant;
  o.instrument = s.instrument;
  o.side = s.side;
  o.type = s.type;
  o.tif = s.tif;
  o.waiting_stop = s.state == SlotState::Stop;
  o.price = core::Price::from_raw(s.price);
  o.stop_price = core::Price::from_raw(s.stop_price);
  o.leaves = s.leaves;
  o.executed = s.executed;
  return o;
}

}  // namespace hft::venue
