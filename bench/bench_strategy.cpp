// Tick to decision to order: one ITCH message applied to the books, the
// strategy host and its strategies deciding, and the order (new, replace or
// cancel) leaving through the trading core's risk chain and OMS to a gateway.
// Each message is timed on its own; the venue's answers (acks, fills,
// cancels, replaces) are fed back between samples, untimed, so the strategies
// keep quoting and taking as they would live.
//
// Inputs: 10 instruments, three static levels a side behind a top that
// walks ±1 tick (bounded) with random sizes, so the market maker requotes
// and the imbalance taker fires. Three distributions, measured on the same
// stream: the book alone (baseline), every message with the strategies, and
// only the messages that sent at least one order ("decision -> order out").

#include <array>
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include "hft/core/clock.h"
#include "hft/core/latency_histogram.h"
#include "hft/engine/liquidity_taker.h"
#include "hft/engine/market_maker.h"
#include "hft/engine/strategy_host.h"
#include "hft/market_data/book_manager.h"
#include "hft/protocol/itch.h"
#include "hft/trading/order_id.h"
#include "hft/trading/trading_core.h"

#include "support/batch_timer.h"
#include "support/latency_report.h"
#include "support/tsc.h"

namespace hft::bench {
namespace {

using namespace hft::trading;
using core::Clock;
using core::LatencyHistogram;
namespace itch = protocol::itch;
namespace md = market_data;

constexpr std::uint32_t kSymbols = 10;
constexpr std::int64_t kTick = 100;  // $0.01
constexpr std::size_t kWarmup = 20'000;
constexpr std::size_t kMeasured = 200'000;
constexpr std::size_t kMessages = kWarmup + kMeasured;
const char* const kTickers[kSymbols] = {"AAPL", "AMZN", "BRKB", "GOOGL", "META", "MSFT", "NVDA", "QQQ", "SPY", "TSLA"};

/// An encoded ITCH stream: the directory and the standing book first
/// (applied untimed), then kMessages top-of-book moves.
struct Stream {
  std::vector<std::uint8_t> bytes;
  std::vector<std::uint32_t> offset, size;
  std::size_t setup{0};  // messages before the measured moves

  template <typename M>
  void push(const M& m) {
    std::array<std::uint8_t, 64> buf{};
    const std::size_t n = itch::encode(m, buf.data(), buf.size());
    offset.push_back(static_cast<std::uint32_t>(bytes.size()));
    size.push_back(static_cast<std::uint32_t>(n));
    bytes.insert(bytes.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
  }
  std::size_t count() const { return offset.size(); }
};

std::uint16_t locate_of(std::uint32_t i) { return static_cast<std::uint16_t>(i + 1); }
std::int64_t mid0(std::uint32_t i) { return (50 + 17 * static_cast<std::int64_t>(i)) * 10'000; }

Stream make_stream() {
  Stream s;
  std::uint64_t ref = 1;
  for (std::uint32_t i = 0; i < kSymbols; ++i) {
    itch::StockDirectory d;
    d.locate = locate_of(i);
    d.stock = itch::make_stock(kTickers[i]);
    d.round_lot_size = 100;
    s.push(d);
  }
  struct Top {
    std::int64_t offset{0};  // mid - mid0, in ticks
    std::uint64_t bid_ref{0}, ask_ref{0};
  };
  std::array<Top, kSymbols> tops{};
  std::mt19937_64 rng(42);
  const auto add = [&](std::uint32_t i, Side side, std::int64_t px, std::uint32_t qty) {
    itch::AddOrder a;
    a.locate = locate_of(i);
    a.ref = ref++;
    a.side = side;
    a.shares = qty;
    a.stock = itch::make_stock(kTickers[i]);
    a.price = Price{px};
    s.push(a);
    return a.ref;
  };
  for (std::uint32_t i = 0; i < kSymbols; ++i) {
    for (std::int64_t k = 5; k <= 7; ++k) {
      add(i, Side::Buy, mid0(i) - k * kTick, 300);
      add(i, Side::Sell, mid0(i) + k * kTick, 300);
    }
    tops[i].bid_ref = add(i, Side::Buy, mid0(i) - kTick, 400);
    tops[i].ask_ref = add(i, Side::Sell, mid0(i) + kTick, 400);
  }
  s.setup = s.count();
  while (s.count() < s.setup + kMessages) {
    const auto i = static_cast<std::uint32_t>(rng() % kSymbols);
    Top& t = tops[i];
    const std::int64_t step = (rng() % 2 == 0) ? 1 : -1;
    t.offset = (t.offset + step > 3 || t.offset + step < -3) ? t.offset - step : t.offset + step;
    const std::int64_t mid = mid0(i) + t.offset * kTick;
    // Sizes from 100 to 1000 a side: imbalances from about -0.6 to +0.6.
    for (const Side side : {Side::Buy, Side::Sell}) {
      itch::OrderReplace u;
      u.locate = locate_of(i);
      u.original_ref = side == Side::Buy ? t.bid_ref : t.ask_ref;
      u.new_ref = ref++;
      u.shares = static_cast<std::uint32_t>(100 * (1 + rng() % 10));
      u.price = Price{side == Side::Buy ? mid - kTick : mid + kTick};
      (side == Side::Buy ? t.bid_ref : t.ask_ref) = u.new_ref;
      s.push(u);
    }
  }
  return s;
}

const Stream& stream() {
  static const Stream s = make_stream();
  return s;
}

/// The venue: remembers what was sent (a fixed ring, no allocation) so the
/// bench can answer it between samples.
class LoopbackGateway final : public OrderGateway {
 public:
  struct Sent {
    enum class Kind : std::uint8_t { New, Cancel, Replace } kind;
    OrderId id, request;
    SymbolId symbol;
    Side side;
    TimeInForce tif;
    Price price;
    Qty qty;
  };
  void send_new(const Order& o) noexcept override {
    push({Sent::Kind::New, o.cl_ord_id, {}, o.symbol, o.side, o.tif, o.price, o.quantity});
  }
  void send_cancel(const Order& o, OrderId cancel_id) noexcept override {
    push({Sent::Kind::Cancel, o.cl_ord_id, cancel_id, o.symbol, o.side, o.tif, o.price, o.leaves});
  }
  void send_replace(const Order& o, OrderId new_id, Price price, Qty quantity) noexcept override {
    push({Sent::Kind::Replace, o.cl_ord_id, new_id, o.symbol, o.side, o.tif, price, quantity});
  }
  std::uint64_t sent{0};
  std::uint64_t answered{0};
  std::array<Sent, 4096> ring{};

 private:
  void push(const Sent& m) noexcept { ring[sent++ % ring.size()] = m; }
};

class NullAudit final : public AuditSink {
 public:
  void record(const AuditRecord& r) noexcept override { last = r.type; }
  AuditType last{AuditType::Invalid};
};

TradingSettings settings() {
  TradingSettings s;
  for (std::uint32_t i = 0; i < kSymbols; ++i) s.instruments.push_back({Price{kTick}, 1, 100'000, true});
  s.risk.max_total_position = 10'000'000;
  s.risk.max_notional_exposure = 1'000'000'000LL * 10'000;
  s.risk.max_orders_per_second = 1'000'000'000;  // real TSC time runs far faster than any venue limit
  s.risk.max_daily_loss = 100'000'000LL * 10'000;
  s.risk.max_order_quantity = 10'000;
  s.risk.max_order_notional = 100'000'000LL * 10'000;
  s.risk.max_open_orders = 10'000;
  s.risk.price_band_bps = 500;
  s.kill.reject_storm_count = 100'000;  // never trips here; each counted reject costs a slot
  s.kill.market_data_stale_ns = 1'000'000'000'000;
  s.order_capacity = 1 << 16;
  return s;
}

std::vector<engine::StrategyInstrument> instruments() {
  std::vector<engine::StrategyInstrument> out;
  for (const char* t : kTickers) out.push_back({t, Price{kTick}, 1});
  return out;
}

md::BookManagerOptions book_options() {
  md::BookManagerOptions o;
  o.order_capacity = 1 << 12;
  o.max_levels_per_side = 256;
  o.max_instruments = 64;
  return o;
}

/// Books, core, host and strategies: a market maker on the first five
/// instruments, an imbalance taker on the other five.
struct Engine {
  explicit Engine(bool with_strategies)
      : books(book_options()),
        core(settings(), OrderIdGenerator(1), gateway, audit, tsc_calibration()),
        host(core, books, instruments(), tsc_calibration()) {
    if (with_strategies) {
      engine::MarketMakerSettings mm;
      mm.max_position = 2000;
      mm.min_quote_life_ns = 0;
      mm.skew_ticks = 2;
      engine::LiquidityTakerSettings lt;
      lt.imbalance_threshold_bps = 3000;
      lt.cooldown_ns = 0;
      lt.max_position = 2000;
      std::vector<SymbolId> first, second;
      for (std::uint32_t i = 0; i < kSymbols; ++i) (i < kSymbols / 2 ? first : second).push_back(SymbolId{i});
      host.add(std::make_unique<engine::MarketMaker>("mm", mm, first), first);
      host.add(std::make_unique<engine::LiquidityTaker>("lt", lt, second), second);
      books.set_listener(&host);
    }
    const Stream& s = stream();
    for (std::size_t m = 0; m < kSymbols; ++m) apply(m);  // the directory, so start() binds the locates
    host.start();
    for (std::size_t m = kSymbols; m < s.setup; ++m) apply(m);
    answer();
  }

  void apply(std::size_t m) noexcept {
    const Stream& s = stream();
    books.apply(s.bytes.data() + s.offset[m], s.size[m]);
  }

  /// The venue answers everything outstanding: acks, IOCs filled in full,
  /// every 16th quote filled, cancels and replaces done.
  void answer() noexcept {
    while (gateway.answered < gateway.sent) {
      const LoopbackGateway::Sent m = gateway.ring[gateway.answered++ % gateway.ring.size()];
      ExecutionReport r;
      r.symbol = m.symbol;
      r.side = m.side;
      r.tsc = Clock::now();
      switch (m.kind) {
        case LoopbackGateway::Sent::Kind::New:
          r.kind = ExecKind::New;
          r.cl_ord_id = m.id;
          host.on_execution_report(r);
          if (m.tif == TimeInForce::Ioc || ++quotes % 16 == 0) {
            r.kind = ExecKind::Trade;
            r.last_qty = m.qty;
            r.last_px = m.price;
            r.exec_id = ++exec;
            host.on_execution_report(r);
          }
          break;
        case LoopbackGateway::Sent::Kind::Cancel:
          r.kind = ExecKind::Canceled;
          r.cl_ord_id = m.request;
          r.orig_cl_ord_id = m.id;
          host.on_execution_report(r);
          break;
        case LoopbackGateway::Sent::Kind::Replace:
          r.kind = ExecKind::Replaced;
          r.cl_ord_id = m.request;
          r.orig_cl_ord_id = m.id;
          host.on_execution_report(r);
          break;
      }
    }
  }

  LoopbackGateway gateway;
  NullAudit audit;
  md::BookManager books;
  TradingCore core;
  engine::StrategyHost host;
  std::uint64_t exec{0};
  std::uint64_t quotes{0};
};

enum class Sample { All, OrderOut };

/// Times each message: clock read for the event time, the book apply and
/// everything the listener does. Answers go in between, untimed.
void run(benchmark::State& state, bool with_strategies, Sample keep) {
  auto engine = std::make_unique<Engine>(with_strategies);
  const Stream& s = stream();
  const std::uint64_t overhead = empty_region_ticks();
  auto ticks = std::make_unique<LatencyHistogram>();
  std::size_t m = s.setup;
  const auto one = [&]() noexcept {
    const std::uint64_t sent_before = engine->gateway.sent;
    const std::uint64_t t0 = Clock::now_ordered();
    engine->host.set_time(Clock::now());
    engine->apply(m++);
    const std::uint64_t t1 = Clock::now_ordered();
    const std::uint64_t spent = t1 - t0;
    const bool sent = engine->gateway.sent != sent_before;
    engine->answer();
    return std::pair<std::uint64_t, bool>{spent > overhead ? spent - overhead : 0, sent};
  };
  for (std::size_t w = 0; w < kWarmup; ++w) one();
  std::uint64_t decisions = 0;
  for (auto _ : state) {
    if (m >= s.count()) {
      state.SkipWithError("stream exhausted");
      break;
    }
    const auto [spent, sent] = one();
    decisions += sent ? 1u : 0u;
    if (keep == Sample::All || sent) ticks->record(spent);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["orders_out_per_msg"] = benchmark::Counter(
      static_cast<double>(decisions) / static_cast<double>(std::max<std::int64_t>(1, state.iterations())));
  state.counters["timer_overhead_cycles"] = benchmark::Counter(static_cast<double>(overhead));
  state.counters["orders_sent"] = benchmark::Counter(static_cast<double>(engine->gateway.sent));
  state.counters["risk_accepted"] = benchmark::Counter(static_cast<double>(engine->core.counters().accepted));
  std::uint64_t rejects = 0;
  for (const std::uint64_t r : engine->core.counters().rejects) rejects += r;
  state.counters["risk_rejects"] = benchmark::Counter(static_cast<double>(rejects));
  report_ticks(state, *ticks);
}

// The books alone on the same stream: what the strategies add is the difference.
void BM_StrategyBookOnlyBaseline(benchmark::State& state) { run(state, false, Sample::All); }
BENCHMARK(BM_StrategyBookOnlyBaseline)->Iterations(kMeasured);

// Every message: book update, host, strategies (deciding or not), orders out.
void BM_StrategyTickAll(benchmark::State& state) { run(state, true, Sample::All); }
BENCHMARK(BM_StrategyTickAll)->Iterations(kMeasured);

// Only the messages that sent at least one order: book update -> decision ->
// risk chain -> OMS -> gateway. The per-decision latency.
void BM_StrategyTickToOrder(benchmark::State& state) { run(state, true, Sample::OrderOut); }
BENCHMARK(BM_StrategyTickToOrder)->Iterations(kMeasured);

}  // namespace
}  // namespace hft::bench
