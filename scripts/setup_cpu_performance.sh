#!/usr/bin/env bash
# Puts the engine's cores in their lowest-latency state: the performance
# governor, turbo off (a steady clock makes latencies comparable), and deep
# C-states disabled. Idempotent; settings the machine does not expose (a VM,
# a container) are reported and skipped.
set -euo pipefail

usage() {
  cat <<'TEXT'
Usage: scripts/setup_cpu_performance.sh [options]

Options:
  --cores LIST    cores to set, e.g. 1-3 (default: every online core)
  --keep-turbo    leave turbo/boost as it is
  --check         report the current state; exit 0 when every available
                  setting is as wanted, 1 when one differs
  --dry-run       show what would change, change nothing
  -h, --help      this text

Applying needs root. For settings that last across reboots use the kernel
command line (docs/network.md): intel_idle.max_cstate=1 processor.max_cstate=1.
TEXT
}

cores=""
keep_turbo=no
mode=apply
while [[ $# -gt 0 ]]; do
  case "$1" in
    --cores) cores="${2:?--cores needs a list}"; shift 2 ;;
    --keep-turbo) keep_turbo=yes; shift ;;
    --check) mode=check; shift ;;
    --dry-run) mode=dry-run; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "setup_cpu_performance.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

# Expands "0-2,5" into "0 1 2 5".
expand_list() {
  local out=() part
  IFS=',' read -ra parts <<< "$1"
  for part in "${parts[@]}"; do
    if [[ "$part" =~ ^([0-9]+)-([0-9]+)$ ]]; then
      out+=($(seq "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"))
    elif [[ "$part" =~ ^[0-9]+$ ]]; then
      out+=("$part")
    else
      echo "setup_cpu_performance.sh: bad core list '$1'" >&2; exit 2
    fi
  done
  echo "${out[@]}"
}
[[ -z "$cores" ]] && cores="$(cat /sys/devices/system/cpu/online)"
core_ids=$(expand_list "$cores")

differs=0
unavailable=()

# want FILE VALUE LABEL: compares and, unless checking, writes.
want() {
  local file="$1" value="$2" label="$3" now
  now="$(cat "$file" 2>/dev/null || echo '?')"
  if [[ "$now" == "$value" ]]; then
    echo "ok      $label = $value"
    return
  fi
  case "$mode" in
    check) echo "differs $label = $now (want $value)"; differs=1 ;;
    dry-run) echo "would   $label: $now -> $value" ;;
    apply)
      if [[ $EUID -ne 0 ]]; then echo "setup_cpu_performance.sh: changing $label needs root" >&2; exit 1; fi
      if echo "$value" > "$file" 2>/dev/null; then
        echo "set     $label: $now -> $value"
      else
        echo "skip    $label: cannot write $file (not permitted here)"
      fi ;;
  esac
}

# Governor.
governor_seen=no
for c in $core_ids; do
  f="/sys/devices/system/cpu/cpu$c/cpufreq/scaling_governor"
  [[ -e "$f" ]] || continue
  governor_seen=yes
  want "$f" performance "cpu$c governor"
done
[[ "$governor_seen" == yes ]] || unavailable+=("frequency governor (no cpufreq: a VM, or the host sets the clock)")

# Turbo / boost.
if [[ "$keep_turbo" == no ]]; then
  if [[ -e /sys/devices/system/cpu/intel_pstate/no_turbo ]]; then
    want /sys/devices/system/cpu/intel_pstate/no_turbo 1 "intel_pstate no_turbo"
  elif [[ -e /sys/devices/system/cpu/cpufreq/boost ]]; then
    want /sys/devices/system/cpu/cpufreq/boost 0 "cpufreq boost"
  else
    unavailable+=("turbo/boost control (neither intel_pstate/no_turbo nor cpufreq/boost)")
  fi
fi

# C-states: disable every idle state that costs wake-up latency (state0 is
# polling and stays enabled).
cstate_seen=no
for c in $core_ids; do
  for s in /sys/devices/system/cpu/cpu"$c"/cpuidle/state*; do
    [[ -e "$s/disable" ]] || continue
    latency="$(cat "$s/latency" 2>/dev/null || echo 0)"
    (( latency > 0 )) || continue
    cstate_seen=yes
    want "$s/disable" 1 "cpu$c $(cat "$s/name" 2>/dev/null || basename "$s") disabled"
  done
done
[[ "$cstate_seen" == yes ]] || unavailable+=("C-states with exit latency (none exposed in cpuidle)")

for u in "${unavailable[@]}"; do echo "n/a     $u: not available on this machine, skipped"; done
if [[ "$mode" == check ]]; then
  (( differs == 0 )) && echo "as wanted (for the settings this machine has)" || echo "differs: run as root without --check"
  exit "$differs"
fi
exit 0
