"""Prometheus metrics from a running engine's control block: ``hft metrics``.

Every scrape reads the control block afresh (it never blocks the engine):
state and heartbeat as gauges, the engine's counters as counters, each
latency stage as a Prometheus histogram, positions and PnL as gauges.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector

from hft.control import ControlClient, ControlError, _upper_bounds

#: Histogram bucket bounds in nanoseconds: 100 ns to 100 ms, three a decade.
BUCKET_BOUNDS_NS = [int(m * 10**e) for e in range(2, 8) for m in (1, 2, 5)] + [100_000_000]
STATES = ("starting", "running", "reducing", "halted", "stopping", "stopped")


def metric_name(counter: str) -> str:
    """A control-block counter name as a Prometheus metric name."""
    return "hft_" + re.sub(r"[^a-zA-Z0-9_]", "_", counter).strip("_").lower()


def cumulative_buckets(buckets: np.ndarray, overflow: int) -> list[tuple[str, float]]:
    """The engine histogram's fine buckets summed into BUCKET_BOUNDS_NS (cumulative, + Inf)."""
    counts = np.asarray(buckets, dtype=np.uint64)
    upper = _upper_bounds()[: counts.size]
    cum = np.cumsum(counts)
    out: list[tuple[str, float]] = []
    for bound in BUCKET_BOUNDS_NS:
        # Engine buckets whose upper bound is within the Prometheus bound.
        i = int(np.searchsorted(upper, bound, side="right"))
        out.append((str(bound / 1e9), float(cum[i - 1]) if i > 0 else 0.0))
    total = float(cum[-1]) + overflow if cum.size else float(overflow)
    out.append(("+Inf", total))
    return out


class ControlBlockCollector(Collector):
    """Collects one engine instance's metrics at each scrape."""

    def __init__(self, instance: str, shm_dir: str | os.PathLike[str] | None = None) -> None:
        self.instance = instance
        self.shm_dir = shm_dir

    def collect(self) -> Iterator[Any]:
        up = GaugeMetricFamily("hft_up", "1: control block readable and fresh", labels=["instance"])
        try:
            client = ControlClient.attach(self.instance, self.shm_dir)
            status = client.status()
        except ControlError:
            up.add_metric([self.instance], 0)
            yield up
            return
        up.add_metric([self.instance], 0 if status.stale else 1)
        yield up
        state = GaugeMetricFamily("hft_state", "engine state (1: current)", labels=["instance", "state"])
        for s in STATES:
            state.add_metric([self.instance, s], 1 if status.state == s else 0)
        yield state
        yield GaugeMetricFamily(
            "hft_heartbeat_age_seconds", "time since the loop's last heartbeat", value=status.heartbeat_age_s
        )
        for name, value in client.counters().items():
            c = CounterMetricFamily(metric_name(name), f"control block counter {name}", labels=["instance"])
            c.add_metric([self.instance], float(value))
            yield c
        for stage in client.stages:
            summary = client.latency_summary(stage)
            h = HistogramMetricFamily(
                "hft_latency_seconds", "latency per pipeline stage", labels=["instance", "stage"]
            )
            buckets = cumulative_buckets(client.histogram_buckets(stage), summary["overflow"])
            h.add_metric([self.instance, stage], buckets, sum_value=summary["sum"] / 1e9)
            yield h
        positions, totals = client.positions()
        net = GaugeMetricFamily("hft_position_shares", "net position", labels=["instance", "symbol"])
        pnl = GaugeMetricFamily("hft_pnl", "realised + unrealised - fees", labels=["instance", "symbol"])
        for pos in positions:
            net.add_metric([self.instance, pos.symbol], pos.net)
            pnl.add_metric([self.instance, pos.symbol], pos.realized + pos.unrealized - pos.fees)
        yield net
        yield pnl
        yield GaugeMetricFamily("hft_pnl_total", "firm PnL", value=totals.pnl)
