// network.kernel_bypass picks the transport; the configuration's network
// section becomes the net room's options (engine/network_settings.h).
#include "hft/engine/network_settings.h"

#include <unistd.h>

#include <gtest/gtest.h>

namespace hft::engine {
namespace {

config::SystemConfig configured(config::Json network) {
  config::Json doc = config::Json::parse(R"({
    "schema_version": 1,
    "cpu": {"network_cores": [0]},
    "risk": {"max_position_size": 10000, "max_notional_exposure": 1e7,
             "max_orders_per_second": 1000, "max_daily_loss": 50000},
    "logging": {"audit_log_path": "/tmp/a.bin", "performance_log_path": "/tmp/p.jsonl"},
    "symbols": {"AAPL": {"exchange": "NASDAQ", "tick_size": 0.01, "lot_size": 1, "max_position": 5000}}
  })");
  doc["network"] = std::move(network);
  config::ValidationContext ctx;
  ctx.cpu_count = 2;
  const config::SystemCheck c = config::check_system(doc, "sys.json", nullptr, "", ctx);
  EXPECT_TRUE(c.ok()) << config::to_string(c.errors);
  return c.config.value_or(config::SystemConfig{});
}

TEST(NetworkSettings, TranslatesTheNetworkSection) {
  const config::SystemConfig c = configured(config::Json::parse(R"({
    "kernel_bypass": "dpdk", "interface": "net_memif0", "local_ip": "10.0.0.5", "udp_port": 26400,
    "multicast_groups": ["233.54.12.1"], "next_hop_mac": "02:00:00:00:00:09",
    "kernel": {"busy_poll_us": 20, "rx_timestamps": "none", "batch_size": 16, "receive_buffer_kb": 2},
    "dpdk": {"rx_ring_size": 512, "tx_ring_size": 256, "mempool_size": 4095, "mempool_cache": 64,
             "checksum_offload": false, "link_wait_ms": 100, "vdevs": ["net_memif0,role=server"],
             "file_prefix": "p1", "memory_mb": 128}
  })"));
  const net::EalOptions e = eal_options(c);
  EXPECT_EQ(e.cores, std::vector<int>{0}) << "empty dpdk.cores falls back to cpu.network_cores";
  EXPECT_EQ(e.vdevs, std::vector<std::string>{"net_memif0,role=server"});
  EXPECT_EQ(e.file_prefix, "p1");
  EXPECT_EQ(e.memory_mb, 128);
  const net::DpdkPortOptions p = dpdk_port_options(c);
  EXPECT_EQ(p.name, "net_memif0");
  EXPECT_EQ(p.rx_ring_size, 512);
  EXPECT_EQ(p.tx_ring_size, 256);
  EXPECT_EQ(p.mempool_size, 4095u);
  EXPECT_EQ(p.mempool_cache, 64u);
  EXPECT_FALSE(p.checksum_offload);
  EXPECT_EQ(p.link_wait_ms, 100u);
  net::DpdkUdpOptions u;
  ASSERT_TRUE(dpdk_udp_options(c, u));
  EXPECT_EQ(u.local.ip, 0x0A000005u);
  EXPECT_EQ(u.local.port, 26400);
  EXPECT_EQ(u.multicast_groups, std::vector<std::uint32_t>{0xE9360C01u});
  ASSERT_TRUE(u.next_hop_mac);
  EXPECT_EQ(*u.next_hop_mac, (net::MacAddress{2, 0, 0, 0, 0, 9}));
  net::KernelUdpOptions k;
  ASSERT_TRUE(kernel_udp_options(c, k));
  EXPECT_EQ(k.busy_poll_us, 20);
  EXPECT_EQ(k.timestamps, net::RxTimestamps::None);
  EXPECT_EQ(k.batch, 16u);
  EXPECT_EQ(k.receive_buffer_bytes, 2048);
  EXPECT_EQ(k.interface, "net_memif0");
}

TEST(NetworkSettings, KernelPicksTheSocketTransport) {
  const config::SystemConfig c = configured(config::Json::parse(R"({
    "kernel_bypass": "kernel", "interface": "lo", "local_ip": "127.0.0.1"
  })"));
  net::NetOpened<NetworkStack> stack = make_transport(c);
  ASSERT_TRUE(stack) << stack.result.message;
  EXPECT_EQ(stack.value->runtime, nullptr);
  EXPECT_STREQ(stack.value->transport->kind(), "kernel");
  EXPECT_NE(stack.value->transport->local_endpoint().port, 0);
}

TEST(NetworkSettings, DpdkPicksTheDpdkTransport) {
  const std::string prefix = "hft-test-" + std::to_string(::getpid());
  const config::SystemConfig c = configured(config::Json::parse(R"({
    "kernel_bypass": "dpdk", "interface": "net_ring0", "local_ip": "10.0.0.1", "udp_port": 5000,
    "next_hop_mac": "02:00:00:00:00:01",
    "dpdk": {"no_pci": true, "vdevs": ["net_ring0"], "memory_mb": 128, "mempool_size": 1023,
             "file_prefix": ")" + prefix + R"("}
  })"));
  net::NetOpened<NetworkStack> stack = make_transport(c);
  ASSERT_TRUE(stack) << stack.result.message;
  ASSERT_NE(stack.value->runtime, nullptr);
  net::DatagramTransport& t = *stack.value->transport;
  EXPECT_STREQ(t.kind(), "dpdk");
  // net_ring0 loops back: what we send to ourselves comes back through the filter.
  const std::uint8_t payload[] = {4, 2};
  const net::TxDatagram d{payload, 2, {0x0A000001, 5000, {}}};
  ASSERT_EQ(t.tx_burst(&d, 1), 1u);
  net::RxDatagram rx[4];
  ASSERT_EQ(t.rx_burst(rx, 4), 1u);
  EXPECT_EQ(rx[0].size, 2u);
}

TEST(NetworkSettings, DpdkFailureSuggestsTheKernelTransport) {
  const config::SystemConfig c = configured(config::Json::parse(R"({
    "kernel_bypass": "dpdk", "interface": "net_ring0",
    "dpdk": {"no_pci": true, "vdevs": ["net_ring0"], "extra_eal_args": ["--bogus-flag"]}
  })"));
  const net::NetOpened<NetworkStack> stack = make_transport(c);
  ASSERT_FALSE(stack);
  EXPECT_NE(stack.result.message.find("kernel_bypass: kernel"), std::string::npos) << stack.result.message;
}

}  // namespace
}  // namespace hft::engine
