#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "hft/core/text.h"

namespace hft::core {
namespace {

constexpr std::int64_t kI64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kI64Min = std::numeric_limits<std::int64_t>::min();

std::optional<std::int64_t> raw(std::string_view text) {
  const auto p = parse_price(text);
  if (!p) return std::nullopt;
  return p->raw;
}

TEST(ParsePrice, AcceptsDecimalForms) {
  EXPECT_EQ(raw("101.25"), 1'012'500);
  EXPECT_EQ(raw("7"), 70'000);
  EXPECT_EQ(raw("0"), 0);
  EXPECT_EQ(raw("-0"), 0);
  EXPECT_EQ(raw("-0.0001"), -1);
  EXPECT_EQ(raw("+3.5"), 35'000);
  EXPECT_EQ(raw("1.2345"), 12'345);
  EXPECT_EQ(raw("007.50"), 75'000);
}

TEST(ParsePrice, AcceptsAMissingWholeOrFractionPart) {
  EXPECT_EQ(raw(".5"), 5'000);
  EXPECT_EQ(raw("-.5"), -5'000);
  EXPECT_EQ(raw("5."), 50'000);
  EXPECT_EQ(raw("-5."), -50'000);
}

TEST(ParsePrice, RejectsMoreThanFourDecimals) {
  EXPECT_EQ(raw("1.23456"), std::nullopt);
  // Even a trailing zero: a price is never silently rounded or trimmed.
  EXPECT_EQ(raw("1.23450"), std::nullopt);
  EXPECT_EQ(raw(".00001"), std::nullopt);
}

TEST(ParsePrice, RejectsSignsWithoutDigitsAndRepeatedSigns) {
  for (const char* text : {"", "-", "+", ".", "-.", "+.", "--1", "+-1", "-+1", "++1", "--0", "1-", "1.-5", "1.+5"}) {
    EXPECT_EQ(raw(text), std::nullopt) << '"' << text << '"';
  }
}

TEST(ParsePrice, RejectsGarbage) {
  for (const char* text : {"abc", "1a", "a1", " 1", "1 ", "1,5", "1.2.3", "1e3", "0x10", "1..2", "\xd9\xa1", "inf",
                           "nan", "1.5\n", "\t1"}) {
    EXPECT_EQ(raw(text), std::nullopt) << '"' << text << '"';
  }
}

TEST(ParsePrice, RangeLimitsAreExact) {
  EXPECT_EQ(raw("922337203685477.5807"), kI64Max);
  EXPECT_EQ(raw("-922337203685477.5807"), -kI64Max);
  EXPECT_EQ(raw("-922337203685477.5808"), kI64Min);
  EXPECT_EQ(raw("922337203685477.5808"), std::nullopt);
  EXPECT_EQ(raw("-922337203685477.5809"), std::nullopt);
  EXPECT_EQ(raw("922337203685478"), std::nullopt);
  EXPECT_EQ(raw("1844674407370955.1616"), std::nullopt);  // wraps to a small value in 64 bits
  EXPECT_EQ(raw("99999999999999999999"), std::nullopt);
  EXPECT_EQ(raw("-99999999999999999999.9999"), std::nullopt);
}

TEST(PriceToString, TrimsTrailingZeros) {
  EXPECT_EQ(to_string(Price::from_raw(1'012'500)), "101.25");
  EXPECT_EQ(to_string(Price::from_raw(-1)), "-0.0001");
  EXPECT_EQ(to_string(Price::from_raw(70'000)), "7");
  EXPECT_EQ(to_string(Price::from_raw(0)), "0");
  EXPECT_EQ(to_string(Price::from_raw(10'001)), "1.0001");
  EXPECT_EQ(to_string(Price::from_raw(-5'000)), "-0.5");
  EXPECT_EQ(to_string(Price::max()), "922337203685477.5807");
  EXPECT_EQ(to_string(Price::min()), "-922337203685477.5808");
}

TEST(PriceToString, RoundTripsThroughParse) {
  std::mt19937_64 rng(20240607);
  std::vector<std::int64_t> values = {0, 1, -1, 9'999, -9'999, 10'000, -10'000, 10'001, kI64Max, kI64Min, kI64Min + 1};
  for (int i = 0; i < 2000; ++i) {
    values.push_back(static_cast<std::int64_t>(rng()));
    values.push_back(static_cast<std::int64_t>(rng() % 100'000'000) - 50'000'000);  // everyday magnitudes
  }
  for (const std::int64_t v : values) {
    const std::string text = to_string(Price::from_raw(v));
    EXPECT_EQ(raw(text), v) << text;
  }
}

TEST(PriceFromDouble, RoundsToTheNearestTenThousandth) {
  EXPECT_EQ(price_from_double(101.25)->raw, 1'012'500);
  EXPECT_EQ(price_from_double(0.29)->raw, 2'900);  // 0.29 * 1e4 is 2899.9999999999995 in binary
  EXPECT_EQ(price_from_double(0.1 + 0.2)->raw, 3'000);
  EXPECT_EQ(price_from_double(1.00004)->raw, 10'000);
  EXPECT_EQ(price_from_double(1.00006)->raw, 10'001);
  EXPECT_EQ(price_from_double(-1.00006)->raw, -10'001);
  EXPECT_EQ(price_from_double(0.00005)->raw, 1);  // halfway rounds away from zero
  EXPECT_EQ(price_from_double(-0.00005)->raw, -1);
  EXPECT_EQ(price_from_double(0.0)->raw, 0);
  EXPECT_EQ(price_from_double(-0.0)->raw, 0);
}

TEST(PriceFromDouble, RejectsNonFiniteAndOutOfRange) {
  EXPECT_EQ(price_from_double(std::numeric_limits<double>::quiet_NaN()), std::nullopt);
  EXPECT_EQ(price_from_double(std::numeric_limits<double>::infinity()), std::nullopt);
  EXPECT_EQ(price_from_double(-std::numeric_limits<double>::infinity()), std::nullopt);
  EXPECT_EQ(price_from_double(1e15), std::nullopt);
  EXPECT_EQ(price_from_double(-1e15), std::nullopt);
  // 2^63 raw units is the first value that does not fit.
  EXPECT_EQ(price_from_double(std::ldexp(1.0, 63) / 1e4), std::nullopt);
  ASSERT_TRUE(price_from_double(-std::ldexp(1.0, 63) / 1e4).has_value());
  EXPECT_EQ(price_from_double(-std::ldexp(1.0, 63) / 1e4)->raw, kI64Min);
  EXPECT_TRUE(price_from_double(9e14).has_value());
}

}  // namespace
}  // namespace hft::core
