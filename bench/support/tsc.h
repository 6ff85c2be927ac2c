#pragma once
/// @file
/// The process's TSC calibration, measured once before any benchmark runs.

#include "hft/core/clock.h"

namespace hft::bench {

/// Calibrates the TSC against CLOCK_MONOTONIC_RAW (about a quarter second).
/// Called by main; later calls return the same calibration.
const core::TscCalibration& tsc_calibration();

/// Converter built from tsc_calibration().
const core::TscConverter& tsc_converter();

/// Nanoseconds per TSC tick, for converting fractional per-op averages.
double ns_per_tick();

}  // namespace hft::bench
