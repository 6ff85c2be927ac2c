// Kernel UDP over loopback through the same packet interface as DPDK:
// batches, unicast, multicast on lo (or the reason it cannot work here),
// timestamps, and clear errors.
#include <poll.h>

#include <vector>

#include <gtest/gtest.h>

#include "hft/net/address.h"
#include "hft/net/kernel_udp_transport.h"

namespace hft::net {
namespace {

constexpr std::uint32_t kLoopback = 0x7F000001;  // 127.0.0.1
constexpr std::uint32_t kGroup = 0xEF0A0B0C;     // 239.10.11.12

std::unique_ptr<KernelUdpTransport> open_udp(KernelUdpOptions o) {
  NetOpened<KernelUdpTransport> t = KernelUdpTransport::open(o);
  EXPECT_TRUE(t) << t.result.message;
  return std::move(t.value);
}

KernelUdpOptions on_loopback() {
  KernelUdpOptions o;
  o.local = {kLoopback, 0, {}};
  return o;
}

// Receives until `want` datagrams arrived or a poll finds nothing for a
// second (a lost datagram fails the count, not the clock).
std::vector<RxDatagram> receive(KernelUdpTransport& t, std::size_t want, std::vector<std::vector<std::uint8_t>>& data) {
  std::vector<RxDatagram> got;
  RxDatagram rx[32];
  while (got.size() < want) {
    pollfd p{t.fd(), POLLIN, 0};
    if (::poll(&p, 1, 1000) <= 0) break;
    const std::size_t n = t.rx_burst(rx, 32);
    for (std::size_t i = 0; i < n; ++i) {
      got.push_back(rx[i]);
      data.emplace_back(rx[i].payload, rx[i].payload + rx[i].size);
    }
  }
  return got;
}

// The kernel turns receive timestamping on lazily (a deferred static key)
// the first time any socket asks for it, so the first datagrams after that
// may carry no stamp. Sends single datagrams until one arrives stamped;
// false if none does in 200 tries.
bool kernel_stamps_now(KernelUdpTransport& rx, KernelUdpTransport& tx) {
  const std::uint8_t p[] = {0};
  const TxDatagram d{p, 1, {kLoopback, rx.local_endpoint().port, {}}};
  for (int i = 0; i < 200; ++i) {
    if (tx.tx_burst(&d, 1) != 1) return false;
    std::vector<std::vector<std::uint8_t>> data;
    const auto got = receive(rx, 1, data);
    if (got.size() == 1 && got[0].timestamp_source != RxTimestampSource::None) return true;
    ::poll(nullptr, 0, 5);
  }
  return false;
}

TEST(KernelUdp, UnicastBatchesCrossLoopback) {
  KernelUdpOptions ro = on_loopback();
  ro.timestamps = RxTimestamps::Software;
  auto rx = open_udp(ro);
  auto tx = open_udp(on_loopback());
  ASSERT_TRUE(rx && tx);
  ASSERT_NE(rx->local_endpoint().port, 0) << "an ephemeral port was bound";
  ASSERT_TRUE(kernel_stamps_now(*rx, *tx));
  const std::uint64_t warm_up = rx->counters().rx_datagrams;
  const std::uint64_t warm_up_tx = tx->counters().tx_datagrams;

  std::vector<std::vector<std::uint8_t>> sent;
  std::vector<TxDatagram> out;
  for (std::size_t i = 0; i < 20; ++i) sent.emplace_back(1 + i * 50, static_cast<std::uint8_t>(i));
  for (const auto& p : sent) out.push_back({p.data(), p.size(), {kLoopback, rx->local_endpoint().port, {}}});
  ASSERT_EQ(tx->tx_burst(out.data(), out.size()), out.size());

  std::vector<std::vector<std::uint8_t>> data;
  const std::vector<RxDatagram> got = receive(*rx, sent.size(), data);
  ASSERT_EQ(data, sent);
  EXPECT_EQ(got[0].source.ip, kLoopback);
  EXPECT_EQ(got[0].source.port, tx->local_endpoint().port);
  EXPECT_EQ(got[0].destination.ip, kLoopback);
  EXPECT_EQ(got[0].destination.port, rx->local_endpoint().port);
  EXPECT_EQ(got[0].timestamp_source, RxTimestampSource::Software);
  EXPECT_GT(got[0].timestamp_ns, 1'600'000'000ull * 1'000'000'000ull) << "CLOCK_REALTIME nanoseconds";
  EXPECT_EQ(rx->counters().rx_datagrams - warm_up, 20u);
  EXPECT_EQ(tx->counters().tx_datagrams - warm_up_tx, 20u);
  EXPECT_EQ(std::string(rx->kind()), "kernel");
}

TEST(KernelUdp, NonBlockingReceiveReturnsNothingWhenIdle) {
  auto rx = open_udp(on_loopback());
  ASSERT_TRUE(rx);
  RxDatagram d[4];
  EXPECT_EQ(rx->rx_burst(d, 4), 0u);
  EXPECT_EQ(rx->counters().rx_errors, 0u);
}

TEST(KernelUdp, MulticastOnLoopbackOrTheReasonItCannotWork) {
  const NetResult probe = probe_multicast_loopback("lo", kGroup, 0);
  if (!probe) {
    // This machine's lo does not deliver multicast: the error must say how
    // to enable it (the test asserts the explanation rather than skipping).
    EXPECT_NE(probe.message.find("multicast"), std::string::npos) << probe.message;
    EXPECT_NE(probe.message.find("ip link set lo multicast on"), std::string::npos) << probe.message;
    return;
  }
  KernelUdpOptions ro;
  ro.local = {0, 0, {}};
  ro.multicast_groups = {kGroup};
  ro.interface = "lo";
  auto rx = open_udp(ro);
  KernelUdpOptions to = on_loopback();
  to.interface = "lo";
  to.multicast_loop = true;
  auto tx = open_udp(to);
  ASSERT_TRUE(rx && tx);
  const std::uint8_t payload[] = {'m', 'd'};
  const TxDatagram d{payload, sizeof payload, {kGroup, rx->local_endpoint().port, {}}};
  ASSERT_EQ(tx->tx_burst(&d, 1), 1u);
  std::vector<std::vector<std::uint8_t>> data;
  const auto got = receive(*rx, 1, data);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(data[0], std::vector<std::uint8_t>(payload, payload + 2));
  EXPECT_EQ(got[0].destination.ip, kGroup) << "IP_PKTINFO tells a group datagram from a unicast one";
}

TEST(KernelUdp, TooLongDatagramsAreCountedAsTruncated) {
  KernelUdpOptions ro = on_loopback();
  ro.max_datagram = 64;
  auto rx = open_udp(ro);
  auto tx = open_udp(on_loopback());
  ASSERT_TRUE(rx && tx);
  std::vector<std::uint8_t> big(200, 1);
  std::vector<std::uint8_t> small(10, 2);
  const TxDatagram d[] = {{big.data(), big.size(), {kLoopback, rx->local_endpoint().port, {}}},
                          {small.data(), small.size(), {kLoopback, rx->local_endpoint().port, {}}}};
  ASSERT_EQ(tx->tx_burst(d, 2), 2u);
  std::vector<std::vector<std::uint8_t>> data;
  receive(*rx, 1, data);
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(data[0], small);
  EXPECT_EQ(rx->counters().rx_truncated, 1u);
}

TEST(KernelUdp, BusyPollAndBlockingModesOpen) {
  KernelUdpOptions o = on_loopback();
  o.busy_poll_us = 50;
  NetOpened<KernelUdpTransport> busy = KernelUdpTransport::open(o);
  if (!busy) {
    // Without CAP_NET_ADMIN the kernel refuses; the message must say so.
    EXPECT_NE(busy.result.message.find("CAP_NET_ADMIN"), std::string::npos) << busy.result.message;
  }
  KernelUdpOptions b = on_loopback();
  b.blocking = true;
  auto blocking = open_udp(b);
  auto tx = open_udp(on_loopback());
  ASSERT_TRUE(blocking && tx);
  const std::uint8_t p[] = {9};
  const TxDatagram d{p, 1, {kLoopback, blocking->local_endpoint().port, {}}};
  ASSERT_EQ(tx->tx_burst(&d, 1), 1u);
  RxDatagram r[4];
  EXPECT_EQ(blocking->rx_burst(r, 4), 1u) << "waits for the datagram";
}

TEST(KernelUdp, HardwareTimestampsFallBackToSoftware) {
  KernelUdpOptions ro = on_loopback();
  ro.timestamps = RxTimestamps::Hardware;
  ro.interface = "lo";
  auto rx = open_udp(ro);
  auto tx = open_udp(on_loopback());
  ASSERT_TRUE(rx && tx);
  EXPECT_FALSE(rx->hardware_timestamps()) << "lo has no clock";
  ASSERT_TRUE(kernel_stamps_now(*rx, *tx));
  const std::uint8_t p[] = {1};
  const TxDatagram d{p, 1, {kLoopback, rx->local_endpoint().port, {}}};
  ASSERT_EQ(tx->tx_burst(&d, 1), 1u);
  std::vector<std::vector<std::uint8_t>> data;
  const auto got = receive(*rx, 1, data);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].timestamp_source, RxTimestampSource::Software);
}

TEST(KernelUdp, ClearErrors) {
  KernelUdpOptions o = on_loopback();
  o.interface = "nosuchif0";
  NetOpened<KernelUdpTransport> t = KernelUdpTransport::open(o);
  ASSERT_FALSE(t);
  EXPECT_NE(t.result.message.find("'nosuchif0' does not exist"), std::string::npos) << t.result.message;

  auto first = open_udp(on_loopback());
  ASSERT_TRUE(first);
  KernelUdpOptions same = on_loopback();
  same.local.port = first->local_endpoint().port;
  t = KernelUdpTransport::open(same);
  ASSERT_FALSE(t);
  EXPECT_NE(t.result.message.find("another socket has this port"), std::string::npos) << t.result.message;

  KernelUdpOptions not_group = on_loopback();
  not_group.multicast_groups = {kLoopback};
  t = KernelUdpTransport::open(not_group);
  ASSERT_FALSE(t);
  EXPECT_NE(t.result.message.find("not a multicast group"), std::string::npos) << t.result.message;

  KernelUdpOptions foreign;
  foreign.local = {0x0A636363, 0, {}};  // 10.99.99.99: not ours
  t = KernelUdpTransport::open(foreign);
  ASSERT_FALSE(t);
  EXPECT_NE(t.result.message.find("no interface has this address"), std::string::npos) << t.result.message;
}

TEST(Address, ParsesAndPrints) {
  std::uint32_t ip = 0;
  EXPECT_TRUE(parse_ipv4("233.54.12.1", ip));
  EXPECT_EQ(ip, 0xE9360C01u);
  EXPECT_FALSE(parse_ipv4("1.2.3", ip));
  EXPECT_FALSE(parse_ipv4("1.2.3.256", ip));
  EXPECT_FALSE(parse_ipv4("01.2.3.4", ip));
  EXPECT_FALSE(parse_ipv4("1.2.3.4 ", ip));
  MacAddress mac{};
  EXPECT_TRUE(parse_mac("02:AB:cd:00:00:01", mac));
  EXPECT_EQ(mac, (MacAddress{0x02, 0xab, 0xcd, 0, 0, 1}));
  EXPECT_EQ(std::string(mac_text(mac).data()), "02:ab:cd:00:00:01");
  EXPECT_FALSE(parse_mac("02:ab:cd:00:00", mac));
  EXPECT_TRUE(is_multicast_ipv4(kGroup));
  EXPECT_FALSE(is_multicast_ipv4(kLoopback));
}

}  // namespace
}  // namespace hft::net
