#pragma once
/// @file
/// One DPDK Ethernet port with one RX and one TX queue: its mbuf pool,
/// burst receive and send of raw frames, link state, and port statistics.
/// The same code drives a PCI NIC and the virtual devices: `net_ring` (ports
/// inside one process, see `create_ring_pair`), `net_memif` (between two
/// processes), `net_pcap` (replay a capture in, capture what is sent),
/// `net_tap` and `net_af_packet` (root or CAP_NET_ADMIN/CAP_NET_RAW).
///
/// DPDK types stay out of this header (pimpl); `DpdkUdpTransport` adds
/// UDP framing on top.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hft/net/datagram_transport.h"
#include "hft/net/dpdk_runtime.h"
#include "hft/net/net_result.h"
#include "hft/net/udp_frame.h"

namespace hft::net {

/// The most frames one `rx_frames`/`tx_frames` call moves.
inline constexpr std::size_t kMaxDpdkBurst = 64;

struct DpdkPortOptions {
  std::string name;  ///< ethdev name: a vdev (`net_ring0`, `net_memif0`) or a PCI address (`0000:01:00.0`)
  std::uint16_t rx_ring_size{1024};  ///< RX descriptors (adjusted to what the device allows)
  std::uint16_t tx_ring_size{1024};  ///< TX descriptors
  std::uint32_t mempool_size{8191};  ///< mbufs; 2^n - 1 is the most memory-efficient
  std::uint32_t mempool_cache{256};  ///< per-lcore mbuf cache
  bool checksum_offload{true};       ///< let the NIC fill IPv4/UDP checksums when it can
  bool promiscuous{false};           ///< receive frames for any destination MAC
  bool all_multicast{true};          ///< receive every multicast frame (feeds), filtered in software
  std::uint32_t link_wait_ms{0};     ///< wait this long for link up at open (0: do not wait)
};

struct LinkState {
  bool up{false};
  std::uint32_t speed_mbps{0};
  bool full_duplex{false};
};

/// The device's own counters (`rte_eth_stats`).
struct PortStats {
  std::uint64_t rx_packets{0};
  std::uint64_t tx_packets{0};
  std::uint64_t rx_bytes{0};
  std::uint64_t tx_bytes{0};
  std::uint64_t rx_missed{0};  ///< dropped by the device: the RX ring was full
  std::uint64_t rx_errors{0};
  std::uint64_t tx_errors{0};
  std::uint64_t rx_no_mbuf{0};  ///< RX failed for want of mbufs
};

/// What the port's software path dropped.
struct PortDrops {
  std::uint64_t rx_multi_segment{0};  ///< a frame larger than one mbuf (jumbo): dropped
  std::uint64_t tx_no_mbuf{0};        ///< the pool was empty: not sent
  std::uint64_t tx_queue_full{0};     ///< the TX ring took fewer than offered: not sent
  std::uint64_t tx_too_large{0};      ///< larger than one mbuf: not sent
};

/// A frame's bytes. From `rx_frames` it points into an mbuf, valid until the
/// next `rx_frames` call.
struct FrameView {
  const std::uint8_t* data{nullptr};
  std::size_t size{0};
};

class DpdkPort {
 public:
  /// Finds the ethdev `options.name`, creates its pool, configures one RX and
  /// one TX queue and starts it. The message names the ports that exist when
  /// the name is unknown.
  static NetOpened<DpdkPort> open(const DpdkRuntime& runtime, const DpdkPortOptions& options);

  /// `close()`.
  ~DpdkPort();
  DpdkPort(const DpdkPort&) = delete;
  DpdkPort& operator=(const DpdkPort&) = delete;

  /// Receives up to `max` (at most kMaxDpdkBurst) frames. Frees the mbufs of
  /// the previous call first, so the views stay valid until the next call.
  std::size_t rx_frames(FrameView* out, std::size_t max) noexcept;

  /// Copies up to `count` (at most kMaxDpdkBurst) frames into mbufs and sends
  /// them; returns how many the device accepted.
  std::size_t tx_frames(const FrameView* frames, std::size_t count) noexcept;

  LinkState link() const noexcept;
  /// Polls the link until it is `up` (or down); false on timeout.
  bool wait_for_link(bool up, std::uint32_t timeout_ms) const noexcept;

  PortStats stats() const noexcept;
  const PortDrops& drops() const noexcept;
  /// The device's extended statistics (`rte_eth_xstats`). Slow path.
  std::vector<NamedCounter> xstats() const;
  /// `stats()`, `drops()` and `xstats()` as named counters for telemetry.
  std::vector<NamedCounter> device_counters() const;

  MacAddress mac() const noexcept;
  std::uint16_t port_id() const noexcept;
  const std::string& name() const noexcept;
  /// The PMD's name, e.g. `net_ring`, `net_memif`, `net_ice`.
  const std::string& driver() const noexcept;
  bool tx_ip_checksum_offload() const noexcept;
  bool tx_udp_checksum_offload() const noexcept;

  /// Stops the port, waits (up to a second) for its link to go down, so that
  /// a memif peer sees the disconnect before the shared memory goes away,
  /// then closes it and frees the pool. Called by the destructor; idempotent.
  void close() noexcept;

 private:
  friend class DpdkUdpTransport;
  struct Impl;
  explicit DpdkPort(std::unique_ptr<Impl> impl) noexcept;
  std::unique_ptr<Impl> impl_;
};

/// Creates two `net_ring` ports wired back to back inside this process: what
/// `a` sends `b` receives and the other way round (two `--vdev=net_ring`
/// devices would each loop back to themselves instead). Both names must
/// start with `net_ring_` (DPDK prefixes ports made from rings so). Open
/// them with `DpdkPort::open` by name afterwards.
NetResult create_ring_pair(const DpdkRuntime& runtime, const std::string& a, const std::string& b,
                           unsigned ring_size = 1024);

}  // namespace hft::net
