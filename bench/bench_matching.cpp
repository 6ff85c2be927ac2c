// The venue's matching engine on a venue-like order flow: throughput over
// the whole flow and latency per input kind, against a naive book (std::map
// of price levels, each a std::deque of orders, std::unordered_map from id
// to price) fed the same flow in the same run.
//
// The flow is generated once, before any timing, from a seeded RNG, by
// running it through a MatchingEngine (so every cancel and replace names an
// order that is live at that point, and every aggressive order meets the
// book as it will be when replayed):
//  - 100 instruments, activity skewed towards a few (weights 1/(rank+1)),
//    prices around $5..$200 in one-cent ticks;
//  - every book pre-filled 50 levels a side (1-3 orders a level, ~20 k
//    orders in all), each book held near that size;
//  - passive adds at a geometric distance from the touch (most within a few
//    ticks, 3 % up to 100 ticks away): 45 %;
//  - cancels, three in four among the instrument's most recent orders: 32 %;
//  - replaces (one in three a size decrease in place, the rest a new price
//    near the touch): 10 %;
//  - aggressive orders (IOC limits through the touch, day limits through
//    the touch that rest what is left, market orders), one to three resting
//    orders' worth: 13 %.
// Orders carry distinct participants, so self-match prevention checks but
// never fires (the baseline does not model it).

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include <benchmark/benchmark.h>

#include "hft/core/clock.h"
#include "hft/core/latency_histogram.h"
#include "hft/venue/matching_engine.h"

#include "support/batch_timer.h"
#include "support/latency_report.h"
#include "support/tsc.h"

namespace hft::bench {
namespace {

using core::Clock;
using core::LatencyHistogram;
using core::Side;
using venue::Event;
using venue::EventKind;
using venue::MatchingEngine;
using venue::OrderType;
using venue::TimeInForce;

constexpr std::uint16_t kInstruments = 100;
constexpr int kPrefillLevels = 50;
constexpr std::size_t kCapacity = std::size_t{1} << 17;
constexpr std::size_t kStreamOps = 2'000'000;
constexpr std::size_t kWarmup = 50'000;
constexpr std::int64_t kTick = 100;  // one cent in 1e-4 units

enum class Kind : std::uint8_t { Add, Cancel, Replace, Aggressive };
constexpr std::size_t kKinds = 4;
constexpr std::array<const char*, kKinds> kKindNames{"add", "cancel", "replace", "aggressive"};

/// One input, 32 bytes. `handle` numbers the order an Add/Aggressive
/// creates; Cancel/Replace name it by that handle, which each target maps to
/// its own order id.
struct Op {
  std::int64_t price;  // 1e-4 units; 0 for market
  std::uint32_t handle;
  std::uint32_t qty;
  std::uint16_t instrument;
  Kind kind;
  Side side;
  OrderType type;
  TimeInForce tif;
  std::uint8_t pad[10];
};
static_assert(sizeof(Op) == 32);

// ---- The engine under test ------------------------------------------------------------

/// What a feed publisher and an order-entry gateway do with events at the
/// least: read each one.
class ConsumingSink final : public venue::EventSink {
 public:
  void on_events(const Event* events, std::size_t count) noexcept override {
    for (std::size_t i = 0; i < count; ++i) {
      checksum_ += events[i].seq ^ static_cast<std::uint64_t>(events[i].qty);
      ++by_kind_[static_cast<std::size_t>(events[i].kind)];
    }
  }
  std::uint64_t fills() const noexcept { return by_kind_[static_cast<std::size_t>(EventKind::Fill)]; }
  std::uint64_t rejects() const noexcept { return by_kind_[static_cast<std::size_t>(EventKind::Rejected)]; }
  std::uint64_t total() const noexcept {
    std::uint64_t n = 0;
    for (const std::uint64_t c : by_kind_) n += c;
    return n;
  }
  std::uint64_t checksum() const noexcept { return checksum_; }

 private:
  std::uint64_t checksum_{0};
  std::array<std::uint64_t, venue::kEventKindCount> by_kind_{};
};

std::vector<venue::InstrumentConfig> instrument_configs() {
  std::vector<venue::InstrumentConfig> v(kInstruments);
  for (std::size_t i = 0; i < v.size(); ++i) {
    v[i].symbol = venue::InstrumentConfig::symbol_of("S" + std::to_string(i));
    v[i].tick = core::Price::from_raw(kTick);
    v[i].max_order_qty = 1'000'000;
  }
  return v;
}

struct Engine {
  explicit Engine(std::size_t handles) : instruments(instrument_configs()), ids(handles, 0) {
    venue::MatchingConfig c;
    c.order_capacity = kCapacity;
    c.max_levels_per_side = 1024;
    c.instruments = instruments.data();
    c.instrument_count = instruments.size();
    engine = std::make_unique<MatchingEngine>(c, sink);
  }
  void apply(const Op& op, std::int64_t now) noexcept {
    switch (op.kind) {
      case Kind::Add:
      case Kind::Aggressive: {
        venue::NewOrder o;
        o.client_order_id = op.handle;
        o.participant = op.handle;
        o.instrument = op.instrument;
        o.side = op.side;
        o.type = op.type;
        o.tif = op.tif;
        o.price = core::Price::from_raw(op.price);
        o.qty = core::Qty{op.qty};
        ids[op.handle] = engine->submit(o, now).order_id;
        break;
      }
      case Kind::Cancel:
        engine->cancel(venue::CancelRequest{ids[op.handle], op.handle, op.handle}, now);
        break;
      case Kind::Replace: {
        venue::ReplaceRequest r;
        r.order_id = ids[op.handle];
        r.participant = op.handle;
        r.client_order_id = op.handle;
        r.price = core::Price::from_raw(op.price);
        r.qty = core::Qty{op.qty};
        const venue::InputResult res = engine->replace(r, now);
        if (res.accepted()) ids[op.handle] = res.order_id;
        break;
      }
    }
  }
  std::uint64_t anomalies() const noexcept { return sink.rejects(); }

  std::vector<venue::InstrumentConfig> instruments;
  ConsumingSink sink;
  std::unique_ptr<MatchingEngine> engine;
  std::vector<venue::VenueOrderId> ids;
};

// ---- The baseline ------------------------------------------------------------------------

/// Price-time priority the first way most would write it: a std::map of
/// levels per side, a std::deque FIFO per level, a hash map from id to where
/// the order rests, and events pushed into a std::vector per input. Same
/// rules as the engine for this flow (no stops or self-match in it).
class NaiveEngine {
 public:
  struct Order {
    std::uint32_t handle;
    std::int64_t leaves;
    std::int64_t executed;
  };
  struct Book {
    std::map<std::int64_t, std::deque<Order>, std::greater<>> bids;
    std::map<std::int64_t, std::deque<Order>> asks;
  };
  struct Where {
    std::uint16_t instrument;
    Side side;
    std::int64_t price;
  };

  explicit NaiveEngine(std::size_t) : books_(kInstruments) {}

  void apply(const Op& op, std::int64_t now) {
    events_.clear();
    switch (op.kind) {
      case Kind::Add:
      case Kind::Aggressive:
        submit(op.handle, op.instrument, op.side, op.type, op.tif, op.price, op.qty, 0, now);
        break;
      case Kind::Cancel:
        cancel(op.handle, now);
        break;
      case Kind::Replace:
        replace(op.handle, op.price, op.qty, now);
        break;
    }
    for (const Event& e : events_) checksum_ += e.seq ^ static_cast<std::uint64_t>(e.qty);
  }
  std::uint64_t anomalies() const noexcept { return anomalies_; }

 private:
  Event& emit(EventKind kind, std::uint32_t handle, std::int64_t qty, std::int64_t now) {
    Event e;
    e.seq = ++seq_;
    e.timestamp_ns = now;
    e.kind = kind;
    e.order_id = handle;
    e.qty = qty;
    events_.push_back(e);
    return events_.back();
  }

  void submit(std::uint32_t handle, std::uint16_t ins, Side side, OrderType type, TimeInForce tif, std::int64_t price,
              std::int64_t qty, std::int64_t executed, std::int64_t now) {
    emit(EventKind::Accepted, handle, qty, now);
    Book& b = books_[ins];
    std::int64_t leaves = qty;
    const bool market = type == OrderType::Market;
    if (side == Side::Buy) {
      sweep(
          b.asks, handle, leaves, [&](std::int64_t p) { return market || p <= price; }, now);
    } else {
      sweep(
          b.bids, handle, leaves, [&](std::int64_t p) { return market || p >= price; }, now);
    }
    if (leaves == 0) return;
    if (market || tif != TimeInForce::Day) {
      emit(EventKind::Cancelled, handle, leaves, now);
      return;
    }
    const Order o{handle, leaves, executed + qty - leaves};
    if (side == Side::Buy) {
      b.bids[price].push_back(o);
    } else {
      b.asks[price].push_back(o);
    }
    where_[handle] = Where{ins, side, price};
    emit(EventKind::BookAdd, handle, leaves, now);
  }

  template <typename Ladder, typename Crosses>
  void sweep(Ladder& ladder, std::uint32_t handle, std::int64_t& leaves, Crosses crosses, std::int64_t now) {
    while (leaves > 0 && !ladder.empty() && crosses(ladder.begin()->first)) {
      std::deque<Order>& q = ladder.begin()->second;
      while (leaves > 0 && !q.empty()) {
        Order& r = q.front();
        const std::int64_t n = std::min(leaves, r.leaves);
        leaves -= n;
        r.leaves -= n;
        r.executed += n;
        emit(EventKind::Fill, handle, n, now);
        emit(EventKind::Fill, r.handle, n, now);
        emit(EventKind::BookExecuted, r.handle, n, now);
        if (r.leaves == 0) {
          where_.erase(r.handle);
          q.pop_front();
        }
      }
      if (q.empty()) ladder.erase(ladder.begin());
    }
  }

  template <typename Ladder>
  static std::deque<Order>::iterator locate(Ladder& ladder, std::int64_t price, std::uint32_t handle) {
    std::deque<Order>& q = ladder.find(price)->second;
    return std::find_if(q.begin(), q.end(), [handle](const Order& o) { return o.handle == handle; });
  }
  template <typename Ladder>
  static void remove(Ladder& ladder, std::int64_t price, std::deque<Order>::iterator it) {
    const auto level = ladder.find(price);
    level->second.erase(it);
    if (level->second.empty()) ladder.erase(level);
  }

  void cancel(std::uint32_t handle, std::int64_t now) {
    const auto w = where_.find(handle);
    if (w == where_.end()) {
      ++anomalies_;
      return;
    }
    Book& b = books_[w->second.instrument];
    const std::int64_t price = w->second.price;
    std::int64_t leaves = 0;
    if (w->second.side == Side::Buy) {
      const auto it = locate(b.bids, price, handle);
      leaves = it->leaves;
      remove(b.bids, price, it);
    } else {
      const auto it = locate(b.asks, price, handle);
      leaves = it->leaves;
      remove(b.asks, price, it);
    }
    where_.erase(w);
    emit(EventKind::Cancelled, handle, leaves, now);
    emit(EventKind::BookDelete, handle, leaves, now);
  }

  void replace(std::uint32_t handle, std::int64_t price, std::int64_t qty, std::int64_t now) {
    const auto w = where_.find(handle);
    if (w == where_.end()) {
      ++anomalies_;
      return;
    }
    const Where at = w->second;
    Book& b = books_[at.instrument];
    Order o{};
    const auto take_out = [&](auto& ladder) {
      const auto it = locate(ladder, at.price, handle);
      o = *it;
      const std::int64_t leaves = qty - it->executed;
      if (price == at.price && leaves > 0 && leaves <= it->leaves) {
        emit(EventKind::Replaced, handle, qty, now);
        emit(EventKind::BookCancel, handle, it->leaves - leaves, now);
        it->leaves = leaves;
        return false;
      }
      remove(ladder, at.price, it);
      return true;
    };
    const bool moved = at.side == Side::Buy ? take_out(b.bids) : take_out(b.asks);
    if (!moved) return;
    where_.erase(handle);
    emit(EventKind::Replaced, handle, qty, now);
    emit(EventKind::BookDelete, handle, o.leaves, now);
    if (qty > o.executed) {
      submit(handle, at.instrument, at.side, OrderType::Limit, TimeInForce::Day, price, qty - o.executed, o.executed,
             now);
    }
  }

  std::vector<Book> books_;
  std::unordered_map<std::uint32_t, Where> where_;
  std::vector<Event> events_;
  std::uint64_t seq_{0};
  std::uint64_t checksum_{0};
  std::uint64_t anomalies_{0};
};

// ---- The flow ------------------------------------------------------------------------------

struct Flow {
  std::vector<Op> prefill;
  std::vector<Op> ops;
  std::size_t handles{0};
  std::uint64_t fills{0};
  std::size_t resting_at_end{0};
};

class Generator {
 public:
  Generator() : rng_(42), model_(0), live_(kInstruments), target_(kInstruments), mid_(kInstruments) {
    std::vector<double> weights;
    for (std::uint16_t b = 0; b < kInstruments; ++b) {
      weights.push_back(1.0 / (b + 1.0));
      mid_[b] = 500 + static_cast<std::int64_t>(rng_() % 19'500);
    }
    pick_ = std::discrete_distribution<std::uint16_t>(weights.begin(), weights.end());
    model_.ids.resize(kStreamOps + 100'000);  // one per order entered, at most
  }

  Flow make() {
    Flow f;
    for (std::uint16_t b = 0; b < kInstruments; ++b) {
      for (const Side side : {Side::Buy, Side::Sell}) {
        for (int d = 0; d < kPrefillLevels; ++d) {
          const int n = 1 + static_cast<int>(rng_() % 3);
          for (int k = 0; k < n; ++k) {
            const std::int64_t p = side == Side::Buy ? mid_[b] - 1 - d : mid_[b] + 1 + d;
            f.prefill.push_back(add(b, side, p));
          }
        }
      }
      target_[b] = live_[b].size();
    }
    f.ops.reserve(kStreamOps);
    while (f.ops.size() < kStreamOps) f.ops.push_back(next(pick_(rng_)));
    f.handles = next_handle_;
    f.fills = model_.sink.fills();
    f.resting_at_end = model_.engine->live_orders();
    return f;
  }

 private:
  Op next(std::uint16_t b) {
    std::uint64_t roll = rng_() % 100;
    prune(b);
    const std::size_t live = live_[b].size();
    if (live < target_[b] * 9 / 10 && roll >= 45 && roll < 77) roll = 0;
    if (live > target_[b] * 11 / 10 && roll < 45) roll = 50;
    if (live < 16) roll = 0;
    if (roll < 45) return add(b, rng_() % 2 ? Side::Buy : Side::Sell, -1);
    if (roll < 77) return cancel(b);
    if (roll < 87) return replace(b);
    return aggressive(b);
  }

  std::int64_t distance() {
    if (rng_() % 100 < 3) return static_cast<std::int64_t>(rng_() % 100);
    std::int64_t d = 0;
    while (rng_() % 100 < 60 && d < 50) ++d;
    return d;
  }
  std::int64_t best(std::uint16_t b, Side side) const {
    return model_.engine->best(b, side).price.raw / kTick;  // 0 when empty
  }
  // A passive price near the touch of `side` that does not cross.
  std::int64_t passive_price(std::uint16_t b, Side side) {
    const std::int64_t bid = best(b, Side::Buy);
    const std::int64_t ask = best(b, Side::Sell);
    const std::int64_t d = distance();
    if (side == Side::Buy) {
      const std::int64_t top = bid != 0 ? bid : (ask != 0 ? ask - 1 : mid_[b]);
      const std::int64_t p = std::min(top, ask != 0 ? ask - 1 : top) - d;
      return p > 0 ? p : 1;
    }
    const std::int64_t top = ask != 0 ? ask : (bid != 0 ? bid + 1 : mid_[b]);
    return std::max(top, bid != 0 ? bid + 1 : top) + d;
  }
  std::uint32_t lot() {
    return rng_() % 10 == 0 ? 1 + static_cast<std::uint32_t>(rng_() % 99)
                            : 100 * (1 + static_cast<std::uint32_t>(rng_() % 5));
  }

  Op run(const Op& op) {
    model_.apply(op, ++now_);
    return op;
  }
  Op add(std::uint16_t b, Side side, std::int64_t price_ticks) {
    const std::int64_t p = price_ticks > 0 ? price_ticks : passive_price(b, side);
    Op op{p * kTick, next_handle_++, lot(), b, Kind::Add, side, OrderType::Limit, TimeInForce::Day, {}};
    run(op);
    live_[b].push_back(op.handle);
    return op;
  }
  // Drops handles whose orders have gone (executed by aggressive orders).
  void prune(std::uint16_t b) {
    std::vector<std::uint32_t>& v = live_[b];
    for (int k = 0; k < 4 && !v.empty(); ++k) {
      const std::size_t i = v.size() - 1 - rng_() % std::min<std::size_t>(v.size(), 64);
      if (!model_.engine->find(model_.ids[v[i]]).has_value()) v.erase(v.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  // A live order of the instrument, three in four among the newest.
  std::size_t pick_live(std::uint16_t b) {
    std::vector<std::uint32_t>& v = live_[b];
    for (;;) {
      const std::size_t n = v.size();
      const std::size_t i = rng_() % 4 != 0 ? n - 1 - rng_() % std::min<std::size_t>(n, 32) : rng_() % n;
      if (model_.engine->find(model_.ids[v[i]]).has_value()) return i;
      v.erase(v.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  Op cancel(std::uint16_t b) {
    std::vector<std::uint32_t>& v = live_[b];
    const std::size_t i = pick_live(b);
    const std::uint32_t h = v[i];
    const auto info = *model_.engine->find(model_.ids[h]);
    Op op{0, h, 0, b, Kind::Cancel, info.side, OrderType::Limit, TimeInForce::Day, {}};
    v.erase(v.begin() + static_cast<std::ptrdiff_t>(i));
    return run(op);
  }
  Op replace(std::uint16_t b) {
    const std::uint32_t h = live_[b][pick_live(b)];
    const auto info = *model_.engine->find(model_.ids[h]);
    std::int64_t price = info.price.raw;
    auto qty = static_cast<std::uint32_t>(info.executed + info.leaves);
    if (rng_() % 3 == 0 && info.leaves > 1) {
      qty = static_cast<std::uint32_t>(info.executed + 1 +
                                       static_cast<std::int64_t>(rng_() % static_cast<std::uint64_t>(info.leaves - 1)));
    } else {
      price = passive_price(b, info.side) * kTick;
      qty = static_cast<std::uint32_t>(info.executed) + lot();
    }
    Op op{price, h, qty, b, Kind::Replace, info.side, OrderType::Limit, TimeInForce::Day, {}};
    return run(op);
  }
  Op aggressive(std::uint16_t b) {
    Side side = rng_() % 2 ? Side::Buy : Side::Sell;
    const Side contra = core::opposite(side);
    if (best(b, contra) == 0) return add(b, contra, -1);
    const std::int64_t through = static_cast<std::int64_t>(rng_() % 3);
    const std::int64_t touch = best(b, contra);
    const std::int64_t price = side == Side::Buy ? touch + through : touch - through;
    const std::uint64_t roll = rng_() % 13;
    OrderType type = OrderType::Limit;
    TimeInForce tif = TimeInForce::Ioc;
    if (roll < 2) type = OrderType::Market;
    if (roll >= 2 && roll < 5) tif = TimeInForce::Day;  // rests what is left
    const std::uint32_t qty = lot() * (1 + static_cast<std::uint32_t>(rng_() % 3));
    Op op{type == OrderType::Market ? 0 : price * kTick, next_handle_++, qty, b, Kind::Aggressive, side, type, tif, {}};
    run(op);
    if (model_.engine->find(model_.ids[op.handle]).has_value()) live_[b].push_back(op.handle);
    return op;
  }

  std::mt19937_64 rng_;
  Engine model_;  // the engine the flow is checked against while it is made
  std::vector<std::vector<std::uint32_t>> live_;
  std::vector<std::size_t> target_;
  std::vector<std::int64_t> mid_;
  std::discrete_distribution<std::uint16_t> pick_;
  std::uint32_t next_handle_{0};
  std::int64_t now_{0};
};

const Flow& flow() {
  static const Flow f = Generator{}.make();
  return f;
}

// ---- Benchmarks ----------------------------------------------------------------------------

/// The whole flow back to back on one core; each iteration starts from a
/// freshly built and pre-filled engine (untimed).
template <typename Target>
void stream_throughput(benchmark::State& state) {
  const Flow& f = flow();
  std::uint64_t anomalies = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto target = std::make_unique<Target>(f.handles);
    std::int64_t now = 0;
    for (const Op& op : f.prefill) target->apply(op, ++now);
    state.ResumeTiming();
    for (const Op& op : f.ops) target->apply(op, ++now);
    state.PauseTiming();
    anomalies += target->anomalies();
    target.reset();
    state.ResumeTiming();
  }
  if (anomalies != 0) state.SkipWithError("the flow was not consistent for this target");
  const auto ops = static_cast<double>(state.iterations()) * static_cast<double>(f.ops.size());
  state.counters["msg_per_s"] = benchmark::Counter(ops, benchmark::Counter::kIsRate);
  state.counters["ns_per_op"] = benchmark::Counter(ops, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["fills_per_op"] = static_cast<double>(f.fills) / static_cast<double>(f.ops.size() + f.prefill.size());
  state.counters["resting_orders_end"] = static_cast<double>(f.resting_at_end);
  state.SetItemsProcessed(static_cast<std::int64_t>(ops));
}

/// Every input timed on its own after the pre-fill and kWarmup untimed
/// inputs; one histogram for all and one per kind.
template <typename Target>
void per_op_latency(benchmark::State& state) {
  const Flow& f = flow();
  auto target = std::make_unique<Target>(f.handles);
  std::int64_t now = 0;
  for (const Op& op : f.prefill) target->apply(op, ++now);
  std::size_t i = 0;
  for (; i < kWarmup; ++i) target->apply(f.ops[i], ++now);
  const std::uint64_t overhead = empty_region_ticks();
  auto all = std::make_unique<LatencyHistogram>();
  std::array<std::unique_ptr<LatencyHistogram>, kKinds> by_kind;
  for (auto& h : by_kind) h = std::make_unique<LatencyHistogram>();
  for (auto _ : state) {
    const Op& op = f.ops[i++];
    const std::uint64_t t0 = Clock::now_ordered();
    target->apply(op, ++now);
    const std::uint64_t t1 = Clock::now_ordered();
    const std::uint64_t spent = t1 - t0 > overhead ? t1 - t0 - overhead : 0;
    all->record(spent);
    by_kind[static_cast<std::size_t>(op.kind)]->record(spent);
  }
  if (target->anomalies() != 0) state.SkipWithError("the flow was not consistent for this target");
  report_ticks(state, *all);
  const double ns = ns_per_tick();
  for (std::size_t k = 0; k < kKinds; ++k) {
    const LatencyHistogram& h = *by_kind[k];
    const std::string name = kKindNames[k];
    state.counters[name + "_p50_ns"] = static_cast<double>(h.percentile(50.0)) * ns;
    state.counters[name + "_p99_ns"] = static_cast<double>(h.percentile(99.0)) * ns;
    state.counters[name + "_p999_ns"] = static_cast<double>(h.percentile(99.9)) * ns;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["timer_overhead_cycles"] = static_cast<double>(overhead);
}

// Throughput: the goal (PERFORMANCE.md: >= 10 M ops/s on one core).
void BM_MatchingStream(benchmark::State& state) { stream_throughput<Engine>(state); }
BENCHMARK(BM_MatchingStream)->Unit(benchmark::kMillisecond)->MinTime(1.0);

void BM_MatchingStreamNaiveBaseline(benchmark::State& state) { stream_throughput<NaiveEngine>(state); }
BENCHMARK(BM_MatchingStreamNaiveBaseline)->Unit(benchmark::kMillisecond)->MinTime(1.0);

// Latency per input (add, cancel, replace, aggressive), same flow.
void BM_MatchingOp(benchmark::State& state) { per_op_latency<Engine>(state); }
BENCHMARK(BM_MatchingOp)->Iterations(kStreamOps - kWarmup);

void BM_MatchingOpNaiveBaseline(benchmark::State& state) { per_op_latency<NaiveEngine>(state); }
BENCHMARK(BM_MatchingOpNaiveBaseline)->Iterations(kStreamOps - kWarmup);

}  // namespace
}  // namespace hft::bench
