"""The running engine from Python: status, telemetry and commands through its control block.

The engine publishes a shared-memory segment (``/dev/shm/hft-<instance>``, or
``$HFT_SHM_DIR``) that this module maps without ever blocking the engine::

    from hft.control import ControlClient

    engine = ControlClient.attach("main")
    print(engine.status().state, engine.latency_percentiles("tick_to_trade").p99_ns)
    ack = engine.kill("halt", reason="desk request")
    assert ack.acknowledged

Counters and histogram buckets are numpy views of the live segment (no
copies); positions are a consistent copy. Money and prices are in the
engine's 1e-4 fixed point and converted to floats here, at the edge.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from hft._core import LatencyHistogram
from hft._core import control as _native

DEFAULT_INSTANCE = "main"
#: A heartbeat older than this means the engine loop is not running.
DEFAULT_STALE_AFTER_S = 2.0
KILL_LEVELS = ("reduce", "halt")
_FIXED = 10_000.0  # 1e-4 fixed point

_UPPER_BOUNDS: np.ndarray | None = None


def _upper_bounds() -> np.ndarray:
    global _UPPER_BOUNDS
    if _UPPER_BOUNDS is None:
        _UPPER_BOUNDS = np.asarray(LatencyHistogram.bucket_upper_bounds())
    return _UPPER_BOUNDS


class ControlError(RuntimeError):
    """The control block could not be used (unreadable, incompatible, read-only)."""


class NoEngineError(ControlError):
    """No engine runs under that instance name (no segment, or its owner is gone)."""


@dataclass(frozen=True)
class EngineStatus:
    instance: str
    pid: int
    path: str
    state: str  #: starting, running, reducing, halted, stopping, stopped
    kill_level: str  #: none, reduce, halt
    exit_reason: str
    reason: str
    heartbeat_age_s: float
    loops: int
    last_command_seq: int
    commands_acked: int
    owner_alive: bool
    stale: bool  #: heartbeat older than the client's threshold, or owner dead
    started_wall_ns: int
    changed_wall_ns: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Position:
    symbol: str
    net: int
    realized: float
    unrealized: float
    fees: float
    average_cost: float
    mark: float


@dataclass(frozen=True)
class Totals:
    realized: float
    unrealized: float
    fees: float
    pnl: float
    gross_position: int
    net_position: int


@dataclass(frozen=True)
class Percentiles:
    stage: str
    count: int
    p50_ns: int
    p99_ns: int
    p999_ns: int
    max_ns: int


@dataclass(frozen=True)
class CommandAck:
    command: str
    status: str  #: acknowledged, timeout, not_delivered, no_engine, read_only
    result: str  #: ok, refused, unsupported, invalid (meaningful when acknowledged)
    seq: int
    state_after: str
    round_trip_us: float
    engine_us: float
    #: a refused resume: the kill trigger whose condition still holds
    #: (daily_loss, position_breach, market_data_stale, venue_session_lost, ...)
    blocking: str | None = None

    @property
    def acknowledged(self) -> bool:
        return self.status == "acknowledged"

    @property
    def ok(self) -> bool:
        return self.acknowledged and self.result == "ok"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "acknowledged": self.acknowledged, "ok": self.ok}


@dataclass(frozen=True)
class Snapshot:
    status: EngineStatus
    counters: dict[str, int]
    positions: list[Position]
    totals: Totals
    latency: list[Percentiles] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.status.to_dict(),
            "counters": self.counters,
            "positions": [asdict(p) for p in self.positions],
            "totals": asdict(self.totals),
            "latency_ns": {
                p.stage: {k: v for k, v in asdict(p).items() if k != "stage"} for p in self.latency
            },
        }


def percentiles_from_buckets(
    buckets: np.ndarray, maximum: int, overflow: int = 0, points: tuple[float, ...] = (50.0, 99.0, 99.9)
) -> list[int]:
    """Values at ``points`` (percent) from LatencyHistogram-layout bucket counts.

    Same rule as the C++ ``LatencyHistogram::percentile``: the upper bound of
    the bucket holding the p-th value, capped at the maximum; overflowed
    values report the maximum; 0 when empty.
    """
    counts = np.asarray(buckets, dtype=np.uint64)
    cum = np.cumsum(counts)
    total = int(cum[-1]) + overflow if cum.size else overflow
    if total == 0:
        return [0 for _ in points]
    out: list[int] = []
    upper = _upper_bounds()
    for p in points:
        rank = max(1, int(np.ceil(p / 100.0 * total)))
        if rank > int(cum[-1]):
            out.append(int(maximum))
            continue
        i = int(np.searchsorted(cum, rank, side="left"))
        out.append(min(int(upper[i]), int(maximum)) if maximum else int(upper[i]))
    return out


def _blocking_trigger(kind: str, result: str, detail: int) -> str | None:
    # The engine answers a refused resume with the KillTrigger that holds.
    if kind != "resume" or result != "refused":
        return None
    from hft.audit import KILL_TRIGGERS  # the trigger names, from the native core

    return KILL_TRIGGERS[detail] if 0 <= detail < len(KILL_TRIGGERS) else f"unknown({detail})"


class ControlClient:
    """A client of one engine instance's control block."""

    def __init__(
        self,
        instance: str = DEFAULT_INSTANCE,
        shm_dir: str | os.PathLike[str] | None = None,
        stale_after_s: float = DEFAULT_STALE_AFTER_S,
    ) -> None:
        self.instance = instance
        self.stale_after_s = stale_after_s
        directory = os.fspath(shm_dir) if shm_dir else ""
        try:
            self.path = _native.control_path(instance, directory)
        except _native.ControlError as e:
            raise ControlError(str(e)) from e
        if not Path(self.path).exists():
            raise NoEngineError(
                f"no engine is running as instance '{instance}' (no control block at {self.path})"
            )
        try:
            self._reader = _native.Reader(instance, directory)
        except _native.ControlError as e:
            raise ControlError(str(e)) from e
        self._info = self._reader.info

    @classmethod
    def attach(
        cls,
        instance: str = DEFAULT_INSTANCE,
        shm_dir: str | os.PathLike[str] | None = None,
        stale_after_s: float = DEFAULT_STALE_AFTER_S,
    ) -> ControlClient:
        """Maps the segment of ``instance``; raises NoEngineError when there is none."""
        return cls(instance, shm_dir, stale_after_s)

    # ---- reading ---------------------------------------------------------------

    @property
    def pid(self) -> int:
        return int(self._info["engine_pid"])

    @property
    def counter_names(self) -> list[str]:
        return list(self._reader.counter_names)

    @property
    def stages(self) -> list[str]:
        return list(self._reader.stage_names)

    @property
    def instruments(self) -> list[str]:
        return list(self._reader.instrument_names)

    @property
    def counters_view(self) -> np.ndarray:
        """The live counters (read-only numpy view, no copy); names in ``counter_names``."""
        return self._reader.counters

    def histogram_buckets(self, stage: str) -> np.ndarray:
        """Live bucket counts of ``stage`` (read-only view, LatencyHistogram layout)."""
        return self._reader.buckets(self._stage_index(stage))

    def positions_view(self) -> np.ndarray:
        """Live position records (structured view, fixed point; may be mid-update)."""
        return self._reader.positions_view()

    def status(self) -> EngineStatus:
        s = self._reader.status()
        age_s = s["heartbeat_age_ns"] / 1e9
        return EngineStatus(
            instance=self.instance,
            pid=self.pid,
            path=self.path,
            state=s["state"],
            kill_level=s["kill_level"],
            exit_reason=s["exit_reason"],
            reason=s["reason"],
            heartbeat_age_s=age_s,
            loops=s["loops"],
            last_command_seq=s["last_command_seq"],
            commands_acked=s["commands_acked"],
            owner_alive=s["owner_alive"],
            stale=(not s["owner_alive"]) or age_s > self.stale_after_s,
            started_wall_ns=int(self._info["start_wall_ns"]),
            changed_wall_ns=s["changed_wall_ns"],
        )

    def counters(self, nonzero_only: bool = False) -> dict[str, int]:
        values = self._reader.counters.copy()
        return {
            n: int(v)
            for n, v in zip(self._reader.counter_names, values, strict=True)
            if v or not nonzero_only
        }

    def latency_percentiles(self, stage: str) -> Percentiles:
        """p50/p99/p99.9 (ns) of ``stage``, computed from the live buckets."""
        index = self._stage_index(stage)
        summary = self._reader.histogram_summary(index)
        buckets = self._reader.buckets(index)
        p50, p99, p999 = percentiles_from_buckets(buckets, summary["max"], summary["overflow"])
        return Percentiles(stage, int(buckets.sum()) + summary["overflow"], p50, p99, p999, summary["max"])

    def latency_summary(self, stage: str) -> dict[str, int]:
        """count, overflow, sum, min and max (ns) of ``stage``, as the engine keeps them."""
        return dict(self._reader.histogram_summary(self._stage_index(stage)))

    def positions(self) -> tuple[list[Position], Totals]:
        records, totals, _ = self._reader.positions()
        names = self._reader.instrument_names
        out = [
            Position(
                symbol=names[int(r["symbol"])] if int(r["symbol"]) < len(names) else str(int(r["symbol"])),
                net=int(r["net"]),
                realized=int(r["realized"]) / _FIXED,
                unrealized=int(r["unrealized"]) / _FIXED,
                fees=int(r["fees"]) / _FIXED,
                average_cost=int(r["average_cost"]) / _FIXED,
                mark=int(r["mark"]) / _FIXED,
            )
            for r in records
        ]
        t = Totals(
            realized=totals["realized"] / _FIXED,
            unrealized=totals["unrealized"] / _FIXED,
            fees=totals["fees"] / _FIXED,
            pnl=totals["pnl"] / _FIXED,
            gross_position=totals["gross_position"],
            net_position=totals["net_position"],
        )
        return out, t

    def snapshot(self) -> Snapshot:
        positions, totals = self.positions()
        return Snapshot(
            status=self.status(),
            counters=self.counters(),
            positions=positions,
            totals=totals,
            latency=[self.latency_percentiles(s) for s in self.stages],
        )

    # ---- commands --------------------------------------------------------------

    def kill(self, level: str = "halt", reason: str = "", timeout_s: float = 1.0) -> CommandAck:
        """Trips the kill switch to ``level`` (reduce or halt) and waits for the acknowledgement.

        A kill the engine has not taken when the timeout expires stays posted
        (the engine applies it as soon as it polls again); the ack says timeout.
        """
        if level not in KILL_LEVELS:
            raise ValueError(f"kill level must be one of {', '.join(KILL_LEVELS)}, got {level!r}")
        return self._send("kill", level, reason, timeout_s)

    def resume(self, reason: str = "", timeout_s: float = 1.0) -> CommandAck:
        """Back to running (the engine refuses while a kill trigger still holds)."""
        return self._send("resume", "none", reason, timeout_s)

    def stop(self, reason: str = "", timeout_s: float = 1.0) -> CommandAck:
        """Graceful stop: the engine cancels open orders, flushes and exits."""
        return self._send("stop", "none", reason, timeout_s)

    def _send(self, kind: str, level: str, reason: str, timeout_s: float) -> CommandAck:
        a = self._reader.send_command(kind, level, reason, timeout_s)
        return CommandAck(
            command=kind,
            status=a["status"],
            result=a["result"],
            seq=a["seq"],
            state_after=a["state_after"],
            round_trip_us=a["round_trip_ns"] / 1e3,
            engine_us=a["engine_ns"] / 1e3,
            blocking=_blocking_trigger(kind, a["result"], a["detail"]),
        )

    def _stage_index(self, stage: str) -> int:
        try:
            return list(self._reader.stage_names).index(stage)
        except ValueError:
            raise KeyError(
                f"no latency stage {stage!r}; stages: {', '.join(self._reader.stage_names)}"
            ) from None


class Engine(ControlClient):
    """A running engine by instance name, as runbooks and notebooks use it::

        from hft.control import Engine
        ack = Engine("demo").kill("spread blew out")   # HALT, acknowledged in µs
        print(ack.state_after, ack.round_trip_us)

    The reason comes first here (a kill is always for a reason); the level
    defaults to halt. Everything else is :class:`ControlClient`.
    """

    def kill(  # type: ignore[override]
        self, reason: str = "manual kill", level: str = "halt", timeout_s: float = 1.0
    ) -> CommandAck:
        return super().kill(level, reason, timeout_s)

    def stop_and_wait(self, reason: str = "manual stop", timeout_s: float = 30.0) -> bool:
        """Graceful stop, then wait until the process has exited (orders
        cancelled, audit log flushed); True when it did within the time."""
        from hft.launch import wait_exit  # launch imports this module

        pid = self.pid
        ack = self.stop(reason)
        if not ack.acknowledged:
            return False
        return wait_exit(pid, timeout_s)
