// DPDK ports over net_ring inside one process: raw frames, UDP both ways
// through the packet interface, and what is dropped (and counted) on receive.
#include <algorithm>
#include <cstring>
#include <vector>

#include <gtest/gtest.h>

#include "hft/net/dpdk_port.h"
#include "hft/net/dpdk_udp_transport.h"

#include "net_test_support.h"

namespace hft::net {
namespace {

using testing::test_eal;

constexpr std::uint32_t kIpA = 0x0A000001;    // 10.0.0.1
constexpr std::uint32_t kIpB = 0x0A000002;    // 10.0.0.2
constexpr std::uint32_t kGroup = 0xEF010101;  // 239.1.1.1
constexpr std::uint32_t kOtherGroup = 0xEF010102;

std::unique_ptr<DpdkPort> open_port(const DpdkRuntime& eal, const std::string& name) {
  DpdkPortOptions o;
  o.name = name;
  o.mempool_size = 1023;
  o.mempool_cache = 32;
  NetOpened<DpdkPort> p = DpdkPort::open(eal, o);
  EXPECT_TRUE(p) << p.result.message;
  return std::move(p.value);
}

// Polls until `want` datagrams arrived; copies payloads out (views die at the
// next burst). Bounded by a poll count, not by time.
std::vector<std::vector<std::uint8_t>> receive(DatagramTransport& t, std::size_t want,
                                               std::vector<RxDatagram>* meta = nullptr) {
  std::vector<std::vector<std::uint8_t>> got;
  RxDatagram rx[kMaxDpdkBurst];
  for (int polls = 0; polls < 100000 && got.size() < want; ++polls) {
    const std::size_t n = t.rx_burst(rx, kMaxDpdkBurst);
    for (std::size_t i = 0; i < n; ++i) {
      got.emplace_back(rx[i].payload, rx[i].payload + rx[i].size);
      if (meta != nullptr) meta->push_back(rx[i]);
    }
  }
  return got;
}

struct RingPair : ::testing::Test {
  void SetUp() override {
    NetOpened<DpdkRuntime> started = DpdkRuntime::start(test_eal());
    ASSERT_TRUE(started) << started.result.message;
    eal = std::move(started.value);
    const NetResult pair = create_ring_pair(*eal, "net_ring_a", "net_ring_b");
    ASSERT_TRUE(pair) << pair.message;
    auto port_a = open_port(*eal, "net_ring_a");
    auto port_b = open_port(*eal, "net_ring_b");
    ASSERT_TRUE(port_a && port_b);
    DpdkUdpOptions oa;
    oa.local = {kIpA, 1000, {0x02, 0, 0, 0, 0, 0x0a}};
    oa.next_hop_mac = MacAddress{0x02, 0, 0, 0, 0, 0x0b};
    DpdkUdpOptions ob;
    ob.local = {kIpB, 2000, {0x02, 0, 0, 0, 0, 0x0b}};
    ob.next_hop_mac = MacAddress{0x02, 0, 0, 0, 0, 0x0a};
    ob.multicast_groups = {kGroup};
    a = std::make_unique<DpdkUdpTransport>(std::move(port_a), oa);
    b = std::make_unique<DpdkUdpTransport>(std::move(port_b), ob);
  }
  void TearDown() override {
    a.reset();
    b.reset();
    eal.reset();
  }

  std::unique_ptr<DpdkRuntime> eal;
  std::unique_ptr<DpdkUdpTransport> a;
  std::unique_ptr<DpdkUdpTransport> b;
};

TEST(NetRing, PairNamesMustCarryThePrefixDpdkGives) {
  NetOpened<DpdkRuntime> eal = DpdkRuntime::start(test_eal());
  ASSERT_TRUE(eal) << eal.result.message;
  const NetResult r = create_ring_pair(*eal.value, "left", "right");
  EXPECT_FALSE(r);
  EXPECT_NE(r.message.find("net_ring_"), std::string::npos) << r.message;
}

TEST(NetRing, VdevLoopsFramesBackByteForByte) {
  NetOpened<DpdkRuntime> eal = DpdkRuntime::start(test_eal({"net_ring0"}));
  ASSERT_TRUE(eal) << eal.result.message;
  auto port = open_port(*eal.value, "net_ring0");
  ASSERT_TRUE(port);
  EXPECT_EQ(port->driver(), "net_ring");
  EXPECT_TRUE(port->link().up);
  std::vector<std::vector<std::uint8_t>> frames;
  std::vector<FrameView> views;
  for (std::size_t i = 0; i < 5; ++i) {
    frames.emplace_back(60 + i * 100);
    for (std::size_t j = 0; j < frames.back().size(); ++j) frames.back()[j] = static_cast<std::uint8_t>(i * 7 + j);
  }
  for (const auto& f : frames) views.push_back({f.data(), f.size()});
  ASSERT_EQ(port->tx_frames(views.data(), views.size()), views.size());
  FrameView rx[kMaxDpdkBurst];
  ASSERT_EQ(port->rx_frames(rx, kMaxDpdkBurst), frames.size());
  for (std::size_t i = 0; i < frames.size(); ++i) {
    ASSERT_EQ(rx[i].size, frames[i].size());
    EXPECT_EQ(std::memcmp(rx[i].data, frames[i].data(), frames[i].size()), 0) << "frame " << i;
  }
  const PortStats s = port->stats();
  EXPECT_EQ(s.tx_packets, 5u);
  EXPECT_EQ(s.rx_packets, 5u);
  port.reset();
}

TEST_F(RingPair, UdpCrossesBothWays) {
  EXPECT_FALSE(a->port().tx_ip_checksum_offload()) << "net_ring has no offload: checksums are filled in software";
  std::vector<std::vector<std::uint8_t>> sent;
  std::vector<TxDatagram> tx;
  for (std::size_t i = 0; i < 32; ++i) {
    sent.emplace_back(1 + i * 37);
    for (std::size_t j = 0; j < sent.back().size(); ++j) sent.back()[j] = static_cast<std::uint8_t>(i + j);
  }
  for (const auto& p : sent) tx.push_back({p.data(), p.size(), {kIpB, 2000, {}}});
  ASSERT_EQ(a->tx_burst(tx.data(), tx.size()), tx.size());

  std::vector<RxDatagram> meta;
  const auto got = receive(*b, sent.size(), &meta);
  ASSERT_EQ(got, sent);
  EXPECT_EQ(meta[0].source.ip, kIpA);
  EXPECT_EQ(meta[0].source.port, 1000);
  EXPECT_EQ(meta[0].source.mac, (MacAddress{0x02, 0, 0, 0, 0, 0x0a}));
  EXPECT_EQ(meta[0].destination.ip, kIpB);
  EXPECT_EQ(meta[0].timestamp_source, RxTimestampSource::None);

  const std::uint8_t reply[] = {'p', 'o', 'n', 'g'};
  const TxDatagram back{reply, sizeof reply, {kIpA, 1000, {}}};
  ASSERT_EQ(b->tx_burst(&back, 1), 1u);
  const auto echoed = receive(*a, 1);
  ASSERT_EQ(echoed.size(), 1u);
  EXPECT_EQ(echoed[0], std::vector<std::uint8_t>(reply, reply + 4));

  EXPECT_EQ(a->counters().tx_datagrams, 32u);
  EXPECT_EQ(b->counters().rx_datagrams, 32u);
  EXPECT_EQ(b->counters().tx_datagrams, 1u);
  EXPECT_EQ(a->counters().rx_datagrams, 1u);
  EXPECT_EQ(std::string(b->kind()), "dpdk");
}

TEST_F(RingPair, MulticastGoesToTheGroupMacAndIsAccepted) {
  const std::uint8_t payload[] = {1, 2, 3};
  const TxDatagram d{payload, sizeof payload, {kGroup, 2000, {}}};
  ASSERT_EQ(a->tx_burst(&d, 1), 1u);
  std::vector<RxDatagram> meta;
  ASSERT_EQ(receive(*b, 1, &meta).size(), 1u);
  EXPECT_EQ(meta[0].destination.ip, kGroup);
  EXPECT_EQ(meta[0].destination.mac, multicast_mac(kGroup));
}

// Frames of every wrong kind, sent raw from port a, reach b's filter.
TEST_F(RingPair, WrongProtocolAddressAndBadFramesAreCountedAndDropped) {
  const std::uint8_t payload[] = {'x', 'y', 'z', 'w'};
  const UdpEndpoint src{kIpA, 1000, {0x02, 0, 0, 0, 0, 0x0a}};
  const auto frame_to = [&](std::uint32_t ip, std::uint16_t port) {
    std::vector<std::uint8_t> f(kUdpFrameOverhead + sizeof payload);
    const UdpEndpoint dst{ip, port, {0x02, 0, 0, 0, 0, 0x0b}};
    build_udp_frame(src, dst, payload, sizeof payload, f.data(), f.size());
    return f;
  };
  const auto fix_ip_checksum = [](std::vector<std::uint8_t>& f) {
    std::uint8_t* ip = f.data() + kEthernetHeader;
    ip[10] = ip[11] = 0;
    const auto sum = static_cast<std::uint16_t>(~ones_complement_sum(ip, kIpv4Header));
    ip[10] = static_cast<std::uint8_t>(sum >> 8);
    ip[11] = static_cast<std::uint8_t>(sum);
  };
  std::vector<std::vector<std::uint8_t>> frames;
  frames.push_back(frame_to(kIpB, 2000));  // good
  auto arp = frame_to(kIpB, 2000);
  arp[12] = 0x08;
  arp[13] = 0x06;
  frames.push_back(arp);  // wrong protocol: ARP
  auto tcp = frame_to(kIpB, 2000);
  tcp[kEthernetHeader + 9] = 6;
  fix_ip_checksum(tcp);
  frames.push_back(tcp);                          // wrong protocol: TCP
  frames.push_back(frame_to(0x0A000063, 2000));   // wrong address: 10.0.0.99
  frames.push_back(frame_to(kIpB, 2001));         // wrong port
  frames.push_back(frame_to(kOtherGroup, 2000));  // a group we did not join
  auto corrupt = frame_to(kIpB, 2000);
  corrupt.back() ^= 0xff;
  frames.push_back(corrupt);  // bad UDP checksum
  auto cut = frame_to(kIpB, 2000);
  cut.resize(kEthernetHeader + 10);
  frames.push_back(cut);                     // truncated
  frames.push_back(frame_to(kGroup, 2000));  // good: a joined group

  std::vector<FrameView> views;
  for (const auto& f : frames) views.push_back({f.data(), f.size()});
  ASSERT_EQ(a->port().tx_frames(views.data(), views.size()), views.size());
  const auto got = receive(*b, 2);
  ASSERT_EQ(got.size(), 2u);
  const TransportCounters& c = b->counters();
  EXPECT_EQ(c.rx_datagrams, 2u);
  EXPECT_EQ(c.rx_wrong_protocol, 2u);
  EXPECT_EQ(c.rx_wrong_address, 3u);
  EXPECT_EQ(c.rx_bad_frame, 2u);
  const auto counters = named(c);
  EXPECT_NE(std::find_if(counters.begin(), counters.end(),
                         [](const NamedCounter& n) { return n.name == "rx_drop_wrong_address" && n.value == 3; }),
            counters.end());
}

TEST_F(RingPair, OversizeAndUnroutableSendsAreCounted) {
  std::vector<std::uint8_t> big(4000);
  const TxDatagram too_large{big.data(), big.size(), {kIpB, 2000, {}}};
  EXPECT_EQ(a->tx_burst(&too_large, 1), 0u);
  EXPECT_EQ(a->counters().tx_too_large, 1u);
}

TEST(NetRingPair, UnicastWithoutNextHopIsCountedAsNoRoute) {
  NetOpened<DpdkRuntime> eal = DpdkRuntime::start(test_eal());
  ASSERT_TRUE(eal) << eal.result.message;
  ASSERT_TRUE(create_ring_pair(*eal.value, "net_ring_ra", "net_ring_rb"));
  DpdkUdpOptions o;
  o.local = {kIpA, 1000, {}};
  auto port = open_port(*eal.value, "net_ring_ra");
  ASSERT_TRUE(port);
  DpdkUdpTransport t(std::move(port), o);
  const std::uint8_t p[] = {1};
  const TxDatagram unicast{p, 1, {kIpB, 2000, {}}};
  const TxDatagram multicast{p, 1, {kGroup, 2000, {}}};
  EXPECT_EQ(t.tx_burst(&unicast, 1), 0u);
  EXPECT_EQ(t.counters().tx_no_route, 1u);
  EXPECT_EQ(t.tx_burst(&multicast, 1), 1u) << "multicast needs no next hop";
  EXPECT_EQ(t.local_endpoint().mac, t.port().mac()) << "an all-zero MAC means the port's own";
}

TEST_F(RingPair, StatsAndXstatsReachTelemetry) {
  const std::uint8_t p[] = {1, 2};
  const TxDatagram d{p, 2, {kIpB, 2000, {}}};
  ASSERT_EQ(a->tx_burst(&d, 1), 1u);
  ASSERT_EQ(receive(*b, 1).size(), 1u);
  const std::vector<NamedCounter> dev = a->device_counters();
  const auto value = [&dev](const std::string& name) -> long long {
    for (const NamedCounter& c : dev) {
      if (c.name == name) return static_cast<long long>(c.value);
    }
    return -1;
  };
  EXPECT_EQ(value("port_tx_packets"), 1);
  EXPECT_EQ(value("drop_tx_queue_full"), 0);
  EXPECT_TRUE(std::any_of(dev.begin(), dev.end(), [](const NamedCounter& c) { return c.name.rfind("xstat_", 0) == 0; }))
      << "extended statistics are included";
  EXPECT_EQ(b->port().stats().rx_packets, 1u);
}

}  // namespace
}  // namespace hft::net
