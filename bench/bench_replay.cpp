// The whole market data path on one core: a 10 M message synthetic ITCH
// feed (100 instruments, deep books, realistic mix) decoded and applied to
// the books, messages per second. Beside it, in the same run: decode alone,
// and a naive book (std::map levels, std::unordered_map orders) fed the
// same decoded messages.

#include <cstdint>
#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

#include <benchmark/benchmark.h>

#include "hft/market_data/book_manager.h"
#include "hft/market_data/synthetic_feed.h"
#include "hft/protocol/itch.h"

namespace hft::bench {
namespace {

namespace itch = protocol::itch;
namespace md = market_data;

constexpr std::uint64_t kMessages = 10'000'000;

/// The feed, length-prefixed, generated once per process.
const std::vector<std::uint8_t>& feed() {
  static const std::vector<std::uint8_t> bytes = [] {
    md::SynthOptions o;
    o.seed = 2026;
    o.messages = kMessages;
    o.symbols = 100;
    o.orders_per_symbol = 1000;
    md::SyntheticFeed gen(o);
    std::vector<std::uint8_t> out;
    out.reserve(kMessages * 36);
    std::uint8_t buf[64];
    while (const std::size_t n = gen.next(buf, sizeof buf)) {
      out.push_back(static_cast<std::uint8_t>(n >> 8));
      out.push_back(static_cast<std::uint8_t>(n));
      out.insert(out.end(), buf, buf + n);
    }
    return out;
  }();
  return bytes;
}

md::BookManagerOptions book_options() {
  md::BookManagerOptions o;
  o.order_capacity = 1 << 20;
  o.max_levels_per_side = 1 << 12;
  return o;
}

struct Count {
  std::uint64_t n{0};
  template <typename M>
  void on(const M&) noexcept {
    ++n;
  }
};

void BM_FeedDecodeOnly(benchmark::State& state) {
  const auto& bytes = feed();
  for (auto _ : state) {
    Count c;
    itch::DecodeCounters counters;
    itch::decode_stream(bytes.data(), bytes.size(), c, counters);
    benchmark::DoNotOptimize(c.n);
  }
  state.counters["msg_per_s"] =
      benchmark::Counter(static_cast<double>(kMessages), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_FeedDecodeOnly)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

void BM_FeedDecodeAndBooks(benchmark::State& state) {
  const auto& bytes = feed();
  std::uint64_t errors = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto books = std::make_unique<md::BookManager>(book_options());
    state.ResumeTiming();
    books->apply_stream(bytes.data(), bytes.size());
    state.PauseTiming();
    for (std::size_t r = 1; r < md::kBookResultCount; ++r) errors += books->counters().book[r];
    books.reset();
    state.ResumeTiming();
  }
  if (errors != 0) state.SkipWithError("the synthetic feed produced book inconsistencies");
  state.counters["msg_per_s"] =
      benchmark::Counter(static_cast<double>(kMessages), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_FeedDecodeAndBooks)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

// Baseline: the same messages into the book most first versions are.
class NaiveBooks {
 public:
  template <typename M>
  void on(const M&) noexcept {}
  void on(const itch::AddOrder& m) { add(m.locate, m.ref, m.side, m.shares, m.price.raw); }
  void on(const itch::AddOrderMpid& m) { add(m.locate, m.ref, m.side, m.shares, m.price.raw); }
  void on(const itch::OrderExecuted& m) { take(m.ref, m.executed_shares); }
  void on(const itch::OrderExecutedWithPrice& m) { take(m.ref, m.executed_shares); }
  void on(const itch::OrderCancel& m) { take(m.ref, m.cancelled_shares); }
  void on(const itch::OrderDelete& m) {
    auto it = orders_.find(m.ref);
    if (it != orders_.end()) take(m.ref, it->second.shares);
  }
  void on(const itch::OrderReplace& m) {
    auto it = orders_.find(m.original_ref);
    if (it == orders_.end()) return;
    const Order o = it->second;
    take(m.original_ref, o.shares);
    add(o.locate, m.new_ref, o.side, m.shares, m.price);
  }
  std::size_t orders() const { return orders_.size(); }

 private:
  struct Order {
    std::uint16_t locate;
    core::Side side;
    std::uint32_t shares;
    std::int64_t price;
  };
  using Levels = std::map<std::int64_t, std::uint64_t>;
  void add(std::uint16_t locate, std::uint64_t ref, core::Side side, std::uint32_t shares, std::int64_t price) {
    orders_.emplace(ref, Order{locate, side, shares, price});
    (side == core::Side::Buy ? bids_ : asks_)[locate][price] += shares;
  }
  void add(std::uint16_t locate, std::uint64_t ref, core::Side side, std::uint32_t shares, core::Price price) {
    add(locate, ref, side, shares, price.raw);
  }
  void take(std::uint64_t ref, std::uint32_t shares) {
    auto it = orders_.find(ref);
    if (it == orders_.end()) return;
    Order& o = it->second;
    Levels& levels = (o.side == core::Side::Buy ? bids_ : asks_)[o.locate];
    auto lvl = levels.find(o.price);
    lvl->second -= shares;
    if (lvl->second == 0) levels.erase(lvl);
    o.shares -= shares;
    if (o.shares == 0) orders_.erase(it);
  }
  std::unordered_map<std::uint64_t, Order> orders_;
  std::unordered_map<std::uint16_t, Levels> bids_;
  std::unordered_map<std::uint16_t, Levels> asks_;
};

void BM_FeedDecodeAndNaiveBooksBaseline(benchmark::State& state) {
  const auto& bytes = feed();
  for (auto _ : state) {
    state.PauseTiming();
    auto books = std::make_unique<NaiveBooks>();
    state.ResumeTiming();
    itch::DecodeCounters counters;
    itch::decode_stream(bytes.data(), bytes.size(), *books, counters);
    benchmark::DoNotOptimize(books->orders());
    state.PauseTiming();
    books.reset();
    state.ResumeTiming();
  }
  state.counters["msg_per_s"] =
      benchmark::Counter(static_cast<double>(kMessages), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_FeedDecodeAndNaiveBooksBaseline)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

}  // namespace
}  // namespace hft::bench
