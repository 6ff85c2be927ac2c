from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CONFIG_DIR = REPO / "config"


@pytest.fixture
def config_dir() -> Path:
    return CONFIG_DIR


@pytest.fixture
def run_hft():
    """Runs the installed ``hft`` console script, as an operator would."""
    exe = shutil.which("hft", path=str(Path(sys.executable).parent))
    assert exe, "the hft console script is not installed in this environment"

    def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([exe, *args], capture_output=True, text=True, timeout=120, env=env, check=False)

    return run


@pytest.fixture
def shipped_system(tmp_path: Path) -> Path:
    """A copy of the shipped configuration pair that a test may edit."""
    for name in ("system_config.json", "symbol_config.json"):
        shutil.copy(CONFIG_DIR / name, tmp_path / name)
    return tmp_path / "system_config.json"
