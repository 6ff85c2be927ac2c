#pragma once
/// @file
/// Turns the validated configuration's `network` section into the network
/// room's options and opens the transport it asks for. The net room does not
/// see the configuration format (it depends on core only); the engine, which
/// owns both, translates here, as trading_settings.h does for trading.

#include <memory>

#include "hft/config/system_config.h"
#include "hft/net/datagram_transport.h"
#include "hft/net/dpdk_runtime.h"
#include "hft/net/dpdk_udp_transport.h"
#include "hft/net/kernel_udp_transport.h"
#include "hft/net/net_result.h"

namespace hft::engine {

/// EAL options from `network.dpdk`; cores default to `cpu.network_cores`.
net::EalOptions eal_options(const config::SystemConfig& config);

/// Port options from `network.interface` and `network.dpdk`.
net::DpdkPortOptions dpdk_port_options(const config::SystemConfig& config);

/// Addressing for the DPDK transport (`local_ip`, `udp_port`,
/// `multicast_groups`, `next_hop_mac`). Fails on text the schema let through
/// but the parser rejects (it should not happen).
net::NetResult dpdk_udp_options(const config::SystemConfig& config, net::DpdkUdpOptions& out);

/// Socket options from `network` and `network.kernel`; `network.interface`
/// names the interface for joins and multicast sends.
net::NetResult kernel_udp_options(const config::SystemConfig& config, net::KernelUdpOptions& out);

/// The network a configuration asks for. `runtime` is set with
/// `kernel_bypass: dpdk` only. The transport is declared last so that it is
/// destroyed first: its port must close before the EAL cleans up.
struct NetworkStack {
  std::unique_ptr<net::DpdkRuntime> runtime;
  std::unique_ptr<net::DatagramTransport> transport;
};

/// Opens the transport `network.kernel_bypass` picks: the EAL, the port and
/// UDP framing for `dpdk`; a UDP socket for `kernel`. The message says what
/// failed and how to fix it; the caller may fall back to `kernel`.
net::NetOpened<NetworkStack> make_transport(const config::SystemConfig& config);

}  // namespace hft::engine
