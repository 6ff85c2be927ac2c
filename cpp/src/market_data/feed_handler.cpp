#include "hft/market_data/feed_handler.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace hft::market_data {

namespace mold = protocol::mold;

namespace {

// A request's count is a u16 on the wire.
constexpr std::uint64_t kMaxWireRequestCount = 0xFFFF;
// Packets with a sequence above this are treated as bad, so that sequence +
// count (and a buffer window past it) can never wrap around 2^64.
constexpr std::uint64_t kMaxSequence = std::numeric_limits<std::uint64_t>::max() / 2;
constexpr std::size_t kMaxBufferMessages = std::size_t{1} << 26;
// Slot offsets are u32 over both arena halves.
constexpr std::size_t kMaxBufferBytes = std::size_t{1} << 31;

std::size_t round_up_pow2(std::size_t n) noexcept {
  std::size_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) noexcept {
  return a > std::numeric_limits<std::uint64_t>::max() - b ? std::numeric_limits<std::uint64_t>::max() : a + b;
}

}  // namespace

FeedHandler::FeedHandler(const FeedHandlerOptions& options, MessageSink& sink, RetransmitRequester& requester)
    : options_(options), sink_(sink), requester_(requester) {
  if (options.buffer_messages == 0 || options.buffer_messages > kMaxBufferMessages) {
    throw std::invalid_argument("FeedHandlerOptions.buffer_messages must be in [1, 2^26]");
  }
  if (options.buffer_bytes == 0 || options.buffer_bytes > kMaxBufferBytes) {
    throw std::invalid_argument("FeedHandlerOptions.buffer_bytes must be in [1, 2^31]");
  }
  if (options.max_request_attempts > 0 && options.max_request_count == 0) {
    throw std::invalid_argument("FeedHandlerOptions.max_request_count must be > 0 when requests are enabled");
  }
  const std::size_t n = round_up_pow2(options.buffer_messages);
  slots_.assign(n, Slot{});
  mask_ = n - 1;
  half_bytes_ = options.buffer_bytes;
  // Written through now, so the pages are resident before the first gap.
  arena_.assign(2 * half_bytes_, std::uint8_t{0});
  // Each hole but the last is followed by a buffered message, so n events
  // always suffice; push_event merges if that reasoning were ever wrong.
  events_.assign(n, GapEvent{});
  events_mask_ = n - 1;
  clear_state();
}

void FeedHandler::clear_state() noexcept {
  for (Slot& s : slots_) s.seq = kEmpty;
  session_ = mold::Session{};
  session_locked_ = false;
  expected_ = options_.first_sequence;
  known_next_ = expected_;
  stale_ = false;
  eos_seen_ = false;
  eos_notified_ = false;
  eos_seq_ = 0;
  arena_base_ = 0;
  arena_top_ = 0;
  live_bytes_ = 0;
  live_count_ = 0;
  events_head_ = 0;
  events_size_ = 0;
  next_deadline_ = kNever;
  next_request_tsc_ = kNever;
  request_attempts_ = 0;
  attempts_front_ = expected_;
}

void FeedHandler::reset() noexcept {
  ++counters_.resets;
  clear_state();
}

void FeedHandler::clear_stale() noexcept {
  if (!stale_) return;
  stale_ = false;
  sink_.on_stale(false);
}

void FeedHandler::lock_session(const mold::PacketView& v) noexcept {
  session_ = v.session;
  session_locked_ = true;
  if (options_.first_sequence == 0) {
    expected_ = v.sequence;
    known_next_ = v.sequence;
    attempts_front_ = expected_;
  }
}

void FeedHandler::on_packet(int line, const std::uint8_t* data, std::size_t size, std::uint64_t tsc) noexcept {
  if (line < 0 || line >= kFeedLineCount) {
    ++counters_.bad_line;
    return;
  }
  FeedLineCounters& lc = counters_.lines[static_cast<std::size_t>(line)];
  ++lc.packets;
  if (session_locked_ && data != nullptr && size >= mold::kHeaderSize) {
    // The second copy of every packet under A/B: wholly behind the next
    // expected sequence, so dropped on its header alone. Nothing in its blocks
    // would be used, so they are not validated (half the packets skip the
    // block walk).
    const std::uint64_t seq = protocol::load_be64(data + mold::kSessionSize);
    const std::uint16_t count = protocol::load_be16(data + mold::kSessionSize + 8);
    if (count != 0 && count != mold::kEndOfSessionCount && seq <= kMaxSequence && seq + count <= expected_ &&
        std::memcmp(data, session_.data(), mold::kSessionSize) == 0) {
      lc.messages += count;
      lc.duplicates += count;
      if (tsc >= next_deadline_) service(tsc);
      return;
    }
  }
  const mold::PacketView v = mold::decode_packet(data, size);
  // A truncated packet's whole blocks would be usable, but the packet is
  // damaged; its messages come again from the other line or the server.
  if (!v.ok() || v.sequence > kMaxSequence) {
    ++lc.bad_packets;
    return;
  }
  if (!session_locked_) {
    lock_session(v);
  } else if (v.session != session_) {
    ++lc.wrong_session;
    return;
  }

  if (v.count == 0 || v.is_end_of_session()) {
    if (v.count == 0) {
      ++lc.heartbeats;
    } else {
      ++lc.end_of_session;
      if (!eos_seen_) {
        eos_seen_ = true;
        eos_seq_ = v.sequence;
      }
    }
    // Both carry the next sequence the server will send: anything between
    // here and there was missed.
    note_known(v.sequence, tsc);
    check_end_of_session();
  } else {
    lc.messages += v.count;
    if (v.sequence == expected_ && known_next_ == expected_) {
      // The common case: the next packet, no gap open. Nothing to buffer,
      // no timers to look at.
      for (const mold::MessageBlock b : v) {
        sink_.on_message(b.sequence, b.data, b.size, tsc);
        ++expected_;
      }
      known_next_ = expected_;
      lc.first += v.count;
      counters_.delivered += v.count;
      return;
    }
    on_messages_slow(line, v, tsc);
  }
  if (tsc >= next_deadline_) service(tsc);
}

void FeedHandler::on_timer(std::uint64_t tsc) noexcept {
  if (tsc >= next_deadline_) service(tsc);
}

void FeedHandler::on_messages_slow(int line, const mold::PacketView& v, std::uint64_t tsc) noexcept {
  FeedLineCounters& lc = counters_.lines[static_cast<std::size_t>(line)];
  for (const mold::MessageBlock b : v) {
    const std::uint64_t s = b.sequence;
    if (s < expected_ || (s > expected_ && present(s))) {
      ++lc.duplicates;
    } else if (s == expected_) {
      ++lc.first;
      deliver(line, s, b.data, b.size, tsc);
      drain();
    } else {
      ++lc.first;
      accept_ahead(line, b, tsc);
    }
  }
  after_advance(tsc);
  update_deadline();
}

void FeedHandler::accept_ahead(int line, const mold::MessageBlock& b, std::uint64_t tsc) noexcept {
  const std::uint64_t s = b.sequence;
  if (s >= known_next_) {
    if (s > known_next_) push_event(known_next_, s, tsc);
    known_next_ = s + 1;
  }
  if (store(line, b, tsc)) return;
  // No room: give up holes from the front until this message fits or is
  // the next one to deliver. Each round skips at least one missing sequence,
  // so this ends.
  ++counters_.buffer_overflows;
  for (;;) {
    give_up_front(s, tsc);
    if (expected_ == s) {
      deliver(line, s, b.data, b.size, tsc);
      drain();
      after_advance(tsc);
      return;
    }
    if (store(line, b, tsc)) return;
  }
}

void FeedHandler::note_known(std::uint64_t next, std::uint64_t tsc) noexcept {
  if (next > known_next_) {
    push_event(known_next_, next, tsc);
    known_next_ = next;
  }
  update_deadline();
}

void FeedHandler::deliver(int line, std::uint64_t seq, const std::uint8_t* data, std::size_t size,
                          std::uint64_t recv_tsc) noexcept {
  if (events_size_ != 0) {
    // Attribute the fill to the hole it closes (always the front event: the
    // delivery point moves through the events in order).
    pop_events_before(seq);
    if (events_size_ != 0 && event_front().first <= seq) {
      ++counters_.lines[static_cast<std::size_t>(line)].gap_fills;
      if (line == kFeedLineRetransmission) event_front().retransmitted = true;
    }
  }
  sink_.on_message(seq, data, size, recv_tsc);
  ++counters_.delivered;
  expected_ = seq + 1;
  if (known_next_ < expected_) known_next_ = expected_;
}

void FeedHandler::drain() noexcept {
  while (expected_ < known_next_) {
    Slot& slot = slots_[expected_ & mask_];
    if (slot.seq != expected_) break;
    const Slot s = slot;
    slot.seq = kEmpty;
    live_bytes_ -= s.size;
    --live_count_;
    // The bytes stay put until the next store, which cannot happen during
    // the sink call.
    deliver(s.line, s.seq, arena_.data() + s.offset, s.size, s.recv_tsc);
  }
  if (live_count_ == 0) arena_top_ = 0;
}

void FeedHandler::after_advance(std::uint64_t tsc) noexcept {
  pop_events_before(expected_);
  if (!gap_open()) {
    next_request_tsc_ = kNever;
    request_attempts_ = 0;
    attempts_front_ = expected_;
  } else if (attempts_front_ != expected_) {
    // Progress: the new front hole gets its own request attempts.
    attempts_front_ = expected_;
    request_attempts_ = 0;
    if (options_.max_request_attempts > 0) schedule_request(saturating_add(tsc, options_.request_delay_ticks));
  }
  check_end_of_session();
}

void FeedHandler::give_up_front(std::uint64_t limit, std::uint64_t tsc) noexcept {
  const std::uint64_t first = expected_;
  const std::uint64_t end = first_present_from(first, limit);
  pop_events_before(first);
  while (events_size_ != 0) {
    GapEvent& e = event_front();
    if (e.first >= end) break;
    e.lost = true;
    if (e.end > end) break;
    finish_event(e);
    ++events_head_;
    --events_size_;
  }
  const std::uint64_t count = end - first;
  ++counters_.lost_ranges;
  counters_.messages_lost += count;
  sink_.on_gap_unrecoverable(first, count);
  if (!stale_) {
    stale_ = true;
    ++counters_.stale_entered;
    sink_.on_stale(true);
  }
  expected_ = end;
  if (known_next_ < expected_) known_next_ = expected_;
  drain();
  after_advance(tsc);
}

std::uint64_t FeedHandler::first_present_from(std::uint64_t from, std::uint64_t limit) const noexcept {
  // Nothing is buffered beyond the window, so the scan stops there.
  const std::uint64_t stop = std::min<std::uint64_t>(limit, expected_ + slots_.size());
  for (std::uint64_t s = from; s < stop; ++s) {
    if (slots_[s & mask_].seq == s) return s;
  }
  return limit;
}

void FeedHandler::service(std::uint64_t tsc) noexcept {
  while (gap_open()) {
    if (events_size_ != 0 && tsc < saturating_add(event_front().tsc, options_.gap_timeout_ticks)) break;
    ++counters_.gap_timeouts;
    give_up_front(known_next_, tsc);
  }
  if (gap_open() && tsc >= next_request_tsc_) request_round(tsc);
  update_deadline();
}

void FeedHandler::request_round(std::uint64_t tsc) noexcept {
  if (attempts_front_ != expected_) {
    attempts_front_ = expected_;
    request_attempts_ = 0;
  }
  if (request_attempts_ >= options_.max_request_attempts) {
    next_request_tsc_ = kNever;
    return;
  }
  ++request_attempts_;
  next_request_tsc_ =
      request_attempts_ < options_.max_request_attempts ? saturating_add(tsc, options_.retry_interval_ticks) : kNever;
  // One request per hole, front first, until the round's budget is spent:
  // asking for the buffered messages between holes would only bring back
  // duplicates.
  std::uint64_t budget = options_.max_request_count;
  const std::uint64_t window_end = expected_ + slots_.size();
  std::uint64_t s = expected_;
  while (budget > 0 && s < known_next_) {
    while (s < known_next_ && s < window_end && slots_[s & mask_].seq == s) ++s;
    if (s >= known_next_) break;
    std::uint64_t e = s + 1;
    while (e < known_next_ && e < window_end && slots_[e & mask_].seq != e) ++e;
    if (e >= window_end) e = known_next_;
    const std::uint64_t n = std::min({e - s, budget, kMaxWireRequestCount});
    requester_.request(mold::Request{session_, s, static_cast<std::uint16_t>(n)});
    ++counters_.requests_sent;
    counters_.messages_requested += n;
    budget -= n;
    s += n;
  }
}

void FeedHandler::update_deadline() noexcept {
  if (!gap_open()) {
    next_deadline_ = kNever;
    return;
  }
  // No event while a gap is open would be a broken invariant: act at once
  // (service gives the hole up) rather than wait forever.
  const std::uint64_t timeout =
      events_size_ != 0 ? saturating_add(event_front().tsc, options_.gap_timeout_ticks) : std::uint64_t{0};
  next_deadline_ = std::min(timeout, next_request_tsc_);
}

void FeedHandler::schedule_request(std::uint64_t at) noexcept {
  if (at < next_request_tsc_) next_request_tsc_ = at;
}

void FeedHandler::check_end_of_session() noexcept {
  if (eos_seen_ && !eos_notified_ && expected_ >= eos_seq_) {
    eos_notified_ = true;
    sink_.on_end_of_session();
  }
}

bool FeedHandler::store(int line, const mold::MessageBlock& b, std::uint64_t tsc) noexcept {
  const std::uint64_t s = b.sequence;
  if (s - expected_ >= slots_.size()) return false;
  const std::size_t size = b.size;
  if (size > half_bytes_ - live_bytes_) return false;
  if (size > half_bytes_ - arena_top_) compact();
  const std::size_t at = arena_base_ + arena_top_;
  if (size != 0) std::memcpy(arena_.data() + at, b.data, size);
  slots_[s & mask_] = Slot{s, tsc, static_cast<std::uint32_t>(at), b.size, static_cast<std::uint8_t>(line)};
  arena_top_ += size;
  live_bytes_ += size;
  ++live_count_;
  return true;
}

void FeedHandler::compact() noexcept {
  // Messages are freed in sequence order but were stored in arrival order,
  // so the live ones end up scattered: copy them, in sequence order, to the
  // start of the other half.
  const std::size_t to = arena_base_ == 0 ? half_bytes_ : 0;
  std::size_t top = 0;
  const std::uint64_t stop = std::min<std::uint64_t>(known_next_, expected_ + slots_.size());
  for (std::uint64_t s = expected_ + 1; s < stop; ++s) {
    Slot& slot = slots_[s & mask_];
    if (slot.seq != s) continue;
    std::memcpy(arena_.data() + to + top, arena_.data() + slot.offset, slot.size);
    slot.offset = static_cast<std::uint32_t>(to + top);
    top += slot.size;
  }
  arena_base_ = to;
  arena_top_ = top;
  ++counters_.buffer_compactions;
}

void FeedHandler::push_event(std::uint64_t first, std::uint64_t end, std::uint64_t tsc) noexcept {
  if (!gap_open()) {
    // A new gap: its front hole starts with fresh request attempts.
    attempts_front_ = expected_;
    request_attempts_ = 0;
  }
  if (options_.max_request_attempts > 0) schedule_request(saturating_add(tsc, options_.request_delay_ticks));
  if (events_size_ != 0) {
    GapEvent& last = events_[(events_head_ + events_size_ - 1) & events_mask_];
    // A hole that grows (heartbeats while the line is down) stays one hole
    // with its first deadline; a full FIFO (not expected) merges too, which
    // only makes the deadline earlier.
    if (last.end == first || events_size_ == events_.size()) {
      last.end = end;
      return;
    }
  }
  ++counters_.gaps_detected;
  events_[(events_head_ + events_size_) & events_mask_] = GapEvent{first, end, tsc, false, false};
  ++events_size_;
}

void FeedHandler::pop_events_before(std::uint64_t seq) noexcept {
  while (events_size_ != 0 && event_front().end <= seq) {
    finish_event(event_front());
    ++events_head_;
    --events_size_;
  }
}

void FeedHandler::finish_event(const GapEvent& e) noexcept {
  if (e.lost) {
    ++counters_.gaps_given_up;
  } else if (e.retransmitted) {
    ++counters_.gaps_filled_by_retransmission;
  } else {
    ++counters_.gaps_filled_by_lines;
  }
}

}  // namespace hft::market_data
