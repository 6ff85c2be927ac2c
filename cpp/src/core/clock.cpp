#include "hft/core/clock.h"

#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <thread>

#if HFT_HAVE_TSC
#include <cpuid.h>
#endif

namespace hft::core {
namespace {

std::uint64_t read_clock_ns(clockid_t id) noexcept {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ULL + static_cast<std::uint64_t>(ts.tv_nsec);
}

/// One point of the calibration line: a TSC read known to lie between two
/// reference reads `width_ns` apart.
struct Bracket {
  std::uint64_t tsc{0};
  std::uint64_t ref_ns{0};  // midpoint of the two reference reads
  std::uint64_t width_ns{~std::uint64_t{0}};
};

/// Best of `tries` brackets: the narrowest one is the one the host did not
/// interrupt.
Bracket tightest_bracket(int tries) noexcept {
  Bracket best;
  for (int i = 0; i < tries; ++i) {
    const std::uint64_t before = Clock::monotonic_raw_ns();
    const std::uint64_t tsc = Clock::now_ordered();
    const std::uint64_t after = Clock::monotonic_raw_ns();
    const std::uint64_t width = after - before;
    if (width < best.width_ns) best = Bracket{tsc, before + width / 2, width};
  }
  return best;
}

}  // namespace

std::uint64_t Clock::monotonic_raw_ns() noexcept { return read_clock_ns(CLOCK_MONOTONIC_RAW); }
std::uint64_t Clock::realtime_ns() noexcept { return read_clock_ns(CLOCK_REALTIME); }

TscFeatures detect_tsc_features() noexcept {
  TscFeatures f;
#if HFT_HAVE_TSC
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid(1, &a, &b, &c, &d)) f.has_tsc = (d & (1U << 4)) != 0;
  if (__get_cpuid(0x80000001, &a, &b, &c, &d)) f.has_rdtscp = (d & (1U << 27)) != 0;
  if (__get_cpuid(0x80000007, &a, &b, &c, &d)) f.invariant = (d & (1U << 8)) != 0;
  const unsigned max_leaf = __get_cpuid_max(0, nullptr);
  if (max_leaf >= 0x15) {
    // TSC/core crystal ratio: hz = crystal * b / a, when the crystal is given.
    __cpuid(0x15, a, b, c, d);
    if (a != 0 && b != 0 && c != 0) f.nominal_hz = static_cast<std::uint64_t>(c) * b / a;
  }
  if (f.nominal_hz == 0 && max_leaf >= 0x16) {
    __cpuid(0x16, a, b, c, d);  // base frequency in MHz
    if ((a & 0xFFFF) != 0) f.nominal_hz = static_cast<std::uint64_t>(a & 0xFFFF) * 1'000'000ULL;
  }
#endif
  return f;
}

TscCalibration calibrate_tsc(std::chrono::nanoseconds window) {
  if (window < std::chrono::milliseconds(1))
    throw std::invalid_argument("TSC calibration window must be at least 1 ms");
  constexpr int kTries = 64;

  TscCalibration cal;
  cal.features = detect_tsc_features();

  const Bracket start = tightest_bracket(kTries);
  std::this_thread::sleep_for(window);
  const Bracket end = tightest_bracket(kTries);

  const std::uint64_t ref = end.ref_ns - start.ref_ns;
  const std::uint64_t ticks = end.tsc - start.tsc;
  cal.window_ns = ref;
  cal.ticks_per_second = static_cast<double>(ticks) * 1e9 / static_cast<double>(ref);
  // Each midpoint is within half its bracket of the true instant.
  cal.uncertainty_ppm = 0.5 * static_cast<double>(start.width_ns + end.width_ns) / static_cast<double>(ref) * 1e6;

  // ns = ticks * 1e9 / hz = (ticks * mult) >> 32; 2^32 keeps mult below 2^63
  // for any rate above 0.25 Hz and the rounding error under 1e-9 relative.
  cal.shift = 32;
  cal.mult =
      static_cast<std::uint64_t>(std::llround(std::ldexp(1e9 / cal.ticks_per_second, static_cast<int>(cal.shift))));
  if (cal.features.nominal_hz != 0) {
    const double nominal = static_cast<double>(cal.features.nominal_hz);
    cal.nominal_error_ppm = (cal.ticks_per_second - nominal) / nominal * 1e6;
  }
  return cal;
}

double conversion_error_ppm(const TscCalibration& cal, std::chrono::nanoseconds window) {
  constexpr int kTries = 64;
  const TscConverter conv(cal);
  const Bracket start = tightest_bracket(kTries);
  std::this_thread::sleep_for(window);
  const Bracket end = tightest_bracket(kTries);
  const double ref = static_cast<double>(end.ref_ns - start.ref_ns);
  const double converted = static_cast<double>(conv.to_ns(end.tsc - start.tsc));
  return (converted - ref) / ref * 1e6;
}

std::string describe(const TscCalibration& cal) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "TSC %.3f MHz (+/- %.2f ppm over %.1f ms), invariant=%s%s", cal.ticks_per_second / 1e6,
                cal.uncertainty_ppm, static_cast<double>(cal.window_ns) / 1e6, cal.features.invariant ? "yes" : "NO",
                cal.features.nominal_hz ? "" : ", no nominal rate from CPUID");
  std::string out = buf;
  if (cal.features.nominal_hz != 0) {
    std::snprintf(buf, sizeof buf, ", nominal %.3f MHz (%+.0f ppm)", static_cast<double>(cal.features.nominal_hz) / 1e6,
                  cal.nominal_error_ppm);
    out += buf;
  }
  return out;
}

}  // namespace hft::core
