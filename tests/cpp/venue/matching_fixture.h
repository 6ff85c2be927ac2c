#pragma once
// A matching engine with three instruments, a sink that records every event
// (and checks the global sequence has no gap), and short helpers to send
// orders in cents.

#include <cstdint>
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "hft/venue/matching_engine.h"

namespace hft::venue::test {

using core::Price;
using core::Qty;
using core::Side;

class RecordingSink final : public EventSink {
 public:
  void on_events(const Event* events, std::size_t count) noexcept override {
    for (std::size_t i = 0; i < count; ++i) {
      if (events[i].seq != next_seq) gap = true;
      next_seq = events[i].seq + 1;
      all.push_back(events[i]);
    }
  }
  std::vector<Event> all;
  std::uint64_t next_seq{1};
  bool gap{false};
};

/// Price of `cents` in 1e-4 units.
constexpr Price cents(std::int64_t c) { return Price::from_raw(c * 100); }

class MatchingTest : public ::testing::Test {
 protected:
  static constexpr InstrumentId kAbc = 0;   // tick 1 cent, lot 1
  static constexpr InstrumentId kLots = 1;  // tick 5 cents, lot 100, max 10 000, collar 10 cents
  static constexpr InstrumentId kXyz = 2;   // tick 1 cent, lot 1
  static constexpr ParticipantId kAlice = 1;
  static constexpr ParticipantId kBob = 2;
  static constexpr ParticipantId kCarol = 3;

  MatchingTest() {
    InstrumentConfig abc;
    abc.symbol = InstrumentConfig::symbol_of("ABC");
    abc.tick = cents(1);
    InstrumentConfig lots;
    lots.symbol = InstrumentConfig::symbol_of("LOTS");
    lots.tick = cents(5);
    lots.lot = 100;
    lots.max_order_qty = 10'000;
    lots.collar = cents(10);
    InstrumentConfig xyz = abc;
    xyz.symbol = InstrumentConfig::symbol_of("XYZ");
    instruments_ = {abc, lots, xyz};
    rebuild(SelfMatchMode::CancelResting, 1024, 64);
  }

  void rebuild(SelfMatchMode mode, std::size_t capacity, std::size_t levels) {
    MatchingConfig c;
    c.order_capacity = capacity;
    c.max_levels_per_side = levels;
    c.self_match = mode;
    c.instruments = instruments_.data();
    c.instrument_count = instruments_.size();
    engine_.reset();
    sink_ = RecordingSink{};
    engine_ = std::make_unique<MatchingEngine>(c, sink_);
    taken_ = 0;
  }

  InputResult order(Side side, OrderType type, TimeInForce tif, std::int64_t qty, Price price, Price stop,
                    ParticipantId who, InstrumentId ins = kAbc, ClientOrderId client = 0) {
    NewOrder o;
    o.client_order_id = client != 0 ? client : ++client_;
    o.participant = who;
    o.instrument = ins;
    o.side = side;
    o.type = type;
    o.tif = tif;
    o.price = price;
    o.stop_price = stop;
    o.qty = Qty{qty};
    return engine_->submit(o, ++now_);
  }
  InputResult limit(Side side, std::int64_t qty, std::int64_t price_cents, ParticipantId who = kAlice,
                    TimeInForce tif = TimeInForce::Day, InstrumentId ins = kAbc) {
    return order(side, OrderType::Limit, tif, qty, cents(price_cents), Price{}, who, ins);
  }
  InputResult market(Side side, std::int64_t qty, ParticipantId who = kBob, TimeInForce tif = TimeInForce::Day,
                     InstrumentId ins = kAbc) {
    return order(side, OrderType::Market, tif, qty, Price{}, Price{}, who, ins);
  }
  InputResult stop(Side side, std::int64_t qty, std::int64_t stop_cents, ParticipantId who = kCarol) {
    return order(side, OrderType::Stop, TimeInForce::Day, qty, Price{}, cents(stop_cents), who);
  }
  InputResult stop_limit(Side side, std::int64_t qty, std::int64_t stop_cents, std::int64_t price_cents,
                         ParticipantId who = kCarol) {
    return order(side, OrderType::StopLimit, TimeInForce::Day, qty, cents(price_cents), cents(stop_cents), who);
  }
  InputResult cancel(VenueOrderId id, ParticipantId who = kAlice) {
    return engine_->cancel(CancelRequest{id, who, ++client_}, ++now_);
  }
  InputResult replace(VenueOrderId id, std::int64_t qty, std::int64_t price_cents, ParticipantId who = kAlice,
                      std::int64_t stop_cents = 0) {
    ReplaceRequest r;
    r.order_id = id;
    r.participant = who;
    r.client_order_id = ++client_;
    r.price = cents(price_cents);
    r.stop_price = cents(stop_cents);
    r.qty = Qty{qty};
    return engine_->replace(r, ++now_);
  }

  /// Events since the previous take().
  std::vector<Event> take() {
    std::vector<Event> out(sink_.all.begin() + static_cast<std::ptrdiff_t>(taken_), sink_.all.end());
    taken_ = sink_.all.size();
    return out;
  }
  static std::vector<Event> only(const std::vector<Event>& events, EventKind kind) {
    std::vector<Event> out;
    for (const Event& e : events) {
      if (e.kind == kind) out.push_back(e);
    }
    return out;
  }
  static std::vector<EventKind> kinds(const std::vector<Event>& events) {
    std::vector<EventKind> out;
    for (const Event& e : events) out.push_back(e.kind);
    return out;
  }
  /// Order ids resting on a side in priority order.
  std::vector<VenueOrderId> queue(Side side, InstrumentId ins = kAbc) const {
    std::vector<VenueOrderId> out;
    engine_->visit_side(ins, side, [&out](const OrderInfo& o) { out.push_back(o.order_id); });
    return out;
  }
  /// The last Rejected event's reason (None when the last event is not a reject).
  RejectReason last_reject() const {
    if (sink_.all.empty() || sink_.all.back().kind != EventKind::Rejected) return RejectReason::None;
    return sink_.all.back().reject;
  }

  std::vector<InstrumentConfig> instruments_;
  RecordingSink sink_;
  std::unique_ptr<MatchingEngine> engine_;
  std::size_t taken_{0};
  ClientOrderId client_{0};
  std::int64_t now_{1'000};
};

}  // namespace hft::venue::test
