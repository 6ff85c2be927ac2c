// Ethernet/IPv4/UDP on a DPDK port. Frames are parsed in place (zero copy)
// and built directly in mbufs.
#include "hft/net/dpdk_udp_transport.h"

#include <rte_ip.h>

#include <algorithm>
#include <array>

#include "hft/net/address.h"

#include "dpdk_port_impl.h"

namespace hft::net {
namespace {

bool is_multicast(std::uint32_t ip) noexcept { return is_multicast_ipv4(ip); }

}  // namespace

DpdkUdpTransport::DpdkUdpTransport(std::unique_ptr<DpdkPort> port, DpdkUdpOptions options)
    : port_(std::move(port)),
      local_(options.local),
      groups_(std::move(options.multicast_groups)),
      ttl_(options.ttl),
      verify_udp_checksum_(options.verify_udp_checksum) {
  if (local_.mac == MacAddress{}) local_.mac = port_->mac();
  if (options.next_hop_mac) {
    next_hop_ = *options.next_hop_mac;
    has_next_hop_ = true;
  }
}

DpdkUdpTransport::~DpdkUdpTransport() = default;

bool DpdkUdpTransport::accepts(const UdpDatagram& d) const noexcept {
  if (local_.port != 0 && d.dst.port != local_.port) return false;
  if (local_.ip == 0 || d.dst.ip == local_.ip) return true;
  return std::find(groups_.begin(), groups_.end(), d.dst.ip) != groups_.end();
}

std::size_t DpdkUdpTransport::rx_burst(RxDatagram* out, std::size_t max) noexcept {
  // Straight from the port's mbufs: no intermediate array to initialise on
  // every poll.
  DpdkPort::Impl& p = *port_->impl_;
  const std::uint16_t n = p.poll(static_cast<std::uint16_t>(std::min(max, kMaxDpdkBurst)));
  std::size_t kept = 0;
  for (std::uint16_t i = 0; i < n; ++i) {
    const rte_mbuf* m = p.rx_held[i];
    if (m->nb_segs != 1) {
      ++p.drops.rx_multi_segment;
      continue;
    }
    UdpDatagram d;
    switch (
        parse_udp_frame(rte_pktmbuf_mtod(m, const std::uint8_t*), rte_pktmbuf_data_len(m), d, verify_udp_checksum_)) {
      case FrameStatus::Ok:
        break;
      case FrameStatus::NotIpv4:
      case FrameStatus::NotUdp:
        ++counters_.rx_wrong_protocol;
        continue;
      case FrameStatus::Truncated:
      case FrameStatus::Fragment:
      case FrameStatus::BadHeader:
      case FrameStatus::BadChecksum:
        ++counters_.rx_bad_frame;
        continue;
    }
    if (!accepts(d)) {
      ++counters_.rx_wrong_address;
      continue;
    }
    RxDatagram& r = out[kept++];
    r.payload = d.payload;
    r.size = d.size;
    r.source = d.src;
    r.destination = d.dst;
    r.timestamp_ns = 0;
    r.timestamp_source = RxTimestampSource::None;
    counters_.rx_bytes += d.size;
  }
  counters_.rx_datagrams += kept;
  return kept;
}

std::size_t DpdkUdpTransport::tx_burst(const TxDatagram* in, std::size_t count) noexcept {
  DpdkPort::Impl& p = *port_->impl_;
  const auto n = static_cast<std::uint16_t>(std::min(count, kMaxDpdkBurst));
  if (n == 0) return 0;
  std::array<rte_mbuf*, kMaxDpdkBurst> mbufs;
  if (rte_pktmbuf_alloc_bulk(p.pool, mbufs.data(), n) != 0) {
    p.drops.tx_no_mbuf += n;
    counters_.tx_queue_full += n;
    return 0;
  }
  const bool ip_offload = (p.tx_offloads & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM) != 0;
  const bool udp_offload = (p.tx_offloads & RTE_ETH_TX_OFFLOAD_UDP_CKSUM) != 0;
  std::array<std::uint32_t, kMaxDpdkBurst> sizes;
  std::uint16_t ready = 0;
  for (std::uint16_t i = 0; i < n; ++i) {
    rte_mbuf* m = mbufs[i];
    UdpEndpoint dst = in[i].destination;
    if (is_multicast(dst.ip)) {
      dst.mac = multicast_mac(dst.ip);
    } else if (has_next_hop_) {
      dst.mac = next_hop_;
    } else {
      ++counters_.tx_no_route;
      rte_pktmbuf_free(m);
      continue;
    }
    auto* frame = rte_pktmbuf_mtod(m, std::uint8_t*);
    const std::size_t len =
        build_udp_frame(local_, dst, in[i].payload, in[i].size, frame, rte_pktmbuf_tailroom(m), ttl_, !udp_offload);
    if (len == 0) {
      ++counters_.tx_too_large;
      rte_pktmbuf_free(m);
      continue;
    }
    m->data_len = static_cast<std::uint16_t>(len);
    m->pkt_len = static_cast<std::uint32_t>(len);
    if (ip_offload || udp_offload) {
      // The NIC fills what is offloaded; for UDP it expects the pseudo-header
      // sum in the checksum field.
      auto* ip = reinterpret_cast<rte_ipv4_hdr*>(frame + kEthernetHeader);
      m->l2_len = kEthernetHeader;
      m->l3_len = kIpv4Header;
      m->ol_flags |= RTE_MBUF_F_TX_IPV4;
      if (ip_offload) {
        m->ol_flags |= RTE_MBUF_F_TX_IP_CKSUM;
        ip->hdr_checksum = 0;
      }
      if (udp_offload) {
        m->ol_flags |= RTE_MBUF_F_TX_UDP_CKSUM;
        auto* udp = reinterpret_cast<rte_udp_hdr*>(frame + kEthernetHeader + kIpv4Header);
        udp->dgram_cksum = rte_ipv4_phdr_cksum(ip, m->ol_flags);
      }
    }
    sizes[ready] = static_cast<std::uint32_t>(in[i].size);
    mbufs[ready++] = m;
  }
  if (ready == 0) return 0;
  const std::uint16_t sent = p.send(mbufs.data(), ready);
  counters_.tx_queue_full += static_cast<std::uint64_t>(ready - sent);
  counters_.tx_datagrams += sent;
  for (std::uint16_t i = 0; i < sent; ++i) counters_.tx_bytes += sizes[i];
  return sent;
}

std::vector<NamedCounter> DpdkUdpTransport::device_counters() const { return port_->device_counters(); }

}  // namespace hft::net
