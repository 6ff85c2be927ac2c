#pragma once
/// @file
/// The `pipeline` CPU layout: a network core polls the real transports and
/// hands every datagram, with the TSC of its arrival, to the engine core
/// through a single-producer single-consumer ring; re-requests go back the
/// other way. The engine core's Pipeline reads a `RelayedLine`, which is a
/// DatagramTransport like any other, so the two layouts run the same
/// pipeline code and differ only in what its lines are.
///
/// Slots are fixed-size and preallocated; the consumer reads payloads in
/// place (no copy on its side) and releases them at its next `rx_burst`, as
/// a DPDK port recycles mbufs. A full ring drops the datagram and counts it:
/// the feed handler then sees a gap and recovers it like any other loss.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "hft/core/cache.h"
#include "hft/engine/pipeline.h"
#include "hft/net/datagram_transport.h"

namespace hft::engine {

/// An SPSC ring of datagram slots. One thread produces, one consumes.
class PacketRing {
 public:
  /// `slots` is rounded up to a power of two; payloads longer than
  /// `slot_bytes` are refused by `push` (counted by the caller).
  PacketRing(std::size_t slots, std::size_t slot_bytes);

  /// Producer: copies one datagram in; false when full or too long.
  bool push(const std::uint8_t* payload, std::size_t size, const net::UdpEndpoint& peer, std::uint64_t rx_tsc) noexcept;
  /// Consumer: up to `max` datagrams, oldest first, pointing into the ring;
  /// valid until `release`.
  std::size_t peek(net::RxDatagram* out, std::size_t max) noexcept;
  /// Consumer: frees the `n` oldest slots (what the last `peek` returned).
  void release(std::size_t n) noexcept;

  std::size_t capacity() const noexcept { return mask_ + 1; }
  std::size_t slot_bytes() const noexcept { return slot_bytes_; }

 private:
  struct Meta {
    std::uint64_t rx_tsc;
    std::uint32_t size;
    net::UdpEndpoint peer;
  };
  std::size_t mask_;
  std::size_t slot_bytes_;
  std::vector<Meta> meta_;
  std::vector<std::uint8_t> data_;
  alignas(core::kCacheLine) std::atomic<std::uint64_t> head_{0};  // producer-owned
  std::uint64_t cached_tail_{0};                                  // producer's view of tail
  alignas(core::kCacheLine) std::atomic<std::uint64_t> tail_{0};  // consumer-owned
  std::uint64_t cached_head_{0};                                  // consumer's view of head
};

/// Counters of the relay, per line (written by the network core).
struct RelayCounters {
  std::atomic<std::uint64_t> relayed{0};
  std::atomic<std::uint64_t> ring_full{0};  ///< dropped: the engine core fell behind
  std::atomic<std::uint64_t> too_long{0};   ///< dropped: longer than a slot
  std::atomic<std::uint64_t> sent{0};       ///< engine datagrams (re-requests) sent
};

/// The engine core's end of one relayed line.
class RelayedLine final : public net::DatagramTransport {
 public:
  RelayedLine(PacketRing& inbound, PacketRing& outbound, net::UdpEndpoint local) noexcept
      : in_(inbound), out_(outbound), local_(local) {}
  std::size_t rx_burst(net::RxDatagram* out, std::size_t max) noexcept override;
  std::size_t tx_burst(const net::TxDatagram* in, std::size_t count) noexcept override;
  const net::TransportCounters& counters() const noexcept override { return counters_; }
  std::vector<net::NamedCounter> device_counters() const override { return {}; }
  net::UdpEndpoint local_endpoint() const noexcept override { return local_; }
  const char* kind() const noexcept override { return "relay"; }

 private:
  PacketRing& in_;
  PacketRing& out_;
  net::UdpEndpoint local_;
  std::size_t held_{0};  // slots handed out by the last rx_burst
  net::TransportCounters counters_;
};

/// The network core's loop over the real transports.
class NetworkStage {
 public:
  struct Options {
    std::size_t ring_slots{8192};
    std::size_t slot_bytes{2048};
    std::size_t burst{32};
  };

  /// Takes the real transports; `engine_side()` gives the lines the
  /// Pipeline reads instead (same endpoints, retransmission server kept).
  NetworkStage(PipelineTransports real, const Options& options);
  NetworkStage(const NetworkStage&) = delete;
  NetworkStage& operator=(const NetworkStage&) = delete;

  /// The engine core's transports; call once, before the loop starts.
  PipelineTransports engine_side();

  /// One pass over every line: receive, stamp, relay; send what the engine
  /// queued. True when anything moved.
  bool poll() noexcept;
  /// Polls until `stop` is set (the thread body).
  void run(const std::atomic<bool>& stop) noexcept;

  /// Index 0 line A, 1 line B, 2 retransmission.
  /// Counters of a line (all zero for a line that is not configured).
  const RelayCounters& counters(std::size_t line) const noexcept;

 private:
  struct Line {
    std::unique_ptr<net::DatagramTransport> real;
    PacketRing inbound;
    PacketRing outbound;
    std::unique_ptr<RelayedLine> engine;
    RelayCounters counters;
    Line(std::unique_ptr<net::DatagramTransport> t, const Options& o);
  };
  std::array<std::unique_ptr<Line>, 3> lines_;  // null where the line is not configured
  std::vector<net::RxDatagram> rx_;
  std::vector<net::RxDatagram> tx_;
  std::vector<net::TxDatagram> tx_view_;
  net::UdpEndpoint retransmission_server_;
};

}  // namespace hft::engine
