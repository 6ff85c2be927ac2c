"""``hft report``: the session report (HTML with plots, or JSON) from the performance and audit logs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from hft import config as config_mod
from hft import report as report_mod
from hft import report_html
from hft.cli_support import ExitCode, console, emit_json, err_console

DEFAULT_CONFIG = Path("/etc/hft/system_config.json")
# Reading, the audit, the five figures and the page.
_STEPS = 2 + len(report_mod.FIGURES) + 1


def _fail(message: str, code: ExitCode) -> NoReturn:
    # Paths may hold brackets and run past 80 columns: print them as they are.
    err_console.print(f"hft report: {message}", markup=False, highlight=False, soft_wrap=True)
    sys.exit(code)


def _logging_section(config: Path, explicit: bool) -> dict[str, str] | None:
    """``logging`` of the configuration (paths expanded), None when the default file is absent."""
    if not config.exists():
        if explicit:
            _fail(f"{config} does not exist (--config FILE)", ExitCode.USAGE)
        return None
    try:
        doc = config_mod.load_system_config(config)
    except config_mod.ConfigInvalid as e:
        err_console.print(f"hft report: {config} is not a valid configuration:")
        for issue in e.errors:
            err_console.print(f"  {issue}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(ExitCode.CHECK_FAILED)
    return dict(doc.get("logging", {}))


@click.command()
@click.option(
    "--config",
    "config",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_CONFIG,
    show_default=True,
    help="Engine configuration: where --log and --audit are when not given.",
)
@click.option(
    "--log",
    "log",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Performance log (default: the configuration's logging.performance_log_path).",
)
@click.option(
    "--audit",
    "audit_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Audit log path, segment or folder; repeatable (default: logging.audit_log_path). "
    "One that is missing is a warning.",
)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for report.html, its figures and report.json (default: ./hft-report-<UTC time>).",
)
@click.option(
    "--session",
    type=int,
    default=-1,
    show_default=True,
    help="Session in the log: 0 the first, -1 the last (a restart starts a new one).",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the figures as JSON; write files only with --out."
)
def report(
    config: Path,
    log: Path | None,
    audit_paths: tuple[Path, ...],
    out: Path | None,
    session: int,
    as_json: bool,
) -> None:
    """Write a session report: latency per stage over time, message rates, PnL and
    positions, risk rejects by reason and kill-switch events, as an HTML page with
    plots, and the same numbers as JSON.

    With --json the figures go to stdout and nothing is written unless --out is
    given (a pipe wants data, not a folder it did not ask for). Exits 1 when the
    log is missing, empty or holds no such session, 2 on usage errors, 3 when a
    file cannot be read or written.
    """
    ctx = click.get_current_context()
    explicit_config = ctx.get_parameter_source("config") is not click.core.ParameterSource.DEFAULT
    logging: dict[str, str] | None = None
    if log is None or not audit_paths:
        logging = _logging_section(config, explicit_config)
    if log is None:
        if logging is None:
            _fail(f"no --log given and {config} does not exist (--config FILE)", ExitCode.USAGE)
        log = Path(logging["performance_log_path"])
    audits = list(audit_paths)
    if not audits and logging is not None and logging.get("audit_log_path"):
        audits = [Path(logging["audit_log_path"])]
    if not log.is_file():
        _fail(f"nothing to report: {log} does not exist", ExitCode.CHECK_FAILED)

    # Progress on stderr, so stdout stays the JSON or the path.
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        task = progress.add_task(f"reading {log}", total=_STEPS if (out or not as_json) else 2)
        try:
            result = report_mod.build_report(log, audits or None, session)
        except report_mod.ReportError as e:
            progress.stop()
            _fail(str(e), ExitCode.CHECK_FAILED)
        except OSError as e:
            progress.stop()
            _fail(f"cannot read: {e}", ExitCode.RUNTIME)
        progress.update(task, advance=2, description="read")
        page: Path | None = None
        if out is not None or not as_json:
            target = out or report_html.default_out_dir()
            try:
                page = report_html.write_html(
                    result, target, progress=lambda step: progress.update(task, advance=1, description=step)
                )
            except OSError as e:
                progress.stop()
                _fail(f"cannot write {target}: {e}", ExitCode.RUNTIME)

    for w in result.warnings:
        err_console.print(f"warning: {w}", style="yellow", markup=False, highlight=False, soft_wrap=True)
    if as_json:
        emit_json(report_mod.to_json(result))
        if page is not None:
            err_console.print(f"wrote {page}", markup=False, highlight=False, soft_wrap=True)
    else:
        s = result.summary
        console.print(
            f"session {s.session} of {s.sessions_in_log}: {s.duration_s:.1f} s, "
            f"{s.telemetry_snapshots} snapshot(s), {s.kill_events} kill event(s)",
            highlight=False,
        )
        click.echo(str(page.resolve()))
    sys.exit(ExitCode.OK)
