"""Where the engine's executables are.

A wheel carries ``hft_system`` and ``hft_venue`` next to the native module
(``hft/bin``); a cpack install puts them in ``/opt/hft/bin``; a developer's
CMake build leaves them in ``build/*/cpp/apps``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from hft import _core

DAEMONS: tuple[str, ...] = ("hft_system", "hft_venue")


class BinaryNotFound(FileNotFoundError):
    """An engine executable is in none of the places searched."""


def candidate_dirs() -> list[Path]:
    """Folders searched for executables, in order."""
    dirs: list[Path] = []
    if env := os.environ.get("HFT_BIN_DIR"):
        dirs.append(Path(env))
    dirs.append(Path(_core.__file__).resolve().parent / "bin")
    dirs.append(Path("/opt/hft/bin"))
    return dirs


def find_binary(name: str) -> Path:
    """Absolute path of engine executable ``name`` (``hft_system``, ``hft_venue``).

    Searches ``$HFT_BIN_DIR``, the installed package, ``/opt/hft/bin``, then PATH.
    """
    for d in candidate_dirs():
        p = d / name
        if p.is_file() and os.access(p, os.X_OK):
            return p
    if found := shutil.which(name):
        return Path(found)
    searched = ", ".join(str(d) for d in candidate_dirs())
    raise BinaryNotFound(f"{name} not found in {searched} or PATH; set HFT_BIN_DIR or reinstall the package")
