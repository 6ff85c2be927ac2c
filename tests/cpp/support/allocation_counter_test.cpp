#include "support/allocation_counter.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/escape.h"

namespace hft::test {
namespace {

struct alignas(64) OverAligned {
  std::uint64_t v[8];
};

TEST(AllocationCounter, HooksAreLinkedIntoEveryTestExecutable) { EXPECT_TRUE(allocation_hooks_installed()); }

TEST(AllocationCounter, CountsVectorGrowth) {
  AllocationCounter counter;
  std::vector<int> v;
  v.push_back(1);
  escape(v.data());
  EXPECT_GE(counter.allocations(), 1u);
  EXPECT_GE(counter.bytes(), sizeof(int));
}

TEST(AllocationCounter, ArithmeticDoesNotAllocate) {
  std::uint64_t x = 1;
  AllocationCounter counter;
  for (std::uint64_t i = 0; i < 1000; ++i) {
    x = x * 6364136223846793005ULL + i;
    escape(&x);
  }
  EXPECT_EQ(counter.allocations(), 0u);
  EXPECT_EQ(counter.bytes(), 0u);
}

TEST(AllocationCounter, AllocationsBeforeTheScopeAreNotCounted) {
  auto early = std::make_unique<std::string>(100, 'x');
  escape(early.get());
  AllocationCounter counter;
  EXPECT_EQ(counter.allocations(), 0u);
}

TEST(AllocationCounter, CountsEveryOperatorNewForm) {
  AllocationCounter counter;
  std::uint64_t expected_bytes = 0;

  int* a = new int(1);
  escape(a);
  delete a;
  expected_bytes += sizeof(int);

  int* b = new int[4];
  escape(b);
  delete[] b;
  expected_bytes += 4 * sizeof(int);

  int* c = new (std::nothrow) int(2);
  escape(c);
  delete c;
  expected_bytes += sizeof(int);

  int* d = new (std::nothrow) int[3];
  escape(d);
  delete[] d;
  expected_bytes += 3 * sizeof(int);

  auto* e = new OverAligned{};
  escape(e);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(e) % alignof(OverAligned), 0u);
  delete e;
  expected_bytes += sizeof(OverAligned);

  auto* f = new OverAligned[2];
  escape(f);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(f) % alignof(OverAligned), 0u);
  delete[] f;
  expected_bytes += 2 * sizeof(OverAligned);

  auto* g = new (std::nothrow) OverAligned{};
  escape(g);
  delete g;
  expected_bytes += sizeof(OverAligned);

  void* h = ::operator new (10, std::align_val_t{256}, std::nothrow);
  escape(h);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(h) % 256, 0u);
  ::operator delete (h, std::align_val_t{256}, std::nothrow);
  expected_bytes += 10;

  EXPECT_EQ(counter.allocations(), 8u);
  EXPECT_EQ(counter.deallocations(), 8u);
  EXPECT_EQ(counter.bytes(), expected_bytes);
}

TEST(AllocationCounter, ScopesNest) {
  AllocationCounter outer;
  auto first = std::make_unique<int>(1);
  escape(first.get());
  {
    AllocationCounter inner;
    auto second = std::make_unique<int>(2);
    auto third = std::make_unique<int>(3);
    escape(second.get());
    escape(third.get());
    EXPECT_EQ(inner.allocations(), 2u);
  }
  EXPECT_EQ(outer.allocations(), 3u);
  EXPECT_EQ(outer.deallocations(), 2u);
}

TEST(AllocationCounter, IgnoresOtherThreads) {
  std::atomic<int> stage{0};
  // The thread is created (which allocates) before the counted scope opens.
  std::thread other([&stage] {
    while (stage.load() != 1) std::this_thread::yield();
    std::vector<int> v(1000, 7);
    escape(v.data());
    stage.store(2);
  });
  {
    AllocationCounter counter;
    stage.store(1);
    while (stage.load() != 2) std::this_thread::yield();
    EXPECT_EQ(counter.allocations(), 0u);
  }
  other.join();
}

TEST(AllocationCounter, ZeroByteAllocationsAreDistinct) {
  AllocationCounter counter;
  void* a = ::operator new(0);
  void* b = ::operator new(0);
  EXPECT_NE(a, b);
  ::operator delete(a);
  ::operator delete(b);
  EXPECT_EQ(counter.allocations(), 2u);
}

}  // namespace
}  // namespace hft::test
