#pragma once
/// @file
/// UDP through the kernel: the fallback when DPDK cannot run (no NIC for
/// it, no rights) and the baseline DPDK is measured against. A non-blocking
/// socket (or a blocking one, for the latency comparison) with
/// `recvmmsg`/`sendmmsg` batching, unicast and multicast, optional busy
/// polling (`SO_BUSY_POLL`) and receive timestamps (`SO_TIMESTAMPNS`, or
/// `SO_TIMESTAMPING` with the NIC's clock where the NIC and the rights allow).
/// All buffers are allocated at open; a burst allocates nothing.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hft/net/datagram_transport.h"
#include "hft/net/net_result.h"

namespace hft::net {

/// Which receive timestamps to ask the kernel for.
enum class RxTimestamps : std::uint8_t {
  None,
  Software,  ///< kernel arrival time (SO_TIMESTAMPNS)
  Hardware,  ///< NIC time (SO_TIMESTAMPING + SIOCSHWTSTAMP); software time where the NIC has none
};

struct KernelUdpOptions {
  /// Address to bind: ip 0 is any, port 0 an ephemeral port (see
  /// `local_endpoint()` for the one chosen).
  UdpEndpoint local;
  /// Groups to join on `interface` (IP_ADD_MEMBERSHIP).
  std::vector<std::uint32_t> multicast_groups;
  /// Interface for joins, multicast sends and hardware timestamps, e.g.
  /// "eth0" or "lo"; empty: the kernel's choice by route.
  std::string interface;
  bool multicast_loop{false};     ///< receive our own multicast sends (tests, one-host set-ups)
  std::uint8_t multicast_ttl{1};  ///< hops a multicast send may cross
  bool blocking{false};           ///< `rx_burst` sleeps until the first datagram arrives
  int busy_poll_us{0};            ///< SO_BUSY_POLL: spin in the driver this long per receive (0: off)
  RxTimestamps timestamps{RxTimestamps::None};
  int receive_buffer_bytes{0};     ///< SO_RCVBUF (0: kernel default)
  int send_buffer_bytes{0};        ///< SO_SNDBUF (0: kernel default)
  std::size_t batch{32};           ///< datagrams per recvmmsg/sendmmsg call
  std::size_t max_datagram{2048};  ///< receive buffer per datagram; longer ones count as `rx_truncated`
};

class KernelUdpTransport final : public DatagramTransport {
 public:
  /// Opens, configures and binds the socket and joins the groups. The message
  /// says which step failed and what to do (a missing interface, a group
  /// that cannot be joined, SO_BUSY_POLL without CAP_NET_ADMIN, ...).
  static NetOpened<KernelUdpTransport> open(const KernelUdpOptions& options);

  ~KernelUdpTransport() override;

  /// At most `options.batch` datagrams per call.
  std::size_t rx_burst(RxDatagram* out, std::size_t max) noexcept override;
  /// At most `options.batch` datagrams per call.
  std::size_t tx_burst(const TxDatagram* in, std::size_t count) noexcept override;
  const TransportCounters& counters() const noexcept override { return counters_; }
  std::vector<NamedCounter> device_counters() const override;
  UdpEndpoint local_endpoint() const noexcept override { return local_; }
  const char* kind() const noexcept override { return "kernel"; }

  /// The socket, for poll/epoll integration.
  int fd() const noexcept { return fd_; }
  /// True when the NIC's clock stamps received datagrams.
  bool hardware_timestamps() const noexcept { return hardware_timestamps_; }

 private:
  struct Buffers;
  KernelUdpTransport(int fd, const KernelUdpOptions& options);

  int fd_{-1};
  bool blocking_{false};
  bool hardware_timestamps_{false};
  UdpEndpoint local_;
  std::size_t max_datagram_{0};
  std::unique_ptr<Buffers> buffers_;
  TransportCounters counters_;
  std::uint32_t socket_drops_{0};  // last SO_RXQ_OVFL value seen
};

/// Checks that multicast sent on `interface` comes back to a member on the
/// same host, with a probe to `group`:`port`. A failure says why (interface
/// missing or without MULTICAST, no route) and how to enable it, so that a
/// test can show the reason instead of silently skipping.
NetResult probe_multicast_loopback(const std::string& interface, std::uint32_t group, std::uint16_t port);

}  // namespace hft::net
