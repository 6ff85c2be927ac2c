"""scripts/install.sh: --help, --dry-run that changes nothing, and a real
install from the build tree that scripts/test.sh built, into a temporary
--root (so neither root, apt, useradd nor systemctl are involved): files in
place, a second run that changes nothing, an operator's edited configuration
that survives, and a systemd unit that systemd-analyze accepts."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from build_paths import build_dir

REPO = Path(__file__).resolve().parents[2]
INSTALL = REPO / "scripts" / "install.sh"
STATUSES = {"ok", "changed", "would", "skipped", "warn", "fail"}


def install(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(INSTALL), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )


def steps(output: str) -> list[tuple[str, str, str]]:
    """(status, step, detail) of every step line; the last line is the summary."""
    lines = output.rstrip("\n").splitlines()
    assert lines[-1].startswith("install.sh: "), output
    parsed = []
    for line in lines[:-1]:
        status, step, detail = [*line.split(None, 2), "", ""][:3]
        assert status in STATUSES, f"not a step line: {line!r}"
        parsed.append((status, step, detail))
    return parsed


def snapshot(root: Path) -> dict[str, tuple[int, int, bytes | str | None]]:
    """Every path below root: mode, mtime and content (or link target)."""
    out: dict[str, tuple[int, int, bytes | str | None]] = {}
    for p in sorted(root.rglob("*")):
        st = p.lstat()
        if p.is_symlink():
            content: bytes | str | None = str(p.readlink())
        elif p.is_file():
            content = p.read_bytes()
        else:
            content = None
        out[str(p.relative_to(root))] = (st.st_mode, st.st_mtime_ns, content)
    return out


@pytest.fixture
def installed(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    result = install("--root", str(root), "--from-build", str(build_dir()))
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def test_help_names_every_option() -> None:
    result = install("--help")
    assert result.returncode == 0, result.stderr
    for option in (
        "--from-deb",
        "--from-build",
        "--prefix",
        "--config-dir",
        "--state-dir",
        "--wheel",
        "--tune",
        "--no-tuning",
        "--no-systemd",
        "--enable",
        "--root",
        "--dry-run",
        "--json",
    ):
        assert option in result.stdout, option


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("--from-build", "build/no-such-build"),
        ("--from-deb", "a.deb", "--from-build", "b"),
        ("--from-build", "{build}", "--no-such-option"),
        ("--from-build", "{build}", "--prefix", "relative/path"),
        ("--from-build", "{build}", "--enable", "--no-systemd"),
    ],
)
def test_usage_errors_exit_2(args: tuple[str, ...]) -> None:
    result = install(*(a.replace("{build}", str(build_dir())) for a in args))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "--help" in result.stderr


def test_dry_run_changes_nothing_and_lists_the_steps(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "etc" / "hft").mkdir(parents=True)
    (root / "etc" / "hft" / "system_config.json").write_text("{}\n")
    before = snapshot(root)
    # The root comes from the environment here, as DESTDIR would.
    result = install(
        "--dry-run", "--from-build", str(build_dir()), env={**os.environ, "HFT_INSTALL_ROOT": str(root)}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert snapshot(root) == before
    parsed = steps(result.stdout)
    by_step = {step: status for status, step, _ in parsed}
    assert {"changed"} & set(by_step.values()) == set()
    for step in ("binaries", "unit", "state-dir"):
        assert by_step[step] == "would", step
    assert by_step["user"] == "skipped"
    assert by_step["verify"] == "ok"  # the staged hft_system runs
    assert ("would", "config", "install /etc/hft/venue.json") in parsed
    assert any(s == "would" and "system_config.json" in d and ".dist" in d for s, _, d in parsed)
    assert "nothing was changed" in result.stdout.splitlines()[-1]


def test_dry_run_json_summary(tmp_path: Path) -> None:
    result = install("--dry-run", "--json", "--root", str(tmp_path / "r"), "--from-build", str(build_dir()))
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["ok"] is True
    assert summary["dry_run"] is True
    assert summary["changed"] == 0
    assert summary["would"] >= 4
    assert {a["status"] for a in summary["actions"]} <= STATUSES
    assert not (tmp_path / "r").exists()


def test_install_puts_binaries_configs_and_unit_in_place(installed: Path) -> None:
    hft_system = installed / "opt/hft/bin/hft_system"
    assert os.access(hft_system, os.X_OK)
    version = subprocess.run(
        [hft_system, "--version"], capture_output=True, text=True, timeout=30, check=True
    )
    assert version.stdout.startswith("hft_system ")
    assert os.access(installed / "opt/hft/bin/hft_venue", os.X_OK)
    for script in ("install.sh", "setup_hugepages.sh", "setup_cpu_performance.sh", "setup_irq_affinity.sh"):
        assert os.access(installed / "opt/hft/share/hft/scripts" / script, os.X_OK), script
    for name in ("system_config.json", "symbol_config.json", "venue.json"):
        assert (installed / "etc/hft" / name).read_bytes() == (REPO / "config" / name).read_bytes()
    state = installed / "var/lib/hft"
    assert stat.S_IMODE(state.stat().st_mode) == 0o750
    unit = (installed / "etc/systemd/system/hft_system.service").read_text()
    assert "ExecStart=/opt/hft/bin/hft_system --config /etc/hft/system_config.json\n" in unit
    assert "Environment=HFT_STATE_DIR=/var/lib/hft\n" in unit
    assert "User=hft\n" in unit


def test_second_run_changes_nothing(installed: Path) -> None:
    before = snapshot(installed)
    result = install("--root", str(installed), "--from-build", str(build_dir()))
    assert result.returncode == 0, result.stdout + result.stderr
    statuses = {status for status, _, _ in steps(result.stdout)}
    assert "changed" not in statuses
    assert "nothing changed" in result.stdout.splitlines()[-1]
    assert snapshot(installed) == before  # same bytes, modes and mtimes: nothing rewritten


def test_edited_config_is_never_overwritten(installed: Path) -> None:
    config = installed / "etc/hft/system_config.json"
    edited = config.read_text().replace('"max_daily_loss": 50000', '"max_daily_loss": 1234')
    assert edited != config.read_text()
    config.write_text(edited)
    result = install("--root", str(installed), "--from-build", str(build_dir()))
    assert result.returncode == 0, result.stdout + result.stderr
    assert config.read_text() == edited
    shipped = (REPO / "config/system_config.json").read_bytes()
    assert (installed / "etc/hft/system_config.json.dist").read_bytes() == shipped
    assert any(
        s == "changed" and "kept" in d and "system_config.json" in d for s, _, d in steps(result.stdout)
    )
    # And once the .dist is there, a further run has nothing to do.
    again = install("--root", str(installed), "--from-build", str(build_dir()))
    assert "changed" not in {s for s, _, _ in steps(again.stdout)}
    assert config.read_text() == edited


def test_other_folders_are_written_into_the_unit(tmp_path: Path) -> None:
    root = tmp_path / "root"
    result = install(
        "--root",
        str(root),
        "--from-build",
        str(build_dir()),
        "--prefix",
        "/opt/hft-b",
        "--config-dir",
        "/etc/hft-b",
        "--state-dir",
        "/srv/hft-b",
        "--no-tuning",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (root / "opt/hft-b/bin/hft_system").is_file()
    assert (root / "etc/hft-b/system_config.json").is_file()
    assert (root / "srv/hft-b").is_dir()
    unit = (root / "etc/systemd/system/hft_system.service").read_text()
    assert "ExecStart=/opt/hft-b/bin/hft_system --config /etc/hft-b/system_config.json\n" in unit
    assert "Environment=HFT_STATE_DIR=/srv/hft-b\n" in unit
    # StateDirectory= names folders below /var/lib only.
    assert not re.search(r"^StateDirectory=", unit, re.MULTILINE)
    assert "/opt/hft/" not in unit
    assert ("skipped", "tune-cpu", "--no-tuning") in steps(result.stdout)


def test_installed_unit_passes_systemd_analyze(installed: Path, tmp_path: Path) -> None:
    unit = (installed / "etc/systemd/system/hft_system.service").read_text()
    for line in (
        "Type=simple",
        "User=hft",
        "Restart=on-failure",
        "KillSignal=SIGTERM",
        "TimeoutStopSec=30",
        "LimitMEMLOCK=infinity",
        "StateDirectory=hft",
        "AmbientCapabilities=CAP_IPC_LOCK CAP_NET_RAW CAP_NET_ADMIN CAP_SYS_NICE",
    ):
        assert f"\n{line}\n" in unit, line
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (Debian package systemd)")
    # verify checks that ExecStart= exists: point it at the installed binary.
    checked = tmp_path / "hft_system.service"
    checked.write_text(unit.replace("/opt/hft/bin/", f"{installed}/opt/hft/bin/"))
    result = subprocess.run(
        [analyze, "verify", str(checked)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "hft_system.service" not in result.stderr, result.stderr  # no warning about our unit
