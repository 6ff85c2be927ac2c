"""``hft replay`` against a small pure-Python reference book.

The reference follows the documented rules of ``OrderBook`` (unknown or duplicate
references refused, over-executions and over-cancels clamped, crossed adds kept),
decodes ITCH itself with ``struct``, and is compared with the C++ books level by
level on streams hypothesis draws: synthetic feeds of any seed, and hand-made
streams full of inconsistent messages.
"""

from __future__ import annotations

import json
import struct
from collections import defaultdict
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hft import feed


class ReferenceBooks:
    """Price -> (shares, orders) per side per symbol, from every resting order."""

    def __init__(self) -> None:
        self.symbols: dict[int, str] = {}
        self.orders: dict[int, tuple[int, str, int, int]] = {}  # ref -> locate, side, shares, price

    def apply(self, msg: bytes) -> None:
        t = chr(msg[0])
        locate = struct.unpack_from(">H", msg, 1)[0]
        if t == "R":
            self.symbols[locate] = msg[11:19].decode().rstrip()
            return
        if locate not in self.symbols:
            return
        if t in "AF":
            ref, side, shares = struct.unpack_from(">QcI", msg, 11)
            price = struct.unpack_from(">I", msg, 32)[0]
            if ref == 0 or ref in self.orders or shares == 0 or price == 0 or side not in (b"B", b"S"):
                return
            self.orders[ref] = (locate, side.decode(), shares, price)
        elif t in "ECX":
            ref, shares = struct.unpack_from(">QI", msg, 11)
            self._take(locate, ref, shares)
        elif t == "D":
            ref = struct.unpack_from(">Q", msg, 11)[0]
            if self._mine(locate, ref):
                del self.orders[ref]
        elif t == "U":
            old, new, shares, price = struct.unpack_from(">QQII", msg, 11)
            if not self._mine(locate, old) or new == 0 or (new in self.orders and new != old):
                return
            if shares == 0 or price == 0:
                return
            side = self.orders[old][1]
            del self.orders[old]
            self.orders[new] = (locate, side, shares, price)

    def _mine(self, locate: int, ref: int) -> bool:
        return ref in self.orders and self.orders[ref][0] == locate

    def _take(self, locate: int, ref: int, shares: int) -> None:
        if not self._mine(locate, ref) or shares == 0:
            return
        loc, side, resting, price = self.orders[ref]
        if shares >= resting:
            del self.orders[ref]  # a full or clamped execution/cancel removes the order
        else:
            self.orders[ref] = (loc, side, resting - shares, price)

    def books(self, depth: int) -> dict[str, dict[str, list[list[object]]]]:
        levels: dict[int, dict[str, dict[int, list[int]]]] = defaultdict(lambda: {"B": {}, "S": {}})
        for locate, side, shares, price in self.orders.values():
            lv = levels[locate][side].setdefault(price, [0, 0])
            lv[0] += shares
            lv[1] += 1
        return {
            self.symbols[locate]: {
                "bids": _rows(sides["B"], True, depth),
                "asks": _rows(sides["S"], False, depth),
            }
            for locate, sides in levels.items()
        }


def _rows(side: dict[int, list[int]], descending: bool, depth: int) -> list[list[object]]:
    prices = sorted(side, reverse=descending)[:depth]
    return [[f"{p // 10000}.{p % 10000:04d}", *side[p]] for p in prices]


def read_itch(path: Path) -> list[bytes]:
    data = path.read_bytes()
    msgs, at = [], 0
    while at + 2 <= len(data):
        n = struct.unpack_from(">H", data, at)[0]
        msgs.append(data[at + 2 : at + 2 + n])
        at += 2 + n
    return msgs


def reference_for(path: Path, depth: int) -> dict[str, dict[str, list[list[object]]]]:
    ref = ReferenceBooks()
    for m in read_itch(path):
        ref.apply(m)
    return ref.books(depth)


def native_books(path: Path, depth: int) -> tuple[dict[str, object], dict[str, int]]:
    r = feed.replay(path, depth=depth, order_capacity=1 << 16)
    return r.to_dict()["books"], r.errors


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32), symbols=st.integers(1, 12), messages=st.integers(200, 6000))
def test_synthetic_feeds_replay_exactly(tmp_path: Path, seed: int, symbols: int, messages: int) -> None:
    path = tmp_path / f"feed-{seed}-{symbols}-{messages}.itch"
    feed.synthesize(feed.SynthOptions(seed, max(messages, 6 + 2 * symbols), symbols, 50), path)
    books, errors = native_books(path, depth=1000)
    assert errors == {}, "a synthetic feed is self-consistent"
    assert books == reference_for(path, depth=1000)


# ---- hand-made streams with every kind of inconsistency ------------------------


def _directory(locate: int, name: str) -> bytes:
    body = struct.pack(">cHH6s8s", b"R", locate, 0, b"\0" * 6, name.ljust(8).encode())
    return body + b"QN" + struct.pack(">I", 100) + b"NCZ PNN1N" + struct.pack(">I", 0) + b"N"


def _add(locate: int, ref: int, side: bytes, shares: int, price: int) -> bytes:
    return struct.pack(">cHH6sQcI8sI", b"A", locate, 0, b"\0" * 6, ref, side, shares, b"SYM     ", price)


def _exec(locate: int, ref: int, shares: int) -> bytes:
    return struct.pack(">cHH6sQIQ", b"E", locate, 0, b"\0" * 6, ref, shares, 1)


def _cancel(locate: int, ref: int, shares: int) -> bytes:
    return struct.pack(">cHH6sQI", b"X", locate, 0, b"\0" * 6, ref, shares)


def _delete(locate: int, ref: int) -> bytes:
    return struct.pack(">cHH6sQ", b"D", locate, 0, b"\0" * 6, ref)


def _replace(locate: int, old: int, new: int, shares: int, price: int) -> bytes:
    return struct.pack(">cHH6sQQII", b"U", locate, 0, b"\0" * 6, old, new, shares, price)


message = st.one_of(
    st.builds(
        _add,
        st.integers(1, 3),
        st.integers(0, 40),
        st.sampled_from([b"B", b"S"]),
        st.integers(0, 500),
        st.integers(0, 20).map(lambda t: (100 + t) * 100),
    ),
    st.builds(_exec, st.integers(1, 3), st.integers(0, 40), st.integers(0, 600)),
    st.builds(_cancel, st.integers(1, 3), st.integers(0, 40), st.integers(0, 600)),
    st.builds(_delete, st.integers(1, 3), st.integers(0, 40)),
    st.builds(
        _replace,
        st.integers(1, 3),
        st.integers(0, 40),
        st.integers(0, 40),
        st.integers(0, 500),
        st.integers(0, 20).map(lambda t: (100 + t) * 100),
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.lists(message, min_size=1, max_size=300))
def test_inconsistent_streams_follow_the_documented_rules(tmp_path: Path, body: list[bytes]) -> None:
    msgs = [_directory(1, "AAA"), _directory(2, "BBB"), _directory(3, "CCC"), *body]
    assert all(len(m) == {"R": 39, "A": 36, "E": 31, "X": 23, "D": 19, "U": 35}[chr(m[0])] for m in msgs)
    path = tmp_path / "stream.itch"
    path.write_bytes(b"".join(struct.pack(">H", len(m)) + m for m in msgs))
    books, _ = native_books(path, depth=1000)
    assert books == reference_for(path, depth=1000)


def test_replay_cli_json_contract(run_hft, tmp_path: Path) -> None:
    path = tmp_path / "f.itch"
    feed.synthesize(feed.SynthOptions(9, 20000, 4, 100), path)
    r = run_hft("replay", str(path), "--json", "--depth", "3", "--symbol", "MSFT")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out) == {"messages", "errors", "books"}
    assert out["messages"] == 20000
    assert list(out["books"]) == ["MSFT"]
    bids, asks = out["books"]["MSFT"]["bids"], out["books"]["MSFT"]["asks"]
    assert 0 < len(bids) <= 3 and 0 < len(asks) <= 3
    assert all(len(p.split(".")[1]) == 4 for p, _, _ in bids + asks)
    assert float(bids[0][0]) < float(asks[0][0]), "uncrossed"
    assert [float(p) for p, _, _ in bids] == sorted((float(p) for p, _, _ in bids), reverse=True)


def test_replay_pcap_and_itch_agree_and_bbo_lines(run_hft, tmp_path: Path) -> None:
    itch, pcap = tmp_path / "f.itch", tmp_path / "f.pcap"
    feed.synthesize(feed.SynthOptions(4, 15000, 3, 80), itch)
    feed.synthesize(feed.SynthOptions(4, 15000, 3, 80), pcap, pcap=True)
    a = json.loads(run_hft("replay", str(itch), "--json").stdout)
    b = json.loads(run_hft("replay", str(pcap), "--json").stdout)
    assert a == b
    r = run_hft("replay", str(pcap), "--bbo", "--symbol", "AAPL")
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert lines and all(x["symbol"] == "AAPL" for x in lines)
    seqs = [x["seq"] for x in lines]
    assert seqs == sorted(seqs)
    last = lines[-1]
    top = a["books"]["AAPL"]
    assert last["bid"] == top["bids"][0][:2] and last["ask"] == top["asks"][0][:2]


def test_unreadable_input_is_a_runtime_error(run_hft, tmp_path: Path) -> None:
    bad = tmp_path / "x.pcap"
    bad.write_bytes(b"\xa1\xb2\xc3\xd4" + b"\0" * 3)
    r = run_hft("replay", str(bad), "--format", "pcap")
    assert r.returncode == 3
    assert str(bad) in r.stderr


# ---- hostile and damaged inputs (found in review) --------------------------------


def _udp_frame(payload: bytes, port: int) -> bytes:
    ip_len = 20 + 8 + len(payload)
    ip = bytearray(
        struct.pack(
            ">BBHHHBBH4s4s",
            0x45,
            0,
            ip_len,
            0,
            0x4000,
            64,
            17,
            0,
            bytes([10, 0, 0, 9]),
            bytes([10, 0, 0, 10]),
        )
    )
    total = sum(struct.unpack(">10H", bytes(ip)))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    ip[10:12] = struct.pack(">H", ~total & 0xFFFF)
    udp = struct.pack(">HHHH", 5000, port, 8 + len(payload), 0)
    return b"\x01\x00\x5e\x00\x00\x01" + b"\x02" * 6 + b"\x08\x00" + bytes(ip) + udp + payload


def test_other_traffic_in_a_capture_does_not_hide_the_feed(tmp_path: Path) -> None:
    clean = tmp_path / "clean.pcap"
    feed.synthesize(feed.SynthOptions(3, 5000, 2, 50), clean, pcap=True)
    data = clean.read_bytes()
    stray = _udp_frame(b"\0" * 20, 123)  # a 20-byte datagram that decodes as a heartbeat
    record = struct.pack("<IIII", 1, 0, len(stray), len(stray)) + stray
    dirty = tmp_path / "dirty.pcap"
    dirty.write_bytes(data[:24] + record + data[24:] + record)
    a, b = feed.replay(clean, order_capacity=1 << 16), feed.replay(dirty, order_capacity=1 << 16)
    assert b.messages == a.messages == 5000
    assert b.books == a.books
    assert b.errors == {"pcap_packets_before_data": 1, "pcap_other_flows": 1}


def _stream(*msgs: bytes) -> bytes:
    return b"".join(struct.pack(">H", len(m)) + m for m in msgs)


def test_tickers_are_reported_as_safe_unique_names(run_hft, tmp_path: Path) -> None:
    path = tmp_path / "odd.itch"
    weird = _directory(1, "A").replace(b"A       ", b'\xff"B\\    ')
    path.write_bytes(
        _stream(
            weird,
            _directory(2, "DUP"),
            _directory(3, "DUP"),
            _add(1, 1, b"B", 100, 1_000_000),
            _add(2, 2, b"B", 100, 1_000_000),
            _add(3, 3, b"S", 100, 1_010_000),
        )
    )
    r = run_hft("replay", str(path), "--json", "--depth", "4000000000")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out["books"]) == {"??B?", "DUP", "DUP#3"}
    assert out["errors"] == {"duplicate_symbol": 1}
    bbo = run_hft("replay", str(path), "--bbo")
    lines = [json.loads(line) for line in bbo.stdout.splitlines()]
    assert [x["symbol"] for x in lines] == ["??B?", "DUP", "DUP#3"]


def test_a_gzip_file_cut_short_is_reported(tmp_path: Path) -> None:
    import zlib

    whole = tmp_path / "f.itch"
    feed.synthesize(feed.SynthOptions(2, 20000, 2, 50), whole)
    z = zlib.compressobj(6, zlib.DEFLATED, 31)
    raw = whole.read_bytes()
    half = z.compress(raw[: len(raw) // 2]) + z.flush(zlib.Z_SYNC_FLUSH)
    cut = tmp_path / "cut.itch.gz"
    cut.write_bytes(half)
    r = feed.replay(cut, order_capacity=1 << 16)
    assert r.errors.get("gzip_truncated") == 1
    assert 0 < r.messages < 20000


def test_a_corrupt_pcapng_block_keeps_what_was_read(run_hft, tmp_path: Path) -> None:
    shb = struct.pack("<IIIHHqI", 0x0A0D0D0A, 28, 0x1A2B3C4D, 1, 0, -1, 28)
    idb = struct.pack("<IIHHII", 1, 20, 1, 0, 0, 20)
    bad = struct.pack("<II", 6, 13) + b"\0" * 8
    path = tmp_path / "bad.pcapng"
    path.write_bytes(shb + idb + bad)
    r = run_hft("replay", str(path), "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["errors"]["pcap_bad_blocks"] == 1
