#!/usr/bin/env bash
# Shows what the engine can do today, end to end on this machine:
# configuration checked by the one schema (CLI and daemon), a bad file caught,
# the TSC clock calibrated, a synthetic ITCH day replayed into books, the
# venue simulator trading on its own, and the benchmarks against the goals.
#
#   scripts/demo.sh          the whole story (about a minute once built)
#
# Environment: HFT_BUILD_DIR (default build/release)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

case "${1:-}" in
  -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac

BUILD=${HFT_BUILD_DIR:-build/release}
VENV=.venv
HFT=$VENV/bin/hft
export HFT_STATE_DIR=${HFT_STATE_DIR:-$PWD/var}
banner() { printf '\n\033[1m== %s ==\033[0m\n' "$*"; }

banner "1. set-up (installs only what is missing)"
scripts/bootstrap.sh
"$VENV/bin/cmake" -S . -B "$BUILD" -G Ninja -DCMAKE_MAKE_PROGRAM="$PWD/$VENV/bin/ninja" \
  -DCMAKE_BUILD_TYPE=Release -DHFT_BUILD_BENCH=ON -DHFT_BUILD_PYTHON=OFF >/dev/null
"$VENV/bin/cmake" --build "$BUILD" -j "$(nproc)" >/dev/null
"$HFT" version

banner "2. configuration: the shipped files, checked by Python and by the C++ daemon"
"$HFT" config check config/system_config.json config/symbol_config.json
"$BUILD/cpp/apps/hft_system" --config config/system_config.json --check

banner "3. a bad configuration is caught, with file, key, rule and value"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp config/symbol_config.json "$tmp/"
"$VENV/bin/python" - "$tmp" <<'PY'
import json, sys, pathlib
d = pathlib.Path(sys.argv[1])
doc = json.loads(pathlib.Path("config/system_config.json").read_text())
doc["cpu"]["layout"] = "pipeline"
doc["cpu"]["strategy_cores"] = [1]           # same core as the network stage
doc["risk"]["max_order_quantity"] = 50000    # above max_position_size
doc["risk"]["max_orders_per_second"] = 0     # below the minimum
doc["logging"]["levle"] = "debug"            # typo
(d / "system_config.json").write_text(json.dumps(doc, indent=2))
PY
"$HFT" config check "$tmp/system_config.json" || echo "(hft config check exited $? as it should)"
"$BUILD/cpp/apps/hft_system" --config "$tmp/system_config.json" --check 2>&1 || echo "(hft_system exited $? as it should)"

banner "4. clock: TSC calibrated against CLOCK_MONOTONIC_RAW"
"$HFT" clock --samples 5

banner "5. market data: a synthetic ITCH 5.0 day, as MoldUDP64 packets, replayed into the books"
"$HFT" synth itch --seed 7 --messages 2000000 --symbols 50 --out "$tmp/day.pcap" --pcap
"$HFT" replay "$tmp/day.pcap" --bbo --symbol AAPL >"$tmp/aapl-bbo.jsonl"
echo "$(wc -l <"$tmp/aapl-bbo.jsonl") top-of-book changes for AAPL; the first three:"
head -3 "$tmp/aapl-bbo.jsonl"
"$HFT" replay "$tmp/day.pcap" --symbol AAPL --depth 5

banner "6. the venue simulator: matching engine, ITCH over MoldUDP64, FIX order entry, simulated flow"
cat >"$tmp/venue.json" <<JSON
{"name": "demo", "instruments": [{"symbol": "AAPL", "reference_price": 187.25}, {"symbol": "MSFT", "reference_price": 415.5}],
 "order_entry": {"host": "127.0.0.1", "port": 0,
                 "sessions": [{"sender_comp_id": "VENUE", "target_comp_id": "HFT", "store": "$tmp/venue-store"}]},
 "market_data": {"lines": [{"ip": "127.0.0.1", "port": 26477}], "retransmission": {"port": 26400}},
 "flow": {"messages_per_second": 20000}}
JSON
HFT_BIN_DIR="$BUILD/cpp/apps" "$HFT" venue start --config "$tmp/venue.json" --shm-dir "$tmp" --log "$tmp/venue.log"
sleep 2
"$HFT" venue status --name demo --shm-dir "$tmp"
"$HFT" venue stop --name demo --shm-dir "$tmp"
"$VENV/bin/python" - "$tmp/venue.log" <<'PY'
import json, sys
closed = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{") and '"closed"' in l][-1]
print(f"closed: {closed['events']:,} matching events, {closed['feed_messages']:,} ITCH messages in "
      f"{closed['feed_packets']:,} MoldUDP64 packets, {closed['flow_inputs']:,} simulated orders and cancels")
for symbol, book in closed["books"].items():
    bid, ask = book["bids"][0], book["asks"][0]
    print(f"  {symbol}: {bid[1]} @ {bid[0] / 1e4:.2f}  /  {ask[1]} @ {ask[0] / 1e4:.2f}")
PY

banner "7. a short benchmark against the goals (median / p99 / p99.9)"
mkdir -p "$tmp/bench"
for b in "$BUILD"/bench/bench_*; do
  [[ -x $b ]] || continue
  # The 10 M message feed and the deep-book stream take minutes: bench.sh runs them.
  case $(basename "$b") in bench_replay | bench_book) continue ;; esac
  echo "running $(basename "$b") ..."
  "$b" --benchmark_min_time=0.2 --benchmark_out="$tmp/bench/$(basename "$b").json" \
    --benchmark_out_format=json >/dev/null 2>&1
done
"$VENV/bin/python" bench/report.py --results-dir "$tmp/bench" --doc "$tmp/performance.md" --host demo \
  "$tmp"/bench/bench_*.json >/dev/null
sed -n '/^## Goals/,/^Where the goals/p' "$tmp/performance.md" | grep -v -e '^Where the goals' -e '| not run |'
echo "short runs on a shared VM: tails are noisy. Full run: scripts/bench.sh (writes docs/performance.md)"
