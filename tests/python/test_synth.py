"""``hft synth itch``: deterministic files, valid MoldUDP64 for a third-party dissector, clear errors."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_seed_gives_the_same_file(run_hft, tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.itch", tmp_path / "b.itch", tmp_path / "c.itch"
    for out, seed in ((a, 5), (b, 5), (c, 6)):
        r = run_hft(
            "synth", "itch", "--seed", str(seed), "--messages", "20000", "--symbols", "7", "--out", str(out)
        )
        assert r.returncode == 0, r.stderr
    assert _sha(a) == _sha(b)
    assert _sha(a) != _sha(c)


def test_json_summary_and_gzip(run_hft, tmp_path: Path) -> None:
    out = tmp_path / "feed.itch.gz"
    r = run_hft("synth", "itch", "--messages", "5000", "--symbols", "3", "--out", str(out), "--json")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["messages"] == 5000
    assert summary["format"] == "itch50"
    assert out.read_bytes()[:2] == b"\x1f\x8b"


def test_impossible_options_are_usage_errors(run_hft, tmp_path: Path) -> None:
    r = run_hft("synth", "itch", "--messages", "10", "--symbols", "100", "--out", str(tmp_path / "x.itch"))
    assert r.returncode == 2
    assert "at least" in r.stderr
    r = run_hft("synth", "itch", "--messages", "1000", "--out", str(tmp_path / "no" / "such" / "dir.itch"))
    assert r.returncode == 3
    assert "cannot create" in r.stderr


def test_tshark_reads_the_pcap_as_moldudp64(run_hft, tmp_path: Path) -> None:
    assert shutil.which("tshark"), "tshark is a peer check; scripts/bootstrap.sh installs it"
    out = tmp_path / "feed.pcap"
    r = run_hft("synth", "itch", "--messages", "20000", "--symbols", "5", "--out", str(out), "--pcap")
    assert r.returncode == 0, r.stderr
    fields = subprocess.run(
        [
            "tshark",
            "-r",
            str(out),
            "-d",
            "udp.port==26477,moldudp64",
            "-T",
            "fields",
            "-e",
            "moldudp64.session",
            "-e",
            "moldudp64.sequence",
            "-e",
            "moldudp64.count",
            "-e",
            "_ws.malformed",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout.splitlines()
    rows = [line.split("\t") for line in fields]
    assert all(row[0] == "HFTSYNTH01" for row in rows)
    assert all(len(row) < 4 or row[3] == "" for row in rows), "tshark found a malformed packet"
    # Sequence numbers are consecutive across packets and cover every message.
    expected = 1
    for _, seq, count, *_ in rows[:-1]:
        assert int(seq) == expected
        expected += int(count)
    assert expected - 1 == 20000
    assert rows[-1][2] == "65535", "the last packet is end-of-session"
