#include "hft/net/tcp_pcap.h"

#include <unistd.h>

#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace hft::net {
namespace {

namespace fs = std::filesystem;

const TcpEndpoint kClient{0x0A000001, 51000, {0x02, 0, 0, 0, 0, 1}};  // 10.0.0.1
const TcpEndpoint kServer{0x0A000002, 9878, {0x02, 0, 0, 0, 0, 2}};   // 10.0.0.2

std::vector<std::uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

std::vector<std::uint8_t> tcp_frame(const TcpSegmentHeader& h, const std::vector<std::uint8_t>& payload) {
  std::vector<std::uint8_t> f(kTcpFrameOverhead + 4 + payload.size());
  const std::size_t n = build_tcp_frame(kClient, kServer, h, payload.data(), payload.size(), f.data(), f.size());
  EXPECT_NE(n, 0u);
  f.resize(n);
  return f;
}

// RFC 1071 written out the slow way, independent of ones_complement_sum:
// the TCP checksum the builder stored must make this come out as 0xffff.
std::uint32_t naive_sum(const std::uint8_t* p, std::size_t n) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < n; i += 2) {
    const std::uint32_t hi = p[i];
    const std::uint32_t lo = i + 1 < n ? p[i + 1] : 0;
    sum += hi << 8 | lo;
  }
  return sum;
}
std::uint16_t fold(std::uint32_t s) {
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return static_cast<std::uint16_t>(s);
}

TEST(TcpFrame, BuildThenParseRoundTrips) {
  TcpSegmentHeader h;
  h.seq = 0xdeadbeef;
  h.ack = 0x01020304;
  h.flags = tcp_flags::kAck | tcp_flags::kPsh;
  h.window = 4321;
  const auto payload = bytes_of(
      "8=FIX.4.4\x01"
      "9=5\x01"
      "35=0\x01"
      "10=000\x01");
  const auto f = tcp_frame(h, payload);
  EXPECT_EQ(f.size(), kTcpFrameOverhead + payload.size());
  TcpSegment s;
  ASSERT_EQ(parse_tcp_frame(f.data(), f.size(), s), TcpFrameStatus::Ok);
  EXPECT_EQ(s.src.ip, kClient.ip);
  EXPECT_EQ(s.dst.ip, kServer.ip);
  EXPECT_EQ(s.src.port, kClient.port);
  EXPECT_EQ(s.dst.port, kServer.port);
  EXPECT_EQ(s.src.mac, kClient.mac);
  EXPECT_EQ(s.dst.mac, kServer.mac);
  EXPECT_EQ(s.seq, 0xdeadbeefu);
  EXPECT_EQ(s.ack, 0x01020304u);
  EXPECT_EQ(s.flags, tcp_flags::kAck | tcp_flags::kPsh);
  EXPECT_EQ(s.window, 4321);
  ASSERT_EQ(s.size, payload.size());
  EXPECT_TRUE(std::equal(payload.begin(), payload.end(), s.payload));
}

TEST(TcpFrame, ChecksumsAgreeWithAnIndependentSum) {
  TcpSegmentHeader h;
  h.seq = 7;
  h.flags = tcp_flags::kAck;
  for (const std::size_t n : {0u, 1u, 2u, 3u, 1001u}) {  // odd lengths pad the last word
    std::vector<std::uint8_t> payload(n);
    for (std::size_t i = 0; i < n; ++i) payload[i] = static_cast<std::uint8_t>(i * 37 + 11);
    const auto f = tcp_frame(h, payload);
    const std::uint8_t* ip = f.data() + kEthernetHeader;
    EXPECT_EQ(fold(naive_sum(ip, kIpv4Header)), 0xffff) << "IPv4 header, payload " << n;
    EXPECT_EQ(ip[9], kIpProtoTcp);
    const std::uint8_t* tcp = ip + kIpv4Header;
    const std::size_t tcp_len = f.size() - kEthernetHeader - kIpv4Header;
    const std::uint8_t pseudo[12] = {ip[12],
                                     ip[13],
                                     ip[14],
                                     ip[15],
                                     ip[16],
                                     ip[17],
                                     ip[18],
                                     ip[19],
                                     0,
                                     6,
                                     static_cast<std::uint8_t>(tcp_len >> 8),
                                     static_cast<std::uint8_t>(tcp_len)};
    EXPECT_EQ(fold(naive_sum(pseudo, 12) + naive_sum(tcp, tcp_len)), 0xffff) << "TCP, payload " << n;
  }
}

TEST(TcpFrame, TheMssOptionIsWrittenWhenAsked) {
  TcpSegmentHeader h;
  h.flags = tcp_flags::kSyn;
  h.mss_option = 1460;
  const auto f = tcp_frame(h, {});
  const std::uint8_t* tcp = f.data() + kEthernetHeader + kIpv4Header;
  EXPECT_EQ(tcp[12] >> 4, 6) << "data offset: 24 bytes";
  EXPECT_EQ(tcp[20], 2);
  EXPECT_EQ(tcp[21], 4);
  EXPECT_EQ(tcp[22] << 8 | tcp[23], 1460);
  TcpSegment s;
  ASSERT_EQ(parse_tcp_frame(f.data(), f.size(), s), TcpFrameStatus::Ok);
  EXPECT_EQ(s.size, 0u) << "options are not payload";
}

TEST(TcpFrame, CorruptionAndOtherTrafficAreNamed) {
  TcpSegmentHeader h;
  h.flags = tcp_flags::kAck;
  const auto good = tcp_frame(h, {1, 2, 3, 4, 5});
  TcpSegment s;
  auto f = good;
  f.back() ^= 0x40;  // payload: TCP checksum
  EXPECT_EQ(parse_tcp_frame(f.data(), f.size(), s), TcpFrameStatus::BadChecksum);
  f = good;
  f[kEthernetHeader + 8] ^= 1;  // TTL: IPv4 header checksum
  EXPECT_EQ(parse_tcp_frame(f.data(), f.size(), s), TcpFrameStatus::BadChecksum);
  EXPECT_EQ(parse_tcp_frame(good.data(), 30, s), TcpFrameStatus::Truncated);

  std::vector<std::uint8_t> udp(kUdpFrameOverhead + 3);
  const std::uint8_t payload[3] = {1, 2, 3};
  ASSERT_NE(build_udp_frame(kClient, kServer, payload, 3, udp.data(), udp.size()), 0u);
  EXPECT_EQ(parse_tcp_frame(udp.data(), udp.size(), s), TcpFrameStatus::NotTcp);
  UdpDatagram d;
  EXPECT_EQ(parse_udp_frame(good.data(), good.size(), d), FrameStatus::NotUdp);
}

TEST(TcpFrame, TooSmallABufferIsRefused) {
  std::uint8_t out[60];
  const std::uint8_t payload[10] = {};
  TcpSegmentHeader h;
  EXPECT_EQ(build_tcp_frame(kClient, kServer, h, payload, sizeof payload, out, sizeof out), 0u);
}

// ---- whole connections through PcapWriter and back through PcapReader ------

class TcpCapture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("hft-tcp-pcap-" + std::to_string(::getpid()) + "-" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir);
    path = (dir / "stream.pcap").string();
  }
  void TearDown() override { fs::remove_all(dir); }

  struct Frame {
    TcpSegment seg;
    std::vector<std::uint8_t> payload;
    std::uint64_t ts;
  };
  std::vector<Frame> read_back() {
    PcapReader r(path);
    std::vector<Frame> out;
    CapturedFrame cf;
    while (r.next_frame(cf)) {
      Frame f;
      EXPECT_EQ(parse_tcp_frame(cf.data, cf.size, f.seg), TcpFrameStatus::Ok) << "frame " << out.size();
      EXPECT_EQ(cf.size, cf.wire_size);
      f.payload.assign(f.seg.payload, f.seg.payload + f.seg.size);
      f.ts = cf.timestamp_ns;
      out.push_back(std::move(f));
    }
    return out;
  }
  static bool from_client(const Frame& f) { return f.seg.src.port == kClient.port; }

  fs::path dir;
  std::string path;
};

TEST_F(TcpCapture, AConnectionReadsBackAsHandshakeDataAndClose) {
  TcpStreamCapture::Options o;
  o.mss = 1000;
  std::vector<std::uint8_t> big(4321);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i % 251);
  const auto hello = bytes_of("hello from the client");
  const auto reply = bytes_of("and a reply");
  {
    PcapWriter w(path);
    TcpStreamCapture tcp(w, kClient, kServer, o);
    tcp.open(1'000);
    tcp.write(TcpDirection::ClientToServer, hello.data(), hello.size(), 2'000);
    tcp.write(TcpDirection::ServerToClient, reply.data(), reply.size(), 3'000);
    tcp.write(TcpDirection::ServerToClient, big.data(), big.size(), 4'000);
    EXPECT_EQ(tcp.bytes(TcpDirection::ClientToServer), hello.size());
    EXPECT_EQ(tcp.bytes(TcpDirection::ServerToClient), reply.size() + big.size());
    // SYN and FIN take one sequence number each, data one per byte.
    EXPECT_EQ(tcp.next_seq(TcpDirection::ClientToServer), o.client_isn + 1 + hello.size());
    tcp.close(TcpDirection::ClientToServer, 5'000);
    w.close();
  }
  const auto frames = read_back();
  // 3 handshake + (1 + ack) + (1 + ack) + (5 + ack) + 3 closing frames.
  ASSERT_EQ(frames.size(), 3u + 2 + 2 + 6 + 3);

  using namespace tcp_flags;
  EXPECT_EQ(frames[0].seg.flags, kSyn);
  EXPECT_EQ(frames[0].seg.seq, o.client_isn);
  EXPECT_EQ(frames[1].seg.flags, kSyn | kAck);
  EXPECT_EQ(frames[1].seg.seq, o.server_isn);
  EXPECT_EQ(frames[1].seg.ack, o.client_isn + 1);
  EXPECT_EQ(frames[2].seg.flags, kAck);
  EXPECT_EQ(frames[2].seg.ack, o.server_isn + 1);
  EXPECT_TRUE(from_client(frames[0]) && !from_client(frames[1]) && from_client(frames[2]));

  // Every data segment starts where its direction left off and acknowledges
  // everything the other direction sent; the stream reassembles exactly.
  std::map<bool, std::uint32_t> next{{true, o.client_isn + 1}, {false, o.server_isn + 1}};
  std::map<bool, std::vector<std::uint8_t>> stream;
  for (std::size_t i = 3; i + 3 < frames.size(); ++i) {
    const Frame& f = frames[i];
    const bool c = from_client(f);
    EXPECT_EQ(f.seg.seq, next[c]) << "frame " << i;
    EXPECT_EQ(f.seg.ack, next[!c]) << "frame " << i;
    EXPECT_TRUE(f.seg.flags & kAck);
    EXPECT_LE(f.payload.size(), o.mss);
    next[c] += static_cast<std::uint32_t>(f.payload.size());
    stream[c].insert(stream[c].end(), f.payload.begin(), f.payload.end());
  }
  EXPECT_EQ(stream[true], hello);
  std::vector<std::uint8_t> server_sent = reply;
  server_sent.insert(server_sent.end(), big.begin(), big.end());
  EXPECT_EQ(stream[false], server_sent);

  // The big write: four full segments, then the rest with PSH, then the ACK.
  for (std::size_t i = 7; i < 11; ++i) {
    EXPECT_EQ(frames[i].payload.size(), 1000u);
    EXPECT_EQ(frames[i].seg.flags, kAck);
  }
  EXPECT_EQ(frames[11].payload.size(), 321u);
  EXPECT_EQ(frames[11].seg.flags, kAck | kPsh);
  EXPECT_TRUE(from_client(frames[12]) && frames[12].payload.empty());

  const std::size_t n = frames.size();
  EXPECT_EQ(frames[n - 3].seg.flags, kFin | kAck);
  EXPECT_TRUE(from_client(frames[n - 3]));
  EXPECT_EQ(frames[n - 2].seg.flags, kFin | kAck);
  EXPECT_EQ(frames[n - 2].seg.ack, next[true] + 1) << "the FIN takes a sequence number";
  EXPECT_EQ(frames[n - 1].seg.flags, kAck);
  EXPECT_EQ(frames[n - 1].seg.seq, next[true] + 1);
  EXPECT_EQ(frames[n - 1].seg.ack, next[false] + 1);

  EXPECT_EQ(frames[0].ts, 1'000u);
  EXPECT_EQ(frames[3].ts, 2'000u);
  EXPECT_EQ(frames[n - 1].ts, 5'000u);
}

TEST_F(TcpCapture, SequenceNumbersWrapAroundTwoToThe32) {
  TcpStreamCapture::Options o;
  o.client_isn = 0xfffffff0;
  o.mss = 8;
  o.ack_each_write = false;
  const auto data = bytes_of("0123456789abcdefghijklmnopqrstuv");  // 32 bytes: crosses 2^32
  {
    PcapWriter w(path);
    TcpStreamCapture tcp(w, kClient, kServer, o);
    tcp.open(1);
    tcp.write(TcpDirection::ClientToServer, data.data(), data.size(), 2);
    EXPECT_EQ(tcp.next_seq(TcpDirection::ClientToServer), 0xfffffff1u + 32u);
    w.close();
  }
  const auto frames = read_back();
  ASSERT_EQ(frames.size(), 3u + 4);
  std::uint32_t seq = 0xfffffff1;
  std::vector<std::uint8_t> got;
  for (std::size_t i = 3; i < frames.size(); ++i) {
    EXPECT_EQ(frames[i].seg.seq, seq);
    seq += static_cast<std::uint32_t>(frames[i].payload.size());
    got.insert(got.end(), frames[i].payload.begin(), frames[i].payload.end());
  }
  EXPECT_EQ(got, data);
  EXPECT_EQ(frames.back().seg.seq, 0x00000009u);
}

TEST_F(TcpCapture, MisuseIsRefusedRatherThanWrittenAsABrokenConnection) {
  PcapWriter w(path);
  TcpStreamCapture tcp(w, kClient, kServer);
  const std::uint8_t b = 'x';
  EXPECT_THROW(tcp.write(TcpDirection::ClientToServer, &b, 1, 0), std::logic_error);
  EXPECT_THROW(tcp.close(TcpDirection::ClientToServer, 0), std::logic_error);
  tcp.open(0);
  EXPECT_THROW(tcp.open(0), std::logic_error);
  tcp.close(TcpDirection::ServerToClient, 0);
  EXPECT_THROW(tcp.write(TcpDirection::ClientToServer, &b, 1, 0), std::logic_error);
  TcpStreamCapture::Options bad;
  bad.mss = 0;
  EXPECT_THROW({ TcpStreamCapture c(w, kClient, kServer, bad); }, std::invalid_argument);
  EXPECT_EQ(w.frames(), 6u);
}

TEST_F(TcpCapture, TwoConnectionsShareOneFile) {
  TcpEndpoint other = kClient;
  other.port = 51001;
  {
    PcapWriter w(path);
    TcpStreamCapture a(w, kClient, kServer);
    TcpStreamCapture b(w, other, kServer);
    a.open(1);
    b.open(2);
    const auto x = bytes_of("x");
    a.write(TcpDirection::ClientToServer, x.data(), 1, 3);
    b.write(TcpDirection::ClientToServer, x.data(), 1, 4);
    w.close();
  }
  const auto frames = read_back();
  ASSERT_EQ(frames.size(), 10u);
  EXPECT_EQ(frames[6].seg.src.port, kClient.port);
  EXPECT_EQ(frames[8].seg.src.port, other.port);
}

}  // namespace
}  // namespace hft::net
