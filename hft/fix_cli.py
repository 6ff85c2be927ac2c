"""``hft fix accept``: our FIX acceptor as a process any FIX engine can log on to."""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import Any

import click

from hft import fix as fix_mod
from hft.cli_support import ExitCode, err_console


@click.group()
def fix() -> None:
    """FIX 4.4 order-entry sessions."""


def _print_event(event: dict[str, Any], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(event), nl=True)
        sys.stdout.flush()
        return
    detail = event.get("text") or ""
    span = f" {event['begin']}..{event['end']}" if event.get("begin") or event.get("end") else ""
    err_console.print(f"[bold]{event['event']}[/bold]{span} {detail}".rstrip(), highlight=False)


@fix.command("accept")
@click.option(
    "--port", type=click.IntRange(0, 65535), required=True, help="TCP port; 0 lets the kernel pick."
)
@click.option("--host", default="0.0.0.0", show_default=True, help="Address to listen on.")
@click.option("--sender-comp-id", required=True, help="Our CompID (49 on what we send).")
@click.option("--target-comp-id", required=True, help="The initiator's CompID.")
@click.option("--reset-on-logon", is_flag=True, help="Restart both sequence numbers at 1 on every logon.")
@click.option(
    "--store",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Directory of the persistent session store (default: memory only).",
)
@click.option(
    "--heartbeat", type=click.IntRange(0, 3600), default=30, show_default=True, help="HeartBtInt default."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line on stdout for every event.")
def fix_accept(
    port: int,
    host: str,
    sender_comp_id: str,
    target_comp_id: str,
    reset_on_logon: bool,
    store: Path | None,
    heartbeat: int,
    as_json: bool,
) -> None:
    """Accept one FIX 4.4 session until SIGINT/SIGTERM.

    Logon, heartbeats, test requests, sequence numbers, gap detection, resend
    and SequenceReset follow FIX 4.4; application messages get a
    BusinessMessageReject. Prints where it listens, every session event, and a
    summary with the final sequence numbers at exit (after a Logout).
    """
    stop = {"requested": False}

    def request_stop(_signum: int, _frame: FrameType | None) -> None:
        stop["requested"] = True

    previous = {s: signal.signal(s, request_stop) for s in (signal.SIGINT, signal.SIGTERM)}

    def on_listening(bound: int) -> None:
        if as_json:
            _print_event({"event": "listening", "host": host, "port": bound}, True)
        else:
            err_console.print(f"listening on {host}:{bound} as {sender_comp_id} for {target_comp_id}")

    options = fix_mod.AcceptorOptions(
        sender_comp_id=sender_comp_id,
        target_comp_id=target_comp_id,
        port=port,
        host=host,
        reset_on_logon=reset_on_logon,
        store=store,
        heartbeat_interval_s=heartbeat,
    )
    try:
        summary = fix_mod.accept(
            options,
            on_listening=on_listening,
            on_event=lambda e: _print_event(e, as_json),
            should_stop=lambda: stop["requested"],
        )
    except RuntimeError as e:
        err_console.print(f"hft fix accept: {e}")
        sys.exit(ExitCode.RUNTIME)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if as_json:
        _print_event({"event": "summary", **summary}, True)
    else:
        err_console.print(
            f"stopped: next sender seq {summary['next_sender_seq']}, next target seq "
            f"{summary['next_target_seq']}, {summary['counters']['logons']} logon(s)"
        )
