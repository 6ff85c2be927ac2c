"""The engine against the venue, both as processes on loopback.

``hft_venue`` and ``hft_system`` from the build under test (HFT_BIN_DIR) run
as an operator runs them; the test watches through the control block and
``hft kill``/``hft stop``, and checks the story afterwards in the audit log,
the performance log and the books both processes print when they stop.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from build_paths import bin_dir
from system_configs import engine_config, free_udp_port, venue_config

from hft import audit
from hft.control import ControlClient


def wait_for(
    what: str, check: Callable[[], bool], timeout_s: float = 30.0, detail: Callable[[], Any] | None = None
) -> None:
    # A generous guard, not a timing assertion: it only bounds a hung run.
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}: {detail() if detail else ''}")
        time.sleep(0.05)


def read_json_line(proc: subprocess.Popen[str], event: str) -> dict[str, Any]:
    assert proc.stdout is not None
    for line in proc.stdout:
        data = json.loads(line)
        if data.get("event") == event:
            return data
    raise AssertionError(f"process ended without a {event!r} line (exit {proc.wait()})")


@dataclass
class Session:
    tmp: Path
    env: dict[str, str]
    instance: str
    venue: subprocess.Popen[str]
    engine: subprocess.Popen[str]
    engine_config: Path
    state_dir: Path
    layout: str

    def client(self) -> ControlClient:
        return ControlClient.attach(self.instance, shm_dir=self.env["HFT_SHM_DIR"])

    def hft(self, *args: str) -> subprocess.CompletedProcess[str]:
        exe = shutil.which("hft", path=str(Path(sys.executable).parent))
        assert exe
        return subprocess.run(
            [exe, *args, "--instance", self.instance, "--shm-dir", self.env["HFT_SHM_DIR"], "--json"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env=self.env,
        )


@pytest.fixture(params=["run_to_completion", "pipeline", "dpdk"])
def session(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Session]:
    state = tmp_path / "state"
    shm = tmp_path / "shm"
    shm.mkdir()
    env = {**os.environ, "HFT_STATE_DIR": str(state), "HFT_SHM_DIR": str(shm)}
    instance = f"eng{os.getpid()}"
    line_a, line_b, retransmission = free_udp_port(), free_udp_port(), free_udp_port()
    venue = subprocess.Popen(
        [
            str(bin_dir() / "hft_venue"),
            "--config",
            str(venue_config(tmp_path, f"ven{os.getpid()}", line_a, line_b, retransmission)),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    engine: subprocess.Popen[str] | None = None
    try:
        listening = read_json_line(venue, "listening")
        ports = {
            "line_a": line_a,
            "line_b": line_b,
            "fix": listening["fix_port"],
            "retransmission": retransmission,
        }
        config = engine_config(tmp_path, instance, ports, request.param)
        engine = subprocess.Popen(
            [str(bin_dir() / "hft_system"), "--config", str(config)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        running = read_json_line(engine, "running")
        assert running["instance"] == instance
        yield Session(tmp_path, env, instance, venue, engine, config, state, request.param)
    finally:
        for proc in (engine, venue):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()


def counters(s: Session) -> dict[str, int]:
    return s.client().counters()


def test_engine_trades_against_the_venue_and_the_kill_switch_stops_it(session: Session) -> None:
    s = session
    # Market data arrives, the session logs on, strategies trade, fills move
    # positions and the risk chain refuses the taker's restricted-list orders.
    wait_for("the venue session", lambda: counters(s).get("venue_session_up") == 1)
    wait_for(
        "orders, fills and a risk reject",
        lambda: (
            (c := counters(s))["orders_sent"] > 0
            and c["fills"] > 0
            and c["reject.instrument_not_tradable"] > 0
        ),
        timeout_s=60,
        detail=lambda: {k: v for k, v in counters(s).items() if v},
    )
    c = counters(s)
    assert c["messages_in"] > 0 and c["book_updates"] > 0
    positions, _totals = s.client().positions()
    assert any(p.net != 0 or p.realized != 0 for p in positions), "fills did not reach the positions"
    # The engine measured its own path: every stage of tick-to-trade has samples.
    for stage in ("md_decode", "book_update", "strategy", "risk", "order_encode", "tick_to_trade"):
        assert s.client().latency_summary(stage)["count"] > 0, stage

    # The kill switch from another process: acknowledged, halted, every
    # order cancelled at the venue, and nothing new sent afterwards.
    killed = s.hft("kill", "--reason", "integration test")
    assert killed.returncode == 0, killed.stdout + killed.stderr
    ack = json.loads(killed.stdout)
    assert ack["state_after"] == "halted"
    wait_for("every order closed at the venue", lambda: counters(s)["open_orders"] == 0)
    sent = counters(s)["orders_sent"]
    time.sleep(0.5)
    assert counters(s)["orders_sent"] == sent
    status = s.client().status()
    assert (status.state, status.reason, status.last_command_seq) == (
        "halted",
        "integration test",
        ack["seq"],
    )

    # The venue closes first so that the engine sees the last of the feed;
    # then a graceful stop through the control block.
    s.venue.terminate()
    closed = read_json_line(s.venue, "closed")
    assert s.venue.wait(timeout=30) == 0
    # The venue's Logout is a session loss the engine sees at once.
    wait_for("the session loss", lambda: counters(s)["venue_session_up"] == 0)
    # No resume while the venue is gone, and the answer says why.
    refused = s.hft("resume", "--reason", "too early")
    assert refused.returncode == 1, refused.stdout + refused.stderr
    answer = json.loads(refused.stdout)
    assert (answer["result"], answer["blocking"]) == ("refused", "venue_session_lost")
    stopped_cmd = s.hft("stop", "--reason", "end of test")
    assert stopped_cmd.returncode == 0, stopped_cmd.stdout + stopped_cmd.stderr
    stopped = read_json_line(s.engine, "stopped")
    assert s.engine.wait(timeout=30) == 0
    assert stopped["exit_code"] == 0 and stopped["exit_reason"] == "stop_command"
    assert stopped["reason"] == "end of test"
    assert stopped["open_orders"] == 0

    # The books the engine rebuilt (line B lossy, gaps filled) are the venue's.
    assert stopped["end_of_session"] is True
    assert stopped["books"] == closed["books"]
    if s.layout == "pipeline":
        line_a = stopped["relay"][0]
        assert line_a["relayed"] > 0 and line_a["ring_full"] == 0

    # The audit log tells the story in order.
    entries = audit.read([s.state_dir / "audit.bin"]).entries
    kinds = Counter(e.type for e in entries)
    assert entries[0].type == "config_loaded"
    for kind in ("order_submitted", "order_acked", "fill", "risk_reject", "kill_switch", "canceled"):
        assert kinds[kind] > 0, kind
    rejects = {e.reason for e in entries if e.type == "risk_reject"}
    assert "instrument_not_tradable" in rejects
    kill_at = next(i for i, e in enumerate(entries) if e.type == "kill_switch" and e.reason == "manual")
    after = entries[kill_at + 1 :]
    assert not any(e.type == "order_submitted" for e in after), "an order left after the kill"
    assert any(e.type == "canceled" for e in after)

    # The performance log: start, session, telemetry with tick-to-trade, stop.
    lines = [json.loads(x) for x in (s.state_dir / "performance.jsonl").read_text().splitlines()]
    events = [x["event"] for x in lines]
    assert events[0] == "starting" and events[-1] == "stopped"
    assert {"session", "state", "telemetry", "shutdown"} <= set(events)
    t2t = [x["latency_ns"]["tick_to_trade"] for x in lines if x["event"] == "telemetry"]
    assert any(t["count"] > 0 and 0 < t["p50"] <= t["p99"] for t in t2t)
    assert lines[-1]["exit_code"] == 0


def test_sigterm_cancels_open_orders_and_exits_cleanly(session: Session) -> None:
    s = session
    wait_for("orders at the venue", lambda: counters(s)["open_orders"] > 0, timeout_s=60)
    s.engine.terminate()
    stopped = read_json_line(s.engine, "stopped")
    assert s.engine.wait(timeout=30) == 0
    assert stopped["exit_reason"] == "signal" and stopped["open_orders"] == 0
    lines = [json.loads(x) for x in (s.state_dir / "performance.jsonl").read_text().splitlines()]
    phases = [x["phase"] for x in lines if x["event"] == "shutdown"]
    assert phases == ["cancel", "cancelled", "logout", "audit_flushed"]
    cancel = next(x for x in lines if x["event"] == "shutdown" and x["phase"] == "cancel")
    assert cancel["open_orders"] > 0
    entries = audit.read([s.state_dir / "audit.bin"]).entries
    trips = [e.reason for e in entries if e.type == "kill_switch"]
    assert trips == ["shutdown"], "our own Logout at the stop is not a lost venue"


def test_a_missing_venue_is_a_clean_start_failure(tmp_path: Path) -> None:
    """No FIX peer is not fatal (the session retries), but a port in use is."""
    env = {**os.environ, "HFT_STATE_DIR": str(tmp_path / "state"), "HFT_SHM_DIR": str(tmp_path)}
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        ports = {"line_a": taken.getsockname()[1], "line_b": free_udp_port(), "fix": 9, "retransmission": 9}
        config = engine_config(tmp_path, f"busy{os.getpid()}", ports)
        result = subprocess.run(
            [str(bin_dir() / "hft_system"), "--config", str(config)],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
            check=False,
        )
    assert result.returncode == 3, result.stdout + result.stderr
    assert "line A" in result.stderr
    stopped = json.loads(result.stdout.splitlines()[-1])
    assert stopped["event"] == "stopped" and stopped["exit_code"] == 3
