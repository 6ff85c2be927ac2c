#include "hft/net/pcap.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace hft::net {
namespace {

namespace fs = std::filesystem;

class PcapFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("hft-pcap-" + std::to_string(::getpid()) + "-" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  std::string file(const std::string& name, const std::vector<std::uint8_t>& bytes) {
    const std::string p = (dir / name).string();
    std::ofstream(p, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    return p;
  }
  fs::path dir;
};

const UdpEndpoint kSrc{0x0A000001, 40000, {0x02, 0, 0, 0, 0, 1}};
const UdpEndpoint kDst{0xE9363701, 26477, multicast_mac(0xE9363701)};

void put32(std::vector<std::uint8_t>& v, std::uint32_t x, bool big = false) {
  for (int i = 0; i < 4; ++i) v.push_back(static_cast<std::uint8_t>(big ? x >> (24 - 8 * i) : x >> (8 * i)));
}
void put16(std::vector<std::uint8_t>& v, std::uint16_t x, bool big = false) {
  v.push_back(static_cast<std::uint8_t>(big ? x >> 8 : x));
  v.push_back(static_cast<std::uint8_t>(big ? x : x >> 8));
}

std::vector<std::uint8_t> udp_frame(std::vector<std::uint8_t> payload) {
  std::vector<std::uint8_t> f(kUdpFrameOverhead + payload.size());
  build_udp_frame(kSrc, kDst, payload.data(), payload.size(), f.data(), f.size());
  return f;
}

TEST_F(PcapFiles, WriterOutputReadsBackWithNanosecondTimes) {
  const std::string path = (dir / "out.pcap").string();
  {
    PcapWriter w(path);
    for (std::uint8_t i = 0; i < 5; ++i) {
      const std::vector<std::uint8_t> payload(10 + i, i);
      w.write_udp(kSrc, kDst, payload.data(), payload.size(), 1'700'000'000'123'456'789ull + i);
    }
    w.close();
    EXPECT_EQ(w.frames(), 5u);
  }
  PcapReader r(path);
  EXPECT_EQ(r.format(), PcapReader::Format::Pcap);
  UdpDatagram d;
  CapturedFrame f;
  for (std::uint8_t i = 0; i < 5; ++i) {
    ASSERT_TRUE(r.next_udp(d, f));
    EXPECT_EQ(f.timestamp_ns, 1'700'000'000'123'456'789ull + i);
    EXPECT_EQ(d.size, 10u + i);
    EXPECT_EQ(d.payload[0], i);
    EXPECT_EQ(d.dst.port, 26477);
  }
  EXPECT_FALSE(r.next_udp(d, f));
  EXPECT_EQ(r.counters().udp, 5u);
  EXPECT_EQ(r.counters().truncated_tail_bytes, 0u);
}

// A big-endian, microsecond pcap built byte by byte, with one ARP frame
// that must be counted and skipped, and a record cut off by the end.
TEST_F(PcapFiles, BigEndianMicrosecondFileWithForeignTrafficAndATornTail) {
  std::vector<std::uint8_t> b;
  put32(b, 0xa1b2c3d4, true);
  put16(b, 2, true);
  put16(b, 4, true);
  put32(b, 0, true);
  put32(b, 0, true);
  put32(b, 65535, true);
  put32(b, 1, true);
  const auto udp = udp_frame({0xAA, 0xBB});
  put32(b, 1000, true);  // 1000 s
  put32(b, 5, true);     // 5 us
  put32(b, static_cast<std::uint32_t>(udp.size()), true);
  put32(b, static_cast<std::uint32_t>(udp.size()), true);
  b.insert(b.end(), udp.begin(), udp.end());
  std::vector<std::uint8_t> arp(42, 0);
  arp[12] = 0x08;
  arp[13] = 0x06;
  put32(b, 1001, true);
  put32(b, 0, true);
  put32(b, 42, true);
  put32(b, 42, true);
  b.insert(b.end(), arp.begin(), arp.end());
  put32(b, 1002, true);
  put32(b, 0, true);
  put32(b, 100, true);  // claims 100 bytes, has 3
  put32(b, 100, true);
  b.insert(b.end(), {1, 2, 3});

  PcapReader r(file("be.pcap", b));
  UdpDatagram d;
  CapturedFrame f;
  ASSERT_TRUE(r.next_udp(d, f));
  EXPECT_EQ(f.timestamp_ns, 1000'000'005'000ull);
  EXPECT_EQ(d.size, 2u);
  EXPECT_FALSE(r.next_udp(d, f));
  EXPECT_EQ(r.counters().frames, 2u);
  EXPECT_EQ(r.counters().other_frames, 1u);
  EXPECT_EQ(r.counters().truncated_tail_bytes, 19u);
}

// pcapng: section header, an interface with nanosecond resolution, a
// custom block to skip, an enhanced and a simple packet block.
TEST_F(PcapFiles, PcapNgBlocksAreWalked) {
  std::vector<std::uint8_t> b;
  // Section header block (28 bytes).
  put32(b, 0x0A0D0D0A);
  put32(b, 28);
  put32(b, 0x1A2B3C4D);
  put16(b, 1);
  put16(b, 0);
  put32(b, 0xffffffff);
  put32(b, 0xffffffff);
  put32(b, 28);
  // Interface description block with if_tsresol = 9 (ns): 20 + 8 option + 4 end = 32.
  put32(b, 1);
  put32(b, 32);
  put16(b, 1);  // Ethernet
  put16(b, 0);
  put32(b, 0);
  put16(b, 9);
  put16(b, 1);
  b.insert(b.end(), {9, 0, 0, 0});
  put16(b, 0);
  put16(b, 0);
  put32(b, 32);
  // A block type we do not know (16 bytes).
  put32(b, 0x0BAD);
  put32(b, 16);
  put32(b, 0);
  put32(b, 16);
  // Enhanced packet block.
  const auto udp = udp_frame({1, 2, 3, 4, 5});
  const std::size_t padded = (udp.size() + 3) & ~std::size_t{3};
  const auto epb_len = static_cast<std::uint32_t>(32 + padded);
  put32(b, 6);
  put32(b, epb_len);
  put32(b, 0);
  const std::uint64_t ts = 1'700'000'000'000'000'042ull;
  put32(b, static_cast<std::uint32_t>(ts >> 32));
  put32(b, static_cast<std::uint32_t>(ts));
  put32(b, static_cast<std::uint32_t>(udp.size()));
  put32(b, static_cast<std::uint32_t>(udp.size()));
  b.insert(b.end(), udp.begin(), udp.end());
  b.resize(b.size() + padded - udp.size(), 0);
  put32(b, epb_len);
  // Simple packet block.
  const auto udp2 = udp_frame({7});
  const std::size_t padded2 = (udp2.size() + 3) & ~std::size_t{3};
  const auto spb_len = static_cast<std::uint32_t>(16 + padded2);
  put32(b, 3);
  put32(b, spb_len);
  put32(b, static_cast<std::uint32_t>(udp2.size()));
  b.insert(b.end(), udp2.begin(), udp2.end());
  b.resize(b.size() + padded2 - udp2.size(), 0);
  put32(b, spb_len);

  PcapReader r(file("x.pcapng", b));
  EXPECT_EQ(r.format(), PcapReader::Format::PcapNg);
  UdpDatagram d;
  CapturedFrame f;
  ASSERT_TRUE(r.next_udp(d, f));
  EXPECT_EQ(f.timestamp_ns, ts);
  EXPECT_EQ(d.size, 5u);
  ASSERT_TRUE(r.next_udp(d, f));
  EXPECT_EQ(d.size, 1u);
  EXPECT_EQ(d.payload[0], 7);
  EXPECT_FALSE(r.next_udp(d, f));
  EXPECT_EQ(r.counters().other_blocks, 1u);
  EXPECT_EQ(r.counters().udp, 2u);
}

TEST_F(PcapFiles, AFileThatIsNoCaptureIsNamedInTheError) {
  const std::string p = file("notes.txt", {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '!'});
  try {
    PcapReader r(p);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(p), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("not a pcap"), std::string::npos);
  }
  EXPECT_THROW(PcapReader((dir / "missing.pcap").string()), std::runtime_error);
}

TEST_F(PcapFiles, AFrameCutBySnaplenIsCountedNotParsed) {
  const std::string path = (dir / "cut.pcap").string();
  {
    PcapWriter w(path);
    const auto full = udp_frame(std::vector<std::uint8_t>(100, 1));
    w.write_frame(full.data(), 60, 1);  // claims what it has: wire size = captured in our writer
    w.close();
  }
  PcapReader r(path);
  UdpDatagram d;
  CapturedFrame f;
  EXPECT_FALSE(r.next_udp(d, f));
  EXPECT_EQ(r.counters().bad_frames, 1u) << "headers say 142 bytes, 60 captured";
}

}  // namespace
}  // namespace hft::net
