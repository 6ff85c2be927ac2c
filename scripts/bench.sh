#!/usr/bin/env bash
# Builds the google-benchmark binaries, runs every one of them, merges their
# JSON into bench/results/<host>.json and regenerates docs/performance.md.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: scripts/bench.sh [options]

Builds the bench targets (Release), runs every bench/bench_* binary with JSON
output, then calls bench/report.py, which writes bench/results/<host>.json and
docs/performance.md.

Options:
  --quick              short runs (0.05 s per benchmark instead of 0.5 s):
                       a smoke test, with wider error bars
  --build-dir DIR      build folder (default: build/release); configured with
                       -DCMAKE_BUILD_TYPE=Release -DHFT_BUILD_PYTHON=OFF if new
  --filter REGEX       run only benchmarks matching REGEX (rows of other
                       benchmarks already in the results file are kept)
  --repetitions N      repeat each benchmark N times; the median is reported
  --no-build           use the binaries already in the build folder
  -h, --help           this text

The machines are shared VMs: run nothing else meanwhile, and compare each row
with its in-run baseline rather than across runs.
EOF
}

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="build/release"
min_time="0.5"
filter=""
repetitions=""
build=1

die() {
  echo "bench.sh: $*" >&2
  exit 2
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    -h | --help)
      usage
      exit 0
      ;;
    --quick) min_time="0.05" ;;
    --build-dir)
      [[ $# -ge 2 ]] || die "--build-dir needs a folder"
      build_dir="$2"
      shift
      ;;
    --build-dir=*) build_dir="${1#*=}" ;;
    --filter)
      [[ $# -ge 2 ]] || die "--filter needs a regular expression"
      filter="$2"
      shift
      ;;
    --filter=*) filter="${1#*=}" ;;
    --repetitions)
      [[ $# -ge 2 && "$2" =~ ^[1-9][0-9]*$ ]] || die "--repetitions needs a positive number"
      repetitions="$2"
      shift
      ;;
    --no-build) build=0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
  shift
done

cd "$root"
[[ "$build_dir" = /* ]] || build_dir="$root/$build_dir"

# The .venv's cmake and ninja (scripts/bootstrap.sh) before whatever is on PATH.
PATH="$root/.venv/bin:$PATH"

if [[ $build -eq 1 ]]; then
  cache="$build_dir/CMakeCache.txt"
  if [[ ! -f "$cache" ]]; then
    generator=()
    command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
    echo "== configuring $build_dir"
    cmake -S "$root" -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
      -DHFT_BUILD_PYTHON=OFF -DHFT_BUILD_BENCH=ON
  elif ! grep -q '^HFT_BUILD_BENCH:BOOL=ON$' "$cache"; then
    echo "== enabling the bench targets in $build_dir"
    cmake -S "$root" -B "$build_dir" -DHFT_BUILD_BENCH=ON
  fi
  build_type="$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$cache")"
  [[ "$build_type" == "Release" ]] ||
    echo "bench.sh: warning: $build_dir is a '$build_type' build; numbers will not be comparable" >&2
  echo "== building bench targets"
  cmake --build "$build_dir" --target hft_bench
fi

shopt -s nullglob
binaries=()
for bin in "$build_dir"/bench/bench_*; do
  [[ -f "$bin" && -x "$bin" ]] && binaries+=("$bin")
done
[[ ${#binaries[@]} -gt 0 ]] || die "no bench_* binaries in $build_dir/bench (build them, or drop --no-build)"

results_dir="$root/bench/results"
mkdir -p "$results_dir"
args=(--benchmark_out_format=json "--benchmark_min_time=$min_time")
if [[ -n "$filter" ]]; then args+=("--benchmark_filter=$filter"); fi
if [[ -n "$repetitions" ]]; then
  args+=("--benchmark_repetitions=$repetitions" --benchmark_report_aggregates_only=true)
fi

echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg) (anything else running skews the numbers)"
outputs=()
for bin in "${binaries[@]}"; do
  name="$(basename "$bin")"
  out="$results_dir/$name.tmp.json"
  echo "== $name"
  rm -f "$out"
  "$bin" "${args[@]}" "--benchmark_out=$out"
  # A filter that matches nothing in this binary leaves no output.
  if [[ -s "$out" ]]; then outputs+=("$out"); fi
done
[[ ${#outputs[@]} -gt 0 ]] || die "no benchmark produced output${filter:+ (filter '$filter')}"

echo "== report"
python3 "$root/bench/report.py" --results-dir "$results_dir" --doc "$root/docs/performance.md" "${outputs[@]}"
rm -f "${outputs[@]}"
