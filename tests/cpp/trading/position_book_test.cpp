#include "hft/trading/position_book.h"

#include <cstdint>
#include <cstdlib>
#include <limits>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace hft::trading {
namespace {

// Prices and money are in 1e-4 units: $100.00 is 1'000'000.
constexpr SymbolId kA{0};
constexpr SymbolId kB{1};
constexpr SymbolId kC{2};

Price px(std::int64_t raw) { return Price::from_raw(raw); }

bool buy(PositionBook& b, SymbolId s, std::int64_t q, std::int64_t p) {
  return b.apply_fill(s, Side::Buy, Qty{q}, px(p));
}
bool sell(PositionBook& b, SymbolId s, std::int64_t q, std::int64_t p) {
  return b.apply_fill(s, Side::Sell, Qty{q}, px(p));
}

void expect_same(const Position& a, const Position& b) {
  EXPECT_EQ(a.net, b.net);
  EXPECT_EQ(a.open_cost, b.open_cost);
  EXPECT_EQ(a.realized, b.realized);
  EXPECT_EQ(a.unrealized, b.unrealized);
  EXPECT_EQ(a.fees, b.fees);
  EXPECT_EQ(a.bought, b.bought);
  EXPECT_EQ(a.sold, b.sold);
  EXPECT_EQ(a.bid, b.bid);
  EXPECT_EQ(a.ask, b.ask);
  EXPECT_EQ(a.last, b.last);
  EXPECT_EQ(a.mark, b.mark);
}

void expect_same(const PositionTotals& a, const PositionTotals& b) {
  EXPECT_EQ(a.realized, b.realized);
  EXPECT_EQ(a.unrealized, b.unrealized);
  EXPECT_EQ(a.fees, b.fees);
  EXPECT_EQ(a.gross_position, b.gross_position);
  EXPECT_EQ(a.net_position, b.net_position);
  EXPECT_EQ(a.gross_notional, b.gross_notional);
  EXPECT_EQ(a.net_notional, b.net_notional);
}

// The totals recomputed from scratch over every symbol.
PositionTotals sum_over_symbols(const PositionBook& b) {
  PositionTotals t;
  for (std::uint32_t s = 0; s < b.symbols(); ++s) {
    const Position& p = b.at(SymbolId{s});
    t.realized += p.realized;
    t.unrealized += p.unrealized;
    t.fees += p.fees;
    t.gross_position += std::llabs(p.net);
    t.net_position += p.net;
    t.gross_notional += std::llabs(p.net) * p.mark.raw;
    t.net_notional += p.net * p.mark.raw;
  }
  return t;
}

// ---- opening and adding ----------------------------------------------------------

TEST(PositionBook, StartsEmpty) {
  PositionBook b(2, MarkSource::Mid, Price{});
  EXPECT_EQ(b.symbols(), 2u);
  EXPECT_EQ(b.mark_source(), MarkSource::Mid);
  EXPECT_EQ(b.at(kA).net, 0);
  EXPECT_EQ(b.at(kA).average_cost(), Price{});
  EXPECT_EQ(b.reference_price(kA), Price{});
  EXPECT_EQ(b.totals().pnl(), 0);
}

TEST(PositionBook, OpenLong) {
  PositionBook b(1, MarkSource::Mid, Price{});
  ASSERT_TRUE(buy(b, kA, 100, 1'000'000));
  const Position& p = b.at(kA);
  EXPECT_EQ(p.net, 100);
  EXPECT_EQ(p.open_cost, 100'000'000);
  EXPECT_EQ(p.average_cost(), px(1'000'000));
  EXPECT_EQ(p.realized, 0);
  EXPECT_EQ(p.bought, 100);
  EXPECT_EQ(p.sold, 0);
  // No market price yet: marked at our own fill, so nothing unrealised.
  EXPECT_EQ(p.mark, px(1'000'000));
  EXPECT_EQ(p.unrealized, 0);
  EXPECT_EQ(b.totals().gross_position, 100);
  EXPECT_EQ(b.totals().gross_notional, 100'000'000);
}

TEST(PositionBook, AddAtAnotherPriceAveragesTheCost) {
  PositionBook b(1, MarkSource::Mid, Price{});
  ASSERT_TRUE(buy(b, kA, 100, 1'000'000));
  ASSERT_TRUE(buy(b, kA, 50, 1'030'000));
  const Position& p = b.at(kA);
  EXPECT_EQ(p.net, 150);
  EXPECT_EQ(p.open_cost, 151'500'000);         // 100'000'000 + 51'500'000
  EXPECT_EQ(p.average_cost(), px(1'010'000));  // $101.00
  EXPECT_EQ(p.realized, 0);
  EXPECT_EQ(p.bought, 150);
}

TEST(PositionBook, AverageCostRoundsToNearestAndHalfAwayFromZero) {
  {
    PositionBook b(1, MarkSource::Mid, Price{});
    buy(b, kA, 1, 1'000'000);
    buy(b, kA, 2, 1'000'001);  // 3'000'002 / 3 = 1'000'000.67
    EXPECT_EQ(b.at(kA).average_cost(), px(1'000'001));
  }
  {
    PositionBook b(1, MarkSource::Mid, Price{});
    buy(b, kA, 2, 1'000'000);
    buy(b, kA, 1, 1'000'001);  // 3'000'001 / 3 = 1'000'000.33
    EXPECT_EQ(b.at(kA).average_cost(), px(1'000'000));
  }
  {
    PositionBook b(1, MarkSource::Mid, Price{});
    buy(b, kA, 1, 1'000'000);
    buy(b, kA, 1, 1'000'001);  // exactly .5: away from zero
    EXPECT_EQ(b.at(kA).average_cost(), px(1'000'001));
  }
  {
    PositionBook b(1, MarkSource::Mid, Price{});
    sell(b, kA, 1, 1'000'000);
    sell(b, kA, 1, 1'000'001);  // a short's average is positive too
    EXPECT_EQ(b.at(kA).open_cost, -2'000'001);
    EXPECT_EQ(b.at(kA).average_cost(), px(1'000'001));
  }
}

// ---- closing ----------------------------------------------------------------------

TEST(PositionBook, PartialCloseRealisesAgainstAverageCost) {
  PositionBook b(1, MarkSource::Mid, Price{});
  buy(b, kA, 100, 1'000'000);
  buy(b, kA, 50, 1'030'000);  // 150 @ 101.00
  ASSERT_TRUE(sell(b, kA, 60, 1'050'000));
  const Position& p = b.at(kA);
  // 60 × (105.00 - 101.00) = $240
  EXPECT_EQ(p.realized, 2'400'000);
  EXPECT_EQ(p.net, 90);
  EXPECT_EQ(p.open_cost, 90'900'000);
  EXPECT_EQ(p.average_cost(), px(1'010'000));
  EXPECT_EQ(p.sold, 60);
  EXPECT_EQ(b.totals().realized, 2'400'000);
}

TEST(PositionBook, FullCloseIsExactWithUnevenPrices) {
  PositionBook b(1, MarkSource::Mid, Price{});
  buy(b, kA, 3, 1'000'000);
  buy(b, kA, 4, 1'000'003);  // 7 @ 7'000'012: the average does not divide evenly
  EXPECT_EQ(b.at(kA).average_cost(), px(1'000'002));
  ASSERT_TRUE(sell(b, kA, 2, 1'000'010));
  // Cost removed: 7'000'012 × 2 / 7 = 2'000'003 (truncated); 2'000'020 - 2'000'003.
  EXPECT_EQ(b.at(kA).realized, 17);
  EXPECT_EQ(b.at(kA).open_cost, 5'000'009);
  ASSERT_TRUE(sell(b, kA, 5, 999'990));
  const Position& p = b.at(kA);
  // The round trip: received 2'000'020 + 4'999'950, paid 7'000'012.
  EXPECT_EQ(p.realized, -42);
  EXPECT_EQ(p.net, 0);
  EXPECT_EQ(p.open_cost, 0);
  EXPECT_EQ(p.unrealized, 0);
  EXPECT_EQ(p.average_cost(), Price{});
  EXPECT_EQ(b.totals().gross_position, 0);
  EXPECT_EQ(b.totals().gross_notional, 0);
  EXPECT_EQ(b.totals().realized, -42);
}

TEST(PositionBook, ClosingOneShareAtATimeLeavesNoResidue) {
  PositionBook b(1, MarkSource::Mid, Price{});
  buy(b, kA, 1, 1'000'001);
  buy(b, kA, 1, 1'000'002);
  buy(b, kA, 1, 1'000'004);  // 3'000'007 / 3 never divides
  std::int64_t received = 0;
  for (std::int64_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(sell(b, kA, 1, 1'000'000 + 7 * i));
    received += 1'000'000 + 7 * i;
  }
  EXPECT_EQ(b.at(kA).net, 0);
  EXPECT_EQ(b.at(kA).open_cost, 0);
  EXPECT_EQ(b.at(kA).realized, received - 3'000'007);
}

TEST(PositionBook, FlipLongToShortInOneFill) {
  PositionBook b(1, MarkSource::Mid, Price{});
  buy(b, kA, 100, 1'000'000);
  ASSERT_TRUE(sell(b, kA, 150, 1'020'000));
  const Position& p = b.at(kA);
  EXPECT_EQ(p.realized, 2'000'000);  // only the 100 closed: 100 × $2
  EXPECT_EQ(p.net, -50);
  EXPECT_EQ(p.open_cost, -51'000'000);  // the 50 beyond zero at the fill price
  EXPECT_EQ(p.average_cost(), px(1'020'000));
  EXPECT_EQ(p.bought, 100);
  EXPECT_EQ(p.sold, 150);
}

TEST(PositionBook, FlipShortToLongInOneFill) {
  PositionBook b(1, MarkSource::Mid, Price{});
  sell(b, kA, 40, 500'000);
  ASSERT_TRUE(buy(b, kA, 100, 480'000));
  const Position& p = b.at(kA);
  EXPECT_EQ(p.realized, 800'000);  // 40 × ($50.00 - $48.00)
  EXPECT_EQ(p.net, 60);
  EXPECT_EQ(p.open_cost, 28'800'000);
  EXPECT_EQ(p.average_cost(), px(480'000));
}

TEST(PositionBook, FlipWithUnevenAverageThenCloseIsExact) {
  PositionBook b(1, MarkSource::Mid, Price{});
  buy(b, kA, 2, 1'000'000);
  buy(b, kA, 1, 1'000'001);  // 3 @ 3'000'001
  ASSERT_TRUE(sell(b, kA, 5, 1'000'100));
  EXPECT_EQ(b.at(kA).realized, 3 * 1'000'100 - 3'000'001);
  EXPECT_EQ(b.at(kA).net, -2);
  EXPECT_EQ(b.at(kA).open_cost, -2'000'200);
  ASSERT_TRUE(buy(b, kA, 2, 1'000'300));
  EXPECT_EQ(b.at(kA).net, 0);
  EXPECT_EQ(b.at(kA).open_cost, 0);
  // Cash over everything: sold 5 × 1'000'100, bought 3'000'001 + 2 × 1'000'300.
  EXPECT_EQ(b.at(kA).realized, 5 * 1'000'100 - 3'000'001 - 2 * 1'000'300);
}

TEST(PositionBook, ShortProfitsWhenPriceFalls) {
  PositionBook b(1, MarkSource::Mid, Price{});
  sell(b, kA, 10, 1'000'000);
  EXPECT_EQ(b.at(kA).net, -10);
  EXPECT_EQ(b.at(kA).open_cost, -10'000'000);
  b.on_quote(kA, px(1'090'000), px(1'110'000));  // mid $110: the short loses $100
  EXPECT_EQ(b.at(kA).unrealized, -1'000'000);
  b.on_quote(kA, px(890'000), px(910'000));  // mid $90: the short gains $100
  EXPECT_EQ(b.at(kA).unrealized, 1'000'000);
  ASSERT_TRUE(buy(b, kA, 10, 900'000));
  EXPECT_EQ(b.at(kA).realized, 1'000'000);
  EXPECT_EQ(b.at(kA).unrealized, 0);
  EXPECT_EQ(b.totals().pnl(), 1'000'000);
}

TEST(PositionBook, ShortLossRealised) {
  PositionBook b(1, MarkSource::Mid, Price{});
  sell(b, kA, 30, 1'000'000);
  ASSERT_TRUE(buy(b, kA, 10, 1'010'000));
  EXPECT_EQ(b.at(kA).realized, -100'000);  // 10 × -$1
  EXPECT_EQ(b.at(kA).net, -20);
  EXPECT_EQ(b.at(kA).average_cost(), px(1'000'000));
}

// ---- fees --------------------------------------------------------------------------

TEST(PositionBook, FeesAccumulatePerShareAndEnterPnl) {
  PositionBook b(2, MarkSource::Mid, px(5));  // $0.0005 a share
  buy(b, kA, 100, 1'000'000);
  EXPECT_EQ(b.at(kA).fees, 500);
  sell(b, kA, 40, 1'000'000);
  EXPECT_EQ(b.at(kA).fees, 700);
  sell(b, kB, 10, 2'000'000);
  EXPECT_EQ(b.at(kB).fees, 50);
  EXPECT_EQ(b.totals().fees, 750);
  // Fees are money spent, kept apart from realised.
  EXPECT_EQ(b.totals().realized, 0);
  EXPECT_EQ(b.totals().pnl(), -750);
  b.on_quote(kA, px(1'000'900), px(1'001'100));  // +$0.10 on 60 shares
  EXPECT_EQ(b.totals().pnl(), 60'000 - 750);
}

TEST(PositionBook, RebatesAreNegativeFees) {
  PositionBook b(1, MarkSource::Mid, px(-2));
  buy(b, kA, 100, 1'000'000);
  sell(b, kA, 100, 1'000'000);
  EXPECT_EQ(b.at(kA).fees, -400);
  EXPECT_EQ(b.totals().fees, -400);
  EXPECT_EQ(b.at(kA).realized, 0);
  EXPECT_EQ(b.totals().pnl(), 400);
}

// ---- marks --------------------------------------------------------------------------

TEST(PositionBook, MidMarkPrefersQuotesOverTrades) {
  PositionBook b(1, MarkSource::Mid, Price{});
  buy(b, kA, 10, 1'000'000);
  EXPECT_EQ(b.reference_price(kA), px(1'000'000));  // own fill
  b.on_trade(kA, px(1'005'000));                    // no quote yet: last trade
  EXPECT_EQ(b.reference_price(kA), px(1'005'000));
  EXPECT_EQ(b.at(kA).unrealized, 50'000);
  b.on_quote(kA, px(1'009'000), px(1'011'000));  // mid wins once there is one
  EXPECT_EQ(b.reference_price(kA), px(1'010'000));
  EXPECT_EQ(b.at(kA).unrealized, 100'000);
  b.on_trade(kA, px(990'000));  // a trade does not move a mid mark
  EXPECT_EQ(b.reference_price(kA), px(1'010'000));
  EXPECT_EQ(b.at(kA).last, px(990'000));
  b.on_quote(kA, px(1'009'000), Price{});  // one-sided book: no mid, back to last
  EXPECT_EQ(b.reference_price(kA), px(990'000));
  EXPECT_EQ(b.at(kA).unrealized, -100'000);
}

TEST(PositionBook, LastMarkPrefersTradesOverQuotes) {
  PositionBook b(1, MarkSource::Last, Price{});
  buy(b, kA, 10, 1'000'000);
  b.on_quote(kA, px(1'009'000), px(1'011'000));  // no trade yet: mid
  EXPECT_EQ(b.reference_price(kA), px(1'010'000));
  EXPECT_EQ(b.at(kA).unrealized, 100'000);
  b.on_trade(kA, px(990'000));
  EXPECT_EQ(b.reference_price(kA), px(990'000));
  EXPECT_EQ(b.at(kA).unrealized, -100'000);
  b.on_quote(kA, px(1'019'000), px(1'021'000));  // quotes do not move a last mark
  EXPECT_EQ(b.reference_price(kA), px(990'000));
  EXPECT_EQ(b.at(kA).bid, px(1'019'000));
  EXPECT_EQ(b.at(kA).ask, px(1'021'000));
}

TEST(PositionBook, MidIsTheFlooredAverage) {
  PositionBook b(1, MarkSource::Mid, Price{});
  b.on_quote(kA, px(1'000'001), px(1'000'002));
  EXPECT_EQ(b.reference_price(kA), px(1'000'001));
  b.on_quote(kA, px(1'000'001), px(1'000'003));
  EXPECT_EQ(b.reference_price(kA), px(1'000'002));
  const std::int64_t big = std::numeric_limits<std::int64_t>::max();
  b.on_quote(kA, px(big), px(big));  // no overflow in the sum
  EXPECT_EQ(b.reference_price(kA), px(big));
}

TEST(PositionBook, MarketDataWithoutPositionSetsReferenceOnly) {
  PositionBook b(2, MarkSource::Mid, Price{});
  b.on_quote(kB, px(999'900), px(1'000'100));
  EXPECT_EQ(b.reference_price(kB), px(1'000'000));
  EXPECT_EQ(b.reference_price(kA), Price{});
  EXPECT_EQ(b.totals().unrealized, 0);
  EXPECT_EQ(b.totals().gross_notional, 0);
}

TEST(PositionBook, WithoutMarketDataTheLastOwnFillIsTheMark) {
  PositionBook b(1, MarkSource::Mid, Price{});
  buy(b, kA, 10, 1'000'000);
  EXPECT_EQ(b.reference_price(kA), px(1'000'000));
  buy(b, kA, 10, 1'100'000);
  EXPECT_EQ(b.reference_price(kA), px(1'100'000));
  EXPECT_EQ(b.at(kA).unrealized, 20 * 1'100'000 - 21'000'000);
  EXPECT_EQ(b.totals().gross_notional, 20 * 1'100'000);
  // Once the market has a price, our fills no longer move the mark.
  b.on_trade(kA, px(1'050'000));
  buy(b, kA, 10, 1'200'000);
  EXPECT_EQ(b.reference_price(kA), px(1'050'000));
  EXPECT_EQ(b.at(kA).unrealized, 30 * 1'050'000 - 33'000'000);
}

TEST(PositionBook, AFlatPositionHasNoUnrealisedAtAnyMark) {
  PositionBook b(1, MarkSource::Mid, Price{});
  buy(b, kA, 10, 1'000'000);
  sell(b, kA, 10, 1'010'000);
  b.on_quote(kA, px(2'000'000), px(2'000'000));
  EXPECT_EQ(b.at(kA).unrealized, 0);
  EXPECT_EQ(b.totals().pnl(), 100'000);
}

// ---- totals -------------------------------------------------------------------------

TEST(PositionBook, TotalsAcrossSymbols) {
  PositionBook b(3, MarkSource::Mid, px(1));
  buy(b, kA, 100, 1'000'000);
  sell(b, kB, 50, 2'000'000);
  buy(b, kC, 10, 500'000);
  sell(b, kC, 10, 510'000);                      // flat, +$100 realised
  b.on_quote(kA, px(1'009'000), px(1'011'000));  // +$1 on 100
  b.on_quote(kB, px(1'990'000), px(2'010'000));  // flat mid on the short
  const PositionTotals& t = b.totals();
  EXPECT_EQ(t.gross_position, 150);
  EXPECT_EQ(t.net_position, 50);
  EXPECT_EQ(t.gross_notional, 100 * 1'010'000 + 50 * 2'000'000);
  EXPECT_EQ(t.net_notional, 100 * 1'010'000 - 50 * 2'000'000);
  EXPECT_EQ(t.realized, 100'000);
  EXPECT_EQ(t.unrealized, 1'000'000);
  EXPECT_EQ(t.fees, 170);
  EXPECT_EQ(t.pnl(), 100'000 + 1'000'000 - 170);
  expect_same(t, sum_over_symbols(b));
}

TEST(PositionBook, RandomSequencesKeepTotalsAndCashExact) {
  constexpr std::uint32_t kSymbols = 5;
  for (const MarkSource source : {MarkSource::Mid, MarkSource::Last}) {
    std::mt19937_64 rng(20240611);
    PositionBook b(kSymbols, source, px(3));
    std::vector<std::int64_t> cash(kSymbols, 0);  // Σ sells - Σ buys, money
    std::vector<std::int64_t> net(kSymbols, 0);
    std::uniform_int_distribution<std::uint32_t> symbol(0, kSymbols - 1);
    std::uniform_int_distribution<int> op(0, 9);
    std::uniform_int_distribution<std::int64_t> qty(1, 500);
    std::uniform_int_distribution<std::int64_t> price(900'000, 1'100'000);
    std::uniform_int_distribution<std::int64_t> spread(0, 300);
    for (int step = 0; step < 20'000; ++step) {
      const SymbolId s{symbol(rng)};
      const int what = op(rng);
      if (what < 6) {
        const Side side = what % 2 == 0 ? Side::Buy : Side::Sell;
        const std::int64_t q = qty(rng);
        const std::int64_t p = price(rng);
        ASSERT_TRUE(b.apply_fill(s, side, Qty{q}, px(p)));
        cash[s.value] += side == Side::Sell ? p * q : -p * q;
        net[s.value] += core::sign(side) * q;
      } else if (what < 8) {
        const std::int64_t bid = price(rng);
        b.on_quote(s, px(bid), px(bid + spread(rng)));
      } else {
        b.on_trade(s, px(price(rng)));
      }
      const Position& p = b.at(s);
      ASSERT_EQ(p.net, net[s.value]);
      // realized - open_cost is exactly the cash that changed hands.
      ASSERT_EQ(p.realized - p.open_cost, cash[s.value]) << "step " << step;
      ASSERT_EQ(p.unrealized, p.net * p.mark.raw - p.open_cost);
      if (p.net == 0) {
        ASSERT_EQ(p.open_cost, 0);
      }
      // Cost and position share a sign; the average lies within the prices seen.
      if (p.net != 0) {
        ASSERT_EQ(p.open_cost > 0, p.net > 0);
        ASSERT_GE(p.average_cost().raw, 900'000);
        ASSERT_LE(p.average_cost().raw, 1'100'000);
      }
      ASSERT_EQ(p.fees, 3 * (p.bought + p.sold));
      const PositionTotals want = sum_over_symbols(b);
      const PositionTotals& got = b.totals();
      ASSERT_EQ(got.realized, want.realized);
      ASSERT_EQ(got.unrealized, want.unrealized);
      ASSERT_EQ(got.fees, want.fees);
      ASSERT_EQ(got.gross_position, want.gross_position);
      ASSERT_EQ(got.net_position, want.net_position);
      ASSERT_EQ(got.gross_notional, want.gross_notional);
      ASSERT_EQ(got.net_notional, want.net_notional);
    }
    // Flatten everything at the mark: all PnL is realised, and it equals the cash.
    for (std::uint32_t i = 0; i < kSymbols; ++i) {
      const SymbolId s{i};
      const Position& p = b.at(s);
      if (p.net == 0) continue;
      const std::int64_t q = std::llabs(p.net);
      const std::int64_t m = p.mark.raw;
      const std::int64_t expected = p.realized + p.unrealized;
      ASSERT_TRUE(b.apply_fill(s, p.net > 0 ? Side::Sell : Side::Buy, Qty{q}, p.mark));
      EXPECT_EQ(b.at(s).realized, expected);
      EXPECT_EQ(b.at(s).open_cost, 0);
      EXPECT_EQ(b.at(s).mark.raw, m);
    }
    expect_same(b.totals(), sum_over_symbols(b));
    EXPECT_EQ(b.totals().unrealized, 0);
    EXPECT_EQ(b.totals().gross_position, 0);
  }
}

// ---- overflow ---------------------------------------------------------------------

TEST(PositionBook, CostOverflowIsRefusedAndChangesNothing) {
  PositionBook b(2, MarkSource::Mid, px(1));
  buy(b, kA, 10, 1'000'000);
  buy(b, kB, 5, 2'000'000);
  const Position before = b.at(kA);
  const PositionTotals totals = b.totals();
  // 10^12 shares at $1000: 10^19 in 1e-4 units does not fit in int64.
  EXPECT_FALSE(buy(b, kA, 1'000'000'000'000, 10'000'000));
  expect_same(b.at(kA), before);
  expect_same(b.totals(), totals);
}

TEST(PositionBook, PositionOverflowIsRefused) {
  const std::int64_t max = std::numeric_limits<std::int64_t>::max();
  PositionBook b(1, MarkSource::Mid, Price{});
  ASSERT_TRUE(buy(b, kA, max, 1));  // cost max × 1 still fits
  EXPECT_EQ(b.at(kA).net, max);
  const Position before = b.at(kA);
  EXPECT_FALSE(buy(b, kA, 1, 1));
  expect_same(b.at(kA), before);
  // Selling some is fine again.
  EXPECT_TRUE(sell(b, kA, 1, 1));
  EXPECT_EQ(b.at(kA).net, max - 1);
}

TEST(PositionBook, FeeOverflowIsRefused) {
  PositionBook b(1, MarkSource::Mid, px(std::numeric_limits<std::int64_t>::max() / 2));
  ASSERT_TRUE(buy(b, kA, 1, 1'000'000));
  ASSERT_TRUE(buy(b, kA, 1, 1'000'000));
  const Position before = b.at(kA);
  EXPECT_FALSE(buy(b, kA, 1, 1'000'000));
  expect_same(b.at(kA), before);
}

TEST(PositionBook, NotionalAtTheMarkOverflowIsRefused) {
  PositionBook b(1, MarkSource::Mid, Price{});
  b.on_quote(kA, px(1'000'000'000), px(1'000'000'000));  // $100'000 mark
  const PositionTotals totals = b.totals();
  // 10^10 shares at 1e-4 cost only 10^10, but at the mark they are worth 10^19.
  EXPECT_FALSE(buy(b, kA, 10'000'000'000, 1));
  EXPECT_EQ(b.at(kA).net, 0);
  expect_same(b.totals(), totals);
  EXPECT_TRUE(buy(b, kA, 1'000'000'000, 1));  // 10^18 at the mark fits
}

}  // namespace
}  // namespace hft::trading
