"""``hft preflight``: the start-up runbook's checks, as a table or JSON."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.table import Table

from hft import runbook
from hft.cli_support import ExitCode, console, emit_json, err_console

STYLE = {runbook.PASS: "green", runbook.WARN: "yellow", runbook.FAIL: "bold red"}


@click.command()
@click.option(
    "--config",
    "config",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("/etc/hft/system_config.json"),
    show_default=True,
    help="Engine configuration to check against.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON.")
def preflight(config: Path, as_json: bool) -> None:
    """Check what starting the engine needs: TSC, CPU tuning, hugepages, devices,
    IRQs, configuration, venue, audit path and disk. Exit 1 when a check fails
    (warnings pass: a VM lacks some tuning)."""
    if not config.exists():
        err_console.print(f"hft preflight: {config} does not exist (--config FILE)")
        sys.exit(ExitCode.USAGE)
    with console.status("checking", spinner="dots") if not as_json and console.is_terminal else _null():
        report = runbook.preflight(config)
    if as_json:
        emit_json(report.to_dict())
    else:
        table = Table(title=f"preflight: {config}")
        for column in ("check", "result", "what was seen", "fix"):
            table.add_column(column, overflow="fold")
        for c in report.checks:
            table.add_row(c.name, f"[{STYLE[c.status]}]{c.status}[/]", c.detail, c.fix)
        console.print(table)
    sys.exit(ExitCode.OK if report.ok else ExitCode.CHECK_FAILED)


class _null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None
