// Cost of recording a latency and of reading a percentile back, on values
// shaped like real latencies (log-normal, long tail), never one repeated value.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include "hft/core/clock.h"
#include "hft/core/latency_histogram.h"

#include "support/batch_timer.h"
#include "support/latency_report.h"

namespace hft::bench {
namespace {

using core::Clock;
using core::LatencyHistogram;

constexpr std::size_t kValues = 1 << 16;
constexpr std::size_t kMask = kValues - 1;

/// Median ~700 ns, p99 ~10 us, and one in a thousand a host-pause-sized
/// outlier of a few hundred microseconds to milliseconds.
std::vector<std::uint64_t> latency_values() {
  std::mt19937_64 rng(2024);
  std::lognormal_distribution<double> body(std::log(700.0), 1.1);
  std::lognormal_distribution<double> pause(std::log(500'000.0), 1.0);
  std::uniform_int_distribution<int> coin(0, 999);
  std::vector<std::uint64_t> v(kValues);
  for (auto& x : v) x = static_cast<std::uint64_t>(coin(rng) == 0 ? pause(rng) : body(rng));
  return v;
}

void BM_HistogramRecord(benchmark::State& state) {
  const std::vector<std::uint64_t> values = latency_values();
  auto target = std::make_unique<LatencyHistogram>();
  auto ticks = std::make_unique<LatencyHistogram>();
  time_batches(state, *ticks, [&](std::size_t i) { target->record(values[i & kMask]); });
  benchmark::DoNotOptimize(target->count());
  report_ticks(state, *ticks, kBatch);
}
BENCHMARK(BM_HistogramRecord);

// Baseline: the cheapest alternative, keeping raw samples in a preallocated
// array to sort later.
void BM_ArrayStoreBaseline(benchmark::State& state) {
  const std::vector<std::uint64_t> values = latency_values();
  std::vector<std::uint64_t> samples(kValues);
  auto ticks = std::make_unique<LatencyHistogram>();
  time_batches(state, *ticks, [&](std::size_t i) { samples[i & kMask] = values[i & kMask]; });
  benchmark::DoNotOptimize(samples.data());
  report_ticks(state, *ticks, kBatch);
}
BENCHMARK(BM_ArrayStoreBaseline);

void BM_HistogramPercentile(benchmark::State& state) {
  const std::vector<std::uint64_t> values = latency_values();
  auto target = std::make_unique<LatencyHistogram>();
  for (int round = 0; round < 16; ++round)
    for (const std::uint64_t v : values) target->record(v);
  auto ticks = std::make_unique<LatencyHistogram>();
  constexpr double kAsked[] = {50.0, 99.0, 99.9};
  std::size_t i = 0;
  for (int w = 0; w < 200; ++w) benchmark::DoNotOptimize(target->percentile(kAsked[w % 3]));
  for (auto _ : state) {
    const std::uint64_t t0 = Clock::now_ordered();
    benchmark::DoNotOptimize(target->percentile(kAsked[i++ % 3]));
    const std::uint64_t t1 = Clock::now_ordered();
    ticks->record(t1 - t0);
  }
  report_ticks(state, *ticks);
}
BENCHMARK(BM_HistogramPercentile);

// Baseline: a percentile from the raw samples of the array-store approach.
void BM_NthElementPercentileBaseline(benchmark::State& state) {
  const std::vector<std::uint64_t> values = latency_values();
  std::vector<std::uint64_t> scratch(values.size());
  auto ticks = std::make_unique<LatencyHistogram>();
  for (auto _ : state) {
    const std::uint64_t t0 = Clock::now_ordered();
    std::copy(values.begin(), values.end(), scratch.begin());
    const auto nth = scratch.begin() + static_cast<std::ptrdiff_t>(scratch.size() * 99 / 100);
    std::nth_element(scratch.begin(), nth, scratch.end());
    benchmark::DoNotOptimize(*nth);
    const std::uint64_t t1 = Clock::now_ordered();
    ticks->record(t1 - t0);
  }
  report_ticks(state, *ticks);
}
BENCHMARK(BM_NthElementPercentileBaseline);

}  // namespace
}  // namespace hft::bench
