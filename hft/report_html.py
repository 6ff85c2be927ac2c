"""The session report as a page: ``report.html`` with its figures (PNG files
beside it) and ``report.json``."""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from hft.report import FIGURES, HEADLINE_STAGE, SessionReport, to_json
from hft.report_figures import PLOTTERS, format_ns


def _fmt(v: object, unit: str = "") -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        text = f"{v:,.2f}" if abs(v) < 1e6 else f"{v:,.0f}"
    elif isinstance(v, int):
        text = f"{v:,}"
    else:
        text = str(v)
    return html.escape(text + unit)


def _ns(v: float | None) -> str:
    return "—" if v is None else html.escape(format_ns(v))


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _duration(s: float) -> str:
    whole = int(s)
    h, rem = divmod(whole, 3600)
    m, sec = divmod(rem, 60)
    return f"{h:d}:{m:02d}:{sec:02d}" + f"{s - whole:.3f}"[1:]


_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1300px; color: #222; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: 0.6em 0; }
th, td { border: 1px solid #ddd; padding: 3px 10px; text-align: left; }
td { font-variant-numeric: tabular-nums; }
th { background: #f3f3f3; }
.summary td:first-child { font-weight: 600; }
.warn { color: #8a4b00; } .note { color: #555; font-style: italic; }
.headline { color: #b00; font-weight: 600; }
img { max-width: 100%; border: 1px solid #eee; }
"""


def _render_html(report: SessionReport) -> str:
    s = report.summary
    title = f"hft session report: {s.instance or 'engine'}, session {s.session} ({s.start})"
    summary_rows = [
        ("instance", _fmt(s.instance)),
        (
            "session",
            f"{s.session} of {s.sessions_in_log} in the log" + ("" if s.started else " (no starting line)"),
        ),
        ("start / end (UTC)", f"{_fmt(s.start)} / {_fmt(s.end)}"),
        ("duration", _duration(s.duration_s)),
        ("version / layout / transport", f"{_fmt(s.version)} / {_fmt(s.layout)} / {_fmt(s.transport)}"),
        ("messages", _fmt(s.messages)),
        ("orders", _fmt(s.orders)),
        ("fills", _fmt(s.fills)),
        ("rejects", _fmt(s.rejects)),
        ("kill events (trips)", _fmt(s.kill_events)),
        ("final PnL", "—" if s.final_pnl is None else html.escape(f"${s.final_pnl:,.2f}")),
        (
            "tick-to-trade p50 / p99 / p99.9",
            f'<span class="headline">{_ns(s.tick_to_trade_p50)} / {_ns(s.tick_to_trade_p99)} / '
            f"{_ns(s.tick_to_trade_p999)}</span> (max {_ns(s.tick_to_trade_max)})",
        ),
        ("final state", _fmt(s.final_state)),
        ("exit", f"{_fmt(s.exit_reason)} (code {_fmt(s.exit_code)})"),
        ("telemetry snapshots", _fmt(s.telemetry_snapshots)),
        ("errors / malformed lines", f"{s.errors} / {s.malformed_lines}"),
    ]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="note">performance log {html.escape(report.log.path)}'
        + (
            f"; audit log {html.escape(', '.join(report.audit.files) or 'none readable')}"
            if report.audit
            else "; no audit log"
        )
        + "</p>",
        '<h2>Summary</h2><table class="summary"><tbody>',
        *(f"<tr><td>{html.escape(k)}</td><td>{v}</td></tr>" for k, v in summary_rows),
        "</tbody></table>",
    ]
    if report.warnings:
        parts.append(
            "<ul>" + "".join(f'<li class="warn">{html.escape(w)}</li>' for w in report.warnings) + "</ul>"
        )
    if report.notes:
        parts.append(
            "<ul>" + "".join(f'<li class="note">{html.escape(n)}</li>' for n in report.notes) + "</ul>"
        )

    parts.append("<h2>Latency</h2>")
    parts.append(_img("latency_over_time", "latency percentiles over time per stage"))
    parts.append(_img("latency_by_stage", "latency per stage over the session"))
    parts.append(
        _table(
            ("stage", "samples", "p50", "p99", "p99.9", "max"),
            (
                (
                    f'<span class="headline">{html.escape(sl.stage)}</span>'
                    if sl.stage == HEADLINE_STAGE
                    else html.escape(sl.stage),
                    _fmt(sl.samples),
                    _ns(sl.p50),
                    _ns(sl.p99),
                    _ns(sl.p999),
                    _ns(sl.max),
                )
                for sl in report.latency.values()
            ),
        )
        if report.latency
        else '<p class="note">no latency samples in this session</p>'
    )
    parts.append(
        '<p class="note">Session percentiles are estimated from the per-interval percentiles of the log '
        "(mixed by sample count); max is exact.</p>"
    )

    parts.append("<h2>Message rates</h2>")
    parts.append(_img("rates", "message rates over time"))

    parts.append("<h2>PnL and positions</h2>")
    parts.append(_img("pnl_positions", "PnL and net positions over time, kill events as vertical lines"))
    if report.final_positions:
        parts.append(
            _table(
                ("symbol", "net", "realized", "unrealized", "fees"),
                (
                    (html.escape(p.symbol), _fmt(p.net), _fmt(p.realized), _fmt(p.unrealized), _fmt(p.fees))
                    for p in report.final_positions
                ),
            )
        )

    parts.append("<h2>Kill switch</h2>")
    if report.kill_events:
        parts.append(
            _table(
                ("time (UTC)", "t", "action", "state", "trigger", "reason", "step", "value", "source"),
                (
                    (
                        _fmt(k.time),
                        _fmt(k.t_s, " s"),
                        _fmt(k.action),
                        _fmt(k.state),
                        _fmt(k.trigger),
                        _fmt(k.reason),
                        _fmt(k.detail),
                        _fmt(k.value),
                        _fmt(k.source),
                    )
                    for k in report.kill_events
                ),
            )
        )
    else:
        parts.append('<p class="note">no kill-switch events in this session</p>')
    if report.state_changes:
        parts.append("<h3>Engine state changes</h3>")
        parts.append(
            _table(
                ("t", "state", "reason"),
                ((_fmt(c.t_s, " s"), _fmt(c.state), _fmt(c.reason)) for c in report.state_changes),
            )
        )

    parts.append("<h2>Risk rejects</h2>")
    parts.append(_img("rejects", "risk rejects by reason"))
    if report.rejects_by_reason:
        parts.append(
            _table(
                ("reason", "rejects"),
                ((html.escape(r), _fmt(n)) for r, n in report.rejects_by_reason.items()),
            )
        )
        source = {"audit": "audit log", "counters": "engine's reject counters"}.get(report.rejects_source, "")
        parts.append(f'<p class="note">from the {html.escape(source)}</p>')

    if report.errors:
        parts.append(
            "<h2>Errors</h2><ul>" + "".join(f"<li>{html.escape(e)}</li>" for e in report.errors) + "</ul>"
        )
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _img(key: str, alt: str) -> str:
    return f'<p><img src="{FIGURES[key]}" alt="{html.escape(alt)}"></p>'


def write_html(report: SessionReport, out_dir: Path, progress: Callable[[str], None] | None = None) -> Path:
    """Writes ``report.html``, its figures (PNG) and ``report.json`` into ``out_dir``; returns the page.

    The figures are files next to the page, not base64 inside it: the page
    stays small and readable as text, each figure can be attached to a ticket
    on its own, and the folder is still self-contained (relative links, no
    scripts, no network). ``progress`` is called with each step's name.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for key, plot in PLOTTERS.items():
        if progress:
            progress(f"plotting {key}")
        fig = plot(report)
        fig.savefig(out_dir / FIGURES[key], format="png")
    if progress:
        progress("writing report.html")
    (out_dir / "report.json").write_text(json.dumps(to_json(report), indent=2) + "\n", encoding="utf-8")
    page = out_dir / "report.html"
    page.write_text(_render_html(report), encoding="utf-8")
    return page


def default_out_dir(now: dt.datetime | None = None) -> Path:
    """``./hft-report-<UTC time>``, a new folder per run."""
    when = now or dt.datetime.now(dt.timezone.utc)
    return Path(f"hft-report-{when.strftime('%Y%m%dT%H%M%SZ')}")
