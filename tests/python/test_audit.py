"""The audit log from Python: the reader API, the documented file format, and ``hft audit``."""

from __future__ import annotations

import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import numpy as np
import pytest

from hft import audit
from hft._core import audit as native

B, S = ord("B"), ord("S")
LIMIT_DAY = (ord("2") << 8) | ord("0")


def write_session(base: Path, **writer_args: object) -> list[int]:
    """A short trading session through the real writer; returns the order ids."""
    with native.Writer(str(base), fsync="never", instance="pytest", **writer_args) as w:
        w.record(audit.TYPE_NAMES.index("config_loaded"), ref_id=0xC0FFEE, qty=3)
        w.record(2, order_id=11, price=1_234_500, qty=100, side=B, state=1, reason=LIMIT_DAY)
        w.record(4, order_id=11, ref_id=555, price=1_234_500, qty=100, side=B, state=2)
        w.record(6, order_id=11, ref_id=9001, price=1_234_600, qty=40, side=B, state=3)
        w.record(2, order_id=12, price=99_990_000, qty=5, side=S, state=1, reason=LIMIT_DAY)
        w.record(3, order_id=13, price=1, qty=7, side=S, reason=audit.REJECT_REASONS.index("price_band"))
        w.record(10, order_id=11, ref_id=14, price=1_234_000, qty=60, side=B, state=5)
        w.record(11, order_id=14, ref_id=11, price=1_234_000, qty=60, side=B, state=2)
        w.record(16, price=-5_000_000, qty=2, state=2, reason=audit.KILL_TRIGGERS.index("daily_loss"))
    return [11, 12, 13, 14]


@pytest.fixture
def session(tmp_path: Path) -> Path:
    base = tmp_path / "audit.bin"
    write_session(base)
    return base


def segment(base: Path, index: int = 1) -> Path:
    return base.with_name(f"{base.stem}-{index:06d}{base.suffix}")


# ---- the reader API --------------------------------------------------------------


def test_round_trip_through_the_bindings(session: Path) -> None:
    result = audit.read([session])
    assert not result.report.damaged
    assert result.report.records == 9
    assert [e.seq for e in result.entries] == list(range(1, 10))
    submit = result.entries[1]
    assert submit.type == "order_submitted"
    assert submit.order_id == 11
    assert submit.side == "buy"
    assert submit.price == "123.4500"
    assert submit.state == "pending_new"
    assert submit.detail == "limit day"
    reject = result.entries[5]
    assert (reject.type, reject.reason, reject.price) == ("risk_reject", "price_band", "0.0001")
    kill = result.entries[-1]
    assert (kill.type, kill.state, kill.reason, kill.price) == (
        "kill_switch",
        "halted",
        "daily_loss",
        "-500.0000",
    )
    times = [e.wall_ns for e in result.entries]
    assert times == sorted(times)
    assert abs(times[0] - time.time_ns()) < 60 * 10**9
    assert result.records.dtype == audit.RECORD_DTYPE
    header = result.report.segments[0]
    assert (header.segment_index, header.first_seq, header.instance) == (1, 1, "pytest")


def test_record_crc_is_zlib_crc32_of_bytes_4_to_64(session: Path) -> None:
    data = segment(session).read_bytes()
    assert data[:8] == audit.MAGIC
    (header_crc,) = struct.unpack_from("<I", data, 124)
    assert header_crc == zlib.crc32(data[:124])
    body = data[audit.HEADER_SIZE :]
    assert len(body) == 9 * audit.RECORD_SIZE
    for k in range(9):
        rec = body[k * 64 : (k + 1) * 64]
        assert struct.unpack_from("<I", rec)[0] == zlib.crc32(rec[4:])


def test_filters(session: Path) -> None:
    all_entries = audit.read([session]).entries
    about_11 = audit.read([session], order=11).entries
    # Its own records, and the replace that names it in ref_id.
    assert [e.type for e in about_11] == [
        "order_submitted",
        "order_acked",
        "fill",
        "replace_requested",
        "replaced",
    ]
    assert audit.read([session], order=999).entries == []
    cut = all_entries[4].wall_ns
    assert [e.seq for e in audit.read([session], since=cut).entries] == [5, 6, 7, 8, 9]


def test_parse_and_format_time() -> None:
    ns = audit.parse_time("2026-01-02T03:04:05.123456789Z")
    assert ns == 1_767_323_045_123_456_789
    assert audit.format_time(ns) == "2026-01-02T03:04:05.123456789Z"
    assert audit.parse_time("2026-01-02T05:04:05.123456789+02:00") == ns
    assert audit.parse_time("2026-01-02 03:04:05.123456789") == ns
    assert audit.parse_time("2026-01-02") == 1_767_312_000_000_000_000
    assert audit.parse_time(str(ns)) == ns
    with pytest.raises(ValueError, match="yesterday"):
        audit.parse_time("yesterday")


def test_format_price_is_exact() -> None:
    assert audit.format_price(1_234_500) == "123.4500"
    assert audit.format_price(-1) == "-0.0001"
    assert audit.format_price(0) == "0.0000"
    assert audit.format_price(2**62) == "461168601842738.7904"


def test_name_tables_come_from_the_engine() -> None:
    assert audit.TYPE_NAMES[0] == "invalid"
    assert audit.TYPE_NAMES[19] == "ring_overflow"
    assert audit.REJECT_REASONS[15] == "price_band"
    assert audit.ANOMALIES[4] == "overfill"
    assert audit.KILL_TRIGGERS[1] == "manual"
    assert audit.ORDER_STATES[6] == "filled"
    assert audit.KILL_STATES == ["active", "reducing", "halted"]
    assert audit.ORDER_TYPES[ord("2")] == "limit"


def test_ring_drops_are_counted_in_the_file(tmp_path: Path) -> None:
    base = tmp_path / "audit.bin"
    w = native.Writer(str(base), fsync="never", on_ring_full="drop")
    recs = np.zeros(native.RING_CAPACITY + 10, dtype=audit.RECORD_DTYPE)
    recs["type"] = 2
    recs["order_id"] = np.arange(len(recs))
    w.record_array(recs)  # before start: the ring fills, the rest are dropped
    assert w.stats["dropped"] == 10
    w.start()
    w.stop()
    result = audit.read([base])
    assert result.report.ring_dropped == 10
    overflow = [e for e in result.entries if e.written_by_writer]
    assert len(overflow) == 1
    assert (overflow[0].type, overflow[0].ref_id) == ("ring_overflow", 10)


def test_follower_sees_new_records_and_segments(tmp_path: Path) -> None:
    base = tmp_path / "audit.bin"
    one_record_mb = (audit.HEADER_SIZE + 4 * audit.RECORD_SIZE) / 2**20  # 4 records per segment
    with native.Writer(str(base), fsync="never", segment_size_mb=one_record_mb) as w:
        for i in range(3):
            w.record(2, order_id=i)
        _wait_written(w, 3)
        follower = audit.Follower([base])
        assert [e.order_id for e in follower.poll()] == [0, 1, 2]
        for i in range(3, 10):
            w.record(2, order_id=i)
        _wait_written(w, 10)
        assert [e.order_id for e in follower.poll()] == list(range(3, 10))
        assert follower.poll() == []
    assert len(follower.files) == 3
    assert not follower.report.damaged


def _wait_written(w: native.Writer, n: int) -> None:
    deadline = time.monotonic() + 30
    while w.stats["records_written"] < n and time.monotonic() < deadline:
        time.sleep(0.001)
    assert w.stats["records_written"] >= n


# ---- a file written by hand from the documented format ------------------------------

HEADER = struct.Struct("<8sHHHHIIqQdQqQ32s20x")
RECORD = struct.Struct("<IBBBBQQqQQqiHH")


def handmade_segment(path: Path, records: list[tuple[int, ...]]) -> None:
    """Header and records exactly as docs/audit_log.md describes them."""
    head = HEADER.pack(
        b"HFTAUDIT",
        audit.FORMAT_VERSION,
        128,
        64,
        0,
        1,
        0,
        1_700_000_000_000_000_000,
        1,
        3e9,
        0,
        0,
        0,
        b"hand",
    )
    out = bytearray(head + struct.pack("<I", zlib.crc32(head)))
    for fields in records:
        body = RECORD.pack(0, *fields)[4:]
        out += struct.pack("<I", zlib.crc32(body)) + body
    path.write_bytes(bytes(out))


def test_reader_accepts_a_file_written_from_the_documentation(tmp_path: Path, run_hft) -> None:
    seg = tmp_path / "hand-000001.log"
    wall = 1_700_000_000_000_000_000
    #         type side state flags seq tsc wall order ref price qty symbol reason
    handmade_segment(
        seg,
        [
            (2, B, 1, 0, 1, 10, wall, 42, 0, 1_000_000, 300, 7, LIMIT_DAY),
            (6, B, 6, 0, 2, 20, wall + 5, 42, 77, 999_900, 300, 7, 0),
        ],
    )
    out = run_hft("audit", "--json", str(seg))
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert [r["type"] for r in doc["records"]] == ["order_submitted", "fill"]
    fill = doc["records"][1]
    assert (fill["price"], fill["qty"], fill["symbol"], fill["state"]) == ("99.9900", 300, 7, "filled")
    assert fill["time"] == "2023-11-14T22:13:20.000000005Z"
    assert doc["report"]["segments"][0]["instance"] == "hand"


# ---- hft audit ---------------------------------------------------------------------


def test_cli_json_output(run_hft, session: Path) -> None:
    out = run_hft("audit", "--json", str(session))
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert len(doc["records"]) == 9
    assert doc["records"][1]["price"] == "123.4500"
    assert doc["report"]["damaged"] is False
    assert doc["report"]["records"] == 9
    assert "9 records read" in doc["summary"]


def test_cli_text_output_and_summary(run_hft, session: Path) -> None:
    out = run_hft("audit", str(session.parent))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("time (UTC)")
    assert "order_submitted" in lines[2] and "123.4500" in lines[2] and "limit day" in lines[2]
    assert "9 records read (9 shown) from 1 segment(s)" in out.stdout


def test_cli_filters(run_hft, session: Path) -> None:
    out = run_hft("audit", "--json", "--order", "11", str(session))
    assert out.returncode == 0, out.stderr
    assert {r["order_id"] for r in json.loads(out.stdout)["records"]} == {11, 14}

    records = audit.read([session]).entries
    cut = records[6]
    for since in (str(cut.wall_ns), cut.time):
        out = run_hft("audit", "--json", "--since", since, str(session))
        assert out.returncode == 0, out.stderr
        assert [r["seq"] for r in json.loads(out.stdout)["records"]] == [7, 8, 9]


def test_cli_torn_tail_exits_one_and_prints_every_good_record(run_hft, session: Path) -> None:
    seg = segment(session)
    os.truncate(seg, seg.stat().st_size - 10)  # the crash came mid-record
    out = run_hft("audit", "--json", str(session))
    assert out.returncode == 1
    doc = json.loads(out.stdout)
    assert len(doc["records"]) == 8
    assert doc["report"]["torn_tail_bytes"] == 54
    assert doc["report"]["torn"][0]["offset"] == audit.HEADER_SIZE + 8 * audit.RECORD_SIZE

    text = run_hft("audit", str(session))
    assert text.returncode == 1
    assert "torn tail" in text.stderr
    assert text.stdout.count("\n") >= 9  # header, 8 records, summary


def test_cli_corrupt_record_exits_one(run_hft, session: Path) -> None:
    seg = segment(session)
    data = bytearray(seg.read_bytes())
    data[audit.HEADER_SIZE + 3 * audit.RECORD_SIZE + 40] ^= 0xFF
    seg.write_bytes(bytes(data))
    out = run_hft("audit", "--json", str(session))
    assert out.returncode == 1
    doc = json.loads(out.stdout)
    assert [r["seq"] for r in doc["records"]] == [1, 2, 3, 5, 6, 7, 8, 9]
    assert doc["report"]["corrupt"] == [{"file": str(seg), "offset": audit.HEADER_SIZE + 3 * 64}]
    text = run_hft("audit", str(session))
    assert "corrupt record" in text.stderr


def test_cli_wrong_file_is_named(run_hft, tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("x" * 500)
    out = run_hft("audit", str(other))
    assert out.returncode == 1
    assert "not an audit segment" in out.stderr
    assert "notes.txt" in out.stderr


def test_cli_usage_errors(run_hft, tmp_path: Path, session: Path) -> None:
    assert run_hft("audit").returncode == 2
    missing = run_hft("audit", str(tmp_path / "nothing.bin"))
    assert missing.returncode == 2
    assert "nothing.bin" in missing.stderr
    bad_since = run_hft("audit", "--since", "last tuesday", str(session))
    assert bad_since.returncode == 2
    assert "last tuesday" in bad_since.stderr


def test_cli_follow_prints_new_records_until_interrupted(tmp_path: Path) -> None:
    exe = shutil.which("hft", path=str(Path(sys.executable).parent))
    assert exe
    base = tmp_path / "audit.bin"
    with native.Writer(str(base), fsync="never") as w:
        w.record(2, order_id=1)
        _wait_written(w, 1)
        proc = subprocess.Popen(
            [exe, "audit", "--follow", "--json", str(base)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert proc.stdout is not None
            first = json.loads(proc.stdout.readline())
            assert first["order_id"] == 1
            w.record(2, order_id=2)
            second = json.loads(proc.stdout.readline())
            assert second["order_id"] == 2
        finally:
            proc.send_signal(signal.SIGINT)
            stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 0, stderr
    final = json.loads(stdout.splitlines()[-1])
    assert final["report"]["records"] == 2


def test_follow_generator_yields_existing_records_then_stops(session: Path) -> None:
    seen = list(audit.follow([session], order=11, poll_interval=0.01, stop=lambda: True))
    assert [e.seq for e in seen] == [2, 3, 4, 7, 8]
