#pragma once
/// @file
/// The MoldUDP64 feed handler: sequence tracking, duplicate drop, gap
/// detection and recovery (re-request to a retransmission server, bounded
/// wait), A/B line arbitration, and a "book stale" signal when a gap cannot
/// be recovered.
///
/// It is handed whole MoldUDP64 packets (UDP payloads) from any transport —
/// a DPDK port, a kernel socket, a pcap replay, a test's memory — and hands
/// each message on to a `MessageSink` exactly once, in sequence order. It
/// never touches a socket: re-requests go out through `RetransmitRequester`,
/// and the transport feeds the answers back in on the retransmission line.
///
///   FeedHandler feed(options, book_sink, requester);
///   feed.on_packet(kFeedLineA, payload, size, Clock::now());   // per packet
///   feed.on_packet(kFeedLineB, payload, size, Clock::now());   // the B copy
///   feed.on_packet(kFeedLineRetransmission, ...);               // answers
///   feed.on_timer(Clock::now());                                // every loop
///
/// Rules, in order of application to every message of a packet:
///  - sequence below the next expected one: a duplicate (the other line's
///    copy, a replay, a late retransmission), dropped and counted;
///  - sequence equal to it: delivered at once, then every buffered message
///    that now follows without a hole;
///  - sequence above it: a gap. The message is copied into a preallocated
///    buffer (ring-indexed by sequence, bytes in a fixed arena), the missing
///    range is re-requested, and the gap fills from whichever source has the
///    messages first — the same line late (reordering), the other line, or the
///    retransmission server.
///
/// A hole that stays open `gap_timeout_ticks` after it was first seen, or one
/// that stands in the way when the buffer is full, is given up: the sink gets
/// `on_gap_unrecoverable(first, count)`, then `on_stale(true)` (once, on the
/// transition), then the messages after the hole. See `FeedHandler` for when
/// the stale state ends.
///
/// Hot path (`on_packet`, `on_timer`): no allocation (everything is sized at
/// construction), no exceptions, no system calls, time as integer TSC ticks
/// passed in by the caller. One owner thread; not reentrant (a sink or
/// requester callback must not call back into the handler).

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "hft/protocol/moldudp64.h"

namespace hft::market_data {

/// The lines a packet can come from (`on_packet`'s `line`).
inline constexpr int kFeedLineA = 0;
inline constexpr int kFeedLineB = 1;
/// Answers of the retransmission (re-request) server.
inline constexpr int kFeedLineRetransmission = 2;
inline constexpr int kFeedLineCount = 3;

/// Sizes and time limits, all fixed at construction. Times are TSC ticks
/// (configured nanoseconds times `core::TscCalibration::ticks_per_second`,
/// converted once at start); the defaults assume about 3 ticks per ns.
struct FeedHandlerOptions {
  /// Give up a hole this long after it was first seen (bounded wait).
  std::uint64_t gap_timeout_ticks{300'000'000};  // ~100 ms
  /// Wait this long after a hole is seen before the first re-request: the
  /// other line or a reordered packet usually fills it within microseconds,
  /// and asking the server for what is already on its way wastes its
  /// bandwidth. 0 asks at once.
  std::uint64_t request_delay_ticks{30'000};  // ~10 µs
  /// Ask again after this long when the hole is still open.
  std::uint64_t retry_interval_ticks{30'000'000};  // ~10 ms
  /// Most messages asked for per request round (over all holes of the
  /// round; each request also stays within MoldUDP64's u16 count).
  std::uint32_t max_request_count{1024};
  /// Rounds of requests for one front hole before waiting out the timeout;
  /// 0 never requests (A/B arbitration only, no retransmission server).
  std::uint32_t max_request_attempts{3};
  /// Messages the gap buffer holds: a message at most this far ahead of
  /// the next expected sequence can wait for a hole to fill. Rounded up to a
  /// power of two.
  std::size_t buffer_messages{65'536};
  /// Bytes the gap buffer holds (message bytes, no framing). Twice this is
  /// allocated: compaction copies live messages into the other half.
  std::size_t buffer_bytes{4u << 20};
  /// Sequence of the session's first message (MoldUDP64 starts at 1). 0
  /// joins late: the first packet's sequence becomes the next expected one
  /// and nothing before it is asked for (the owner then needs a snapshot).
  std::uint64_t first_sequence{1};
};

/// Per-line counts (A, B, retransmission).
struct FeedLineCounters {
  std::uint64_t packets{0};  ///< every packet handed in on this line
  /// Decode status not Ok (ignored whole). A packet wholly behind the next
  /// expected sequence is dropped on its header before decoding, so it counts
  /// as duplicates even if its blocks were damaged.
  std::uint64_t bad_packets{0};
  std::uint64_t wrong_session{0};   ///< session other than the locked one (dropped)
  std::uint64_t heartbeats{0};      ///< Message Count 0
  std::uint64_t end_of_session{0};  ///< Message Count 0xFFFF
  std::uint64_t messages{0};        ///< messages in this line's good packets
  std::uint64_t first{0};           ///< messages this line delivered first (delivered or buffered)
  std::uint64_t duplicates{0};      ///< messages another source (or this one) had delivered already
  std::uint64_t gap_fills{0};       ///< messages of this line that filled a hole
};

/// Everything the handler counts: a plain struct, copied by telemetry.
struct FeedCounters {
  std::array<FeedLineCounters, kFeedLineCount> lines{};
  std::uint64_t bad_line{0};                       ///< on_packet with a line outside [0, kFeedLineCount)
  std::uint64_t delivered{0};                      ///< messages handed to the sink
  std::uint64_t gaps_detected{0};                  ///< holes seen (one growing by heartbeats counts once)
  std::uint64_t gaps_filled_by_lines{0};           ///< of those, filled from A/B (other line or late) alone
  std::uint64_t gaps_filled_by_retransmission{0};  ///< filled, with retransmitted messages among the fill
  std::uint64_t gaps_given_up{0};                  ///< with at least one message given up
  std::uint64_t lost_ranges{0};                    ///< on_gap_unrecoverable calls
  std::uint64_t messages_lost{0};                  ///< messages in those ranges
  std::uint64_t gap_timeouts{0};                   ///< give-ups because a hole waited too long
  std::uint64_t buffer_overflows{0};               ///< messages that found the gap buffer full
  std::uint64_t buffer_compactions{0};             ///< arena compactions (buffer fragmented, not full)
  std::uint64_t requests_sent{0};                  ///< re-request packets asked for
  std::uint64_t messages_requested{0};             ///< messages those asked for
  std::uint64_t stale_entered{0};                  ///< transitions into the stale state
  std::uint64_t resets{0};                         ///< reset() calls
};

/// Where ordered messages go (the book manager). Every callback runs on the
/// handler's thread inside `on_packet` / `on_timer`; it must not call back
/// into the handler.
class MessageSink {
 public:
  virtual ~MessageSink() = default;
  /// One ITCH message (no length prefix) with its MoldUDP64 sequence; each
  /// sequence at most once, in increasing order. `data` is valid only during
  /// the call. `recv_tsc` is when the packet that carried it arrived (earlier
  /// than now when it waited in the gap buffer).
  virtual void on_message(std::uint64_t seq, const std::uint8_t* data, std::size_t size,
                          std::uint64_t recv_tsc) noexcept = 0;
  /// Messages [first_seq, first_seq + count) will never be delivered. Comes
  /// before the messages after them.
  virtual void on_gap_unrecoverable(std::uint64_t first_seq, std::uint64_t count) noexcept = 0;
  /// Entering (true) or leaving (false) the stale state. The handler does not
  /// know which instruments lost messages touched, so stale means "every
  /// book may be wrong".
  virtual void on_stale(bool stale) noexcept = 0;
  /// Every message before the session's end-of-session packet has been
  /// delivered or reported lost. Once per session.
  virtual void on_end_of_session() noexcept = 0;

 protected:
  MessageSink() = default;
  MessageSink(const MessageSink&) = default;
  MessageSink& operator=(const MessageSink&) = default;
};

/// Sends re-requests to the retransmission server (the transport owns the
/// socket or port; `mold::encode_request` makes the 20-byte packet). Called
/// on the handler's thread; must not block or call back into the handler.
class RetransmitRequester {
 public:
  virtual ~RetransmitRequester() = default;
  virtual void request(const protocol::mold::Request& r) noexcept = 0;

 protected:
  RetransmitRequester() = default;
  RetransmitRequester(const RetransmitRequester&) = default;
  RetransmitRequester& operator=(const RetransmitRequester&) = default;
};

/// Sequences one MoldUDP64 session from A, B and retransmission packets.
///
/// Session: the handler locks onto the session of the first good packet;
/// packets of any other session are counted (`wrong_session`) and dropped,
/// since a stray packet from yesterday's or a test session must not move the
/// sequence. A real session change (start of day) is a `reset()`.
///
/// Stale rule: entering stale is automatic (a given-up hole); leaving it is
/// the owner's decision, by `clear_stale()` once the books are rebuilt
/// (snapshot, or replay from the start of the session), or by `reset()` for
/// a new session. It is never cleared automatically — not when the next
/// messages arrive, not at end of session — because nothing the handler sees
/// afterwards tells it what the lost messages did to the books.
class FeedHandler final {
 public:
  /// Allocates the gap buffer. `sink` and `requester` must outlive the
  /// handler. Throws std::invalid_argument for a zero or oversized buffer or
  /// a zero max_request_count with requests enabled.
  FeedHandler(const FeedHandlerOptions& options, MessageSink& sink, RetransmitRequester& requester);
  FeedHandler(const FeedHandler&) = delete;
  FeedHandler& operator=(const FeedHandler&) = delete;

  /// One MoldUDP64 packet (UDP payload) from `line` (kFeedLineA, kFeedLineB,
  /// kFeedLineRetransmission), received at `tsc`. The bytes are read during
  /// the call only (copied if they must wait for a hole). Also runs due
  /// timers, so a handler fed without on_timer still gives up and re-asks.
  void on_packet(int line, const std::uint8_t* data, std::size_t size, std::uint64_t tsc) noexcept;

  /// Runs the timers due at `tsc`: re-requests and gap timeouts. Cheap when
  /// nothing is due; call it every loop iteration.
  void on_timer(std::uint64_t tsc) noexcept;

  /// Leaves the stale state (`on_stale(false)` if it was stale): the owner
  /// has rebuilt the books. A later give-up enters it again.
  void clear_stale() noexcept;

  /// Starts over for a new session: unlocks the session, forgets the
  /// sequence, the buffered messages, open gaps, the end of session and the
  /// stale state (without notifying the sink). Counters are kept. Not for
  /// the hot path (touches every buffer slot).
  void reset() noexcept;

  /// The next sequence the sink will get.
  std::uint64_t expected_sequence() const noexcept { return expected_; }
  /// One past the highest sequence known to exist (from messages, heartbeats
  /// or end of session); above expected_sequence() while a gap is open.
  std::uint64_t known_sequence() const noexcept { return known_next_; }
  bool gap_open() const noexcept { return known_next_ > expected_; }
  bool stale() const noexcept { return stale_; }
  bool session_locked() const noexcept { return session_locked_; }
  const protocol::mold::Session& session() const noexcept { return session_; }
  bool end_of_session() const noexcept { return eos_notified_; }
  /// Messages waiting in the gap buffer.
  std::size_t buffered_messages() const noexcept { return live_count_; }
  /// The buffer's message capacity (buffer_messages rounded up).
  std::size_t buffer_capacity() const noexcept { return slots_.size(); }
  const FeedCounters& counters() const noexcept { return counters_; }
  const FeedHandlerOptions& options() const noexcept { return options_; }

 private:
  static constexpr std::uint64_t kEmpty = std::numeric_limits<std::uint64_t>::max();
  static constexpr std::uint64_t kNever = std::numeric_limits<std::uint64_t>::max();

  // A buffered message: its bytes live in arena_ at `offset`.
  struct Slot {
    std::uint64_t seq{kEmpty};
    std::uint64_t recv_tsc{0};
    std::uint32_t offset{0};
    std::uint16_t size{0};
    std::uint8_t line{0};
  };

  // Sequences [first, end) found missing at `tsc`. Kept in a FIFO ordered by
  // sequence (and so by time: a hole is seen no later than any hole after
  // it); the front one holds the next expected sequence while a gap is open
  // and gives the front hole its deadline.
  struct GapEvent {
    std::uint64_t first{0};
    std::uint64_t end{0};
    std::uint64_t tsc{0};
    bool retransmitted{false};  // some of its messages came from the retransmission line
    bool lost{false};           // some of its messages were given up
  };

  void clear_state() noexcept;
  void lock_session(const protocol::mold::PacketView& v) noexcept;
  void on_messages_slow(int line, const protocol::mold::PacketView& v, std::uint64_t tsc) noexcept;
  void accept_ahead(int line, const protocol::mold::MessageBlock& b, std::uint64_t tsc) noexcept;
  void note_known(std::uint64_t next, std::uint64_t tsc) noexcept;
  void deliver(int line, std::uint64_t seq, const std::uint8_t* data, std::size_t size,
               std::uint64_t recv_tsc) noexcept;
  void drain() noexcept;
  void after_advance(std::uint64_t tsc) noexcept;
  void give_up_front(std::uint64_t limit, std::uint64_t tsc) noexcept;
  void request_round(std::uint64_t tsc) noexcept;
  void service(std::uint64_t tsc) noexcept;
  void update_deadline() noexcept;
  void schedule_request(std::uint64_t at) noexcept;
  void check_end_of_session() noexcept;

  bool present(std::uint64_t seq) const noexcept {
    return seq - expected_ < slots_.size() && slots_[seq & mask_].seq == seq;
  }
  bool store(int line, const protocol::mold::MessageBlock& b, std::uint64_t tsc) noexcept;
  void compact() noexcept;
  std::uint64_t first_present_from(std::uint64_t from, std::uint64_t limit) const noexcept;

  void push_event(std::uint64_t first, std::uint64_t end, std::uint64_t tsc) noexcept;
  void pop_events_before(std::uint64_t seq) noexcept;
  void finish_event(const GapEvent& e) noexcept;
  GapEvent& event_front() noexcept { return events_[events_head_ & events_mask_]; }

  FeedHandlerOptions options_;
  MessageSink& sink_;
  RetransmitRequester& requester_;
  FeedCounters counters_{};

  protocol::mold::Session session_{};
  bool session_locked_{false};
  std::uint64_t expected_{0};
  std::uint64_t known_next_{0};
  bool stale_{false};

  bool eos_seen_{false};
  bool eos_notified_{false};
  std::uint64_t eos_seq_{0};

  // Gap buffer: slots ring-indexed by sequence, bytes in one of two arena
  // halves (bump allocation, reset when empty, compacted into the other
  // half when fragmented).
  std::vector<Slot> slots_;
  std::uint64_t mask_{0};
  std::vector<std::uint8_t> arena_;
  std::size_t half_bytes_{0};
  std::size_t arena_base_{0};
  std::size_t arena_top_{0};
  std::size_t live_bytes_{0};
  std::size_t live_count_{0};

  std::vector<GapEvent> events_;
  std::uint64_t events_mask_{0};
  std::uint64_t events_head_{0};
  std::uint64_t events_size_{0};

  // Timers: the earliest of the front hole's deadline and the next request
  // round, so on_packet / on_timer test one integer when nothing is due.
  std::uint64_t next_deadline_{kNever};
  std::uint64_t next_request_tsc_{kNever};
  std::uint32_t request_attempts_{0};
  std::uint64_t attempts_front_{0};
};

}  // namespace hft::market_data
