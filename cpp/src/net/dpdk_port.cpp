// A DPDK port: pool, one RX and one TX queue, bursts of raw frames, link
// state and statistics.
#include <rte_eth_ring.h>
#include <rte_ring.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

#include "dpdk_port_impl.h"

namespace hft::net {
namespace {

std::string dpdk_error(int rc) { return std::string(rte_strerror(rc < 0 ? -rc : rc)); }

std::string known_ports() {
  std::string out;
  for (const std::string& name : ethdev_names()) out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? "none" : out;
}

}  // namespace

DpdkPort::DpdkPort(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}

DpdkPort::~DpdkPort() { close(); }

NetOpened<DpdkPort> DpdkPort::open(const DpdkRuntime& runtime, const DpdkPortOptions& o) {
  (void)runtime;  // proof that the EAL runs
  using Opened = NetOpened<DpdkPort>;
  auto impl = std::make_unique<Impl>();
  impl->name = o.name;
  if (rte_eth_dev_get_port_by_name(o.name.c_str(), &impl->port) != 0) {
    return Opened::failure("DPDK port '" + o.name + "' does not exist (ports: " + known_ports() +
                           "): add it to network.dpdk.vdevs (e.g. net_ring0, net_memif0,role=server,...) or bind "
                           "the NIC to vfio-pci (docs/network.md)");
  }
  const std::uint16_t port = impl->port;
  rte_eth_dev_info info{};
  if (const int rc = rte_eth_dev_info_get(port, &info); rc != 0) {
    return Opened::failure("rte_eth_dev_info_get(" + o.name + "): " + dpdk_error(rc));
  }
  impl->driver = info.driver_name != nullptr ? info.driver_name : "";

  const int socket = rte_eth_dev_socket_id(port);
  const int pool_socket = socket < 0 ? SOCKET_ID_ANY : socket;
  const std::string pool_name = "hft_pool_" + std::to_string(port);
  impl->pool = rte_pktmbuf_pool_create(pool_name.c_str(), o.mempool_size, o.mempool_cache, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
                                       pool_socket);
  if (impl->pool == nullptr) {
    return Opened::failure("cannot create the mbuf pool for " + o.name + " (" + std::to_string(o.mempool_size) +
                           " mbufs): " + rte_strerror(rte_errno) +
                           "; lower network.dpdk.mempool_size or raise network.dpdk.memory_mb");
  }

  rte_eth_conf conf{};
  const std::uint64_t wanted_tx = RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
  if (o.checksum_offload) conf.txmode.offloads = info.tx_offload_capa & wanted_tx;
  impl->tx_offloads = conf.txmode.offloads;
  if (const int rc = rte_eth_dev_configure(port, 1, 1, &conf); rc != 0) {
    rte_mempool_free(impl->pool);
    return Opened::failure("rte_eth_dev_configure(" + o.name + "): " + dpdk_error(rc));
  }
  std::uint16_t rxd = o.rx_ring_size;
  std::uint16_t txd = o.tx_ring_size;
  if (const int rc = rte_eth_dev_adjust_nb_rx_tx_desc(port, &rxd, &txd); rc != 0) {
    rte_eth_dev_close(port);
    rte_mempool_free(impl->pool);
    return Opened::failure("rte_eth_dev_adjust_nb_rx_tx_desc(" + o.name + "): " + dpdk_error(rc));
  }
  const auto queue_socket = static_cast<unsigned>(pool_socket);
  int rc = rte_eth_rx_queue_setup(port, 0, rxd, queue_socket, nullptr, impl->pool);
  if (rc == 0) {
    rte_eth_txconf txconf = info.default_txconf;
    txconf.offloads = conf.txmode.offloads;
    rc = rte_eth_tx_queue_setup(port, 0, txd, queue_socket, &txconf);
  }
  if (rc == 0) rc = rte_eth_dev_start(port);
  if (rc != 0) {
    rte_eth_dev_close(port);
    rte_mempool_free(impl->pool);
    return Opened::failure("cannot set up queues of " + o.name + ": " + dpdk_error(rc) + " (rx/tx ring sizes " +
                           std::to_string(rxd) + "/" + std::to_string(txd) + ")");
  }
  impl->started = true;
  // Virtual devices often lack these modes; their frames reach us anyway.
  if (o.promiscuous) (void)rte_eth_promiscuous_enable(port);
  if (o.all_multicast) (void)rte_eth_allmulticast_enable(port);

  rte_ether_addr addr{};
  if (rte_eth_macaddr_get(port, &addr) == 0) std::memcpy(impl->mac.data(), addr.addr_bytes, 6);

  std::unique_ptr<DpdkPort> opened(new DpdkPort(std::move(impl)));
  if (o.link_wait_ms != 0 && !opened->wait_for_link(true, o.link_wait_ms)) {
    return Opened::failure("link of " + o.name + " did not come up within " + std::to_string(o.link_wait_ms) +
                           " ms (cable, peer process, or memif role/socket mismatch?)");
  }
  return {std::move(opened), {}};
}

std::size_t DpdkPort::rx_frames(FrameView* out, std::size_t max) noexcept {
  Impl& p = *impl_;
  const std::uint16_t n = p.poll(static_cast<std::uint16_t>(std::min(max, kMaxDpdkBurst)));
  std::size_t kept = 0;
  for (std::uint16_t i = 0; i < n; ++i) {
    rte_mbuf* m = p.rx_held[i];
    if (m->nb_segs != 1) {
      ++p.drops.rx_multi_segment;  // frames here fit one mbuf; a chain is not ours to reassemble
      continue;
    }
    out[kept++] = {rte_pktmbuf_mtod(m, const std::uint8_t*), rte_pktmbuf_data_len(m)};
  }
  return kept;
}

std::size_t DpdkPort::tx_frames(const FrameView* frames, std::size_t count) noexcept {
  Impl& p = *impl_;
  const auto n = static_cast<std::uint16_t>(std::min(count, kMaxDpdkBurst));
  if (n == 0) return 0;
  std::array<rte_mbuf*, kMaxDpdkBurst> mbufs;
  if (rte_pktmbuf_alloc_bulk(p.pool, mbufs.data(), n) != 0) {
    p.drops.tx_no_mbuf += n;
    return 0;
  }
  std::uint16_t ready = 0;
  for (std::uint16_t i = 0; i < n; ++i) {
    rte_mbuf* m = mbufs[i];
    if (frames[i].size > rte_pktmbuf_tailroom(m)) {
      ++p.drops.tx_too_large;
      rte_pktmbuf_free(m);
      continue;
    }
    auto* dst = rte_pktmbuf_mtod(m, std::uint8_t*);
    std::memcpy(dst, frames[i].data, frames[i].size);
    m->data_len = static_cast<std::uint16_t>(frames[i].size);
    m->pkt_len = static_cast<std::uint32_t>(frames[i].size);
    mbufs[ready++] = m;
  }
  return ready == 0 ? 0 : p.send(mbufs.data(), ready);
}

LinkState DpdkPort::link() const noexcept {
  rte_eth_link l{};
  if (rte_eth_link_get_nowait(impl_->port, &l) != 0) return {};
  return {l.link_status == RTE_ETH_LINK_UP, l.link_speed, l.link_duplex == RTE_ETH_LINK_FULL_DUPLEX};
}

bool DpdkPort::wait_for_link(bool up, std::uint32_t timeout_ms) const noexcept {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (link().up != up) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

PortStats DpdkPort::stats() const noexcept {
  rte_eth_stats s{};
  if (rte_eth_stats_get(impl_->port, &s) != 0) return {};
  return {s.ipackets, s.opackets, s.ibytes, s.obytes, s.imissed, s.ierrors, s.oerrors, s.rx_nombuf};
}

const PortDrops& DpdkPort::drops() const noexcept { return impl_->drops; }

std::vector<NamedCounter> DpdkPort::xstats() const {
  const std::uint16_t port = impl_->port;
  const int n = rte_eth_xstats_get_names(port, nullptr, 0);
  if (n <= 0) return {};
  std::vector<rte_eth_xstat_name> names(static_cast<std::size_t>(n));
  std::vector<rte_eth_xstat> values(static_cast<std::size_t>(n));
  const int got_names = rte_eth_xstats_get_names(port, names.data(), static_cast<unsigned>(n));
  const int got = rte_eth_xstats_get(port, values.data(), static_cast<unsigned>(n));
  if (got_names <= 0 || got <= 0) return {};
  std::vector<NamedCounter> out;
  out.reserve(static_cast<std::size_t>(got));
  for (int i = 0; i < got && i < got_names; ++i) {
    const rte_eth_xstat& x = values[static_cast<std::size_t>(i)];
    if (x.id < names.size()) out.push_back({names[x.id].name, x.value});
  }
  return out;
}

std::vector<NamedCounter> DpdkPort::device_counters() const {
  const PortStats s = stats();
  const PortDrops& d = drops();
  std::vector<NamedCounter> out{
      {"port_rx_packets", s.rx_packets},
      {"port_tx_packets", s.tx_packets},
      {"port_rx_bytes", s.rx_bytes},
      {"port_tx_bytes", s.tx_bytes},
      {"port_rx_missed", s.rx_missed},
      {"port_rx_errors", s.rx_errors},
      {"port_tx_errors", s.tx_errors},
      {"port_rx_no_mbuf", s.rx_no_mbuf},
      {"drop_rx_multi_segment", d.rx_multi_segment},
      {"drop_tx_no_mbuf", d.tx_no_mbuf},
      {"drop_tx_queue_full", d.tx_queue_full},
      {"drop_tx_too_large", d.tx_too_large},
  };
  for (NamedCounter& x : xstats()) {
    x.name = "xstat_" + x.name;
    out.push_back(std::move(x));
  }
  return out;
}

MacAddress DpdkPort::mac() const noexcept { return impl_->mac; }
std::uint16_t DpdkPort::port_id() const noexcept { return impl_->port; }
const std::string& DpdkPort::name() const noexcept { return impl_->name; }
const std::string& DpdkPort::driver() const noexcept { return impl_->driver; }
bool DpdkPort::tx_ip_checksum_offload() const noexcept {
  return (impl_->tx_offloads & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM) != 0;
}
bool DpdkPort::tx_udp_checksum_offload() const noexcept {
  return (impl_->tx_offloads & RTE_ETH_TX_OFFLOAD_UDP_CKSUM) != 0;
}

void DpdkPort::close() noexcept {
  if (!impl_ || impl_->closed) return;
  Impl& p = *impl_;
  p.release_rx();
  if (p.started) {
    (void)rte_eth_dev_set_link_down(p.port);
    (void)rte_eth_dev_stop(p.port);
    (void)wait_for_link(false, 1000);
  }
  (void)rte_eth_dev_close(p.port);
  if (p.pool != nullptr) rte_mempool_free(p.pool);
  p.pool = nullptr;
  p.closed = true;
}

NetResult create_ring_pair(const DpdkRuntime& runtime, const std::string& a, const std::string& b, unsigned ring_size) {
  (void)runtime;
  const std::string prefix = "net_ring_";
  if (a.rfind(prefix, 0) != 0 || b.rfind(prefix, 0) != 0 || a == b) {
    return NetResult::failure(
        "net_ring pair names must differ and start with 'net_ring_' (DPDK names the ports "
        "so): got '" +
        a + "' and '" + b + "'");
  }
  // Each direction is one single-producer, single-consumer ring: a's TX is
  // b's RX and the other way round.
  rte_ring* a_to_b =
      rte_ring_create(("r_" + a).c_str(), ring_size, static_cast<int>(rte_socket_id()), RING_F_SP_ENQ | RING_F_SC_DEQ);
  rte_ring* b_to_a =
      rte_ring_create(("r_" + b).c_str(), ring_size, static_cast<int>(rte_socket_id()), RING_F_SP_ENQ | RING_F_SC_DEQ);
  if (a_to_b == nullptr || b_to_a == nullptr) {
    rte_ring_free(a_to_b);
    rte_ring_free(b_to_a);
    return NetResult::failure("cannot create the rings of the net_ring pair " + a + "/" + b + ": " +
                              rte_strerror(rte_errno) + " (ring size must be a power of two)");
  }
  const std::string suffix_a = a.substr(prefix.size());
  const std::string suffix_b = b.substr(prefix.size());
  if (rte_eth_from_rings(suffix_a.c_str(), &b_to_a, 1, &a_to_b, 1, rte_socket_id()) < 0 ||
      rte_eth_from_rings(suffix_b.c_str(), &a_to_b, 1, &b_to_a, 1, rte_socket_id()) < 0) {
    return NetResult::failure("cannot create net_ring ports " + a + "/" + b + ": " + rte_strerror(rte_errno) +
                              " (names in use?)");
  }
  return {};
}

}  // namespace hft::net
