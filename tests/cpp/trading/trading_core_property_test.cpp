// Property test: under random order flow and a venue whose reports arrive
// reordered and duplicated, positions always equal the sum of the trades the
// venue made, and the OMS never loses an order or its bookkeeping.
#include <deque>
#include <map>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "trading/core_fixture.h"

namespace hft::trading::test {
namespace {

constexpr std::uint32_t kSymbols = 4;

/// A venue that does what it is asked (or refuses what it cannot), fills at
/// random, and writes every answer to an outbox the test delivers late.
class SimulatedVenue final : public OrderGateway {
 public:
  explicit SimulatedVenue(std::mt19937_64& rng) : rng_(rng) {}

  void send_new(const Order& o) noexcept override {
    orders_[o.cl_ord_id.value] = {o.symbol, o.side, o.quantity.value, o.quantity.value, o.price};
    ExecutionReport r = base(ExecKind::New, o.cl_ord_id, o.symbol, o.side);
    r.leaves = o.quantity;
    outbox.push_back(r);
  }
  void send_cancel(const Order& o, OrderId cancel_id) noexcept override {
    auto it = orders_.find(o.cl_ord_id.value);
    if (it == orders_.end() || it->second.leaves == 0) {
      ExecutionReport r = base(ExecKind::CancelRejected, cancel_id, o.symbol, o.side);
      r.orig_cl_ord_id = o.cl_ord_id;
      outbox.push_back(r);
      return;
    }
    ExecutionReport r = base(ExecKind::Canceled, cancel_id, o.symbol, o.side);
    r.orig_cl_ord_id = o.cl_ord_id;
    outbox.push_back(r);
    it->second.leaves = 0;
  }
  void send_replace(const Order& o, OrderId new_id, Price price, Qty quantity) noexcept override {
    auto it = orders_.find(o.cl_ord_id.value);
    const std::int64_t cum = it == orders_.end() ? 0 : it->second.quantity - it->second.leaves;
    if (it == orders_.end() || it->second.leaves == 0 || quantity.value <= cum) {
      ExecutionReport r = base(ExecKind::ReplaceRejected, new_id, o.symbol, o.side);
      r.orig_cl_ord_id = o.cl_ord_id;
      outbox.push_back(r);
      return;
    }
    VenueOrder moved = it->second;
    orders_.erase(it);
    moved.quantity = quantity.value;
    moved.leaves = quantity.value - cum;
    moved.price = price;
    orders_[new_id.value] = moved;
    ExecutionReport r = base(ExecKind::Replaced, new_id, o.symbol, o.side);
    r.orig_cl_ord_id = o.cl_ord_id;
    outbox.push_back(r);
  }

  /// Fills part or all of a random live order, or cancels/expires one.
  void act() {
    std::vector<std::uint64_t> live;
    for (const auto& [id, v] : orders_)
      if (v.leaves > 0) live.push_back(id);
    if (live.empty()) return;
    const std::uint64_t id = live[rng_() % live.size()];
    VenueOrder& v = orders_[id];
    const unsigned dice = static_cast<unsigned>(rng_() % 20);
    if (dice == 0) {
      outbox.push_back(base(dice % 2 ? ExecKind::Expired : ExecKind::Canceled, OrderId{id}, v.symbol, v.side));
      v.leaves = 0;
      return;
    }
    const std::int64_t q = 1 + static_cast<std::int64_t>(rng_() % static_cast<std::uint64_t>(v.leaves));
    v.leaves -= q;
    ExecutionReport r = base(ExecKind::Trade, OrderId{id}, v.symbol, v.side);
    r.exec_id = ++exec_;
    r.last_qty = Qty{q};
    r.last_px = v.price.raw > 0 ? v.price : Price{100 * kDollar};
    outbox.push_back(r);
  }

  /// Hands the oldest report to the core; a trade's shares count as traded
  /// the first time it is delivered (a duplicate is the same trade).
  void deliver(TradingCore& core, std::uint64_t now, bool twice) {
    ExecutionReport r = outbox.front();
    outbox.pop_front();
    r.tsc = now;
    if (r.kind == ExecKind::Trade) truth[r.symbol.value] += core::sign(r.side) * r.last_qty.value;
    core.on_execution_report(r);
    if (twice) core.on_execution_report(r);
  }

  std::deque<ExecutionReport> outbox;
  std::array<std::int64_t, kSymbols> truth{};  ///< net shares of the trades delivered so far

 private:
  struct VenueOrder {
    SymbolId symbol;
    Side side;
    std::int64_t quantity;
    std::int64_t leaves;
    Price price;
  };
  ExecutionReport base(ExecKind k, OrderId id, SymbolId s, Side side) {
    ExecutionReport r;
    r.kind = k;
    r.cl_ord_id = id;
    r.symbol = s;
    r.side = side;
    r.venue_order_id = id.value ^ 0xABCDEF;
    return r;
  }
  std::mt19937_64& rng_;
  std::map<std::uint64_t, VenueOrder> orders_;
  std::uint64_t exec_{0};
};

TradingSettings roomy() {
  TradingSettings s = small_settings();
  for (InstrumentLimits& i : s.instruments) i.max_position = 1'000'000;
  s.risk.max_total_position = 10'000'000;
  s.risk.max_daily_loss = 1'000'000'000 * kDollar;
  s.risk.max_open_orders = 200;
  s.kill.reject_storm_count = 1'000'000;
  s.order_capacity = 1 << 16;  // large enough that nothing is dropped: "never loses an order"
  return s;
}

void check_invariants(const TradingCore& core, const SimulatedVenue& venue, const std::vector<OrderId>& accepted) {
  for (std::uint32_t s = 0; s < kSymbols; ++s) {
    ASSERT_EQ(core.positions().at(SymbolId{s}).net, venue.truth[s]) << "symbol " << s;
  }
  std::int64_t gross = 0;
  for (std::uint32_t s = 0; s < kSymbols; ++s) gross += std::llabs(core.positions().at(SymbolId{s}).net);
  ASSERT_EQ(core.positions().totals().gross_position, gross);

  for (OrderId id : accepted) {
    const Order* o = core.orders().find(id);
    ASSERT_NE(o, nullptr) << "order " << id.value << " lost";
    ASSERT_GE(static_cast<int>(o->state), 1);
    ASSERT_LT(static_cast<int>(o->state), static_cast<int>(kOrderStateCount));
  }

  std::size_t live = 0;
  std::array<Exposure, kSymbols> expect{};
  core.orders().for_each_live([&](const Order& o) {
    ++live;
    EXPECT_TRUE(is_live(o.state));
    EXPECT_EQ(o.cum.value + o.leaves.value, o.quantity.value) << "order " << o.cl_ord_id.value;
    EXPECT_GE(o.cum.value, 0);
    std::int64_t q = o.leaves.value;
    if (o.pending_cl_ord_id.value != 0) q = std::max(q, o.pending_quantity.value - o.cum.value);
    (o.side == Side::Buy ? expect[o.symbol.value].buy_qty : expect[o.symbol.value].sell_qty) += q;
    ++expect[o.symbol.value].live_orders;
  });
  ASSERT_EQ(live, core.orders().live_orders());
  for (std::uint32_t s = 0; s < kSymbols; ++s) {
    const Exposure& e = core.orders().exposure(SymbolId{s});
    ASSERT_EQ(e.buy_qty, expect[s].buy_qty) << "symbol " << s;
    ASSERT_EQ(e.sell_qty, expect[s].sell_qty) << "symbol " << s;
    ASSERT_EQ(e.live_orders, expect[s].live_orders) << "symbol " << s;
  }
}

class TradingCoreProperty : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(TradingCoreProperty, PositionsEqualVenueTradesAndNoOrderIsLost) {
  std::mt19937_64 rng(GetParam());
  SimulatedVenue venue(rng);
  RecordingAudit audit(1 << 20);
  TradingCore core(roomy(), OrderIdGenerator(1), venue, audit, nanosecond_clock());
  std::uint64_t now = kSecond;
  for (std::uint32_t s = 0; s < kSymbols; ++s)
    core.on_quote(SymbolId{s}, Price{99 * kDollar}, Price{101 * kDollar}, now);

  std::vector<OrderId> accepted;
  std::uint64_t duplicates = 0;
  std::uint64_t swaps = 0;
  for (int step = 0; step < 20'000; ++step) {
    now += 1000;
    const unsigned dice = static_cast<unsigned>(rng() % 100);
    const SymbolId sym{static_cast<std::uint32_t>(rng() % kSymbols)};
    if (dice < 25) {
      OrderRequest r;
      r.symbol = sym;
      r.side = rng() % 2 ? Side::Buy : Side::Sell;
      r.quantity = Qty{1 + static_cast<std::int64_t>(rng() % 300)};
      const int kind = static_cast<int>(rng() % 10);
      if (kind == 0) {
        r.type = OrderType::Market;
      } else {
        r.price = Price{(97 + static_cast<std::int64_t>(rng() % 7)) * kDollar};
      }
      const SubmitResult s = core.submit(r, now);
      if (s.order != nullptr) accepted.push_back(s.order->cl_ord_id);
    } else if (dice < 35 && core.orders().live_orders() > 0) {
      std::vector<OrderId> live;
      core.orders().for_each_live([&](const Order& o) { live.push_back(o.cl_ord_id); });
      const OrderId pick = live[rng() % live.size()];
      if (rng() % 2) {
        core.cancel(pick, now);
      } else {
        const Order* o = core.orders().find(pick);
        const RequestResult rr =
            core.replace(pick, o->price, Qty{o->quantity.value + static_cast<std::int64_t>(rng() % 50) - 20}, now);
        (void)rr;
      }
    } else if (dice < 60) {
      venue.act();
    } else if (dice < 90 && !venue.outbox.empty()) {
      // Deliver, sometimes out of order, sometimes twice.
      if (venue.outbox.size() >= 2 && rng() % 5 == 0) {
        std::swap(venue.outbox[0], venue.outbox[1]);
        ++swaps;
      }
      const bool twice = rng() % 10 == 0;
      duplicates += twice ? 1 : 0;
      venue.deliver(core, now, twice);
    } else if (dice < 95) {
      const std::int64_t mid = (98 + static_cast<std::int64_t>(rng() % 5)) * kDollar;
      core.on_quote(sym, Price{mid - kDollar / 100}, Price{mid + kDollar / 100}, now);
      core.on_trade(sym, Price{mid}, now);
    } else {
      if (core.kill_switch().state() != KillState::Active) core.resume(now);
      core.on_timer(now);
    }
    if (step % 500 == 0) {
      check_invariants(core, venue, accepted);
      if (HasFatalFailure()) return;
    }
  }
  // Let the venue answer everything that is still on the wire.
  while (!venue.outbox.empty()) venue.deliver(core, ++now, false);
  check_invariants(core, venue, accepted);
  EXPECT_GT(accepted.size(), 1000u) << "the flow must exercise the OMS";
  EXPECT_GT(duplicates, 100u);
  EXPECT_GT(swaps, 100u);
  EXPECT_GT(core.orders().counters().anomalies[static_cast<std::size_t>(Anomaly::DuplicateExecId)], 0u);
}

INSTANTIATE_TEST_SUITE_P(Seeds, TradingCoreProperty, ::testing::Values(1u, 2u, 3u, 42u, 2024u));

}  // namespace
}  // namespace hft::trading::test
