#!/usr/bin/env python3
"""Merge google-benchmark JSON into bench/results/<host>.json and write docs/performance.md.

    bench/report.py [--goals bench/goals.json] [--results-dir bench/results]
                    [--doc docs/performance.md] [--host NAME] [BENCH_JSON ...]

Each BENCH_JSON is the --benchmark_out of one bench binary. Benchmarks already
in the host's results file and not in the new outputs are kept, so running one
binary refreshes only its rows. Without BENCH_JSON the page is regenerated
from the results file alone.

Standard library only; goals may also be YAML when PyYAML is installed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import re
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_VERSION = 1

# Keys of a google-benchmark run that are not user counters.
_RUN_KEYS = {
    "name", "family_index", "per_family_instance_index", "run_name", "run_type", "repetitions",
    "repetition_index", "threads", "iterations", "real_time", "cpu_time", "time_unit", "label",
    "error_occurred", "error_message", "aggregate_name", "aggregate_unit", "bytes_per_second",
    "items_per_second",
}  # fmt: skip
# Name parts google-benchmark appends for run options rather than arguments.
_OPTION_PART = re.compile(
    r"^(real_time|process_time|manual_time|iterations:\d+|repeats:\d+|threads:\d+|"
    r"min_time:[\d.]+s?|min_warmup_time:[\d.]+s?)$"
)


class ReportError(Exception):
    """A problem with the inputs, reported without a traceback."""


# ---------------------------------------------------------------------------
# Reading benchmark output


def benchmark_key(name: str) -> str:
    """Name without the run-option suffixes, e.g. 'BM_X/real_time' -> 'BM_X'."""
    return "/".join(p for p in name.split("/") if not _OPTION_PART.match(p))


def read_benchmark_json(path: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Context and runs of one --benchmark_out file, keyed by benchmark_key.

    With --benchmark_repetitions the median aggregate stands for the benchmark.
    """
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as e:
        raise ReportError(f"{path}: not a google-benchmark JSON file ({e})") from e
    if not isinstance(data, dict) or "benchmarks" not in data:
        raise ReportError(f"{path}: no 'benchmarks' list; was it written with --benchmark_out_format=json?")

    runs: dict[str, dict[str, Any]] = {}
    medians: dict[str, dict[str, Any]] = {}
    for run in data["benchmarks"]:
        key = benchmark_key(run.get("run_name") or run["name"])
        if run.get("run_type") == "aggregate":
            if run.get("aggregate_name") == "median":
                medians[key] = run
        else:
            runs[key] = run  # the last repetition, unless a median follows
    runs.update(medians)
    binary = Path(data.get("context", {}).get("executable", path.stem)).name
    return data.get("context", {}), {k: summarise(v, binary) for k, v in runs.items()}


def summarise(run: dict[str, Any], binary: str) -> dict[str, Any]:
    """What the results file keeps of one run."""
    counters = {k: v for k, v in run.items() if k not in _RUN_KEYS and isinstance(v, (int, float))}
    if "items_per_second" in run:
        counters["items_per_second"] = run["items_per_second"]
    out: dict[str, Any] = {
        "binary": binary,
        "name": run["name"],
        "iterations": run.get("iterations"),
        "real_time": run.get("real_time"),
        "cpu_time": run.get("cpu_time"),
        "time_unit": run.get("time_unit", "ns"),
        "counters": counters,
    }
    if run.get("error_occurred"):
        out["error"] = run.get("error_message", "error")
    return out


# ---------------------------------------------------------------------------
# Machine description


def _first_line(cmd: list[str]) -> str | None:
    try:
        out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return platform.system()


def clocksource() -> str | None:
    path = Path("/sys/devices/system/clocksource/clocksource0/current_clocksource")
    try:
        return path.read_text().strip() or None
    except OSError:
        return None


def machine_info(host: str) -> dict[str, Any]:
    commit = _first_line(["git", "rev-parse", "HEAD"])
    status = _first_line(["git", "status", "--porcelain", "--untracked-files=no"]) if commit else None
    return {
        "host": host,
        "cpu_model": cpu_model(),
        "cpus_online": os.cpu_count(),
        "cpus_allowed": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "kernel": platform.release(),
        "clocksource": clocksource(),
        "os": os_name(),
        "date": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "git_commit": commit,
        "git_dirty": bool(status) if commit else None,
    }


# ---------------------------------------------------------------------------
# Goals


@dataclass
class Verdict:
    """One limit of one goal, checked against the measured value."""

    counter: str
    measured: float | None
    bound: float | None
    kind: str  # "max" or "min"

    @property
    def ratio(self) -> float | None:
        if self.measured is None or not self.bound:
            return None
        return self.measured / self.bound

    @property
    def met(self) -> bool | None:
        if self.measured is None or self.bound is None:
            return None
        return self.measured <= self.bound if self.kind == "max" else self.measured >= self.bound


def load_goals(path: Path) -> list[dict[str, Any]]:
    try:
        text = path.read_text()
    except OSError as e:
        raise ReportError(f"cannot read goals file {path}: {e}") from e
    if path.suffix in {".yaml", ".yml"}:
        try:
            import yaml  # optional dependency, imported only when needed
        except ImportError as e:
            raise ReportError(f"{path} is YAML: install PyYAML or use a .json goals file") from e
        data = yaml.safe_load(text)
    else:
        data = json.loads(text)
    goals = data.get("goals") if isinstance(data, dict) else None
    if not isinstance(goals, list):
        raise ReportError(f"{path}: expected a top-level 'goals' list")
    for i, g in enumerate(goals):
        for key in ("stage", "benchmark", "limits"):
            if key not in g:
                raise ReportError(f"{path}: goals[{i}] has no '{key}'")
    return goals


def counter(benchmarks: dict[str, Any], name: str | None, key: str) -> float | None:
    if not name or name not in benchmarks:
        return None
    value = benchmarks[name]["counters"].get(key)
    return float(value) if isinstance(value, (int, float)) and math.isfinite(value) else None


def evaluate(goal: dict[str, Any], benchmarks: dict[str, Any]) -> dict[str, Any]:
    """The goal with its measured values, verdicts and baseline ratio filled in."""
    verdicts: list[Verdict] = []
    for limit in goal["limits"]:
        key = limit["counter"]
        measured = counter(benchmarks, goal["benchmark"], key)
        if "max_over_baseline" in limit:
            base = counter(benchmarks, goal.get("baseline"), key)
            bound = None if base is None else base + float(limit["max_over_baseline"])
            verdicts.append(Verdict(key, measured, bound, "max"))
        elif "max_times_baseline" in limit:
            base = counter(benchmarks, goal.get("baseline"), key)
            bound = None if base is None else base * float(limit["max_times_baseline"])
            verdicts.append(Verdict(key, measured, bound, "max"))
        elif "max" in limit:
            verdicts.append(Verdict(key, measured, float(limit["max"]), "max"))
        elif "min" in limit:
            verdicts.append(Verdict(key, measured, float(limit["min"]), "min"))
        else:
            raise ReportError(
                f"goal '{goal['stage']}': limit on {key} needs one of "
                "max, min, max_over_baseline, max_times_baseline"
            )

    primary = verdicts[0].counter
    measured = counter(benchmarks, goal["benchmark"], primary)
    base = counter(benchmarks, goal.get("baseline"), primary)
    met = [v.met for v in verdicts]
    status = "not run" if None in met else ("met" if all(met) else "missed")
    return {
        **goal,
        "verdicts": [
            {
                "counter": v.counter,
                "measured": v.measured,
                "bound": v.bound,
                "kind": v.kind,
                "ratio": v.ratio,
                "met": v.met,
            }
            for v in verdicts
        ],
        "baseline_value": base,
        "baseline_ratio": measured / base if measured is not None and base else None,
        "status": status,
    }


# ---------------------------------------------------------------------------
# Markdown


def fmt(value: float | None, unit: str = "") -> str:
    """Three significant figures; rates get k/M/G."""
    if value is None:
        return "—"
    if unit.endswith("/s"):
        for scale, prefix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
            if abs(value) >= scale:
                return f"{value / scale:.3g} {prefix}{unit}"
        return f"{value:.3g} {unit}"
    text = f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"
    return f"{text} {unit}" if unit else text


def measured_cell(goal: dict[str, Any], benchmarks: dict[str, Any]) -> str:
    name = goal["benchmark"]
    if name not in benchmarks:
        return "not run"
    if "error" in benchmarks[name]:
        return f"error: {benchmarks[name]['error']}"
    show = goal.get("show", "latency")
    if show == "throughput":
        return fmt(counter(benchmarks, name, "msg_per_s"), "msg/s")
    if show == "latency":
        unit = goal.get("unit", "ns")
        parts = [fmt(counter(benchmarks, name, f"{p}_{unit}")) for p in ("p50", "p99", "p999")]
        return f"{' / '.join(parts)} {unit}"
    return " · ".join(f"{v['counter']} {fmt(v['measured'])}" for v in goal["verdicts"])


_LABEL = {"p50": "p50", "p99": "p99", "p999": "p99.9"}


def _limit_label(counter_name: str) -> str:
    head, _, unit = counter_name.partition("_")
    return f"{_LABEL.get(head, counter_name)} ({unit})" if head in _LABEL else counter_name


def goal_cell(goal: dict[str, Any]) -> str:
    parts = []
    for limit, v in zip(goal["limits"], goal["verdicts"], strict=True):
        unit = "msg/s" if v["counter"] == "msg_per_s" else ""
        if "max_times_baseline" in limit:
            parts.append(
                f"{_limit_label(v['counter'])} ≤ {limit['max_times_baseline']:g}x baseline"
                f" = {fmt(v['bound'])}"
            )
        elif "max_over_baseline" in limit:
            parts.append(
                f"{_limit_label(v['counter'])} ≤ baseline + {limit['max_over_baseline']:g}"
                f" = {fmt(v['bound'])}"
            )
        else:
            op = "≤" if v["kind"] == "max" else "≥"
            parts.append(f"{_limit_label(v['counter'])} {op} {fmt(v['bound'], unit)}")
    return "; ".join(parts)


def ratio_cell(goal: dict[str, Any]) -> str:
    parts = [f"{v['ratio']:.3g}" if v["ratio"] is not None else "—" for v in goal["verdicts"]]
    return " / ".join(parts)


def baseline_cell(goal: dict[str, Any]) -> str:
    if not goal.get("baseline"):
        return "—"
    ratio = goal.get("baseline_ratio")
    suffix = f": {ratio:.3g}x" if ratio is not None else ": not run"
    return f"`{goal['baseline']}`{suffix}"


def benchmark_rows(benchmarks: dict[str, Any]) -> list[str]:
    rows = [
        "| binary | benchmark | p50 | p99 | p99.9 | max | p50 cycles | throughput | iterations |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key in sorted(benchmarks, key=lambda k: (benchmarks[k]["binary"], k)):
        b = benchmarks[key]
        c = b["counters"]
        rate = c.get("msg_per_s", c.get("items_per_second"))

        def dist(name: str, unit: str = "ns", c: dict[str, Any] = c) -> str:
            return fmt(c.get(name), unit) if "p50_ns" in c else "—"

        cells = [
            b["binary"],
            f"`{key}`",
            dist("p50_ns"),
            dist("p99_ns"),
            dist("p999_ns"),
            dist("max_ns"),
            dist("p50_cycles", ""),
            fmt(rate, "op/s") if rate else "—",
            str(b.get("iterations") or "—"),
        ]
        rows.append(f"| {' | '.join(cells)} |")
    return rows


def render(results: dict[str, Any]) -> str:
    m = results["machine"]
    benchmarks = results["benchmarks"]
    contexts = results.get("contexts", {})
    any_ctx = next(iter(contexts.values()), {})
    commit = m.get("git_commit")
    dirty = " (with local changes)" if m.get("git_dirty") else ""
    commit_text = f"`{commit[:12]}`{dirty}" if commit else "no commit yet"
    goals = results.get("goals", [])
    met = sum(g["status"] == "met" for g in goals)

    lines = [
        "# Performance",
        "",
        "<!-- Generated by bench/report.py from bench/results/"
        f"{m['host']}.json; edit bench/goals.json or the benchmarks, not this page. -->",
        "",
        f"Measured on **{m['host']}**, {m['date']}: {m['cpu_model']}, {m['cpus_online']} CPUs "
        f"({m.get('cpus_allowed')} allowed), {m['os']}, Linux {m['kernel']}; commit {commit_text}.",
    ]
    if any_ctx:
        lines += [
            f"Build: {any_ctx.get('hft_build', 'unknown')}; the google-benchmark library reports itself "
            f"as a {any_ctx.get('library_build_type', 'unknown')} build (Debian's package does), which "
            "touches only its own loop: every latency here comes from our TSC histogram.",
            f"Clock: {any_ctx.get('tsc_calibration', 'not calibrated')}; kernel clocksource "
            f"`{m.get('clocksource') or 'unknown'}`"
            + (
                " (CLOCK_MONOTONIC_RAW is then itself computed from the TSC, so the calibration-error "
                "row shows agreement with the kernel's TSC rate, not an independent reference)."
                if m.get("clocksource") == "tsc"
                else "."
            ),
        ]
    lines += [
        "",
        "> These machines are shared virtual machines with 2 cores. The host pauses them (gaps of",
        "> microseconds, occasionally milliseconds), so p99.9 and max show the host as much as our",
        "> code, and a rerun can move tails by a large factor. Compare a row with its in-run",
        "> baseline before comparing it across runs.",
        "",
        "How to read the tables: latency columns are per operation, from our own TSC",
        "histogram (`hft::core::LatencyHistogram`, ≤ 0.8 % bucket error). Operations too short to",
        "time one by one (a clock read) are timed in batches of 64 and each sample is a batch's",
        "per-operation average, so their tails are narrower than single-shot tails would be.",
        "*measured / goal* is below 1 for a met latency goal and above 1 for a met throughput goal;",
        "*vs baseline* is the measured value divided by the baseline's, both from this run.",
        "",
        f"## Goals ({met} of {len(goals)} met)",
        "",
        "| stage | benchmark | measured p50 / p99 / p99.9 | goal | measured / goal | vs baseline | status |",
        "|---|---|---|---|---:|---|---|",
    ]
    for g in goals:
        lines.append(
            f"| {g['stage']} | `{g['benchmark']}` | {measured_cell(g, benchmarks)} | {goal_cell(g)} | "
            f"{ratio_cell(g)} | {baseline_cell(g)} | {g['status']} |"
        )
    lines += ["", "Where the goals come from:", ""]
    lines += [
        f"- {g['stage']}: {g['source']}" + (f". {g['note']}" if g.get("note") else "")
        for g in goals
        if g.get("source")
    ]
    lines += ["", "## Every benchmark", "", *benchmark_rows(benchmarks), ""]
    lines += [
        "## Reproduce",
        "",
        "```sh",
        "scripts/bench.sh            # full run, under a minute",
        "scripts/bench.sh --quick    # shorter runs, wider error bars",
        "```",
        "",
        "It builds the bench targets in `build/release`, runs every `bench_*` binary, merges their",
        f"JSON into `bench/results/<host>.json` and rewrites this page (results schema {SCHEMA_VERSION}).",
        "",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------


def merge(existing: dict[str, Any] | None, inputs: list[Path], host: str) -> dict[str, Any]:
    results: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "benchmarks": {},
        "contexts": {},
    }
    if existing and existing.get("schema") == SCHEMA_VERSION:
        results["benchmarks"] = existing.get("benchmarks", {})
        results["contexts"] = existing.get("contexts", {})
    for path in inputs:
        context, runs = read_benchmark_json(path)
        binary = Path(context.get("executable", path.stem)).name
        # The results file is committed: no paths of the machine that ran it.
        results["contexts"][binary] = {**context, "executable": binary}
        results["benchmarks"].update(runs)
    results["machine"] = machine_info(host) if inputs or not existing else existing["machine"]
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("inputs", nargs="*", type=Path, help="google-benchmark JSON outputs")
    parser.add_argument("--goals", type=Path, default=ROOT / "bench" / "goals.json")
    parser.add_argument("--results-dir", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--doc", type=Path, default=ROOT / "docs" / "performance.md")
    parser.add_argument("--host", default=socket.gethostname().split(".")[0])
    args = parser.parse_args(argv)

    results_path = args.results_dir / f"{args.host}.json"
    try:
        existing = json.loads(results_path.read_text()) if results_path.exists() else None
        if existing is None and not args.inputs:
            raise ReportError(f"no benchmark outputs given and no {results_path} to regenerate from")
        results = merge(existing, args.inputs, args.host)
        results["goals"] = [evaluate(g, results["benchmarks"]) for g in load_goals(args.goals)]
    except ReportError as e:
        print(f"report.py: {e}", file=sys.stderr)
        return 2

    args.results_dir.mkdir(parents=True, exist_ok=True)
    tmp = results_path.with_suffix(".tmp.json")
    tmp.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    tmp.replace(results_path)
    args.doc.parent.mkdir(parents=True, exist_ok=True)
    args.doc.write_text(render(results))

    for g in results["goals"]:
        print(f"{g['status']:>7}  {g['stage']}: {measured_cell(g, results['benchmarks'])}")
    print(f"wrote {results_path} and {args.doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
