"""The hft command line, run as a separate process like an operator runs it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from hft import __version__
from hft.paths import find_binary


def test_help_lists_commands(run_hft) -> None:
    out = run_hft("--help")
    assert out.returncode == 0
    for command in ("version", "config", "clock"):
        assert command in out.stdout


def test_unknown_command_is_a_usage_error(run_hft) -> None:
    assert run_hft("frobnicate").returncode == 2


def test_version_json(run_hft) -> None:
    out = run_hft("version", "--json")
    assert out.returncode == 0
    info = json.loads(out.stdout)
    assert info["version"] == __version__
    assert "Release" in info["build"]


def test_config_check_valid_exits_zero(run_hft, config_dir: Path) -> None:
    out = run_hft("config", "check", str(config_dir / "system_config.json"), "--cpu-count", "2")
    assert out.returncode == 0, out.stderr
    assert "valid" in out.stdout


def test_config_check_invalid_exits_one_and_names_the_problem(run_hft, shipped_system: Path) -> None:
    doc = json.loads(shipped_system.read_text())
    doc["cpu"]["network_cores"] = [1, 1]
    shipped_system.write_text(json.dumps(doc))
    out = run_hft("config", "check", str(shipped_system), "--cpu-count", "2")
    assert out.returncode == 1
    assert "cpu.network_cores[1]" in out.stderr
    assert "unique_items" in out.stderr


def test_config_check_json_output(run_hft, shipped_system: Path, config_dir: Path) -> None:
    doc = json.loads(shipped_system.read_text())
    doc["risk"]["max_daily_loss"] = 0
    shipped_system.write_text(json.dumps(doc))
    out = run_hft(
        "config",
        "check",
        "--json",
        "--cpu-count",
        "2",
        str(config_dir / "system_config.json"),
        str(shipped_system),
    )
    assert out.returncode == 1
    report = json.loads(out.stdout)
    assert report["ok"] is False
    good, bad = report["files"]
    assert good["ok"] is True
    assert bad["errors"] == [
        {
            "file": str(shipped_system),
            "path": "risk.max_daily_loss",
            "rule": "minimum",
            "message": "must be greater than 0",
            "value": "0",
        }
    ]


def test_render_output_is_accepted_by_the_daemon(run_hft, config_dir: Path, tmp_path: Path) -> None:
    """YAML in, one JSON file out, and hft_system (C++) validates it the same way."""
    import yaml

    system = json.loads((config_dir / "system_config.json").read_text())
    symbols = json.loads((config_dir / "symbol_config.json").read_text())
    system.pop("symbols_file")
    system["symbols"] = symbols["symbols"]
    system["cpu"]["network_cores"] = [0]
    src = tmp_path / "system.yaml"
    src.write_text(yaml.safe_dump(system))
    rendered = tmp_path / "rendered.json"
    out = run_hft("config", "render", str(src), "-o", str(rendered))
    assert out.returncode == 0, out.stderr
    daemon = subprocess.run(
        [str(find_binary("hft_system")), "--config", str(rendered), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert daemon.returncode == 0, daemon.stderr
    assert "valid" in daemon.stdout


def test_daemon_and_cli_report_the_same_errors(run_hft, shipped_system: Path) -> None:
    doc = json.loads(shipped_system.read_text())
    doc["risk"]["max_order_quantity"] = 50000
    doc["logging"]["levle"] = "info"
    shipped_system.write_text(json.dumps(doc))
    cli = json.loads(run_hft("config", "check", "--json", str(shipped_system)).stdout)["files"][0]["errors"]
    daemon = subprocess.run(
        [str(find_binary("hft_system")), "--config", str(shipped_system), "--check", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert daemon.returncode == 1
    assert json.loads(daemon.stdout)["errors"] == cli


def test_schema_command_prints_json_schema(run_hft) -> None:
    out = run_hft("config", "schema", "symbols")
    assert out.returncode == 0
    schema = json.loads(out.stdout)
    assert schema["title"] == "hft symbol configuration"


def test_clock_json(run_hft) -> None:
    out = run_hft("clock", "--json", "--samples", "2", "--window-ms", "20")
    report = json.loads(out.stdout)
    assert out.returncode == (0 if report["ok"] else 1)
    assert report["samples"] == 2
    assert report["tsc_mhz"] > 100


def test_daemon_help_and_version() -> None:
    for name in ("hft_system", "hft_venue"):
        exe = str(find_binary(name))
        help_out = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=30, check=False)
        assert help_out.returncode == 0 and "usage" in help_out.stdout
        ver = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30, check=False)
        assert ver.returncode == 0 and __version__ in ver.stdout
        bad = subprocess.run([exe, "--bogus"], capture_output=True, text=True, timeout=30, check=False)
        assert bad.returncode == 2, bad.stderr
        assert "--bogus" in bad.stderr
