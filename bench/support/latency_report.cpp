#include "support/latency_report.h"

#include "support/tsc.h"

namespace hft::bench {
namespace {

struct Scale {
  double to_ns;
  double to_cycles;
};

void report(benchmark::State& state, const core::LatencyHistogram& h, Scale s) {
  const auto put = [&state](const char* name, double value) { state.counters[name] = benchmark::Counter(value); };
  const auto at = [&h](double p) { return static_cast<double>(h.percentile(p)); };
  put("p50_ns", at(50.0) * s.to_ns);
  put("p99_ns", at(99.0) * s.to_ns);
  put("p999_ns", at(99.9) * s.to_ns);
  put("max_ns", static_cast<double>(h.max()) * s.to_ns);
  put("mean_ns", h.mean() * s.to_ns);
  put("p50_cycles", at(50.0) * s.to_cycles);
  put("p99_cycles", at(99.0) * s.to_cycles);
  put("p999_cycles", at(99.9) * s.to_cycles);
  put("samples", static_cast<double>(h.count()));
}

}  // namespace

void report_ticks(benchmark::State& state, const core::LatencyHistogram& ticks, double ops_per_sample) {
  report(state, ticks, Scale{ns_per_tick() / ops_per_sample, 1.0 / ops_per_sample});
}

void report_ns(benchmark::State& state, const core::LatencyHistogram& ns) {
  report(state, ns, Scale{1.0, 1.0 / ns_per_tick()});
}

}  // namespace hft::bench
