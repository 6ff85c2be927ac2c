"""hft._core: clock, histogram and CPU bindings behave as the C++ does."""

from __future__ import annotations

import gc

import numpy as np
import pytest

from hft import _core
from hft._core import LatencyHistogram


def test_histogram_buckets_are_a_live_readonly_view() -> None:
    h = LatencyHistogram()
    view = h.buckets
    assert view.shape == (LatencyHistogram.bucket_count,)
    assert view.dtype == np.uint64
    assert not view.flags.writeable
    h.record(100)
    h.record(100)
    assert view[100] == 2, "the view sees later records: it is not a copy"
    with pytest.raises(ValueError):
        view[0] = 1


def test_histogram_view_keeps_the_histogram_alive() -> None:
    h = LatencyHistogram()
    h.record(42)
    view = h.buckets
    del h
    gc.collect()
    assert view[42] == 1


def test_histogram_percentiles_match_numpy_within_one_percent() -> None:
    rng = np.random.default_rng(7)
    values = rng.lognormal(mean=6.0, sigma=1.0, size=200_000).astype(np.uint64) + 1
    h = LatencyHistogram()
    h.record_array(values)
    assert h.count == values.size
    assert h.min == values.min() and h.max == values.max()
    for p in (50, 90, 99, 99.9):
        exact = np.percentile(values, p, method="inverted_cdf")
        assert abs(h.percentile(p) - exact) <= exact * 0.01, p


def test_histogram_bucket_bounds_cover_every_value_once() -> None:
    lower = LatencyHistogram.bucket_lower_bounds()
    upper = LatencyHistogram.bucket_upper_bounds()
    assert lower[0] == 0
    assert np.all(lower[1:] == upper[:-1] + 1)
    assert upper[-1] == LatencyHistogram.max_trackable
    assert np.all((upper - lower) <= np.maximum(lower, 1) / 128)


def test_histogram_merge_and_reset() -> None:
    a, b = LatencyHistogram(), LatencyHistogram()
    a.record_n(10, 3)
    b.record(1_000_000)
    a.merge(b)
    assert a.count == 4 and a.max == 1_000_000
    a.reset()
    assert a.count == 0 and a.percentile(50) == 0 and int(a.buckets.sum()) == 0


def test_overflow_is_counted() -> None:
    h = LatencyHistogram()
    h.record(LatencyHistogram.max_trackable + 1)
    assert h.overflow_count == 1 and h.count == 1
    assert h.percentile(100) == LatencyHistogram.max_trackable + 1


def test_clock_calibration_converts_within_a_tenth_of_a_percent() -> None:
    cal = _core.clock.calibrate(20.0)
    assert cal.ticks_per_second > 1e8
    assert abs(_core.clock.conversion_error_ppm(cal, 20.0)) < 1000
    conv = _core.clock.TscConverter(cal)
    assert conv.to_ns(int(cal.ticks_per_second)) == pytest.approx(1e9, rel=1e-6)


def test_clock_rejects_a_too_short_window() -> None:
    with pytest.raises(ValueError):
        _core.clock.calibrate(0.1)


def test_cpu_helpers() -> None:
    allowed = _core.cpu.allowed_cpus()
    assert allowed and all(0 <= c < _core.cpu.configured_cpu_count() for c in allowed)
    assert _core.cpu.parse_cpu_list("0-2,5") == [0, 1, 2, 5]
    assert _core.cpu.parse_cpu_list("3-1") == []
