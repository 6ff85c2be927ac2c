"""``hft start``: the start-up runbook (preflight, venue, engine) with progress."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from hft import launch
from hft.cli_support import ExitCode, console, emit_json, err_console

STEPS = {"preflight": "preflight checks", "venue": "venue simulator", "engine": "engine (logon to the venue)"}


@click.command()
@click.option(
    "--config",
    "config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=Path("/etc/hft/system_config.json"),
    show_default=True,
    help="Engine configuration.",
)
@click.option(
    "--venue",
    "venue_config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Also start the venue simulator with this configuration, before the engine.",
)
@click.option(
    "--shm-dir", type=click.Path(file_okay=False, path_type=Path), default=None, envvar="HFT_SHM_DIR"
)
@click.option("--skip-preflight", is_flag=True, help="Start without the preflight checks.")
@click.option(
    "--timeout", type=float, default=30.0, show_default=True, help="Seconds each daemon has to get healthy."
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def start(
    config: Path,
    venue_config: Path | None,
    shm_dir: Path | None,
    skip_preflight: bool,
    timeout: float,
    as_json: bool,
) -> None:
    """Run the start-up runbook: preflight, the venue if --venue is given,
    then the engine, each in the background; wait until the engine's
    heartbeat is fresh and it is logged on to the venue. Exit 1 when
    preflight fails, 3 when a daemon does not come up (its log is named)."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err_console,
        disable=as_json or not err_console.is_terminal,
    ) as bar:
        task = bar.add_task("starting", total=None)

        def step(name: str) -> None:
            bar.update(task, description=STEPS.get(name, name))

        try:
            result = launch.start(config, venue_config, shm_dir, skip_preflight, timeout, step)
        except launch.StartError as e:
            if as_json:
                emit_json(
                    {"ok": False, "step": e.step, "error": str(e), "log": str(e.log) if e.log else None}
                )
            else:
                err_console.print(f"[red]hft start failed[/red] at {e}", highlight=False)
            sys.exit(ExitCode.CHECK_FAILED if e.step == "preflight" else ExitCode.RUNTIME)
    if as_json:
        emit_json({"ok": True, **result.to_dict()})
        return
    for note in result.notes:
        console.print(f"[yellow]warning[/yellow] {note}", highlight=False)
    if result.venue:
        v = result.venue
        console.print(
            f"venue  '{v.instance}' running (pid {v.pid}) in {v.started_s:.1f} s; output in {v.log}"
        )
    e = result.engine
    console.print(f"engine '{e.instance}' trading (pid {e.pid}) in {e.started_s:.1f} s; output in {e.log}")
    console.print(f"watch it with: hft status --instance {e.instance} --watch", highlight=False)
