// net_pcap: a capture replayed into a DPDK port arrives byte for byte, and
// what the port sends is captured byte for byte; through the UDP transport
// the replay reaches the packet interface with the non-UDP frames counted.
#include <vector>

#include <gtest/gtest.h>

#include "hft/net/dpdk_port.h"
#include "hft/net/dpdk_udp_transport.h"
#include "hft/net/pcap.h"

#include "net_test_support.h"

namespace hft::net {
namespace {

using testing::TempDir;
using testing::test_eal;
using Frame = std::vector<std::uint8_t>;

constexpr std::uint32_t kGroup = 0xE9363701;  // 233.54.55.1

// Writes a feed-like capture: UDP datagrams to a group with one ARP frame
// among them; returns the frames as written.
std::vector<Frame> write_capture(const std::string& path) {
  const UdpEndpoint src{0x0A000001, 40000, {0x02, 0, 0, 0, 0, 1}};
  const UdpEndpoint dst{kGroup, 26477, multicast_mac(kGroup)};
  std::vector<Frame> frames;
  PcapWriter w(path);
  for (std::size_t i = 0; i < 12; ++i) {
    Frame payload(8 + i * 40, static_cast<std::uint8_t>(0x30 + i));
    Frame f(kUdpFrameOverhead + payload.size());
    build_udp_frame(src, dst, payload.data(), payload.size(), f.data(), f.size());
    w.write_frame(f.data(), f.size(), 1'000'000'000ull + i);
    frames.push_back(f);
    if (i == 5) {
      Frame arp(60, 0);
      for (int b = 0; b < 6; ++b) arp[static_cast<std::size_t>(b)] = 0xff;
      arp[12] = 0x08;
      arp[13] = 0x06;
      w.write_frame(arp.data(), arp.size(), 1'000'000'000ull + i);
      frames.push_back(arp);
    }
  }
  w.close();
  return frames;
}

std::vector<Frame> read_capture(const std::string& path) {
  PcapReader r(path);
  std::vector<Frame> frames;
  CapturedFrame f;
  while (r.next_frame(f)) frames.emplace_back(f.data, f.data + f.size);
  return frames;
}

std::string pcap_vdev(const TempDir& dir) {
  return "net_pcap0,rx_pcap=" + dir.file("in.pcap") + ",tx_pcap=" + dir.file("out.pcap");
}

std::unique_ptr<DpdkPort> open_pcap_port(const DpdkRuntime& eal) {
  DpdkPortOptions o;
  o.name = "net_pcap0";
  o.mempool_size = 1023;
  NetOpened<DpdkPort> p = DpdkPort::open(eal, o);
  EXPECT_TRUE(p) << p.result.message;
  return std::move(p.value);
}

TEST(NetPcap, ReplayInAndCaptureOutMatchByteForByte) {
  TempDir dir;
  const std::vector<Frame> written = write_capture(dir.file("in.pcap"));
  NetOpened<DpdkRuntime> eal = DpdkRuntime::start(test_eal({pcap_vdev(dir)}));
  ASSERT_TRUE(eal) << eal.result.message;
  auto port = open_pcap_port(*eal.value);
  ASSERT_TRUE(port);
  EXPECT_EQ(port->driver(), "net_pcap");

  std::vector<Frame> replayed;
  FrameView rx[kMaxDpdkBurst];
  for (int polls = 0; polls < 100000 && replayed.size() < written.size(); ++polls) {
    const std::size_t n = port->rx_frames(rx, kMaxDpdkBurst);
    for (std::size_t i = 0; i < n; ++i) replayed.emplace_back(rx[i].data, rx[i].data + rx[i].size);
  }
  ASSERT_EQ(replayed, written) << "every frame of the capture, in order, unchanged";

  std::vector<FrameView> out;
  for (const Frame& f : replayed) out.push_back({f.data(), f.size()});
  ASSERT_EQ(port->tx_frames(out.data(), out.size()), out.size());
  port->close();  // the pcap PMD flushes its capture file on close
  EXPECT_EQ(read_capture(dir.file("out.pcap")), written);
}

TEST(NetPcap, ReplayThroughTheUdpTransportCountsTheArp) {
  TempDir dir;
  const std::vector<Frame> written = write_capture(dir.file("in.pcap"));
  NetOpened<DpdkRuntime> eal = DpdkRuntime::start(test_eal({pcap_vdev(dir)}));
  ASSERT_TRUE(eal) << eal.result.message;
  auto port = open_pcap_port(*eal.value);
  ASSERT_TRUE(port);
  DpdkUdpOptions o;
  o.local = {0x0A000002, 26477, {}};
  o.multicast_groups = {kGroup};
  DpdkUdpTransport t(std::move(port), o);
  std::size_t got = 0;
  RxDatagram rx[kMaxDpdkBurst];
  for (int polls = 0; polls < 100000 && got < 12; ++polls) got += t.rx_burst(rx, kMaxDpdkBurst);
  EXPECT_EQ(got, 12u);
  EXPECT_EQ(t.counters().rx_wrong_protocol, 1u) << "the ARP frame";
  EXPECT_EQ(t.counters().rx_wrong_address, 0u);
}

}  // namespace
}  // namespace hft::net
