// The trading core's hot calls, each timed on its own so the tail is real:
// order id, the pre-trade risk chain (passing, and rejected late in the
// chain), a fill booked into positions, and the kill switch from trigger to
// "no order passes" (alone, and with cancel-all of 100 live orders).
//
// Inputs are shaped like a market maker's flow: 10 instruments with resting
// positions and open orders, prices spread around each mid, both sides.

#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include "hft/core/clock.h"
#include "hft/core/latency_histogram.h"
#include "hft/trading/order_id.h"
#include "hft/trading/position_book.h"
#include "hft/trading/trading_core.h"

#include "support/batch_timer.h"
#include "support/latency_report.h"
#include "support/tsc.h"

namespace hft::bench {
namespace {

using namespace hft::trading;
using core::Clock;
using core::LatencyHistogram;

constexpr std::uint32_t kSymbols = 10;
constexpr std::size_t kInputs = 1 << 12;
constexpr std::size_t kMask = kInputs - 1;
constexpr std::int64_t kDollar = 10'000;

class NullGateway final : public OrderGateway {
 public:
  void send_new(const Order&) noexcept override { ++sent; }
  void send_cancel(const Order&, OrderId) noexcept override { ++sent; }
  void send_replace(const Order&, OrderId, Price, Qty) noexcept override { ++sent; }
  std::uint64_t sent{0};
};

class NullAudit final : public AuditSink {
 public:
  void record(const AuditRecord& r) noexcept override { last_type = r.type; }
  AuditType last_type{AuditType::Invalid};
};

TradingSettings settings() {
  TradingSettings s;
  for (std::uint32_t i = 0; i < kSymbols; ++i) s.instruments.push_back({Price{100}, 1, 100'000, true});
  s.risk.max_total_position = 10'000'000;
  s.risk.max_notional_exposure = 1'000'000'000 * kDollar;
  s.risk.max_orders_per_second = 1'000'000;  // the bench checks more than that: see BM_RiskChainPass
  s.risk.max_daily_loss = 10'000'000 * kDollar;
  s.risk.max_order_quantity = 10'000;
  s.risk.max_order_notional = 10'000'000 * kDollar;
  s.risk.max_open_orders = 10'000;
  s.risk.price_band_bps = 500;
  s.kill.reject_storm_count = 100'000;  // never trips here; each counted reject costs a slot
  s.kill.market_data_stale_ns = 1'000'000'000'000;
  s.order_capacity = 1 << 16;
  return s;
}

/// A core with quotes on every instrument, positions from a few fills and
/// some open orders, as a running engine would have.
struct Desk {
  explicit Desk(TradingSettings s = settings()) : core(s, OrderIdGenerator(1), gateway, audit, tsc_calibration()) {
    std::mt19937_64 rng(11);
    std::uint64_t now = Clock::now();
    for (std::uint32_t i = 0; i < kSymbols; ++i) {
      const std::int64_t mid = (50 + 17 * i) * kDollar;
      mids.push_back(mid);
      core.on_quote(SymbolId{i}, Price{mid - kDollar / 100}, Price{mid + kDollar / 100}, now);
    }
    for (std::uint32_t i = 0; i < kSymbols; ++i) {
      for (int k = 0; k < 5; ++k) {
        OrderRequest r = request(rng, i);
        const SubmitResult res = core.submit(r, ++now);
        if (res.order == nullptr) continue;
        if (k < 2) fill(res.order->cl_ord_id, res.order->quantity.value, res.order->price, now);
      }
    }
  }

  OrderRequest request(std::mt19937_64& rng, std::uint32_t symbol) const {
    OrderRequest r;
    r.symbol = SymbolId{symbol};
    r.side = rng() % 2 ? Side::Buy : Side::Sell;
    r.quantity = Qty{100 * (1 + static_cast<std::int64_t>(rng() % 5))};
    // Within 2 % of the mid, on the cent grid.
    const std::int64_t mid = mids[symbol];
    const std::int64_t offset = static_cast<std::int64_t>(rng() % 200) - 100;
    r.price = Price{(mid + mid / 5000 * offset) / 100 * 100};
    return r;
  }

  /// kInputs requests cycling over the instruments.
  std::vector<OrderRequest> requests(std::uint64_t seed) const {
    std::mt19937_64 rng(seed);
    std::vector<OrderRequest> out;
    for (std::size_t i = 0; i < kInputs; ++i) out.push_back(request(rng, static_cast<std::uint32_t>(i % kSymbols)));
    return out;
  }

  void fill(OrderId id, std::int64_t qty, Price px, std::uint64_t now) {
    ExecutionReport a;
    a.kind = ExecKind::New;
    a.cl_ord_id = id;
    a.tsc = now;
    core.on_execution_report(a);
    ExecutionReport f = a;
    const Order* o = core.orders().find(id);
    f.kind = ExecKind::Trade;
    f.symbol = o->symbol;
    f.side = o->side;
    f.exec_id = ++exec;
    f.last_qty = Qty{qty};
    f.last_px = px;
    core.on_execution_report(f);
  }

  NullGateway gateway;
  NullAudit audit;
  TradingCore core;
  std::vector<std::int64_t> mids;
  std::uint64_t exec{0};
};

void BM_OrderIdNext(benchmark::State& state) {
  OrderIdGenerator ids(1);
  auto ticks = std::make_unique<LatencyHistogram>();
  time_batches(state, *ticks, [&](std::size_t) { benchmark::DoNotOptimize(ids.next()); });
  report_ticks(state, *ticks, kBatch);
}
BENCHMARK(BM_OrderIdNext);

// Every check runs and passes; the rate bucket is refilled by real time, so
// the measured calls run on a clock far above 1 M/s: use a RiskChecker whose
// limit the bench cannot exhaust.
void BM_RiskChainPass(benchmark::State& state) {
  TradingSettings s = settings();
  s.risk.max_orders_per_second = 1'000'000'000;
  Desk desk(s);
  const std::vector<OrderRequest> inputs = desk.requests(5);
  // check_new is reached through a const core; the checker itself is what
  // the engine calls before submit.
  RiskChecker& risk = const_cast<RiskChecker&>(desk.core.risk());
  auto ticks = std::make_unique<LatencyHistogram>();
  std::uint64_t passed = 0;
  time_each(state, *ticks, [&](std::size_t i) {
    const RiskDecision d = risk.check_new(inputs[i & kMask], Clock::now());
    passed += d.passed() ? 1u : 0u;
  });
  if (passed != static_cast<std::uint64_t>(state.iterations()) + 20'000) state.SkipWithError("an input was rejected");
  report_ticks(state, *ticks);
}
BENCHMARK(BM_RiskChainPass);

// Rejected at the position limit: every rule before it has run.
void BM_RiskChainRejectLate(benchmark::State& state) {
  TradingSettings s = settings();
  for (InstrumentLimits& i : s.instruments) i.max_position = 50;
  Desk desk(s);
  const std::vector<OrderRequest> inputs = desk.requests(6);
  RiskChecker& risk = const_cast<RiskChecker&>(desk.core.risk());
  auto ticks = std::make_unique<LatencyHistogram>();
  std::uint64_t at_limit = 0;
  time_each(state, *ticks, [&](std::size_t i) {
    const RiskDecision d = risk.check_new(inputs[i & kMask], Clock::now());
    at_limit += d.reason == RejectReason::MaxPosition ? 1u : 0u;
  });
  benchmark::DoNotOptimize(at_limit);
  report_ticks(state, *ticks);
}
BENCHMARK(BM_RiskChainRejectLate);

struct Fill {
  SymbolId symbol;
  Side side;
  Qty qty;
  Price px;
};

/// Random fills across instruments: opens, adds, reduces and flips.
std::vector<Fill> random_fills() {
  std::mt19937_64 rng(7);
  std::vector<Fill> fills;
  for (std::size_t i = 0; i < kInputs; ++i) {
    const auto sym = static_cast<std::uint32_t>(rng() % kSymbols);
    const std::int64_t mid = (50 + 17 * sym) * kDollar;
    fills.push_back({SymbolId{sym}, rng() % 2 ? Side::Buy : Side::Sell,
                     Qty{100 * (1 + static_cast<std::int64_t>(rng() % 8))},
                     Price{mid + (static_cast<std::int64_t>(rng() % 21) - 10) * 100}});
  }
  return fills;
}

// A fill booked into positions, with marks in place: average cost, realised
// and unrealised PnL, fees, overflow checks and the firm totals.
void BM_PositionFill(benchmark::State& state) {
  PositionBook book(kSymbols, MarkSource::Mid, Price{5});
  for (std::uint32_t i = 0; i < kSymbols; ++i) {
    const std::int64_t mid = (50 + 17 * i) * kDollar;
    book.on_quote(SymbolId{i}, Price{mid - 100}, Price{mid + 100});
  }
  const std::vector<Fill> fills = random_fills();
  auto ticks = std::make_unique<LatencyHistogram>();
  time_each(state, *ticks, [&](std::size_t i) {
    const Fill& f = fills[i & kMask];
    benchmark::DoNotOptimize(book.apply_fill(f.symbol, f.side, f.qty, f.px));
  });
  benchmark::DoNotOptimize(book.totals().pnl());
  report_ticks(state, *ticks);
}
BENCHMARK(BM_PositionFill);

// Baseline: the least a position can do — net shares and signed cost, no
// PnL, no checks, no totals — on the same fills.
void BM_PositionFillNaiveBaseline(benchmark::State& state) {
  struct Naive {
    std::int64_t net{0};
    std::int64_t cost{0};
  };
  std::vector<Naive> book(kSymbols);
  const std::vector<Fill> fills = random_fills();
  auto ticks = std::make_unique<LatencyHistogram>();
  time_each(state, *ticks, [&](std::size_t i) {
    const Fill& f = fills[i & kMask];
    Naive& n = book[f.symbol.value];
    n.net += core::sign(f.side) * f.qty.value;
    n.cost += core::sign(f.side) * f.qty.value * f.px.raw;
    benchmark::DoNotOptimize(n);
  });
  report_ticks(state, *ticks);
}
BENCHMARK(BM_PositionFillNaiveBaseline);

// The whole fill path of the core: OMS state, positions, post-trade checks.
void BM_ExecutionReportFill(benchmark::State& state) {
  Desk desk;
  std::mt19937_64 rng(8);
  // Large resting orders that partial fills nibble at.
  std::vector<OrderId> resting;
  std::uint64_t now = Clock::now();
  for (std::uint32_t i = 0; i < kSymbols; ++i) {
    for (Side side : {Side::Buy, Side::Sell}) {
      OrderRequest r = desk.request(rng, i);
      r.side = side;
      r.quantity = Qty{10'000};
      const SubmitResult s = desk.core.submit(r, ++now);
      if (s.order == nullptr) continue;
      ExecutionReport a;
      a.kind = ExecKind::New;
      a.cl_ord_id = s.order->cl_ord_id;
      desk.core.on_execution_report(a);
      resting.push_back(s.order->cl_ord_id);
    }
  }
  auto ticks = std::make_unique<LatencyHistogram>();
  std::uint64_t exec = 1'000'000;
  std::size_t filled = 0;
  time_each(
      state, *ticks,
      [&](std::size_t i) {
        const OrderId id = resting[i % resting.size()];
        const Order* o = desk.core.orders().find(id);
        ExecutionReport f;
        f.kind = ExecKind::Trade;
        f.cl_ord_id = id;
        f.symbol = o->symbol;
        f.side = o->side;
        f.exec_id = ++exec;
        f.last_qty = Qty{o->leaves.value > 1 ? 1 : 0};
        f.last_px = o->price;
        if (f.last_qty.value > 0) filled += desk.core.on_execution_report(f).fill.valid ? 1u : 0u;
      },
      2000);
  benchmark::DoNotOptimize(filled);
  report_ticks(state, *ticks);
}
BENCHMARK(BM_ExecutionReportFill)->Iterations(8000);

// Trigger to "no order passes": kill() flips the state and audits; the next
// risk check is the first to be refused. `range(0)` live orders are
// cancelled by the same call (cancel-all is issued before kill() returns).
void BM_KillSwitchToNoOrderPasses(benchmark::State& state) {
  const auto live = static_cast<std::size_t>(state.range(0));
  Desk desk;
  std::mt19937_64 rng(9);
  auto ticks = std::make_unique<LatencyHistogram>();
  RiskChecker& risk = const_cast<RiskChecker&>(desk.core.risk());
  std::uint64_t refused = 0;
  for (auto _ : state) {
    // Untimed: back to ACTIVE with `live` open orders.
    desk.core.resume(Clock::now());
    std::uint64_t now = Clock::now();
    for (std::size_t k = 0; k < live; ++k)
      desk.core.submit(desk.request(rng, static_cast<std::uint32_t>(k % kSymbols)), ++now);
    const OrderRequest probe = desk.request(rng, 0);

    const std::uint64_t t0 = Clock::now_ordered();
    desk.core.kill(KillLevel::Halt, t0);
    const RiskDecision d = risk.check_new(probe, t0);
    const std::uint64_t t1 = Clock::now_ordered();
    ticks->record(t1 - t0);
    refused += d.reason == RejectReason::KillSwitchHalted ? 1u : 0u;

    // Untimed: the venue confirms the cancels so the store does not fill up.
    state.PauseTiming();
    std::vector<OrderId> pending;
    desk.core.orders().for_each_live([&](const Order& o) { pending.push_back(o.cl_ord_id); });
    for (OrderId id : pending) {
      ExecutionReport c;
      c.kind = ExecKind::Canceled;
      c.cl_ord_id = id;
      desk.core.on_execution_report(c);
    }
    state.ResumeTiming();
  }
  if (refused != static_cast<std::uint64_t>(state.iterations())) state.SkipWithError("an order passed the halt");
  report_ticks(state, *ticks);
}
BENCHMARK(BM_KillSwitchToNoOrderPasses)->Arg(0)->Arg(100)->Iterations(3000);

}  // namespace
}  // namespace hft::bench
