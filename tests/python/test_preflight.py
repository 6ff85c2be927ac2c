"""``hft preflight`` and ``hft.runbook.preflight`` on this machine.

The machine decides some results (a VM has no cpufreq control), so the tests
assert what must hold everywhere: every check is reported with a status and
what was seen; a broken configuration or an unwritable audit path fails; a
reachable venue passes and an unreachable one warns with the fix.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from hft import runbook

EXPECTED = {
    "configuration",
    "invariant TSC",
    "CPU governor",
    "isolated cores",
    "hugepages",
    "network devices",
    "IRQ affinity",
    "audit log path",
    "disk space",
}


@pytest.fixture
def system(shipped_system: Path, tmp_path: Path) -> Path:
    """The shipped configuration with its state under tmp_path."""
    doc = json.loads(shipped_system.read_text())
    doc["logging"]["audit_log_path"] = str(tmp_path / "state" / "audit.bin")
    doc["logging"]["performance_log_path"] = str(tmp_path / "state" / "perf.jsonl")
    shipped_system.write_text(json.dumps(doc))
    return shipped_system


def set_venue_port(path: Path, port: int) -> None:
    doc = json.loads(path.read_text())
    doc["fix"]["sessions"][0]["port"] = port
    path.write_text(json.dumps(doc))


def test_every_check_is_reported(system: Path) -> None:
    report = runbook.preflight(system)
    assert {c.name for c in report.checks} >= EXPECTED
    for c in report.checks:
        assert c.status in (runbook.PASS, runbook.WARN, runbook.FAIL)
        assert c.detail
    status = {c.name: c.status for c in report.checks}
    assert status["configuration"] == runbook.PASS
    assert status["audit log path"] == runbook.PASS


def test_reachable_venue_passes_and_unreachable_warns(system: Path) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        set_venue_port(system, listener.getsockname()[1])
        venue = [c for c in runbook.preflight(system).checks if c.name.startswith("venue")]
        assert [c.status for c in venue] == [runbook.PASS]
    venue = [c for c in runbook.preflight(system).checks if c.name.startswith("venue")]
    assert venue[0].status == runbook.WARN
    assert "hft venue start" in venue[0].fix


def test_broken_configuration_fails_and_names_the_key(system: Path) -> None:
    doc = json.loads(system.read_text())
    doc["risk"]["max_orders_per_second"] = 0
    system.write_text(json.dumps(doc))
    report = runbook.preflight(system)
    assert not report.ok
    config = report.checks[0]
    assert config.status == runbook.FAIL
    assert "risk.max_orders_per_second" in config.detail
    assert config.fix.startswith("hft config check")


def test_unwritable_audit_path_fails(system: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    doc = json.loads(system.read_text())
    doc["logging"]["audit_log_path"] = str(blocker / "state" / "audit.bin")
    system.write_text(json.dumps(doc))
    checks = {c.name: c for c in runbook.preflight(system).checks}
    assert checks["audit log path"].status == runbook.FAIL
    assert not runbook.preflight(system).ok


def test_cli_json_and_exit_codes(system: Path) -> None:
    exe = shutil.which("hft", path=str(Path(sys.executable).parent))
    assert exe
    ok = subprocess.run([exe, "preflight", "--config", str(system), "--json"], capture_output=True, text=True)
    out = json.loads(ok.stdout)
    assert ok.returncode == (0 if out["ok"] else 1)
    assert {c["name"] for c in out["checks"]} >= EXPECTED
    missing = subprocess.run(
        [exe, "preflight", "--config", "/nonexistent.json"], capture_output=True, text=True
    )
    assert missing.returncode == 2
    help_text = subprocess.run(
        [exe, "preflight", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "--json" in help_text
