#pragma once
/// @file
/// The one packet interface of the engine and the venue simulator: bursts of
/// UDP datagrams in and out. Two implementations sit behind it, chosen by
/// `network.kernel_bypass` in the configuration:
///
/// - `DpdkUdpTransport` (dpdk_udp_transport.h): Ethernet/IPv4/UDP frames on a
///   DPDK port (a NIC or a vdev), framing done here, zero copy on receive;
/// - `KernelUdpTransport` (kernel_udp_transport.h): a kernel UDP socket with
///   `recvmmsg`/`sendmmsg` batching, multicast joins, busy polling and
///   receive timestamps.
///
/// The interface knows addresses and byte counts, never what the bytes mean:
/// protocol code decodes `RxDatagram::payload` and hands encoded bytes to
/// `tx_burst`. One virtual call per burst, not per datagram; both
/// implementations are `final`, so code templated on the concrete type calls
/// them directly.
///
/// Threading: one thread owns a transport (receives and sends). Counters are
/// written by that thread only; telemetry reads them as a snapshot.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "hft/net/udp_frame.h"

namespace hft::net {

/// Where a receive timestamp came from.
enum class RxTimestampSource : std::uint8_t {
  None,      ///< no timestamp: the caller stamps with its own TSC clock when it polls
  Software,  ///< the kernel stamped it on arrival (SO_TIMESTAMPNS / software SO_TIMESTAMPING)
  Hardware,  ///< the NIC stamped it (SO_TIMESTAMPING raw hardware time)
};

/// One received datagram. `payload` points into memory the transport owns
/// (a DPDK mbuf or a preallocated socket buffer) and stays valid until the
/// next `rx_burst` call on the same transport.
struct RxDatagram {
  const std::uint8_t* payload{nullptr};
  std::size_t size{0};
  UdpEndpoint source;             ///< sender (MAC only on DPDK)
  UdpEndpoint destination;        ///< our address or the multicast group it was sent to
  std::uint64_t timestamp_ns{0};  ///< CLOCK_REALTIME nanoseconds; 0 with `RxTimestampSource::None`
  RxTimestampSource timestamp_source{RxTimestampSource::None};
  /// TSC when an earlier stage took the datagram off the wire (a relay from
  /// a network core); 0: the reader's own receive time applies.
  std::uint64_t rx_tsc{0};
};

/// One datagram to send. The payload is copied before `tx_burst` returns.
/// `destination.mac` is ignored: the transport uses the multicast MAC for a
/// group and the configured next hop for a unicast address.
struct TxDatagram {
  const std::uint8_t* payload{nullptr};
  std::size_t size{0};
  UdpEndpoint destination;
};

/// What a transport did, written by its owning thread only. Nothing is
/// dropped without a counter saying why.
struct TransportCounters {
  std::uint64_t rx_datagrams{0};
  std::uint64_t rx_bytes{0};  ///< payload bytes
  std::uint64_t tx_datagrams{0};
  std::uint64_t tx_bytes{0};           ///< payload bytes
  std::uint64_t rx_wrong_protocol{0};  ///< not IPv4/UDP (ARP, IPv6, TCP...): dropped
  std::uint64_t rx_wrong_address{0};   ///< IPv4/UDP for another address, group or port: dropped
  std::uint64_t rx_bad_frame{0};       ///< truncated, bad checksum, fragment: dropped
  std::uint64_t rx_truncated{0};       ///< larger than the receive buffer (kernel): dropped
  std::uint64_t rx_errors{0};          ///< the receive call itself failed
  std::uint64_t tx_queue_full{0};      ///< the port or socket took fewer than offered: not sent
  std::uint64_t tx_no_route{0};        ///< unicast destination without a next-hop MAC: not sent
  std::uint64_t tx_too_large{0};       ///< payload does not fit one frame: not sent
  std::uint64_t tx_errors{0};          ///< the send call itself failed
};

/// A named 64-bit counter, for telemetry: port statistics, DPDK extended
/// statistics, socket drop counts.
struct NamedCounter {
  std::string name;
  std::uint64_t value{0};
};

/// A burst-oriented UDP datagram transport. See the file comment.
class DatagramTransport {
 public:
  virtual ~DatagramTransport() = default;
  DatagramTransport() = default;
  DatagramTransport(const DatagramTransport&) = delete;
  DatagramTransport& operator=(const DatagramTransport&) = delete;

  /// Receives up to `max` datagrams into `out` without blocking (a transport
  /// opened in blocking mode waits for the first). Returns how many; the
  /// payload views of the previous burst become invalid.
  virtual std::size_t rx_burst(RxDatagram* out, std::size_t max) noexcept = 0;

  /// Sends up to `count` datagrams; returns how many were handed to the
  /// port or the kernel. The rest are counted (`tx_queue_full`, ...) and may
  /// be offered again.
  virtual std::size_t tx_burst(const TxDatagram* in, std::size_t count) noexcept = 0;

  /// The transport's own counters (drops by reason included).
  virtual const TransportCounters& counters() const noexcept = 0;

  /// Counters of what lies beneath: DPDK port statistics and extended
  /// statistics, or the socket's kernel drop count. Slow path (allocates).
  virtual std::vector<NamedCounter> device_counters() const = 0;

  /// The address datagrams are sent from and received on.
  virtual UdpEndpoint local_endpoint() const noexcept = 0;

  /// "dpdk" or "kernel".
  virtual const char* kind() const noexcept = 0;
};

/// `counters` as named values, for the same telemetry path as `device_counters`.
std::vector<NamedCounter> named(const TransportCounters& counters);

}  // namespace hft::net
