#include "hft/core/spsc_ring.h"

#include <array>
#include <cstdint>
#include <memory>
#include <numeric>
#include <vector>

#include <gtest/gtest.h>

#include "support/allocation_counter.h"
#include "support/lifetime_tracker.h"

namespace hft::core {
namespace {

using test::LifetimeLedger;
using test::Tracked;

template <typename Ring>
std::unique_ptr<Ring> make() {
  return std::make_unique<Ring>();
}

TEST(SpscRing, StartsEmpty) {
  auto r = make<SpscRing<int, 8>>();
  EXPECT_TRUE(r->empty());
  EXPECT_EQ(r->size(), 0u);
  EXPECT_EQ(r->capacity(), 8u);
  EXPECT_EQ(r->front(), nullptr);
  int out = -1;
  EXPECT_FALSE(r->try_pop(out));
  EXPECT_EQ(out, -1);
}

TEST(SpscRing, FillsToCapacityThenRefuses) {
  auto r = make<SpscRing<int, 4>>();
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(r->try_push(i));
  EXPECT_EQ(r->size(), 4u);
  EXPECT_FALSE(r->try_push(99));
  EXPECT_FALSE(r->try_emplace(99));
  int out = -1;
  ASSERT_TRUE(r->try_pop(out));
  EXPECT_EQ(out, 0);
  EXPECT_TRUE(r->try_push(4));  // one slot freed, one slot usable
  EXPECT_FALSE(r->try_push(5));
  for (int want = 1; want <= 4; ++want) {
    ASSERT_TRUE(r->try_pop(out));
    EXPECT_EQ(out, want);
  }
  EXPECT_TRUE(r->empty());
}

TEST(SpscRing, FrontPeeksUntilPop) {
  auto r = make<SpscRing<int, 2>>();
  ASSERT_TRUE(r->try_push(7));
  ASSERT_TRUE(r->try_push(8));
  ASSERT_NE(r->front(), nullptr);
  EXPECT_EQ(*r->front(), 7);
  EXPECT_EQ(*r->front(), 7);
  r->pop();
  EXPECT_EQ(*r->front(), 8);
  r->pop();
  EXPECT_EQ(r->front(), nullptr);
}

TEST(SpscRing, KeepsFifoOrderThroughManyWraparounds) {
  auto r = make<SpscRing<std::uint64_t, 8>>();
  std::uint64_t next_in = 0;
  std::uint64_t next_out = 0;
  // Occupancy swings between 0 and full with a period that does not divide
  // the capacity, so every slot is used at every offset.
  for (int round = 0; round < 1000; ++round) {
    const int pushes = 1 + round % 8;
    for (int i = 0; i < pushes && r->try_push(next_in); ++i) ++next_in;
    const int pops = 1 + (round * 5) % 7;
    std::uint64_t v = 0;
    for (int i = 0; i < pops && r->try_pop(v); ++i) ASSERT_EQ(v, next_out++);
    ASSERT_EQ(r->size(), next_in - next_out);
  }
  std::uint64_t v = 0;
  while (r->try_pop(v)) ASSERT_EQ(v, next_out++);
  EXPECT_EQ(next_out, next_in);
  EXPECT_GT(next_in, 1000u);
}

TEST(SpscRing, BatchesCrossTheWrapPoint) {
  auto r = make<SpscRing<std::uint32_t, 8>>();
  // Move both indices to slot 5 so a batch of 6 spans slots 5,6,7,0,1,2.
  for (std::uint32_t i = 0; i < 5; ++i) ASSERT_TRUE(r->try_push(i));
  std::array<std::uint32_t, 8> sink{};
  ASSERT_EQ(r->pop_batch(sink.data(), 5), 5u);

  std::array<std::uint32_t, 6> in{};
  std::iota(in.begin(), in.end(), 100u);
  ASSERT_EQ(r->push_batch(in.data(), in.size()), 6u);
  EXPECT_EQ(r->size(), 6u);

  std::array<std::uint32_t, 6> out{};
  ASSERT_EQ(r->pop_batch(out.data(), out.size()), 6u);
  EXPECT_EQ(out, in);
  EXPECT_TRUE(r->empty());
}

TEST(SpscRing, BatchesAreCutToWhatFits) {
  auto r = make<SpscRing<std::uint32_t, 8>>();
  std::array<std::uint32_t, 12> in{};
  std::iota(in.begin(), in.end(), 0u);
  EXPECT_EQ(r->push_batch(in.data(), in.size()), 8u);
  EXPECT_EQ(r->push_batch(in.data(), 1), 0u);

  std::array<std::uint32_t, 3> a{};
  EXPECT_EQ(r->pop_batch(a.data(), a.size()), 3u);
  EXPECT_EQ(a, (std::array<std::uint32_t, 3>{0, 1, 2}));
  // Three free slots now, two of them behind the wrap point.
  EXPECT_EQ(r->push_batch(in.data() + 8, 4), 3u);

  std::array<std::uint32_t, 12> rest{};
  EXPECT_EQ(r->pop_batch(rest.data(), rest.size()), 8u);
  for (std::uint32_t i = 0; i < 8; ++i) EXPECT_EQ(rest[i], i + 3);
  EXPECT_EQ(r->pop_batch(rest.data(), rest.size()), 0u);
}

TEST(SpscRing, EmptyBatchesAreHarmless) {
  auto r = make<SpscRing<std::uint32_t, 4>>();
  EXPECT_EQ(r->push_batch(nullptr, 0), 0u);
  EXPECT_EQ(r->pop_batch(nullptr, 0), 0u);
  ASSERT_TRUE(r->try_push(1u));
  EXPECT_EQ(r->pop_batch(nullptr, 0), 0u);
  EXPECT_EQ(r->size(), 1u);
}

TEST(SpscRing, SinglesAndBatchesInterleave) {
  auto r = make<SpscRing<std::uint64_t, 16>>();
  std::uint64_t next_in = 0;
  std::uint64_t next_out = 0;
  std::array<std::uint64_t, 5> buf{};
  for (int round = 0; round < 500; ++round) {
    if (round % 2 == 0) {
      for (auto& b : buf) b = next_in++;
      const std::size_t k = r->push_batch(buf.data(), buf.size());
      next_in -= buf.size() - k;  // the rest were not taken
    } else if (r->try_push(next_in)) {
      ++next_in;
    }
    if (round % 3 == 0) {
      const std::size_t k = r->pop_batch(buf.data(), 4);
      for (std::size_t i = 0; i < k; ++i) ASSERT_EQ(buf[i], next_out++);
    } else {
      std::uint64_t v = 0;
      if (r->try_pop(v)) {
        ASSERT_EQ(v, next_out++);
      }
    }
  }
  EXPECT_EQ(r->size(), next_in - next_out);
}

TEST(SpscRing, DestroysEveryElementExactlyOnce) {
  LifetimeLedger ledger(10'000);
  {
    auto r = make<SpscRing<Tracked, 8>>();
    const Tracked original(ledger, 5);
    ASSERT_TRUE(r->try_push(original));            // copy
    ASSERT_TRUE(r->try_push(Tracked(ledger, 6)));  // move from a temporary
    ASSERT_TRUE(r->try_emplace(ledger, 7));        // in place
    EXPECT_EQ(ledger.live(), 4u);

    Tracked out(ledger, 0);
    ASSERT_TRUE(r->try_pop(out));
    EXPECT_EQ(out.value(), 5);
    r->pop();  // destroys 6 in place
    const Tracked* next = r->front();
    ASSERT_NE(next, nullptr);
    EXPECT_EQ(next->value(), 7);
    EXPECT_EQ(ledger.live(), 3u);  // original, out, and 7 in the ring

    // Wrap a few times with elements left behind at different offsets.
    for (int i = 0; i < 50; ++i) {
      while (r->try_emplace(ledger, i)) {
      }
      for (int k = 0; k < 1 + i % 8; ++k) {
        if (r->front() != nullptr) r->pop();
      }
    }
    EXPECT_EQ(ledger.live(), 2u + r->size());
  }  // the ring's destructor destroys what it still holds
  EXPECT_EQ(ledger.live(), 0u);
  EXPECT_EQ(ledger.errors(), 0u);
}

TEST(SpscRing, MoveOnlyElements) {
  auto r = make<SpscRing<std::unique_ptr<int>, 4>>();
  ASSERT_TRUE(r->try_push(std::make_unique<int>(11)));
  ASSERT_TRUE(r->try_emplace(std::make_unique<int>(12)));
  std::unique_ptr<int> out;
  ASSERT_TRUE(r->try_pop(out));
  EXPECT_EQ(*out, 11);
  // The element left behind is freed by the ring (ASan would report a leak).
}

TEST(SpscRing, SlotsDoNotShareLinesWithTheIndices) {
  using Ring = SpscRing<std::uint64_t, 64>;
  // Two index lines of 128 bytes, the storage, and a tail pad.
  EXPECT_GE(sizeof(Ring), 2 * kFalseSharingRange + 64 * sizeof(std::uint64_t) + kFalseSharingRange);
  EXPECT_EQ(alignof(Ring), kFalseSharingRange);
  auto r = make<Ring>();
  ASSERT_TRUE(r->try_push(1u));
  const auto slot = reinterpret_cast<std::uintptr_t>(r->front());
  EXPECT_EQ(slot % kFalseSharingRange, 0u);
  EXPECT_GE(slot - reinterpret_cast<std::uintptr_t>(r.get()), 2 * kFalseSharingRange);
}

TEST(SpscRing, PushAndPopDoNotAllocate) {
  auto r = make<SpscRing<std::uint64_t, 64>>();
  std::array<std::uint64_t, 16> buf{};
  test::AllocationCounter counter;
  std::uint64_t sum = 0;
  for (std::uint64_t i = 0; i < 10'000; ++i) {
    r->try_push(i);
    r->push_batch(buf.data(), 3);
    std::uint64_t v = 0;
    if (r->try_pop(v)) sum += v;
    sum += r->pop_batch(buf.data(), 3);
  }
  EXPECT_EQ(counter.allocations(), 0u);
  EXPECT_GT(sum, 0u);
}

}  // namespace
}  // namespace hft::core
