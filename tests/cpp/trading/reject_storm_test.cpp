#include "hft/trading/reject_storm.h"

#include <cstdint>

#include <gtest/gtest.h>

namespace hft::trading {
namespace {

TEST(RejectStorm, ExactlyCountWithinTheWindowIsAStorm) {
  RejectStormDetector d(3, 1'000);
  EXPECT_FALSE(d.on_reject(10'000));
  EXPECT_FALSE(d.on_reject(10'500));
  EXPECT_TRUE(d.on_reject(11'000));  // the first and the third exactly a window apart
  EXPECT_TRUE(d.holds(11'000));
}

TEST(RejectStorm, FewerThanCountIsNot) {
  RejectStormDetector d(3, 1'000);
  EXPECT_FALSE(d.on_reject(5));
  EXPECT_FALSE(d.on_reject(5));
  EXPECT_FALSE(d.holds(5));
  EXPECT_TRUE(d.on_reject(5));  // all at once
}

TEST(RejectStorm, SpreadWiderThanTheWindowIsNot) {
  RejectStormDetector d(3, 1'000);
  EXPECT_FALSE(d.on_reject(10'000));
  EXPECT_FALSE(d.on_reject(10'500));
  EXPECT_FALSE(d.on_reject(11'001));  // one tick too late
  EXPECT_FALSE(d.on_reject(12'002));  // 10'500 .. 12'002: still too wide
  EXPECT_FALSE(d.on_reject(12'500));  // 11'001 .. 12'500
  EXPECT_TRUE(d.on_reject(12'900));   // 12'002 .. 12'900: the window slides
}

TEST(RejectStorm, SlidingWindowUsesOnlyTheLastCount) {
  RejectStormDetector d(3, 1'000);
  EXPECT_FALSE(d.on_reject(0));
  EXPECT_FALSE(d.on_reject(600));
  EXPECT_FALSE(d.on_reject(1'200));  // 0 .. 1'200
  EXPECT_TRUE(d.on_reject(1'300));   // 600 .. 1'300
  EXPECT_TRUE(d.on_reject(1'400));   // 1'200 .. 1'400
  EXPECT_FALSE(d.on_reject(2'301));  // 1'300 .. 2'301
}

TEST(RejectStorm, HoldsTurnsFalseOnceTimePasses) {
  RejectStormDetector d(3, 1'000);
  d.on_reject(100);
  d.on_reject(200);
  ASSERT_TRUE(d.on_reject(300));
  EXPECT_TRUE(d.holds(1'100));   // the oldest is exactly a window old
  EXPECT_FALSE(d.holds(1'101));  // and now it is older
  EXPECT_FALSE(d.holds(50'000));
  EXPECT_FALSE(d.on_reject(50'000));  // one new reject is not a new storm
}

TEST(RejectStorm, CountOfOneAndZero) {
  RejectStormDetector one(1, 10);
  EXPECT_FALSE(one.holds(0));
  EXPECT_TRUE(one.on_reject(100));
  EXPECT_TRUE(one.holds(110));
  EXPECT_FALSE(one.holds(111));
  RejectStormDetector zero(0, 10);  // treated as one
  EXPECT_TRUE(zero.on_reject(100));
}

TEST(RejectStorm, ZeroWindowNeedsTheSameInstant) {
  RejectStormDetector d(2, 0);
  EXPECT_FALSE(d.on_reject(7));
  EXPECT_TRUE(d.on_reject(7));
  EXPECT_FALSE(d.on_reject(8));
}

}  // namespace
}  // namespace hft::trading
