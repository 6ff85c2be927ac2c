#include "support/tsc.h"

#include <chrono>

namespace hft::bench {

const core::TscCalibration& tsc_calibration() {
  // Long enough that the bracket widths at both ends are a few ppm of it.
  static const core::TscCalibration cal = core::calibrate_tsc(std::chrono::milliseconds(250));
  return cal;
}

const core::TscConverter& tsc_converter() {
  static const core::TscConverter conv(tsc_calibration());
  return conv;
}

double ns_per_tick() { return 1e9 / tsc_calibration().ticks_per_second; }

}  // namespace hft::bench
