"""``hft status``, ``hft kill``, ``hft resume``, ``hft stop``: a running engine through its control block.

Exit codes: 0 done (acknowledged; for status: engine healthy), 1 the engine
answered but refused, or its heartbeat is stale, 2 usage error, 3 no engine
under that name or no acknowledgement in time.
"""

from __future__ import annotations

import sys
import time
from datetime import datetime, timezone
from typing import Any

import click
from rich.console import Group
from rich.live import Live
from rich.table import Table

from hft import control as control_mod
from hft.cli_support import ExitCode, console, emit_json, err_console

_instance_option = click.option(
    "--instance",
    default=control_mod.DEFAULT_INSTANCE,
    show_default=True,
    envvar="HFT_INSTANCE",
    help="Engine instance (instance.name in its configuration).",
)
_shm_option = click.option(
    "--shm-dir",
    default=None,
    envvar="HFT_SHM_DIR",
    help="Directory of control blocks (default /dev/shm).",
)
_json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")
_timeout_option = click.option(
    "--timeout",
    type=click.FloatRange(min=0.001),
    default=1.0,
    show_default=True,
    help="Seconds to wait for the engine's acknowledgement.",
)


def _attach(instance: str, shm_dir: str | None, stale_s: float, as_json: bool) -> control_mod.ControlClient:
    try:
        return control_mod.ControlClient.attach(instance, shm_dir, stale_after_s=stale_s)
    except control_mod.NoEngineError as e:
        _fail(ExitCode.RUNTIME, str(e), as_json, error="no_engine")
    except control_mod.ControlError as e:
        _fail(ExitCode.RUNTIME, str(e), as_json, error="control_block")
    raise AssertionError("unreachable")


def _fail(code: ExitCode, message: str, as_json: bool, **extra: Any) -> None:
    if as_json:
        emit_json({"ok": False, "message": message, **extra})
    else:
        err_console.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    sys.exit(code)


def _stale_message(s: control_mod.EngineStatus) -> str:
    if not s.owner_alive:
        return f"engine '{s.instance}' (pid {s.pid}) is gone; its control block {s.path} is stale"
    return f"engine '{s.instance}' (pid {s.pid}) heartbeat is stale: last beat {s.heartbeat_age_s:.3f} s ago"


# ---- status ---------------------------------------------------------------------


def _fmt_ns(ns: int) -> str:
    if ns >= 1_000_000:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1_000:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns} ns"


def _status_tables(snap: control_mod.Snapshot) -> Group:
    s = snap.status
    colour = {"running": "green", "reducing": "yellow", "halted": "red"}.get(s.state, "cyan")
    head = Table(title=f"engine {s.instance}", title_justify="left", show_header=False)
    head.add_column("what")
    head.add_column("value")
    head.add_row("state", f"[{colour}]{s.state}[/{colour}]" + (f" ({s.reason})" if s.reason else ""))
    if s.exit_reason != "none":
        head.add_row("exit reason", s.exit_reason)
    beat = f"{s.heartbeat_age_s * 1e3:.1f} ms ago"
    head.add_row("heartbeat", f"[red]{beat} STALE[/red]" if s.stale else beat)
    head.add_row("pid", f"{s.pid}" + ("" if s.owner_alive else " [red](not running)[/red]"))
    started = datetime.fromtimestamp(s.started_wall_ns / 1e9, tz=timezone.utc)
    head.add_row("started", started.isoformat(timespec="seconds"))
    head.add_row("loop iterations", f"{s.loops:,}")
    head.add_row("commands acked", str(s.commands_acked))

    counters = Table(title="counters", title_justify="left")
    counters.add_column("counter")
    counters.add_column("value", justify="right")
    for name, value in snap.counters.items():
        if value or not name.startswith("reject."):
            counters.add_row(name, f"{value:,}")

    latency = Table(title="latency", title_justify="left")
    for col in ("stage", "count", "p50", "p99", "p99.9", "max"):
        latency.add_column(col, justify="left" if col == "stage" else "right")
    for p in snap.latency:
        latency.add_row(
            p.stage,
            f"{p.count:,}",
            _fmt_ns(p.p50_ns),
            _fmt_ns(p.p99_ns),
            _fmt_ns(p.p999_ns),
            _fmt_ns(p.max_ns),
        )

    positions = Table(title="positions and PnL", title_justify="left")
    for col in ("symbol", "net", "avg cost", "mark", "realized", "unrealized", "fees"):
        positions.add_column(col, justify="left" if col == "symbol" else "right")
    for p in snap.positions:
        if p.net or p.realized or p.unrealized or p.fees:
            positions.add_row(
                p.symbol,
                f"{p.net:,}",
                f"{p.average_cost:.4f}",
                f"{p.mark:.4f}",
                f"{p.realized:,.2f}",
                f"{p.unrealized:,.2f}",
                f"{p.fees:,.2f}",
            )
    t = snap.totals
    positions.add_row(
        "[bold]firm[/bold]",
        f"{t.net_position:,}",
        "",
        "",
        f"{t.realized:,.2f}",
        f"{t.unrealized:,.2f}",
        f"{t.fees:,.2f}",
    )
    positions.caption = f"PnL {t.pnl:,.2f}, gross position {t.gross_position:,}"
    return Group(head, counters, latency, positions)


@click.command()
@_instance_option
@_shm_option
@_json_option
@click.option("--watch", is_flag=True, help="Refresh a live table until Ctrl-C.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.05),
    default=1.0,
    show_default=True,
    help="Seconds between refreshes.",
)
@click.option(
    "--stale-after",
    type=click.FloatRange(min=0.0),
    default=control_mod.DEFAULT_STALE_AFTER_S,
    show_default=True,
    help="Seconds without a heartbeat before the engine counts as stale.",
)
def status(
    instance: str, shm_dir: str | None, as_json: bool, watch: bool, interval: float, stale_after: float
) -> None:
    """State, heartbeat, counters, positions/PnL and latency percentiles of a running engine.

    Exits 0 when the engine is healthy, 1 when its heartbeat is stale, 3 when
    no engine runs under that name.
    """
    client = _attach(instance, shm_dir, stale_after, as_json)
    if watch and not as_json:
        try:
            with Live(_status_tables(client.snapshot()), console=console, refresh_per_second=4) as live:
                while True:
                    time.sleep(interval)
                    live.update(_status_tables(client.snapshot()))
        except KeyboardInterrupt:
            pass
        sys.exit(ExitCode.OK)
    while True:
        snap = client.snapshot()
        if as_json:
            emit_json(snap.to_dict())
        else:
            console.print(_status_tables(snap))
            if snap.status.stale:
                err_console.print(f"[red]{_stale_message(snap.status)}[/red]", highlight=False)
        if not watch:
            break
        sys.stdout.flush()
        try:
            time.sleep(interval)
        except KeyboardInterrupt:
            break
    sys.exit(ExitCode.CHECK_FAILED if snap.status.stale else ExitCode.OK)


# ---- commands -------------------------------------------------------------------


def _report(
    ack: control_mod.CommandAck, client: control_mod.ControlClient, as_json: bool, timeout: float
) -> None:
    st = client.status()
    if as_json:
        emit_json({**ack.to_dict(), "instance": client.instance, "stale": st.stale})
    elif ack.ok:
        console.print(
            f"[green]{ack.command} acknowledged[/green] (seq {ack.seq}) in {ack.round_trip_us:.1f} µs: "
            f"engine {client.instance} is now {ack.state_after}",
            highlight=False,
        )
    elif ack.acknowledged:
        why = f": {ack.blocking} still holds" if ack.blocking else ""
        err_console.print(
            f"[yellow]{ack.command} {ack.result}[/yellow] by the engine (seq {ack.seq}){why}", highlight=False
        )
    else:
        why = {
            "timeout": f"the engine took it but did not answer within {timeout} s",
            "not_delivered": f"the engine did not pick it up within {timeout} s; it was withdrawn",
            "no_engine": "the engine process is gone",
            "read_only": "the control block is not writable by this user",
        }.get(ack.status, ack.status)
        if ack.command == "kill" and ack.status == "timeout":
            why += " (the kill stays posted and applies as soon as the engine polls)"
        err_console.print(
            f"[red]{ack.command} NOT acknowledged:[/red] {why}", highlight=False, soft_wrap=True
        )
        if st.stale:
            err_console.print(f"[red]{_stale_message(st)}[/red]", highlight=False)
    if ack.ok:
        sys.exit(ExitCode.OK)
    sys.exit(ExitCode.CHECK_FAILED if ack.acknowledged else ExitCode.RUNTIME)


@click.command()
@_instance_option
@_shm_option
@click.option(
    "--level",
    type=click.Choice(control_mod.KILL_LEVELS),
    default="halt",
    show_default=True,
    help="Kill switch level.",
)
@click.option(
    "--reason", default="manual kill (hft kill)", show_default=True, help="Recorded with the state."
)
@_timeout_option
@_json_option
def kill(instance: str, shm_dir: str | None, level: str, reason: str, timeout: float, as_json: bool) -> None:
    """Trip the kill switch: halt (nothing leaves) or reduce (only reducing orders).

    Exits 0 when acknowledged, 3 when no engine runs or it did not acknowledge in time.
    """
    client = _attach(instance, shm_dir, control_mod.DEFAULT_STALE_AFTER_S, as_json)
    _report(client.kill(level, reason, timeout), client, as_json, timeout)


@click.command()
@_instance_option
@_shm_option
@click.option(
    "--reason", default="manual resume (hft resume)", show_default=True, help="Recorded with the state."
)
@_timeout_option
@_json_option
def resume(instance: str, shm_dir: str | None, reason: str, timeout: float, as_json: bool) -> None:
    """Resume trading after a kill (refused, exit 1, while a trigger still holds)."""
    client = _attach(instance, shm_dir, control_mod.DEFAULT_STALE_AFTER_S, as_json)
    _report(client.resume(reason, timeout), client, as_json, timeout)


@click.command()
@_instance_option
@_shm_option
@click.option(
    "--reason", default="manual stop (hft stop)", show_default=True, help="Recorded with the state."
)
@_timeout_option
@_json_option
def stop(instance: str, shm_dir: str | None, reason: str, timeout: float, as_json: bool) -> None:
    """Stop the engine gracefully: cancel open orders, flush the audit log, exit."""
    client = _attach(instance, shm_dir, control_mod.DEFAULT_STALE_AFTER_S, as_json)
    _report(client.stop(reason, timeout), client, as_json, timeout)
