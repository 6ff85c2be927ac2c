"""``hft venue start|status|stop``: the venue simulator as a background process."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import click

from hft import launch
from hft.cli_support import ExitCode, console, emit_json, err_console
from hft.control import ControlClient, NoEngineError

VENUE_COUNTERS = ("venue.events", "feed.messages", "feed.packets", "feed.retransmitted", "flow.inputs")


@click.group()
def venue() -> None:
    """The venue simulator: matching engine, ITCH feed, FIX order entry."""


def _instance_of(config: Path) -> str:
    try:
        return str(json.loads(config.read_text()).get("name", "venue"))
    except (OSError, ValueError) as e:
        raise click.UsageError(f"cannot read {config}: {e}") from e


@venue.command("start")
@click.option(
    "--config",
    "config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="Venue configuration (config/venue.json).",
)
@click.option("--log", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Its output file.")
@click.option("--shm-dir", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option("--wait", type=float, default=10.0, show_default=True, help="Seconds to wait for it to listen.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
def venue_start(config: Path, log: Path | None, shm_dir: Path | None, wait: float, as_json: bool) -> None:
    """Start hft_venue in the background and wait until it listens."""
    instance = _instance_of(config)
    try:
        started = launch.start_venue(config, shm_dir, wait, log)
    except launch.StartError as e:
        err_console.print(f"hft venue start: {e}")
        sys.exit(ExitCode.RUNTIME)
    summary = {"instance": instance, "pid": started.pid, "log": started.log, "state": "running"}
    if as_json:
        emit_json(summary)
    else:
        console.print(f"venue '{instance}' running (pid {started.pid}); output in {started.log}")


def _status(instance: str, shm_dir: Path | None) -> dict[str, Any]:
    client = ControlClient.attach(instance, shm_dir)
    status = client.status()
    counters = client.counters()
    return {
        **status.to_dict(),
        "counters": {name: counters.get(name, 0) for name in VENUE_COUNTERS},
    }


@venue.command("status")
@click.option("--name", "instance", default="venue", show_default=True, help="The venue's `name`.")
@click.option("--shm-dir", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def venue_status(instance: str, shm_dir: Path | None, as_json: bool) -> None:
    """State, heartbeat and counters of a running venue."""
    try:
        s = _status(instance, shm_dir)
    except NoEngineError as e:
        if as_json:
            emit_json({"ok": False, "error": "no_venue", "message": str(e)})
        else:
            err_console.print(f"hft venue status: {e}")
        sys.exit(ExitCode.RUNTIME)
    if as_json:
        emit_json(s)
    else:
        age_ms = s["heartbeat_age_s"] * 1e3
        console.print(f"venue '{instance}' {s['state']} (pid {s['pid']}), heartbeat {age_ms:.1f} ms ago")
        for name, value in s["counters"].items():
            console.print(f"  {name:<20} {value:>14,}")
    sys.exit(ExitCode.CHECK_FAILED if s["stale"] else ExitCode.OK)


@venue.command("stop")
@click.option("--name", "instance", default="venue", show_default=True, help="The venue's `name`.")
@click.option("--shm-dir", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option("--timeout", type=float, default=10.0, show_default=True, help="Seconds to wait for the exit.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def venue_stop(instance: str, shm_dir: Path | None, timeout: float, as_json: bool) -> None:
    """Close the venue's day (sessions logged out, end of session sent) and wait for it to exit."""
    try:
        client = ControlClient.attach(instance, shm_dir)
    except NoEngineError as e:
        err_console.print(f"hft venue stop: {e}")
        sys.exit(ExitCode.RUNTIME)
    pid = client.pid
    ack = client.stop(reason="hft venue stop", timeout_s=min(timeout, 2.0))
    deadline = time.monotonic() + timeout
    stopped = launch.wait_exit(pid, max(0.0, deadline - time.monotonic()))
    if as_json:
        emit_json({"instance": instance, "pid": pid, "ack": ack.to_dict(), "stopped": stopped})
    elif stopped:
        console.print(f"venue '{instance}' stopped")
    else:
        err_console.print(f"hft venue stop: pid {pid} still running after {timeout:g} s")
    sys.exit(ExitCode.OK if stopped else ExitCode.RUNTIME)
