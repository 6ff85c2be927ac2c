"""Reading the engine's audit log: decoded records, an integrity report, filters, follow.

The native reader (``hft._core.audit``) does the work: it validates each
segment header, checks every record's CRC and returns only intact records,
reporting corruption, torn tails and sequence gaps. This module turns the
raw records into named, typed entries and implements the filters of
``hft audit``. The file format is described in ``docs/audit_log.md``.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from os import PathLike
from typing import Any

import numpy as np

from hft._core import audit as _native

#: numpy dtype of one 64-byte on-disk record.
RECORD_DTYPE: np.dtype = _native.record_dtype()
RECORD_SIZE: int = _native.RECORD_SIZE
HEADER_SIZE: int = _native.HEADER_SIZE
FORMAT_VERSION: int = _native.FORMAT_VERSION
MAGIC: bytes = _native.MAGIC
#: ``seq`` of records the writer adds itself (ring overflow notes).
WRITER_SEQ: int = _native.WRITER_SEQ

_NAMES: dict[str, Any] = _native.names()
TYPE_NAMES: list[str] = list(_NAMES["types"])
REJECT_REASONS: list[str] = list(_NAMES["reject_reasons"])
ANOMALIES: list[str] = list(_NAMES["anomalies"])
KILL_TRIGGERS: list[str] = list(_NAMES["kill_triggers"])
ORDER_STATES: list[str] = list(_NAMES["order_states"])
KILL_STATES: list[str] = list(_NAMES["kill_states"])
ORDER_TYPES: dict[int, str] = dict(_NAMES["order_types"])
TIME_IN_FORCE: dict[int, str] = dict(_NAMES["time_in_force"])
KILL_STEPS: dict[int, str] = dict(_NAMES["kill_steps"])

_TYPE = {name: code for code, name in enumerate(TYPE_NAMES)}
_KILL_TYPES = {_TYPE["kill_switch"], _TYPE["kill_step"], _TYPE["resume_refused"]}
#: Types whose ref_id is another client order id (the order a cancel or
#: replace was about, or the new id of a replace).
_REF_IS_ORDER = {_TYPE[t] for t in ("risk_reject", "replace_requested", "replaced", "replace_rejected")}
_PRICE_SCALE = 10_000

Paths = Sequence[str | PathLike[str]]


def _name(table: Sequence[str], value: int) -> str:
    return table[value] if 0 <= value < len(table) else f"unknown({value})"


def format_price(raw: int) -> str:
    """A 1e-4 fixed-point value as a decimal with four places, exactly (no float)."""
    sign = "-" if raw < 0 else ""
    whole, frac = divmod(abs(int(raw)), _PRICE_SCALE)
    return f"{sign}{whole}.{frac:04d}"


def format_time(ns: int) -> str:
    """UNIX nanoseconds as ISO-8601 UTC with nanoseconds: 2026-01-02T03:04:05.123456789Z."""
    secs, frac = divmod(int(ns), 1_000_000_000)
    base = dt.datetime.fromtimestamp(secs, tz=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{base}.{frac:09d}Z"


_ISO = re.compile(
    r"^(?P<base>\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?)"
    r"(?:\.(?P<frac>\d{1,9}))?"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?$"
)


def parse_time(text: str) -> int:
    """UNIX nanoseconds from an integer (ns since the epoch) or an ISO-8601 time.

    ISO times may carry up to nine fractional digits and a zone (``Z``,
    ``+02:00``); without a zone they are UTC, like the times the reader prints.
    Raises ValueError naming the text when it is neither.
    """
    s = text.strip()
    if re.fullmatch(r"-?\d+", s):
        return int(s)
    m = _ISO.match(s)
    if not m:
        raise ValueError(f"'{text}' is neither UNIX nanoseconds nor an ISO-8601 time")
    tz = m["tz"] or "+00:00"
    if tz == "Z":
        tz = "+00:00"
    elif ":" not in tz:
        tz = f"{tz[:3]}:{tz[3:]}"
    base = m["base"].replace(" ", "T")
    if "T" not in base:
        base += "T00:00:00"
    elif base.count(":") == 1:
        base += ":00"
    try:
        when = dt.datetime.fromisoformat(base + tz)
    except ValueError as e:
        raise ValueError(f"'{text}' is not a valid ISO-8601 time ({e})") from e
    frac = int((m["frac"] or "0").ljust(9, "0"))
    return int(when.timestamp()) * 1_000_000_000 + frac


@dataclass(frozen=True)
class AuditEntry:
    """One decoded audit record. Raw values are kept beside the names."""

    seq: int
    type: str
    wall_ns: int
    tsc: int
    order_id: int
    ref_id: int
    side: str | None  #: "buy", "sell" or None
    symbol: int
    price_raw: int  #: 1e-4 units (a price, or money for kill-switch records)
    qty: int
    state: str | None  #: order state, or kill-switch state for kill records
    reason: str | None  #: reject reason, anomaly or kill trigger, by type
    detail: str | None  #: order type/time in force of a submit, step of a kill step
    flags: int
    type_code: int
    reason_code: int

    @property
    def time(self) -> str:
        return format_time(self.wall_ns)

    @property
    def price(self) -> str:
        return format_price(self.price_raw)

    @property
    def written_by_writer(self) -> bool:
        """A note the writer thread added (ring overflow), not a hot-path decision."""
        return self.seq == WRITER_SEQ

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly: the price as a decimal string, the time in ISO-8601 and ns."""
        d = asdict(self)
        d["time"] = self.time
        d["price"] = self.price
        return d


def decode(rec: Any) -> AuditEntry:
    """An AuditEntry from one element of a RECORD_DTYPE array."""
    type_code = int(rec["type"])
    reason = int(rec["reason"])
    state_code = int(rec["state"])
    side_code = int(rec["side"])
    qty = int(rec["qty"])
    type_name = _name(TYPE_NAMES, type_code)

    state: str | None = None
    reason_name: str | None = None
    detail: str | None = None
    if type_code in _KILL_TYPES:
        state = _name(KILL_STATES, state_code)
        reason_name = _name(KILL_TRIGGERS, reason)
        if type_name == "kill_step":
            detail = KILL_STEPS.get(qty, f"step {qty}")
    else:
        state = _name(ORDER_STATES, state_code) if state_code else None
        if type_name == "risk_reject":
            reason_name = _name(REJECT_REASONS, reason)
        elif type_name == "exec_anomaly":
            reason_name = _name(ANOMALIES, reason)
        elif type_name == "order_submitted":
            detail = f"{ORDER_TYPES.get(reason >> 8, '?')} {TIME_IN_FORCE.get(reason & 0xFF, '?')}"
        elif reason:
            reason_name = str(reason)  # a venue's reason code
    return AuditEntry(
        seq=int(rec["seq"]),
        type=type_name,
        wall_ns=int(rec["wall_ns"]),
        tsc=int(rec["tsc"]),
        order_id=int(rec["order_id"]),
        ref_id=int(rec["ref_id"]),
        side={ord("B"): "buy", ord("S"): "sell"}.get(side_code),
        symbol=int(rec["symbol"]),
        price_raw=int(rec["price"]),
        qty=qty,
        state=state,
        reason=reason_name,
        detail=detail,
        flags=int(rec["flags"]),
        type_code=type_code,
        reason_code=reason,
    )


@dataclass(frozen=True)
class CorruptRecord:
    file: str
    offset: int


@dataclass(frozen=True)
class TornTail:
    file: str
    offset: int
    bytes: int


@dataclass(frozen=True)
class SeqGap:
    file: str
    offset: int
    after_seq: int
    missing: int


@dataclass(frozen=True)
class BadSegment:
    file: str
    reason: str


@dataclass(frozen=True)
class SegmentInfo:
    file: str
    records: int
    segment_index: int
    first_seq: int
    created_wall_ns: int
    tsc_hz: float
    instance: str


@dataclass
class AuditReport:
    """What reading found. Totals are exact; the lists keep the first 1000 of each."""

    records: int = 0
    corrupt_records: int = 0
    torn_tail_bytes: int = 0
    missing_records: int = 0
    out_of_order: int = 0
    runs: int = 0
    ring_dropped: int = 0
    corrupt: list[CorruptRecord] = field(default_factory=list)
    torn: list[TornTail] = field(default_factory=list)
    gaps: list[SeqGap] = field(default_factory=list)
    bad_segments: list[BadSegment] = field(default_factory=list)
    segments: list[SegmentInfo] = field(default_factory=list)

    @property
    def damaged(self) -> bool:
        """Corrupt records, a torn tail or an unreadable segment (gaps alone are not damage)."""
        return bool(self.corrupt_records or self.torn_tail_bytes or self.torn or self.bad_segments)

    @classmethod
    def from_native(cls, d: dict[str, Any]) -> AuditReport:
        return cls(
            records=d["records"],
            corrupt_records=d["corrupt_records"],
            torn_tail_bytes=d["torn_tail_bytes"],
            missing_records=d["missing_records"],
            out_of_order=d["out_of_order"],
            runs=d["runs"],
            ring_dropped=d["ring_dropped"],
            corrupt=[CorruptRecord(**c) for c in d["corrupt"]],
            torn=[TornTail(**t) for t in d["torn"]],
            gaps=[SeqGap(**g) for g in d["gaps"]],
            bad_segments=[BadSegment(**b) for b in d["bad_segments"]],
            segments=[
                SegmentInfo(
                    file=s["file"],
                    records=s["records"],
                    segment_index=s["segment_index"],
                    first_seq=s["first_seq"],
                    created_wall_ns=s["created_wall_ns"],
                    tsc_hz=s["tsc_hz"],
                    instance=s["instance"],
                )
                for s in d["segments"]
            ],
        )

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "damaged": self.damaged}


@dataclass
class AuditRead:
    """Result of :func:`read`: the matching entries, their raw records, the report."""

    entries: list[AuditEntry]
    records: np.ndarray  #: RECORD_DTYPE array of the matching records
    report: AuditReport


def _paths(paths: Paths) -> list[str]:
    out = [str(p) for p in paths]
    if not out:
        raise ValueError("no audit log paths given")
    return out


def select(records: np.ndarray, since: int | None = None, order: int | None = None) -> np.ndarray:
    """Records at or after ``since`` (UNIX ns) that concern client order id ``order``.

    An order matches its own records and those that name it in ref_id: a risk
    reject of a cancel/replace for it, and the replace that succeeds it.
    """
    keep = np.ones(len(records), dtype=bool)
    if since is not None:
        keep &= records["wall_ns"] >= since
    if order is not None:
        ref_is_order = np.isin(records["type"], list(_REF_IS_ORDER))
        keep &= (records["order_id"] == order) | (ref_is_order & (records["ref_id"] == order))
    return records[keep]


def read(paths: Paths, since: int | None = None, order: int | None = None) -> AuditRead:
    """Reads segment files, directories or configured log paths to the end.

    Only records whose CRC matches are returned; damage is in the report.
    Raises FileNotFoundError when a path names no file or segments.
    """
    records, report = _native.read(_paths(paths))
    chosen = select(records, since, order)
    return AuditRead(
        entries=[decode(r) for r in chosen], records=chosen, report=AuditReport.from_native(report)
    )


class Follower:
    """Reads a live log incrementally: each :meth:`poll` returns what is new.

    A partial record at the end of the newest segment (the writer may be in
    the middle of it) is left for a later poll rather than called torn.
    """

    def __init__(self, paths: Paths, since: int | None = None, order: int | None = None) -> None:
        self._reader = _native.Reader(_paths(paths))
        self._since = since
        self._order = order

    def poll(self) -> list[AuditEntry]:
        return [decode(r) for r in select(self._reader.read(False), self._since, self._order)]

    @property
    def report(self) -> AuditReport:
        return AuditReport.from_native(self._reader.report)

    @property
    def files(self) -> list[str]:
        return list(self._reader.files)


def follow(
    paths: Paths,
    since: int | None = None,
    order: int | None = None,
    poll_interval: float = 0.2,
    stop: Callable[[], bool] | None = None,
) -> Iterator[AuditEntry]:
    """Yields every matching entry, existing ones first, then new ones as they are written.

    Polls every ``poll_interval`` seconds until ``stop()`` returns true (forever
    without ``stop``); new segments of a rotating log are picked up.
    """
    follower = Follower(paths, since, order)
    while True:
        yield from follower.poll()
        if stop is not None and stop():
            return
        time.sleep(poll_interval)
