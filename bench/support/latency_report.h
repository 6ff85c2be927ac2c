#pragma once
/// @file
/// Turns one of our LatencyHistograms into google-benchmark user counters, so
/// distributions reach the JSON output as p50/p99/p99.9, not as an average.

#include <benchmark/benchmark.h>

#include "hft/core/latency_histogram.h"

namespace hft::bench {

/// `ticks` holds TSC tick counts of samples that each covered `ops_per_sample`
/// operations (a timed batch); counters are per operation, in ns and cycles.
/// Recording batch totals rather than the already divided average keeps the
/// sub-nanosecond part that integer buckets would drop.
void report_ticks(benchmark::State& state, const core::LatencyHistogram& ticks, double ops_per_sample = 1.0);

/// `ns` holds nanoseconds per operation; cycles are derived from the TSC rate.
void report_ns(benchmark::State& state, const core::LatencyHistogram& ns);

}  // namespace hft::bench
