// Two threads through one ring: every item arrives, once, in order, intact.
// Run alone under -DHFT_SANITIZE=thread to check the memory ordering.

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>

#include <gtest/gtest.h>

#include "hft/core/cache.h"
#include "hft/core/cpu.h"
#include "hft/core/spsc_ring.h"

namespace hft::core {
namespace {

#if defined(__SANITIZE_THREAD__)
constexpr std::uint64_t kItems = 300'000;  // TSan runs ~20x slower
#else
constexpr std::uint64_t kItems = 4'000'000;
#endif
constexpr auto kTimeLimit = std::chrono::seconds(40);

/// Two words that must travel together: a torn or stale slot breaks the pair.
struct Item {
  std::uint64_t seq;
  std::uint64_t check;
};
constexpr std::uint64_t check_of(std::uint64_t seq) noexcept { return ~seq * 0x9E3779B97F4A7C15ULL; }

/// Spins, then yields: the test must finish even when it shares two cores
/// with other test processes.
class Backoff {
 public:
  void wait() noexcept {
    if (++spins_ < 256) {
      cpu_relax();
    } else {
      spins_ = 0;
      std::this_thread::yield();
    }
  }
  void reset() noexcept { spins_ = 0; }

 private:
  unsigned spins_{0};
};

struct Outcome {
  std::uint64_t received{0};
  std::uint64_t first_bad_seq{~std::uint64_t{0}};
  std::uint64_t expected_at_bad{0};
  bool timed_out{false};
};

template <std::size_t N>
Outcome run(bool batches) {
  auto ring = std::make_unique<SpscRing<Item, N>>();
  std::atomic<bool> stop{false};
  const auto deadline = std::chrono::steady_clock::now() + kTimeLimit;
  const auto cores = allowed_cpus();

  std::thread producer([&] {
    // Pinning is best effort: the test is about correctness, not speed.
    if (cores.size() >= 2) (void)pin_current_thread(cores[0]);
    Backoff backoff;
    std::array<Item, 7> batch{};
    std::uint64_t seq = 0;
    while (seq < kItems && !stop.load(std::memory_order_relaxed)) {
      std::size_t pushed = 0;
      if (batches && seq % 3 != 0) {
        const std::size_t n = std::min<std::uint64_t>(batch.size(), kItems - seq);
        for (std::size_t i = 0; i < n; ++i) batch[i] = Item{seq + i, check_of(seq + i)};
        pushed = ring->push_batch(batch.data(), n);
      } else {
        pushed = ring->try_push(Item{seq, check_of(seq)}) ? 1 : 0;
      }
      seq += pushed;
      if (pushed == 0) {
        backoff.wait();
      } else {
        backoff.reset();
      }
    }
  });

  Outcome out;
  if (cores.size() >= 2) (void)pin_current_thread(cores[1]);
  Backoff backoff;
  std::array<Item, 5> batch{};
  std::uint64_t polls = 0;
  while (out.received < kItems) {
    std::size_t got = 0;
    if (batches && out.received % 2 == 0) {
      got = ring->pop_batch(batch.data(), batch.size());
    } else if (ring->try_pop(batch[0])) {
      got = 1;
    }
    for (std::size_t i = 0; i < got; ++i) {
      const Item& it = batch[i];
      if ((it.seq != out.received || it.check != check_of(it.seq)) && out.first_bad_seq == ~std::uint64_t{0}) {
        out.first_bad_seq = it.seq;
        out.expected_at_bad = out.received;
      }
      ++out.received;
    }
    if (got == 0) {
      backoff.wait();
    } else {
      backoff.reset();
    }
    if ((++polls & 0xFFFF) == 0 && std::chrono::steady_clock::now() > deadline) {
      out.timed_out = true;
      break;
    }
  }
  stop.store(true);
  producer.join();
  return out;
}

void expect_complete(const Outcome& out) {
  EXPECT_FALSE(out.timed_out) << "only " << out.received << " of " << kItems << " items arrived in time";
  EXPECT_EQ(out.received, kItems);
  EXPECT_EQ(out.first_bad_seq, ~std::uint64_t{0})
      << "item " << out.first_bad_seq << " arrived where " << out.expected_at_bad << " was due, or was torn";
}

TEST(SpscRingStress, SingleItemsArriveInOrderWithoutLoss) { expect_complete(run<1024>(false)); }

TEST(SpscRingStress, BatchesArriveInOrderWithoutLoss) { expect_complete(run<1024>(true)); }

// A tiny ring keeps both sides on the full/empty edges, where the cached
// indices are refreshed.
TEST(SpscRingStress, TinyRingStaysCorrectOnTheEdges) { expect_complete(run<4>(true)); }

}  // namespace
}  // namespace hft::core
