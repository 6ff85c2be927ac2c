// After construction, nothing the hot thread calls on the trading core may
// touch the heap: orders, reports, fills, marks, timers, kill and resume.
#include <gtest/gtest.h>

#include "support/allocation_counter.h"
#include "trading/core_fixture.h"

namespace hft::trading::test {
namespace {

TEST_F(CoreTest, TheHotPathsAllocateNothing) {
  // Warm up once so lazily initialised library state (none expected) is not
  // blamed on the loop.
  trade(Side::Buy, 10);
  gateway.sent.clear();
  audit.records.clear();

  hft::test::AllocationCounter counter;
  for (int i = 0; i < 200; ++i) {
    // Past the reject-storm window, so the one reject per round never adds up.
    now += 2 * kSecond;
    if (state() != KillState::Active) core.resume(now);
    const SymbolId s{static_cast<std::uint32_t>(i % 4)};
    quote(s, (99 + i % 2) * kDollar, 101 * kDollar);
    core.on_trade(s, Price{100 * kDollar}, ++now);
    const SubmitResult a = buy(10, 100 * kDollar, s);
    ASSERT_NE(a.order, nullptr) << to_string(a.reason) << " at iteration " << i;
    const OrderId id = a.order->cl_ord_id;
    ack(id);
    fill(id, 3);
    const RequestResult rep = core.replace(id, Price{100 * kDollar}, Qty{12}, ++now);
    ExecutionReport done = report(ExecKind::Replaced, id);
    done.orig_cl_ord_id = id;
    done.cl_ord_id = rep.request_id;
    core.on_execution_report(done);
    core.cancel(rep.request_id, ++now);
    ExecutionReport canceled = report(ExecKind::Canceled, rep.request_id);
    core.on_execution_report(canceled);
    buy(100'000);  // a risk reject
    core.on_timer(++now);
    if (i % 50 == 0) {
      core.kill(KillLevel::Halt, ++now);
      core.resume(++now);
    }
  }
  EXPECT_EQ(counter.allocations(), 0u);
  EXPECT_EQ(gateway.sent.size(), 600u) << "new, replace and cancel in every round: the loop really traded";
}

}  // namespace
}  // namespace hft::trading::test
