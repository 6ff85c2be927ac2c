#!/usr/bin/env bash
# Builds the installable artefacts from a portable (no -march=native) build:
# the TGZ and DEB (cpack) and the Python wheel, into dist/.
#
#   scripts/package.sh            all three
#   scripts/package.sh --no-wheel cpack packages only
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

wheel=1
case "${1:-}" in
  -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  --no-wheel) wheel=0 ;;
  "") ;;
  *) echo "package.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
esac

scripts/bootstrap.sh
VENV=$PWD/.venv
BUILD=build/package
mkdir -p dist
"$VENV/bin/cmake" -S . -B "$BUILD" -G Ninja -DCMAKE_MAKE_PROGRAM="$VENV/bin/ninja" -DCMAKE_BUILD_TYPE=Release \
  -DHFT_NATIVE=OFF -DHFT_BUILD_TESTS=OFF -DHFT_BUILD_BENCH=OFF -DHFT_BUILD_PYTHON=OFF >/dev/null
"$VENV/bin/cmake" --build "$BUILD" -j "$(nproc)"
(cd "$BUILD" && "$VENV/bin/cpack" -B "$PWD/../../dist" >/dev/null)
if ((wheel)); then
  "$VENV/bin/python" -m pip wheel -q --no-deps --no-build-isolation -w dist .
fi
rm -rf dist/_CPack_Packages
ls -l dist
