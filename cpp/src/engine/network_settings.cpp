#include "hft/engine/network_settings.h"

#include "hft/net/address.h"

namespace hft::engine {
namespace {

net::NetResult parse_addressing(const config::NetworkConfig& n, net::UdpEndpoint& local,
                                std::vector<std::uint32_t>& groups) {
  if (!net::parse_ipv4(n.local_ip, local.ip))
    return net::NetResult::failure("network.local_ip: not IPv4: " + n.local_ip);
  local.port = static_cast<std::uint16_t>(n.udp_port);
  for (const std::string& g : n.multicast_groups) {
    std::uint32_t ip = 0;
    if (!net::parse_ipv4(g, ip)) return net::NetResult::failure("network.multicast_groups: not IPv4: " + g);
    groups.push_back(ip);
  }
  return {};
}

}  // namespace

net::EalOptions eal_options(const config::SystemConfig& c) {
  const config::DpdkConfig& d = c.network.dpdk;
  net::EalOptions o;
  o.cores = d.cores.empty() ? c.cpu.network_cores : d.cores;
  o.memory_mb = d.memory_mb;
  o.no_huge = d.no_huge;
  o.no_pci = d.no_pci;
  o.in_memory = d.in_memory;
  o.file_prefix = d.file_prefix;
  o.vdevs = d.vdevs;
  o.extra_args = d.extra_eal_args;
  return o;
}

net::DpdkPortOptions dpdk_port_options(const config::SystemConfig& c) {
  const config::DpdkConfig& d = c.network.dpdk;
  net::DpdkPortOptions o;
  o.name = c.network.interface;
  o.rx_ring_size = static_cast<std::uint16_t>(d.rx_ring_size);
  o.tx_ring_size = static_cast<std::uint16_t>(d.tx_ring_size);
  o.mempool_size = static_cast<std::uint32_t>(d.mempool_size);
  o.mempool_cache = static_cast<std::uint32_t>(d.mempool_cache);
  o.checksum_offload = d.checksum_offload;
  o.link_wait_ms = static_cast<std::uint32_t>(d.link_wait_ms);
  return o;
}

net::NetResult dpdk_udp_options(const config::SystemConfig& c, net::DpdkUdpOptions& out) {
  if (net::NetResult r = parse_addressing(c.network, out.local, out.multicast_groups); !r) return r;
  if (!c.network.next_hop_mac.empty()) {
    net::MacAddress mac{};
    if (!net::parse_mac(c.network.next_hop_mac, mac)) {
      return net::NetResult::failure("network.next_hop_mac: not a MAC address: " + c.network.next_hop_mac);
    }
    out.next_hop_mac = mac;
  }
  out.verify_udp_checksum = c.network.dpdk.verify_udp_checksum;
  return {};
}

net::NetResult kernel_udp_options(const config::SystemConfig& c, net::KernelUdpOptions& out) {
  if (net::NetResult r = parse_addressing(c.network, out.local, out.multicast_groups); !r) return r;
  const config::KernelNetConfig& k = c.network.kernel;
  out.interface = c.network.interface;
  out.busy_poll_us = static_cast<int>(k.busy_poll_us);
  switch (k.rx_timestamps) {
    case config::KernelNetConfig::Timestamps::None:
      out.timestamps = net::RxTimestamps::None;
      break;
    case config::KernelNetConfig::Timestamps::Software:
      out.timestamps = net::RxTimestamps::Software;
      break;
    case config::KernelNetConfig::Timestamps::Hardware:
      out.timestamps = net::RxTimestamps::Hardware;
      break;
  }
  out.batch = static_cast<std::size_t>(k.batch_size);
  out.receive_buffer_bytes = static_cast<int>(k.receive_buffer_kb * 1024);
  out.send_buffer_bytes = static_cast<int>(k.send_buffer_kb * 1024);
  out.blocking = k.blocking;
  out.multicast_loop = k.multicast_loop;
  out.multicast_ttl = static_cast<std::uint8_t>(k.multicast_ttl);
  return {};
}

net::NetOpened<NetworkStack> make_transport(const config::SystemConfig& c) {
  using Opened = net::NetOpened<NetworkStack>;
  auto stack = std::make_unique<NetworkStack>();
  if (c.network.kernel_bypass == config::NetworkConfig::Transport::Kernel) {
    net::KernelUdpOptions o;
    if (net::NetResult r = kernel_udp_options(c, o); !r) return {nullptr, r};
    net::NetOpened<net::KernelUdpTransport> t = net::KernelUdpTransport::open(o);
    if (!t) return {nullptr, t.result};
    stack->transport = std::move(t.value);
    return {std::move(stack), {}};
  }
  net::DpdkUdpOptions udp;
  if (net::NetResult r = dpdk_udp_options(c, udp); !r) return {nullptr, r};
  net::NetOpened<net::DpdkRuntime> runtime = net::DpdkRuntime::start(eal_options(c));
  if (!runtime) {
    return Opened::failure(runtime.result.message +
                           "\n  (network.kernel_bypass: kernel runs the same engine over kernel sockets)");
  }
  net::NetOpened<net::DpdkPort> port = net::DpdkPort::open(*runtime.value, dpdk_port_options(c));
  if (!port) return {nullptr, port.result};
  stack->runtime = std::move(runtime.value);
  stack->transport = std::make_unique<net::DpdkUdpTransport>(std::move(port.value), std::move(udp));
  return {std::move(stack), {}};
}

}  // namespace hft::engine
