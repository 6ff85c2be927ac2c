// BookManager: books by stock locate from the directory, instrument state,
// listener callbacks, and what it counts.
#include "hft/market_data/book_manager.h"

#include <vector>

#include <gtest/gtest.h>

#include "support/allocation_counter.h"

namespace hft::market_data {
namespace {

namespace itch = protocol::itch;

class Recorder final : public BookListener {
 public:
  struct Top {
    std::uint16_t locate;
    Level bid, ask;
  };
  struct Print {
    std::uint16_t locate;
    Price price;
    std::uint32_t shares;
    Side aggressor;
    TradeKind kind;
  };
  void on_top_of_book(std::uint16_t l, const Level& b, const Level& a) noexcept override {
    if (tops.size() < tops.capacity()) tops.push_back({l, b, a});
  }
  void on_trade(std::uint16_t l, Price p, std::uint32_t s, Side side, TradeKind k) noexcept override {
    if (prints.size() < prints.capacity()) prints.push_back({l, p, s, side, k});
  }
  void on_trading_state(std::uint16_t l, char s) noexcept override { states.push_back({l, s}); }
  std::vector<Top> tops;
  std::vector<Print> prints;
  std::vector<std::pair<std::uint16_t, char>> states;
  Recorder() {
    tops.reserve(4096);
    prints.reserve(4096);
    states.reserve(64);
  }
};

class BookManagerTest : public ::testing::Test {
 protected:
  BookManagerTest() : books(options(), &rec) {}
  static BookManagerOptions options() {
    BookManagerOptions o;
    o.order_capacity = 1024;
    o.max_levels_per_side = 64;
    return o;
  }
  template <typename M>
  itch::DecodeResult send(const M& m) {
    std::uint8_t buf[64];
    const std::size_t n = itch::encode(m, buf, sizeof buf);
    EXPECT_GT(n, 0u);
    return books.apply(buf, n);
  }
  void directory(std::uint16_t locate, const char* name) {
    itch::StockDirectory d;
    d.locate = locate;
    d.stock = itch::make_stock(name);
    d.round_lot_size = 100;
    send(d);
  }
  void add(std::uint16_t locate, std::uint64_t ref, Side side, std::uint32_t shares, std::int64_t price) {
    itch::AddOrder a;
    a.locate = locate;
    a.ref = ref;
    a.side = side;
    a.shares = shares;
    a.price = Price{price};
    send(a);
  }
  Recorder rec;
  BookManager books;
};

TEST_F(BookManagerTest, TheDirectoryCreatesBooksAndNamesThem) {
  directory(7, "AAPL");
  directory(9, "MSFT");
  ASSERT_NE(books.book(7), nullptr);
  EXPECT_EQ(books.book(8), nullptr);
  EXPECT_EQ(books.locate_of("MSFT"), std::optional<std::uint16_t>(9));
  EXPECT_EQ(books.locate_of("NVDA"), std::nullopt);
  EXPECT_EQ(books.instrument(7)->round_lot, 100u);
  EXPECT_EQ(books.locates(), (std::vector<std::uint16_t>{7, 9}));
  directory(7, "AAPL");  // repeated: same book, not a second one
  EXPECT_EQ(books.locates().size(), 2u);
}

TEST_F(BookManagerTest, OrdersForAnUnknownLocateAreCountedNotApplied) {
  add(3, 1, Side::Buy, 100, 1'000'000);
  EXPECT_EQ(books.counters().unknown_locate, 1u);
  EXPECT_EQ(books.store().size(), 0u);
}

TEST_F(BookManagerTest, TopOfBookChangesAreReported) {
  directory(1, "AAPL");
  add(1, 1, Side::Buy, 100, 1'000'000);
  add(1, 2, Side::Buy, 100, 990'000);  // behind the top: no callback
  add(1, 3, Side::Sell, 200, 1'001'000);
  ASSERT_EQ(rec.tops.size(), 2u);
  EXPECT_EQ(rec.tops[0].bid.price, Price{1'000'000});
  EXPECT_TRUE(rec.tops[0].ask.empty());
  EXPECT_EQ(rec.tops[1].ask.shares, 200u);
  EXPECT_EQ(books.counters().top_changes, 2u);
}

TEST_F(BookManagerTest, ExecutionsAndHiddenTradesAreTrades) {
  directory(1, "AAPL");
  add(1, 1, Side::Sell, 300, 1'001'000);
  itch::OrderExecuted e;
  e.locate = 1;
  e.ref = 1;
  e.executed_shares = 100;
  send(e);
  itch::OrderExecutedWithPrice c;
  c.locate = 1;
  c.ref = 1;
  c.executed_shares = 50;
  c.printable = 'Y';
  c.execution_price = Price{1'000'500};
  send(c);
  itch::Trade p;
  p.locate = 1;
  p.side = Side::Buy;
  p.shares = 10;
  p.price = Price{1'000'000};
  send(p);
  ASSERT_EQ(rec.prints.size(), 3u);
  EXPECT_EQ(rec.prints[0].price, Price{1'001'000});
  EXPECT_EQ(rec.prints[0].aggressor, Side::Buy) << "a resting sell was hit by a buyer";
  EXPECT_EQ(rec.prints[1].price, Price{1'000'500});
  EXPECT_EQ(rec.prints[1].kind, TradeKind::ExecutionWithPrice);
  EXPECT_EQ(rec.prints[2].kind, TradeKind::NonDisplayed);
  EXPECT_EQ(rec.prints[2].aggressor, Side::Sell);
  EXPECT_EQ(books.book(1)->best_ask().shares, 150u);
  EXPECT_EQ(books.instrument(1)->trades, 3u);
  EXPECT_EQ(books.instrument(1)->traded_shares, 160u);
  EXPECT_EQ(books.instrument(1)->last_trade, Price{1'000'000});
}

TEST_F(BookManagerTest, StatusAndImbalanceAreKeptAsInstrumentState) {
  directory(1, "AAPL");
  itch::StockTradingAction h;
  h.locate = 1;
  h.trading_state = 'H';
  send(h);
  itch::Noii i;
  i.locate = 1;
  i.imbalance_shares = 5000;
  i.imbalance_direction = 'B';
  send(i);
  itch::SystemEvent s;
  s.event_code = 'Q';
  send(s);
  EXPECT_EQ(books.instrument(1)->trading_state, 'H');
  ASSERT_EQ(rec.states.size(), 1u);
  EXPECT_EQ(rec.states[0].second, 'H');
  EXPECT_TRUE(books.instrument(1)->has_imbalance);
  EXPECT_EQ(books.instrument(1)->last_imbalance.imbalance_shares, 5000u);
  EXPECT_EQ(books.counters().last_system_event, 'Q');
  books.set_all_stale(true);
  EXPECT_TRUE(books.instrument(1)->stale);
}

TEST_F(BookManagerTest, BadMessagesAndBookInconsistenciesAreCountedByKind) {
  directory(1, "AAPL");
  const std::uint8_t unknown[] = {'T', 0, 1};
  EXPECT_EQ(books.apply(unknown, sizeof unknown), itch::DecodeResult::UnknownType);
  itch::OrderDelete d;
  d.locate = 1;
  d.ref = 99;
  send(d);
  EXPECT_EQ(books.counters().decode.unknown_type, 1u);
  EXPECT_EQ(books.counters().book[static_cast<std::size_t>(BookResult::UnknownRef)], 1u);
}

TEST_F(BookManagerTest, StreamsOfLengthPrefixedMessagesAreApplied) {
  directory(1, "AAPL");
  std::vector<std::uint8_t> stream;
  for (std::uint64_t ref = 1; ref <= 5; ++ref) {
    itch::AddOrder a;
    a.locate = 1;
    a.ref = ref;
    a.side = Side::Buy;
    a.shares = 100;
    a.price = Price{1'000'000 - static_cast<std::int64_t>(ref) * 100};
    std::uint8_t buf[64];
    const std::size_t n = itch::encode_prefixed(a, buf, sizeof buf);
    stream.insert(stream.end(), buf, buf + n);
  }
  stream.push_back(0);  // a cut-off prefix is left for the next chunk
  EXPECT_EQ(books.apply_stream(stream.data(), stream.size()), stream.size() - 1);
  EXPECT_EQ(books.book(1)->order_count(), 5u);
}

TEST_F(BookManagerTest, ApplyingMessagesAllocatesNothingAfterTheDirectory) {
  directory(1, "AAPL");
  hft::test::AllocationCounter counter;
  for (std::uint64_t ref = 1; ref <= 200; ++ref) {
    add(1, ref, ref % 2 ? Side::Buy : Side::Sell, 100, ref % 2 ? 990'000 : 1'010'000);
  }
  for (std::uint64_t ref = 1; ref <= 200; ref += 2) {
    itch::OrderDelete d;
    d.locate = 1;
    d.ref = ref;
    send(d);
  }
  EXPECT_EQ(counter.allocations(), 0u);
}

}  // namespace
}  // namespace hft::market_data
