#pragma once
/// @file
/// UDP over a DPDK port: Ethernet/IPv4/UDP framing in user space
/// (`udp_frame.h`), zero-copy receive, checksums offloaded when the port can.
/// There is no ARP: unicast goes to a static next-hop MAC from the
/// configuration, multicast to the group's MAC. Frames of another protocol
/// or for another address are counted and dropped here, so the protocol
/// room only ever sees datagrams for us.

#include <memory>
#include <optional>
#include <vector>

#include "hft/net/datagram_transport.h"
#include "hft/net/dpdk_port.h"

namespace hft::net {

struct DpdkUdpOptions {
  /// Our address: source of what we send, and (ip and port, when non-zero)
  /// what we accept. `mac` all-zero: the port's own MAC.
  UdpEndpoint local;
  /// Groups whose datagrams we accept besides `local.ip` (there is no IGMP
  /// here: the switch must forward the groups, e.g. a static membership).
  std::vector<std::uint32_t> multicast_groups;
  /// MAC of the router or peer unicast datagrams go to. Without one,
  /// unicast sends are counted as `tx_no_route`.
  std::optional<MacAddress> next_hop_mac;
  std::uint8_t ttl{64};
  /// Check each datagram's UDP checksum in software. Off where the NIC
  /// verifies it (RX checksum offload), or for frames captured on a host's
  /// own loopback, where the kernel leaves the checksum for a NIC to fill.
  /// The IPv4 header checksum is always checked.
  bool verify_udp_checksum{true};
};

class DpdkUdpTransport final : public DatagramTransport {
 public:
  DpdkUdpTransport(std::unique_ptr<DpdkPort> port, DpdkUdpOptions options);
  ~DpdkUdpTransport() override;

  /// At most kMaxDpdkBurst frames are read per call.
  std::size_t rx_burst(RxDatagram* out, std::size_t max) noexcept override;
  /// At most kMaxDpdkBurst datagrams are sent per call.
  std::size_t tx_burst(const TxDatagram* in, std::size_t count) noexcept override;
  const TransportCounters& counters() const noexcept override { return counters_; }
  std::vector<NamedCounter> device_counters() const override;
  UdpEndpoint local_endpoint() const noexcept override { return local_; }
  const char* kind() const noexcept override { return "dpdk"; }

  DpdkPort& port() noexcept { return *port_; }
  const DpdkPort& port() const noexcept { return *port_; }

 private:
  bool accepts(const UdpDatagram& d) const noexcept;

  std::unique_ptr<DpdkPort> port_;
  UdpEndpoint local_;
  std::vector<std::uint32_t> groups_;
  MacAddress next_hop_{};
  bool has_next_hop_{false};
  std::uint8_t ttl_{64};
  bool verify_udp_checksum_{true};
  TransportCounters counters_;
};

}  // namespace hft::net
