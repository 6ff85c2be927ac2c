"""``hft report``: the session report from a performance log (docs/performance_log.md) and the audit log."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from hft import audit, report_html
from hft import report as rpt
from hft._core import audit as native
from hft.report_cli import report as report_cmd

SEC = 1_000_000_000
B, S = ord("B"), ord("S")
LIMIT_DAY = (ord("2") << 8) | ord("0")
KILL_HALTED = audit.KILL_STATES.index("halted")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# tick_to_trade is the same in every interval, so the session estimate must equal it exactly.
TTT = {"p50": 2400, "p99": 5100, "p999": 9800, "max": 15000}
# md_decode moves from interval to interval: the session estimate lies between the extremes.
MD_P50 = [180, 190, 200, 210, 220, 230, 240, 250, 260, 270]
EMPTY_INTERVAL = 6  # 1-based: no latency samples at all (the engine was halted)
REJECTS_IN_AUDIT = {"price_band": 3, "max_position": 2, "order_rate": 1}


def t_type(name: str) -> int:
    return audit.TYPE_NAMES.index(name)


def iso(wall_ns: int) -> str:
    return audit.format_time(wall_ns)[:26] + "Z"  # microseconds, as the daemon writes


def line(event: str, wall_ns: int, **fields: Any) -> dict[str, Any]:
    return {
        "ts": iso(wall_ns),
        "wall_ns": wall_ns,
        "level": "info",
        "event": event,
        "instance": "main",
        **fields,
    }


def starting(wall_ns: int) -> dict[str, Any]:
    return line(
        "starting",
        wall_ns,
        pid=4242,
        version="0.9.0",
        config="config/system_config.json",
        layout="run_to_completion",
        transport="kernel",
        symbols=2,
        strategies=["market_maker"],
    )


def telemetry(wall_ns: int, k: int) -> dict[str, Any]:
    """Snapshot k (1-based) of a ten-second session."""
    empty = k == EMPTY_INTERVAL
    latency: dict[str, dict[str, int]] = {}
    for stage in rpt.STAGES:
        if empty:
            latency[stage] = {"count": 0}
        elif stage == "tick_to_trade":
            latency[stage] = {"count": 50 + k, **TTT}
        elif stage == "md_decode":
            p50 = MD_P50[k - 1]
            latency[stage] = {"count": 100_000, "p50": p50, "p99": 2 * p50, "p999": 3 * p50, "max": 9 * p50}
        else:
            latency[stage] = {"count": 1000, "p50": 500, "p99": 900, "p999": 1500, "max": 2000}
    rejects = min(k, 6)
    positions = [{"symbol": "AAPL", "net": 100 * k, "realized": 1.5 * k, "unrealized": 0.25, "fees": 0.1 * k}]
    if k >= 4:
        positions.append({"symbol": "MSFT", "net": -50, "realized": 0.0, "unrealized": -0.5, "fees": 0.2})
    realized = 1.5 * k
    return line(
        "telemetry",
        wall_ns,
        state="halted" if empty else "running",
        interval_s=1.0,
        counters={
            "packets_in": 2_500 * k,
            "messages_in": 100_000 * k,
            "book_updates": 90_000 * k,
            "orders_sent": 20 * k,
            "fills": 7 * k,
            "rejects": rejects,
            "reject.price_band": min(rejects, 3),
            "reject.max_position": max(0, min(rejects - 3, 2)),
            "reject.order_rate": max(0, rejects - 5),
        },
        rates={"packets_in": 2_500.0, "messages_in": 100_000.0, "book_updates": 90_000.0}
        | ({} if empty else {"orders_sent": 20.0, "fills": 7.0}),
        latency_ns=latency,
        positions=positions,
        pnl={"realized": realized, "unrealized": 0.25, "fees": 0.1 * k, "total": realized + 0.25 - 0.1 * k},
    )


def write_lines(path: Path, docs: list[dict[str, Any]], extra: list[str] | None = None) -> Path:
    with path.open("a", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d) + "\n")
        for raw in extra or []:
            f.write(raw + "\n")
    return path


def session_lines(t0: int, kill_at: int | None, resume_at: int | None) -> list[dict[str, Any]]:
    """A ten-second session as the daemon logs it, ordered by time."""
    docs = [
        starting(t0),
        line("state", t0 + 1_000, state="starting", reason="config loaded"),
        line("session", t0 + 300_000_000, name="VENUE", up=True),
        line("state", t0 + 400_000_000, state="running", reason="order session up"),
    ]
    docs += [telemetry(t0 + k * SEC, k) for k in range(1, 11)]
    if kill_at is not None:
        docs.append(line("state", kill_at + 1_000, state="halted", reason="daily loss limit"))
    if resume_at is not None:
        docs.append(line("state", resume_at + 1_000, state="running", reason="resumed by operator"))
    docs += [
        line("shutdown", t0 + 10 * SEC + 100, phase="cancel", open_orders=3),
        line("shutdown", t0 + 10 * SEC + 200, phase="cancelled", open_orders=0),
        line("shutdown", t0 + 10 * SEC + 300, phase="audit_flushed", open_orders=0),
        line(
            "stopped",
            t0 + 11 * SEC,
            exit_code=0,
            exit_reason="stop_command",
            reason="hft stop",
            audit_records=14,
        ),
    ]
    return sorted(docs, key=lambda d: d["wall_ns"])


@pytest.fixture
def recorded(tmp_path: Path) -> dict[str, Any]:
    """An audit log from the real writer and the performance log of the same session around it."""
    base = tmp_path / "audit.bin"
    with native.Writer(str(base), fsync="never", instance="main") as w:
        w.record(t_type("config_loaded"), ref_id=0xC0FFEE, qty=2)
        for oid in (1, 2, 3):
            w.record(t_type("order_submitted"), order_id=oid, price=1_500_000, qty=100, side=B, state=1)
        for oid in (1, 2):
            w.record(
                t_type("fill"), order_id=oid, ref_id=900 + oid, price=1_500_100, qty=100, side=B, state=6
            )
        oid = 10
        for reason, n in REJECTS_IN_AUDIT.items():
            for _ in range(n):
                w.record(
                    t_type("risk_reject"),
                    order_id=oid,
                    qty=5,
                    side=S,
                    reason=audit.REJECT_REASONS.index(reason),
                )
                oid += 1
        daily_loss = audit.KILL_TRIGGERS.index("daily_loss")
        w.record(
            t_type("kill_switch"), price=-5_000_000, qty=KILL_HALTED, state=KILL_HALTED, reason=daily_loss
        )
        w.record(t_type("kill_step"), qty=2, state=KILL_HALTED, reason=daily_loss)
        w.record(t_type("kill_switch"), state=0, reason=0)
    entries = audit.read([base]).entries
    kill, resume = (e for e in entries if e.type == "kill_switch")
    t0 = entries[0].wall_ns - 5 * SEC
    log = write_lines(tmp_path / "performance.jsonl", session_lines(t0, kill.wall_ns, resume.wall_ns))
    return {"log": log, "audit": base, "t0": t0, "entries": entries, "kill": kill, "resume": resume}


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_MAGIC, f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def assert_complete_page(out: Path) -> str:
    page = out / "report.html"
    assert page.is_file()
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    for name in rpt.FIGURES.values():
        assert f'src="{name}"' in text
        width, height = png_size(out / name)
        assert width > 100 and height > 100
    assert json.loads((out / "report.json").read_text())["summary"]
    return text


# ---- the figures -------------------------------------------------------------------------


def test_figures_equal_what_was_written(recorded: dict[str, Any]) -> None:
    doc = rpt.to_json(rpt.build_report(recorded["log"], [recorded["audit"]]))
    json.dumps(doc, allow_nan=False)  # plain JSON, no NaN

    s = doc["summary"]
    assert (s["session"], s["sessions_in_log"], s["instance"], s["pid"]) == (0, 1, "main", 4242)
    assert (s["layout"], s["transport"], s["started"]) == ("run_to_completion", "kernel", True)
    assert s["duration_s"] == 11.0
    assert s["telemetry_snapshots"] == 10
    assert (s["messages"], s["orders"], s["fills"], s["rejects"]) == (1_000_000, 200, 70, 6)
    assert s["kill_events"] == 1
    assert s["final_pnl"] == pytest.approx(15.0 + 0.25 - 1.0)
    assert s["final_state"] == "running"
    assert (s["exit_code"], s["exit_reason"]) == (0, "stop_command")
    assert (s["tick_to_trade_p50"], s["tick_to_trade_p99"], s["tick_to_trade_p999"]) == (2400, 5100, 9800)
    assert s["tick_to_trade_max"] == 15000
    assert s["malformed_lines"] == 0

    ttt = doc["latency"]["tick_to_trade"]
    assert ttt["samples"] == sum(50 + k for k in range(1, 11) if k != EMPTY_INTERVAL)
    expected = [None if k == EMPTY_INTERVAL else TTT["p99"] for k in range(1, 11)]
    assert ttt["p99_series"] == expected
    assert ttt["count"][EMPTY_INTERVAL - 1] == 0
    md = doc["latency"]["md_decode"]
    assert md["p50_series"] == [None if k == EMPTY_INTERVAL else MD_P50[k - 1] for k in range(1, 11)]
    assert md["max"] == 9 * MD_P50[-1]
    assert min(MD_P50) <= md["p50"] <= max(MD_P50)
    assert list(doc["latency"]) == list(rpt.STAGES)

    tl = doc["timeline"]
    assert tl["t_s"] == [float(k) for k in range(1, 11)]
    assert tl["rates"]["messages_in"] == [100_000.0] * 10
    assert tl["rates"]["orders_sent"][EMPTY_INTERVAL - 1] == 0.0  # absent from the line: did not move
    assert tl["net_position"]["AAPL"] == [100.0 * k for k in range(1, 11)]
    assert tl["net_position"]["MSFT"] == [0.0] * 3 + [-50.0] * 7
    assert tl["pnl"]["realized"] == [1.5 * k for k in range(1, 11)]
    assert [p["symbol"] for p in doc["final_positions"]] == ["AAPL", "MSFT"]

    assert doc["rejects_source"] == "audit"
    assert doc["rejects_by_reason"] == REJECTS_IN_AUDIT
    assert list(doc["rejects_by_reason"]) == ["price_band", "max_position", "order_rate"]  # most first
    assert doc["counter_rejects_by_reason"] == REJECTS_IN_AUDIT

    kills = doc["kill_events"]
    assert [(k["action"], k["state"], k["trigger"]) for k in kills] == [
        ("trip", "halted", "daily_loss"),
        ("step", "halted", "daily_loss"),
        ("resume", "active", None),
    ]
    assert kills[0]["value"] == "-500.0000"
    assert kills[1]["detail"] == "cancel_all_issued"
    assert kills[0]["wall_ns"] == recorded["kill"].wall_ns
    assert kills[2]["wall_ns"] == recorded["resume"].wall_ns
    assert kills[0]["t_s"] == pytest.approx((recorded["kill"].wall_ns - recorded["t0"]) / 1e9)
    assert all(k["source"] == "audit" for k in kills)

    assert doc["audit"]["records_in_session"] == len(recorded["entries"])
    assert doc["audit"]["counts_by_type"]["order_submitted"] == 3
    assert doc["audit"]["counts_by_type"]["fill"] == 2
    assert [c["state"] for c in doc["state_changes"]] == ["starting", "running", "halted", "running"]
    assert doc["fix_sessions"] == [
        {"wall_ns": recorded["t0"] + 300_000_000, "t_s": 0.3, "name": "VENUE", "up": True}
    ]
    assert [p["phase"] for p in doc["shutdown"]] == ["cancel", "cancelled", "audit_flushed"]
    assert doc["warnings"] == []


def test_without_audit_log_rejects_and_kills_come_from_the_performance_log(recorded: dict[str, Any]) -> None:
    r = rpt.build_report(recorded["log"])
    assert r.rejects_source == "counters"
    assert r.rejects_by_reason == REJECTS_IN_AUDIT
    assert [(k.action, k.state, k.reason, k.source) for k in r.kill_events] == [
        ("trip", "halted", "daily loss limit", "performance_log"),
        ("resume", "running", "resumed by operator", "performance_log"),
    ]
    assert r.summary.kill_events == 1
    assert r.audit is None
    assert any("no audit log given" in n for n in r.notes)


def test_session_percentiles_mix_the_intervals() -> None:
    same = [(10, 100.0, 200.0, 300.0, 400.0), (30, 100.0, 200.0, 300.0, 400.0)]
    assert [rpt.mixed_quantile(same, q) for q in (0.5, 0.99, 0.999)] == [100.0, 200.0, 300.0]
    assert rpt.mixed_quantile(same, 1.0) == 400.0
    # Equal counts, medians 100 and 300, both far below the other's p99: the
    # mixture's median is where the two CDFs average 0.5.
    apart = [(1, 100.0, 1000.0, 1000.0, 1000.0), (1, 300.0, 1000.0, 1000.0, 1000.0)]
    median = rpt.mixed_quantile(apart, 0.5)
    assert median is not None and 100.0 < median < 300.0
    # A heavy interval pulls the estimate towards its own value.
    heavy = [(1, 100.0, 1000.0, 1000.0, 1000.0), (1000, 300.0, 1000.0, 1000.0, 1000.0)]
    assert rpt.mixed_quantile(heavy, 0.5) == pytest.approx(300.0, abs=1.0)
    assert rpt.mixed_quantile([], 0.5) is None
    assert rpt.mixed_quantile([(0, 1.0, 2.0, 3.0, 4.0)], 0.5) is None


# ---- the page and the CLI ---------------------------------------------------------------------


def test_cli_writes_the_page_and_every_figure(run_hft, recorded: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "rep"
    res = run_hft(
        "report", "--log", str(recorded["log"]), "--audit", str(recorded["audit"]), "--out", str(out)
    )
    assert res.returncode == 0, res.stderr
    assert Path(res.stdout.strip().splitlines()[-1]) == (out / "report.html").resolve()
    text = assert_complete_page(out)
    for shown in ("tick-to-trade p50 / p99 / p99.9", "2.4 µs / 5.1 µs / 9.8 µs", "daily_loss", "price_band"):
        assert shown in text
    assert json.loads((out / "report.json").read_text()) == rpt.to_json(
        rpt.build_report(recorded["log"], [recorded["audit"]])
    )


def test_cli_json_matches_the_api_and_writes_nothing_without_out(
    recorded: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    before = set(tmp_path.iterdir())
    args = ["--log", str(recorded["log"]), "--audit", str(recorded["audit"]), "--json"]
    res = CliRunner().invoke(report_cmd, args)
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == rpt.to_json(rpt.build_report(recorded["log"], [recorded["audit"]]))
    assert set(tmp_path.iterdir()) == before

    res = CliRunner().invoke(report_cmd, [*args, "--out", str(tmp_path / "j")])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["summary"]["kill_events"] == 1  # stdout stays JSON
    assert_complete_page(tmp_path / "j")


def test_default_out_folder_and_paths_from_the_configuration(
    recorded: dict[str, Any], shipped_system: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = json.loads(shipped_system.read_text())
    doc["logging"]["performance_log_path"] = str(recorded["log"])
    doc["logging"]["audit_log_path"] = str(recorded["audit"])
    shipped_system.write_text(json.dumps(doc))
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    res = CliRunner().invoke(report_cmd, ["--config", str(shipped_system)])
    assert res.exit_code == 0, res.output
    (folder,) = work.iterdir()
    assert folder.name.startswith("hft-report-")
    assert Path(res.stdout.strip().splitlines()[-1]) == (folder / "report.html").resolve()
    assert json.loads((folder / "report.json").read_text())["rejects_source"] == "audit"

    missing = CliRunner().invoke(report_cmd, ["--config", str(tmp_path / "nope.json")])
    assert missing.exit_code == 2
    assert "does not exist" in missing.stderr


# ---- sessions ---------------------------------------------------------------------------------

HEADER = struct.Struct("<8sHHHHIIqQdQqQ32s20x")
RECORD = struct.Struct("<IBBBBQQqQQqiHH")
BASE = 1_700_000_000_000_000_000


def handmade_segment(path: Path, created: int, records: list[tuple[int, ...]]) -> Path:
    """A segment laid out as docs/audit_log.md describes it, with chosen wall times (as test_audit does)."""
    head = HEADER.pack(
        b"HFTAUDIT", audit.FORMAT_VERSION, 128, 64, 0, 1, 0, created, 1, 3e9, 0, created, 0, b"hand"
    )
    out = bytearray(head + struct.pack("<I", zlib.crc32(head)))
    for fields in records:
        body = RECORD.pack(0, *fields)[4:]
        out += struct.pack("<I", zlib.crc32(body)) + body
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(out))
    return path


def reject(seq: int, wall: int, reason: str) -> tuple[int, ...]:
    #      type side state flags seq tsc wall order ref price qty symbol reason
    return (
        t_type("risk_reject"),
        S,
        0,
        0,
        seq,
        seq,
        wall,
        100 + seq,
        0,
        0,
        1,
        1,
        audit.REJECT_REASONS.index(reason),
    )


@pytest.fixture
def two_sessions(tmp_path: Path) -> dict[str, Path]:
    log = tmp_path / "performance.jsonl"
    first, second = BASE, BASE + 100 * SEC
    write_lines(log, session_lines(first, first + 3 * SEC, None))
    write_lines(log, session_lines(second, None, None))
    manual = audit.KILL_TRIGGERS.index("manual")
    a1 = handmade_segment(
        tmp_path / "run1" / "audit-000001.bin",
        first,
        [
            reject(1, first + 2 * SEC, "price_band"),
            reject(2, first + 2 * SEC + 5, "price_band"),
            (
                t_type("kill_switch"),
                0,
                KILL_HALTED,
                0,
                3,
                3,
                first + 3 * SEC,
                0,
                0,
                0,
                KILL_HALTED,
                0,
                manual,
            ),
        ],
    )
    a2 = handmade_segment(
        tmp_path / "run2" / "audit-000001.bin",
        second - SEC,
        [
            # Before the second session's starting line but after the first one stopped: the second's.
            (t_type("config_loaded"), 0, 0, 0, 1, 1, second - SEC, 0, 0, 0, 2, 0, 0),
            reject(2, second + 4 * SEC, "order_rate"),
        ],
    )
    return {"log": log, "a1": a1, "a2": a2}


def test_the_last_session_by_default_and_any_by_index(two_sessions: dict[str, Path]) -> None:
    paths = [two_sessions["a1"], two_sessions["a2"]]
    last = rpt.build_report(two_sessions["log"], paths)
    assert (last.summary.session, last.summary.sessions_in_log) == (1, 2)
    assert last.summary.start_ns == BASE + 100 * SEC
    assert last.rejects_by_reason == {"order_rate": 1}
    assert last.kill_events == []
    assert last.audit is not None and last.audit.counts_by_type == {"config_loaded": 1, "risk_reject": 1}

    first = rpt.build_report(two_sessions["log"], paths, session=0)
    assert first.summary.start_ns == BASE
    assert first.rejects_by_reason == {"price_band": 2}
    assert [(k.action, k.trigger, k.wall_ns) for k in first.kill_events] == [
        ("trip", "manual", BASE + 3 * SEC)
    ]
    assert rpt.to_json(rpt.build_report(two_sessions["log"], paths, session=-2)) == rpt.to_json(first)

    with pytest.raises(rpt.SessionNotFound, match="holds 2 session"):
        rpt.build_report(two_sessions["log"], paths, session=2)


def test_cli_session_option(run_hft, two_sessions: dict[str, Path]) -> None:
    common = ["report", "--log", str(two_sessions["log"]), "--audit", str(two_sessions["a1"])]
    common += ["--audit", str(two_sessions["a2"]), "--json"]
    default = run_hft(*common)
    assert default.returncode == 0, default.stderr
    assert json.loads(default.stdout)["summary"]["session"] == 1
    first = run_hft(*common, "--session", "0")
    assert first.returncode == 0, first.stderr
    doc = json.loads(first.stdout)
    assert (doc["summary"]["session"], doc["rejects_by_reason"]) == (0, {"price_band": 2})
    absent = run_hft(*common, "--session", "7")
    assert absent.returncode == 1
    assert "holds 2 session(s)" in absent.stderr and absent.stdout == ""


# ---- bad and empty input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b"", b"\n\n", b"\x00\x01\xff\xfe garbage \x89PNG\n" * 50, b'not json\n[1, 2]\n{"event": "telemetry"}\n'],
    ids=["empty", "blank", "binary", "no-valid-line"],
)
def test_nothing_to_report_exits_1(run_hft, tmp_path: Path, content: bytes) -> None:
    log = tmp_path / "performance.jsonl"
    log.write_bytes(content)
    with pytest.raises(rpt.NothingToReport, match="no performance-log lines"):
        rpt.build_report(log)
    out = tmp_path / "out"
    res = run_hft("report", "--log", str(log), "--out", str(out))
    assert res.returncode == 1
    assert "no performance-log lines" in res.stderr
    assert not out.exists()


def test_missing_log_exits_1(run_hft, tmp_path: Path) -> None:
    res = run_hft("report", "--log", str(tmp_path / "absent.jsonl"), "--json")
    assert res.returncode == 1
    assert "absent.jsonl does not exist" in res.stderr


def test_malformed_lines_are_counted_and_skipped(recorded: dict[str, Any], tmp_path: Path) -> None:
    log = tmp_path / "damaged.jsonl"
    good = [json.loads(x) for x in recorded["log"].read_text().splitlines()]
    bad_telemetry = telemetry(recorded["t0"] + 5 * SEC + 7, 3)
    bad_telemetry["latency_ns"]["tick_to_trade"]["p99"] = "fast"
    garbage = ["not json {", "[1, 2, 3]", json.dumps({"event": "telemetry"}), json.dumps(bad_telemetry)]
    write_lines(log, good[:6])
    write_lines(log, [], garbage)
    write_lines(log, good[6:])
    with log.open("a") as f:
        f.write('{"ts": "2026-')  # the daemon in the middle of a line
    r = rpt.build_report(log, [recorded["audit"]])
    assert r.summary.malformed_lines == 5
    assert r.log.unparsed_lines == 4 and r.log.truncated_tail  # the bad snapshot is valid JSON
    assert r.summary.telemetry_snapshots == 10  # the bad snapshot is not among them
    assert r.summary.tick_to_trade_p99 == TTT["p99"]
    assert any("5 malformed line(s)" in w for w in r.warnings)
    assert any("incomplete" in w for w in r.warnings)

    res = CliRunner().invoke(report_cmd, ["--log", str(log), "--audit", str(recorded["audit"]), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["summary"]["malformed_lines"] == 5
    assert "5 malformed line(s)" in res.stderr


def test_a_session_without_data_renders_with_notes(run_hft, tmp_path: Path) -> None:
    log = write_lines(
        tmp_path / "performance.jsonl",
        [
            starting(BASE),
            line("stopped", BASE + SEC, exit_code=1, exit_reason="config", reason="bad symbols"),
        ],
    )
    out = tmp_path / "out"
    res = run_hft("report", "--log", str(log), "--audit", str(tmp_path / "no-audit.bin"), "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert "no-audit.bin: no such file or segments" in res.stderr
    text = assert_complete_page(out)
    assert "no telemetry lines in this session" in text
    assert "no kill-switch events in this session" in text
    doc = json.loads((out / "report.json").read_text())
    assert doc["summary"]["telemetry_snapshots"] == 0
    assert doc["summary"]["tick_to_trade_p50"] is None
    assert doc["summary"]["exit_reason"] == "config"
    assert doc["audit"]["missing"] == [str(tmp_path / "no-audit.bin")]
    assert doc["latency"] == {} and doc["kill_events"] == []


def test_an_empty_session_renders_through_the_api(tmp_path: Path) -> None:
    # Telemetry with no samples, no positions and no pnl: every figure still draws.
    log = write_lines(
        tmp_path / "p.jsonl",
        [
            starting(BASE),
            line("telemetry", BASE + SEC, state="running", interval_s=1.0, counters={}, rates={}),
        ],
    )
    report = rpt.build_report(log)
    assert "no latency samples in this session" in report.notes
    assert "no positions in this session" in report.notes
    page = report_html.write_html(report, tmp_path / "o")
    assert page == tmp_path / "o" / "report.html"
    assert_complete_page(tmp_path / "o")


def test_the_daemons_own_shutdown_is_not_counted_as_a_kill() -> None:
    def entry(reason: str, state: str) -> audit.AuditEntry:
        return audit.AuditEntry(
            seq=1, type="kill_switch", wall_ns=BASE, tsc=0, order_id=0, ref_id=0, side=None, symbol=0,
            price_raw=0, qty=0, state=state, reason=reason, detail=None, flags=0, type_code=16, reason_code=0,
        )  # fmt: skip

    events = rpt._kill_events_from_audit([entry("manual", "halted"), entry("shutdown", "halted")], BASE)
    assert [e.action for e in events] == ["trip", "shutdown"]
