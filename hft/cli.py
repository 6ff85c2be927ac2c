"""The ``hft`` command line: configuration, clock and (as the engine grows) control.

Exit codes: 0 success, 1 a check failed (invalid configuration, unusable
clock), 2 usage error, 3 runtime failure.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import click
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from hft import __version__
from hft import audit as audit_mod
from hft import clock as clock_mod
from hft import config as config_mod
from hft._core import build_description
from hft.cli_support import ExitCode, console, emit_json, err_console
from hft.control_cli import kill, resume, status, stop
from hft.feed_cli import replay, synth
from hft.fix_cli import fix
from hft.metrics_cli import metrics
from hft.preflight_cli import preflight
from hft.report_cli import report
from hft.start_cli import start
from hft.venue_cli import venue


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
        emit_json(info)
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
        emit_json({"ok": ok, "files": [r.to_dict() for r in results]})
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
    emit_json(config_mod.json_schema(kind))


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
        emit_json(report.to_dict())
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


class _TimeParam(click.ParamType):
    """--since: ISO-8601 time or UNIX nanoseconds."""

    name = "TIME"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        try:
            return audit_mod.parse_time(str(value))
        except ValueError as e:
            self.fail(str(e), param, ctx)


_AUDIT_COLUMNS = (
    f"{'time (UTC)':<30} {'seq':>9} {'type':<17} {'order':>12} {'ref':>20} {'side':<4} {'sym':>5} "
    f"{'qty':>9} {'price':>14}  state / reason"
)


def _audit_line(e: audit_mod.AuditEntry) -> str:
    tail = " ".join(x for x in (e.state, e.reason, e.detail) if x)
    return (
        f"{e.time:<30} {e.seq:>9} {e.type:<17} {e.order_id:>12} {e.ref_id:>20} {e.side or '-':<4} "
        f"{e.symbol:>5} {e.qty:>9} {e.price:>14}  {tail}"
    )


def _audit_summary(report: audit_mod.AuditReport, shown: int) -> str:
    return (
        f"{report.records} records read ({shown} shown) from {len(report.segments)} segment(s), "
        f"{report.runs} run(s): {report.corrupt_records} corrupt, {report.torn_tail_bytes} torn-tail bytes, "
        f"{len(report.bad_segments)} unreadable segment(s), {report.missing_records} missing by seq, "
        f"{report.ring_dropped} dropped by the ring"
    )


def _print_audit_problems(report: audit_mod.AuditReport, limit: int = 20) -> None:
    # Damage goes to stderr, one line each, so stdout stays the records.
    lines: list[str] = []
    lines += [f"[red]unreadable[/red] {b.file}: {b.reason}" for b in report.bad_segments]
    lines += [f"[red]corrupt record[/red] {c.file} at byte {c.offset} (CRC mismatch)" for c in report.corrupt]
    lines += [f"[red]torn tail[/red] {t.file}: {t.bytes} byte(s) at {t.offset}" for t in report.torn]
    lines += [
        f"[yellow]gap[/yellow] {g.file} at byte {g.offset}: "
        f"{g.missing} record(s) missing after seq {g.after_seq}"
        for g in report.gaps
    ]
    for line in lines[:limit]:
        err_console.print(line, highlight=False, soft_wrap=True)
    if len(lines) > limit:
        err_console.print(f"... and {len(lines) - limit} more (see --json)", highlight=False)


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (JSON lines with --follow).")
@click.option("--follow", "-f", is_flag=True, help="Keep reading as the log grows (Ctrl-C to stop).")
@click.option("--since", type=_TimeParam(), help="Only records at or after this time (ISO-8601 or UNIX ns).")
@click.option(
    "--order", "order_id", type=click.IntRange(min=0), help="Only records about this client order id."
)
def audit(
    files: tuple[str, ...], as_json: bool, follow: bool, since: int | None, order_id: int | None
) -> None:
    """Read audit log FILES: segment files, directories or the configured log path.

    Every record's CRC is checked; only intact records are printed. After a
    crash every complete record is recovered and the torn tail is reported.
    Exits 1 when a corrupt record, a torn tail or an unreadable segment was
    found (the good records are still printed), 2 on usage errors and 3 when
    a file cannot be read.
    """
    try:
        if follow:
            report = _audit_follow(files, as_json, since, order_id)
        else:
            report = _audit_read(files, as_json, since, order_id)
    except FileNotFoundError as e:
        raise click.BadParameter(str(e), param_hint="FILES") from e
    sys.exit(ExitCode.CHECK_FAILED if report.damaged else ExitCode.OK)


def _audit_read(
    files: tuple[str, ...], as_json: bool, since: int | None, order_id: int | None
) -> audit_mod.AuditReport:
    result = audit_mod.read(files, since=since, order=order_id)
    report = result.report
    if as_json:
        emit_json(
            {
                "records": [e.to_dict() for e in result.entries],
                "report": report.to_dict(),
                "summary": _audit_summary(report, len(result.entries)),
            }
        )
    else:
        click.echo(_AUDIT_COLUMNS)
        if result.entries:
            click.echo("\n".join(_audit_line(e) for e in result.entries))
        _print_audit_problems(report)
        style = "red" if report.damaged else ("yellow" if report.missing_records else "green")
        summary = _audit_summary(report, len(result.entries))
        console.print(f"[{style}]{summary}[/{style}]", highlight=False, soft_wrap=True)
    return report


def _audit_follow(
    files: tuple[str, ...], as_json: bool, since: int | None, order_id: int | None
) -> audit_mod.AuditReport:
    follower = audit_mod.Follower(files, since=since, order=order_id)
    shown = 0
    if not as_json:
        click.echo(_AUDIT_COLUMNS)
    try:
        while True:
            for e in follower.poll():
                click.echo(json.dumps(e.to_dict()) if as_json else _audit_line(e))
                shown += 1
            sys.stdout.flush()
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    report = follower.report
    if as_json:
        click.echo(json.dumps({"report": report.to_dict(), "summary": _audit_summary(report, shown)}))
    else:
        _print_audit_problems(report)
        console.print(_audit_summary(report, shown), highlight=False, soft_wrap=True)
    return report


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


cli.add_command(synth)
cli.add_command(replay)
cli.add_command(fix)
cli.add_command(venue)
cli.add_command(preflight)
cli.add_command(metrics)
cli.add_command(status)
cli.add_command(kill)
cli.add_command(resume)
cli.add_command(stop)
cli.add_command(report)
cli.add_command(start)


if __name__ == "__main__":
    main()
