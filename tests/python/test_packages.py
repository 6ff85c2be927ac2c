"""The installable artefacts, built and installed for real: the DEB that cpack
makes from the build scripts/test.sh built (unpacked with dpkg -x, so the
host's dpkg database is left alone), the wheel in a fresh virtual
environment, and scripts/install.sh putting both in place under a --root.

The wheel is built with the same scikit-build-core build folder that
scripts/bootstrap.sh's editable install keeps up to date (build/wheel/), so
it only relinks; its dependencies are fetched once into a wheelhouse and
installed from there with --no-index, which proves the wheel declares them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from build_paths import build_dir

REPO = Path(__file__).resolve().parents[2]
VERSION = re.search(r"project\(hft VERSION ([0-9.]+)", (REPO / "CMakeLists.txt").read_text()).group(1)

pytestmark = pytest.mark.slow


def run(*args: str | Path, timeout: float = 120, **kwargs: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=timeout, check=False, **kwargs
    )
    assert result.returncode == 0, f"{args}: exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


def cache_value(build: Path, key: str) -> str:
    match = re.search(rf"^{key}:\w+=(.*)$", (build / "CMakeCache.txt").read_text(), re.MULTILINE)
    assert match, f"{key} not in {build}/CMakeCache.txt"
    return match.group(1)


@pytest.fixture(scope="module")
def deb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    build = build_dir()
    out = tmp_path_factory.mktemp("deb")
    run(cache_value(build, "CMAKE_CPACK_COMMAND"), "-G", "DEB", "-B", out, cwd=build, timeout=600)
    debs = list(out.glob("*.deb"))
    assert len(debs) == 1, debs
    return debs[0]


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hft wheel and every dependency it declares, as wheel files."""
    built = tmp_path_factory.mktemp("wheel")
    run(
        sys.executable, "-m", "pip", "wheel", "-q", "--disable-pip-version-check", "--no-deps",
        "--no-build-isolation", "-w", built, ".", cwd=REPO, timeout=900,
    )  # fmt: skip
    wheels = list(built.glob("hft-*.whl"))
    assert len(wheels) == 1, wheels
    house = tmp_path_factory.mktemp("wheelhouse")
    # Resolves the wheel's declared dependencies (pip's cache makes a re-run offline).
    run(sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check", "-d", house, wheels[0])
    assert (house / wheels[0].name).is_file()
    return house


def hft_wheel(house: Path) -> Path:
    return next(house.glob("hft-*.whl"))


def test_deb_metadata(deb: Path) -> None:
    assert deb.name == f"hft_{VERSION}_amd64.deb"
    info = run("dpkg-deb", "--info", deb).stdout
    fields = dict(re.findall(r"^ ([A-Za-z-]+): (.*)$", info, re.MULTILINE))
    assert fields["Package"] == "hft"
    assert fields["Version"] == VERSION
    assert fields["Architecture"] == "amd64"
    depends = {d.strip().split(" ")[0] for d in fields["Depends"].split(",")}
    assert {"libc6", "libstdc++6"} <= depends
    assert "conffiles" in info


def test_deb_contents(deb: Path) -> None:
    listing = run("dpkg-deb", "-c", deb).stdout
    paths = {line.split()[-1] for line in listing.splitlines()}
    for path in (
        "./opt/hft/bin/hft_system",
        "./opt/hft/bin/hft_venue",
        "./etc/hft/system_config.json",
        "./etc/hft/symbol_config.json",
        "./lib/systemd/system/hft_system.service",
        "./opt/hft/share/hft/scripts/install.sh",
        "./opt/hft/share/hft/scripts/setup_hugepages.sh",
    ):
        assert path in paths, path


def test_deb_installs_and_hft_system_runs(deb: Path, tmp_path: Path) -> None:
    run("dpkg", "-x", deb, tmp_path)  # unpacks only: the host's dpkg database is not touched
    hft_system = tmp_path / "opt/hft/bin/hft_system"
    version = run(hft_system, "--version").stdout
    assert version.startswith(f"hft_system {VERSION} "), version
    usage = run(hft_system, "--help").stdout
    assert "/etc/hft/system_config.json" in usage


def test_wheel_installs_into_a_fresh_venv(wheelhouse: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv)
    py = venv / "bin" / "python"
    run(
        py, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--no-index",
        "--find-links", wheelhouse, hft_wheel(wheelhouse), timeout=600,
    )  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k != "HFT_BIN_DIR"}
    assert "Control plane" in run(venv / "bin" / "hft", "--help", env=env).stdout
    version = json.loads(run(venv / "bin" / "hft", "version", "--json", env=env).stdout)
    assert version["version"] == VERSION
    # The wheel carries the daemons, found without HFT_BIN_DIR.
    # (Not from the repository: there the source tree's hft would be imported.)
    code = "from hft.paths import find_binary; print(find_binary('hft_system'))"
    found = run(py, "-c", code, env=env, cwd=tmp_path)
    daemon = Path(found.stdout.strip())
    assert daemon.is_relative_to(venv)
    assert run(daemon, "--version").stdout.startswith(f"hft_system {VERSION} ")


def test_install_script_from_deb_with_wheel(deb: Path, wheelhouse: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    args = ("--root", str(root), "--from-deb", str(deb), "--wheel", str(hft_wheel(wheelhouse)))
    # pip takes the dependencies from the wheel's folder, offline.
    env = {**os.environ, "PIP_NO_INDEX": "1", "HFT_PYTHON": sys.executable}
    first = run("bash", REPO / "scripts/install.sh", *args, env=env, timeout=600)
    assert "changed  python" in first.stdout, first.stdout
    hft = root / "opt/hft/venv/bin/hft"
    assert "Control plane" in run(hft, "--help").stdout
    assert str((root / "usr/local/bin/hft").readlink()) == "/opt/hft/venv/bin/hft"
    assert run(root / "opt/hft/bin/hft_system", "--version").stdout.startswith(f"hft_system {VERSION} ")
    assert (root / "etc/systemd/system/hft_system.service").is_file()
    second = run("bash", REPO / "scripts/install.sh", *args, env=env, timeout=600)
    assert "\nchanged " not in "\n" + second.stdout, second.stdout
    assert "nothing changed" in second.stdout.splitlines()[-1]


def test_install_script_installs_the_debs_missing_dependencies(deb: Path, tmp_path: Path) -> None:
    # The same DEB, depending on one more package that no machine has.
    raw = tmp_path / "raw"
    run("dpkg-deb", "-R", deb, raw)
    control = raw / "DEBIAN" / "control"
    control.write_text(
        re.sub(r"^(Depends: .*)$", r"\1, hft-test-no-such-package (>= 1.0)", control.read_text(), flags=re.M)
    )
    fake = tmp_path / "fake.deb"
    run("dpkg-deb", "--root-owner-group", "-Zgzip", "-b", raw, fake)
    script = REPO / "scripts/install.sh"
    # On this machine, dry: apt-get would install just the missing package.
    dry = run("bash", script, "--dry-run", "--from-deb", fake, "--no-tuning", "--no-systemd")
    assert "would    packages         apt-get install hft-test-no-such-package\n" in dry.stdout, dry.stdout
    # Below --root, apt is never called.
    staged = run("bash", script, "--root", tmp_path / "root", "--from-deb", fake, "--no-tuning")
    assert (
        "skipped  packages         (--root) not installing missing hft-test-no-such-package\n"
        in staged.stdout
    )
