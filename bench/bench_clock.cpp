// Cost of reading the time: our Clock against the raw instructions and the
// vDSO clock_gettime it replaces, and the cost of converting ticks to ns.

#include <time.h>

#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <thread>

#include <benchmark/benchmark.h>

#include "hft/core/clock.h"
#include "hft/core/latency_histogram.h"

#include "support/batch_timer.h"
#include "support/latency_report.h"
#include "support/tsc.h"

namespace hft::bench {
namespace {

using core::Clock;
using core::LatencyHistogram;

template <typename Op>
void run_batched(benchmark::State& state, Op&& op) {
  auto ticks = std::make_unique<LatencyHistogram>();
  time_batches(state, *ticks, op);
  report_ticks(state, *ticks, kBatch);
}

#if HFT_HAVE_TSC
// Baselines: the bare instructions, with nothing of ours around them.
void BM_Rdtsc(benchmark::State& state) {
  run_batched(state, [](std::size_t) { benchmark::DoNotOptimize(__rdtsc()); });
}
BENCHMARK(BM_Rdtsc);

void BM_Rdtscp(benchmark::State& state) {
  run_batched(state, [](std::size_t) {
    unsigned aux = 0;
    benchmark::DoNotOptimize(__rdtscp(&aux));
    benchmark::DoNotOptimize(aux);
  });
}
BENCHMARK(BM_Rdtscp);
#endif

void BM_ClockNow(benchmark::State& state) {
  run_batched(state, [](std::size_t) { benchmark::DoNotOptimize(Clock::now()); });
}
BENCHMARK(BM_ClockNow);

void BM_ClockNowOrdered(benchmark::State& state) {
  run_batched(state, [](std::size_t) { benchmark::DoNotOptimize(Clock::now_ordered()); });
}
BENCHMARK(BM_ClockNowOrdered);

void BM_ClockNowSerialized(benchmark::State& state) {
  run_batched(state, [](std::size_t) {
    std::uint32_t aux = 0;
    benchmark::DoNotOptimize(Clock::now_serialized(aux));
    benchmark::DoNotOptimize(aux);
  });
}
BENCHMARK(BM_ClockNowSerialized);

// The alternative most code uses: vDSO clock_gettime.
void BM_ClockGettimeMonotonic(benchmark::State& state) {
  run_batched(state, [](std::size_t) {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    benchmark::DoNotOptimize(ts);
  });
}
BENCHMARK(BM_ClockGettimeMonotonic);

void BM_TscToNs(benchmark::State& state) {
  // Realistic inputs (deltas from tens of ticks to seconds), not one constant
  // the compiler could fold.
  constexpr std::size_t kN = 4096;
  auto inputs = std::make_unique<std::array<std::uint64_t, kN>>();
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> log2_ticks(4.0, 33.0);
  for (auto& v : *inputs) v = static_cast<std::uint64_t>(std::exp2(log2_ticks(rng)));
  core::TscConverter conv = tsc_converter();
  benchmark::DoNotOptimize(conv);
  run_batched(state, [&](std::size_t i) { benchmark::DoNotOptimize(conv.to_ns((*inputs)[i % kN])); });
}
BENCHMARK(BM_TscToNs);

// Accuracy rather than speed: a fresh 50 ms calibration converts a separate
// 200 ms interval; the counter is the error against CLOCK_MONOTONIC_RAW.
void BM_TscCalibrationError(benchmark::State& state) {
  struct Point {
    std::uint64_t tsc{0};
    std::uint64_t ref{0};
    std::uint64_t width{~std::uint64_t{0}};
  };
  const auto tight = [] {
    Point best;
    for (int i = 0; i < 200; ++i) {
      const std::uint64_t lo = Clock::monotonic_raw_ns();
      const std::uint64_t tsc = Clock::now_ordered();
      const std::uint64_t hi = Clock::monotonic_raw_ns();
      if (hi - lo < best.width) best = Point{tsc, lo + (hi - lo) / 2, hi - lo};
    }
    return best;
  };
  double worst_ppm = 0;
  double uncertainty_ppm = 0;
  for (auto _ : state) {
    const core::TscCalibration cal = core::calibrate_tsc(std::chrono::milliseconds(50));
    const core::TscConverter conv(cal);
    const Point a = tight();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const Point b = tight();
    const double ref = static_cast<double>(b.ref - a.ref);
    const double got = static_cast<double>(conv.to_ns(b.tsc - a.tsc));
    worst_ppm = std::fmax(worst_ppm, std::fabs(got - ref) / ref * 1e6);
    uncertainty_ppm = std::fmax(uncertainty_ppm, cal.uncertainty_ppm);
  }
  state.counters["error_ppm"] = benchmark::Counter(worst_ppm);
  state.counters["calibration_uncertainty_ppm"] = benchmark::Counter(uncertainty_ppm);
}
BENCHMARK(BM_TscCalibrationError)->Iterations(3)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace hft::bench
