"""The control block from Python: a reader against a live segment, commands, and the CLI."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from hft import control
from hft._core import LatencyHistogram
from hft._core import control as native

INSTANCE = "pytest"


@pytest.fixture
def shm_dir(tmp_path: Path) -> str:
    d = tmp_path / "shm"
    d.mkdir()
    return str(d)


@pytest.fixture
def writer(shm_dir: str) -> Iterator[native.TestWriter]:
    w = native.TestWriter(INSTANCE, shm_dir, instruments=["AAPL", "MSFT", "NVDA"])
    yield w
    w.close()


class Served:
    """Runs the test writer's engine-like loop on a thread (GIL released)."""

    def __init__(self, w: native.TestWriter, shm_dir: str) -> None:
        self.w = w
        self.shm_dir = shm_dir
        self.thread = threading.Thread(target=w.serve, args=(60.0,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        if self.thread.is_alive():
            control.ControlClient.attach(INSTANCE, self.shm_dir).stop("test teardown", timeout_s=30)
        self.thread.join(timeout=60)


@pytest.fixture
def served(writer: native.TestWriter, shm_dir: str) -> Iterator[Served]:
    writer.set_state("running")
    s = Served(writer, shm_dir)
    yield s
    s.close()


def cli_env(shm_dir: str) -> dict[str, str]:
    return {**os.environ, "HFT_SHM_DIR": shm_dir}


# ---- reader -------------------------------------------------------------------


def test_snapshot_and_zero_copy_views(writer: native.TestWriter, shm_dir: str) -> None:
    writer.set_state("running", "trading")
    client = control.ControlClient.attach(INSTANCE, shm_dir)
    names = client.counter_names
    fills = names.index("fills")
    writer.add(fills, 5)

    view = client.counters_view
    assert isinstance(view, np.ndarray) and view.dtype == np.uint64
    assert not view.flags.writeable
    assert view[fills] == 5
    writer.add(fills, 2)
    assert view[fills] == 7, "the counters array is a live view, not a copy"
    assert client.counters()["fills"] == 7
    assert "reject.price_band" in names

    values = np.arange(1, 10_001, dtype=np.uint64)
    stage = client.stages.index("tick_to_trade")
    for v in values:
        writer.record_latency(stage, int(v))
    buckets = client.histogram_buckets("tick_to_trade")
    assert buckets.shape == (LatencyHistogram.bucket_count,)
    assert not buckets.flags.writeable
    assert int(buckets.sum()) == 10_000
    writer.record_latency(stage, 5)
    assert int(buckets.sum()) == 10_001, "bucket arrays are live views"

    reference = LatencyHistogram()
    reference.record_array(np.append(values, np.uint64(5)))
    p = client.latency_percentiles("tick_to_trade")
    assert (p.count, p.max_ns) == (10_001, 10_000)
    assert (p.p50_ns, p.p99_ns, p.p999_ns) == tuple(reference.percentile(x) for x in (50, 99, 99.9))
    assert client.latency_percentiles("risk").count == 0
    with pytest.raises(KeyError, match="no latency stage"):
        client.latency_percentiles("nope")

    writer.set_position(1, net=100, realized=25_000, unrealized=-5_000, fees=1_000, average_cost=1_500_000)
    live = client.positions_view()
    assert live.dtype == native.POSITION_DTYPE and live.shape == (3,)
    assert int(live[1]["net"]) == 100
    positions, totals = client.positions()
    assert [p.symbol for p in positions] == ["AAPL", "MSFT", "NVDA"]
    assert positions[1].net == 100 and positions[1].average_cost == 150.0
    assert totals.realized == 2.5 and totals.pnl == pytest.approx(2.5 - 0.5 - 0.1)

    status = client.status()
    assert (status.state, status.reason, status.kill_level) == ("running", "trading", "none")
    assert status.pid == os.getpid() and status.owner_alive
    snap = client.snapshot().to_dict()
    assert snap["latency_ns"]["tick_to_trade"]["p99_ns"] == p.p99_ns


def test_no_engine_is_a_clear_error(shm_dir: str) -> None:
    with pytest.raises(control.NoEngineError, match="no engine is running as instance 'ghost'"):
        control.ControlClient.attach("ghost", shm_dir)
    with pytest.raises(control.ControlError, match="instance name"):
        control.ControlClient.attach("bad/name", shm_dir)


def test_stale_heartbeat_is_visible(writer: native.TestWriter, shm_dir: str) -> None:
    writer.heartbeat()
    client = control.ControlClient.attach(INSTANCE, shm_dir, stale_after_s=0.01)
    time.sleep(0.05)
    status = client.status()
    assert status.stale and status.owner_alive
    assert status.heartbeat_age_s >= 0.05


def test_clean_close_removes_the_segment(shm_dir: str) -> None:
    w = native.TestWriter("gone", shm_dir)
    path = Path(w.path)
    assert path.exists()
    w.close()
    assert not path.exists()


# ---- commands -------------------------------------------------------------------


def test_commands_are_acknowledged(served: Served, shm_dir: str) -> None:
    client = control.ControlClient(INSTANCE, shm_dir)
    ack = client.kill("reduce", "risk desk", timeout_s=30)
    assert ack.ok and ack.state_after == "reducing" and ack.seq > 0
    st = client.status()
    assert (st.state, st.kill_level, st.reason, st.last_command_seq) == (
        "reducing",
        "reduce",
        "risk desk",
        ack.seq,
    )
    # The runbook spelling: the reason first, HALT by default.
    halted = control.Engine(INSTANCE, shm_dir).kill("desk call", timeout_s=30)
    assert halted.state_after == "halted" and client.status().reason == "desk call"
    assert client.resume("all clear", timeout_s=30).state_after == "running"
    assert client.counters()["commands_handled"] == 3
    stop = client.stop("end of day", timeout_s=30)
    assert stop.ok and stop.state_after == "stopping"
    served.thread.join(timeout=60)
    assert client.status().exit_reason == "stop_command"


def test_commands_from_many_threads(served: Served, shm_dir: str) -> None:
    acks: list[control.CommandAck] = []
    lock = threading.Lock()

    def client_thread() -> None:
        c = control.ControlClient.attach(INSTANCE, shm_dir)
        for i in range(25):
            a = c.kill("halt", f"t{i}", timeout_s=30) if i % 2 else c.resume(timeout_s=30)
            with lock:
                acks.append(a)

    threads = [threading.Thread(target=client_thread) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(acks) == 100 and all(a.ok for a in acks)
    assert len({a.seq for a in acks}) == 100


def test_kill_level_is_checked(writer: native.TestWriter, shm_dir: str) -> None:
    with pytest.raises(ValueError, match="kill level"):
        control.ControlClient.attach(INSTANCE, shm_dir).kill("panic")


def test_unanswered_resume_is_withdrawn(writer: native.TestWriter, shm_dir: str) -> None:
    ack = control.ControlClient.attach(INSTANCE, shm_dir).resume(timeout_s=0.02)
    assert ack.status == "not_delivered" and not ack.ok


# ---- CLI ------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["status", "kill", "resume", "stop"])
def test_cli_help(run_hft, command: str) -> None:
    r = run_hft(command, "--help")
    assert r.returncode == 0, r.stderr
    assert "--instance" in r.stdout and "--json" in r.stdout


def test_cli_status_json(run_hft, served: Served, shm_dir: str) -> None:
    served.w.add(2, 1234)  # messages_in
    served.w.record_latency(0, 250)
    r = run_hft("status", "--instance", INSTANCE, "--json", "--stale-after", "60", env=cli_env(shm_dir))
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["state"] == "running" and doc["instance"] == INSTANCE and doc["stale"] is False
    assert doc["counters"]["messages_in"] == 1234
    assert set(doc["latency_ns"]["md_decode"]) == {"count", "p50_ns", "p99_ns", "p999_ns", "max_ns"}
    assert doc["latency_ns"]["md_decode"]["p50_ns"] == 250
    assert [p["symbol"] for p in doc["positions"]] == ["AAPL", "MSFT", "NVDA"]
    assert {"pnl", "realized", "unrealized", "gross_position"} <= set(doc["totals"])

    table = run_hft("status", "--instance", INSTANCE, "--stale-after", "60", env=cli_env(shm_dir))
    assert table.returncode == 0, table.stderr
    assert "running" in table.stdout and "tick_to_trade" in table.stdout


def test_cli_kill_resume_stop(run_hft, served: Served, shm_dir: str) -> None:
    env = cli_env(shm_dir)
    r = run_hft("kill", "--instance", INSTANCE, "--reason", "cli test", "--timeout", "30", "--json", env=env)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["acknowledged"] is True and doc["state_after"] == "halted" and doc["command"] == "kill"
    assert doc["round_trip_us"] > 0
    r = run_hft("kill", "--instance", INSTANCE, "--level", "reduce", "--timeout", "30", env=env)
    assert r.returncode == 0 and "acknowledged" in r.stdout
    assert run_hft("resume", "--instance", INSTANCE, "--timeout", "30", env=env).returncode == 0
    assert run_hft("stop", "--instance", INSTANCE, "--timeout", "30", env=env).returncode == 0
    served.thread.join(timeout=60)
    assert not served.thread.is_alive()


@pytest.mark.parametrize("command", ["status", "kill", "resume", "stop"])
def test_cli_no_engine_exits_runtime(run_hft, shm_dir: str, command: str) -> None:
    r = run_hft(command, "--instance", "ghost", env=cli_env(shm_dir))
    assert r.returncode == 3
    assert "no engine is running as instance 'ghost'" in r.stderr
    j = run_hft(command, "--instance", "ghost", "--json", env=cli_env(shm_dir))
    assert j.returncode == 3
    assert json.loads(j.stdout) == {
        "ok": False,
        "error": "no_engine",
        "message": json.loads(j.stdout)["message"],
    }


def test_cli_stale_heartbeat(run_hft, writer: native.TestWriter, shm_dir: str) -> None:
    writer.set_state("running")
    writer.heartbeat()
    time.sleep(0.05)
    env = cli_env(shm_dir)
    r = run_hft("status", "--instance", INSTANCE, "--stale-after", "0.01", env=env)
    assert r.returncode == 1
    assert "heartbeat is stale" in r.stderr
    doc = json.loads(
        run_hft("status", "--instance", INSTANCE, "--json", "--stale-after", "0.01", env=env).stdout
    )
    assert doc["stale"] is True
    # Nobody polls: the kill is not acknowledged in time (it stays posted).
    k = run_hft("kill", "--instance", INSTANCE, "--timeout", "0.05", env=env)
    assert k.returncode == 3
    assert "NOT acknowledged" in k.stderr and "stays posted" in k.stderr
