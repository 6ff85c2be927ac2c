"""The system set-up scripts on this machine: --help, --check and --dry-run
never change anything, always exit with a documented code and, where a
setting is not available (a VM, a container), say so instead of failing."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPTS = ("setup_hugepages.sh", "setup_cpu_performance.sh", "setup_irq_affinity.sh")

# 0: as wanted / nothing to do, 1: differs (--check), 3: not available here.
CHECK_CODES = {0, 1, 3}


def run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(REPO / "scripts" / script), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def no_shell_errors(result: subprocess.CompletedProcess[str]) -> None:
    for marker in ("unbound variable", "command not found", "syntax error", "Traceback"):
        assert marker not in result.stderr, result.stderr


@pytest.mark.parametrize("script", SCRIPTS)
def test_scripts_are_strict_bash(script: str) -> None:
    text = (REPO / "scripts" / script).read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text


@pytest.mark.parametrize("script", SCRIPTS)
def test_help_documents_the_modes(script: str) -> None:
    result = run(script, "--help")
    assert result.returncode == 0, result.stderr
    for option in ("--check", "--dry-run", "--help"):
        assert option in result.stdout
    no_shell_errors(result)


@pytest.mark.parametrize("script", SCRIPTS)
def test_unknown_option_is_a_usage_error(script: str) -> None:
    result = run(script, "--no-such-option")
    assert result.returncode == 2
    assert "--help" in result.stderr


@pytest.mark.parametrize("script", SCRIPTS)
def test_check_reports_the_state(script: str) -> None:
    result = run(script, "--check")
    assert result.returncode in CHECK_CODES, result.stdout + result.stderr
    assert result.stdout.strip(), "--check says what it found"
    no_shell_errors(result)


@pytest.mark.parametrize("script", SCRIPTS)
def test_dry_run_exits_cleanly(script: str) -> None:
    result = run(script, "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip()
    no_shell_errors(result)


@pytest.mark.parametrize("script", SCRIPTS)
def test_dry_run_changes_nothing(script: str) -> None:
    before = run(script, "--check")
    run(script, "--dry-run")
    after = run(script, "--check")
    assert (before.returncode, before.stdout) == (after.returncode, after.stdout)


def test_hugepages_dry_run_names_what_would_change() -> None:
    check = run("setup_hugepages.sh", "--check", "--gb", "1")
    dry = run("setup_hugepages.sh", "--dry-run", "--gb", "1")
    if check.returncode == 1:
        assert "would " in dry.stdout, dry.stdout
    elif check.returncode == 3:
        assert "not available" in dry.stdout, dry.stdout
    else:
        assert "nothing to change" in dry.stdout, dry.stdout


def test_hugepages_rejects_a_bad_size() -> None:
    result = run("setup_hugepages.sh", "--check", "--size", "4M")
    assert result.returncode == 2
    assert "2M or 1G" in result.stderr


def test_cpu_performance_names_what_this_machine_lacks() -> None:
    result = run("setup_cpu_performance.sh", "--check")
    available = Path("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor").exists()
    if not available:
        assert "not available on this machine" in result.stdout, result.stdout


def test_irq_affinity_without_isolated_cores_has_nothing_to_do() -> None:
    isolated = Path("/sys/devices/system/cpu/isolated")
    if isolated.exists() and isolated.read_text().strip():
        pytest.skip("this machine has isolated cores")
    result = run("setup_irq_affinity.sh", "--check")
    assert result.returncode == 0
    assert "no isolated cores" in result.stdout


def test_irq_affinity_dry_run_with_an_isolated_core() -> None:
    online = Path("/sys/devices/system/cpu/online").read_text().strip()
    if online == "0":
        pytest.skip("one core: nothing can be isolated")
    result = run("setup_irq_affinity.sh", "--dry-run", "--isolated", "1")
    assert result.returncode == 0, result.stderr
    assert "interrupts go to:" in result.stdout
    no_shell_errors(result)
