"""FIX 4.4 sessions from Python: the standalone acceptor behind ``hft fix accept``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hft import _core


@dataclass(frozen=True)
class AcceptorOptions:
    """One acceptor session: where it listens and who it expects."""

    sender_comp_id: str
    target_comp_id: str
    port: int = 0
    host: str = "0.0.0.0"
    reset_on_logon: bool = False
    store: Path | None = None
    heartbeat_interval_s: int = 30


def accept(
    options: AcceptorOptions,
    *,
    on_listening: Callable[[int], None],
    on_event: Callable[[dict[str, Any]], None],
    should_stop: Callable[[], bool],
) -> dict[str, Any]:
    """Runs the acceptor until ``should_stop()`` is true; returns the session summary.

    Application messages get a BusinessMessageReject; logon, heartbeats,
    sequence numbers, resend and SequenceReset follow the FIX 4.4 session rules.
    Raises RuntimeError when it cannot start (port in use, another session's store).
    """
    return _core.fix.accept(
        options.host,
        options.port,
        options.sender_comp_id,
        options.target_comp_id,
        options.reset_on_logon,
        str(options.store) if options.store else "",
        options.heartbeat_interval_s,
        on_listening,
        on_event,
        should_stop,
    )
