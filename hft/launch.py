"""The start-up runbook: preflight, then the venue if one is configured, then
the engine, each started in the background and waited for until healthy.

Importable (``hft.runbook.start``) for notebooks and scripts; ``hft start``
is its command line. The daemons' output goes to log files under
``$HFT_STATE_DIR`` (default ``/var/lib/hft``); their state is read through
their control blocks, never by parsing their output.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from hft import paths
from hft import runbook as checks
from hft.control import ControlClient, ControlError

DEFAULT_STATE_DIR = "/var/lib/hft"

Progress = Callable[[str], None]


class StartError(RuntimeError):
    """A step of the start-up runbook failed; the message says which and why."""

    def __init__(self, step: str, message: str, log: Path | None = None) -> None:
        super().__init__(f"{step}: {message}" + (f" (see {log})" if log else ""))
        self.step = step
        self.log = log


@dataclass
class Daemon:
    """A daemon this runbook started."""

    name: str  #: hft_venue or hft_system
    instance: str  #: its control block instance
    pid: int
    log: str  #: its stdout/stderr file
    started_s: float  #: seconds from launch to healthy


@dataclass
class StartResult:
    preflight: checks.PreflightReport | None
    venue: Daemon | None
    engine: Daemon
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "preflight": self.preflight.to_dict() if self.preflight else None,
            "venue": asdict(self.venue) if self.venue else None,
            "engine": asdict(self.engine),
            "notes": self.notes,
        }


def state_dir() -> Path:
    return Path(os.environ.get("HFT_STATE_DIR") or DEFAULT_STATE_DIR)


def _instance(config: Path, key: str, default: str) -> str:
    try:
        doc = json.loads(config.read_text())
    except (OSError, ValueError) as e:
        raise StartError("configuration", f"cannot read {config}: {e}") from e
    value: Any = doc
    for part in key.split("."):
        value = value.get(part, {}) if isinstance(value, dict) else {}
    return value if isinstance(value, str) and value else default


def _last_json(log: Path) -> dict[str, Any] | None:
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return None
    for line in reversed(lines):
        try:
            data = json.loads(line)
        except ValueError:
            continue
        if isinstance(data, dict):
            return data
    return None


def spawn(argv: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Starts a daemon in its own session (a Ctrl-C at the shell that ran
    ``hft start`` must not reach it), output appended to ``log``."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        return subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, env=env)


def wait_healthy(
    proc: subprocess.Popen[bytes],
    instance: str,
    shm_dir: str | os.PathLike[str] | None,
    ready: Callable[[ControlClient], bool],
    timeout_s: float,
    step: str,
    log: Path,
) -> float:
    """Polls the control block until ``ready`` holds; returns the seconds it took.

    Raises StartError when the process exits (with its last JSON line's
    reason when it printed one) or the time runs out (the process is then
    stopped, so a failed start leaves nothing behind).
    """
    began = time.monotonic()
    while time.monotonic() - began < timeout_s:
        if proc.poll() is not None:
            last = _last_json(log) or {}
            why = last.get("reason") or f"exited with {proc.returncode}"
            raise StartError(step, str(why), log)
        try:
            client = ControlClient.attach(instance, shm_dir)
            if not client.status().stale and ready(client):
                return time.monotonic() - began
        except ControlError:
            pass  # not created yet
        time.sleep(0.05)
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    raise StartError(step, f"not healthy after {timeout_s:g} s; stopped it", log)


def start_venue(
    config: Path,
    shm_dir: str | os.PathLike[str] | None = None,
    timeout_s: float = 15.0,
    log: Path | None = None,
) -> Daemon:
    instance = _instance(config, "name", "venue")
    _refuse_if_running(instance, shm_dir, "venue")
    log = log or state_dir() / f"hft-venue-{instance}.log"
    argv = [str(paths.find_binary("hft_venue")), "--config", str(config)]
    if shm_dir:
        argv += ["--shm-dir", os.fspath(shm_dir)]
    proc = spawn(argv, log)
    took = wait_healthy(
        proc, instance, shm_dir, lambda c: c.status().state == "running", timeout_s, "venue", log
    )
    return Daemon("hft_venue", instance, proc.pid, str(log), round(took, 3))


def _refuse_if_running(instance: str, shm_dir: str | os.PathLike[str] | None, step: str) -> None:
    # A second daemon would fail on its ports or control block, and waiting
    # on the first one's control block would report it as started.
    try:
        client = ControlClient.attach(instance, shm_dir)
    except ControlError:
        return
    status = client.status()
    if status.owner_alive and status.state not in ("stopped",):
        raise StartError(step, f"'{instance}' is already running (pid {client.pid}); stop it first")


def _engine_ready(client: ControlClient) -> bool:
    # Running, heartbeat fresh (checked by the caller), and logged on to the
    # venue: the strategies start at the first logon.
    counters = client.counters()
    return client.status().state == "running" and counters.get("venue_session_up", 0) == 1


def start_engine(
    config: Path, shm_dir: str | os.PathLike[str] | None = None, timeout_s: float = 30.0
) -> Daemon:
    instance = _instance(config, "instance.name", "main")
    _refuse_if_running(instance, shm_dir, "engine")
    log = state_dir() / f"hft-system-{instance}.log"
    argv = [str(paths.find_binary("hft_system")), "--config", str(config)]
    env = dict(os.environ)
    if shm_dir:
        env["HFT_SHM_DIR"] = os.fspath(shm_dir)  # where the daemon puts its control block
    proc = spawn(argv, log, env)
    took = wait_healthy(proc, instance, shm_dir, _engine_ready, timeout_s, "engine", log)
    return Daemon("hft_system", instance, proc.pid, str(log), round(took, 3))


def start(
    config: str | os.PathLike[str],
    venue_config: str | os.PathLike[str] | None = None,
    shm_dir: str | os.PathLike[str] | None = None,
    skip_preflight: bool = False,
    timeout_s: float = 30.0,
    progress: Progress | None = None,
) -> StartResult:
    """Runs the start-up runbook for the engine configured in ``config``.

    Raises StartError naming the step that failed. A preflight failure stops
    before anything is started; warnings are kept in the result.
    """
    say = progress or (lambda _step: None)
    engine_config = Path(config)
    report = None
    if not skip_preflight:
        say("preflight")
        report = checks.preflight(engine_config)
        failed = [c for c in report.checks if c.status == checks.FAIL]
        if failed:
            detail = "; ".join(f"{c.name}: {c.detail} (fix: {c.fix})" for c in failed)
            raise StartError("preflight", detail)
    venue = None
    if venue_config is not None:
        say("venue")
        venue = start_venue(Path(venue_config), shm_dir, timeout_s)
        if report is not None:
            # Preflight ran before the venue existed: ask again now it listens.
            _, doc = checks.check_config(engine_config)
            if doc is not None:
                fresh = {c.name: c for c in checks.check_venues(doc)}
                report.checks = [fresh.get(c.name, c) for c in report.checks]
    say("engine")
    try:
        engine = start_engine(engine_config, shm_dir, timeout_s)
    except StartError:
        if venue is not None:
            stop_pid(venue.pid)
        raise
    notes = [f"{c.name}: {c.detail}" for c in (report.checks if report else []) if c.status == checks.WARN]
    return StartResult(report, venue, engine, notes)


def alive(pid: int) -> bool:
    """True while ``pid`` runs. Reaps it first when it is our own child (a
    notebook that started it), since a zombie still answers signal 0."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def wait_exit(pid: int, timeout_s: float = 10.0) -> bool:
    """Waits for ``pid`` to end; True when it did."""
    deadline = time.monotonic() + timeout_s
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def stop_pid(pid: int, timeout_s: float = 10.0) -> bool:
    """SIGTERM, then wait; True when the process is gone."""
    try:
        os.kill(pid, 15)
    except ProcessLookupError:
        return True
    return wait_exit(pid, timeout_s)
