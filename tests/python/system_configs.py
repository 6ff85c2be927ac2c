"""Matching engine and venue configurations for tests that run both as
processes on loopback: the shipped demo pair with free ports and a
temporary state folder."""

from __future__ import annotations

import json
import socket
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def venue_config(tmp: Path, name: str, line_a: int, line_b: int, retransmission: int) -> Path:
    config = json.loads((REPO / "config/demo/venue.json").read_text())
    config["name"] = name
    config["order_entry"]["port"] = 0
    config["order_entry"]["sessions"][0]["store"] = str(tmp / "venue-store")
    config["market_data"]["lines"] = [
        {"ip": "127.0.0.1", "port": line_a},
        {"ip": "127.0.0.1", "port": line_b, "drop_probability": 0.01, "fault_seed": 5},
    ]
    config["market_data"]["retransmission"] = {"ip": "127.0.0.1", "port": retransmission}
    config["market_data"]["heartbeat_ms"] = 100
    config["flow"]["messages_per_second"] = 3000
    path = tmp / "venue.json"
    path.write_text(json.dumps(config))
    return path


def engine_config(tmp: Path, instance: str, ports: dict[str, int], layout: str = "run_to_completion") -> Path:
    config = json.loads((REPO / "config/demo/system_config.json").read_text())
    config["instance"]["name"] = instance
    config["network"]["udp_port"] = ports["line_a"]
    config["market_data"]["line_b"]["port"] = ports["line_b"]
    config["market_data"]["retransmission"]["port"] = ports["retransmission"]
    config["fix"]["sessions"][0]["port"] = ports["fix"]
    config["cpu"]["network_cores"] = [0]
    if layout == "pipeline":
        # The network core relays datagrams to the engine core through a ring.
        config["cpu"] = {"layout": "pipeline", "network_cores": [0], "strategy_cores": [1]}
    if layout == "dpdk":
        # Line A through a DPDK port: the pcap PMD on the host's loopback sees
        # the venue's datagrams. Their UDP checksums are left for a NIC to
        # fill, so software verification is off; line B needs a kernel socket
        # and a second port, so this run has line A and retransmission only.
        config["network"].update(
            {
                "kernel_bypass": "dpdk",
                "interface": "net_pcap0",
                "dpdk": {
                    "vdevs": ["net_pcap0,iface=lo"],
                    "no_huge": True,
                    "no_pci": True,
                    "in_memory": True,
                    "file_prefix": instance,
                    "verify_udp_checksum": False,
                },
            }
        )
        config["market_data"]["line_b"]["port"] = 0
    # The demo's symbol file marks TSLA not tradable (a restricted list): the
    # risk chain must refuse the taker's TSLA orders while the rest trades.
    config["strategies"][1]["liquidity_taker"]["imbalance_threshold_bps"] = 1000
    config["strategies"][1]["liquidity_taker"]["cooldown_ms"] = 5
    config["symbols_file"] = str(REPO / "config/demo/symbol_config.json")
    config["logging"]["telemetry_interval_ms"] = 200
    path = tmp / "system_config.json"
    path.write_text(json.dumps(config))
    return path
