#pragma once
/// @file
/// The venue's one EventSink for the matching engine: it splits each batch
/// of engine events by who needs them.
///
///  - Order events (Accepted, Rejected, Fill, Cancelled, Replaced,
///    Triggered) of a registered participant go to that participant's sink
///    (its FixOrderEntry).
///  - Book events and TradingStatus go to the book sink (the ITCH writer).
///  - Order events of every other participant (the simulated background
///    flow) go to the optional "other" sink, or are counted and dropped.
///
/// Each sink sees its events in engine order, in runs: consecutive events
/// for the same sink are handed over in one call. Wiring, once at start:
///
///   EventRouter router(itch_writer);                  // book events
///   MatchingEngine engine(config, router);
///   FixOrderEntry entry(options, engine, exec_ids);   // one per session
///   router.add_participant(options.participant, entry);
///   router.set_other_sink(&flow);                     // simulated participants
///
/// Nothing allocates after construction; routing is one hash probe per
/// order event.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "hft/core/flat_index.h"
#include "hft/venue/matching_events.h"

namespace hft::venue {

/// Where the routed events went.
struct EventRouterCounters {
  std::uint64_t book_events{0};     ///< handed to the book sink
  std::uint64_t order_events{0};    ///< handed to a participant's sink
  std::uint64_t other_events{0};    ///< handed to the other sink
  std::uint64_t dropped_events{0};  ///< order events of an unknown participant with no other sink
};

class EventRouter final : public EventSink {
 public:
  /// `book_sink` receives book events and TradingStatus; `other_sink` (may
  /// be null) the order events of unregistered participants. Both must
  /// outlive the router. Up to `max_participants` can be registered.
  explicit EventRouter(EventSink& book_sink, EventSink* other_sink = nullptr, std::size_t max_participants = 256);

  /// Order events of `participant` go to `sink` from now on. False when the
  /// participant is 0, already registered, or the table is full.
  bool add_participant(ParticipantId participant, EventSink& sink);
  /// Replaces the sink for unregistered participants (null: drop and count).
  void set_other_sink(EventSink* sink) noexcept { other_ = sink; }

  void on_events(const Event* events, std::size_t count) noexcept override;

  std::size_t participant_count() const noexcept { return sinks_.size(); }
  const EventRouterCounters& counters() const noexcept { return counters_; }

 private:
  /// Where one event goes (null: nowhere).
  EventSink* target_of(const Event& e) noexcept;

  EventSink* book_;
  EventSink* other_;
  core::FlatIndex index_;          // participant -> position in sinks_
  std::vector<EventSink*> sinks_;  // reserved at construction
  EventRouterCounters counters_{};
};

}  // namespace hft::venue
