"""Where the build under test is: scripts/test.sh points HFT_BIN_DIR at its
``cpp/apps`` folder, and the tests that run daemons or package the build
find everything from there."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def bin_dir() -> Path:
    """The build's ``cpp/apps`` folder (``hft_system``, ``hft_venue``)."""
    value = os.environ.get("HFT_BIN_DIR")
    if not value:
        pytest.fail("HFT_BIN_DIR is not set: run scripts/test.sh, or set it to <build>/cpp/apps")
    return Path(value)


def build_dir() -> Path:
    """The CMake build folder scripts/test.sh built."""
    build = bin_dir().resolve().parent.parent
    assert (build / "CMakeCache.txt").is_file(), f"{build} is not a CMake build folder"
    assert (build / "cpp" / "apps" / "hft_system").is_file(), f"{build} has no hft_system: build it first"
    return build
