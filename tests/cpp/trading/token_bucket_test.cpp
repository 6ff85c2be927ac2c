#include "hft/trading/token_bucket.h"

#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

namespace hft::trading {
namespace {

constexpr std::uint64_t kNs = 1'000'000'000;  // ticks per second: tsc = ns

// Takes every token available at `now`; returns how many.
std::uint64_t drain(TokenBucket& b, std::uint64_t now) {
  std::uint64_t n = 0;
  while (b.try_take(now)) ++n;
  return n;
}

TEST(TokenBucket, StartsFullWithOneSecondOfTokens) {
  TokenBucket b(5, kNs);
  EXPECT_EQ(b.available(0), 5u);
  EXPECT_EQ(drain(b, 1), 5u);
  EXPECT_EQ(b.available(1), 0u);
  EXPECT_FALSE(b.try_take(1));
}

TEST(TokenBucket, RefillsOneTokenEveryOneOverRateSeconds) {
  TokenBucket b(5, kNs);
  const std::uint64_t t0 = 7 * kNs;
  ASSERT_EQ(drain(b, t0), 5u);
  EXPECT_FALSE(b.try_take(t0 + kNs / 5 - 1));  // a tick short
  EXPECT_TRUE(b.try_take(t0 + kNs / 5));
  EXPECT_FALSE(b.try_take(t0 + kNs / 5));
  EXPECT_EQ(b.available(t0 + 3 * kNs / 5), 2u);
  EXPECT_EQ(drain(b, t0 + kNs), 4u);  // 4 more fifths since the last take
}

TEST(TokenBucket, KeepsFractionsOfATokenAcrossCalls) {
  // 3 a second on a 1000 Hz clock: a token every 333.33 ticks.
  TokenBucket b(3, 1'000);
  const std::uint64_t t0 = 10'000;
  ASSERT_EQ(drain(b, t0), 3u);
  EXPECT_EQ(b.available(t0 + 333), 0u);  // 999/1000 of a token
  EXPECT_EQ(b.available(t0 + 334), 1u);  // 1002/1000
  EXPECT_TRUE(b.try_take(t0 + 334));     // 2/1000 left over, not lost
  EXPECT_EQ(b.available(t0 + 666), 0u);  // 2 + 332 × 3 = 998
  EXPECT_EQ(b.available(t0 + 667), 1u);  // 1001
  // Refilled one tick at a time, a second gives exactly `rate` tokens again.
  TokenBucket c(3, 1'000);
  ASSERT_EQ(drain(c, t0), 3u);
  std::uint64_t taken = 0;
  for (std::uint64_t t = t0 + 1; t <= t0 + 1'000; ++t) taken += c.try_take(t) ? 1u : 0u;
  EXPECT_EQ(taken, 3u);
  EXPECT_EQ(c.available(t0 + 1'000), 0u);
}

TEST(TokenBucket, HoldsAtMostOneSecondOfTokens) {
  TokenBucket b(5, kNs);
  ASSERT_EQ(drain(b, kNs), 5u);
  EXPECT_EQ(b.available(kNs + 10 * kNs), 5u);
  EXPECT_EQ(drain(b, 12 * kNs), 5u);
  // Half a second after a full bucket was drained: half of it.
  EXPECT_EQ(b.available(12 * kNs + kNs / 2), 2u);
}

TEST(TokenBucket, LongIdleDoesNotOverflow) {
  // A 3 GHz TSC and a high rate: rate × elapsed would overflow 64 bits after
  // about six seconds if the elapsed time were not clamped.
  const std::uint64_t tps = 3'000'000'000;
  const std::uint64_t rate = 1'000'000;
  TokenBucket b(rate, tps);
  ASSERT_EQ(b.available(1), rate);
  for (std::uint64_t i = 0; i < rate; ++i) ASSERT_TRUE(b.try_take(2));
  EXPECT_FALSE(b.try_take(2));
  const std::uint64_t late = std::numeric_limits<std::uint64_t>::max() - 1;
  EXPECT_EQ(b.available(late), rate);
  EXPECT_TRUE(b.try_take(late));
  EXPECT_EQ(b.available(late), rate - 1);
  EXPECT_EQ(b.available(late + 1), rate - 1);  // 1/3000 of a token per tick
}

TEST(TokenBucket, TimeGoingBackwardsIsIgnored) {
  TokenBucket b(10, kNs);
  const std::uint64_t t0 = 100 * kNs;
  ASSERT_EQ(drain(b, t0), 10u);
  EXPECT_FALSE(b.try_take(t0 - kNs));  // a step back adds nothing
  EXPECT_EQ(b.available(5), 0u);
  // ...and does not move the last refill back: 100 ms after t0 is one token,
  // not the 1.1 s (a full bucket) since the step back.
  EXPECT_EQ(b.available(t0 + kNs / 10), 1u);
  EXPECT_EQ(b.available(t0 + kNs / 10), 1u);  // the same instant twice: no double refill
}

TEST(TokenBucket, RateOfOne) {
  TokenBucket b(1, kNs);
  EXPECT_TRUE(b.try_take(kNs));
  EXPECT_FALSE(b.try_take(kNs + kNs - 1));
  EXPECT_TRUE(b.try_take(kNs + kNs));
  EXPECT_FALSE(b.try_take(kNs + kNs));
}

}  // namespace
}  // namespace hft::trading
