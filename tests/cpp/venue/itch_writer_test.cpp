// The venue's public feed end to end, in memory: a random order flow into
// the matching engine, its book events written as ITCH and published as
// MoldUDP64 with faults on both lines, our feed handler and book manager on
// the receiving side. The books the engine ends up with must be the books
// the feed describes, level for level.
#include "hft/venue/itch_writer.h"

#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "hft/market_data/book_manager.h"
#include "hft/market_data/feed_handler.h"
#include "hft/protocol/itch.h"
#include "hft/venue/matching_engine.h"
#include "hft/venue/moldudp_publisher.h"

#include "venue/feed_test_support.h"

namespace hft::venue {
namespace {

namespace mold = protocol::mold;
using testing::Books;
using testing::Wire;

const net::UdpEndpoint kLineA{0xEF360001, 26477, {}};
const net::UdpEndpoint kLineB{0xEF360002, 26478, {}};

struct Answering final : market_data::RetransmitRequester {
  MoldUdpPublisher* publisher{nullptr};
  Wire answers;
  void request(const mold::Request& r) noexcept override {
    std::uint8_t req[mold::kRequestSize];
    mold::encode_request(r, req, sizeof req);
    publisher->answer({req, sizeof req, {0x7F000001, 40000, {}}, {}, 0, net::RxTimestampSource::None}, answers);
  }
};

// Fans the engine's events out to the writer and remembers live order ids,
// so the flow can cancel and replace real orders.
struct Tee final : EventSink {
  ItchWriter* writer{nullptr};
  std::vector<VenueOrderId> resting;
  void on_events(const Event* e, std::size_t n) noexcept override {
    writer->on_events(e, n);
    for (std::size_t i = 0; i < n; ++i)
      if (e[i].kind == EventKind::BookAdd || e[i].kind == EventKind::BookReplace) resting.push_back(e[i].order_id);
  }
};

TEST(ItchWriter, FeedHandlerBooksEqualTheMatchingEnginesBooks) {
  std::vector<InstrumentConfig> instruments(3);
  const char* names[] = {"AAPL", "MSFT", "NVDA"};
  for (std::size_t i = 0; i < instruments.size(); ++i) instruments[i].symbol = InstrumentConfig::symbol_of(names[i]);

  Wire wire;
  PublisherOptions po;
  po.lines = {kLineA, kLineB};
  po.max_batch_delay_ns = 50;
  po.history_messages = 1 << 16;
  LineFaults a, b;
  a.drop_probability = 0.03;
  a.seed = 5;
  b.drop_probability = 0.03;
  b.seed = 6;
  b.reorder = {7, 100};
  po.faults = {a, b};
  MoldUdpPublisher publisher(po, wire);
  ItchWriter writer(publisher, instruments);
  Tee tee;
  tee.writer = &writer;
  MatchingConfig mc;
  mc.instruments = instruments.data();
  mc.instrument_count = instruments.size();
  MatchingEngine engine(mc, tee);

  std::int64_t now = 1'795'608'000'000'000'000;  // 2026-11-25 12:00 UTC
  writer.start_of_day(now);
  std::mt19937_64 rng(42);
  for (int i = 0; i < 20'000; ++i) {
    now += 1'000;
    const auto instrument = static_cast<InstrumentId>(rng() % instruments.size());
    const unsigned dice = static_cast<unsigned>(rng() % 100);
    if (dice < 20 && !tee.resting.empty()) {
      const VenueOrderId id = tee.resting[rng() % tee.resting.size()];
      engine.cancel({id, static_cast<ParticipantId>(1 + rng() % 4), 0}, now);  // often not the owner: rejected
      continue;
    }
    if (dice < 25 && !tee.resting.empty()) {
      const VenueOrderId id = tee.resting[rng() % tee.resting.size()];
      const auto info = engine.find(id);
      if (info) {
        ReplaceRequest r{id, info->participant,
                         0,  core::Price{info->price.raw + 100 * (static_cast<std::int64_t>(rng() % 3) - 1)},
                         {}, core::Qty{static_cast<std::int64_t>(1 + rng() % 5) * 100}};
        engine.replace(r, now);
      }
      continue;
    }
    NewOrder o;
    o.participant = static_cast<ParticipantId>(1 + rng() % 4);
    o.instrument = instrument;
    o.side = rng() % 2 ? core::Side::Buy : core::Side::Sell;
    const std::int64_t offset = static_cast<std::int64_t>(rng() % 20) - (o.side == core::Side::Buy ? 16 : 3);
    o.price = core::Price{1'000'000 + (o.side == core::Side::Buy ? offset : -offset) * 100};
    o.qty = core::Qty{static_cast<std::int64_t>(1 + rng() % 10) * 100};
    o.tif = dice < 30 ? TimeInForce::Ioc : TimeInForce::Day;
    engine.submit(o, now);
    publisher.on_timer(now);
  }
  engine.set_trading_state(1, TradingState::Halted, now);
  writer.end_of_day(now);
  ASSERT_EQ(writer.dropped(), 0u);

  Books books;
  Answering requester;
  requester.publisher = &publisher;
  market_data::FeedHandlerOptions fo;
  fo.request_delay_ticks = 0;
  market_data::FeedHandler handler(fo, books, requester);
  std::uint64_t tick = 0;
  for (const auto& d : wire.sent) {
    handler.on_packet(d.to.port == kLineA.port ? market_data::kFeedLineA : market_data::kFeedLineB, d.bytes.data(),
                      d.bytes.size(), ++tick);
    for (const auto& answer : requester.answers.sent)
      handler.on_packet(market_data::kFeedLineRetransmission, answer.bytes.data(), answer.bytes.size(), ++tick);
    requester.answers.sent.clear();
  }
  ASSERT_EQ(books.lost, 0u);
  ASSERT_TRUE(books.ended);
  EXPECT_GT(handler.counters().gaps_filled_by_retransmission, 0u);

  std::size_t levels_compared = 0;
  for (InstrumentId i = 0; i < instruments.size(); ++i) {
    const market_data::OrderBook* book = books.manager.book(static_cast<std::uint16_t>(i + 1));
    ASSERT_NE(book, nullptr) << "instrument " << i << " in the directory";
    for (core::Side side : {core::Side::Buy, core::Side::Sell}) {
      std::vector<market_data::Level> fed(engine.level_count(i, side) + 1);
      const std::size_t n = book->depth(side, fed.size(), fed.data());
      ASSERT_EQ(n, engine.level_count(i, side)) << "instrument " << i;
      for (std::size_t k = 0; k < n; ++k) {
        const LevelInfo own = engine.level(i, side, k);
        EXPECT_EQ(fed[k].price, own.price);
        EXPECT_EQ(fed[k].shares, static_cast<std::uint64_t>(own.qty));
        EXPECT_EQ(fed[k].orders, own.orders);
        ++levels_compared;
      }
    }
  }
  EXPECT_GT(levels_compared, 10u);
  EXPECT_EQ(books.manager.instrument(2)->trading_state, 'H');  // instrument 1, locate 2
}

}  // namespace
}  // namespace hft::venue
