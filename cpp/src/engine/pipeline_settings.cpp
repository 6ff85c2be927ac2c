#include "hft/engine/pipeline_settings.h"

#include <stdexcept>
#include <string>
#include <utility>

#include "hft/engine/fix_settings.h"
#include "hft/engine/strategy_settings.h"
#include "hft/engine/trading_settings.h"
#include "hft/net/address.h"
#include "hft/net/kernel_udp_transport.h"

namespace hft::engine {

namespace {

std::uint64_t ns_to_ticks(const core::TscCalibration& clock, std::uint64_t ns) noexcept {
  if (clock.ticks_per_second <= 0) return ns;
  return static_cast<std::uint64_t>(static_cast<double>(ns) * clock.ticks_per_second / 1e9);
}

std::uint64_t ms(std::int64_t v) noexcept { return static_cast<std::uint64_t>(v) * 1'000'000u; }

/// A kernel socket for a feed line: the `network.kernel` options with the
/// line's port, joined to its group when the address is multicast.
net::NetOpened<net::DatagramTransport> open_line(const config::SystemConfig& c, const config::FeedLineConfig& line,
                                                 const char* key) {
  net::KernelUdpOptions o;
  if (net::NetResult r = kernel_udp_options(c, o); !r) return {nullptr, r};
  // With dpdk, network.interface names the DPDK port, which the kernel does
  // not know: its sockets go by route.
  if (c.network.kernel_bypass == config::NetworkConfig::Transport::Dpdk) o.interface.clear();
  std::uint32_t ip = 0;
  if (!net::parse_ipv4(line.ip, ip)) {
    return net::NetOpened<net::DatagramTransport>::failure(std::string(key) + ".ip: not IPv4: " + line.ip);
  }
  o.local.port = static_cast<std::uint16_t>(line.port);
  o.multicast_groups.clear();
  if (net::is_multicast_ipv4(ip)) {
    o.local.ip = 0;  // a socket bound to a unicast address never sees the group's datagrams
    o.multicast_groups.push_back(ip);
  } else if (ip != 0) {
    o.local.ip = ip;
  }
  auto t = net::KernelUdpTransport::open(o);
  if (!t) return net::NetOpened<net::DatagramTransport>::failure(std::string(key) + ": " + t.result.message);
  return {std::move(t.value), {}};
}

}  // namespace

const config::FixSessionConfig* order_session(const config::SystemConfig& config) noexcept {
  for (const config::FixSessionConfig& s : config.fix_sessions) {
    if (s.initiator) return &s;
  }
  return nullptr;
}

PipelineOptions pipeline_options(const config::SystemConfig& c, const core::TscCalibration& clock,
                                 std::uint32_t order_id_session) {
  const config::FixSessionConfig* fix = order_session(c);
  if (fix == nullptr) {
    throw std::invalid_argument(
        "fix.sessions: the engine needs one session with role initiator (its order entry to the venue)");
  }
  PipelineOptions o;
  o.instruments = strategy_instruments(c);
  o.trading = trading_settings(c);
  o.order_id_session = order_id_session;
  o.strategies = strategy_specs(c);

  const config::MarketDataConfig& md = c.market_data;
  o.feed.first_sequence = static_cast<std::uint64_t>(md.first_sequence);
  o.feed.gap_timeout_ticks = ns_to_ticks(clock, ms(md.gap_timeout_ms));
  o.feed.request_delay_ticks = ns_to_ticks(clock, static_cast<std::uint64_t>(md.request_delay_us) * 1'000u);
  o.feed.retry_interval_ticks = ns_to_ticks(clock, ms(md.retry_interval_ms));
  // Without a server nothing can be asked for: holes wait for line B or time out.
  o.feed.max_request_attempts = md.retransmission.port == 0 ? 0 : static_cast<std::uint32_t>(md.max_request_attempts);
  o.feed.buffer_messages = static_cast<std::size_t>(md.buffer_messages);
  o.books.order_capacity = static_cast<std::size_t>(md.book_order_capacity);
  o.books.max_levels_per_side = static_cast<std::size_t>(md.book_levels_per_side);

  o.fix = fix_initiator_options(*fix);
  o.session = fix_session_settings(*fix);
  o.store = fix_store_options(*fix);
  o.store_directory = fix->store_path;
  o.store_session_id = fix_session_id(*fix);

  ControlBlockOptions cb;
  cb.instance = c.instance_name;
  o.control = cb;
  o.rx_burst = static_cast<std::size_t>(c.network.kernel.batch_size);
  return o;
}

net::NetOpened<FeedNetwork> open_feed_network(const config::SystemConfig& c) {
  using Opened = net::NetOpened<FeedNetwork>;
  auto out = std::make_unique<FeedNetwork>();
  net::NetOpened<NetworkStack> a = make_transport(c);
  if (!a) return Opened::failure("market data line A (network): " + a.result.message);
  out->runtime = std::move(a.value->runtime);
  out->transports.line_a = std::move(a.value->transport);

  const config::MarketDataConfig& md = c.market_data;
  if (md.line_b.port != 0) {
    auto b = open_line(c, md.line_b, "market_data.line_b");
    if (!b) return {nullptr, b.result};
    out->transports.line_b = std::move(b.value);
  }
  if (md.retransmission.port != 0) {
    // Our end is an ephemeral kernel port; answers come back to it as
    // unicast. With DPDK, local_ip belongs to the port, not to the kernel.
    const bool kernel = c.network.kernel_bypass == config::NetworkConfig::Transport::Kernel;
    const config::FeedLineConfig ours{kernel ? c.network.local_ip : "0.0.0.0", 0};
    auto r = open_line(c, ours, "market_data.retransmission");
    if (!r) return {nullptr, r.result};
    out->transports.retransmission = std::move(r.value);
    std::uint32_t ip = 0;
    if (!net::parse_ipv4(md.retransmission.ip, ip)) {
      return Opened::failure("market_data.retransmission.ip: not IPv4: " + md.retransmission.ip);
    }
    out->transports.retransmission_server = {ip, static_cast<std::uint16_t>(md.retransmission.port), {}};
  }
  return {std::move(out), {}};
}

}  // namespace hft::engine
