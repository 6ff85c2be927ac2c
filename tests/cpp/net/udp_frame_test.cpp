#include "hft/net/udp_frame.h"

#include <vector>

#include <gtest/gtest.h>

namespace hft::net {
namespace {

UdpEndpoint src() { return {0x0A000001, 40000, {0x02, 0, 0, 0, 0, 1}}; }        // 10.0.0.1
UdpEndpoint group() { return {0xE9363701, 26477, multicast_mac(0xE9363701)}; }  // 233.54.55.1

std::vector<std::uint8_t> frame_of(const std::vector<std::uint8_t>& payload, bool checksum = true) {
  std::vector<std::uint8_t> f(kUdpFrameOverhead + payload.size());
  EXPECT_EQ(build_udp_frame(src(), group(), payload.data(), payload.size(), f.data(), f.size(), 64, checksum),
            f.size());
  return f;
}

TEST(UdpFrame, BuildThenParseRoundTrips) {
  const std::vector<std::uint8_t> payload{'h', 'e', 'l', 'l', 'o', '!', 1, 2, 3};
  const auto f = frame_of(payload);
  UdpDatagram d;
  ASSERT_EQ(parse_udp_frame(f.data(), f.size(), d), FrameStatus::Ok);
  EXPECT_EQ(d.src.ip, src().ip);
  EXPECT_EQ(d.dst.ip, group().ip);
  EXPECT_EQ(d.src.port, 40000);
  EXPECT_EQ(d.dst.port, 26477);
  EXPECT_EQ(d.dst.mac, (MacAddress{0x01, 0x00, 0x5e, 0x36, 0x37, 0x01}));
  ASSERT_EQ(d.size, payload.size());
  EXPECT_TRUE(std::equal(payload.begin(), payload.end(), d.payload));
}

// The IPv4 header of a known frame, checksum computed by hand (RFC 1071):
// 45 00 00 1c 00 00 40 00 40 11 ?? ?? 0a 00 00 01 e9 36 37 01 for a 0-byte payload.
TEST(UdpFrame, Ipv4HeaderMatchesAHandComputedChecksum) {
  const auto f = frame_of({});
  const std::uint8_t* ip = f.data() + kEthernetHeader;
  // Sum of the 16-bit words with the checksum zeroed:
  // 4500 + 001c + 0000 + 4000 + 4011 + 0a00 + 0001 + e936 + 3701
  //   = 1b864 after e936, folded b865, + 3701 = ef66; inverted: 1099.
  EXPECT_EQ(ip[10], 0x10);
  EXPECT_EQ(ip[11], 0x99);
  EXPECT_EQ(f[12], 0x08);
  EXPECT_EQ(f[13], 0x00);
}

TEST(UdpFrame, CorruptionIsCaughtByTheChecksums) {
  auto f = frame_of({1, 2, 3, 4});
  UdpDatagram d;
  f.back() ^= 0xff;  // payload: UDP checksum
  EXPECT_EQ(parse_udp_frame(f.data(), f.size(), d), FrameStatus::BadChecksum);
  f = frame_of({1, 2, 3, 4});
  f[kEthernetHeader + 8] ^= 1;  // TTL: IPv4 header checksum
  EXPECT_EQ(parse_udp_frame(f.data(), f.size(), d), FrameStatus::BadChecksum);
  f = frame_of({1, 2, 3, 4}, false);
  f.back() ^= 0xff;  // no UDP checksum: nothing to catch it
  EXPECT_EQ(parse_udp_frame(f.data(), f.size(), d), FrameStatus::Ok);
}

TEST(UdpFrame, UdpChecksumVerificationCanBeLeftToTheNic) {
  auto f = frame_of({1, 2, 3, 4});
  f[f.size() - 1] ^= 0xff;  // what a loopback capture looks like: UDP checksum not filled in
  UdpDatagram d;
  EXPECT_EQ(parse_udp_frame(f.data(), f.size(), d, false), FrameStatus::Ok);
  EXPECT_EQ(d.size, 4u);
  f = frame_of({1, 2, 3, 4});
  f[kEthernetHeader + 8] ^= 1;  // the IPv4 header checksum is still checked
  EXPECT_EQ(parse_udp_frame(f.data(), f.size(), d, false), FrameStatus::BadChecksum);
}

TEST(UdpFrame, OtherTrafficIsNamed) {
  auto f = frame_of({1, 2, 3});
  UdpDatagram d;
  EXPECT_EQ(parse_udp_frame(f.data(), 10, d), FrameStatus::Truncated);
  EXPECT_EQ(parse_udp_frame(f.data(), f.size() - 1, d), FrameStatus::Truncated);
  auto arp = f;
  arp[12] = 0x08;
  arp[13] = 0x06;
  EXPECT_EQ(parse_udp_frame(arp.data(), arp.size(), d), FrameStatus::NotIpv4);
  auto tcp = f;
  tcp[kEthernetHeader + 9] = 6;
  EXPECT_EQ(parse_udp_frame(tcp.data(), tcp.size(), d), FrameStatus::BadChecksum) << "protocol is under the checksum";
  auto frag = f;
  frag[kEthernetHeader + 6] = 0x20;  // more fragments
  EXPECT_NE(parse_udp_frame(frag.data(), frag.size(), d), FrameStatus::Ok);
}

TEST(UdpFrame, AVlanTaggedFrameIsRead) {
  const auto plain = frame_of({9, 8, 7});
  std::vector<std::uint8_t> tagged(plain.begin(), plain.begin() + 12);
  tagged.insert(tagged.end(), {0x81, 0x00, 0x00, 0x64});  // VLAN 100
  tagged.insert(tagged.end(), plain.begin() + 12, plain.end());
  UdpDatagram d;
  ASSERT_EQ(parse_udp_frame(tagged.data(), tagged.size(), d), FrameStatus::Ok);
  EXPECT_EQ(d.size, 3u);
  EXPECT_EQ(d.payload[0], 9);
}

TEST(UdpFrame, TooSmallABufferIsRefused) {
  std::uint8_t out[40];
  const std::uint8_t payload[20] = {};
  EXPECT_EQ(build_udp_frame(src(), group(), payload, sizeof payload, out, sizeof out), 0u);
}

TEST(UdpFrame, TextAndMulticastMac) {
  EXPECT_STREQ(ipv4_text(0xE9363701).data(), "233.54.55.1");
  EXPECT_EQ(multicast_mac(0xEFFFFFFF), (MacAddress{0x01, 0x00, 0x5e, 0x7f, 0xff, 0xff}));
}

}  // namespace
}  // namespace hft::net
