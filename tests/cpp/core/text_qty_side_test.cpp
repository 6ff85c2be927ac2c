#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "hft/core/text.h"

namespace hft::core {
namespace {

std::optional<std::int64_t> qty(std::string_view text) {
  const auto q = parse_qty(text);
  if (!q) return std::nullopt;
  return q->value;
}

TEST(ParseQty, AcceptsSignedIntegers) {
  EXPECT_EQ(qty("100"), 100);
  EXPECT_EQ(qty("-5"), -5);
  EXPECT_EQ(qty("+5"), 5);
  EXPECT_EQ(qty("0"), 0);
  EXPECT_EQ(qty("9223372036854775807"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(qty("-9223372036854775808"), std::numeric_limits<std::int64_t>::min());
}

TEST(ParseQty, RejectsEverythingElse) {
  for (const char* text : {"", "+", "-", "+-5", "--5", "1.5", "1.", "1e3", " 1", "1 ", "abc", "9223372036854775808",
                           "-9223372036854775809"}) {
    EXPECT_EQ(qty(text), std::nullopt) << '"' << text << '"';
  }
}

TEST(QtyToString, RoundTrips) {
  for (const std::int64_t v : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{42},
                               std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min()}) {
    EXPECT_EQ(qty(to_string(Qty{v})), v);
  }
}

TEST(ParseSide, AcceptsWordsItchAndFixForms) {
  for (const char* text : {"buy", "BUY", "Buy", "bUy", "B", "1"}) EXPECT_EQ(parse_side(text), Side::Buy) << text;
  for (const char* text : {"sell", "SELL", "Sell", "S", "2"}) EXPECT_EQ(parse_side(text), Side::Sell) << text;
}

TEST(ParseSide, RejectsEverythingElse) {
  for (const char* text : {"", "b", "s", "3", "0", "buyer", "bu", "sel", " buy", "buy ", "BS"}) {
    EXPECT_EQ(parse_side(text), std::nullopt) << '"' << text << '"';
  }
}

TEST(SideToString, RoundTrips) {
  EXPECT_EQ(to_string(Side::Buy), "buy");
  EXPECT_EQ(to_string(Side::Sell), "sell");
  EXPECT_EQ(parse_side(to_string(Side::Buy)), Side::Buy);
  EXPECT_EQ(parse_side(to_string(Side::Sell)), Side::Sell);
}

}  // namespace
}  // namespace hft::core
