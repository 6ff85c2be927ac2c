"""``hft start`` runs the start-up runbook; ``hft status``, ``hft stop`` and
``hft venue stop`` take the system down again, as an operator would."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from system_configs import engine_config, free_udp_port, venue_config

from hft import launch


def hft(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("hft", path=str(Path(sys.executable).parent))
    assert exe, "the hft console script is not installed in this environment"
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=120, env=env, check=False)


def test_start_brings_up_venue_and_engine_then_stop_takes_them_down(tmp_path: Path) -> None:
    shm = tmp_path / "shm"
    shm.mkdir()
    env = {**os.environ, "HFT_STATE_DIR": str(tmp_path / "state"), "HFT_SHM_DIR": str(shm)}
    ports = {k: free_udp_port() for k in ("line_a", "line_b", "retransmission", "fix")}
    venue_name, engine_name = f"sv{os.getpid()}", f"se{os.getpid()}"
    venue = venue_config(tmp_path, venue_name, ports["line_a"], ports["line_b"], ports["retransmission"])
    doc = json.loads(venue.read_text())
    doc["order_entry"]["port"] = ports["fix"]
    venue.write_text(json.dumps(doc))
    engine = engine_config(tmp_path, engine_name, ports)
    pids: list[int] = []
    try:
        started = hft("start", "--config", str(engine), "--venue", str(venue), "--json", env=env)
        assert started.returncode == 0, started.stdout + started.stderr
        result = json.loads(started.stdout)
        pids = [result["venue"]["pid"], result["engine"]["pid"]]
        assert result["ok"] and result["engine"]["instance"] == engine_name
        # Preflight ran and passed (warnings allowed on a VM).
        assert all(c["status"] != "fail" for c in result["preflight"]["checks"])
        venue_checks = [c for c in result["preflight"]["checks"] if c["name"].startswith("venue ")]
        # Asked again once the venue listens.
        assert venue_checks and all(c["status"] == "pass" for c in venue_checks)

        status = hft("status", "--instance", engine_name, "--json", env=env)
        assert status.returncode == 0, status.stdout + status.stderr
        assert json.loads(status.stdout)["state"] == "running"

        stopped = hft("stop", "--instance", engine_name, "--json", env=env)
        assert stopped.returncode == 0, stopped.stdout + stopped.stderr
        assert launch.wait_exit(result["engine"]["pid"], 30)
        log = Path(result["engine"]["log"]).read_text().splitlines()
        assert json.loads(log[-1])["exit_code"] == 0

        venue_stop = hft("venue", "stop", "--name", venue_name, "--json", env=env)
        assert venue_stop.returncode == 0, venue_stop.stdout + venue_stop.stderr
    finally:
        for pid in pids:
            launch.stop_pid(pid)


def test_a_start_that_fails_names_the_step_and_leaves_nothing_running(tmp_path: Path) -> None:
    env = {**os.environ, "HFT_STATE_DIR": str(tmp_path / "state"), "HFT_SHM_DIR": str(tmp_path)}
    ports = {k: free_udp_port() for k in ("line_a", "line_b", "retransmission", "fix")}
    engine = engine_config(tmp_path, f"nf{os.getpid()}", ports)
    doc = json.loads(engine.read_text())
    doc["risk"]["max_order_quantity"] = 0  # invalid: preflight fails before anything starts
    engine.write_text(json.dumps(doc))
    result = hft("start", "--config", str(engine), "--json", env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    failure = json.loads(result.stdout)
    assert failure["ok"] is False and failure["step"] == "preflight"
    assert "max_order_quantity" in failure["error"]


def test_an_engine_that_cannot_reach_the_venue_times_out_and_is_stopped(tmp_path: Path) -> None:
    env = {**os.environ, "HFT_STATE_DIR": str(tmp_path / "state"), "HFT_SHM_DIR": str(tmp_path)}
    ports = {k: free_udp_port() for k in ("line_a", "line_b", "retransmission", "fix")}
    engine = engine_config(tmp_path, f"nv{os.getpid()}", ports)
    result = hft("start", "--config", str(engine), "--skip-preflight", "--timeout", "2", "--json", env=env)
    assert result.returncode == 3, result.stdout + result.stderr
    failure = json.loads(result.stdout)
    assert failure["step"] == "engine" and "not healthy" in failure["error"]
    log = Path(failure["log"]).read_text().splitlines()
    assert json.loads(log[-1])["event"] == "stopped", "the engine was stopped, not left behind"


def test_starting_a_venue_that_already_runs_is_refused(tmp_path: Path) -> None:
    shm = tmp_path / "shm"
    shm.mkdir()
    env = {**os.environ, "HFT_STATE_DIR": str(tmp_path / "state"), "HFT_SHM_DIR": str(shm)}
    ports = {k: free_udp_port() for k in ("line_a", "line_b", "retransmission", "fix")}
    venue = venue_config(
        tmp_path, f"tw{os.getpid()}", ports["line_a"], ports["line_b"], ports["retransmission"]
    )
    first = hft("venue", "start", "--config", str(venue), "--json", env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    pid = json.loads(first.stdout)["pid"]
    try:
        second = hft("venue", "start", "--config", str(venue), "--json", env=env)
        assert second.returncode == 3
        assert "already running" in second.stderr and str(pid) in second.stderr
    finally:
        launch.stop_pid(pid)
