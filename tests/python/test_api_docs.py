"""The API reference: pydoc pages for every public module of ``hft``
(scripts/api_docs.py), and, where Doxygen is installed, the CMake target
``docs`` in the build folder scripts/test.sh made (HFT_BIN_DIR is its
cpp/apps)."""

from __future__ import annotations

import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest
from build_paths import build_dir

import hft

REPO = Path(__file__).resolve().parents[2]


def public_modules() -> set[str]:
    names = {"hft", "hft._core"}
    for info in pkgutil.iter_modules(hft.__path__, prefix="hft."):
        if not info.name.rsplit(".", 1)[-1].startswith("_"):
            names.add(info.name)
    return names


def test_python_api_pages_cover_every_public_module(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, str(REPO / "scripts/api_docs.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    pages = {p.name.removesuffix(".html") for p in (tmp_path / "python").glob("*.html")}
    missing = public_modules() - pages
    assert not missing, f"no API page for {sorted(missing)}"
    assert "hft.control" in pages and "hft.cli" in pages
    control = (tmp_path / "python" / "hft.control.html").read_text(errors="replace")
    assert "ControlClient" in control and "kill" in control, "pydoc did not document hft.control's API"
    index = (tmp_path / "index.html").read_text()
    for module in public_modules():
        assert f'href="python/{module}.html"' in index, f"index.html does not link {module}"


def test_doxygen_docs_target_builds_the_cpp_reference() -> None:
    build = build_dir()
    cache = (build / "CMakeCache.txt").read_text()
    found = re.search(r"^DOXYGEN_EXECUTABLE:\w+=(.*)$", cache, re.MULTILINE)
    if not found or found.group(1).endswith("NOTFOUND"):
        pytest.fail("CMake found no doxygen here (scripts/bootstrap.sh installs it; then reconfigure)")
    cmake = re.search(r"^CMAKE_COMMAND:\w+=(.*)$", cache, re.MULTILINE)
    exe = cmake.group(1) if cmake else "cmake"
    run = subprocess.run(
        [exe, "--build", str(build), "--target", "docs"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    counted = re.search(r"doxygen: (\d+) warning\(s\)", run.stdout + run.stderr)
    assert counted, f"the docs target did not report its warnings:\n{run.stdout}{run.stderr}"
    print(f"\ndoxygen: {counted.group(1)} warning(s), see {build}/docs/doxygen-warnings.log")
    api = build / "docs" / "api" / "cpp"
    assert (api / "index.html").is_file()
    # A class from each layer has its page.
    for cls in (
        "Pipeline",
        "TradingCore",
        "FeedHandler",
        "ControlBlockWriter",
        "MatchingEngine",
        "LatencyHistogram",
    ):
        assert list(api.glob(f"classhft_1_1*_1_1{cls}.html")), f"no Doxygen page for {cls}"
