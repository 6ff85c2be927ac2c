"""``hft fix accept`` as an operator runs it, with QuickFIX as the initiator.

The acceptor and the QuickFIX peer (tests/interop/quickfix_peer, built by
scripts/test.sh) are separate processes on loopback. Waits are on events,
with generous deadlines that only guard against a hang.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
Event = dict[str, Any]


def quickfix_peer() -> Path:
    """The peer scripts/test.sh built (HFT_QUICKFIX_PEER overrides)."""
    explicit = os.environ.get("HFT_QUICKFIX_PEER")
    build = os.environ.get("HFT_BUILD_DIR", "build/release")
    path = Path(explicit) if explicit else REPO / build / "tests" / "interop" / "quickfix_peer"
    if not path.is_file():
        pytest.fail(f"quickfix_peer not found at {path}: build the tests first (scripts/test.sh does)")
    return path


class JsonLines:
    """A child process whose stdout is one JSON object per line."""

    def __init__(self, argv: list[str], stdin: bool = False) -> None:
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.events: list[Event] = []
        self._queue: queue.Queue[Event | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.strip():
                self._queue.put(json.loads(line))
        self._queue.put(None)

    def wait_for(
        self, match: Callable[[Event], bool], what: str, timeout: float = 20.0, since: int = 0
    ) -> Event:
        """The first matching event at index ``since`` or later, reading on until one comes."""
        for e in self.events[since:]:
            if match(e):
                return e
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {what}; saw {self.events[-8:]}")
            try:
                e = self._queue.get(timeout=left)
            except queue.Empty:
                continue
            if e is None:
                err = self.proc.stderr.read() if self.proc.stderr else ""
                raise AssertionError(f"process ended while waiting for {what}: {err}")
            self.events.append(e)
            if match(e):
                return e

    def command(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)


def event(name: str, **fields: Any) -> Callable[[Event], bool]:
    return lambda e: e.get("event") == name and all(e.get(k) == v for k, v in fields.items())


@pytest.fixture
def hft_exe() -> str:
    exe = shutil.which("hft", path=str(Path(sys.executable).parent))
    assert exe, "the hft console script is not installed in this environment"
    return exe


def start_acceptor(hft_exe: str, store: Path, port: int = 0) -> tuple[JsonLines, int]:
    acceptor = JsonLines(
        [
            hft_exe,
            "fix",
            "accept",
            "--port",
            str(port),
            "--host",
            "127.0.0.1",
            "--sender-comp-id",
            "VENUE",
            "--target-comp-id",
            "HFT",
            "--store",
            str(store),
            "--json",
        ]
    )
    listening = acceptor.wait_for(event("listening"), "the acceptor to listen")
    return acceptor, int(listening["port"])


def test_quickfix_initiator_is_served_and_business_rejected_then_resumes_after_restart(
    hft_exe: str, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    acceptor, port = start_acceptor(hft_exe, store)
    peer = JsonLines(
        [
            str(quickfix_peer()),
            "--mode",
            "initiator",
            "--port",
            str(port),
            "--sender-comp-id",
            "HFT",
            "--target-comp-id",
            "VENUE",
            "--store",
            str(tmp_path / "quickfix"),
        ],
        stdin=True,
    )
    try:
        peer.wait_for(event("logon"), "QuickFIX to log on")
        acceptor.wait_for(event("logged_on"), "the acceptor's logon event")
        peer.command("order C1 AAPL 1 100 187.25")
        reject = peer.wait_for(event("app_in", msg_type="j"), "the BusinessMessageReject")
        assert reject["business_reject_reason"] == 3
        assert reject["ref_msg_type"] == "D"

        # SIGTERM: the acceptor logs out, then reports where the numbers stand.
        acceptor.proc.send_signal(signal.SIGTERM)
        peer.wait_for(event("logout"), "QuickFIX to see our Logout")
        summary = acceptor.wait_for(event("summary"), "the summary")
        assert acceptor.proc.wait(timeout=10) == 0
        peer.command("status")
        status = peer.wait_for(event("status"), "QuickFIX's status")
        assert summary["next_target_seq"] == status["next_sender_seq"]
        assert summary["next_sender_seq"] == status["next_target_seq"]
        assert summary["counters"]["business_rejects_sent"] == 1
        first_logons = summary["counters"]["logons"]
        assert first_logons == 1

        # Same store, new process: QuickFIX (retrying every second) logs on
        # again and the session carries on from the stored numbers.
        second = len(peer.events)
        peer.command("connect")
        acceptor, _ = start_acceptor(hft_exe, store, port)
        logon = acceptor.wait_for(event("logged_on"), "the second logon", timeout=30)
        # No reset: the numbers carry on. (A QuickFIX initiator may spend a
        # number on a Logon written into a connection attempt that failed;
        # the acceptor then asks for it and gets a GapFill.)
        assert logon["begin"] >= status["next_sender_seq"]
        acceptor.proc.send_signal(signal.SIGTERM)
        summary2 = acceptor.wait_for(event("summary"), "the second summary")
        assert acceptor.proc.wait(timeout=10) == 0
        peer.wait_for(event("logout"), "the second logout", since=second)
        marker = len(peer.events)
        peer.command("status")
        status2 = peer.wait_for(event("status"), "QuickFIX's second status", since=marker)
        assert summary2["next_target_seq"] == status2["next_sender_seq"]
        assert summary2["next_sender_seq"] == status2["next_target_seq"]
        assert summary2["next_target_seq"] > summary["next_target_seq"]
    finally:
        acceptor.stop()
        peer.stop()


def test_store_of_another_session_is_a_clear_error(hft_exe: str, tmp_path: Path) -> None:
    store = tmp_path / "store"
    acceptor, _ = start_acceptor(hft_exe, store)
    acceptor.proc.send_signal(signal.SIGTERM)
    assert acceptor.proc.wait(timeout=10) == 0
    result = subprocess.run(
        [
            hft_exe,
            "fix",
            "accept",
            "--port",
            "0",
            "--sender-comp-id",
            "OTHER",
            "--target-comp-id",
            "HFT",
            "--store",
            str(store),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 3
    assert "belongs to session 'FIX.4.4:VENUE->HFT'" in result.stderr


def test_help_names_the_options(hft_exe: str) -> None:
    result = subprocess.run([hft_exe, "fix", "accept", "--help"], capture_output=True, text=True, check=True)
    for option in ("--port", "--sender-comp-id", "--target-comp-id", "--reset-on-logon", "--store", "--json"):
        assert option in result.stdout
