#include "hft/core/types.h"

#include <cstdint>
#include <limits>
#include <type_traits>
#include <unordered_set>

#include <gtest/gtest.h>

namespace hft::core {
namespace {

constexpr std::int64_t kI64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kI64Min = std::numeric_limits<std::int64_t>::min();

// Value types are copied into packets and ring slots byte for byte.
static_assert(std::is_trivially_copyable_v<Price> && sizeof(Price) == 8);
static_assert(std::is_trivially_copyable_v<Qty> && sizeof(Qty) == 8);
static_assert(std::is_trivially_copyable_v<OrderId> && std::is_trivially_copyable_v<SymbolId>);
static_assert(sizeof(Side) == 1);

TEST(Price, UnitsAreTenThousandths) {
  EXPECT_EQ(Price::from_units(101).raw, 1'010'000);
  EXPECT_EQ(Price::from_units(-3), Price::from_raw(-30'000));
  EXPECT_EQ(Price::max().raw, kI64Max);
  EXPECT_EQ(Price::min().raw, kI64Min);
  EXPECT_EQ(Price{}.raw, 0);
}

TEST(Price, ArithmeticAndComparison) {
  Price p = Price::from_raw(1'012'500);
  EXPECT_EQ(p + Price::from_raw(500), Price::from_raw(1'013'000));
  EXPECT_EQ(p - Price::from_raw(12'500), Price::from_units(100));
  EXPECT_EQ(-p, Price::from_raw(-1'012'500));
  p += Price::from_raw(1);
  EXPECT_EQ(p.raw, 1'012'501);
  p -= Price::from_raw(2);
  EXPECT_EQ(p.raw, 1'012'499);

  const Price lo = Price::from_raw(1);
  const Price hi = Price::from_raw(2);
  EXPECT_TRUE(lo < hi && lo <= hi && hi > lo && hi >= lo && lo != hi);
  EXPECT_FALSE(lo > hi || lo >= hi || hi < lo || hi <= lo || lo == hi);
  EXPECT_TRUE(lo <= lo && lo >= lo);
}

TEST(Price, OnTick) {
  const Price tick = Price::from_raw(500);  // 0.05
  EXPECT_TRUE(Price::from_raw(12'500).on_tick(tick));
  EXPECT_TRUE(Price::from_raw(-12'500).on_tick(tick));
  EXPECT_TRUE(Price::from_raw(0).on_tick(tick));
  EXPECT_FALSE(Price::from_raw(12'600).on_tick(tick));
  EXPECT_FALSE(Price::from_raw(12'500).on_tick(Price::from_raw(0)));
  EXPECT_FALSE(Price::from_raw(12'500).on_tick(Price::from_raw(-500)));
}

TEST(Qty, ArithmeticAndComparison) {
  Qty q{100};
  EXPECT_EQ(q + Qty{5}, Qty{105});
  EXPECT_EQ(q - Qty{150}, Qty{-50});
  EXPECT_EQ(-q, Qty{-100});
  q += Qty{1};
  q -= Qty{2};
  EXPECT_EQ(q.value, 99);
  EXPECT_TRUE(Qty{1} < Qty{2} && Qty{2} > Qty{1} && Qty{1} <= Qty{1} && Qty{1} >= Qty{1});
  EXPECT_TRUE(Qty{1} != Qty{2});
}

TEST(Side, WireBytesAndHelpers) {
  EXPECT_EQ(static_cast<char>(Side::Buy), 'B');
  EXPECT_EQ(static_cast<char>(Side::Sell), 'S');
  EXPECT_EQ(opposite(Side::Buy), Side::Sell);
  EXPECT_EQ(opposite(Side::Sell), Side::Buy);
  EXPECT_EQ(sign(Side::Buy), 1);
  EXPECT_EQ(sign(Side::Sell), -1);
}

TEST(Ids, CompareAndHash) {
  EXPECT_TRUE(OrderId{1} < OrderId{2});
  EXPECT_TRUE(OrderId{3} == OrderId{3});
  EXPECT_TRUE(SymbolId{1} != SymbolId{2});
  std::unordered_set<OrderId> orders{OrderId{1}, OrderId{2}, OrderId{1}};
  std::unordered_set<SymbolId> symbols{SymbolId{7}, SymbolId{7}};
  EXPECT_EQ(orders.size(), 2u);
  EXPECT_EQ(symbols.size(), 1u);
  EXPECT_EQ(orders.count(OrderId{2}), 1u);
}

TEST(CheckedNotional, MultipliesInPriceUnits) {
  Price out;
  ASSERT_TRUE(checked_notional(Price::from_units(100), Qty{1000}, out));
  EXPECT_EQ(out, Price::from_units(100'000));
  ASSERT_TRUE(checked_notional(Price::from_raw(1'012'500), Qty{-3}, out));
  EXPECT_EQ(out.raw, -3'037'500);
  ASSERT_TRUE(checked_notional(Price::max(), Qty{1}, out));
  EXPECT_EQ(out, Price::max());
  ASSERT_TRUE(checked_notional(Price::min(), Qty{1}, out));
  EXPECT_EQ(out, Price::min());
  ASSERT_TRUE(checked_notional(Price::max(), Qty{-1}, out));
  EXPECT_EQ(out.raw, -kI64Max);
}

TEST(CheckedNotional, OverflowIsRefusedAndLeavesTheOutputAlone) {
  const Price sentinel = Price::from_raw(42);
  Price out = sentinel;
  EXPECT_FALSE(checked_notional(Price::max(), Qty{2}, out));
  EXPECT_FALSE(checked_notional(Price::min(), Qty{-1}, out));
  EXPECT_FALSE(checked_notional(Price::min(), Qty{2}, out));
  // Just past the limit: (2^63 / 10^4 + 1) units of 10^4 raw each.
  EXPECT_FALSE(checked_notional(Price::from_raw(kI64Max / 10'000 + 1), Qty{10'000}, out));
  EXPECT_EQ(out, sentinel);
  EXPECT_TRUE(checked_notional(Price::from_raw(kI64Max / 10'000), Qty{10'000}, out));
}

}  // namespace
}  // namespace hft::core
