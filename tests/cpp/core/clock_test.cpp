#include "hft/core/clock.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "hft/core/cpu.h"

namespace hft::core {
namespace {

using namespace std::chrono_literals;

/// A TSC read known to lie between two CLOCK_MONOTONIC_RAW reads; the
/// narrowest of many is the one no host pause landed in.
struct Point {
  std::uint64_t tsc{0};
  std::uint64_t ref_lo{0};
  std::uint64_t ref_hi{~std::uint64_t{0}};
};

Point tight_point() {
  Point best;
  for (int i = 0; i < 200; ++i) {
    const std::uint64_t lo = Clock::monotonic_raw_ns();
    const std::uint64_t tsc = Clock::now_ordered();
    const std::uint64_t hi = Clock::monotonic_raw_ns();
    if (hi - lo < best.ref_hi - best.ref_lo) best = Point{tsc, lo, hi};
  }
  return best;
}

/// The CPU's own view of its TSC flags, from /proc/cpuinfo.
bool cpuinfo_has_flag(const std::string& flag) {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("flags", 0) != 0) continue;
    std::istringstream words(line.substr(line.find(':') + 1));
    std::string w;
    while (words >> w)
      if (w == flag) return true;
    return false;
  }
  return false;
}

TEST(Clock, ReadsNeverGoBackwardsOnOneCore) {
  // Pinned so the check is about one counter, not about cross-core skew.
  const auto cores = allowed_cpus();
  ASSERT_FALSE(cores.empty());
  ASSERT_TRUE(pin_current_thread(cores.front())) << "pinning needed for this check";
  // Only the orderings the instructions promise: lfence;rdtsc waits for every
  // earlier read and rdtscp for every earlier instruction. A plain rdtsc may
  // run ahead of an earlier rdtscp, so it is compared with what precedes it
  // in program order only through a fence.
  std::uint32_t aux = 0;
  std::uint64_t prev = Clock::now_ordered();
  for (int i = 0; i < 100'000; ++i) {
    const std::uint64_t a = Clock::now();
    const std::uint64_t b = Clock::now_ordered();
    const std::uint64_t c = Clock::now_serialized(aux);
    const std::uint64_t d = Clock::now_ordered();
    ASSERT_LE(prev, b);
    ASSERT_LE(a, b);
    ASSERT_LE(b, c);
    ASSERT_LE(c, d);
    prev = d;
  }
}

TEST(Clock, SerializedReadReportsTheCore) {
#if HFT_HAVE_TSC
  if (!detect_tsc_features().has_rdtscp) GTEST_SKIP() << "no rdtscp";
  // Linux loads IA32_TSC_AUX with (node << 12) | cpu on every core.
  for (const int core : allowed_cpus()) {
    ASSERT_TRUE(pin_current_thread(core));
    std::uint32_t aux = 0;
    Clock::now_serialized(aux);
    EXPECT_EQ(static_cast<int>(aux & 0xFFFU), core);
  }
#else
  GTEST_SKIP() << "no TSC on this architecture";
#endif
}

TEST(Clock, TscAdvancesWithTime) {
  const std::uint64_t a = Clock::now();
  std::this_thread::sleep_for(2ms);
  const std::uint64_t b = Clock::now();
  // At least 1 MHz over 2 ms, whatever the machine.
  EXPECT_GT(b - a, 2'000u);
}

TEST(Clock, ReferenceClocksAreSane) {
  const std::uint64_t a = Clock::monotonic_raw_ns();
  std::this_thread::sleep_for(1ms);
  const std::uint64_t b = Clock::monotonic_raw_ns();
  EXPECT_GE(b - a, 1'000'000u);
  // After 2020-01-01 and before 2100-01-01.
  const std::uint64_t now = Clock::realtime_ns();
  EXPECT_GT(now, 1'577'836'800ULL * 1'000'000'000ULL);
  EXPECT_LT(now, 4'102'444'800ULL * 1'000'000'000ULL);
}

TEST(TscFeatures, AgreeWithProcCpuinfo) {
#if HFT_HAVE_TSC
  const TscFeatures f = detect_tsc_features();
  RecordProperty("invariant_tsc", f.invariant ? "yes" : "no");
  RecordProperty("nominal_hz", std::to_string(f.nominal_hz));
  EXPECT_EQ(f.has_tsc, cpuinfo_has_flag("tsc"));
  EXPECT_EQ(f.has_rdtscp, cpuinfo_has_flag("rdtscp"));
  // The kernel prints CPUID 0x80000007 EDX[8] as constant_tsc + nonstop_tsc.
  EXPECT_EQ(f.invariant, cpuinfo_has_flag("constant_tsc") && cpuinfo_has_flag("nonstop_tsc"));
#else
  GTEST_SKIP() << "no TSC on this architecture";
#endif
}

TEST(CalibrateTsc, RejectsAWindowBelowOneMillisecond) {
  EXPECT_THROW(calibrate_tsc(999us), std::invalid_argument);
  EXPECT_THROW(calibrate_tsc(0ns), std::invalid_argument);
  EXPECT_THROW(calibrate_tsc(-5ms), std::invalid_argument);
  EXPECT_NO_THROW(calibrate_tsc(1ms));
}

TEST(CalibrateTsc, ReportsItsWindowAndUncertainty) {
  const TscCalibration cal = calibrate_tsc(20ms);
  RecordProperty("calibration", describe(cal));
  EXPECT_GE(cal.window_ns, 19'000'000u);
  EXPECT_GT(cal.ticks_per_second, 1e6);
  EXPECT_LT(cal.ticks_per_second, 1e11);
  EXPECT_GT(cal.uncertainty_ppm, 0.0);
  EXPECT_LT(cal.uncertainty_ppm, 1000.0);
  EXPECT_EQ(cal.features.invariant, detect_tsc_features().invariant);
  if (cal.features.nominal_hz == 0) {
    EXPECT_EQ(cal.nominal_error_ppm, 0.0);
  }
}

TEST(CalibrateTsc, ConversionErrorBelowOnePerMille) {
  const TscConverter conv(calibrate_tsc(20ms));
  // An interval independent of the calibration's own, bounded on both ends by
  // tight reference brackets; the reference interval is known to within the
  // brackets' widths, so the allowed error is 0.1 % plus that slack.
  const Point start = tight_point();
  std::this_thread::sleep_for(30ms);
  const Point end = tight_point();
  const double converted = static_cast<double>(conv.to_ns(end.tsc - start.tsc));
  const double ref_min = static_cast<double>(end.ref_lo - start.ref_hi);
  const double ref_max = static_cast<double>(end.ref_hi - start.ref_lo);
  EXPECT_GE(converted, ref_min * (1 - 1e-3)) << "ref " << ref_min << ".." << ref_max;
  EXPECT_LE(converted, ref_max * (1 + 1e-3)) << "ref " << ref_min << ".." << ref_max;
}

TEST(TscConverter, DefaultIsOneTickPerNanosecond) {
  const TscConverter conv;
  EXPECT_EQ(conv.mult(), 1u);
  EXPECT_EQ(conv.shift(), 0u);
  EXPECT_EQ(conv.to_ns(0), 0u);
  EXPECT_EQ(conv.to_ns(123'456'789), 123'456'789u);
  EXPECT_EQ(conv.to_ns(~std::uint64_t{0}), ~std::uint64_t{0});
}

TEST(TscConverter, UsesMultiplyAndShiftWithoutOverflow) {
  TscCalibration cal;
  cal.mult = std::uint64_t{1} << 31;  // half a nanosecond per tick
  cal.shift = 32;
  const TscConverter conv(cal);
  EXPECT_EQ(conv.to_ns(1'000), 500u);
  EXPECT_EQ(conv.to_ns(3), 1u);  // truncates
  // 2^63 ticks * 2^31 needs 94 bits on the way.
  EXPECT_EQ(conv.to_ns(std::uint64_t{1} << 63), std::uint64_t{1} << 62);
}

TEST(TscConverter, CalibratedRateConvertsOneSecondOfTicks) {
  const TscCalibration cal = calibrate_tsc(5ms);
  const TscConverter conv(cal);
  const auto one_second = static_cast<std::uint64_t>(std::llround(cal.ticks_per_second));
  // Rounding in mult alone: well under 1 ppm.
  EXPECT_NEAR(static_cast<double>(conv.to_ns(one_second)), 1e9, 1e3);
}

TEST(Describe, NamesRateWindowAndInvariance) {
  TscCalibration cal;
  cal.ticks_per_second = 2'596'120'000.0;
  cal.window_ns = 50'000'000;
  cal.uncertainty_ppm = 1.5;
  cal.features.invariant = true;
  cal.features.nominal_hz = 2'600'000'000;
  cal.nominal_error_ppm = -1492.3;
  const std::string text = describe(cal);
  EXPECT_NE(text.find("2596.120 MHz"), std::string::npos) << text;
  EXPECT_NE(text.find("50.0 ms"), std::string::npos) << text;
  EXPECT_NE(text.find("invariant=yes"), std::string::npos) << text;
  EXPECT_NE(text.find("nominal 2600.000 MHz"), std::string::npos) << text;
  cal.features.invariant = false;
  cal.features.nominal_hz = 0;
  EXPECT_NE(describe(cal).find("invariant=NO"), std::string::npos);
}

}  // namespace
}  // namespace hft::core
