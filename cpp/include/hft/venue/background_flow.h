#pragma once
/// @file
/// Simulated participants that keep the venue's market alive: per
/// instrument a mid price on a random walk (in ticks), passive limit orders
/// around it with a spread and a depth profile (more size away from the
/// touch), cancellations of their own resting orders (always those that
/// drifted far from the mid first), aggressive orders (market or IOC
/// limit) that cross the spread, and occasional cancel/replaces.
///
///   EngineFlowTarget target(engine);
///   BackgroundFlow flow(options, target);
///   router.set_other_sink(&flow);  // it learns its live orders from its events
///   for (;;) flow.step(now_ns());  // emits every input due by now at the rate
///
/// Deterministic: the same seed, the same sequence of `now` values and the
/// same events give the same inputs. Integer arithmetic only; nothing
/// allocates after construction. Details: docs/venue.md "Background flow".

#include <cstddef>
#include <cstdint>
#include <vector>

#include "hft/core/flat_index.h"
#include "hft/core/types.h"
#include "hft/venue/matching_events.h"
#include "hft/venue/matching_types.h"

namespace hft::venue {

class MatchingEngine;

/// Where the flow's inputs go: the engine (EngineFlowTarget), or a recorder in tests.
class FlowTarget {
 public:
  virtual ~FlowTarget() = default;
  virtual void submit(const NewOrder& order, std::int64_t now_ns) noexcept = 0;
  virtual void cancel(const CancelRequest& request, std::int64_t now_ns) noexcept = 0;
  virtual void replace(const ReplaceRequest& request, std::int64_t now_ns) noexcept = 0;

 protected:
  FlowTarget() = default;
  FlowTarget(const FlowTarget&) = default;
  FlowTarget& operator=(const FlowTarget&) = default;
};

/// Sends the flow's inputs straight into a matching engine.
class EngineFlowTarget final : public FlowTarget {
 public:
  explicit EngineFlowTarget(MatchingEngine& engine) noexcept : engine_(&engine) {}
  void submit(const NewOrder& order, std::int64_t now_ns) noexcept override;
  void cancel(const CancelRequest& request, std::int64_t now_ns) noexcept override;
  void replace(const ReplaceRequest& request, std::int64_t now_ns) noexcept override;

 private:
  MatchingEngine* engine_;
};

/// One instrument the flow trades (tick and lot as configured in the engine).
struct FlowInstrument {
  InstrumentId id{0};
  core::Price tick{core::Price::from_raw(100)};
  std::int64_t lot{1};
  core::Price initial_mid{core::Price::from_units(100)};  ///< rounded down to the tick
};

/// Rates, shapes and sizes of the flow.
struct BackgroundFlowOptions {
  std::uint64_t seed{1};
  /// Participant ids first_participant .. first_participant + count - 1;
  /// keep them apart from the FIX sessions' ids.
  ParticipantId first_participant{1'000'000};
  std::uint32_t participant_count{4};
  /// Inputs per second, all instruments together (1 .. 10^9).
  std::uint64_t messages_per_second{1'000};
  /// Most inputs one step() emits; a backlog beyond one more step's worth
  /// is dropped (counted) rather than replayed in a burst.
  std::size_t max_per_step{4'096};
  /// Orders placed at the first step on each side of each instrument, one
  /// per tick behind the touch, so the book is two-sided from the start.
  std::uint32_t initial_depth{5};
  /// Resting orders tracked at once (all instruments); at this many a new
  /// passive order becomes a cancel.
  std::size_t max_live_orders{4'096};
  /// Resting orders per instrument side above which a passive order on that
  /// side becomes a cancel there.
  std::uint32_t max_orders_per_side{64};
  /// The best passive price is this many ticks from the mid.
  std::uint32_t half_spread_ticks{1};
  /// Passive orders go up to this many ticks behind the best passive price
  /// (near the touch more often).
  std::uint32_t depth_ticks{10};
  /// Resting orders further than this from the mid are cancelled first.
  std::uint32_t max_distance_ticks{25};
  /// Size of a passive order at the touch and of an aggressive order, in
  /// lots, drawn from [min_lots, max_lots]; a passive order d ticks behind
  /// the touch is (1 + d / 4) times bigger.
  std::int64_t min_lots{1};
  std::int64_t max_lots{10};
  /// The mix of inputs, per mille: passive new orders, cancels, aggressive
  /// orders; replaces take the rest.
  std::uint32_t passive_per_mille{550};
  std::uint32_t cancel_per_mille{300};
  std::uint32_t aggressive_per_mille{100};
  /// Chance per input, per mille, that the instrument's mid moves one tick.
  std::uint32_t move_per_mille{100};
  std::vector<FlowInstrument> instruments;
};

/// What the flow did.
struct BackgroundFlowCounters {
  std::uint64_t inputs{0};      ///< everything sent to the target
  std::uint64_t passive{0};     ///< resting limit orders
  std::uint64_t aggressive{0};  ///< market and IOC orders
  std::uint64_t cancels{0};
  std::uint64_t far_cancels{0};  ///< cancels of orders beyond max_distance_ticks
  std::uint64_t replaces{0};
  std::uint64_t fills{0};        ///< fills of the flow's orders (either side)
  std::uint64_t rejects{0};      ///< inputs the engine refused (halts, capacity)
  std::uint64_t dropped_due{0};  ///< inputs skipped because step() fell behind
  std::uint64_t untracked{0};    ///< accepted orders the live table had no room for
};

class BackgroundFlow final : public EventSink {
 public:
  /// Throws std::invalid_argument for options it cannot run (no
  /// instruments, tick or lot <= 0, a rate of 0, participant 0, sizes 0).
  /// `target` must outlive the flow.
  BackgroundFlow(const BackgroundFlowOptions& options, FlowTarget& target);
  BackgroundFlow(const BackgroundFlow&) = delete;
  BackgroundFlow& operator=(const BackgroundFlow&) = delete;

  /// Emits every input due by `now_ns` at the configured rate (the first
  /// call starts the clock and seeds the books), at most max_per_step.
  /// `now_ns` is the engine timestamp too (wall-clock ns in the venue, as
  /// it becomes FIX TransactTime). Returns the number of inputs emitted.
  std::size_t step(std::int64_t now_ns) noexcept;

  /// The events of the flow's participants (EventRouter's other sink).
  void on_events(const Event* events, std::size_t count) noexcept override;

  bool owns(ParticipantId p) const noexcept {
    return p >= first_participant_ && p - first_participant_ < participant_count_;
  }
  /// Resting orders of the flow the table knows of.
  std::size_t live_orders() const noexcept { return live_count_; }
  /// Of one instrument side (`instrument` is the position in options.instruments).
  std::uint32_t live_orders(std::size_t instrument, core::Side side) const noexcept {
    return books_[instrument].count[side == core::Side::Buy ? 0 : 1];
  }
  /// Current mid of an instrument (position in options.instruments).
  core::Price mid(std::size_t instrument) const noexcept {
    return core::Price::from_raw(books_[instrument].mid_ticks * books_[instrument].tick);
  }
  const BackgroundFlowCounters& counters() const noexcept { return counters_; }

 private:
  struct Book {
    std::int64_t mid_ticks{0};
    std::int64_t tick{0};  // raw
    std::int64_t lot{0};
    std::int64_t min_mid_ticks{1};
    std::uint32_t count[2]{0, 0};  // live orders: [0] bids, [1] asks
    InstrumentId id{0};
  };
  struct Live {
    VenueOrderId id{0};
    std::int64_t price_ticks{0};
    std::int64_t qty{0};  // total, executed included (replace quantities are totals)
    std::int64_t leaves{0};
    ParticipantId participant{0};
    std::uint16_t book{0};
    core::Side side{core::Side::Buy};
  };

  std::uint64_t next_random() noexcept;
  std::uint64_t below(std::uint64_t n) noexcept { return n == 0 ? 0 : next_random() % n; }
  ParticipantId any_participant() noexcept {
    return first_participant_ + static_cast<ParticipantId>(below(participant_count_));
  }

  void seed_books(std::int64_t now_ns) noexcept;
  void emit_one(std::int64_t now_ns) noexcept;
  void place_passive(std::size_t b, core::Side side, std::int64_t now_ns) noexcept;
  void passive(std::size_t b, std::int64_t now_ns) noexcept;
  void aggressive(std::size_t b, std::int64_t now_ns) noexcept;
  void cancel_one(std::size_t b, std::int64_t now_ns) noexcept;
  void cancel_at(std::size_t at, std::int64_t now_ns) noexcept;
  void replace_one(std::size_t b, std::int64_t now_ns) noexcept;
  std::int64_t passive_ticks(const Book& book, core::Side side, std::int64_t behind) const noexcept;
  std::int64_t size_lots(std::int64_t behind) noexcept;
  bool far(const Live& o) const noexcept;

  void on_event(const Event& e) noexcept;
  void track(const Event& accepted) noexcept;
  void forget(std::uint32_t at) noexcept;

  FlowTarget* target_;
  BackgroundFlowOptions options_;
  ParticipantId first_participant_;
  std::uint32_t participant_count_;
  std::uint64_t rng_;
  std::vector<Book> books_;
  std::vector<std::uint16_t> book_of_;  // InstrumentId -> position in books_, kNoBook if not traded

  std::vector<Live> live_;  // dense: the first live_count_ entries
  std::size_t live_count_{0};
  core::FlatIndex by_id_;  // venue order id -> position in live_
  std::size_t cursor_{0};  // round-robin position of the drift check

  bool started_{false};
  std::int64_t start_ns_{0};
  std::uint64_t emitted_{0};  // rate-driven inputs emitted since the start
  ClientOrderId next_client_{0};
  BackgroundFlowCounters counters_{};
};

}  // namespace hft::venue
