#pragma once
/// @file
/// Times operations too short to time one by one (a clock read is ~10 ns,
/// about the cost of the timestamps around it): each sample is one batch of
/// kBatch operations between two fenced TSC reads, less the cost of the
/// reads themselves.

#include <cstddef>
#include <cstdint>

#include <benchmark/benchmark.h>

#include "hft/core/clock.h"
#include "hft/core/latency_histogram.h"

namespace hft::bench {

inline constexpr std::size_t kBatch = 64;

/// Median cost in ticks of an empty timed region (two fenced TSC reads).
std::uint64_t empty_region_ticks();

/// Runs `op(i)` kBatch times per sample, `warmup` samples untimed first, then
/// one sample per benchmark iteration into `ticks` (per-batch totals).
template <typename Op>
void time_batches(benchmark::State& state, core::LatencyHistogram& ticks, Op&& op, int warmup = 2000) {
  const std::uint64_t overhead = empty_region_ticks();
  std::size_t i = 0;
  for (int w = 0; w < warmup; ++w) {
    for (std::size_t k = 0; k < kBatch; ++k) op(i++);
  }
  ticks.reset();
  for (auto _ : state) {
    const std::uint64_t t0 = core::Clock::now_ordered();
    for (std::size_t k = 0; k < kBatch; ++k) op(i++);
    const std::uint64_t t1 = core::Clock::now_ordered();
    const std::uint64_t spent = t1 - t0;
    ticks.record(spent > overhead ? spent - overhead : 0);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<benchmark::IterationCount>(kBatch));
  state.counters["timer_overhead_cycles"] = benchmark::Counter(static_cast<double>(overhead));
}

/// Times every call of `op(i)` on its own (fenced TSC reads around it, less
/// their median cost), `warmup` calls untimed first. For operations of tens
/// of ns and up, where a per-call distribution — its tail included — is
/// what the goal is about.
template <typename Op>
void time_each(benchmark::State& state, core::LatencyHistogram& ticks, Op&& op, int warmup = 20'000) {
  const std::uint64_t overhead = empty_region_ticks();
  std::size_t i = 0;
  for (int w = 0; w < warmup; ++w) op(i++);
  ticks.reset();
  for (auto _ : state) {
    const std::uint64_t t0 = core::Clock::now_ordered();
    op(i++);
    const std::uint64_t t1 = core::Clock::now_ordered();
    const std::uint64_t spent = t1 - t0;
    ticks.record(spent > overhead ? spent - overhead : 0);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["timer_overhead_cycles"] = benchmark::Counter(static_cast<double>(overhead));
}

}  // namespace hft::bench
