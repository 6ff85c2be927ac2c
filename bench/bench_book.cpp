// The L3 order book on a feed-like stream: per-message latency (all messages
// and each kind on its own) and throughput over the whole stream, against a
// naive std::map + std::list + std::unordered_map book fed the same stream in
// the same run.
//
// The stream is generated once, at setup, from a seeded RNG (a second,
// in-cache shape of 4 books 20 levels deep shows the instruction cost alone):
//  - 100 instruments sharing one order store, activity skewed towards a few
//    (weights 1/(rank+1)), each with its own price level and a mid price that
//    takes a random step of one tick every ~100 of its messages;
//  - every book pre-filled 250 levels deep on each side (1-4 orders a level);
//  - adds at a geometric distance from the touch (most within a few ticks,
//    3 % anywhere up to 400 ticks away), never crossing;
//  - deletes, partial cancels and replaces of resting orders, three in four
//    picked among the book's most recent orders (short-lived quotes), the
//    rest anywhere in the book;
//  - executions of the first order at the best price, partial or full;
//  - a message mix dominated by adds and deletes, as on ITCH: add 44 %,
//    delete 33 %, replace 10 %, executed 6 %, executed with price 1 %,
//    cancel 6 % (attributed adds are 1 in 20 adds); each book's order count
//    is held near its pre-filled size;
//  - reference numbers increasing across all instruments with small gaps,
//    as on a real feed (hidden orders take numbers too).

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <list>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include <benchmark/benchmark.h>

#include "hft/core/clock.h"
#include "hft/core/latency_histogram.h"
#include "hft/market_data/order_book.h"

#include "support/batch_timer.h"
#include "support/latency_report.h"
#include "support/tsc.h"

namespace hft::bench {
namespace {

using core::Clock;
using core::LatencyHistogram;
using market_data::BookUpdate;
using market_data::Mpid;
using market_data::OrderBook;
using market_data::OrderStore;
using market_data::Price;
using market_data::Side;

/// The shape of one generated feed.
struct Shape {
  std::uint32_t books;
  int prefill_levels;    // per side and book
  std::size_t capacity;  // order store capacity (about twice the peak)
};
/// The main case: a feed's worth of books, deep, far beyond L2.
constexpr Shape kDeep{100, 250, std::size_t{1} << 18};
/// Everything in L1/L2 (4 books, 20 levels a side): what an update costs
/// in instructions alone.
constexpr Shape kInCache{4, 20, std::size_t{1} << 12};
constexpr std::size_t kStreamOps = 2'000'000;
constexpr std::size_t kWarmup = 50'000;
constexpr std::size_t kMaxLevelsPerSide = 2048;
constexpr std::int64_t kTick = 100;  // one cent in ITCH Price(4) units

enum class Kind : std::uint8_t { Add, AddAttributed, Execute, ExecuteWithPrice, Cancel, Delete, Replace };
constexpr std::size_t kKinds = 7;
constexpr std::array<const char*, kKinds> kKindNames{"add",    "add_mpid", "exec",   "exec_px",
                                                     "cancel", "delete",   "replace"};

/// One feed message, already decoded: 32 bytes.
struct Op {
  std::uint64_t ref;
  std::uint64_t new_ref;  // replace only
  std::int64_t price;     // add, replace, execute-with-price
  std::uint32_t shares;
  std::uint16_t book;
  Kind kind;
  Side side;
};
static_assert(sizeof(Op) == 32);

// ---- The baseline: what a first implementation looks like ----------------------

/// Per price a std::list FIFO in a std::map, and a std::unordered_map from
/// reference number to (level, list position). Same operations and the same
/// "did the top change" answer as OrderBook; no validation beyond that.
class NaiveFeed {
 public:
  struct Order {
    std::uint64_t ref;
    std::uint32_t shares;
  };
  struct Level {
    std::uint64_t shares{0};
    std::list<Order> queue;
  };
  using Ladder = std::map<std::int64_t, Level>;  // bids: best at the end; asks: best at the start
  struct Book {
    Ladder side[2];
  };
  struct Loc {
    Ladder::iterator level;
    std::list<Order>::iterator order;
    std::uint32_t book;
    std::uint8_t side;
  };

  NaiveFeed(std::size_t books, std::size_t expected_orders) : books_(books) { index_.reserve(expected_orders); }

  // The operations are kept out of line, as OrderBook's are (they live in
  // another translation unit), so both are called the same way.
  __attribute__((noinline)) bool add(std::uint32_t book, std::uint64_t ref, Side side, std::uint32_t shares,
                                     std::int64_t price) {
    const std::uint8_t si = side == Side::Sell ? 1 : 0;
    Ladder& l = books_[book].side[si];
    const auto it = l.try_emplace(price).first;
    it->second.shares += shares;
    it->second.queue.push_back(Order{ref, shares});
    index_.emplace(ref, Loc{it, std::prev(it->second.queue.end()), book, si});
    return is_best(l, it, si);
  }

  /// Execute, cancel or delete (`shares` >= resting removes the order).
  __attribute__((noinline)) bool reduce(std::uint64_t ref, std::uint32_t shares) {
    const auto f = index_.find(ref);
    if (f == index_.end()) return false;
    const Loc loc = f->second;
    Ladder& l = books_[loc.book].side[loc.side];
    const bool top = is_best(l, loc.level, loc.side);
    if (shares < loc.order->shares) {
      loc.order->shares -= shares;
      loc.level->second.shares -= shares;
      return top;
    }
    loc.level->second.shares -= loc.order->shares;
    loc.level->second.queue.erase(loc.order);
    if (loc.level->second.queue.empty()) l.erase(loc.level);
    index_.erase(f);
    return top;
  }

  __attribute__((noinline)) bool replace(std::uint64_t old_ref, std::uint64_t new_ref, std::uint32_t shares,
                                         std::int64_t price) {
    const auto f = index_.find(old_ref);
    if (f == index_.end()) return false;
    const std::uint32_t book = f->second.book;
    const Side side = f->second.side ? Side::Sell : Side::Buy;
    const bool top = reduce(old_ref, ~std::uint32_t{0});
    return add(book, new_ref, side, shares, price) || top;
  }

  bool apply(const Op& op) {
    switch (op.kind) {
      case Kind::Add:
      case Kind::AddAttributed:
        return add(op.book, op.ref, op.side, op.shares, op.price);
      case Kind::Execute:
      case Kind::ExecuteWithPrice:
      case Kind::Cancel:
        return reduce(op.ref, op.shares);
      case Kind::Delete:
        return reduce(op.ref, ~std::uint32_t{0});
      case Kind::Replace:
        return replace(op.ref, op.new_ref, op.shares, op.price);
    }
    return false;
  }

  // For the stream generator.
  const Ladder& ladder(std::uint32_t book, Side side) const { return books_[book].side[side == Side::Sell ? 1 : 0]; }
  /// Best price in ticks of the ladder's unit, or `none` when the side is empty.
  std::int64_t best(std::uint32_t book, Side side, std::int64_t none) const {
    const Ladder& l = ladder(book, side);
    if (l.empty()) return none;
    return side == Side::Sell ? l.begin()->first : l.rbegin()->first;
  }
  const Order* head(std::uint32_t book, Side side) const {
    const Ladder& l = ladder(book, side);
    if (l.empty()) return nullptr;
    const Level& lv = side == Side::Sell ? l.begin()->second : l.rbegin()->second;
    return &lv.queue.front();
  }
  /// Where a resting order is (the generator only asks about resting ones).
  const Loc& at(std::uint64_t ref) const { return index_.at(ref); }
  std::size_t size() const { return index_.size(); }

 private:
  static bool is_best(const Ladder& l, Ladder::const_iterator it, std::uint8_t si) {
    return si == 0 ? std::next(it) == l.end() : it == l.begin();
  }

  std::vector<Book> books_;
  std::unordered_map<std::uint64_t, Loc> index_;
};

// ---- The stream ----------------------------------------------------------------------

struct Stream {
  std::vector<Op> prefill;
  std::vector<Op> ops;
  std::size_t peak_orders{0};
};

class Generator {
 public:
  explicit Generator(const Shape& shape)
      : shape_(shape),
        rng_(42),
        feed_(shape.books, shape.capacity),
        live_(shape.books),
        mid_(shape.books),
        target_(shape.books) {
    std::vector<double> weights;
    for (std::uint32_t b = 0; b < shape.books; ++b) {
      weights.push_back(1.0 / (b + 1.0));
      // $5 .. $200 mids; prices are in ticks until they leave the generator.
      mid_[b] = 500 + static_cast<std::int64_t>(rng_() % 19'500);
    }
    pick_book_ = std::discrete_distribution<std::uint32_t>(weights.begin(), weights.end());
  }

  Stream make() {
    Stream s;
    for (std::uint32_t b = 0; b < shape_.books; ++b) {
      for (Side side : {Side::Buy, Side::Sell}) {
        for (int d = 0; d < shape_.prefill_levels; ++d) {
          const int n = 1 + static_cast<int>(rng_() % 4);
          for (int k = 0; k < n; ++k) {
            const std::int64_t p = side == Side::Buy ? mid_[b] - 1 - d : mid_[b] + 1 + d;
            s.prefill.push_back(add(static_cast<std::uint16_t>(b), side, p, Kind::Add));
          }
        }
      }
      target_[b] = live_[b].size();
    }
    s.ops.reserve(kStreamOps);
    while (s.ops.size() < kStreamOps) {
      const auto b = static_cast<std::uint16_t>(pick_book_(rng_));
      if (rng_() % 100 == 0) mid_[b] += rng_() % 2 ? 1 : -1;
      s.ops.push_back(next(b));
      if (feed_.size() > s.peak_orders) s.peak_orders = feed_.size();
    }
    return s;
  }

 private:
  Op next(std::uint16_t b) {
    std::uint64_t roll = rng_() % 100;
    const std::size_t live = live_[b].size();
    // Hold the book near its pre-filled size: a few more adds when it
    // shrank, a few more deletes when it grew.
    if (live < target_[b] * 9 / 10 && roll >= 44 && roll < 77) roll = 0;
    if (live > target_[b] * 11 / 10 && roll < 44) roll = 50;
    if (live < 8) roll = 0;
    if (roll < 44)
      return add(b, rng_() % 2 ? Side::Buy : Side::Sell, -1, rng_() % 20 ? Kind::Add : Kind::AddAttributed);
    if (roll < 77) return remove(b, pick(b));
    if (roll < 87) return replace(b, pick(b));
    if (roll < 94) return execute(b, roll == 93 ? Kind::ExecuteWithPrice : Kind::Execute);
    return cancel(b, pick(b));
  }

  std::uint64_t fresh_ref() { return next_ref_ += 1 + rng_() % 3; }

  // Ticks from the touch: geometric with mean ~1.5, sometimes far.
  std::int64_t distance() {
    if (rng_() % 100 < 3) return static_cast<std::int64_t>(rng_() % 400);
    std::int64_t d = 0;
    while (rng_() % 100 < 60 && d < 50) ++d;
    return d;
  }
  // A price near the top of `side` that does not cross the other side. The
  // reference is the touch, pulled towards the mid when the mid has moved
  // past it (quotes follow the market), so `distance` is measured from
  // where the book's activity is, not from a stale level.
  std::int64_t near_price(std::uint16_t b, Side side) {
    const std::int64_t d = distance();
    const std::int64_t bid = feed_.best(b, Side::Buy, mid_[b] - 1);
    const std::int64_t ask = feed_.best(b, Side::Sell, mid_[b] + 1);
    if (side == Side::Buy) {
      const std::int64_t p = std::min(std::max(bid, mid_[b] - 1), ask - 1) - d;
      return p > 0 ? p : 1;
    }
    return std::max(std::min(ask, mid_[b] + 1), bid + 1) + d;
  }
  std::uint32_t lot() {
    return rng_() % 10 == 0 ? 1 + static_cast<std::uint32_t>(rng_() % 99)
                            : 100 * (1 + static_cast<std::uint32_t>(rng_() % 5));
  }

  Op add(std::uint16_t b, Side side, std::int64_t price, Kind kind) {
    Op op{fresh_ref(), 0, price >= 0 ? price : near_price(b, side), lot(), b, kind, side};
    feed_.add(b, op.ref, side, op.shares, op.price);
    remember(b, op.ref);
    op.price *= kTick;
    return op;
  }
  // Three in four among the book's newest orders.
  std::uint64_t pick(std::uint16_t b) {
    const std::vector<std::uint64_t>& v = live_[b];
    const std::size_t n = v.size();
    if (rng_() % 4 != 0) {
      const std::size_t recent = n < 32 ? n : 32;
      return v[n - 1 - rng_() % recent];
    }
    return v[rng_() % n];
  }
  Op remove(std::uint16_t b, std::uint64_t ref) {
    const NaiveFeed::Loc& loc = feed_.at(ref);
    Op op{ref, 0, 0, loc.order->shares, b, Kind::Delete, loc.side ? Side::Sell : Side::Buy};
    feed_.reduce(ref, ~std::uint32_t{0});
    forget(b, ref);
    return op;
  }
  Op cancel(std::uint16_t b, std::uint64_t ref) {
    const NaiveFeed::Loc& loc = feed_.at(ref);
    const std::uint32_t resting = loc.order->shares;
    const std::uint32_t shares = resting > 1 ? 1 + static_cast<std::uint32_t>(rng_() % (resting - 1)) : 1;
    Op op{ref, 0, 0, shares, b, Kind::Cancel, loc.side ? Side::Sell : Side::Buy};
    feed_.reduce(ref, shares);
    if (shares == resting) forget(b, ref);
    return op;
  }
  Op execute(std::uint16_t b, Kind kind) {
    Side side = rng_() % 2 ? Side::Buy : Side::Sell;
    if (feed_.head(b, side) == nullptr) side = side == Side::Buy ? Side::Sell : Side::Buy;
    const NaiveFeed::Order* h = feed_.head(b, side);
    if (h == nullptr) return add(b, side, -1, Kind::Add);
    const std::uint64_t ref = h->ref;
    const std::uint32_t resting = h->shares;
    const std::uint32_t shares =
        rng_() % 2 == 0 || resting == 1 ? resting : 1 + static_cast<std::uint32_t>(rng_() % (resting - 1));
    const std::int64_t price = feed_.best(b, side, 0) * kTick;
    Op op{ref, 0, price, shares, b, kind, side};
    feed_.reduce(ref, shares);
    if (shares == resting) forget(b, ref);
    return op;
  }
  Op replace(std::uint16_t b, std::uint64_t ref) {
    const NaiveFeed::Loc& loc = feed_.at(ref);
    const Side side = loc.side ? Side::Sell : Side::Buy;
    // Most replaces re-price near the top; some only change the size.
    const std::int64_t price = rng_() % 4 == 0 ? loc.level->first : near_price(b, side);
    Op op{ref, fresh_ref(), price, lot(), b, Kind::Replace, side};
    feed_.replace(ref, op.new_ref, op.shares, price);
    forget(b, ref);
    remember(b, op.new_ref);
    op.price *= kTick;
    return op;
  }

  void remember(std::uint16_t b, std::uint64_t ref) {
    pos_[ref] = live_[b].size();
    live_[b].push_back(ref);
  }
  void forget(std::uint16_t b, std::uint64_t ref) {
    std::vector<std::uint64_t>& v = live_[b];
    const auto it = pos_.find(ref);
    const std::size_t i = it->second;
    pos_.erase(it);
    // Close the gap by shifting the newest few down so the tail of the
    // vector stays in arrival order ("recent" picks stay recent).
    for (std::size_t j = i; j + 1 < v.size(); ++j) {
      if (v.size() - j > 64) {  // far from the tail: swap in the last one instead
        v[i] = v.back();
        pos_[v[i]] = i;
        v.pop_back();
        return;
      }
      v[j] = v[j + 1];
      pos_[v[j]] = j;
    }
    v.pop_back();
  }

  Shape shape_;
  std::mt19937_64 rng_;
  NaiveFeed feed_;  // the generator's own model of the book (ticks, not Price units)
  std::vector<std::vector<std::uint64_t>> live_;
  std::unordered_map<std::uint64_t, std::size_t> pos_;
  std::vector<std::int64_t> mid_;
  std::vector<std::size_t> target_;
  std::discrete_distribution<std::uint32_t> pick_book_;
  std::uint64_t next_ref_{0};
};

const Stream& stream(const Shape& shape) {
  if (shape.books == kDeep.books) {
    static const Stream deep = Generator{kDeep}.make();
    return deep;
  }
  static const Stream in_cache = Generator{kInCache}.make();
  return in_cache;
}

// ---- Appliers --------------------------------------------------------------------------

struct Books {
  explicit Books(const Shape& shape) : store(shape.capacity) {
    books.reserve(shape.books);
    for (std::uint32_t b = 0; b < shape.books; ++b) books.emplace_back(store, kMaxLevelsPerSide);
  }
  bool apply(const Op& op) noexcept {
    OrderBook& book = books[op.book];
    BookUpdate u;
    switch (op.kind) {
      case Kind::Add:
        u = book.add(op.ref, op.side, op.shares, Price{op.price});
        break;
      case Kind::AddAttributed:
        u = book.add(op.ref, op.side, op.shares, Price{op.price}, Mpid{});
        break;
      case Kind::Execute:
        u = book.execute(op.ref, op.shares);
        break;
      case Kind::ExecuteWithPrice:
        u = book.execute_with_price(op.ref, op.shares, Price{op.price});
        break;
      case Kind::Cancel:
        u = book.cancel(op.ref, op.shares);
        break;
      case Kind::Delete:
        u = book.remove(op.ref);
        break;
      case Kind::Replace:
        u = book.replace(op.ref, op.new_ref, op.shares, Price{op.price});
        break;
    }
    return u.top_changed;
  }
  /// What a feed handler does with a decoded packet before applying it.
  void prefetch(const Op& op) const noexcept { store.prefetch(op.ref); }
  std::uint64_t anomalies() const {
    std::uint64_t n = 0;
    for (const OrderBook& b : books) n += b.counters().total();
    return n;
  }
  OrderStore store;
  std::vector<OrderBook> books;
};

struct Naive {
  explicit Naive(const Shape& shape) : feed(shape.books, shape.capacity) {}
  bool apply(const Op& op) { return feed.apply(op); }
  void prefetch(const Op&) const noexcept {}
  std::uint64_t anomalies() const { return 0; }
  NaiveFeed feed;
};

// ---- Benchmarks ----------------------------------------------------------------------------

/// Every message of the stream timed on its own, after the pre-fill and
/// kWarmup untimed messages; one histogram for all and one per kind.
/// With `ahead` > 0 the order slot of the message `ahead` places later is
/// prefetched (untimed) before each timed message: what a feed handler that
/// decodes a whole MoldUDP64 packet before applying it can do.
template <typename Target>
void per_message_latency(benchmark::State& state, const Shape& shape, std::size_t ahead = 0) {
  const Stream& s = stream(shape);
  auto target = std::make_unique<Target>(shape);
  for (const Op& op : s.prefill) target->apply(op);
  const std::uint64_t overhead = empty_region_ticks();
  std::size_t i = 0;
  std::uint64_t top = 0;
  for (; i < kWarmup; ++i) top += target->apply(s.ops[i]) ? 1u : 0u;
  auto all = std::make_unique<LatencyHistogram>();
  std::array<std::unique_ptr<LatencyHistogram>, kKinds> by_kind;
  for (auto& h : by_kind) h = std::make_unique<LatencyHistogram>();
  for (auto _ : state) {
    if (ahead != 0 && i + ahead < s.ops.size()) target->prefetch(s.ops[i + ahead]);
    const Op& op = s.ops[i++];
    const std::uint64_t t0 = Clock::now_ordered();
    const bool changed = target->apply(op);
    const std::uint64_t t1 = Clock::now_ordered();
    const std::uint64_t spent = t1 - t0 > overhead ? t1 - t0 - overhead : 0;
    all->record(spent);
    by_kind[static_cast<std::size_t>(op.kind)]->record(spent);
    top += changed ? 1u : 0u;
  }
  benchmark::DoNotOptimize(top);
  if (target->anomalies() != 0) state.SkipWithError("the stream was not consistent for the book");
  report_ticks(state, *all);
  const double ns = ns_per_tick();
  for (std::size_t k = 0; k < kKinds; ++k) {
    const LatencyHistogram& h = *by_kind[k];
    const std::string name = kKindNames[k];
    state.counters[name + "_p50_ns"] = static_cast<double>(h.percentile(50.0)) * ns;
    state.counters[name + "_p99_ns"] = static_cast<double>(h.percentile(99.0)) * ns;
    state.counters[name + "_p999_ns"] = static_cast<double>(h.percentile(99.9)) * ns;
  }
  state.counters["top_changed_share"] = static_cast<double>(top) / static_cast<double>(i);
  state.SetItemsProcessed(state.iterations());
  state.counters["timer_overhead_cycles"] = static_cast<double>(overhead);
}

/// The whole stream back to back: messages per second on one core. Each
/// iteration starts from a freshly built and pre-filled book (untimed).
template <typename Target>
void stream_throughput(benchmark::State& state, const Shape& shape, std::size_t ahead = 0) {
  const Stream& s = stream(shape);
  std::uint64_t top = 0;
  std::uint64_t anomalies = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto target = std::make_unique<Target>(shape);
    for (const Op& op : s.prefill) target->apply(op);
    state.ResumeTiming();
    if (ahead == 0) {
      for (const Op& op : s.ops) top += target->apply(op) ? 1u : 0u;
    } else {
      const std::size_t n = s.ops.size();
      for (std::size_t i = 0; i < n; ++i) {
        if (i + ahead < n) target->prefetch(s.ops[i + ahead]);
        top += target->apply(s.ops[i]) ? 1u : 0u;
      }
    }
    state.PauseTiming();
    anomalies += target->anomalies();
    target.reset();
    state.ResumeTiming();
  }
  benchmark::DoNotOptimize(top);
  if (anomalies != 0) state.SkipWithError("the stream was not consistent for the book");
  const auto msgs = static_cast<double>(state.iterations()) * static_cast<double>(s.ops.size());
  state.counters["msg_per_s"] = benchmark::Counter(msgs, benchmark::Counter::kIsRate);
  state.counters["ns_per_msg"] = benchmark::Counter(msgs, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["resting_orders_peak"] = static_cast<double>(s.peak_orders);
  state.SetItemsProcessed(static_cast<std::int64_t>(msgs));
}

// Per message, the deep feed. The goal (PERFORMANCE.md: book update p50 <
// 30 ns, p99 < 100 ns) is checked on this one.
void BM_BookUpdate(benchmark::State& state) { per_message_latency<Books>(state, kDeep); }
BENCHMARK(BM_BookUpdate)->Iterations(kStreamOps - kWarmup);

// The same with OrderStore::prefetch issued 8 messages ahead (untimed), as a
// feed handler can once it has decoded a packet.
void BM_BookUpdatePrefetch(benchmark::State& state) { per_message_latency<Books>(state, kDeep, 8); }
BENCHMARK(BM_BookUpdatePrefetch)->Iterations(kStreamOps - kWarmup);

void BM_BookUpdateNaiveBaseline(benchmark::State& state) { per_message_latency<Naive>(state, kDeep); }
BENCHMARK(BM_BookUpdateNaiveBaseline)->Iterations(kStreamOps - kWarmup);

// Per message, everything in cache: the instruction cost alone.
void BM_BookUpdateInCache(benchmark::State& state) { per_message_latency<Books>(state, kInCache); }
BENCHMARK(BM_BookUpdateInCache)->Iterations(kStreamOps - kWarmup);

void BM_BookUpdateInCacheNaiveBaseline(benchmark::State& state) { per_message_latency<Naive>(state, kInCache); }
BENCHMARK(BM_BookUpdateInCacheNaiveBaseline)->Iterations(kStreamOps - kWarmup);

// Throughput over the whole deep stream.
void BM_BookStream(benchmark::State& state) { stream_throughput<Books>(state, kDeep); }
BENCHMARK(BM_BookStream)->Unit(benchmark::kMillisecond)->MinTime(1.0);

void BM_BookStreamPrefetch(benchmark::State& state) { stream_throughput<Books>(state, kDeep, 8); }
BENCHMARK(BM_BookStreamPrefetch)->Unit(benchmark::kMillisecond)->MinTime(1.0);

void BM_BookStreamNaiveBaseline(benchmark::State& state) { stream_throughput<Naive>(state, kDeep); }
BENCHMARK(BM_BookStreamNaiveBaseline)->Unit(benchmark::kMillisecond)->MinTime(1.0);

void BM_BookStreamInCache(benchmark::State& state) { stream_throughput<Books>(state, kInCache); }
BENCHMARK(BM_BookStreamInCache)->Unit(benchmark::kMillisecond)->MinTime(1.0);

void BM_BookStreamInCacheNaiveBaseline(benchmark::State& state) { stream_throughput<Naive>(state, kInCache); }
BENCHMARK(BM_BookStreamInCacheNaiveBaseline)->Unit(benchmark::kMillisecond)->MinTime(1.0);

}  // namespace
}  // namespace hft::bench
