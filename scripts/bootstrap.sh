#!/usr/bin/env bash
# Installs what building, testing and running hft needs, and only what is
# missing: Debian packages, then a .venv with the package (editable) and its
# dev extras. Safe to run again; fast when nothing is missing.
#
#   scripts/bootstrap.sh            install what is missing
#   scripts/bootstrap.sh --check    report what is missing, change nothing
#
# Environment: HFT_PYTHON  interpreter for the .venv (default python3)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

APT_PACKAGES=(
  build-essential pkg-config file dpkg-dev
  libdpdk-dev libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev zlib1g-dev
  clang-format python3-dev python3-venv tshark clang libclang-rt-dev libquickfix-dev
  doxygen
)
PYTHON=${HFT_PYTHON:-python3}
VENV=.venv
STAMP=$VENV/.hft-installed

say() { printf 'bootstrap: %s\n' "$*"; }
die() { printf 'bootstrap: error: %s\n' "$*" >&2; exit 1; }

check_only=0
case "${1:-}" in
  --check) check_only=1 ;;
  -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  "") ;;
  *) die "unknown argument '$1' (see --help)" ;;
esac

# ---- Debian packages ---------------------------------------------------------
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  ((check_only)) && { say "missing Debian packages: ${missing[*]}"; exit 1; }
  if [[ $(id -u) -eq 0 ]]; then
    sudo=()
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
  else
    die "missing Debian packages: ${missing[*]}
  run as root, or: sudo apt-get install -y ${missing[*]}"
  fi
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq || die "apt-get update failed: is the Debian mirror reachable?"
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    die "apt-get install failed for: ${missing[*]}"
fi

# ---- Python environment ---------------------------------------------------------
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null ||
  die "$PYTHON is missing or older than 3.10 (set HFT_PYTHON to another interpreter)"

if [[ ! -x $VENV/bin/python ]]; then
  ((check_only)) && { say "no $VENV yet"; exit 1; }
  say "creating $VENV with $("$PYTHON" --version)"
  "$PYTHON" -m venv "$VENV" || die "'$PYTHON -m venv' failed: install python3-venv"
fi

# Reinstall when the package definition or any native source is newer than the
# last install; scikit-build-core's fixed build-dir keeps the rebuild incremental.
needs_install=0
if [[ ! -f $STAMP ]]; then
  needs_install=1
elif [[ -n $(find pyproject.toml CMakeLists.txt cmake cpp bindings hft -newer "$STAMP" -type f \
               \( -name '*.cpp' -o -name '*.h' -o -name '*.txt' -o -name '*.cmake' -o -name '*.toml' \) \
               -print -quit 2>/dev/null) ]]; then
  needs_install=1
fi
if ((needs_install)); then
  ((check_only)) && { say "the package in $VENV is out of date"; exit 1; }
  say "installing the hft package into $VENV (builds the native core)"
  "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null ||
    die "pip could not reach the package index"
  # Build requirements first, so the editable install can build without isolation.
  "$VENV/bin/python" -m pip install -q "scikit-build-core>=0.10" "pybind11>=2.10" "cmake>=3.22" "ninja>=1.11" ||
    die "pip could not install the build requirements"
  "$VENV/bin/python" -m pip install -q --no-build-isolation -e ".[dev]" ||
    die "building or installing the hft package failed (see the output above)"
  touch "$STAMP"
fi
((check_only)) && say "nothing missing"
exit 0
