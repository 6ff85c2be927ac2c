"""The session report's figures (matplotlib, no pyplot state): one function
per figure, each taking a :class:`hft.report.SessionReport`."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from hft.report import HEADLINE_STAGE, SessionReport, StageLatency

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Rates plotted in the market data panel, the order panel, and at most this
#: many others that moved.
_MARKET_DATA_RATES: tuple[str, ...] = ("packets_in", "messages_in", "book_updates")
_ORDER_RATES: tuple[str, ...] = ("orders_sent", "fills", "rejects", "cancels_sent", "replaces_sent")
_MAX_OTHER_RATES = 6


def format_ns(v: float, _pos: object = None) -> str:
    if v >= 1e6:
        return f"{v / 1e6:.4g} ms"
    if v >= 1e3:
        return f"{v / 1e3:.4g} µs"
    return f"{v:.4g} ns"


def _time_axis(report: SessionReport) -> tuple[float, str]:
    """Divisor and label for times since the start, chosen by session length."""
    d = report.summary.duration_s
    if d >= 3 * 3600:
        return 3600.0, "time since start (h)"
    if d >= 600:
        return 60.0, "time since start (min)"
    return 1.0, "time since start (s)"


def _log_ns_axis(ax: Axes) -> None:
    """Log y axis labelled in ns/µs/ms; 2 and 5 per decade too when the range is narrow."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(format_ns))
    ax.yaxis.set_minor_locator(LogLocator(subs=(2.0, 5.0)))
    lo, hi = ax.get_ylim()
    # Within a decade or two the decades alone leave the axis unlabelled;
    # over more, the 2s and 5s would crowd it.
    narrow = lo > 0 and hi / lo < 300
    ax.yaxis.set_minor_formatter(FuncFormatter(format_ns) if narrow else NullFormatter())


def _empty(ax: Axes, note: str) -> None:
    ax.text(0.5, 0.5, note, ha="center", va="center", transform=ax.transAxes, color="0.4")
    ax.set_xticks([])
    ax.set_yticks([])


def _series(xs: Sequence[float], ys: Sequence[float | None]) -> tuple[np.ndarray, np.ndarray]:
    # None becomes NaN so that a line breaks where an interval had no samples.
    return np.asarray(xs, dtype=float), np.array([np.nan if y is None else y for y in ys], dtype=float)


def _new_figure(width: float, height: float) -> Figure:
    # Figure without pyplot: no global state and no display backend, so
    # reports can be drawn from any thread or a machine with no screen.
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _plot_latency_over_time(report: SessionReport) -> Figure:
    stages = [s for s in report.latency.values() if s.samples]
    others = [s for s in stages if s.stage != HEADLINE_STAGE]
    head = report.latency.get(HEADLINE_STAGE)
    cols = 3
    rows = 1 + math.ceil(len(others) / cols)
    fig = _new_figure(13, 3.6 + 2.6 * (rows - 1))
    grid = fig.add_gridspec(rows, cols, height_ratios=[1.5] + [1] * (rows - 1))
    div, label = _time_axis(report)
    xs = [t / div for t in report.timeline.t_s]
    styles = {"p50": ("-", "p50"), "p99": ("--", "p99"), "p999": (":", "p99.9")}

    def draw(ax: Axes, s: StageLatency, headline: bool) -> None:
        for key, (ls, name) in styles.items():
            x, y = _series(xs, getattr(s, f"{key}_series"))
            ax.plot(
                x, y, ls, marker="." if len(x) < 60 else None, label=name, linewidth=2 if headline else 1.2
            )
        _log_ns_axis(ax)
        ax.grid(True, which="both", alpha=0.3)
        ax.set_title(s.stage, fontweight="bold" if headline else "normal")

    top = fig.add_subplot(grid[0, :])
    if head and head.samples:
        draw(top, head, True)
        top.set_title(f"{HEADLINE_STAGE} (per telemetry interval)", fontweight="bold", color="C3")
        for spine in top.spines.values():
            spine.set_edgecolor("C3")
            spine.set_linewidth(1.5)
        top.legend(loc="upper right")
        top.set_xlabel(label)
    else:
        _empty(top, f"no {HEADLINE_STAGE} samples in this session")
    if not stages:
        return fig
    for i, s in enumerate(others):
        ax = fig.add_subplot(grid[1 + i // cols, i % cols])
        draw(ax, s, False)
        if i == 0:
            ax.legend(loc="upper right", fontsize="small")
    return fig


def _plot_latency_by_stage(report: SessionReport) -> Figure:
    fig = _new_figure(11, 4.5)
    ax = fig.add_subplot()
    stages = [s for s in report.latency.values() if s.samples]
    if not stages:
        _empty(ax, "no latency samples in this session")
        return fig
    x = np.arange(len(stages))
    width = 0.26
    for k, (key, name) in enumerate((("p50", "p50"), ("p99", "p99"), ("p999", "p99.9"))):
        bars = ax.bar(x + (k - 1) * width, [getattr(s, key) or 0 for s in stages], width, label=name)
        for bar, s in zip(bars, stages, strict=True):
            if s.stage == HEADLINE_STAGE:
                bar.set_edgecolor("C3")
                bar.set_linewidth(2)
    ax.set_xticks(x, [s.stage for s in stages])
    for tick, s in zip(ax.get_xticklabels(), stages, strict=True):
        if s.stage == HEADLINE_STAGE:
            tick.set_fontweight("bold")
            tick.set_color("C3")
    _log_ns_axis(ax)
    ax.grid(True, axis="y", which="both", alpha=0.3)
    ax.set_title("latency per stage over the session (estimated from the interval percentiles)")
    ax.legend()
    return fig


def _plot_rates(report: SessionReport) -> Figure:
    from matplotlib.ticker import EngFormatter

    fig = _new_figure(13, 6)
    md_ax, order_ax = fig.subplots(2, 1, sharex=True)
    tl = report.timeline
    div, label = _time_axis(report)
    xs = np.asarray(tl.t_s) / div
    names = [k for k in tl.rates if not k.startswith("reject.")]
    md = [k for k in _MARKET_DATA_RATES if k in names]
    orders = [k for k in _ORDER_RATES if k in names]
    rest = sorted(
        (k for k in names if k not in md and k not in orders), key=lambda k: -max(tl.rates[k], default=0)
    )
    orders += rest[: max(0, _MAX_OTHER_RATES - len(orders))]
    for ax, chosen, title in (
        (md_ax, md, "market data (per second)"),
        (order_ax, orders, "orders (per second)"),
    ):
        ax.set_title(title)
        if not chosen or not len(xs):
            _empty(ax, "no rates in this session")
            continue
        for k in chosen:
            ax.plot(xs, tl.rates[k], label=k, marker="." if len(xs) < 60 else None)
        ax.grid(True, alpha=0.3)
        ax.legend(loc="upper right", fontsize="small")
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(EngFormatter(sep=" "))
    order_ax.set_xlabel(label)
    return fig


def _kill_lines(ax: Axes, report: SessionReport, div: float) -> None:
    seen: set[str] = set()
    tripped_at: float | None = None
    for k in report.kill_events:
        if k.action not in ("trip", "resume"):
            continue
        # Shade from the first trip to the resume, so that halted time shows.
        if k.action == "trip" and tripped_at is None:
            tripped_at = k.t_s
        elif k.action == "resume" and tripped_at is not None:
            ax.axvspan(tripped_at / div, k.t_s / div, color="C3", alpha=0.08, linewidth=0)
            tripped_at = None
        color = "C3" if k.action == "trip" else "C2"
        name = "kill switch trip" if k.action == "trip" else "resume"
        ax.axvline(
            k.t_s / div, color=color, linestyle="--", linewidth=1.2, label=None if name in seen else name
        )
        seen.add(name)
    if tripped_at is not None:
        ax.axvspan(tripped_at / div, report.summary.duration_s / div, color="C3", alpha=0.08, linewidth=0)


def _plot_pnl_positions(report: SessionReport) -> Figure:
    fig = _new_figure(13, 7)
    pnl_ax, pos_ax = fig.subplots(2, 1, sharex=True)
    tl = report.timeline
    div, label = _time_axis(report)
    xs = [t / div for t in tl.t_s]
    pnl_ax.set_title("PnL (dollars)")
    if any(v is not None for v in tl.pnl.get("total", [])):
        for key in ("total", "realized", "unrealized", "fees"):
            x, y = _series(xs, tl.pnl[key])
            pnl_ax.plot(x, y, label=key, linewidth=2 if key == "total" else 1)
        pnl_ax.axhline(0, color="0.5", linewidth=0.8)
        pnl_ax.grid(True, alpha=0.3)
        _kill_lines(pnl_ax, report, div)
        pnl_ax.legend(loc="upper left", fontsize="small")
    elif report.kill_events:
        _kill_lines(pnl_ax, report, div)
        pnl_ax.text(0.5, 0.5, "no PnL in this session", ha="center", transform=pnl_ax.transAxes, color="0.4")
        pnl_ax.set_xlim(0, max(report.summary.duration_s, 1e-9) / div)
        pnl_ax.legend(loc="upper left", fontsize="small")
    else:
        _empty(pnl_ax, "no PnL in this session")
    pos_ax.set_title("net position by symbol")
    if tl.net_position:
        for sym, nets in tl.net_position.items():
            pos_ax.step(xs, nets, where="post", label=sym)
        pos_ax.axhline(0, color="0.5", linewidth=0.8)
        pos_ax.grid(True, alpha=0.3)
        _kill_lines(pos_ax, report, div)
        pos_ax.legend(loc="upper left", fontsize="small", ncol=min(6, len(tl.net_position) + 2))
        pos_ax.set_xlabel(label)
    else:
        _empty(pos_ax, "no positions in this session")
    return fig


def _plot_rejects(report: SessionReport) -> Figure:
    reasons = report.rejects_by_reason
    fig = _new_figure(10, max(2.5, 0.9 + 0.35 * len(reasons)))
    ax = fig.add_subplot()
    if not reasons:
        _empty(ax, "no risk rejects in this session")
        return fig
    names = list(reasons)[::-1]  # largest on top
    from matplotlib.ticker import MaxNLocator

    ax.barh(names, [reasons[n] for n in names], color="C1")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    for i, n in enumerate(names):
        ax.text(reasons[n], i, f" {reasons[n]}", va="center")
    ax.set_xlabel("rejects")
    source = {"audit": "audit log", "counters": "engine counters"}.get(report.rejects_source, "")
    ax.set_title(f"risk rejects by reason (from the {source})")
    ax.grid(True, axis="x", alpha=0.3)
    return fig


PLOTTERS: dict[str, Callable[[SessionReport], Figure]] = {
    "latency_over_time": _plot_latency_over_time,
    "latency_by_stage": _plot_latency_by_stage,
    "rates": _plot_rates,
    "pnl_positions": _plot_pnl_positions,
    "rejects": _plot_rejects,
}
