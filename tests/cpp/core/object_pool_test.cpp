#include "hft/core/object_pool.h"

#include <cstdint>
#include <set>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include "support/allocation_counter.h"
#include "support/lifetime_tracker.h"

namespace hft::core {
namespace {

using test::LifetimeLedger;
using test::Tracked;

struct Order {
  std::uint64_t id;
  std::int64_t price;
  Order(std::uint64_t i, std::int64_t p) noexcept : id(i), price(p) {}
};

TEST(ObjectPool, ZeroCapacityIsRefused) { EXPECT_THROW(ObjectPool<int>(0), std::length_error); }

TEST(ObjectPool, AbsurdCapacityIsRefusedBeforeAllocating) {
  // 2^32 - 1 slots does not fit the 32-bit free list; refused up front, not by
  // trying to allocate tens of GiB.
  EXPECT_THROW(ObjectPool<std::uint64_t>(std::size_t{0xFFFF'FFFF}), std::length_error);
}

TEST(ObjectPool, HandsOutEverySlotThenReportsExhaustion) {
  ObjectPool<Order> pool(4);
  EXPECT_EQ(pool.capacity(), 4u);
  std::set<Order*> seen;
  for (std::uint64_t i = 0; i < 4; ++i) {
    Order* o = pool.acquire(i, static_cast<std::int64_t>(i) * 100);
    ASSERT_NE(o, nullptr);
    EXPECT_EQ(o->id, i);
    EXPECT_EQ(o->price, static_cast<std::int64_t>(i) * 100);
    EXPECT_TRUE(pool.owns(o));
    seen.insert(o);
  }
  EXPECT_EQ(seen.size(), 4u);
  EXPECT_EQ(pool.in_use(), 4u);
  EXPECT_EQ(pool.available(), 0u);
  EXPECT_EQ(pool.acquire(9u, 9), nullptr);
  EXPECT_EQ(pool.in_use(), 4u);
}

TEST(ObjectPool, ReleasedSlotsAreReused) {
  ObjectPool<Order> pool(2);
  Order* a = pool.acquire(1u, 1);
  Order* b = pool.acquire(2u, 2);
  ASSERT_NE(b, nullptr);
  pool.release(a);
  EXPECT_EQ(pool.available(), 1u);
  Order* c = pool.acquire(3u, 3);
  EXPECT_EQ(c, a);  // the only free slot
  EXPECT_EQ(c->id, 3u);
  EXPECT_EQ(pool.acquire(4u, 4), nullptr);
  // Cycling far more times than the capacity never runs out.
  for (int i = 0; i < 1000; ++i) {
    pool.release(c);
    c = pool.acquire(static_cast<std::uint64_t>(i), i);
    ASSERT_NE(c, nullptr);
  }
}

TEST(ObjectPool, IndexOfAndAtAreInverse) {
  ObjectPool<Order> pool(8);
  std::vector<Order*> orders;
  for (std::uint64_t i = 0; i < 8; ++i) orders.push_back(pool.acquire(i, 0));
  std::set<std::uint32_t> indices;
  for (Order* o : orders) {
    const std::uint32_t idx = pool.index_of(o);
    EXPECT_LT(idx, 8u);
    EXPECT_EQ(pool.at(idx), o);
    indices.insert(idx);
  }
  EXPECT_EQ(indices.size(), 8u);

  const std::uint32_t gone = pool.index_of(orders[3]);
  pool.release(orders[3]);
  EXPECT_EQ(pool.at(gone), nullptr);
  EXPECT_EQ(pool.at(8), nullptr);
  EXPECT_EQ(pool.at(~std::uint32_t{0}), nullptr);
}

TEST(ObjectPool, OwnsOnlyItsOwnObjects) {
  ObjectPool<Order> a(2);
  ObjectPool<Order> b(2);
  Order* x = a.acquire(1u, 1);
  Order local(2, 2);
  EXPECT_TRUE(a.owns(x));
  EXPECT_FALSE(b.owns(x));
  EXPECT_FALSE(a.owns(&local));
}

TEST(ObjectPool, RunsDestructorsOnReleaseAndOnPoolDestruction) {
  LifetimeLedger ledger(100);
  {
    ObjectPool<Tracked> pool(5);
    Tracked* a = pool.acquire(ledger, 1);
    Tracked* b = pool.acquire(ledger, 2);
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    pool.acquire(ledger, 3);
    EXPECT_EQ(ledger.live(), 3u);
    pool.release(b);
    EXPECT_EQ(ledger.live(), 2u);
    EXPECT_EQ(a->value(), 1);
  }  // two objects still live in the pool
  EXPECT_EQ(ledger.live(), 0u);
  EXPECT_EQ(ledger.errors(), 0u);
}

TEST(ObjectPool, OverAlignedTypesAreAligned) {
  struct alignas(64) Line {
    std::uint64_t words[8];
  };
  ObjectPool<Line> pool(3);
  for (int i = 0; i < 3; ++i) {
    const Line* l = pool.acquire();
    ASSERT_NE(l, nullptr);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(l) % 64, 0u);
  }
}

TEST(ObjectPool, NoAllocationAfterConstruction) {
  ObjectPool<Order> pool(64);
  LifetimeLedger ledger(10'000);
  ObjectPool<Tracked> tracked(16);
  Order* held[64] = {};
  test::AllocationCounter counter;
  for (int round = 0; round < 100; ++round) {
    for (auto& h : held) h = pool.acquire(1u, round);
    EXPECT_EQ(pool.acquire(2u, 2), nullptr);
    for (auto* h : held) pool.release(h);
    Tracked* t = tracked.acquire(ledger, round);
    ASSERT_NE(t, nullptr);
    tracked.release(t);
  }
  EXPECT_EQ(counter.allocations(), 0u);
}

}  // namespace
}  // namespace hft::core
