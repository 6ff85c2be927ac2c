#!/usr/bin/env python3
"""The steps of ``scripts/demo.sh`` that read numbers: what the shell got from
``hft status --json``, ``hft report`` and the logs, turned into a few lines
each. Also picks the demo's configuration (the shipped pair, or a copy on
free ports when another run holds the fixed ones), waits for the kill switch
to be confirmed, and stops whatever an interrupted demo left running.

Every subcommand exits 1 with a message on stderr when what it checks does
not hold, so the demo stops there.

    demo_steps.py configs --out DIR
    demo_steps.py market S0 S1 | orders S0 S1 | positions S0 S1
    demo_steps.py rejects SNAPSHOT --audit FILE --instance NAME
    demo_steps.py wait-counter --instance NAME --counter C [--timeout S]
    demo_steps.py kill-confirm --instance NAME --audit FILE [--timeout S] [--steady S]
    demo_steps.py stopped --pid PID --log FILE [--timeout S]
    demo_steps.py report DIR
    demo_steps.py cleanup --instance NAME --venue NAME

A snapshot ``S`` is the output of ``hft status --json`` saved as ``S`` with
the UNIX time (seconds) it was taken in ``S.time``.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "config" / "demo"
WIDTHS = (7, 11, 9, 10, 10, 10, 11)  #: columns of the positions table


class StepFailed(Exception):
    """What the step checks does not hold; the message says what was seen."""


# ---- snapshots ---------------------------------------------------------------------


def load(path: str) -> tuple[dict[str, Any], float]:
    """A saved ``hft status --json`` and the time it was taken."""
    doc = json.loads(Path(path).read_text())
    taken = float(Path(path + ".time").read_text().strip())
    return doc, taken


def per_second(a: dict[str, Any], b: dict[str, Any], seconds: float, name: str) -> float:
    return (b["counters"].get(name, 0) - a["counters"].get(name, 0)) / max(seconds, 1e-9)


def show_market(first: str, second: str) -> None:
    a, ta = load(first)
    b, tb = load(second)
    dt = tb - ta
    c = b["counters"]
    rates = {n: per_second(a, b, dt, n) for n in ("packets_in", "messages_in", "book_updates")}
    if rates["messages_in"] <= 0:
        raise StepFailed(f"no market data arrived in {dt:.1f} s (messages_in stayed at {c['messages_in']})")
    packets, messages = rates["packets_in"], rates["messages_in"]
    print(f"over {dt:.1f} s: {packets:,.0f} packets/s carrying {messages:,.0f} ITCH messages/s,")
    print(f"  {rates['book_updates']:,.0f} book updates/s; {c['messages_in']:,} messages since the start")
    print(
        f"  sequence gaps {c['sequence_gaps']}: filled by the other line {c['feed_gaps_filled_by_lines']}, "
        f"by retransmission {c['feed_gaps_filled_retx']}, messages lost {c['feed_messages_lost']}"
    )


def show_orders(first: str, second: str) -> None:
    a, ta = load(first)
    b, tb = load(second)
    dt = tb - ta
    c = b["counters"]
    if c["orders_sent"] == 0:
        raise StepFailed("the strategies sent no order")
    print(
        f"orders sent {c['orders_sent']:,} ({per_second(a, b, dt, 'orders_sent'):,.0f}/s), "
        f"replaces {c['replaces_sent']:,}, cancels {c['cancels_sent']:,}"
    )
    print(
        f"execution reports {c['execution_reports']:,}, fills {c['fills']:,} "
        f"({per_second(a, b, dt, 'fills'):,.0f}/s), open orders now {c['open_orders']}"
    )
    t2t = b["latency_ns"].get("tick_to_trade", {})
    if t2t.get("count"):
        print(
            f"tick-to-trade so far ({t2t['count']:,} orders): p50 {fmt_ns(t2t['p50_ns'])}, "
            f"p99 {fmt_ns(t2t['p99_ns'])}, p99.9 {fmt_ns(t2t['p999_ns'])}"
        )


def show_rejects(snapshot: str, audit_path: str, instance: str) -> None:
    from hft import audit
    from hft.control import ControlClient

    doc, _ = load(snapshot)
    c = doc["counters"]
    by_reason = {k.removeprefix("reject."): v for k, v in c.items() if k.startswith("reject.") and v}
    if not c["rejects"]:
        raise StepFailed("no order was rejected")
    print(f"risk rejects {c['rejects']:,} (the engine's counters, by reason):")
    for reason, n in sorted(by_reason.items(), key=lambda kv: -kv[1]):
        print(f"  {reason:<28} {n:>8,}")
    names = ControlClient.attach(instance).instruments

    def symbol(index: int) -> str:
        return names[index] if index < len(names) else str(index)

    rejects = [e for e in audit.read([audit_path]).entries if e.type == "risk_reject"]
    if rejects:
        bucket = Counter((e.reason or "?", symbol(e.symbol)) for e in rejects)
        print("the audit log, by reason and symbol:")
        for (reason, name), n in bucket.most_common(6):
            print(f"  {reason:<28} {name:<6} {n:>6,}")
        last = rejects[-1]
        print(
            f"latest: {last.time} {last.side} {last.qty} {symbol(last.symbol)} @ {last.price} "
            f"refused: {last.reason}"
        )


def show_positions(first: str, second: str) -> None:
    a, ta = load(first)
    b, tb = load(second)
    before = {p["symbol"]: p["net"] for p in a["positions"]}
    rows = [p for p in b["positions"] if p["net"] or p["realized"] or before.get(p["symbol"])]
    if not rows:
        raise StepFailed("no position and no PnL: nothing traded")
    print(f"net position then and {tb - ta:.0f} s later; cost, mark and PnL now")
    head = ("symbol", "net then", "net now", "avg cost", "mark", "realized", "unrealized")
    print("".join(f"{h:<7}" if i == 0 else f"{h:>{WIDTHS[i]}}" for i, h in enumerate(head)))
    for p in rows:
        print(
            f"{p['symbol']:<7}{before.get(p['symbol'], 0):>11,}{p['net']:>9,}{p['average_cost']:>10.2f}"
            f"{p['mark']:>10.2f}{p['realized']:>10.2f}{p['unrealized']:>11.2f}"
        )
    t0, t = a["totals"], b["totals"]
    print(
        f"firm: net {t['net_position']:,} (gross {t['gross_position']:,}), PnL {t0['pnl']:+,.2f} -> "
        f"{t['pnl']:+,.2f} $ (realized {t['realized']:+,.2f}, unrealized {t['unrealized']:+,.2f}, "
        f"fees {t['fees']:,.2f})"
    )


# ---- live checks -------------------------------------------------------------------


def wait_counter(instance: str, counter: str, timeout_s: float) -> None:
    from hft.control import ControlClient

    engine = ControlClient.attach(instance)
    deadline = time.monotonic() + timeout_s
    while engine.counters().get(counter, 0) == 0:
        if time.monotonic() > deadline:
            raise StepFailed(f"{counter} is still 0 after {timeout_s:g} s")
        time.sleep(0.05)


def kill_confirm(instance: str, audit_path: str, timeout_s: float, steady_s: float) -> None:
    """After ``hft kill``: open orders reach 0, the audit log shows the venue
    confirming every cancel the kill sent, and no order leaves for ``steady_s``."""
    from hft.control import ControlClient

    engine = ControlClient.attach(instance)
    status = engine.status()
    if status.state not in ("halted", "reducing"):
        raise StepFailed(f"the engine is {status.state}, not halted")
    deadline = time.monotonic() + timeout_s
    counters = engine.counters()
    while counters["open_orders"] != 0:
        if time.monotonic() > deadline:
            raise StepFailed(f"{counters['open_orders']} orders still open {timeout_s:g} s after the kill")
        time.sleep(0.001)
        counters = engine.counters()
    cancels = kill_cancels(audit_path, status.changed_wall_ns - 1_000_000_000)
    print(
        f"at the kill {cancels.open} order(s) were open and {cancels.sent} cancel(s) went out at once; "
        "the venue"
    )
    print(
        f"confirmed {cancels.confirmed} (audit log: canceled), the last {cancels.last_ms:.1f} ms after the "
        f"kill; open_orders gauge now {counters['open_orders']}"
    )
    sent = counters["orders_sent"]
    time.sleep(steady_s)
    after = engine.counters()
    if after["orders_sent"] != sent or after["open_orders"] != 0:
        raise StepFailed(
            f"orders kept leaving after the kill: orders_sent {sent} -> {after['orders_sent']}, "
            f"open orders {after['open_orders']}"
        )
    print(
        f"orders_sent stayed at {sent:,} for {steady_s:g} s; state {engine.status().state}, market data "
        f"still flowing ({after['messages_in'] - counters['messages_in']:,} messages meanwhile)"
    )


@dataclass
class KillCancels:
    open: int  #: orders open when the kill switch tripped (cancels the kill issued)
    sent: int  #: cancel requests in the audit log after the trip
    confirmed: int  #: of those, orders the venue confirmed canceled
    last_ms: float  #: from the trip to the last confirmation


def kill_cancels(audit_path: str, since_ns: int, wait_s: float = 2.0) -> KillCancels:
    """The cancels of the latest manual kill, from the audit log; waits up to
    ``wait_s`` for the writer thread to flush the confirmations."""
    from hft import audit

    deadline = time.monotonic() + wait_s
    while True:
        entries = audit.read([audit_path], since=since_ns).entries
        trips = [i for i, e in enumerate(entries) if e.type == "kill_switch" and e.reason == "manual"]
        if trips:
            after = entries[trips[-1] :]
            trip_ns = after[0].wall_ns
            issued = [e.order_id for e in after if e.type == "kill_step" and e.detail == "cancel_all_issued"]
            asked = {e.order_id for e in after if e.type == "cancel_requested"}
            done = [e for e in after if e.type == "canceled" and e.order_id in asked]
            if issued and len(done) >= len(asked):
                last = max((e.wall_ns for e in done), default=trip_ns)
                return KillCancels(issued[0], len(asked), len(done), (last - trip_ns) / 1e6)
        if time.monotonic() > deadline:
            raise StepFailed(f"the audit log does not show every cancel of the kill confirmed ({audit_path})")
        time.sleep(0.05)


def wait_stopped(pid: int, log: str, timeout_s: float) -> None:
    from hft.launch import wait_exit

    if not wait_exit(pid, timeout_s):
        raise StepFailed(f"the engine (pid {pid}) is still running {timeout_s:g} s after the stop")
    lines = [json.loads(x) for x in Path(log).read_text().splitlines() if x.startswith("{")]
    stopped = [d for d in lines if d.get("event") == "stopped"]
    phases = [d for d in lines if d.get("event") == "shutdown"]
    if not stopped:
        raise StepFailed(f"{log} has no 'stopped' line")
    s = stopped[-1]
    if phases:
        steps = " -> ".join(f"{d['phase']} ({d.get('open_orders', 0)} open)" for d in phases[-4:])
        print(f"shutdown: {steps}")
    print(
        f"engine exited: code {s['exit_code']} ({s['exit_reason']}: {s['reason']}), "
        f"{s.get('audit_records', 0):,} audit records flushed, {s.get('open_orders', 0)} orders open"
    )
    if s["exit_code"] != 0:
        raise StepFailed(f"the engine exited with code {s['exit_code']}: {s['reason']}")


def show_report(out_dir: str) -> None:
    doc = json.loads((Path(out_dir) / "report.json").read_text())
    s = doc["summary"]
    if s["tick_to_trade_p50"] is None:
        raise StepFailed("the report has no tick-to-trade latency")
    print(
        f"session of {s['duration_s']:.1f} s: {s['messages'] or 0:,} messages, {s['orders'] or 0:,} orders, "
        f"{s['fills'] or 0:,} fills, {s['rejects'] or 0:,} rejects, {s['kill_events']} kill-switch trip(s), "
        f"final PnL {s['final_pnl'] or 0:+,.2f} $"
    )
    print(
        f"tick-to-trade: p50 {fmt_ns(s['tick_to_trade_p50'])}, p99 {fmt_ns(s['tick_to_trade_p99'])}, "
        f"p99.9 {fmt_ns(s['tick_to_trade_p999'])}, max {fmt_ns(s['tick_to_trade_max'])}"
    )


def cleanup(instance: str, venue: str) -> None:
    """Stops the demo's engine, then its venue, when they still run
    (a step failed or Ctrl-C): a stop command first, SIGTERM if unanswered."""
    from hft.control import ControlClient, ControlError
    from hft.launch import stop_pid, wait_exit

    for name, grace_s in ((instance, 15.0), (venue, 10.0)):
        try:
            client = ControlClient.attach(name)
            status = client.status()
        except ControlError:
            continue
        if not status.owner_alive:
            continue
        print(f"stopping {name} (pid {status.pid})", file=sys.stderr)
        if not (client.stop("demo.sh cleanup").acknowledged and wait_exit(status.pid, grace_s)):
            stop_pid(status.pid)


# ---- configuration -------------------------------------------------------------------


def port_free(port: int, kind: int) -> bool:
    with socket.socket(socket.AF_INET, kind) as s:
        if kind == socket.SOCK_STREAM:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(kind: int) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def configs(out: Path) -> None:
    """Prints the engine and venue configuration to run: the shipped pair when
    its ports are free, else a copy in ``out`` on free ports."""
    engine = json.loads((DEMO / "system_config.json").read_text())
    venue = json.loads((DEMO / "venue.json").read_text())
    wanted = {
        "FIX order entry": (venue["order_entry"]["port"], socket.SOCK_STREAM),
        "market data line A": (engine["network"]["udp_port"], socket.SOCK_DGRAM),
        "market data line B": (engine["market_data"]["line_b"]["port"], socket.SOCK_DGRAM),
        "retransmission": (engine["market_data"]["retransmission"]["port"], socket.SOCK_DGRAM),
    }
    busy = [f"{what} {port}" for what, (port, kind) in wanted.items() if not port_free(port, kind)]
    if not busy:
        print(f"{DEMO.relative_to(REPO)}/system_config.json {DEMO.relative_to(REPO)}/venue.json")
        return
    ports = {what: free_port(kind) for what, (_, kind) in wanted.items()}
    print(f"ports in use here ({', '.join(busy)}): running on free ports instead", file=sys.stderr)
    fix, line_a, line_b = ports["FIX order entry"], ports["market data line A"], ports["market data line B"]
    retx = ports["retransmission"]
    venue["order_entry"]["port"] = fix
    venue["market_data"]["lines"] = [{"ip": "127.0.0.1", "port": line_a}, {"ip": "127.0.0.1", "port": line_b}]
    venue["market_data"]["retransmission"]["port"] = retx
    engine["network"]["udp_port"] = line_a
    engine["market_data"]["line_b"]["port"] = line_b
    engine["market_data"]["retransmission"]["port"] = retx
    engine["fix"]["sessions"][0]["port"] = fix
    engine["symbols_file"] = str(DEMO / engine["symbols_file"])
    out.mkdir(parents=True, exist_ok=True)
    (out / "system_config.json").write_text(json.dumps(engine, indent=2))
    (out / "venue.json").write_text(json.dumps(venue, indent=2))
    print(f"{out / 'system_config.json'} {out / 'venue.json'}")


def fmt_ns(ns: float | None) -> str:
    if ns is None:
        return "n/a"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.1f} µs"
    return f"{ns:.0f} ns"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="step", required=True)
    sub.add_parser("configs").add_argument("--out", type=Path, required=True)
    for name in ("market", "orders", "positions"):
        s = sub.add_parser(name)
        s.add_argument("first")
        s.add_argument("second")
    s = sub.add_parser("rejects")
    s.add_argument("snapshot")
    s.add_argument("--audit", required=True)
    s.add_argument("--instance", required=True)
    s = sub.add_parser("wait-counter")
    s.add_argument("--instance", required=True)
    s.add_argument("--counter", required=True)
    s.add_argument("--timeout", type=float, default=10.0)
    s = sub.add_parser("kill-confirm")
    s.add_argument("--instance", required=True)
    s.add_argument("--audit", required=True)
    s.add_argument("--timeout", type=float, default=5.0)
    s.add_argument("--steady", type=float, default=1.0)
    s = sub.add_parser("stopped")
    s.add_argument("--pid", type=int, required=True)
    s.add_argument("--log", required=True)
    s.add_argument("--timeout", type=float, default=30.0)
    sub.add_parser("report").add_argument("dir")
    s = sub.add_parser("cleanup")
    s.add_argument("--instance", required=True)
    s.add_argument("--venue", required=True)
    a = p.parse_args(argv)
    try:
        if a.step == "configs":
            configs(a.out)
        elif a.step == "market":
            show_market(a.first, a.second)
        elif a.step == "orders":
            show_orders(a.first, a.second)
        elif a.step == "positions":
            show_positions(a.first, a.second)
        elif a.step == "rejects":
            show_rejects(a.snapshot, a.audit, a.instance)
        elif a.step == "wait-counter":
            wait_counter(a.instance, a.counter, a.timeout)
        elif a.step == "kill-confirm":
            kill_confirm(a.instance, a.audit, a.timeout, a.steady)
        elif a.step == "stopped":
            wait_stopped(a.pid, a.log, a.timeout)
        elif a.step == "report":
            show_report(a.dir)
        elif a.step == "cleanup":
            cleanup(a.instance, a.venue)
    except StepFailed as e:
        print(f"demo: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
