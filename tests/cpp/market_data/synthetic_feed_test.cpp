// The synthetic feed is the input of replay tests, benchmarks and the venue:
// it must be valid ITCH, self-consistent and deterministic.
#include "hft/market_data/synthetic_feed.h"

#include <map>
#include <set>
#include <unordered_map>
#include <vector>

#include <gtest/gtest.h>

#include "hft/protocol/itch.h"

namespace hft::market_data {
namespace {

namespace itch = protocol::itch;

std::vector<std::vector<std::uint8_t>> generate(const SynthOptions& o) {
  SyntheticFeed feed(o);
  std::vector<std::vector<std::uint8_t>> out;
  std::uint8_t buf[64];
  while (const std::size_t n = feed.next(buf, sizeof buf)) out.emplace_back(buf, buf + n);
  return out;
}

/// An independent model of the books the feed describes: it fails the test
/// on any message that refers to an order that is not resting, takes more
/// shares than rest, or would cross the book.
struct Model {
  struct Order {
    std::uint16_t locate;
    core::Side side;
    std::uint32_t shares;
    std::int64_t price;
  };
  std::unordered_map<std::uint64_t, Order> orders;
  std::map<std::uint16_t, std::multiset<std::int64_t>> bids, asks;
  std::set<std::uint16_t> directory;
  std::map<char, std::uint64_t> types;
  std::uint64_t last_ts{0};

  void stamp(std::uint64_t ts) {
    EXPECT_GE(ts, last_ts) << "time never goes back";
    last_ts = ts;
  }
  void check_uncrossed(std::uint16_t l) {
    if (!bids[l].empty() && !asks[l].empty()) {
      ASSERT_LT(*bids[l].rbegin(), *asks[l].begin()) << "locate " << l << " crossed";
    }
  }
  void rest(std::uint64_t ref, std::uint16_t l, core::Side side, std::uint32_t shares, std::int64_t price) {
    ASSERT_TRUE(directory.count(l)) << "order before its stock directory entry";
    ASSERT_GT(shares, 0u);
    ASSERT_EQ(price % 100, 0) << "on the cent grid";
    ASSERT_TRUE(orders.emplace(ref, Order{l, side, shares, price}).second) << "ref " << ref << " reused";
    (side == core::Side::Buy ? bids : asks)[l].insert(price);
    check_uncrossed(l);
  }
  void take(std::uint64_t ref, std::uint32_t shares, bool all = false) {
    auto it = orders.find(ref);
    ASSERT_NE(it, orders.end()) << "ref " << ref << " is not resting";
    ASSERT_LE(shares, it->second.shares);
    it->second.shares -= all ? it->second.shares : shares;
    if (it->second.shares == 0) {
      auto& side = (it->second.side == core::Side::Buy ? bids : asks)[it->second.locate];
      side.erase(side.find(it->second.price));
      orders.erase(it);
    }
  }
  template <typename M>
  void on(const M& m) {
    ++types[M::kType];
    stamp(m.timestamp_ns);
    if constexpr (std::is_same_v<M, itch::StockDirectory>) directory.insert(m.locate);
    if constexpr (std::is_same_v<M, itch::AddOrder> || std::is_same_v<M, itch::AddOrderMpid>) {
      rest(m.ref, m.locate, m.side, m.shares, m.price.raw);
    }
    if constexpr (std::is_same_v<M, itch::OrderExecuted> || std::is_same_v<M, itch::OrderExecutedWithPrice>) {
      take(m.ref, m.executed_shares);
    }
    if constexpr (std::is_same_v<M, itch::OrderCancel>) {
      ASSERT_LT(m.cancelled_shares, orders.at(m.ref).shares) << "a cancel is partial";
      take(m.ref, m.cancelled_shares);
    }
    if constexpr (std::is_same_v<M, itch::OrderDelete>) take(m.ref, 0, true);
    if constexpr (std::is_same_v<M, itch::OrderReplace>) {
      ASSERT_TRUE(orders.count(m.original_ref));
      const Order old = orders.at(m.original_ref);
      take(m.original_ref, 0, true);
      rest(m.new_ref, old.locate, old.side, m.shares, m.price.raw);
    }
  }
};

TEST(SyntheticFeed, SameSeedSameBytesOtherSeedOtherBytes) {
  SynthOptions o;
  o.seed = 7;
  o.messages = 20'000;
  o.symbols = 20;
  EXPECT_EQ(generate(o), generate(o));
  SynthOptions p = o;
  p.seed = 8;
  EXPECT_NE(generate(o), generate(p));
}

TEST(SyntheticFeed, IsValidSelfConsistentItch) {
  SynthOptions o;
  o.seed = 11;
  o.messages = 200'000;
  o.symbols = 50;
  o.orders_per_symbol = 300;
  const auto msgs = generate(o);
  ASSERT_EQ(msgs.size(), o.messages);
  Model model;
  for (const auto& m : msgs) {
    ASSERT_EQ(itch::decode(m.data(), m.size(), model), itch::DecodeResult::Ok);
    if (::testing::Test::HasFatalFailure()) return;
  }
  EXPECT_EQ(model.directory.size(), 50u);
  // Opening and closing system events, directory before any order.
  EXPECT_EQ(msgs.front()[0], 'S');
  EXPECT_EQ(msgs.back()[0], 'S');
  EXPECT_EQ(msgs.back()[11], 'C') << "end of messages";
  // A realistic mix: adds lead, deletes follow, every book message type occurs.
  for (char t : {'A', 'F', 'D', 'X', 'E', 'C', 'U', 'P', 'I', 'R', 'H'}) {
    EXPECT_GT(model.types[t], 0u) << "type " << t;
  }
  const double n = static_cast<double>(msgs.size());
  EXPECT_GT(static_cast<double>(model.types['A'] + model.types['F']) / n, 0.35);
  EXPECT_GT(static_cast<double>(model.types['D']) / n, 0.2);
  // Deep books: hundreds of resting orders per instrument at the end.
  EXPECT_GT(model.orders.size(), 50u * 150u);
}

TEST(SyntheticFeed, RefusesImpossibleOptions) {
  SynthOptions o;
  o.symbols = 0;
  EXPECT_THROW(SyntheticFeed{o}, std::invalid_argument);
  o.symbols = 70'000;
  EXPECT_THROW(SyntheticFeed{o}, std::invalid_argument);
  o.symbols = 100;
  o.messages = 50;
  EXPECT_THROW(SyntheticFeed{o}, std::invalid_argument);
}

TEST(SyntheticFeed, TickersStartWithTheShippedSymbols) {
  EXPECT_EQ(synthetic_ticker(0), "AAPL");
  EXPECT_EQ(synthetic_ticker(9), "BRK.B");
  EXPECT_EQ(synthetic_ticker(10), "ZAAAA");
  EXPECT_EQ(synthetic_ticker(11), "ZAAAB");
}

}  // namespace
}  // namespace hft::market_data
