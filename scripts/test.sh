#!/usr/bin/env bash
# Builds everything and runs every test: lint, C++ (ctest) then Python (pytest).
#
#   scripts/test.sh                 full run, as CI does
#   scripts/test.sh -k PATTERN      pass extra arguments to pytest
#
# Environment: HFT_BUILD_DIR (default build/release), HFT_JOBS (default: cores)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

case "${1:-}" in
  -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac

BUILD=${HFT_BUILD_DIR:-build/release}
JOBS=${HFT_JOBS:-$(nproc)}
VENV=.venv
step() { printf '\n== %s ==\n' "$*"; }
start=$SECONDS

step bootstrap
scripts/bootstrap.sh

step lint
"$VENV/bin/ruff" check hft tests bench scripts
"$VENV/bin/ruff" format --check hft tests bench
mapfile -t cpp_files < <(git ls-files '*.h' '*.cpp' 2>/dev/null || find cpp bindings tests bench -name '*.h' -o -name '*.cpp')
if ((${#cpp_files[@]})); then
  clang-format --dry-run --Werror "${cpp_files[@]}"
fi

step "configure and build ($BUILD, Release, -Werror)"
"$VENV/bin/cmake" -S . -B "$BUILD" -G Ninja -DCMAKE_MAKE_PROGRAM="$PWD/$VENV/bin/ninja" \
  -DCMAKE_BUILD_TYPE=Release -DHFT_WERROR=ON -DHFT_BUILD_TESTS=ON -DHFT_BUILD_BENCH=ON \
  -DHFT_BUILD_PYTHON=OFF >/dev/null
"$VENV/bin/cmake" --build "$BUILD" -j "$JOBS"

step ctest
(cd "$BUILD" && ctest --output-on-failure -j "$JOBS")

step pytest
# The package in .venv was rebuilt by bootstrap when sources changed; point the
# daemons' lookup at this build too so tests never pick up a stale binary.
HFT_BIN_DIR="$PWD/$BUILD/cpp/apps" HFT_QUICKFIX_PEER="$PWD/$BUILD/tests/interop/quickfix_peer" \
  "$VENV/bin/python" -m pytest "$@"

printf '\nall tests passed in %ds\n' $((SECONDS - start))
