"""``hft metrics``: Prometheus text from a live control block (the test writer)."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from prometheus_client import CollectorRegistry, generate_latest

from hft._core import control as native
from hft.control import ControlClient
from hft.metrics import BUCKET_BOUNDS_NS, ControlBlockCollector, cumulative_buckets, metric_name


@pytest.fixture
def shm(tmp_path: Path) -> Iterator[tuple[str, native.TestWriter]]:
    d = tmp_path / "shm"
    d.mkdir()
    w = native.TestWriter("metrics", str(d), instruments=["AAPL", "MSFT"])
    yield str(d), w
    w.close()


def scrape(collector: ControlBlockCollector) -> str:
    registry = CollectorRegistry()
    registry.register(collector)
    return generate_latest(registry).decode()


def test_state_counters_latency_and_positions(shm: tuple[str, native.TestWriter]) -> None:
    d, w = shm
    w.set_state("running")
    w.heartbeat()
    names = ControlClient.attach("metrics", d).counter_names
    w.add(names.index("messages_in"), 7)
    stage = ControlClient.attach("metrics", d).stages.index("tick_to_trade")
    for ns in (150, 900, 4_000, 250_000):
        w.record_latency(stage, ns)
    w.set_position(0, net=100)
    text = scrape(ControlBlockCollector("metrics", d))
    assert 'hft_up{instance="metrics"} 1.0' in text
    assert 'hft_state{instance="metrics",state="running"} 1.0' in text
    assert 'hft_messages_in_total{instance="metrics"} 7.0' in text
    count = re.search(r'hft_latency_seconds_count\{instance="metrics",stage="tick_to_trade"\} (\S+)', text)
    assert count is not None
    assert float(count.group(1)) == 4.0
    inf = re.search(
        r'hft_latency_seconds_bucket\{instance="metrics",le="\+Inf",stage="tick_to_trade"\} (\S+)', text
    )
    assert inf is not None
    assert float(inf.group(1)) == 4.0
    assert 'hft_position_shares{instance="metrics",symbol="AAPL"} 100.0' in text


def test_no_engine_is_up_zero(tmp_path: Path) -> None:
    text = scrape(ControlBlockCollector("nobody", tmp_path))
    assert 'hft_up{instance="nobody"} 0.0' in text


def test_bucket_folding_is_cumulative_and_complete() -> None:
    counts = np.zeros(3584, dtype=np.uint64)
    counts[10] = 5
    counts[3000] = 2
    folded = cumulative_buckets(counts, overflow=1)
    values = [v for _, v in folded]
    assert values == sorted(values)
    assert folded[-1] == ("+Inf", 8.0)
    assert len(folded) == len(BUCKET_BOUNDS_NS) + 1
    assert metric_name("reject.price_band") == "hft_reject_price_band"


def test_cli_serves_http(shm: tuple[str, native.TestWriter]) -> None:
    d, w = shm
    w.set_state("running")
    w.heartbeat()
    exe = shutil.which("hft", path=str(Path(sys.executable).parent))
    assert exe
    proc = subprocess.Popen(
        [exe, "metrics", "--instance", "metrics", "--port", "0", "--shm-dir", d],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        found = re.search(r":(\d+)/metrics", line)
        assert found is not None, line
        deadline = time.monotonic() + 20
        while True:
            try:
                url = f"http://127.0.0.1:{found.group(1)}/metrics"
                body = urllib.request.urlopen(url, timeout=5).read().decode()
                break
            except OSError:
                assert time.monotonic() < deadline, "metrics endpoint never answered"
                time.sleep(0.05)
        assert 'hft_up{instance="metrics"}' in body
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
