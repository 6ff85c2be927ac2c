"""Clock calibration report: how fast the TSC runs and how well ticks map to ns."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from hft._core import clock as _clock


@dataclass(frozen=True)
class ClockReport:
    """Calibration of the TSC against CLOCK_MONOTONIC_RAW, and a check of it."""

    tsc_mhz: float
    uncertainty_ppm: float
    window_ms: float
    invariant_tsc: bool
    has_rdtscp: bool
    nominal_mhz: float | None
    nominal_error_ppm: float | None
    #: Spread of the rate across the samples taken (max - min) / median.
    rate_spread_ppm: float
    #: Converted TSC interval vs CLOCK_MONOTONIC_RAW over a fresh interval.
    conversion_error_ppm: float
    samples: int

    @property
    def ok(self) -> bool:
        """Invariant TSC and ticks-to-ns error under 0.1 % (the engine's requirement)."""
        return self.invariant_tsc and abs(self.conversion_error_ppm) < 1000.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


def calibrate(
    window_ms: float = 50.0, samples: int = 3, progress: Callable[[int, int], None] | None = None
) -> ClockReport:
    """Calibrates ``samples`` times over ``window_ms`` each and reports the median.

    ``progress(done, total)`` is called after each step.
    """
    if samples < 1:
        raise ValueError("samples must be at least 1")
    if window_ms < 1.0:
        raise ValueError("window_ms must be at least 1")
    cals = []
    for i in range(samples):
        cals.append(_clock.calibrate(window_ms))
        if progress:
            progress(i + 1, samples + 1)
    rates = [c.ticks_per_second for c in cals]
    median_rate = statistics.median(rates)
    best = min(cals, key=lambda c: abs(c.ticks_per_second - median_rate))
    error_ppm = _clock.conversion_error_ppm(best, window_ms)
    if progress:
        progress(samples + 1, samples + 1)
    features = best.features
    nominal = features.nominal_hz / 1e6 if features.nominal_hz else None
    return ClockReport(
        tsc_mhz=best.ticks_per_second / 1e6,
        uncertainty_ppm=best.uncertainty_ppm,
        window_ms=best.window_ns / 1e6,
        invariant_tsc=features.invariant,
        has_rdtscp=features.has_rdtscp,
        nominal_mhz=nominal,
        nominal_error_ppm=best.nominal_error_ppm if nominal else None,
        rate_spread_ppm=(max(rates) - min(rates)) / median_rate * 1e6,
        conversion_error_ppm=error_ppm,
        samples=samples,
    )
