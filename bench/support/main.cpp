// Shared main for every bench binary: calibrates the TSC before the first
// benchmark and writes what the numbers depend on into the JSON context.

#include <string>

#include <benchmark/benchmark.h>

#include "hft/core/cpu.h"
#include "hft/core/version.h"

#include "support/tsc.h"

namespace {

std::string joined(const std::vector<int>& cores) {
  std::string out;
  for (std::size_t i = 0; i < cores.size(); ++i) out += (i ? "," : "") + std::to_string(cores[i]);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  const auto& cal = hft::bench::tsc_calibration();
  benchmark::AddCustomContext("hft_version", hft::core::version());
  benchmark::AddCustomContext("hft_build", hft::core::build_description());
  benchmark::AddCustomContext("tsc_hz", std::to_string(cal.ticks_per_second));
  benchmark::AddCustomContext("tsc_invariant", cal.features.invariant ? "yes" : "no");
  benchmark::AddCustomContext("tsc_calibration", hft::core::describe(cal));
  benchmark::AddCustomContext("allowed_cpus", joined(hft::core::allowed_cpus()));

  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
