"""The ``hft`` command line: configuration, clock and (as the engine grows) control.

Exit codes: 0 success, 1 a check failed (invalid configuration, unusable
clock), 2 usage error, 3 runtime failure.
"""

from __future__ import annotations

import json
import sys
from enum import IntEnum
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from hft import __version__
from hft import clock as clock_mod
from hft import config as config_mod
from hft._core import build_description


class ExitCode(IntEnum):
    OK = 0
    CHECK_FAILED = 1
    USAGE = 2
    RUNTIME = 3


console = Console()
err_console = Console(stderr=True)


def _emit_json(payload: Any) -> None:
    click.echo(json.dumps(payload, indent=2, sort_keys=False))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="hft")
def cli() -> None:
    """Control plane of the hft low-latency trading engine."""


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def version(as_json: bool) -> None:
    """Print the package version and how the native core was built."""
    info = {"version": __version__, "build": build_description(), "python": sys.version.split()[0]}
    if as_json:
        _emit_json(info)
    else:
        click.echo(f"hft {info['version']} ({info['build']}; Python {info['python']})")


@cli.group()
def config() -> None:
    """Check, render and describe configuration files (JSON or YAML)."""


@config.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--kind", type=click.Choice(config_mod.KINDS), help="Schema to use (default: from the content)."
)
@click.option(
    "--cpu-count", type=click.IntRange(min=1), default=None, help="Check cores against this many CPUs."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def config_check(files: tuple[Path, ...], kind: str | None, cpu_count: int | None, as_json: bool) -> None:
    """Validate configuration FILES; a system file's symbols_file is checked too.

    Exits 1 when any file is invalid, naming file, key path, rule and value.
    """
    results = [config_mod.check_file(f, kind, cpu_count or 0) for f in files]
    ok = all(r.ok for r in results)
    if as_json:
        _emit_json({"ok": ok, "files": [r.to_dict() for r in results]})
    else:
        for r in results:
            if r.ok:
                console.print(f"[green]valid[/green]  {r.file} ({r.kind})")
            else:
                _print_issues(r)
    sys.exit(ExitCode.OK if ok else ExitCode.CHECK_FAILED)


def _print_issues(result: config_mod.CheckResult) -> None:
    # One line per problem, in the same shape the daemons print, so a line can
    # be pasted into a ticket or grepped from a log.
    err_console.print(f"[red]invalid[/red] {result.file}: {len(result.errors)} problem(s)")
    for e in result.errors:
        err_console.print(f"  {e}", markup=False, highlight=False, soft_wrap=True)


@config.command("render")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here, not stdout."
)
def config_render(file: Path, output: Path | None) -> None:
    """Print FILE validated, with defaults filled in and symbols inlined.

    The result is one JSON file the daemons read directly (hft_system --config).
    """
    result = config_mod.check_file(file, "system")
    if not result.ok:
        _print_issues(result)
        sys.exit(ExitCode.CHECK_FAILED)
    text = json.dumps(result.normalized, indent=2) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
        err_console.print(f"wrote {output}")
    else:
        click.echo(text, nl=False)


@config.command("schema")
@click.argument("kind", type=click.Choice(config_mod.KINDS), default="system")
def config_schema(kind: str) -> None:
    """Print the JSON Schema of KIND (system or symbols), for editors and docs."""
    _emit_json(config_mod.json_schema(kind))


@cli.command()
@click.option(
    "--window-ms",
    type=click.FloatRange(min=1.0),
    default=50.0,
    show_default=True,
    help="Length of each calibration interval.",
)
@click.option(
    "--samples",
    type=click.IntRange(min=1, max=100),
    default=5,
    show_default=True,
    help="Calibrations to take; the median is reported.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def clock(window_ms: float, samples: int, as_json: bool) -> None:
    """Calibrate the TSC against CLOCK_MONOTONIC_RAW and check the conversion.

    Exits 1 when the TSC is not invariant or ticks-to-ns is off by 0.1 % or more.
    """
    if as_json:
        report = clock_mod.calibrate(window_ms, samples)
        _emit_json(report.to_dict())
    else:
        with Progress(
            TextColumn("calibrating TSC"),
            BarColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
        ) as progress:
            task = progress.add_task("calibrate", total=samples + 1)
            report = clock_mod.calibrate(
                window_ms,
                samples,
                progress=lambda done, total: progress.update(task, completed=done, total=total),
            )
        _print_clock(report)
    sys.exit(ExitCode.OK if report.ok else ExitCode.CHECK_FAILED)


def _print_clock(r: clock_mod.ClockReport) -> None:
    table = Table(title="TSC calibration", title_justify="left", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    table.add_row("TSC rate", f"{r.tsc_mhz:.3f} MHz")
    table.add_row("uncertainty", f"{r.uncertainty_ppm:.2f} ppm over {r.window_ms:.1f} ms")
    table.add_row("spread over samples", f"{r.rate_spread_ppm:.2f} ppm ({r.samples} samples)")
    table.add_row("ticks to ns error", f"{r.conversion_error_ppm:+.2f} ppm (limit 1000 ppm)")
    nominal = (
        "not reported by CPUID"
        if r.nominal_mhz is None
        else (f"{r.nominal_mhz:.3f} MHz ({r.nominal_error_ppm:+.0f} ppm from measured)")
    )
    table.add_row("nominal rate", nominal)
    table.add_row("invariant TSC", "yes" if r.invariant_tsc else "[red]NO[/red]")
    table.add_row("rdtscp", "yes" if r.has_rdtscp else "no")
    console.print(table)
    console.print(
        "[green]clock usable[/green]" if r.ok else "[red]clock NOT usable for latency measurement[/red]"
    )


def main() -> None:
    """Entry point of the ``hft`` console script."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        err_console.print("aborted")
        sys.exit(ExitCode.RUNTIME)
    except click.ClickException as exc:
        exc.show()
        sys.exit(ExitCode.USAGE)
    except OSError as exc:
        err_console.print(f"hft: {exc}")
        sys.exit(ExitCode.RUNTIME)


if __name__ == "__main__":
    main()
