#!/usr/bin/env bash
# The whole story on this machine, in numbered steps: the venue simulator and
# the engine started by the start-up runbook, market data flowing, orders and
# fills, risk checks refusing what they must, positions and PnL, the kill
# switch confirmed at the venue, a graceful stop, and the session report with
# tick-to-trade latency. Then, briefly: configuration checks, the TSC clock
# and a replayed ITCH day.
#
#   scripts/demo.sh                 set up, build, tell the story (under 2 minutes once built)
#   scripts/demo.sh --no-build      use the executables already in $HFT_BUILD_DIR
#   scripts/demo.sh --seconds N     trade N seconds before the kill switch (default 8)
#   scripts/demo.sh --story-only    skip the short extras after the report
#
# State (logs, audit log, report) goes to var/demo, emptied at each run.
# Environment: HFT_BUILD_DIR (default build/release)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build=1
extras=1
trade_s=8
while (($#)); do
  case $1 in
    -h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --no-build) build=0 ;;
    --story-only) extras=0 ;;
    --seconds)
      [[ ${2:-} =~ ^[0-9]+$ && $2 -ge 4 ]] || { echo "demo: --seconds needs a whole number >= 4" >&2; exit 2; }
      trade_s=$2
      shift
      ;;
    *) echo "demo: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

BUILD=${HFT_BUILD_DIR:-build/release}
VENV=.venv
HFT=$VENV/bin/hft
PY=$VENV/bin/python
STEPS=scripts/demo_steps.py
DEMO_DIR=$PWD/var/demo
RUN=$DEMO_DIR/run # status snapshots and generated files
ENGINE=demo       # instance.name in config/demo/system_config.json
VENUE=demo-venue  # name in config/demo/venue.json

began=$SECONDS
step_no=0
step_name="start"
banner() {
  step_no=$((step_no + 1))
  step_name=$*
  printf '\n\033[1m== %d. %s ==\033[0m  (%ds)\n' "$step_no" "$*" $((SECONDS - began))
}
say() { printf '%s\n' "$*"; }
show() { printf '\033[2m$ %s\033[0m\n' "$*"; } # the command an operator would type
fail() { printf 'demo: %s\n' "$*" >&2; exit 1; }
snapshot() { # NAME: hft status --json into $RUN/NAME, the time it was taken into NAME.time
  "$HFT" status --instance "$ENGINE" --json >"$RUN/$1"
  date +%s.%N >"$RUN/$1.time"
}

started_daemons=0
finish() {
  local rc=$?
  trap - EXIT INT TERM
  if ((started_daemons)) && [[ -x $PY ]]; then
    "$PY" "$STEPS" cleanup --instance "$ENGINE" --venue "$VENUE" || true
  fi
  if ((rc != 0)); then
    printf '\n\033[31mdemo failed at step %d (%s), exit %d.\033[0m Logs: %s\n' \
      "$step_no" "$step_name" "$rc" "$DEMO_DIR" >&2
  fi
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ((build)); then
  banner "set-up: installs only what is missing, builds the engine and the venue"
else
  banner "set-up: installs only what is missing (--no-build: the executables in $BUILD as they are)"
fi
scripts/bootstrap.sh
if ((build)); then
  "$VENV/bin/cmake" -S . -B "$BUILD" -G Ninja -DCMAKE_MAKE_PROGRAM="$PWD/$VENV/bin/ninja" \
    -DCMAKE_BUILD_TYPE=Release -DHFT_BUILD_BENCH=ON -DHFT_BUILD_PYTHON=OFF >/dev/null
  "$VENV/bin/cmake" --build "$BUILD" -j "$(nproc)" --target hft_system hft_venue >/dev/null
fi
export HFT_BIN_DIR=$PWD/$BUILD/cpp/apps HFT_STATE_DIR=$DEMO_DIR HFT_SHM_DIR=$DEMO_DIR/shm
[[ -x $HFT_BIN_DIR/hft_system && -x $HFT_BIN_DIR/hft_venue ]] ||
  fail "no hft_system/hft_venue in $HFT_BIN_DIR: run without --no-build"
"$HFT" version

# One demo at a time in this tree; a previous, interrupted one is cleaned up.
mkdir -p var
exec 9>var/demo.lock
flock -n 9 || fail "another scripts/demo.sh is running in this tree"
started_daemons=1
if [[ -d $DEMO_DIR/shm ]]; then "$PY" "$STEPS" cleanup --instance "$ENGINE" --venue "$VENUE"; fi
rm -rf "$DEMO_DIR"
mkdir -p "$RUN" "$HFT_SHM_DIR"

banner "start: the venue simulator, then the engine (preflight, logon), with hft start"
say "the venue: a matching engine with simulated participants, ITCH 5.0 over MoldUDP64 on two UDP"
say "lines, FIX 4.4 order entry. The engine: market maker on AAPL/MSFT/SPY, liquidity taker on NVDA/TSLA."
# The shipped demo configuration, or a copy on free ports when another run holds its ports.
read -r ENGINE_CONFIG VENUE_CONFIG < <("$PY" "$STEPS" configs --out "$RUN")
[[ -n ${VENUE_CONFIG:-} ]] || fail "could not choose the demo configuration"
show "hft start --config $ENGINE_CONFIG --venue $VENUE_CONFIG"
"$HFT" start --config "$ENGINE_CONFIG" --venue "$VENUE_CONFIG" --timeout 30
snapshot s0
engine_pid=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$RUN/s0")

banner "market data flowing"
sleep 2
snapshot s1
show "hft status --instance $ENGINE --json   (two snapshots)"
"$PY" "$STEPS" market "$RUN/s0" "$RUN/s1"

banner "orders and fills"
sleep 2
snapshot s2
"$PY" "$STEPS" orders "$RUN/s0" "$RUN/s2"

banner "risk checks refusing what they must"
say "every order passes the pre-trade checks first. TSLA is on the demo's restricted list"
say "(config/demo/symbol_config.json: \"tradable\": false), so the taker's TSLA orders must be refused;"
say "the other limits (size, notional, position, rate, price band, loss) are in config/demo/system_config.json."
"$PY" "$STEPS" wait-counter --instance "$ENGINE" --counter reject.instrument_not_tradable --timeout 20
rest=$((trade_s - 4))
((rest > 0)) && sleep "$rest"
snapshot s3
"$PY" "$STEPS" rejects "$RUN/s3" --audit "$DEMO_DIR/audit.bin" --instance "$ENGINE"

banner "positions and PnL (fixed-point in the engine, dollars here)"
"$PY" "$STEPS" positions "$RUN/s1" "$RUN/s3"

banner "kill switch: HALT from another process, cancels confirmed by the venue"
show "hft kill --instance $ENGINE --reason \"demo: desk halts trading\""
"$HFT" kill --instance "$ENGINE" --reason "demo: desk halts trading" --json >"$RUN/kill.json"
"$PY" - "$RUN/kill.json" <<'PY'
import json, sys
ack = json.load(open(sys.argv[1]))
print(f"kill {ack['status']} in {ack['round_trip_us']:,.1f} µs round trip (the engine answered "
      f"{ack['engine_us']:,.1f} µs after the post): engine now {ack['state_after']}")
sys.exit(0 if ack["ok"] and ack["state_after"] == "halted" else 1)
PY
"$PY" "$STEPS" kill-confirm --instance "$ENGINE" --audit "$DEMO_DIR/audit.bin" --timeout 5 --steady 1

banner "graceful stop: cancel what is left, log out, flush the audit log"
show "hft stop --instance $ENGINE ; hft venue stop --name $VENUE"
"$HFT" stop --instance "$ENGINE" --reason "demo: end of session"
"$PY" "$STEPS" stopped --pid "$engine_pid" --log "$DEMO_DIR/performance.jsonl" --timeout 30
"$HFT" venue stop --name "$VENUE"

banner "performance and latency report"
show "hft report --config $ENGINE_CONFIG --out var/demo/report"
"$HFT" report --config "$ENGINE_CONFIG" --out "$DEMO_DIR/report" >/dev/null
"$PY" "$STEPS" report "$DEMO_DIR/report"
say "report: $DEMO_DIR/report/report.html (figures and report.json beside it)"
say "audit log: $HFT audit $DEMO_DIR/audit.bin --order ID   (every decision about one order)"
story_s=$((SECONDS - began))

if ((extras)); then
  banner "configuration: one schema, checked by Python and by the C++ daemon; a bad file caught"
  "$HFT" config check config/demo/system_config.json config/demo/symbol_config.json
  "$HFT_BIN_DIR/hft_system" --config config/demo/system_config.json --check
  cp config/demo/symbol_config.json "$RUN/"
  "$PY" - "$RUN" <<'PY'
import json, sys, pathlib
d = pathlib.Path(sys.argv[1])
doc = json.loads(pathlib.Path("config/demo/system_config.json").read_text())
doc["cpu"]["layout"] = "pipeline"
doc["cpu"]["strategy_cores"] = [1]           # same core as the network stage
doc["risk"]["max_order_quantity"] = 50000    # above max_position_size
doc["risk"]["max_orders_per_second"] = 0     # below the minimum
doc["logging"]["levle"] = "debug"            # typo
(d / "bad_config.json").write_text(json.dumps(doc, indent=2))
PY
  "$HFT" config check "$RUN/bad_config.json" || say "(hft config check exited $? as it should)"
  "$HFT_BIN_DIR/hft_system" --config "$RUN/bad_config.json" --check 2>&1 || say "(hft_system exited $? as it should)"

  banner "clock: the TSC calibrated against CLOCK_MONOTONIC_RAW"
  "$HFT" clock --samples 5

  banner "market data offline: a synthetic ITCH 5.0 day as MoldUDP64 packets, replayed into the books"
  "$HFT" synth itch --seed 7 --messages 1000000 --symbols 50 --out "$RUN/day.pcap" --pcap
  "$HFT" replay "$RUN/day.pcap" --symbol AAPL --depth 5
  rm -f "$RUN/day.pcap"
fi

printf '\n\033[1mdone in %ds\033[0m (the story %ds). Report: %s/report/report.html\n' \
  $((SECONDS - began)) "$story_s" "$DEMO_DIR"
say "benchmarks against the latency goals: scripts/bench.sh; the same story in a notebook: docs/demo.ipynb"
