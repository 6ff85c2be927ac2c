"""The session report: one engine session from the performance log and the audit log.

:func:`build_report` reads the performance log (JSON lines, see
``docs/performance_log.md``), picks one session (a log holds every session
appended, each starting with a ``starting`` line) and, when given, the audit
log records of that session's time window. :func:`to_json` gives the figures
as plain data; :func:`hft.report_html.write_html` writes a page with plots
(:mod:`hft.report_figures`).

Where each number comes from:

- totals (messages, orders, fills, rejects) are the engine's own cumulative
  counters in the session's last ``telemetry`` line; the audit log's counts
  are used only when the log has no counters (they are also listed, by type,
  under ``audit``);
- latency is per telemetry interval as the log gives it. The session-wide
  percentiles are estimated from those: the log keeps no histograms, so each
  interval is taken as the piecewise-linear distribution through its
  (p50, p99, p99.9, max) points and the intervals are mixed by sample count.
  The estimate is exact when the intervals agree and always lies between the
  smallest and largest interval value; ``max`` is exact;
- rejects by reason and kill-switch events come from the audit log when one
  was read (the engine's reason codes), otherwise from the ``reject.<reason>``
  counters and the ``state`` lines;
- PnL and positions are the telemetry snapshots (dollars, floats).

An audit file may hold several runs, so a session takes the records after the
previous session's last line and up to its own ``stopped`` line (when it has
none: up to the next session's first line, or the end).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from hft import audit as audit_mod

if TYPE_CHECKING:
    pass

#: Latency stages in pipeline order; stages the log adds later follow, sorted.
STAGES: tuple[str, ...] = (
    "md_decode",
    "book_update",
    "strategy",
    "risk",
    "order_encode",
    "tick_to_trade",
    "exec_report",
    "order_send",
)
HEADLINE_STAGE = "tick_to_trade"
PERCENTILES: tuple[str, ...] = ("p50", "p99", "p999")
_HALT_STATES = frozenset({"reducing", "halted"})

#: Figure files :func:`write_html` writes, in page order.
FIGURES: dict[str, str] = {
    "latency_over_time": "latency_over_time.png",
    "latency_by_stage": "latency_by_stage.png",
    "rates": "rates.png",
    "pnl_positions": "pnl_positions.png",
    "rejects": "rejects.png",
}


class ReportError(Exception):
    """The input cannot make a report (``hft report`` exits 1)."""


class NothingToReport(ReportError):
    """The performance log holds no usable line."""


class SessionNotFound(ReportError):
    """The requested session index is not in the log."""


# ---- the result ------------------------------------------------------------------------


@dataclass
class Summary:
    session: int  #: index in the log, from 0
    sessions_in_log: int
    instance: str | None
    pid: int | None
    version: str | None
    layout: str | None
    transport: str | None
    config: str | None
    started: bool  #: the session has its ``starting`` line (a log may begin mid-session)
    start_ns: int
    end_ns: int
    start: str
    end: str
    duration_s: float
    telemetry_snapshots: int
    messages: int | None
    orders: int | None
    fills: int | None
    rejects: int | None
    kill_events: int  #: kill-switch trips
    final_state: str | None
    final_pnl: float | None
    tick_to_trade_p50: float | None
    tick_to_trade_p99: float | None
    tick_to_trade_p999: float | None
    tick_to_trade_max: float | None
    exit_code: int | None
    exit_reason: str | None
    errors: int
    malformed_lines: int  #: lines of this session that were skipped (not JSON or not as documented)


@dataclass
class StageLatency:
    """One stage: per-interval values aligned with :attr:`Timeline.t_s`, and session estimates."""

    stage: str
    samples: int
    p50: float | None
    p99: float | None
    p999: float | None
    max: float | None
    count: list[int] = field(default_factory=list)
    p50_series: list[float | None] = field(default_factory=list)
    p99_series: list[float | None] = field(default_factory=list)
    p999_series: list[float | None] = field(default_factory=list)
    max_series: list[float | None] = field(default_factory=list)


@dataclass
class Timeline:
    """The telemetry snapshots as columns; every list has one value per snapshot."""

    t_s: list[float] = field(default_factory=list)  #: seconds since the session's first line
    wall_ns: list[int] = field(default_factory=list)
    interval_s: list[float | None] = field(default_factory=list)
    state: list[str | None] = field(default_factory=list)
    #: per-second rates by counter name; a name absent from a line did not move (0)
    rates: dict[str, list[float]] = field(default_factory=dict)
    #: realized, unrealized, fees, total (dollars); None where a line had no pnl
    pnl: dict[str, list[float | None]] = field(default_factory=dict)
    #: net position by symbol; 0 where a snapshot does not list the symbol
    net_position: dict[str, list[float]] = field(default_factory=dict)


@dataclass
class Position:
    symbol: str
    net: float
    realized: float
    unrealized: float
    fees: float


@dataclass
class KillEvent:
    wall_ns: int
    t_s: float
    time: str
    action: str  #: trip, resume, resume_refused, step, or shutdown (the daemon stopping)
    state: str | None  #: kill-switch (audit) or engine (log) state after the event
    trigger: str | None  #: the audit's KillTrigger name
    reason: str | None  #: text from the performance log's ``state`` line
    detail: str | None  #: the step of a ``step``
    value: str | None  #: the audit record's value (1e-4 units; money for daily_loss)
    source: str  #: audit or performance_log


@dataclass
class StateChange:
    wall_ns: int
    t_s: float
    state: str
    reason: str


@dataclass
class FixSessionChange:
    wall_ns: int
    t_s: float
    name: str
    up: bool


@dataclass
class AuditInput:
    files: list[str] = field(default_factory=list)  #: paths that were read
    missing: list[str] = field(default_factory=list)  #: paths with no audit file
    records_read: int = 0  #: intact records in the files, every run
    records_in_session: int = 0
    counts_by_type: dict[str, int] = field(default_factory=dict)  #: in the session's window
    damaged: bool = False
    problems: list[str] = field(default_factory=list)


@dataclass
class LogInput:
    path: str
    lines: int  #: non-blank lines in the file
    unparsed_lines: int  #: in the whole file: not a JSON object with ``event`` and ``wall_ns``
    truncated_tail: bool  #: the last line is cut short (a writer in the middle of it)
    sessions: int


@dataclass
class SessionReport:
    summary: Summary
    log: LogInput
    audit: AuditInput | None
    timeline: Timeline
    latency: dict[str, StageLatency]
    final_positions: list[Position]
    rejects_by_reason: dict[str, int]
    rejects_source: str  #: audit, counters or none
    counter_rejects_by_reason: dict[str, int]
    kill_events: list[KillEvent]
    state_changes: list[StateChange]
    fix_sessions: list[FixSessionChange]
    shutdown: list[dict[str, Any]]
    errors: list[str]
    warnings: list[str]  #: problems with the input (skipped lines, missing or damaged audit files)
    notes: list[str]  #: sections without data


# ---- reading the performance log ---------------------------------------------------------


@dataclass
class _Line:
    number: int
    event: str
    wall_ns: int
    doc: dict[str, Any]


@dataclass
class _Session:
    lines: list[_Line] = field(default_factory=list)
    malformed: int = 0
    started: bool = False


def _read_log(path: Path) -> tuple[list[_Session], LogInput]:
    sessions: list[_Session] = []
    current: _Session | None = None
    total = malformed = 0
    truncated = False
    with path.open("rb") as f:
        raw_lines = f.read().split(b"\n")
    # split() leaves b"" after a final newline; anything else there is a line
    # still being written.
    last_index = len(raw_lines) - 1
    for number, raw in enumerate(raw_lines, start=1):
        if not raw.strip():
            continue
        total += 1
        line = _parse_line(number, raw)
        if line is None:
            if number - 1 == last_index:
                truncated = True
            malformed += 1
            if current is None:
                current = _Session()
                sessions.append(current)
            current.malformed += 1
            continue
        if line.event == "starting" or current is None:
            current = _Session(started=line.event == "starting")
            sessions.append(current)
        current.lines.append(line)
    # A session of nothing but unparseable lines is noise, not a session.
    sessions = [s for s in sessions if s.lines]
    info = LogInput(str(path), total, malformed, truncated, len(sessions))
    return sessions, info


def _parse_line(number: int, raw: bytes) -> _Line | None:
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(doc, dict):
        return None
    event, wall_ns = doc.get("event"), doc.get("wall_ns")
    if not isinstance(event, str) or not _is_int(wall_ns):
        return None
    return _Line(number, event, int(wall_ns), doc)


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _num(v: object) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise TypeError(f"not a number: {v!r}")
    return float(v)


def _opt_num(v: object) -> float | None:
    return None if v is None else _num(v)


def _str(v: object) -> str:
    if not isinstance(v, str):
        raise TypeError(f"not a string: {v!r}")
    return v


def _dict(v: object) -> dict[str, Any]:
    if v is None:
        return {}
    if not isinstance(v, dict):
        raise TypeError(f"not an object: {v!r}")
    return v


# ---- building the report -----------------------------------------------------------------


_Latency = tuple[int, float | None, float | None, float | None, float | None]
_NO_SAMPLES: _Latency = (0, None, None, None, None)


@dataclass
class _Snapshot:
    wall_ns: int
    state: str | None
    interval_s: float | None
    counters: dict[str, float]
    rates: dict[str, float]
    latency: dict[str, _Latency]
    positions: list[Position]
    pnl: dict[str, float] | None


def _snapshot(line: _Line) -> _Snapshot:
    d = line.doc
    latency: dict[str, _Latency] = {}
    for stage, v in _dict(d.get("latency_ns")).items():
        v = _dict(v)
        count = v.get("count", 0)
        if not _is_int(count) or count < 0:
            raise TypeError(f"latency count {count!r}")
        if count == 0:
            latency[stage] = _NO_SAMPLES
        else:
            latency[stage] = (count, _num(v["p50"]), _num(v["p99"]), _num(v["p999"]), _num(v["max"]))
    positions = [
        Position(
            symbol=str(p["symbol"]),
            net=_num(p["net"]),
            realized=_num(p.get("realized", 0.0)),
            unrealized=_num(p.get("unrealized", 0.0)),
            fees=_num(p.get("fees", 0.0)),
        )
        for p in (d.get("positions") or [])
    ]
    pnl_doc = d.get("pnl")
    pnl = None if pnl_doc is None else {k: _num(v) for k, v in _dict(pnl_doc).items()}
    state = d.get("state")
    return _Snapshot(
        wall_ns=line.wall_ns,
        state=None if state is None else _str(state),
        interval_s=_opt_num(d.get("interval_s")),
        counters={str(k): _num(v) for k, v in _dict(d.get("counters")).items()},
        rates={str(k): _num(v) for k, v in _dict(d.get("rates")).items()},
        latency=latency,
        positions=positions,
        pnl=pnl,
    )


def _window(sessions: list[_Session], index: int) -> tuple[int | None, int | None, bool]:
    """(after, until, until_inclusive) in wall ns for this session's audit records."""
    after = sessions[index - 1].lines[-1].wall_ns if index > 0 else None
    own = sessions[index].lines
    stopped = [ln.wall_ns for ln in own if ln.event == "stopped"]
    if stopped:
        return after, stopped[-1], True
    if index + 1 < len(sessions):
        return after, sessions[index + 1].lines[0].wall_ns, False
    return after, None, False


def _stage_order(names: Iterable[str]) -> list[str]:
    known = [s for s in STAGES if s in names]
    return known + sorted(set(names) - set(STAGES))


_Interval = tuple[int, float, float, float, float]  # count, p50, p99, p999, max
_QS = np.array([0.0, 0.5, 0.99, 0.999, 1.0])


def mixed_quantile(intervals: Sequence[_Interval], q: float) -> float | None:
    """Quantile ``q`` (0..1) of the mixture of intervals given as (count, p50, p99, p999, max).

    Each interval is the piecewise-linear CDF through (0 ns, 0), (p50, 0.5),
    (p99, 0.99), (p99.9, 0.999) and (max, 1); the mixture weighs them by
    count. Rounded to 0.1 ns; None when there are no samples.
    """
    rows = [r for r in intervals if r[0] > 0]
    if not rows:
        return None
    counts = np.array([r[0] for r in rows], dtype=float)
    # Out-of-order points (a p99 below the p50) cannot be a CDF; the running
    # maximum keeps what the line says while making it one.
    xs = np.maximum.accumulate(np.array([[0.0, *r[1:]] for r in rows], dtype=float), axis=1)
    n = np.arange(len(rows))

    def cdf(x: float) -> float:
        # Right-continuous: j is the first point above x, so where points
        # coincide (p99 == max) the CDF takes the upper value there.
        j = (xs <= x).sum(axis=1)
        done = j == xs.shape[1]
        jj = np.minimum(j, xs.shape[1] - 1)
        x0, x1 = xs[n, jj - 1], xs[n, jj]
        q0, q1 = _QS[jj - 1], _QS[jj]
        with np.errstate(divide="ignore", invalid="ignore"):
            per = np.where(done, 1.0, q0 + (q1 - q0) * (x - x0) / np.where(x1 > x0, x1 - x0, 1.0))
        return float(counts @ per / counts.sum())

    # The mixture is linear between consecutive points of all intervals, so a
    # binary search over the points finds the segment where it reaches q
    # (the tolerance absorbs the rounding of count-weighted sums of 0.99)
    # and the line through that segment gives the value.
    points = np.unique(xs)
    tol = 1e-12
    if cdf(points[0]) >= q - tol:
        return round(float(points[0]), 1)
    lo, hi = 0, len(points) - 1  # cdf(points[lo]) < q <= cdf(points[hi])
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if cdf(points[mid]) >= q - tol:
            hi = mid
        else:
            lo = mid
    a, b = float(points[lo]), float(points[hi])
    fa = cdf(a)
    fb_left = 2 * cdf((a + b) / 2) - fa  # the value just below b, before any jump at b
    if fb_left < q - tol:
        return round(b, 1)
    return round(a + (q - fa) / (fb_left - fa) * (b - a), 1)


def _latency(snaps: list[_Snapshot]) -> dict[str, StageLatency]:
    out: dict[str, StageLatency] = {}
    for stage in _stage_order({s for snap in snaps for s in snap.latency}):
        rows = [snap.latency.get(stage, _NO_SAMPLES) for snap in snaps]
        full: list[_Interval] = [
            (c, a, b, d, m)
            for c, a, b, d, m in rows
            if c and a is not None and b is not None and d is not None and m is not None
        ]
        out[stage] = StageLatency(
            stage=stage,
            samples=sum(r[0] for r in rows),
            p50=mixed_quantile(full, 0.5),
            p99=mixed_quantile(full, 0.99),
            p999=mixed_quantile(full, 0.999),
            max=max((r[4] for r in full), default=None),
            count=[r[0] for r in rows],
            p50_series=[r[1] for r in rows],
            p99_series=[r[2] for r in rows],
            p999_series=[r[3] for r in rows],
            max_series=[r[4] for r in rows],
        )
    return out


def _timeline(snaps: list[_Snapshot], t0: int) -> Timeline:
    tl = Timeline()
    rate_names = sorted({k for s in snaps for k in s.rates})
    symbols = sorted({p.symbol for s in snaps for p in s.positions})
    tl.rates = {k: [] for k in rate_names}
    tl.pnl = {k: [] for k in ("realized", "unrealized", "fees", "total")}
    tl.net_position = {k: [] for k in symbols}
    for s in snaps:
        tl.t_s.append((s.wall_ns - t0) / 1e9)
        tl.wall_ns.append(s.wall_ns)
        tl.interval_s.append(s.interval_s)
        tl.state.append(s.state)
        for k in rate_names:
            tl.rates[k].append(s.rates.get(k, 0.0))
        for k in tl.pnl:
            tl.pnl[k].append(None if s.pnl is None else s.pnl.get(k))
        nets = {p.symbol: p.net for p in s.positions}
        for k in symbols:
            tl.net_position[k].append(nets.get(k, 0.0))
    return tl


def _read_audit(
    paths: list[Path], window: tuple[int | None, int | None, bool]
) -> tuple[AuditInput, list[audit_mod.AuditEntry], list[str]]:
    info = AuditInput()
    warnings: list[str] = []
    entries: list[audit_mod.AuditEntry] = []
    for p in paths:
        # One path at a time, so that one missing file is a warning and the
        # others are still read.
        try:
            result = audit_mod.read([p])
        except FileNotFoundError:
            info.missing.append(str(p))
            warnings.append(f"audit log {p}: no such file or segments; reported without it")
            continue
        info.files.append(str(p))
        info.records_read += result.report.records
        entries.extend(result.entries)
        r = result.report
        if r.damaged:
            info.damaged = True
            problem = (
                f"audit log {p}: {r.corrupt_records} corrupt record(s), {r.torn_tail_bytes} torn-tail "
                f"byte(s), {len(r.bad_segments)} unreadable segment(s); intact records were used"
            )
            info.problems.append(problem)
            warnings.append(problem)
        if r.missing_records or r.ring_dropped:
            problem = (
                f"audit log {p}: {r.missing_records} record(s) missing by seq, "
                f"{r.ring_dropped} dropped by the ring"
            )
            info.problems.append(problem)
            warnings.append(problem)
    after, until, inclusive = window
    chosen = [
        e
        for e in entries
        if (after is None or e.wall_ns > after)
        and (until is None or e.wall_ns < until or (inclusive and e.wall_ns == until))
    ]
    chosen.sort(key=lambda e: (e.wall_ns, e.seq))
    info.records_in_session = len(chosen)
    info.counts_by_type = dict(Counter(e.type for e in chosen))
    return info, chosen, warnings


def _kill_events_from_audit(entries: list[audit_mod.AuditEntry], t0: int) -> list[KillEvent]:
    events: list[KillEvent] = []
    for e in entries:
        if e.type == "kill_switch" and e.reason == "shutdown":
            # The daemon's own stop halts through the kill switch too; it is
            # the end of the session, not a kill anyone needs to review.
            action = "shutdown"
        elif e.type == "kill_switch":
            action = "trip" if e.state in _HALT_STATES else "resume"
        elif e.type == "resume_refused":
            action = "resume_refused"
        elif e.type == "kill_step":
            action = "step"
        else:
            continue
        trigger = None if e.reason in (None, "none") else e.reason
        events.append(
            KillEvent(
                wall_ns=e.wall_ns,
                t_s=(e.wall_ns - t0) / 1e9,
                time=e.time,
                action=action,
                state=e.state,
                trigger=trigger,
                reason=None,
                detail=e.detail,
                value=e.price if action in ("trip", "resume_refused") else None,
                source="audit",
            )
        )
    return events


def _kill_events_from_states(changes: list[StateChange]) -> list[KillEvent]:
    events: list[KillEvent] = []
    previous = "starting"
    for c in changes:
        action = None
        if c.state in _HALT_STATES and c.state != previous:
            action = "trip"
        elif c.state == "running" and previous in _HALT_STATES:
            action = "resume"
        previous = c.state
        if action:
            events.append(
                KillEvent(
                    wall_ns=c.wall_ns,
                    t_s=c.t_s,
                    time=audit_mod.format_time(c.wall_ns),
                    action=action,
                    state=c.state,
                    trigger=None,
                    reason=c.reason,
                    detail=None,
                    value=None,
                    source="performance_log",
                )
            )
    return events


def _opt_int(v: float | None) -> int | None:
    return None if v is None else int(v)


def build_report(
    performance_log: Path, audit_paths: list[Path] | None = None, session: int = -1
) -> SessionReport:
    """The report of session ``session`` (0 the first, -1 the last) of ``performance_log``.

    ``audit_paths`` are audit segment files, folders or configured log paths;
    one that holds no audit file is a warning in the report, not an error.
    Malformed lines are skipped and counted. Raises :class:`NothingToReport`
    when the log has no usable line, :class:`SessionNotFound` for a session
    index it does not have, OSError when it cannot be read.
    """
    sessions, log_info = _read_log(Path(performance_log))
    if not sessions:
        raise NothingToReport(
            f"{performance_log}: no performance-log lines "
            f"({log_info.lines} line(s), {log_info.unparsed_lines} unparseable)"
        )
    if not -len(sessions) <= session < len(sessions):
        raise SessionNotFound(
            f"{performance_log} holds {len(sessions)} session(s) (0..{len(sessions) - 1}); "
            f"there is no session {session}"
        )
    index = session % len(sessions)
    sess = sessions[index]
    lines = sess.lines
    t0, t_end = lines[0].wall_ns, lines[-1].wall_ns

    warnings: list[str] = []
    notes: list[str] = []
    malformed = sess.malformed
    snaps: list[_Snapshot] = []
    states: list[StateChange] = []
    fix: list[FixSessionChange] = []
    shutdown: list[dict[str, Any]] = []
    errors: list[str] = []
    starting: dict[str, Any] = {}
    stopped: dict[str, Any] = {}
    instance: str | None = None
    final_state: str | None = None
    for ln in lines:
        d = ln.doc
        t = (ln.wall_ns - t0) / 1e9
        try:
            if isinstance(d.get("instance"), str):
                instance = d["instance"]
            if ln.event == "telemetry":
                snaps.append(_snapshot(ln))
                final_state = snaps[-1].state or final_state
            elif ln.event == "starting":
                starting = d
            elif ln.event == "state":
                states.append(StateChange(ln.wall_ns, t, _str(d["state"]), str(d.get("reason", ""))))
                final_state = states[-1].state
            elif ln.event == "session":
                fix.append(FixSessionChange(ln.wall_ns, t, str(d.get("name", "")), bool(d["up"])))
            elif ln.event == "shutdown":
                shutdown.append(
                    {
                        "wall_ns": ln.wall_ns,
                        "t_s": t,
                        "phase": _str(d["phase"]),
                        "open_orders": d.get("open_orders"),
                    }
                )
            elif ln.event == "stopped":
                stopped = d
            elif ln.event == "error":
                errors.append(str(d.get("message", "")))
            # Other events are newer than this reader; skipping them keeps old
            # readers working on new logs.
        except (KeyError, TypeError, ValueError, AttributeError):
            malformed += 1
    if malformed:
        warnings.append(f"{malformed} malformed line(s) in this session were skipped")
    if log_info.truncated_tail and index == len(sessions) - 1:
        warnings.append("the log's last line is incomplete (still being written?); it was skipped")

    audit_info: AuditInput | None = None
    entries: list[audit_mod.AuditEntry] = []
    if audit_paths:
        audit_info, entries, audit_warnings = _read_audit(list(audit_paths), _window(sessions, index))
        warnings += audit_warnings

    last = snaps[-1] if snaps else None
    counters = last.counters if last else {}
    audit_counts = audit_info.counts_by_type if audit_info and audit_info.files else {}

    def total(counter: str, audit_type: str | None) -> int | None:
        if counter in counters:
            return int(counters[counter])
        if audit_type and audit_info and audit_info.files:
            return audit_counts.get(audit_type, 0)
        return None

    counter_rejects = {
        k.removeprefix("reject."): int(v) for k, v in counters.items() if k.startswith("reject.") and v
    }
    if audit_info and audit_info.files:
        rejects = dict(Counter(e.reason or "none" for e in entries if e.type == "risk_reject"))
        rejects_source = "audit"
    elif counter_rejects:
        rejects, rejects_source = dict(counter_rejects), "counters"
    else:
        rejects, rejects_source = {}, "none"
    rejects = dict(sorted(rejects.items(), key=lambda kv: (-kv[1], kv[0])))

    if audit_info and audit_info.files:
        kills = _kill_events_from_audit(entries, t0)
    else:
        kills = _kill_events_from_states(states)

    latency = _latency(snaps)
    ttt = latency.get(HEADLINE_STAGE)
    pnl_total = last.pnl.get("total") if last and last.pnl else None

    if not snaps:
        notes.append("no telemetry lines in this session: no latency, rates, PnL or positions")
    elif not any(s.samples for s in latency.values()):
        notes.append("no latency samples in this session")
    if snaps and not any(s.positions for s in snaps):
        notes.append("no positions in this session")
    if not audit_paths:
        notes.append("no audit log given: rejects and kill events come from the performance log")
    elif audit_info and not audit_info.files:
        notes.append("no audit log could be read: rejects and kill events come from the performance log")
    if not rejects:
        notes.append("no risk rejects in this session")
    if not kills:
        notes.append("no kill-switch events in this session")

    summary = Summary(
        session=index,
        sessions_in_log=len(sessions),
        instance=instance,
        pid=starting.get("pid") if _is_int(starting.get("pid")) else None,
        version=_opt_str(starting.get("version")),
        layout=_opt_str(starting.get("layout")),
        transport=_opt_str(starting.get("transport")),
        config=_opt_str(starting.get("config")),
        started=sess.started,
        start_ns=t0,
        end_ns=t_end,
        start=audit_mod.format_time(t0),
        end=audit_mod.format_time(t_end),
        duration_s=(t_end - t0) / 1e9,
        telemetry_snapshots=len(snaps),
        messages=total("messages_in", None),
        orders=total("orders_sent", "order_submitted"),
        fills=total("fills", "fill"),
        rejects=total("rejects", "risk_reject"),
        kill_events=sum(1 for k in kills if k.action == "trip"),
        final_state=final_state,
        final_pnl=pnl_total,
        tick_to_trade_p50=ttt.p50 if ttt else None,
        tick_to_trade_p99=ttt.p99 if ttt else None,
        tick_to_trade_p999=ttt.p999 if ttt else None,
        tick_to_trade_max=ttt.max if ttt else None,
        exit_code=stopped.get("exit_code") if _is_int(stopped.get("exit_code")) else None,
        exit_reason=_opt_str(stopped.get("exit_reason")),
        errors=len(errors),
        malformed_lines=malformed,
    )
    return SessionReport(
        summary=summary,
        log=log_info,
        audit=audit_info,
        timeline=_timeline(snaps, t0),
        latency=latency,
        final_positions=list(last.positions) if last else [],
        rejects_by_reason=rejects,
        rejects_source=rejects_source,
        counter_rejects_by_reason=counter_rejects,
        kill_events=kills,
        state_changes=states,
        fix_sessions=fix,
        shutdown=shutdown,
        errors=errors,
        warnings=warnings,
        notes=notes,
    )


def _opt_str(v: object) -> str | None:
    return v if isinstance(v, str) else None


def to_json(report: SessionReport) -> dict[str, Any]:
    """The report as JSON-ready data: the same numbers the figures show."""
    return asdict(report)
