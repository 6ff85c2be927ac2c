// Splits the matching engine's event batches between the FIX sessions, the
// market data writer and the simulated flow.

#include "hft/venue/event_router.h"

namespace hft::venue {

EventRouter::EventRouter(EventSink& book_sink, EventSink* other_sink, std::size_t max_participants)
    : book_(&book_sink), other_(other_sink), index_(max_participants == 0 ? 1 : max_participants) {
  sinks_.reserve(index_.capacity());
}

bool EventRouter::add_participant(ParticipantId participant, EventSink& sink) {
  if (participant == 0 || index_.full() || index_.contains(participant)) return false;
  index_.insert(participant, static_cast<std::uint32_t>(sinks_.size()));
  sinks_.push_back(&sink);
  return true;
}

EventSink* EventRouter::target_of(const Event& e) noexcept {
  if (is_book_event(e.kind)) {
    ++counters_.book_events;
    return book_;
  }
  const std::uint32_t at = index_.find(e.participant);
  if (at != core::FlatIndex::kNotFound) {
    ++counters_.order_events;
    return sinks_[at];
  }
  if (other_ != nullptr) {
    ++counters_.other_events;
  } else {
    ++counters_.dropped_events;
  }
  return other_;
}

void EventRouter::on_events(const Event* events, std::size_t count) noexcept {
  // Hand over runs of consecutive events for the same sink: one virtual call
  // per run, and every sink still sees its events in engine order.
  std::size_t start = 0;
  EventSink* run = nullptr;
  for (std::size_t i = 0; i < count; ++i) {
    EventSink* t = target_of(events[i]);
    if (i == 0) {
      run = t;
      continue;
    }
    if (t != run) {
      if (run != nullptr) run->on_events(events + start, i - start);
      start = i;
      run = t;
    }
  }
  if (count != 0 && run != nullptr) run->on_events(events + start, count - start);
}

}  // namespace hft::venue
