#include <cstdint>
#include <numeric>

#include <gtest/gtest.h>

#include "hft/core/object_pool.h"

#include "support/allocation_counter.h"
#include "support/lifetime_tracker.h"

namespace hft::core {
namespace {

using test::LifetimeLedger;
using test::Tracked;

TEST(FixedVector, FillsToCapacityThenRefuses) {
  FixedVector<int> v(3);
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(v.capacity(), 3u);
  EXPECT_TRUE(v.push_back(1));
  EXPECT_NE(v.emplace_back(2), nullptr);
  EXPECT_TRUE(v.push_back(3));
  EXPECT_TRUE(v.full());
  EXPECT_FALSE(v.push_back(4));
  EXPECT_EQ(v.emplace_back(5), nullptr);
  EXPECT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0], 1);
  EXPECT_EQ(v[2], 3);
}

TEST(FixedVector, IteratesInInsertionOrder) {
  FixedVector<int> v(8);
  EXPECT_EQ(v.begin(), v.end());
  for (int i = 1; i <= 5; ++i) v.push_back(i);
  EXPECT_EQ(std::accumulate(v.begin(), v.end(), 0), 15);
  const FixedVector<int>& cv = v;
  EXPECT_EQ(cv.end() - cv.begin(), 5);
  EXPECT_EQ(cv[4], 5);
}

TEST(FixedVector, SwapRemoveMovesTheLastElementIn) {
  FixedVector<int> v(4);
  for (int i = 0; i < 4; ++i) v.push_back(i * 10);
  v.swap_remove(1);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0], 0);
  EXPECT_EQ(v[1], 30);
  EXPECT_EQ(v[2], 20);
  v.swap_remove(2);  // the last one: just removed
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[1], 30);
  EXPECT_FALSE(v.full());
  EXPECT_TRUE(v.push_back(7));
}

TEST(FixedVector, ZeroCapacityIsAlwaysFull) {
  FixedVector<int> v(0);
  EXPECT_TRUE(v.full());
  EXPECT_FALSE(v.push_back(1));
  EXPECT_EQ(v.begin(), v.end());
}

TEST(FixedVector, DestroysEveryElementExactlyOnce) {
  LifetimeLedger ledger(100);
  {
    FixedVector<Tracked> v(6);
    for (int i = 0; i < 6; ++i) v.emplace_back(ledger, i);
    v.pop_back();
    EXPECT_EQ(ledger.live(), 5u);
    v.swap_remove(0);  // element 4 moved into slot 0, its old slot destroyed
    EXPECT_EQ(v[0].value(), 4);
    EXPECT_EQ(ledger.live(), 4u);
    v.clear();
    EXPECT_EQ(ledger.live(), 0u);
    for (int i = 0; i < 3; ++i) v.emplace_back(ledger, i);
  }  // the destructor takes the last three
  EXPECT_EQ(ledger.live(), 0u);
  EXPECT_EQ(ledger.errors(), 0u);
}

TEST(FixedVector, NoAllocationAfterConstruction) {
  FixedVector<std::uint64_t> v(128);
  test::AllocationCounter counter;
  for (int round = 0; round < 100; ++round) {
    while (v.push_back(static_cast<std::uint64_t>(round))) {
    }
    while (v.size() > 10) v.swap_remove(v.size() / 2);
    v.clear();
  }
  EXPECT_EQ(counter.allocations(), 0u);
}

}  // namespace
}  // namespace hft::core
