// The pipeline layout's hand-over between the network core and the engine
// core: order, back-pressure, lifetime of payloads, and the reverse path.
#include "hft/engine/packet_relay.h"

#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace hft::engine {
namespace {

net::UdpEndpoint peer(std::uint16_t port) { return {0x7f000001u, port, {}}; }

std::uint64_t read_u64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  std::memcpy(&v, p, sizeof v);
  return v;
}

TEST(PacketRing, DeliversInOrderAndHoldsPayloadsUntilReleased) {
  PacketRing ring(4, 64);
  EXPECT_EQ(ring.capacity(), 4u);
  const std::uint8_t a[] = {1, 2, 3}, b[] = {4, 5};
  ASSERT_TRUE(ring.push(a, sizeof a, peer(1), 100));
  ASSERT_TRUE(ring.push(b, sizeof b, peer(2), 200));
  net::RxDatagram out[8];
  ASSERT_EQ(ring.peek(out, 8), 2u);
  EXPECT_EQ(out[0].size, 3u);
  EXPECT_EQ(out[0].payload[2], 3);
  EXPECT_EQ(out[0].rx_tsc, 100u);
  EXPECT_EQ(out[0].source.port, 1);
  EXPECT_EQ(out[1].payload[1], 5);
  EXPECT_EQ(out[1].rx_tsc, 200u);
  // Not released yet: the same datagrams again.
  EXPECT_EQ(ring.peek(out, 8), 2u);
  ring.release(2);
  EXPECT_EQ(ring.peek(out, 8), 0u);
}

TEST(PacketRing, FullRingAndLongDatagramsAreRefused) {
  PacketRing ring(3, 8);  // rounded up to 4
  const std::uint8_t x[8] = {};
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(ring.push(x, sizeof x, peer(1), 1));
  EXPECT_FALSE(ring.push(x, sizeof x, peer(1), 1)) << "full";
  const std::uint8_t big[9] = {};
  net::RxDatagram out[4];
  ASSERT_EQ(ring.peek(out, 1), 1u);
  ring.release(1);
  EXPECT_FALSE(ring.push(big, sizeof big, peer(1), 1)) << "longer than a slot";
  EXPECT_TRUE(ring.push(x, sizeof x, peer(1), 1)) << "room again after a release";
}

TEST(PacketRing, TwoThreadsLoseAndReorderNothing) {
  PacketRing ring(256, 16);
  constexpr std::uint64_t kCount = 200'000;
  std::thread producer([&] {
    for (std::uint64_t i = 0; i < kCount;) {
      std::uint8_t bytes[8];
      std::memcpy(bytes, &i, sizeof i);
      if (ring.push(bytes, sizeof bytes, peer(1), i + 1)) ++i;
    }
  });
  std::uint64_t expected = 0;
  net::RxDatagram out[32];
  while (expected < kCount) {
    const std::size_t n = ring.peek(out, 32);
    for (std::size_t k = 0; k < n; ++k) {
      ASSERT_EQ(read_u64(out[k].payload), expected);
      ASSERT_EQ(out[k].rx_tsc, expected + 1);
      ++expected;
    }
    ring.release(n);
  }
  producer.join();
  EXPECT_EQ(ring.peek(out, 32), 0u);
}

/// A transport that serves queued datagrams and keeps what is sent.
class Scripted final : public net::DatagramTransport {
 public:
  std::size_t rx_burst(net::RxDatagram* out, std::size_t max) noexcept override {
    std::size_t n = 0;
    for (; n < max && next < inbox.size(); ++n, ++next) {
      out[n] = {};
      out[n].payload = inbox[next].data();
      out[n].size = inbox[next].size();
      out[n].source = peer(9);
    }
    return n;
  }
  std::size_t tx_burst(const net::TxDatagram* in, std::size_t n) noexcept override {
    for (std::size_t i = 0; i < n; ++i) sent.push_back({in[i].payload, in[i].payload + in[i].size});
    destinations.push_back(n ? in[0].destination.port : 0);
    return n;
  }
  const net::TransportCounters& counters() const noexcept override { return counters_; }
  std::vector<net::NamedCounter> device_counters() const override { return {}; }
  net::UdpEndpoint local_endpoint() const noexcept override { return peer(26477); }
  const char* kind() const noexcept override { return "scripted"; }

  std::vector<std::vector<std::uint8_t>> inbox;
  std::size_t next{0};
  std::vector<std::vector<std::uint8_t>> sent;
  std::vector<std::uint16_t> destinations;

 private:
  net::TransportCounters counters_{};
};

TEST(NetworkStage, RelaysDatagramsWithTheirArrivalTimeAndSendsTheEnginesRequests) {
  auto a = std::make_unique<Scripted>();
  Scripted* wire = a.get();
  wire->inbox = {{1}, {2, 2}, {3, 3, 3}};
  PipelineTransports real;
  real.line_a = std::move(a);
  real.retransmission_server = peer(26400);
  NetworkStage::Options o;
  o.ring_slots = 2;  // smaller than the burst: the third datagram finds the ring full
  NetworkStage stage(std::move(real), o);
  PipelineTransports mine = stage.engine_side();
  ASSERT_TRUE(mine.line_a);
  EXPECT_FALSE(mine.line_b);
  EXPECT_EQ(mine.retransmission_server.port, 26400);
  EXPECT_EQ(mine.line_a->local_endpoint().port, 26477);

  EXPECT_TRUE(stage.poll());
  EXPECT_EQ(stage.counters(0).relayed.load(), 2u);
  EXPECT_EQ(stage.counters(0).ring_full.load(), 1u) << "counted, never silent";
  net::RxDatagram out[8];
  ASSERT_EQ(mine.line_a->rx_burst(out, 8), 2u);
  EXPECT_EQ(out[1].size, 2u);
  EXPECT_NE(out[0].rx_tsc, 0u) << "stamped by the network core";
  EXPECT_EQ(out[0].destination.port, 26477);

  // The engine's re-request goes out through the network core's socket.
  const std::uint8_t request[] = {7, 7};
  const net::TxDatagram tx{request, sizeof request, peer(26400)};
  EXPECT_EQ(mine.line_a->tx_burst(&tx, 1), 1u);
  EXPECT_TRUE(wire->sent.empty()) << "not sent from the engine core";
  stage.poll();
  ASSERT_EQ(wire->sent.size(), 1u);
  EXPECT_EQ(wire->sent[0], (std::vector<std::uint8_t>{7, 7}));
  EXPECT_EQ(wire->destinations.back(), 26400);
  EXPECT_EQ(stage.counters(0).sent.load(), 1u);
  EXPECT_EQ(stage.counters(1).relayed.load(), 0u) << "an unconfigured line reads as zeros";
}

}  // namespace
}  // namespace hft::engine
