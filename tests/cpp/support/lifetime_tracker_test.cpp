#include "support/lifetime_tracker.h"

#include <utility>

#include <gtest/gtest.h>

namespace hft::test {
namespace {

TEST(LifetimeLedger, CountsCopiesAndMovesAsObjects) {
  LifetimeLedger ledger(8);
  {
    Tracked a(ledger, 1);
    Tracked b(a);
    Tracked c(std::move(a));
    EXPECT_EQ(c.value(), 1);
    EXPECT_EQ(a.value(), -1);  // NOLINT(bugprone-use-after-move): checking the moved-from state
    EXPECT_EQ(ledger.live(), 3u);
  }
  EXPECT_EQ(ledger.constructed(), 3u);
  EXPECT_EQ(ledger.destroyed(), 3u);
  EXPECT_EQ(ledger.errors(), 0u);
}

TEST(LifetimeLedger, ReportsADoubleDestruction) {
  LifetimeLedger ledger(4);
  const std::size_t id = ledger.born();
  ledger.died(id);
  ledger.died(id);
  EXPECT_EQ(ledger.errors(), 1u);
}

TEST(LifetimeLedger, ReportsAnOverfullLedger) {
  LifetimeLedger ledger(1);
  Tracked a(ledger, 1);
  Tracked b(ledger, 2);
  EXPECT_EQ(ledger.errors(), 1u);
}

}  // namespace
}  // namespace hft::test
