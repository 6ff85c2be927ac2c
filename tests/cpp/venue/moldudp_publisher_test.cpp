// The venue's MoldUDP64 publisher: packets, heartbeats, end of session,
// the fault hooks, the retransmission server, and, end to end, our feed
// handler rebuilding the same books from what it sends, with drops,
// duplicates and reordering on one line.
#include "hft/venue/moldudp_publisher.h"

#include <map>
#include <vector>

#include <gtest/gtest.h>

#include "hft/market_data/book_manager.h"
#include "hft/market_data/feed_handler.h"
#include "hft/market_data/synthetic_feed.h"

#include "venue/feed_test_support.h"

namespace hft::venue {
namespace {

namespace mold = protocol::mold;
using testing::Books;
using testing::Wire;

const net::UdpEndpoint kLineA{0xEF360001, 26477, {}};
const net::UdpEndpoint kLineB{0xEF360002, 26478, {}};
const net::UdpEndpoint kClient{0x7F000001, 40001, {}};

std::vector<std::uint8_t> msg(std::uint8_t tag, std::size_t size) { return std::vector<std::uint8_t>(size, tag); }

PublisherOptions two_lines() {
  PublisherOptions o;
  o.lines = {kLineA, kLineB};
  o.history_messages = 1 << 12;
  o.history_bytes = 1 << 20;
  return o;
}

TEST(MoldUdpPublisher, BatchesMessagesIntoSequencedPacketsOnBothLines) {
  Wire wire;
  PublisherOptions o = two_lines();
  o.max_batch_delay_ns = 1'000;
  MoldUdpPublisher pub(o, wire);
  for (std::uint8_t i = 0; i < 5; ++i) {
    const auto m = msg(i, 36);
    ASSERT_TRUE(pub.publish(m.data(), m.size(), 0));
  }
  EXPECT_TRUE(wire.sent.empty()) << "batching until the delay passes";
  pub.on_timer(1'000);
  ASSERT_EQ(wire.on(kLineA).size(), 1u);
  ASSERT_EQ(wire.on(kLineB).size(), 1u);
  EXPECT_EQ(wire.on(kLineA)[0].bytes, wire.on(kLineB)[0].bytes);
  const std::vector<std::uint8_t> p = wire.on(kLineA)[0].bytes;
  const mold::PacketView v = mold::decode_packet(p.data(), p.size());
  EXPECT_EQ(v.sequence, 1u);
  EXPECT_EQ(v.count, 5u);
  EXPECT_EQ(pub.next_sequence(), 6u);
}

TEST(MoldUdpPublisher, FullPacketsGoOutAndNeverExceedTheSize) {
  Wire wire;
  PublisherOptions o = two_lines();
  o.lines = {kLineA};
  o.max_batch_delay_ns = 1'000'000'000;
  MoldUdpPublisher pub(o, wire);
  for (int i = 0; i < 100; ++i) {
    const auto m = msg(1, 40);
    ASSERT_TRUE(pub.publish(m.data(), m.size(), 0));
  }
  pub.flush(0);
  std::uint64_t expected = 1;
  for (const auto& d : wire.sent) {
    EXPECT_LE(d.bytes.size(), o.max_packet_bytes);
    const mold::PacketView v = mold::decode_packet(d.bytes.data(), d.bytes.size());
    EXPECT_EQ(v.sequence, expected);
    expected += v.count;
  }
  EXPECT_EQ(expected, 101u);
  EXPECT_GT(wire.sent.size(), 1u);
}

TEST(MoldUdpPublisher, HeartbeatsWhenIdleAndEndOfSessionAtTheClose) {
  Wire wire;
  PublisherOptions o = two_lines();
  o.lines = {kLineA};
  o.heartbeat_interval_ns = 1'000;
  MoldUdpPublisher pub(o, wire);
  const auto m = msg(7, 20);
  pub.publish(m.data(), m.size(), 0);
  pub.on_timer(0);  // no batching delay: out at the next timer
  EXPECT_EQ(wire.sent.size(), 1u);
  pub.on_timer(500);
  EXPECT_EQ(wire.sent.size(), 1u);
  pub.on_timer(1'000);
  ASSERT_EQ(wire.sent.size(), 2u);
  mold::PacketView hb = mold::decode_packet(wire.sent[1].bytes.data(), wire.sent[1].bytes.size());
  EXPECT_TRUE(hb.is_heartbeat());
  EXPECT_EQ(hb.sequence, 2u);
  pub.end_of_session(1'100);
  mold::PacketView eos = mold::decode_packet(wire.sent.back().bytes.data(), wire.sent.back().bytes.size());
  EXPECT_TRUE(eos.is_end_of_session());
  EXPECT_EQ(eos.sequence, 2u);
  EXPECT_FALSE(pub.publish(m.data(), m.size(), 2'000)) << "nothing after the end of session";
}

TEST(MoldUdpPublisher, FaultsApplyToTheirLineOnly) {
  Wire wire;
  PublisherOptions o = two_lines();
  LineFaults b;
  b.drop = {1};
  b.duplicate = {2};
  b.reorder = {3};
  o.faults = {LineFaults{}, b};
  MoldUdpPublisher pub(o, wire);
  for (std::uint8_t i = 0; i < 6; ++i) {
    const auto m = msg(i, 30);
    pub.publish(m.data(), m.size(), 0);
    pub.flush(0);
  }
  auto seqs = [](const std::vector<Wire::Datagram>& ds) {
    std::vector<std::uint64_t> out;
    for (const auto& d : ds) out.push_back(mold::decode_packet(d.bytes.data(), d.bytes.size()).sequence);
    return out;
  };
  EXPECT_EQ(seqs(wire.on(kLineA)), (std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(seqs(wire.on(kLineB)), (std::vector<std::uint64_t>{1, 3, 3, 5, 4, 6}));
  EXPECT_EQ(pub.counters().faults_dropped, 1u);
  EXPECT_EQ(pub.counters().faults_duplicated, 1u);
  EXPECT_EQ(pub.counters().faults_reordered, 1u);
}

TEST(MoldUdpPublisher, RetransmissionAnswersFromHistoryAndCountsWhatItCannot) {
  Wire wire;
  PublisherOptions o = two_lines();
  o.lines = {kLineA};
  o.history_messages = 16;
  MoldUdpPublisher pub(o, wire);
  for (std::uint8_t i = 1; i <= 40; ++i) {
    const auto m = msg(i, 25);
    pub.publish(m.data(), m.size(), 0);
  }
  pub.flush(0);
  Wire replies;
  std::uint8_t req[mold::kRequestSize];
  mold::encode_request({o.session, 30, 5}, req, sizeof req);
  net::RxDatagram rx{req, sizeof req, kClient, {}, 0, net::RxTimestampSource::None};
  EXPECT_EQ(pub.answer(rx, replies), 5u);
  ASSERT_EQ(replies.sent.size(), 1u);
  EXPECT_EQ(replies.sent[0].to.port, kClient.port);
  const mold::PacketView v = mold::decode_packet(replies.sent[0].bytes.data(), replies.sent[0].bytes.size());
  EXPECT_EQ(v.sequence, 30u);
  EXPECT_EQ(v.count, 5u);

  // 1..24 are out of the 16-message history; 41.. were never sent.
  replies.sent.clear();
  mold::encode_request({o.session, 20, 30}, req, sizeof req);
  EXPECT_EQ(pub.answer(rx, replies), 16u);
  EXPECT_EQ(pub.counters().messages_unavailable, 5u + 9u);

  mold::encode_request({mold::make_session("OTHERSESS1"), 30, 1}, req, sizeof req);
  EXPECT_EQ(pub.answer(rx, replies), 0u);
  net::RxDatagram junk{req, 7, kClient, {}, 0, net::RxTimestampSource::None};
  EXPECT_EQ(pub.answer(junk, replies), 0u);
  EXPECT_EQ(pub.counters().bad_requests, 2u);
}

// --------------------------------------------------------------- end to end

// Requests go straight to the publisher; answers come back on the
// retransmission line.
struct Loopback final : market_data::RetransmitRequester {
  MoldUdpPublisher* publisher{nullptr};
  Wire answers;
  void request(const mold::Request& r) noexcept override {
    std::uint8_t req[mold::kRequestSize];
    mold::encode_request(r, req, sizeof req);
    publisher->answer({req, sizeof req, kClient, {}, 0, net::RxTimestampSource::None}, answers);
  }
};

bool same_books(const market_data::BookManager& a, const market_data::BookManager& b) {
  if (a.locates() != b.locates()) return false;
  std::vector<market_data::Level> la(4096), lb(4096);
  for (std::uint16_t locate : a.locates()) {
    for (auto side : {core::Side::Buy, core::Side::Sell}) {
      const std::size_t na = a.book(locate)->depth(side, la.size(), la.data());
      const std::size_t nb = b.book(locate)->depth(side, lb.size(), lb.data());
      if (na != nb || !std::equal(la.begin(), la.begin() + static_cast<std::ptrdiff_t>(na), lb.begin())) return false;
    }
  }
  return true;
}

TEST(MoldUdpPublisherEndToEnd, FeedHandlerRebuildsTheBooksDespiteFaultsOnBothLines) {
  // The venue's view: every message applied directly.
  market_data::SynthOptions so;
  so.seed = 7;
  so.messages = 20'000;
  so.symbols = 5;
  so.orders_per_symbol = 50;
  market_data::SyntheticFeed feed(so);
  market_data::BookManager reference;

  Wire wire;
  PublisherOptions o = two_lines();
  o.max_batch_delay_ns = 10;  // several messages per packet
  o.history_messages = 1 << 15;
  LineFaults a, b;
  a.drop_probability = 0.05;
  a.seed = 11;
  a.duplicate = {3, 50, 51};
  b.drop_probability = 0.05;
  b.seed = 12;
  b.reorder = {4, 10, 99};
  o.faults = {a, b};
  MoldUdpPublisher pub(o, wire);

  std::uint8_t buf[256];
  std::int64_t now = 0;
  while (const std::size_t n = feed.next(buf, sizeof buf)) {
    reference.apply(buf, n);
    ASSERT_TRUE(pub.publish(buf, n, now));
    pub.on_timer(now += 4);
  }
  pub.end_of_session(now);
  EXPECT_GT(pub.counters().faults_dropped, 10u);

  // The engine's view: both lines, in the order they were sent, through the
  // feed handler with its retransmission requests answered.
  Books books;
  Loopback requester;
  requester.publisher = &pub;
  market_data::FeedHandlerOptions fo;
  fo.request_delay_ticks = 0;
  market_data::FeedHandler handler(fo, books, requester);
  std::uint64_t tick = 0;
  for (const auto& d : wire.sent) {
    const int line = d.to.port == kLineA.port ? market_data::kFeedLineA : market_data::kFeedLineB;
    handler.on_packet(line, d.bytes.data(), d.bytes.size(), ++tick);
    for (const auto& answer : requester.answers.sent)
      handler.on_packet(market_data::kFeedLineRetransmission, answer.bytes.data(), answer.bytes.size(), ++tick);
    requester.answers.sent.clear();
  }
  EXPECT_EQ(books.lost, 0u);
  EXPECT_EQ(books.delivered, so.messages);
  EXPECT_TRUE(books.ended);
  EXPECT_GT(handler.counters().lines[market_data::kFeedLineA].duplicates, 0u);
  EXPECT_GT(handler.counters().lines[market_data::kFeedLineB].first, 0u) << "B covered some of A's drops";
  EXPECT_GT(handler.counters().gaps_filled_by_retransmission, 0u) << "both lines lost some packets";
  EXPECT_GT(pub.counters().messages_retransmitted, 0u);
  EXPECT_TRUE(same_books(reference, books.manager));
}

}  // namespace
}  // namespace hft::venue
