// The `network` section's keys for the two transports: defaults, typed
// values, and the rules that reject bad addresses and sizes.
#include <gtest/gtest.h>

#include "hft/config/system_config.h"

namespace hft::config {
namespace {

Json base() {
  return Json::parse(R"({
    "schema_version": 1,
    "network": {"kernel_bypass": "kernel", "interface": "lo"},
    "cpu": {"network_cores": [1]},
    "risk": {"max_position_size": 10000, "max_notional_exposure": 1e7,
             "max_orders_per_second": 1000, "max_daily_loss": 50000},
    "logging": {"audit_log_path": "/tmp/a.bin", "performance_log_path": "/tmp/p.jsonl"},
    "symbols": {"AAPL": {"exchange": "NASDAQ", "tick_size": 0.01, "lot_size": 1, "max_position": 5000}}
  })");
}

SystemCheck check(const Json& doc, int cpus = 4) {
  ValidationContext ctx;
  ctx.cpu_count = cpus;
  return check_system(doc, "sys.json", nullptr, "", ctx);
}

std::string rules(const SystemCheck& c) {
  std::string out;
  for (const ConfigError& e : c.errors) out += (out.empty() ? "" : "; ") + e.path + " " + e.rule;
  return out;
}

TEST(NetworkConfig, NewKeysHaveDefaults) {
  const SystemCheck c = check(base());
  ASSERT_TRUE(c.ok()) << to_string(c.errors);
  const NetworkConfig& n = c.config->network;
  EXPECT_EQ(n.local_ip, "0.0.0.0");
  EXPECT_EQ(n.udp_port, 0);
  EXPECT_TRUE(n.multicast_groups.empty());
  EXPECT_EQ(n.next_hop_mac, "");
  EXPECT_EQ(n.kernel.busy_poll_us, 0);
  EXPECT_EQ(n.kernel.rx_timestamps, KernelNetConfig::Timestamps::Software);
  EXPECT_EQ(n.kernel.batch_size, 32);
  EXPECT_FALSE(n.kernel.blocking);
  EXPECT_EQ(n.kernel.multicast_ttl, 1);
  EXPECT_TRUE(n.dpdk.cores.empty());
  EXPECT_EQ(n.dpdk.rx_ring_size, 1024);
  EXPECT_EQ(n.dpdk.tx_ring_size, 1024);
  EXPECT_EQ(n.dpdk.mempool_size, 8191);
  EXPECT_EQ(n.dpdk.mempool_cache, 256);
  EXPECT_TRUE(n.dpdk.checksum_offload);
  EXPECT_EQ(n.dpdk.link_wait_ms, 0);
}

TEST(NetworkConfig, ValuesAreTyped) {
  Json d = base();
  Json& n = d["network"];
  n["local_ip"] = "10.1.2.3";
  n["udp_port"] = 26400;
  n["multicast_groups"] = {"233.54.12.1", "239.255.0.7"};
  n["next_hop_mac"] = "02:AB:cd:00:00:01";
  n["kernel"] = {{"busy_poll_us", 50},        {"rx_timestamps", "hardware"}, {"batch_size", 64},  {"blocking", true},
                 {"receive_buffer_kb", 4096}, {"multicast_loop", true},      {"multicast_ttl", 4}};
  n["dpdk"] = {{"cores", {0, 1}}, {"rx_ring_size", 2048}, {"mempool_size", 16383}, {"checksum_offload", false}};
  const SystemCheck c = check(d);
  ASSERT_TRUE(c.ok()) << to_string(c.errors);
  const NetworkConfig& t = c.config->network;
  EXPECT_EQ(t.local_ip, "10.1.2.3");
  EXPECT_EQ(t.udp_port, 26400);
  EXPECT_EQ(t.multicast_groups, (std::vector<std::string>{"233.54.12.1", "239.255.0.7"}));
  EXPECT_EQ(t.next_hop_mac, "02:AB:cd:00:00:01");
  EXPECT_EQ(t.kernel.busy_poll_us, 50);
  EXPECT_EQ(t.kernel.rx_timestamps, KernelNetConfig::Timestamps::Hardware);
  EXPECT_EQ(t.kernel.batch_size, 64);
  EXPECT_TRUE(t.kernel.blocking);
  EXPECT_EQ(t.kernel.receive_buffer_kb, 4096);
  EXPECT_TRUE(t.kernel.multicast_loop);
  EXPECT_EQ(t.kernel.multicast_ttl, 4);
  EXPECT_EQ(t.dpdk.cores, (std::vector<int>{0, 1}));
  EXPECT_EQ(t.dpdk.rx_ring_size, 2048);
  EXPECT_EQ(t.dpdk.mempool_size, 16383);
  EXPECT_FALSE(t.dpdk.checksum_offload);
}

TEST(NetworkConfig, AddressesAreChecked) {
  const auto with = [](const char* key, Json value) {
    Json d = base();
    d["network"][key] = std::move(value);
    return check(d);
  };
  EXPECT_EQ(rules(with("local_ip", "10.0.0.256")), "network.local_ip pattern");
  EXPECT_EQ(rules(with("local_ip", "10.0.0")), "network.local_ip pattern");
  EXPECT_EQ(rules(with("udp_port", 65536)), "network.udp_port maximum");
  EXPECT_EQ(rules(with("multicast_groups", {"10.0.0.1"})), "network.multicast_groups[0] pattern")
      << "a unicast address is not a group";
  EXPECT_EQ(rules(with("multicast_groups", {"239.1.1.1", "239.1.1.1"})), "network.multicast_groups[1] unique_items");
  EXPECT_EQ(rules(with("next_hop_mac", "02:00:00:00:00")), "network.next_hop_mac pattern");
  EXPECT_EQ(rules(with("next_hop_mac", "02-00-00-00-00-01")), "network.next_hop_mac pattern");
}

TEST(NetworkConfig, SizesAndKernelOptionsAreChecked) {
  Json d = base();
  d["network"]["dpdk"] = {{"rx_ring_size", 32}, {"mempool_size", 100}, {"mempool_cache", 1000}};
  d["network"]["kernel"] = {{"busy_poll_us", -1}, {"rx_timestamps", "nic"}, {"batch_size", 0}};
  const std::string r = rules(check(d));
  for (const char* expected :
       {"network.dpdk.rx_ring_size min", "network.dpdk.mempool_size min", "network.dpdk.mempool_cache max",
        "network.kernel.busy_poll_us min", "network.kernel.rx_timestamps", "network.kernel.batch_size min"}) {
    EXPECT_NE(r.find(expected), std::string::npos) << expected << " in " << r;
  }
}

TEST(NetworkConfig, EalCoresMustExist) {
  Json d = base();
  d["network"]["dpdk"] = {{"cores", {0, 7}}};
  EXPECT_EQ(rules(check(d, 2)), "network.dpdk.cores[1] network.dpdk_cores_exist");
}

TEST(NetworkConfig, UnknownNetworkKeysAreRejected) {
  Json d = base();
  d["network"]["kernel"] = {{"busy_pol_us", 5}};
  EXPECT_FALSE(check(d).ok());
}

}  // namespace
}  // namespace hft::config
