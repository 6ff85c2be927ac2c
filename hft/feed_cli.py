"""``hft synth`` and ``hft replay``: market data files from the command line."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from hft import feed as feed_mod
from hft.cli_support import ExitCode, emit_json, err_console


@click.group()
def synth() -> None:
    """Generate deterministic synthetic market data."""


@synth.command("itch")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same bytes.")
@click.option("--messages", type=click.IntRange(min=1), default=1_000_000, show_default=True)
@click.option("--symbols", type=click.IntRange(1, 65535), default=10, show_default=True)
@click.option(
    "--orders-per-symbol",
    type=click.IntRange(min=1),
    default=400,
    show_default=True,
    help="Book depth to hover at.",
)
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--pcap", is_flag=True, help="Write a pcap of MoldUDP64 packets instead of a binary ITCH file.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
def synth_itch(
    seed: int, messages: int, symbols: int, orders_per_symbol: int, out: Path, pcap: bool, as_json: bool
) -> None:
    """Write a valid, self-consistent ITCH 5.0 feed (binary file, .gz, or --pcap)."""
    options = feed_mod.SynthOptions(seed, messages, symbols, orders_per_symbol)
    started = time.perf_counter()
    try:
        with Progress(
            TextColumn("generating"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
            disable=as_json or not err_console.is_terminal,
        ) as progress:
            task = progress.add_task("synth", total=messages)
            feed_mod.synthesize(
                options, out, pcap=pcap, progress=lambda done: progress.update(task, completed=done)
            )
    except ValueError as e:
        raise click.UsageError(str(e)) from e
    except RuntimeError as e:
        err_console.print(f"[red]error:[/red] {e}")
        sys.exit(ExitCode.RUNTIME)
    seconds = time.perf_counter() - started
    summary = {
        "path": str(out),
        "format": "pcap" if pcap else "itch50",
        "messages": messages,
        "symbols": symbols,
        "seed": seed,
        "bytes": out.stat().st_size,
        "seconds": round(seconds, 3),
    }
    if as_json:
        emit_json(summary)
    else:
        rate = messages / max(seconds, 1e-9) / 1e6
        click.echo(
            f"wrote {messages:,} messages for {symbols} symbols to {out} "
            f"({summary['bytes']:,} bytes, {seconds:.1f} s, {rate:.1f} M msg/s)"
        )


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["auto", "itch50", "pcap"]), default="auto", show_default=True
)
@click.option("--symbol", help="Only this instrument.")
@click.option("--depth", type=click.IntRange(min=1), default=10, show_default=True, help="Levels per side.")
@click.option("--json", "as_json", is_flag=True, help="Print the final books as one JSON object.")
@click.option("--bbo", is_flag=True, help="Print one JSON line per top-of-book change instead.")
def replay(file: Path, fmt: str, symbol: str | None, depth: int, as_json: bool, bbo: bool) -> None:
    """Replay FILE through the engine's decoder and books; print the final books."""
    size = file.stat().st_size
    try:
        if bbo:
            sys.stdout.flush()
            result = feed_mod.replay(file, format=fmt, depth=depth, symbol=symbol, bbo=True)
        else:
            with Progress(
                TextColumn("replaying"),
                BarColumn(),
                TextColumn("{task.completed:,} units"),
                TimeElapsedColumn(),
                console=err_console,
                transient=True,
                disable=not err_console.is_terminal or size < 50_000_000,
            ) as progress:
                task = progress.add_task("replay", total=None)
                result = feed_mod.replay(
                    file,
                    format=fmt,
                    depth=depth,
                    symbol=symbol,
                    progress=lambda done: progress.update(task, completed=done),
                )
    except RuntimeError as e:
        err_console.print(f"[red]error:[/red] {e}")
        sys.exit(ExitCode.RUNTIME)
    if bbo:
        return
    if as_json:
        click.echo(json.dumps(result.to_dict()))
        return
    _print_books(result)


def _print_books(result: feed_mod.ReplayResult) -> None:
    console = Console()
    console.print(f"{result.messages:,} messages ({result.format})")
    if result.errors:
        console.print("skipped or inconsistent: " + ", ".join(f"{k} {v:,}" for k, v in result.errors.items()))
    for sym, book in result.books.items():
        table = Table(title=sym, title_justify="left")
        for col in ("bid orders", "bid shares", "bid", "ask", "ask shares", "ask orders"):
            table.add_column(col, justify="right")
        bids, asks = book["bids"], book["asks"]
        for i in range(max(len(bids), len(asks))):
            b = bids[i] if i < len(bids) else ("", "", "")
            a = asks[i] if i < len(asks) else ("", "", "")
            table.add_row(
                str(b[2]),
                f"{b[1]:,}" if b[1] != "" else "",
                b[0],
                a[0],
                f"{a[1]:,}" if a[1] != "" else "",
                str(a[2]),
            )
        console.print(table)
