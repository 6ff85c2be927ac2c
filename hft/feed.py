"""Market data files: synthetic ITCH 5.0 feeds and (with the books) replay.

The work is native (``hft._core.market_data``), so a 10 M message feed takes
seconds; Python only chooses options and shows progress.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from os import PathLike

from hft._core import market_data as _native

ProgressFn = Callable[[int], None]


@dataclass(frozen=True)
class SynthOptions:
    """What ``hft synth itch`` generates; the same options give the same bytes."""

    seed: int = 1
    messages: int = 1_000_000
    symbols: int = 10
    orders_per_symbol: int = 400


def synthesize(
    options: SynthOptions, out: str | PathLike[str], *, pcap: bool = False, progress: ProgressFn | None = None
) -> None:
    """Writes a synthetic feed to ``out``: binary ITCH (gzip for ``.gz``) or a MoldUDP64 pcap.

    Raises ValueError for impossible options, RuntimeError when the file cannot be written.
    """
    _native.write_synthetic(
        str(out),
        seed=options.seed,
        messages=options.messages,
        symbols=options.symbols,
        orders_per_symbol=options.orders_per_symbol,
        pcap=pcap,
        progress=progress,
    )


def synthetic_ticker(index: int) -> str:
    """Ticker of the instrument with stock locate ``index + 1`` in a synthetic feed."""
    return _native.synthetic_ticker(index)


@dataclass(frozen=True)
class ReplayResult:
    """Books after a replay: price strings with four decimals, levels best first."""

    messages: int
    errors: dict[str, int]
    books: dict[str, dict[str, list[tuple[str, int, int]]]]
    format: str

    def to_dict(self) -> dict[str, object]:
        return {
            "messages": self.messages,
            "errors": self.errors,
            "books": {
                sym: {side: [[p, q, n] for p, q, n in levels] for side, levels in book.items()}
                for sym, book in self.books.items()
            },
        }


def replay(
    path: str | PathLike[str],
    *,
    format: str = "auto",
    depth: int = 10,
    symbol: str | None = None,
    bbo: bool = False,
    order_capacity: int = 1 << 22,
    progress: ProgressFn | None = None,
) -> ReplayResult:
    """Replays ``path`` (binary ITCH, plain or gzip, or a MoldUDP64 pcap) into fresh books.

    ``format`` is ``auto``, ``itch50`` or ``pcap``. With ``bbo`` every top-of-book change is written
    to standard output as a JSON line. ``order_capacity`` sizes the books' shared order store
    (preallocated). Raises RuntimeError for an unreadable or unknown file.
    """
    r = _native.replay(
        str(path),
        format=format,
        depth=depth,
        symbol=symbol or "",
        bbo=bbo,
        order_capacity=order_capacity,
        progress=progress,
    )
    books = {
        sym: {side: [tuple(level) for level in levels] for side, levels in book.items()}
        for sym, book in r["books"].items()
    }
    return ReplayResult(int(r["messages"]), dict(r["errors"]), books, str(r["format"]))
