#pragma once
// DpdkPort's state, shared with DpdkUdpTransport (which builds frames in the
// port's mbufs directly). Private to cpp/src/net: it includes DPDK headers.

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include <array>
#include <string>
#include <vector>

#include "hft/net/dpdk_port.h"

namespace hft::net {

// Names of every ethdev that exists. (RTE_ETH_FOREACH_DEV expands into
// conversions the project's warnings reject.)
inline std::vector<std::string> ethdev_names() {
  std::vector<std::string> names;
  for (std::uint64_t p = rte_eth_find_next_owned_by(0, RTE_ETH_DEV_NO_OWNER); p < RTE_MAX_ETHPORTS;
       p = rte_eth_find_next_owned_by(static_cast<std::uint16_t>(p + 1), RTE_ETH_DEV_NO_OWNER)) {
    char name[RTE_ETH_NAME_MAX_LEN];
    if (rte_eth_dev_get_name_by_port(static_cast<std::uint16_t>(p), name) == 0) names.emplace_back(name);
  }
  return names;
}

struct DpdkPort::Impl {
  std::uint16_t port{0};
  std::string name;
  std::string driver;
  rte_mempool* pool{nullptr};
  bool started{false};
  bool closed{false};
  std::uint64_t tx_offloads{0};  // the offloads the TX queue was configured with
  MacAddress mac{};
  // Mbufs handed out by the last rx_frames, freed at the next call.
  std::array<rte_mbuf*, kMaxDpdkBurst> rx_held{};
  std::uint16_t rx_held_count{0};
  PortDrops drops;

  void release_rx() noexcept {
    if (rx_held_count != 0) {
      rte_pktmbuf_free_bulk(rx_held.data(), rx_held_count);
      rx_held_count = 0;
    }
  }

  // Frees the previous burst and receives up to `want` mbufs into rx_held.
  std::uint16_t poll(std::uint16_t want) noexcept {
    release_rx();
    rx_held_count = rte_eth_rx_burst(port, 0, rx_held.data(), want);
    return rx_held_count;
  }

  // Hands `count` filled mbufs to the device; frees and counts what it did
  // not take.
  std::uint16_t send(rte_mbuf** mbufs, std::uint16_t count) noexcept {
    const std::uint16_t sent = rte_eth_tx_burst(port, 0, mbufs, count);
    if (sent < count) {
      drops.tx_queue_full += static_cast<std::uint64_t>(count - sent);
      rte_pktmbuf_free_bulk(mbufs + sent, static_cast<unsigned>(count - sent));
    }
    return sent;
  }
};

}  // namespace hft::net
