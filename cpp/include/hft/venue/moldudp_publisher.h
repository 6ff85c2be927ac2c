#pragma once
/// @file
/// The venue's market data out: ITCH messages packed into MoldUDP64
/// packets, sent on one line or two (A/B, the same packets on both), a
/// heartbeat when idle, end-of-session at the close, and a retransmission
/// server that answers MoldUDP64 re-requests from a bounded history.
///
/// It moves bytes through a `net::DatagramTransport` (kernel UDP or a DPDK
/// port), so the feed handler at the other end is tested against exactly
/// what a real venue would send. Test hooks drop, duplicate or reorder
/// chosen packets on one line, so gap recovery and arbitration are exercised
/// for real. Driven by the venue's loop; no thread of its own; nothing
/// allocates after construction.

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "hft/net/datagram_transport.h"
#include "hft/protocol/moldudp64.h"

namespace hft::venue {

/// Faults injected on one line, for tests of the receiving side. Packet
/// ordinals count the downstream packets sent on the line (heartbeats
/// included), from 0.
struct LineFaults {
  std::vector<std::uint64_t> drop;       ///< packets never sent on this line
  std::vector<std::uint64_t> duplicate;  ///< packets sent twice in a row
  std::vector<std::uint64_t> reorder;    ///< packets held back and sent after the next one
  double drop_probability{0};            ///< each other packet is dropped with this chance (seeded)
  std::uint64_t seed{1};
};

struct PublisherOptions {
  protocol::mold::Session session{protocol::mold::make_session("HFTVENUE01")};
  /// Line A, and optionally B: the group (or unicast address) and port.
  std::vector<net::UdpEndpoint> lines;
  std::vector<LineFaults> faults;  ///< per line; missing entries mean no faults
  std::size_t max_packet_bytes{protocol::mold::kDefaultMaxPacketSize};
  /// A packet that has waited this long is sent by on_timer() even if not
  /// full; 0 sends at the next on_timer(), so the messages of one loop
  /// turn (one input's events) share packets.
  std::int64_t max_batch_delay_ns{0};
  /// Idle for this long: a heartbeat goes out on every line.
  std::int64_t heartbeat_interval_ns{1'000'000'000};
  /// Retransmission history: messages and bytes kept (older ones cannot be
  /// re-sent).
  std::size_t history_messages{1u << 20};
  std::size_t history_bytes{64u << 20};
};

struct PublisherCounters {
  std::uint64_t messages{0};
  std::uint64_t packets{0};  ///< downstream packets built (each sent on every line)
  std::uint64_t heartbeats{0};
  std::uint64_t datagrams_sent{0};  ///< over all lines
  std::uint64_t send_failures{0};   ///< datagrams the transport did not take
  std::uint64_t faults_dropped{0};
  std::uint64_t faults_duplicated{0};
  std::uint64_t faults_reordered{0};
  std::uint64_t requests{0};
  std::uint64_t bad_requests{0};  ///< malformed, or for another session
  std::uint64_t messages_retransmitted{0};
  std::uint64_t messages_unavailable{0};  ///< asked for but no longer (or never) in the history
};

class MoldUdpPublisher {
 public:
  /// `transport` must outlive the publisher.
  MoldUdpPublisher(const PublisherOptions& options, net::DatagramTransport& transport);

  /// Appends one ITCH message (no length prefix) as the next sequence
  /// number; sends the current packet first when the message does not fit.
  /// False only for a message larger than a packet can carry.
  bool publish(const std::uint8_t* message, std::size_t size, std::int64_t now_ns) noexcept;
  /// Appends a message `encode(out, room)` writes in place (the ITCH
  /// encoders' contract).
  template <typename Encode>
  bool emplace(Encode&& encode, std::int64_t now_ns) noexcept {
    std::uint8_t scratch[256];
    const std::size_t n = encode(scratch, sizeof scratch);
    return n != 0 && publish(scratch, n, now_ns);
  }
  /// Sends the packet being built, if any.
  void flush(std::int64_t now_ns) noexcept;
  /// Batch deadline and heartbeats; call every loop.
  void on_timer(std::int64_t now_ns) noexcept;
  /// Flushes, then sends end-of-session on every line. Publishing after it
  /// is refused.
  void end_of_session(std::int64_t now_ns) noexcept;

  /// Answers one re-request datagram (`request`, from `requester`) through
  /// `reply` (the retransmission server's own transport): the messages it
  /// asks for that the history still holds, in packets of at most
  /// max_packet_bytes. Returns the messages sent.
  std::size_t answer(const net::RxDatagram& request, net::DatagramTransport& reply) noexcept;

  /// Sequence number the next message will get.
  std::uint64_t next_sequence() const noexcept { return next_seq_ + building_count(); }
  const PublisherCounters& counters() const noexcept { return counters_; }
  bool ended() const noexcept { return ended_; }

 private:
  struct Held {
    std::vector<std::uint8_t> bytes;
    std::size_t size{0};
    bool full{false};
  };
  struct LineState {
    net::UdpEndpoint endpoint;
    LineFaults faults;
    std::uint64_t ordinal{0};
    Held held;  // a packet held back to reorder
    std::mt19937_64 rng;
  };
  struct HistoryEntry {
    std::uint64_t seq{0};
    std::uint64_t at{0};  // absolute position in the history ring
    std::uint32_t size{0};
  };

  std::uint16_t building_count() const noexcept { return builder_.count(); }
  void send_packet(const std::uint8_t* data, std::size_t size, std::int64_t now_ns) noexcept;
  void send_on_line(LineState& line, const std::uint8_t* data, std::size_t size) noexcept;
  bool transmit(const net::UdpEndpoint& to, const std::uint8_t* data, std::size_t size) noexcept;
  void remember(std::uint64_t seq, const std::uint8_t* message, std::size_t size) noexcept;
  const HistoryEntry* recall(std::uint64_t seq) const noexcept;

  PublisherOptions options_;
  net::DatagramTransport& transport_;
  std::vector<LineState> lines_;
  std::vector<std::uint8_t> packet_;
  protocol::mold::PacketBuilder builder_;
  std::uint64_t next_seq_{1};  // first sequence of the packet being built
  std::int64_t batch_started_ns_{0};
  std::int64_t last_sent_ns_{0};
  bool ended_{false};
  std::vector<std::uint8_t> history_;
  std::vector<HistoryEntry> index_;
  std::uint64_t history_head_{0};
  std::vector<std::uint8_t> reply_packet_;
  PublisherCounters counters_{};
};

}  // namespace hft::venue
