#include "hft/market_data/feed_handler.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <ostream>
#include <random>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "hft/protocol/itch.h"
#include "hft/protocol/moldudp64.h"

#include "support/allocation_counter.h"

namespace hft::market_data {
namespace {

namespace mold = protocol::mold;
namespace itch = protocol::itch;
using Bytes = std::vector<std::uint8_t>;

constexpr int A = kFeedLineA;
constexpr int B = kFeedLineB;
constexpr int R = kFeedLineRetransmission;

const mold::Session kSession = mold::make_session("TEST000001");

// The message carrying sequence `seq`: an AddOrder whose reference number is
// the sequence, so a delivered message shows which one it is.
itch::AddOrder message_for(std::uint64_t seq) {
  itch::AddOrder m{};
  m.locate = static_cast<std::uint16_t>(1 + seq % 50);
  m.timestamp_ns = 34'200'000'000'000ULL + seq;
  m.ref = seq;
  m.side = seq % 2 == 0 ? core::Side::Buy : core::Side::Sell;
  m.shares = 100;
  m.stock = itch::make_stock("TEST");
  m.price = core::Price::from_raw(1'000'000 + static_cast<std::int64_t>(seq % 100));
  return m;
}

// Messages [first, first + count) in one packet.
Bytes packet(std::uint64_t first, std::uint16_t count, const mold::Session& session = kSession) {
  Bytes buf(mold::kHeaderSize + count * (mold::kBlockPrefixSize + itch::AddOrder::kSize));
  mold::PacketBuilder b(buf.data(), buf.size());
  b.start(session, first);
  for (std::uint16_t i = 0; i < count; ++i) {
    const itch::AddOrder m = message_for(first + i);
    EXPECT_TRUE(b.emplace([&](std::uint8_t* out, std::size_t cap) { return itch::encode(m, out, cap); }));
  }
  buf.resize(b.finish());
  return buf;
}

Bytes heartbeat(std::uint64_t next, const mold::Session& session = kSession) {
  Bytes buf(mold::kHeaderSize);
  EXPECT_EQ(mold::encode_heartbeat(session, next, buf.data(), buf.size()), mold::kHeaderSize);
  return buf;
}

Bytes end_of_session(std::uint64_t next) {
  Bytes buf(mold::kHeaderSize);
  EXPECT_EQ(mold::encode_end_of_session(kSession, next, buf.data(), buf.size()), mold::kHeaderSize);
  return buf;
}

struct RefOf {
  std::uint64_t ref{0};
  void on(const itch::AddOrder& m) noexcept { ref = m.ref; }
  template <typename M>
  void on(const M&) noexcept {}
};

// The reference number of an AddOrder, 0 if the bytes are not one.
std::uint64_t ref_of(const std::uint8_t* data, std::size_t size) {
  RefOf h;
  return itch::decode(data, size, h) == itch::DecodeResult::Ok ? h.ref : 0;
}

// What the sink saw, in order.
struct Event {
  enum Kind { Message, Gap, Stale, EndOfSession } kind;
  std::uint64_t a{0};  // seq / first / stale flag
  std::uint64_t b{0};  // recv_tsc / count
  bool operator==(const Event& o) const { return std::tie(kind, a, b) == std::tie(o.kind, o.a, o.b); }
};

std::ostream& operator<<(std::ostream& os, const Event& e) {
  static const char* const names[] = {"Message", "Gap", "Stale", "EndOfSession"};
  return os << names[e.kind] << "(" << e.a << ", " << e.b << ")";
}

Event msg(std::uint64_t seq, std::uint64_t tsc) { return Event{Event::Message, seq, tsc}; }
Event gap(std::uint64_t first, std::uint64_t count) { return Event{Event::Gap, first, count}; }
Event stale(bool s) { return Event{Event::Stale, s ? 1u : 0u, 0}; }
Event eos() { return Event{Event::EndOfSession, 0, 0}; }

class RecordingSink final : public MessageSink {
 public:
  void on_message(std::uint64_t seq, const std::uint8_t* data, std::size_t size,
                  std::uint64_t recv_tsc) noexcept override {
    // The bytes must be the message of that sequence, wherever they waited.
    if (ref_of(data, size) != seq) ++wrong_bytes;
    events.push_back(msg(seq, recv_tsc));
  }
  void on_gap_unrecoverable(std::uint64_t first, std::uint64_t count) noexcept override {
    events.push_back(gap(first, count));
  }
  void on_stale(bool s) noexcept override { events.push_back(stale(s)); }
  void on_end_of_session() noexcept override { events.push_back(eos()); }

  std::vector<std::uint64_t> sequences() const {
    std::vector<std::uint64_t> out;
    for (const Event& e : events)
      if (e.kind == Event::Message) out.push_back(e.a);
    return out;
  }
  std::vector<Event> non_messages() const {
    std::vector<Event> out;
    for (const Event& e : events)
      if (e.kind != Event::Message) out.push_back(e);
    return out;
  }

  std::vector<Event> events;
  int wrong_bytes{0};
};

class RecordingRequester final : public RetransmitRequester {
 public:
  void request(const mold::Request& r) noexcept override { requests.push_back(r); }
  std::vector<mold::Request> requests;
};

mold::Request req(std::uint64_t seq, std::uint16_t count) { return mold::Request{kSession, seq, count}; }

std::vector<std::uint64_t> range(std::uint64_t first, std::uint64_t end) {
  std::vector<std::uint64_t> out;
  for (std::uint64_t s = first; s < end; ++s) out.push_back(s);
  return out;
}

std::vector<std::uint64_t> concat(std::vector<std::uint64_t> a, const std::vector<std::uint64_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

FeedHandlerOptions test_options() {
  FeedHandlerOptions o;
  o.gap_timeout_ticks = 10'000;
  o.request_delay_ticks = 100;
  o.retry_interval_ticks = 1'000;
  o.max_request_count = 1'000;
  o.max_request_attempts = 3;
  o.buffer_messages = 1'024;
  o.buffer_bytes = 64 * 1024;
  return o;
}

class FeedHandlerTest : public ::testing::Test {
 protected:
  void make(const FeedHandlerOptions& o) { feed = std::make_unique<FeedHandler>(o, sink, requester); }
  void SetUp() override { make(test_options()); }
  void send(int line, const Bytes& p, std::uint64_t tsc) { feed->on_packet(line, p.data(), p.size(), tsc); }
  const FeedCounters& counters() const { return feed->counters(); }
  const FeedLineCounters& line(int l) const { return feed->counters().lines[static_cast<std::size_t>(l)]; }

  RecordingSink sink;
  RecordingRequester requester;
  std::unique_ptr<FeedHandler> feed;
};

// ---------------------------------------------------------------------------
// In order, duplicates, A/B arbitration
// ---------------------------------------------------------------------------

TEST_F(FeedHandlerTest, DeliversInOrderPacketsAsTheyArrive) {
  for (std::uint64_t k = 0; k < 5; ++k) send(A, packet(1 + 3 * k, 3), 100 + k);
  EXPECT_EQ(sink.sequences(), range(1, 16));
  EXPECT_EQ(sink.events[0], msg(1, 100));
  EXPECT_EQ(sink.events[14], msg(15, 104));
  EXPECT_EQ(sink.wrong_bytes, 0);
  EXPECT_TRUE(sink.non_messages().empty());
  EXPECT_EQ(feed->expected_sequence(), 16u);
  EXPECT_FALSE(feed->gap_open());
  EXPECT_FALSE(feed->stale());
  EXPECT_TRUE(feed->session_locked());
  EXPECT_EQ(feed->session(), kSession);
  EXPECT_EQ(line(A).packets, 5u);
  EXPECT_EQ(line(A).messages, 15u);
  EXPECT_EQ(line(A).first, 15u);
  EXPECT_EQ(line(A).duplicates, 0u);
  EXPECT_EQ(counters().delivered, 15u);
  EXPECT_EQ(counters().gaps_detected, 0u);
  EXPECT_TRUE(requester.requests.empty());
}

TEST_F(FeedHandlerTest, DropsDuplicatesWithinALine) {
  send(A, packet(1, 3), 1);
  send(A, packet(1, 3), 2);  // the same packet again
  send(A, packet(4, 2), 3);
  send(A, packet(2, 3), 4);  // 2..4: all delivered already
  send(A, packet(5, 3), 5);  // 5 again, then 6 and 7 new
  EXPECT_EQ(sink.sequences(), range(1, 8));
  EXPECT_EQ(line(A).duplicates, 3u + 3u + 1u);
  EXPECT_EQ(line(A).first, 7u);
  EXPECT_EQ(counters().delivered, 7u);
  EXPECT_EQ(counters().gaps_detected, 0u);
}

TEST_F(FeedHandlerTest, FirstArrivalAcrossLinesWinsAndEachSequenceIsDeliveredOnce) {
  send(A, packet(1, 3), 10);
  send(B, packet(1, 3), 11);
  send(B, packet(4, 3), 20);  // B ahead this time
  send(A, packet(4, 3), 21);
  send(A, packet(7, 2), 30);
  send(B, packet(7, 2), 31);
  EXPECT_EQ(sink.sequences(), range(1, 9));
  EXPECT_EQ(sink.events[3], msg(4, 20));  // B's copy, with B's arrival time
  EXPECT_EQ(line(A).first, 5u);
  EXPECT_EQ(line(B).first, 3u);
  EXPECT_EQ(line(A).duplicates, 3u);
  EXPECT_EQ(line(B).duplicates, 5u);
  EXPECT_EQ(line(A).messages + line(B).messages, 16u);
  EXPECT_EQ(counters().gaps_detected, 0u);
}

TEST_F(FeedHandlerTest, PacketsLineALosesComeFromBWithoutAGapDownstream) {
  // A loses its packets 4..6 and 10..12; B, just behind A, has everything.
  send(A, packet(1, 3), 1);
  send(B, packet(1, 3), 2);
  send(B, packet(4, 3), 4);
  send(A, packet(7, 3), 5);
  send(B, packet(7, 3), 6);
  send(B, packet(10, 3), 8);
  send(A, packet(13, 3), 9);
  send(B, packet(13, 3), 10);
  EXPECT_EQ(sink.sequences(), range(1, 16));
  EXPECT_TRUE(sink.non_messages().empty());
  EXPECT_EQ(line(B).first, 6u);
  EXPECT_EQ(line(A).first, 9u);
  EXPECT_EQ(counters().gaps_detected, 0u);
  EXPECT_TRUE(requester.requests.empty());
}

TEST_F(FeedHandlerTest, AGapOnOneLineIsFilledByTheOtherBeforeAnyRequest) {
  send(A, packet(1, 3), 1);
  send(A, packet(7, 3), 2);  // A lost 4..6; B is late
  EXPECT_TRUE(feed->gap_open());
  EXPECT_EQ(feed->buffered_messages(), 3u);
  EXPECT_EQ(sink.sequences(), range(1, 4));
  send(B, packet(1, 3), 3);
  send(B, packet(4, 3), 4);  // fills the hole: 4..9 go out in order
  send(B, packet(7, 3), 5);
  EXPECT_EQ(sink.sequences(), range(1, 10));
  EXPECT_EQ(sink.events[6], msg(7, 2));  // buffered: keeps its arrival time
  EXPECT_TRUE(sink.non_messages().empty());
  EXPECT_FALSE(feed->gap_open());
  EXPECT_EQ(feed->buffered_messages(), 0u);
  feed->on_timer(1'000'000);
  EXPECT_TRUE(requester.requests.empty());
  EXPECT_EQ(counters().gaps_detected, 1u);
  EXPECT_EQ(counters().gaps_filled_by_lines, 1u);
  EXPECT_EQ(counters().gaps_filled_by_retransmission, 0u);
  EXPECT_EQ(line(B).gap_fills, 3u);
  EXPECT_EQ(line(B).first, 3u);
  EXPECT_EQ(line(B).duplicates, 6u);
}

TEST_F(FeedHandlerTest, ReorderedPacketsWithinALineComeOutInOrder) {
  send(A, packet(4, 3), 1);  // before 1..3: the first packet seen is the second sent
  send(A, packet(10, 2), 2);
  send(A, packet(1, 3), 3);
  send(A, packet(7, 3), 4);
  EXPECT_EQ(sink.sequences(), range(1, 12));
  EXPECT_TRUE(sink.non_messages().empty());
  EXPECT_EQ(counters().gaps_detected, 2u);
  EXPECT_EQ(counters().gaps_filled_by_lines, 2u);
  EXPECT_EQ(line(A).gap_fills, 6u);
  EXPECT_EQ(line(A).first, 11u);
}

// ---------------------------------------------------------------------------
// Re-requests and the retransmission line
// ---------------------------------------------------------------------------

TEST_F(FeedHandlerTest, BothLinesLoseAPacketAndTheRetransmissionFillsIt) {
  send(A, packet(1, 3), 0);
  send(B, packet(1, 3), 1);
  send(A, packet(7, 3), 10);  // neither line has 4..6
  send(B, packet(7, 3), 11);
  feed->on_timer(109);  // the request waits request_delay for the lines
  EXPECT_TRUE(requester.requests.empty());
  feed->on_timer(110);
  ASSERT_EQ(requester.requests.size(), 1u);
  EXPECT_EQ(requester.requests[0], req(4, 3));
  send(R, packet(4, 3), 200);
  EXPECT_EQ(sink.sequences(), range(1, 10));
  EXPECT_TRUE(sink.non_messages().empty());
  EXPECT_FALSE(feed->gap_open());
  feed->on_timer(5'000);  // nothing left to ask for
  EXPECT_EQ(requester.requests.size(), 1u);
  EXPECT_EQ(counters().requests_sent, 1u);
  EXPECT_EQ(counters().messages_requested, 3u);
  EXPECT_EQ(counters().gaps_filled_by_retransmission, 1u);
  EXPECT_EQ(counters().gaps_filled_by_lines, 0u);
  EXPECT_EQ(line(R).first, 3u);
  EXPECT_EQ(line(R).gap_fills, 3u);
  EXPECT_EQ(line(B).duplicates, 6u);
}

TEST_F(FeedHandlerTest, RequestIsRepeatedAfterTheRetryIntervalAndAttemptsAreBounded) {
  FeedHandlerOptions o = test_options();
  o.request_delay_ticks = 0;  // ask at once
  make(o);
  send(A, packet(1, 3), 0);
  send(A, packet(7, 3), 0);
  ASSERT_EQ(requester.requests.size(), 1u);  // from inside on_packet
  feed->on_timer(999);
  EXPECT_EQ(requester.requests.size(), 1u);
  feed->on_timer(1'000);
  EXPECT_EQ(requester.requests.size(), 2u);
  feed->on_timer(2'000);
  EXPECT_EQ(requester.requests.size(), 3u);
  feed->on_timer(3'000);
  feed->on_timer(9'000);
  EXPECT_EQ(requester.requests.size(), 3u);  // max_request_attempts
  for (const mold::Request& r : requester.requests) EXPECT_EQ(r, req(4, 3));
  feed->on_timer(10'000);  // then the timeout gives the hole up
  EXPECT_EQ(sink.non_messages(), (std::vector<Event>{gap(4, 3), stale(true)}));
  EXPECT_EQ(sink.sequences(), concat(range(1, 4), range(7, 10)));
}

TEST_F(FeedHandlerTest, OneRoundAsksForEachHoleWithinMaxRequestCount) {
  FeedHandlerOptions o = test_options();
  o.max_request_count = 5;
  make(o);
  send(A, packet(1, 1), 0);
  send(A, packet(4, 1), 0);   // hole 2..3
  send(A, packet(10, 1), 0);  // hole 5..9
  send(A, packet(30, 1), 0);  // hole 11..29
  feed->on_timer(100);
  EXPECT_EQ(requester.requests, (std::vector<mold::Request>{req(2, 2), req(5, 3)}));
  requester.requests.clear();
  send(R, packet(2, 2), 200);  // front hole filled: 2..4 delivered
  send(R, packet(5, 3), 200);  // 5..7 of the second hole
  EXPECT_EQ(sink.sequences(), range(1, 8));
  feed->on_timer(300);  // progress: the new front hole is asked for after request_delay
  EXPECT_EQ(requester.requests, (std::vector<mold::Request>{req(8, 2), req(11, 3)}));
  EXPECT_EQ(counters().gaps_detected, 3u);
}

TEST_F(FeedHandlerTest, NoRequestsWhenAttemptsAreZero) {
  FeedHandlerOptions o = test_options();
  o.max_request_attempts = 0;
  o.max_request_count = 0;  // allowed when requests are off
  make(o);
  send(A, packet(1, 1), 0);
  send(A, packet(3, 1), 0);
  feed->on_timer(9'999);
  EXPECT_TRUE(requester.requests.empty());
  feed->on_timer(10'000);
  EXPECT_EQ(sink.non_messages(), (std::vector<Event>{gap(2, 1), stale(true)}));
}

// ---------------------------------------------------------------------------
// Giving up: timeout, buffer overflow; the stale state
// ---------------------------------------------------------------------------

TEST_F(FeedHandlerTest, TimeoutReportsTheLostRangeGoesStaleAndContinuesAfterTheHole) {
  send(A, packet(1, 3), 0);
  send(A, packet(7, 3), 100);  // hole 4..6 seen at 100
  feed->on_timer(100 + 9'999);
  EXPECT_TRUE(feed->gap_open());
  feed->on_timer(100 + 10'000);
  EXPECT_FALSE(feed->gap_open());
  EXPECT_TRUE(feed->stale());
  // The sink hears about the hole and the stale state before the messages after it.
  const std::vector<Event> expected{msg(1, 0),   msg(2, 0),   msg(3, 0),   gap(4, 3),
                                    stale(true), msg(7, 100), msg(8, 100), msg(9, 100)};
  EXPECT_EQ(sink.events, expected);
  EXPECT_EQ(counters().gap_timeouts, 1u);
  EXPECT_EQ(counters().lost_ranges, 1u);
  EXPECT_EQ(counters().messages_lost, 3u);
  EXPECT_EQ(counters().gaps_given_up, 1u);
  EXPECT_EQ(counters().stale_entered, 1u);

  // Carries on while stale; a late retransmission of the lost range is a duplicate.
  send(A, packet(10, 3), 20'000);
  send(R, packet(4, 3), 20'001);
  EXPECT_EQ(sink.sequences(), concat(range(1, 4), range(7, 13)));
  EXPECT_EQ(line(R).duplicates, 3u);
  EXPECT_TRUE(feed->stale());

  // A second loss while stale: reported, no second stale(true).
  send(A, packet(14, 1), 30'000);
  feed->on_timer(40'000);
  EXPECT_EQ(sink.events.back(), msg(14, 30'000));
  EXPECT_EQ(sink.non_messages(), (std::vector<Event>{gap(4, 3), stale(true), gap(13, 1)}));

  // Only the owner ends it.
  feed->clear_stale();
  EXPECT_FALSE(feed->stale());
  feed->clear_stale();
  EXPECT_EQ(sink.non_messages(), (std::vector<Event>{gap(4, 3), stale(true), gap(13, 1), stale(false)}));
  EXPECT_EQ(counters().stale_entered, 1u);
}

TEST_F(FeedHandlerTest, EachHoleHasItsOwnDeadline) {
  send(A, packet(1, 1), 0);
  send(A, packet(3, 1), 0);      // hole 2 seen at 0
  send(A, packet(5, 1), 5'000);  // hole 4 seen at 5000
  feed->on_timer(10'000);
  EXPECT_EQ(sink.non_messages(), (std::vector<Event>{gap(2, 1), stale(true)}));
  EXPECT_EQ(sink.sequences(), (std::vector<std::uint64_t>{1, 3}));
  EXPECT_TRUE(feed->gap_open());
  feed->on_timer(14'999);
  EXPECT_EQ(sink.sequences().size(), 2u);
  feed->on_timer(15'000);
  EXPECT_EQ(sink.non_messages(), (std::vector<Event>{gap(2, 1), stale(true), gap(4, 1)}));
  EXPECT_EQ(sink.sequences(), (std::vector<std::uint64_t>{1, 3, 5}));
  EXPECT_EQ(counters().gap_timeouts, 2u);
}

TEST_F(FeedHandlerTest, TimersAlsoRunFromOnPacket) {
  // No on_timer call at all: the packets that keep arriving are enough.
  send(A, packet(1, 1), 0);
  send(A, packet(3, 1), 0);
  send(B, packet(1, 1), 100);
  EXPECT_EQ(requester.requests, (std::vector<mold::Request>{req(2, 1)}));
  send(B, packet(1, 1), 10'000);
  EXPECT_EQ(sink.non_messages(), (std::vector<Event>{gap(2, 1), stale(true)}));
  EXPECT_EQ(sink.sequences(), (std::vector<std::uint64_t>{1, 3}));
}

TEST_F(FeedHandlerTest, BufferFullOfMessagesGivesUpTheFrontHole) {
  FeedHandlerOptions o = test_options();
  o.buffer_messages = 8;
  make(o);
  EXPECT_EQ(feed->buffer_capacity(), 8u);
  send(A, packet(1, 1), 0);
  send(A, packet(3, 6), 1);  // 3..8 wait for 2
  EXPECT_EQ(feed->buffered_messages(), 6u);
  send(A, packet(9, 4), 2);  // 9 fits (window 2..9); 10 does not
  EXPECT_EQ(sink.non_messages(), (std::vector<Event>{gap(2, 1), stale(true)}));
  EXPECT_EQ(sink.sequences(), concat({1}, range(3, 13)));
  EXPECT_EQ(counters().buffer_overflows, 1u);
  EXPECT_EQ(feed->buffered_messages(), 0u);
  EXPECT_FALSE(feed->gap_open());

  // Far ahead with nothing buffered: the whole hole goes at once.
  send(A, packet(100, 1), 3);
  EXPECT_EQ(sink.non_messages(), (std::vector<Event>{gap(2, 1), stale(true), gap(13, 87)}));
  EXPECT_EQ(sink.events.back(), msg(100, 3));
  EXPECT_EQ(counters().messages_lost, 88u);
  EXPECT_EQ(counters().buffer_overflows, 2u);
  EXPECT_EQ(sink.wrong_bytes, 0);
}

TEST_F(FeedHandlerTest, BufferFullOfBytesGivesUpTheFrontHole) {
  FeedHandlerOptions o = test_options();
  o.buffer_bytes = 100;  // two 36-byte AddOrders
  make(o);
  send(A, packet(1, 1), 0);
  send(A, packet(3, 2), 1);  // 3, 4 buffered: 72 bytes
  send(A, packet(5, 1), 2);  // does not fit: hole 2 goes
  EXPECT_EQ(sink.non_messages(), (std::vector<Event>{gap(2, 1), stale(true)}));
  EXPECT_EQ(sink.sequences(), concat({1}, range(3, 6)));
  EXPECT_EQ(counters().buffer_overflows, 1u);
  EXPECT_EQ(sink.wrong_bytes, 0);
}

TEST_F(FeedHandlerTest, FragmentedBufferIsCompactedNotGivenUp) {
  FeedHandlerOptions o = test_options();
  o.buffer_bytes = 100;
  make(o);
  send(A, packet(1, 1), 0);
  send(A, packet(3, 1), 1);  // arena [0, 36)
  send(A, packet(5, 1), 2);  // arena [36, 72)
  send(B, packet(2, 1), 3);  // 2, 3 out; 5 stays at [36, 72)
  send(A, packet(7, 1), 4);  // 28 bytes left at the top, 64 free in all: compact
  EXPECT_EQ(counters().buffer_compactions, 1u);
  send(B, packet(4, 1), 5);
  send(B, packet(6, 1), 6);
  EXPECT_EQ(sink.sequences(), range(1, 8));
  EXPECT_TRUE(sink.non_messages().empty());
  EXPECT_EQ(sink.wrong_bytes, 0);  // the moved bytes are still the right messages
}

// ---------------------------------------------------------------------------
// Heartbeats, end of session, sessions, bad input
// ---------------------------------------------------------------------------

TEST_F(FeedHandlerTest, HeartbeatRevealsAGap) {
  send(A, packet(1, 3), 0);
  send(A, heartbeat(4), 5);  // up to date: nothing
  EXPECT_FALSE(feed->gap_open());
  send(B, heartbeat(2), 6);  // a lagging line's old news: nothing
  EXPECT_FALSE(feed->gap_open());
  send(A, heartbeat(6), 10);  // 4 and 5 were sent and missed
  EXPECT_TRUE(feed->gap_open());
  EXPECT_EQ(feed->known_sequence(), 6u);
  EXPECT_EQ(line(A).heartbeats, 2u);
  EXPECT_EQ(line(B).heartbeats, 1u);
  EXPECT_EQ(counters().gaps_detected, 1u);
  feed->on_timer(110);
  EXPECT_EQ(requester.requests, (std::vector<mold::Request>{req(4, 2)}));
  send(R, packet(4, 2), 200);
  EXPECT_EQ(sink.sequences(), range(1, 6));
  EXPECT_FALSE(feed->gap_open());

  // A heartbeat-only hole that nobody fills is given up like any other;
  // heartbeats that extend it keep its first deadline.
  send(A, heartbeat(8), 1'000);
  send(A, heartbeat(9), 2'000);
  EXPECT_EQ(counters().gaps_detected, 2u);
  feed->on_timer(11'000);
  EXPECT_EQ(sink.non_messages(), (std::vector<Event>{gap(6, 3), stale(true)}));
  EXPECT_EQ(feed->expected_sequence(), 9u);
}

TEST_F(FeedHandlerTest, EndOfSessionIsReportedOnce) {
  send(A, packet(1, 3), 0);
  EXPECT_FALSE(feed->end_of_session());
  send(A, end_of_session(4), 1);
  send(B, end_of_session(4), 2);
  EXPECT_TRUE(feed->end_of_session());
  EXPECT_EQ(sink.non_messages(), (std::vector<Event>{eos()}));
  EXPECT_EQ(line(A).end_of_session, 1u);
  EXPECT_EQ(line(B).end_of_session, 1u);
}

TEST_F(FeedHandlerTest, EndOfSessionWaitsForTheMessagesBeforeIt) {
  send(A, packet(1, 3), 0);
  send(A, end_of_session(7), 1);  // 4..6 missed
  EXPECT_TRUE(sink.non_messages().empty());
  feed->on_timer(101);
  EXPECT_EQ(requester.requests, (std::vector<mold::Request>{req(4, 3)}));
  send(R, packet(4, 3), 200);
  EXPECT_EQ(sink.events.back(), eos());
  EXPECT_EQ(sink.sequences(), range(1, 7));

  // After a give-up, too.
  feed->reset();
  sink.events.clear();
  send(A, packet(1, 1), 0);
  send(A, end_of_session(3), 0);
  feed->on_timer(10'000);
  EXPECT_EQ(sink.non_messages(), (std::vector<Event>{gap(2, 1), stale(true), eos()}));
}

TEST_F(FeedHandlerTest, PacketsOfAnotherSessionAreDroppedUntilReset) {
  const mold::Session other = mold::make_session("OTHER00001");
  send(A, packet(1, 2), 0);
  send(B, packet(3, 2, other), 1);
  send(A, heartbeat(50, other), 2);
  EXPECT_EQ(sink.sequences(), range(1, 3));
  EXPECT_FALSE(feed->gap_open());
  EXPECT_EQ(line(B).wrong_session, 1u);
  EXPECT_EQ(line(A).wrong_session, 1u);

  feed->reset();  // start of day: the new session
  EXPECT_FALSE(feed->session_locked());
  EXPECT_EQ(feed->expected_sequence(), 1u);
  send(B, packet(1, 2, other), 3);
  send(A, packet(1, 2), 4);  // now the old one is the stranger
  EXPECT_EQ(feed->session(), other);
  EXPECT_EQ(sink.sequences(), (std::vector<std::uint64_t>{1, 2, 1, 2}));
  EXPECT_EQ(line(A).wrong_session, 2u);
  EXPECT_EQ(counters().resets, 1u);
}

TEST_F(FeedHandlerTest, ResetForgetsBufferedMessagesGapsAndStale) {
  send(A, packet(1, 1), 0);
  send(A, packet(3, 1), 0);
  feed->on_timer(10'000);  // stale
  send(A, packet(5, 1), 10'001);
  EXPECT_TRUE(feed->gap_open());
  feed->reset();
  EXPECT_FALSE(feed->stale());
  EXPECT_FALSE(feed->gap_open());
  EXPECT_EQ(feed->buffered_messages(), 0u);
  sink.events.clear();
  requester.requests.clear();
  feed->on_timer(1'000'000);
  send(A, packet(1, 5), 1'000'001);
  EXPECT_EQ(sink.sequences(), range(1, 6));
  EXPECT_TRUE(sink.non_messages().empty());  // reset does not notify
  EXPECT_TRUE(requester.requests.empty());
}

TEST_F(FeedHandlerTest, LateJoinStartsAtTheFirstPacketSeen) {
  FeedHandlerOptions o = test_options();
  o.first_sequence = 0;
  make(o);
  send(B, packet(1'000, 3), 0);
  send(A, packet(1'000, 3), 1);
  send(A, packet(1'003, 1), 2);
  EXPECT_EQ(sink.sequences(), range(1'000, 1'004));
  EXPECT_FALSE(feed->gap_open());
  EXPECT_TRUE(requester.requests.empty());
}

TEST_F(FeedHandlerTest, MalformedPacketsAreCountedAndIgnored) {
  const Bytes good = packet(1, 3);
  const Bytes truncated(good.begin(), good.end() - 1);
  Bytes trailing = good;
  trailing.push_back(0);
  const Bytes too_short(good.begin(), good.begin() + 10);
  send(A, truncated, 0);
  send(A, trailing, 1);
  send(A, too_short, 2);
  feed->on_packet(A, nullptr, 0, 3);
  feed->on_packet(-1, good.data(), good.size(), 4);
  feed->on_packet(kFeedLineCount, good.data(), good.size(), 5);
  EXPECT_TRUE(sink.events.empty());
  EXPECT_FALSE(feed->session_locked());  // bad packets do not lock the session
  EXPECT_EQ(line(A).bad_packets, 4u);
  EXPECT_EQ(line(A).packets, 4u);
  EXPECT_EQ(counters().bad_line, 2u);
  send(B, good, 6);
  EXPECT_EQ(sink.sequences(), range(1, 4));
}

TEST(FeedHandlerOptionsTest, RejectsUnusableSizes) {
  RecordingSink sink;
  RecordingRequester requester;
  FeedHandlerOptions o = test_options();
  o.buffer_messages = 0;
  EXPECT_THROW({ FeedHandler f(o, sink, requester); }, std::invalid_argument);
  o = test_options();
  o.buffer_bytes = 0;
  EXPECT_THROW({ FeedHandler f(o, sink, requester); }, std::invalid_argument);
  o = test_options();
  o.max_request_count = 0;
  EXPECT_THROW({ FeedHandler f(o, sink, requester); }, std::invalid_argument);
  o = test_options();
  o.buffer_messages = 1000;
  EXPECT_EQ(FeedHandler(o, sink, requester).buffer_capacity(), 1024u);
}

// ---------------------------------------------------------------------------
// Hot path: no allocation
// ---------------------------------------------------------------------------

class CountingSink final : public MessageSink {
 public:
  void on_message(std::uint64_t seq, const std::uint8_t* data, std::size_t size, std::uint64_t) noexcept override {
    ++messages;
    last = seq;
    bytes += size + data[0];
  }
  void on_gap_unrecoverable(std::uint64_t, std::uint64_t count) noexcept override { lost += count; }
  void on_stale(bool) noexcept override { ++stale_changes; }
  void on_end_of_session() noexcept override { ++eos; }
  std::uint64_t messages{0}, last{0}, bytes{0}, lost{0}, stale_changes{0}, eos{0};
};

class CountingRequester final : public RetransmitRequester {
 public:
  void request(const mold::Request&) noexcept override { ++requests; }
  std::uint64_t requests{0};
};

TEST(FeedHandlerAllocationTest, NoAllocationOnAnyPathAfterConstruction) {
  ASSERT_TRUE(test::allocation_hooks_installed());
  FeedHandlerOptions o = test_options();
  o.buffer_messages = 64;
  o.buffer_bytes = 1'000;
  CountingSink sink;
  CountingRequester requester;
  FeedHandler feed(o, sink, requester);
  // Every packet built before counting starts.
  std::vector<Bytes> p;
  for (std::uint64_t s = 1; s <= 400; s += 4) p.push_back(packet(s, 4));
  const Bytes hb = heartbeat(420);
  const Bytes end = end_of_session(420);
  const Bytes bad(5, 0);

  test::AllocationCounter counter;
  std::uint64_t t = 0;
  for (std::size_t k = 0; k < 20; ++k) {  // in order, with B's duplicate copy
    feed.on_packet(A, p[k].data(), p[k].size(), ++t);
    feed.on_packet(B, p[k].data(), p[k].size(), ++t);
  }
  feed.on_packet(A, p[21].data(), p[21].size(), ++t);  // gap, filled by B
  feed.on_packet(B, p[20].data(), p[20].size(), ++t);
  feed.on_packet(A, p[23].data(), p[23].size(), ++t);  // gap, re-requested, retransmitted
  feed.on_timer(t += 200);
  feed.on_packet(R, p[22].data(), p[22].size(), ++t);
  feed.on_packet(A, p[25].data(), p[25].size(), ++t);  // gap, timed out
  feed.on_timer(t += 20'000);
  for (std::size_t k = 40; k < 100; ++k) feed.on_packet(A, p[k].data(), p[k].size(), ++t);  // overflow
  feed.on_packet(A, hb.data(), hb.size(), ++t);
  feed.on_packet(A, bad.data(), bad.size(), ++t);
  feed.on_packet(A, end.data(), end.size(), ++t);
  feed.on_timer(t += 20'000);
  feed.clear_stale();
  EXPECT_EQ(counter.allocations(), 0u);

  EXPECT_EQ(sink.eos, 1u);
  EXPECT_EQ(sink.last, 400u);
  EXPECT_EQ(sink.messages + sink.lost, 419u);
  EXPECT_EQ(requester.requests, feed.counters().requests_sent);
  EXPECT_GE(requester.requests, 1u);
  EXPECT_GE(feed.counters().buffer_overflows, 1u);
  EXPECT_EQ(sink.stale_changes, 2u);
}

// ---------------------------------------------------------------------------
// Randomized: two lossy, reordering, duplicating lines and an unreliable
// retransmission server
// ---------------------------------------------------------------------------

struct SimParams {
  std::uint64_t seed;
  bool small_buffer;
};

class FeedHandlerRandomTest : public ::testing::TestWithParam<SimParams> {};

// A packet (or a timer tick, when `bytes` is empty and line < 0) due at `time`.
struct Arrival {
  int line{-1};
  Bytes bytes;
};

class ServerModel final : public RetransmitRequester {
 public:
  ServerModel(std::mt19937_64& rng, std::multimap<std::uint64_t, Arrival>& queue, std::uint64_t last_seq)
      : rng_(rng), queue_(queue), last_seq_(last_seq) {}
  void request(const mold::Request& r) noexcept override {
    ++requests;
    EXPECT_EQ(r.session, kSession);
    EXPECT_GT(r.count, 0u);
    EXPECT_LE(r.count, 64u);
    const int fate = static_cast<int>(rng_() % 10);
    if (fate < 2) return;  // never answered
    // Usually quick, sometimes after the handler has given up.
    const std::uint64_t delay = fate < 8 ? 20 + rng_() % 300 : 3'000 + rng_() % 5'000;
    const std::uint64_t end = std::min<std::uint64_t>(r.sequence + r.count, last_seq_ + 1);
    for (std::uint64_t s = r.sequence; s < end; s += 5) {
      const auto n = static_cast<std::uint16_t>(std::min<std::uint64_t>(5, end - s));
      queue_.emplace(now + delay, Arrival{R, packet(s, n)});
    }
  }
  std::uint64_t now{0};
  std::uint64_t requests{0};

 private:
  std::mt19937_64& rng_;
  std::multimap<std::uint64_t, Arrival>& queue_;
  std::uint64_t last_seq_;
};

TEST_P(FeedHandlerRandomTest, EveryMessageDeliveredAtMostOnceInOrderOrReportedLost) {
  const SimParams param = GetParam();
  std::mt19937_64 rng(param.seed);
  std::multimap<std::uint64_t, Arrival> queue;

  // The feed: packets of 1..8 messages, one every 100 ticks.
  constexpr std::size_t kPackets = 1'500;
  std::vector<std::pair<std::uint64_t, std::uint16_t>> packets;
  std::uint64_t seq = 1;
  for (std::size_t k = 0; k < kPackets; ++k) {
    const auto n = static_cast<std::uint16_t>(1 + rng() % 8);
    packets.emplace_back(seq, n);
    seq += n;
  }
  const std::uint64_t last = seq - 1;

  // Each line: losses, duplicates, reordering (jitter beyond the packet
  // spacing), its own rates; now and then a heartbeat; bursts of loss.
  for (int l : {A, B}) {
    const double loss =
        l == A ? 0.03 + static_cast<double>(rng() % 5) / 100 : 0.02 + static_cast<double>(rng() % 5) / 100;
    std::uniform_real_distribution<double> u(0, 1);
    std::size_t burst = 0;
    for (std::size_t k = 0; k < kPackets; ++k) {
      const std::uint64_t t = 1 + k * 100 + static_cast<std::uint64_t>(l) * (rng() % 150);
      if (burst == 0 && u(rng) < 0.005) burst = 5 + rng() % 40;
      if (burst > 0) {
        --burst;
        continue;
      }
      if (u(rng) < loss) continue;
      const std::uint64_t jitter = u(rng) < 0.05 ? rng() % 400 : 0;
      queue.emplace(t + jitter, Arrival{l, packet(packets[k].first, packets[k].second)});
      if (u(rng) < 0.02)
        queue.emplace(t + jitter + rng() % 500, Arrival{l, packet(packets[k].first, packets[k].second)});
      if (u(rng) < 0.01) queue.emplace(t + 50, Arrival{l, heartbeat(packets[k].first + packets[k].second)});
    }
    // Garbage and strangers now and then.
    queue.emplace(1 + rng() % (kPackets * 100), Arrival{l, Bytes(7, 1)});
    // (Not before the first packets: the first good packet locks the session.)
    queue.emplace(1'000 + rng() % (kPackets * 100),
                  Arrival{l, packet(1 + rng() % last, 2, mold::make_session("STRANGER01"))});
    // The end of the session reaches the handler on both lines.
    queue.emplace(kPackets * 100 + 1'000, Arrival{l, end_of_session(last + 1)});
  }
  for (std::uint64_t t = 50; t < kPackets * 100 + 20'000; t += 50) queue.emplace(t, Arrival{});

  FeedHandlerOptions o;
  o.gap_timeout_ticks = 3'000;
  o.request_delay_ticks = 150;
  o.retry_interval_ticks = 800;
  o.max_request_count = 64;
  o.max_request_attempts = 3;
  o.buffer_messages = param.small_buffer ? 32 : 4'096;
  o.buffer_bytes = param.small_buffer ? 700 : 1 << 20;
  ServerModel server(rng, queue, last);
  RecordingSink sink;
  FeedHandler feed(o, sink, server);

  while (!queue.empty()) {
    const auto it = queue.begin();
    const std::uint64_t t = it->first;
    const Arrival a = std::move(it->second);
    queue.erase(it);
    server.now = t;
    if (a.line < 0) {
      feed.on_timer(t);
    } else {
      feed.on_packet(a.line, a.bytes.data(), a.bytes.size(), t);
    }
  }
  feed.on_timer(std::numeric_limits<std::uint64_t>::max() / 2);

  // Walk the sink's log: messages and lost ranges must tile 1..last exactly,
  // in order, each sequence once.
  std::uint64_t next = 1;
  std::uint64_t lost = 0;
  int stale_true = 0;
  int eos_count = 0;
  for (const Event& e : sink.events) {
    switch (e.kind) {
      case Event::Message:
        ASSERT_EQ(e.a, next) << "seed " << param.seed;
        ++next;
        break;
      case Event::Gap:
        ASSERT_EQ(e.a, next) << "seed " << param.seed;
        ASSERT_GT(e.b, 0u);
        next += e.b;
        lost += e.b;
        break;
      case Event::Stale:
        ASSERT_EQ(e.a, 1u);
        ++stale_true;
        break;
      case Event::EndOfSession:
        EXPECT_EQ(next, last + 1);
        ++eos_count;
        break;
    }
  }
  EXPECT_EQ(next, last + 1);
  EXPECT_EQ(sink.wrong_bytes, 0);
  EXPECT_EQ(eos_count, 1);
  EXPECT_EQ(sink.events.back(), eos());
  EXPECT_EQ(stale_true, lost > 0 ? 1 : 0);

  const FeedCounters& c = feed.counters();
  EXPECT_EQ(c.delivered + c.messages_lost, last);
  EXPECT_EQ(c.messages_lost, lost);
  EXPECT_EQ(c.gaps_detected, c.gaps_filled_by_lines + c.gaps_filled_by_retransmission + c.gaps_given_up);
  EXPECT_EQ(c.lines[0].first + c.lines[1].first + c.lines[2].first, c.delivered);
  EXPECT_EQ(c.requests_sent, server.requests);
  EXPECT_GT(c.gaps_detected, 0u);
  EXPECT_GT(c.gaps_filled_by_lines, 0u);
  EXPECT_GT(c.requests_sent, 0u);
  EXPECT_EQ(c.lines[0].bad_packets + c.lines[1].bad_packets, 2u);
  EXPECT_EQ(c.lines[0].wrong_session + c.lines[1].wrong_session, 2u);
  EXPECT_FALSE(feed.gap_open());
  EXPECT_EQ(feed.buffered_messages(), 0u);
  if (param.small_buffer) {
    EXPECT_GT(c.buffer_overflows, 0u);
  }
}

std::vector<SimParams> sim_params() {
  std::vector<SimParams> out;
  for (std::uint64_t seed = 1; seed <= 24; ++seed) out.push_back(SimParams{seed, seed % 3 == 0});
  return out;
}

INSTANTIATE_TEST_SUITE_P(FeedSeeds, FeedHandlerRandomTest, ::testing::ValuesIn(sim_params()),
                         [](const ::testing::TestParamInfo<SimParams>& p) {
                           return "seed" + std::to_string(p.param.seed) + (p.param.small_buffer ? "_small" : "");
                         });

}  // namespace
}  // namespace hft::market_data
