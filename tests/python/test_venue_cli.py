"""``hft venue start|status|stop`` as an operator runs them.

The venue runs as a background process (hft_venue from the build under
test, found through HFT_BIN_DIR); its control block goes to a temporary
directory so the test cannot meet another venue.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture
def hft_exe() -> str:
    exe = shutil.which("hft", path=str(Path(sys.executable).parent))
    assert exe, "the hft console script is not installed in this environment"
    return exe


def run(hft_exe: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([hft_exe, *args], capture_output=True, text=True, timeout=60, check=False)


def venue_config(tmp_path: Path) -> Path:
    config = {
        "name": f"pyvenue{os.getpid()}",
        "instruments": [{"symbol": "AAPL", "reference_price": 187.25}],
        "order_entry": {
            "host": "127.0.0.1",
            "port": 0,
            "sessions": [
                {"sender_comp_id": "VENUE", "target_comp_id": "HFT", "store": str(tmp_path / "store")}
            ],
        },
        "market_data": {"lines": [{"ip": "127.0.0.1", "port": 9}], "heartbeat_ms": 100},
        "flow": {"messages_per_second": 2000},
    }
    path = tmp_path / "venue.json"
    path.write_text(json.dumps(config))
    return path


def test_start_status_stop(hft_exe: str, tmp_path: Path) -> None:
    config = venue_config(tmp_path)
    name = json.loads(config.read_text())["name"]
    shm = tmp_path / "shm"
    shm.mkdir()
    log = tmp_path / "venue.log"
    started = run(
        hft_exe, "venue", "start", "--config", str(config), "--shm-dir", str(shm), "--log", str(log), "--json"
    )
    assert started.returncode == 0, started.stderr + log.read_text()
    info = json.loads(started.stdout)
    assert info["state"] == "running"
    try:
        status = run(hft_exe, "venue", "status", "--name", name, "--shm-dir", str(shm), "--json")
        assert status.returncode == 0, status.stderr
        s = json.loads(status.stdout)
        assert s["state"] == "running"
        assert s["pid"] == info["pid"]
        assert set(s["counters"]) == {
            "venue.events",
            "feed.messages",
            "feed.packets",
            "feed.retransmitted",
            "flow.inputs",
        }

        stopped = run(hft_exe, "venue", "stop", "--name", name, "--shm-dir", str(shm), "--json")
        assert stopped.returncode == 0, stopped.stderr
        assert json.loads(stopped.stdout)["stopped"] is True
        closed = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
        assert closed[-1]["event"] == "closed"
        assert closed[-1]["flow_inputs"] > 0
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(info["pid"], 9)


def test_status_without_a_venue_is_a_clear_error(hft_exe: str, tmp_path: Path) -> None:
    result = run(hft_exe, "venue", "status", "--name", "nosuchvenue", "--shm-dir", str(tmp_path), "--json")
    assert result.returncode == 3
    assert json.loads(result.stdout)["error"] == "no_venue"


def test_bad_config_is_reported_with_the_key(hft_exe: str, tmp_path: Path) -> None:
    path = tmp_path / "venue.json"
    path.write_text(json.dumps({"instruments": [{"symbol": "aapl", "reference_price": 1}]}))
    result = run(hft_exe, "venue", "start", "--config", str(path), "--log", str(tmp_path / "v.log"))
    assert result.returncode == 3
    assert "instruments[0].symbol" in (tmp_path / "v.log").read_text()


def test_help(hft_exe: str) -> None:
    for sub in ("start", "status", "stop"):
        result = run(hft_exe, "venue", sub, "--help")
        assert result.returncode == 0
        assert "--json" in result.stdout
