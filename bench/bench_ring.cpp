// Two threads on two cores through our SPSC ring, against a mutex-guarded
// std::deque and (for round trips) a bare cache-line mailbox in the same run:
// throughput, one-way latency and round trip, with 64-byte messages.

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>

#include <benchmark/benchmark.h>

#include "hft/core/clock.h"
#include "hft/core/latency_histogram.h"
#include "hft/core/spsc_ring.h"

#include "support/latency_report.h"
#include "support/mutex_queue.h"
#include "support/placement.h"
#include "support/spin.h"
#include "support/tsc.h"

namespace hft::bench {
namespace {

using core::Clock;
using core::LatencyHistogram;

/// A market-data-sized message: sequence, send timestamp, payload.
struct Msg {
  std::uint64_t seq;
  std::uint64_t tsc;
  std::array<std::uint64_t, 6> payload;
};
static_assert(sizeof(Msg) == 64);

constexpr std::size_t kQueueSize = 4096;
using Spsc = core::SpscRing<Msg, kQueueSize>;
using MutexDeque = MutexDequeQueue<Msg, kQueueSize>;

/// A one-message mailbox in a single cache line: the least any cross-core
/// hand-off can cost on this machine (one line moving each way), measured in
/// the same run so the ring can be compared with the hardware, not only with
/// another queue.
class LineMailbox {
 public:
  bool try_push(const Msg& m) noexcept {
    if (state_.load(std::memory_order_acquire) != kEmpty) return false;
    tsc_ = m.tsc;
    state_.store(m.seq, std::memory_order_release);
    return true;
  }
  bool try_pop(Msg& m) noexcept {
    const std::uint64_t s = state_.load(std::memory_order_acquire);
    if (s == kEmpty) return false;
    m.seq = s;
    m.tsc = tsc_;
    state_.store(kEmpty, std::memory_order_release);
    return true;
  }

 private:
  static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};
  alignas(core::kFalseSharingRange) std::atomic<std::uint64_t> state_{kEmpty};
  std::uint64_t tsc_{0};
};

/// Shared between the benchmark thread and its helper; each field on its own
/// lines so the flags do not disturb what is measured.
struct Control {
  alignas(core::kFalseSharingRange) std::atomic<std::uint64_t> requested{0};
  alignas(core::kFalseSharingRange) std::atomic<bool> stop{false};
};

void finish(benchmark::State& state, const TwoCorePlacement& place, bool in_order) {
  state.counters["pinned"] = benchmark::Counter(place.pinned() ? 1 : 0);
  if (!in_order) state.SkipWithError("messages arrived out of order");
}

// ---- throughput: the producer pushes as fast as the consumer drains ------

template <typename Q, std::size_t Batch>
void BM_Throughput(benchmark::State& state) {
  constexpr std::uint64_t kBlock = 1 << 14;
  constexpr std::uint64_t kWarmup = 1 << 17;
  auto q = std::make_unique<Q>();
  Control ctl;
  TwoCorePlacement place;

  std::thread producer([&] {
    place.pin_first();
    Spin spin(!place.pinned());
    std::array<Msg, Batch> out{};
    std::uint64_t seq = 0;
    for (;;) {
      const std::uint64_t target = ctl.requested.load(std::memory_order_acquire);
      if (seq == target) {
        if (ctl.stop.load(std::memory_order_acquire)) return;
        spin.wait();
        continue;
      }
      const std::uint64_t n = std::min<std::uint64_t>(Batch, target - seq);
      for (std::size_t i = 0; i < n; ++i) out[i].seq = seq + i;
      const std::size_t k = Batch == 1 ? (q->try_push(out[0]) ? 1 : 0) : q->push_batch(out.data(), n);
      if (k == 0) spin.wait();
      seq += k;
    }
  });

  place.pin_second();
  Spin spin(!place.pinned());
  std::array<Msg, Batch> in{};
  std::uint64_t next = 0;
  bool in_order = true;
  const auto consume = [&](std::uint64_t n) {
    ctl.requested.fetch_add(n, std::memory_order_release);
    const std::uint64_t end = next + n;
    while (next < end) {
      const std::size_t k = Batch == 1 ? (q->try_pop(in[0]) ? 1 : 0) : q->pop_batch(in.data(), Batch);
      if (k == 0) spin.wait();
      for (std::size_t i = 0; i < k; ++i) in_order &= in[i].seq == next++;
    }
  };
  consume(kWarmup);
  for (auto _ : state) consume(kBlock);
  ctl.stop.store(true, std::memory_order_release);
  producer.join();

  const auto messages = static_cast<double>(state.iterations()) * static_cast<double>(kBlock);
  state.SetItemsProcessed(static_cast<std::int64_t>(messages));
  state.counters["msg_per_s"] = benchmark::Counter(messages, benchmark::Counter::kIsRate);
  finish(state, place, in_order);
}
BENCHMARK_TEMPLATE(BM_Throughput, Spsc, 1)->Name("BM_SpscThroughput")->UseRealTime();
BENCHMARK_TEMPLATE(BM_Throughput, Spsc, 32)->Name("BM_SpscThroughputBatch32")->UseRealTime();
BENCHMARK_TEMPLATE(BM_Throughput, MutexDeque, 1)->Name("BM_MutexDequeThroughput")->UseRealTime();
BENCHMARK_TEMPLATE(BM_Throughput, MutexDeque, 32)->Name("BM_MutexDequeThroughputBatch32")->UseRealTime();

// ---- one-way latency: paced sends, stamped by the producer ---------------

template <typename Q>
void BM_OneWayLatency(benchmark::State& state) {
  // One message per microsecond: a busy feed, but never a standing queue, so
  // what is measured is the hand-over, not the queueing.
  constexpr std::uint64_t kBlock = 256;
  constexpr std::uint64_t kWarmup = 4096;
  const auto gap = static_cast<std::uint64_t>(1000.0 / ns_per_tick());
  auto q = std::make_unique<Q>();
  auto hist = std::make_unique<LatencyHistogram>();
  Control ctl;
  TwoCorePlacement place;

  std::thread producer([&] {
    place.pin_first();
    Spin spin(!place.pinned());
    Msg m{};
    std::uint64_t seq = 0;
    std::uint64_t due = Clock::now();
    for (;;) {
      const std::uint64_t target = ctl.requested.load(std::memory_order_acquire);
      if (seq == target) {
        if (ctl.stop.load(std::memory_order_acquire)) return;
        spin.wait();
        due = Clock::now();
        continue;
      }
      while (Clock::now() < due) core::cpu_relax();
      m.seq = seq++;
      m.tsc = Clock::now();
      while (!q->try_push(m)) spin.wait();
      // After a stall (a host pause) resume the pace instead of bursting.
      due = std::max(due + gap, m.tsc + gap / 2);
    }
  });

  place.pin_second();
  Spin spin(!place.pinned());
  const core::TscConverter& conv = tsc_converter();
  std::uint64_t next = 0;
  std::uint64_t backwards = 0;
  bool in_order = true;
  const auto consume = [&](std::uint64_t n) {
    ctl.requested.fetch_add(n, std::memory_order_release);
    const std::uint64_t end = next + n;
    Msg m{};
    while (next < end) {
      if (!q->try_pop(m)) {
        spin.wait();
        continue;
      }
      // Fenced so the read cannot start before the message was loaded.
      const std::uint64_t now = Clock::now_ordered();
      in_order &= m.seq == next++;
      if (now >= m.tsc) {
        hist->record(conv.to_ns(now - m.tsc));
      } else {
        ++backwards;  // the two cores' counters disagree: not a latency
      }
    }
  };
  consume(kWarmup);
  hist->reset();
  backwards = 0;
  for (auto _ : state) consume(kBlock);
  ctl.stop.store(true, std::memory_order_release);
  producer.join();

  state.SetItemsProcessed(state.iterations() * static_cast<benchmark::IterationCount>(kBlock));
  report_ns(state, *hist);
  state.counters["tsc_backwards"] = benchmark::Counter(static_cast<double>(backwards));
  finish(state, place, in_order);
}
BENCHMARK_TEMPLATE(BM_OneWayLatency, Spsc)->Name("BM_SpscOneWayLatency")->UseRealTime();
BENCHMARK_TEMPLATE(BM_OneWayLatency, MutexDeque)->Name("BM_MutexDequeOneWayLatency")->UseRealTime();

// ---- round trip: ping on one queue, echoed back on another ---------------

template <typename Q>
void BM_RoundTrip(benchmark::State& state) {
  constexpr int kWarmup = 20'000;
  auto ping = std::make_unique<Q>();
  auto pong = std::make_unique<Q>();
  auto hist = std::make_unique<LatencyHistogram>();
  Control ctl;
  TwoCorePlacement place;

  std::thread echo([&] {
    place.pin_first();
    Spin spin(!place.pinned());
    Msg m{};
    while (!ctl.stop.load(std::memory_order_relaxed)) {
      if (!ping->try_pop(m)) {
        spin.wait();
        continue;
      }
      while (!pong->try_push(m)) spin.wait();
    }
  });

  place.pin_second();
  Spin spin(!place.pinned());
  const core::TscConverter& conv = tsc_converter();
  std::uint64_t seq = 0;
  bool in_order = true;
  const auto round_trip = [&] {
    Msg m{};
    m.seq = seq;
    m.tsc = Clock::now();
    while (!ping->try_push(m)) spin.wait();
    while (!pong->try_pop(m)) spin.wait();
    const std::uint64_t now = Clock::now_ordered();
    in_order &= m.seq == seq++;
    hist->record(conv.to_ns(now - m.tsc));  // one core's clock: never backwards
  };
  for (int i = 0; i < kWarmup; ++i) round_trip();
  hist->reset();
  for (auto _ : state) round_trip();
  ctl.stop.store(true, std::memory_order_relaxed);
  echo.join();

  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  report_ns(state, *hist);
  finish(state, place, in_order);
}
BENCHMARK_TEMPLATE(BM_RoundTrip, Spsc)->Name("BM_SpscRoundTrip")->UseRealTime();
BENCHMARK_TEMPLATE(BM_RoundTrip, MutexDeque)->Name("BM_MutexDequeRoundTrip")->UseRealTime();
BENCHMARK_TEMPLATE(BM_RoundTrip, LineMailbox)->Name("BM_CacheLineRoundTrip")->UseRealTime();

}  // namespace
}  // namespace hft::bench
