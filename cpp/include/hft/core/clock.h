#pragma once
/// @file
/// Time on the hot path: raw TSC reads, and a calibrated conversion from
/// ticks to nanoseconds that costs one multiply and one shift.

#include <chrono>
#include <cstdint>
#include <string>

#include "hft/core/types.h"

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define HFT_HAVE_TSC 1
#else
#define HFT_HAVE_TSC 0
#endif

namespace hft::core {

/// Raw timestamp counter reads. On x86 these are `rdtsc` variants; elsewhere
/// they fall back to CLOCK_MONOTONIC_RAW nanoseconds so the rest of the code
/// (and a calibration of exactly 1 tick/ns) still works.
struct Clock {
  /// Unordered read: cheapest; the CPU may move it across nearby loads.
  static inline std::uint64_t now() noexcept {
#if HFT_HAVE_TSC
    return __rdtsc();
#else
    return fallback_ns();
#endif
  }

  /// Read after all earlier instructions have completed (`lfence; rdtsc`):
  /// use where the end of a measured region must not be hoisted.
  static inline std::uint64_t now_ordered() noexcept {
#if HFT_HAVE_TSC
    _mm_lfence();
    return __rdtsc();
#else
    return fallback_ns();
#endif
  }

  /// `rdtscp`: waits for earlier instructions and reports the core id
  /// (IA32_TSC_AUX) in `aux`, so a reader can see it was migrated.
  static inline std::uint64_t now_serialized(std::uint32_t& aux) noexcept {
#if HFT_HAVE_TSC
    unsigned int a = 0;
    const std::uint64_t t = __rdtscp(&a);
    aux = a;
    return t;
#else
    aux = 0;
    return fallback_ns();
#endif
  }

  /// CLOCK_MONOTONIC_RAW in nanoseconds: the reference the TSC is calibrated
  /// against (not slewed by NTP).
  static std::uint64_t monotonic_raw_ns() noexcept;

  /// CLOCK_REALTIME in nanoseconds since the epoch, for audit records.
  static std::uint64_t realtime_ns() noexcept;

 private:
  static std::uint64_t fallback_ns() noexcept { return monotonic_raw_ns(); }
};

/// What the CPU says about its timestamp counter.
struct TscFeatures {
  bool has_tsc{false};
  bool has_rdtscp{false};
  /// CPUID 0x80000007 EDX[8]: constant rate through P-, C- and T-states.
  /// Without it TSC deltas are not time, and the engine refuses to start.
  bool invariant{false};
  /// Frequency the CPU advertises (CPUID 0x15/0x16), 0 when it does not.
  std::uint64_t nominal_hz{0};
};

/// Reads the TSC feature flags with CPUID.
TscFeatures detect_tsc_features() noexcept;

/// Result of measuring the TSC against CLOCK_MONOTONIC_RAW.
struct TscCalibration {
  double ticks_per_second{0};  ///< measured TSC frequency
  std::uint64_t mult{0};       ///< ns = (ticks * mult) >> shift
  unsigned shift{0};
  std::uint64_t window_ns{0};  ///< reference interval the rate was measured over
  /// Upper bound on the relative error of the rate, from the width of the
  /// bracketing reads at both ends divided by the window (parts per million).
  double uncertainty_ppm{0};
  /// (measured - nominal) / nominal, in ppm; 0 when the CPU gives no nominal.
  double nominal_error_ppm{0};
  TscFeatures features{};
};

/// Measures the TSC rate over `window` (at least 1 ms). Each end of the window
/// is the tightest of several (monotonic_raw, tsc, monotonic_raw) brackets, so
/// a host pause during one read does not skew the result. Blocks for about
/// `window`; call at start-up, never on the hot path.
TscCalibration calibrate_tsc(std::chrono::nanoseconds window = std::chrono::milliseconds(50));

/// Converts TSC ticks to nanoseconds with one 128-bit multiply and a shift.
class TscConverter {
 public:
  TscConverter() noexcept = default;
  explicit TscConverter(const TscCalibration& cal) noexcept : mult_(cal.mult), shift_(cal.shift) {}

  /// Nanoseconds for a tick count (a duration, or ticks since an origin).
  std::uint64_t to_ns(std::uint64_t ticks) const noexcept {
    return static_cast<std::uint64_t>((static_cast<uint128>(ticks) * mult_) >> shift_);
  }

  std::uint64_t mult() const noexcept { return mult_; }
  unsigned shift() const noexcept { return shift_; }

 private:
  // Defaults to 1 tick = 1 ns so an uncalibrated converter is usable in tests.
  std::uint64_t mult_{1};
  unsigned shift_{0};
};

/// Checks a calibration: measures a fresh interval of `window` with both
/// clocks (tightest brackets at each end) and returns the error of the
/// converted TSC interval against CLOCK_MONOTONIC_RAW, in ppm.
double conversion_error_ppm(const TscCalibration& cal, std::chrono::nanoseconds window);

/// Human-readable summary of a calibration, for logs and `hft clock`.
std::string describe(const TscCalibration& cal);

}  // namespace hft::core
