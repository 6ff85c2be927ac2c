#!/usr/bin/env bash
# Steers hardware interrupts away from the isolated cores the engine polls
# on, onto the housekeeping cores. Idempotent; interrupts the kernel does not
# let move (per-core timers, some virtual devices) are reported, not fatal.
set -euo pipefail

usage() {
  cat <<'TEXT'
Usage: scripts/setup_irq_affinity.sh [options]

Options:
  --isolated LIST  cores to keep free of interrupts, e.g. 2-3 (default: the
                   kernel's isolated cores, /sys/devices/system/cpu/isolated,
                   i.e. the isolcpus= boot option; cpu.isolated_cores in the
                   configuration should name the same cores)
  --check          report the current state; exit 0 when no movable interrupt
                   may run on an isolated core, 1 otherwise
  --dry-run        show what would change, change nothing
  -h, --help       this text

Applying needs root. irqbalance, if running, moves interrupts back: stop it
(systemctl disable --now irqbalance) or give it IRQBALANCE_BANNED_CPULIST.
TEXT
}

isolated=""
mode=apply
while [[ $# -gt 0 ]]; do
  case "$1" in
    --isolated) isolated="${2:?--isolated needs a list}"; shift 2 ;;
    --check) mode=check; shift ;;
    --dry-run) mode=dry-run; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "setup_irq_affinity.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

expand_list() {
  local out=() part
  IFS=',' read -ra parts <<< "$1"
  for part in "${parts[@]}"; do
    [[ -z "$part" ]] && continue
    if [[ "$part" =~ ^([0-9]+)-([0-9]+)$ ]]; then
      out+=($(seq "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"))
    elif [[ "$part" =~ ^[0-9]+$ ]]; then
      out+=("$part")
    else
      echo "setup_irq_affinity.sh: bad core list '$1'" >&2; exit 2
    fi
  done
  echo "${out[@]:-}"
}

[[ -z "$isolated" ]] && isolated="$(cat /sys/devices/system/cpu/isolated 2>/dev/null || true)"
if [[ -z "$isolated" ]]; then
  echo "no isolated cores (isolcpus= is not set and --isolated was not given): nothing to steer."
  exit 0
fi
if [[ "$mode" == apply && $EUID -ne 0 ]]; then
  echo "setup_irq_affinity.sh: changing interrupt affinity needs root" >&2; exit 1
fi

iso_ids=" $(expand_list "$isolated") "
online_ids=$(expand_list "$(cat /sys/devices/system/cpu/online)")
housekeeping=()
for c in $online_ids; do [[ "$iso_ids" == *" $c "* ]] || housekeeping+=("$c"); done
if (( ${#housekeeping[@]} == 0 )); then
  echo "every online core is isolated: there is no core left for interrupts; isolate fewer cores" >&2
  exit 2
fi
target=$(IFS=,; echo "${housekeeping[*]}")
echo "isolated cores: $isolated; interrupts go to: $target"

if pgrep -x irqbalance >/dev/null 2>&1; then
  echo "warning: irqbalance is running and will move interrupts back (systemctl disable --now irqbalance)"
fi

if [[ ! -d /proc/irq ]]; then
  echo "/proc/irq is not available here (a container?): interrupt affinity cannot be set; skipped."
  exit 0
fi

differs=0
moved=0
pinned=0
for dir in /proc/irq/[0-9]*; do
  irq="${dir##*/}"
  f="$dir/smp_affinity_list"
  [[ -r "$f" ]] || continue
  now="$(cat "$f")"
  on_isolated=no
  for c in $(expand_list "$now"); do [[ "$iso_ids" == *" $c "* ]] && on_isolated=yes; done
  [[ "$on_isolated" == no ]] && continue
  case "$mode" in
    check)
      echo "differs irq $irq may run on $now"; differs=1 ;;
    dry-run)
      echo "would   irq $irq: $now -> $target"; moved=$((moved + 1)) ;;
    apply)
      if echo "$target" > "$f" 2>/dev/null; then
        echo "set     irq $irq: $now -> $target"; moved=$((moved + 1))
      else
        echo "skip    irq $irq: the kernel does not let it move (per-core or managed interrupt)"; pinned=$((pinned + 1))
      fi ;;
  esac
done
default_now="$(cat /proc/irq/default_smp_affinity 2>/dev/null || echo '?')"
echo "default affinity mask for new interrupts: $default_now (set irqaffinity=$target on the kernel command line to keep it)"

if [[ "$mode" == check ]]; then
  (( differs == 0 )) && echo "as wanted"
  exit "$differs"
fi
echo "interrupts moved: $moved; not movable: $pinned"
exit 0
