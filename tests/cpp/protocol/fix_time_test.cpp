#include "hft/protocol/fix_time.h"

#include <gtest/gtest.h>

namespace hft::protocol::fix {
namespace {

constexpr std::int64_t kT0 = 1'795'608'000'000'000'000;  // 2026-11-25 12:00:00 UTC

TEST(FixTime, ParsesEachPrecision) {
  std::int64_t ns = 0;
  ASSERT_TRUE(parse_utc_timestamp("20261125-12:00:00", ns));
  EXPECT_EQ(ns, kT0);
  ASSERT_TRUE(parse_utc_timestamp("20261125-12:00:00.123", ns));
  EXPECT_EQ(ns, kT0 + 123'000'000);
  ASSERT_TRUE(parse_utc_timestamp("20261125-12:00:00.123456", ns));
  EXPECT_EQ(ns, kT0 + 123'456'000);
  ASSERT_TRUE(parse_utc_timestamp("20261125-12:00:00.123456789", ns));
  EXPECT_EQ(ns, kT0 + 123'456'789);
  ASSERT_TRUE(parse_utc_timestamp("19700101-00:00:00", ns));
  EXPECT_EQ(ns, 0);
  ASSERT_TRUE(parse_utc_timestamp("20240229-23:59:59", ns));  // leap day
  EXPECT_EQ(ns, 1'709'251'199'000'000'000);
}

TEST(FixTime, RejectsMalformedText) {
  std::int64_t ns = 0;
  for (const char* bad :
       {"", "20261125", "20261125-12:00", "20261125 12:00:00", "20261325-12:00:00", "20261131-12:00:00",
        "20230229-12:00:00", "20261125-24:00:00", "20261125-12:60:00", "20261125-12:00:00.12", "20261125-12:00:00,123",
        "2026112a-12:00:00", "20261125-12:00:00.1234"}) {
    EXPECT_FALSE(parse_utc_timestamp(bad, ns)) << bad;
  }
}

}  // namespace
}  // namespace hft::protocol::fix
