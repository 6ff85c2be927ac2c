// After start, nothing the pipeline drives through the strategy host may
// touch the heap: book updates, trades, status changes, execution reports,
// timers, kill and resume, with both strategies quoting and taking.
#include <gtest/gtest.h>

#include "hft/engine/liquidity_taker.h"
#include "hft/engine/market_maker.h"

#include "engine/strategy_fixture.h"
#include "support/allocation_counter.h"

namespace hft::engine::test {
namespace {

class StrategyAllocationTest : public StrategyTest {};

TEST_F(StrategyAllocationTest, TheStrategyPathsAllocateNothing) {
  ASSERT_TRUE(hft::test::allocation_hooks_installed());
  MarketMakerSettings mm;
  mm.max_position = 300;
  mm.min_quote_life_ns = 0;
  LiquidityTakerSettings lt;
  lt.cooldown_ns = 0;
  lt.max_position = 300;
  host.add(std::make_unique<MarketMaker>("mm1", mm, std::vector<SymbolId>{kAapl}), {kAapl});
  host.add(std::make_unique<LiquidityTaker>("lt1", lt, std::vector<SymbolId>{kMsft}), {kMsft});
  host.start();
  // Warm up: every path once, and both locates have their refs entry.
  quote(kAaplLocate, 999'900, 100, 1'000'100, 100);
  quote(kMsftLocate, 499'900, 700, 500'100, 300);
  answer_all();

  const std::size_t before = gateway.sent.size();
  hft::test::AllocationCounter counter;
  for (int i = 0; i < 200; ++i) {
    now += kMilli;
    const std::int64_t shift = (i % 5) * kCent;
    quote(kAaplLocate, 999'900 + shift, 100, 1'000'100 + shift, 100);
    quote(kMsftLocate, 499'900, i % 2 ? 700u : 100u, 500'100, i % 2 ? 300u : 900u);
    // The venue fills part of whatever the market maker's bid is, then
    // answers everything outstanding.
    const std::size_t n = gateway.sent.size();
    for (std::size_t k = before; k < n; ++k) {
      const SentMessage& m = gateway.sent[k];
      if (m.kind == SentMessage::Kind::New && m.symbol == kAapl && k + 1 == n && i % 7 == 0) {
        ack(m.cl_ord_id);
        fill(m.cl_ord_id, 10, m.price.raw);
      }
    }
    answer_all();
    status(kAaplLocate, i % 50 == 25 ? 'H' : 'T');
    host.on_timer(now);
    if (i % 40 == 39) {
      host.kill(trading::KillLevel::Halt, ++now);
      answer_all();
      host.resume(++now);
    }
  }
  EXPECT_EQ(counter.allocations(), 0u);
  EXPECT_GT(gateway.sent.size() - before, 400u) << "the loop really traded";
  EXPECT_GT(gateway.count(SentMessage::Kind::Replace), 0u);
}

}  // namespace
}  // namespace hft::engine::test
