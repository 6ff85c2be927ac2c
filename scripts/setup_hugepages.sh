#!/usr/bin/env bash
# Reserves hugepages for DPDK and mounts hugetlbfs. Idempotent: changes only
# what differs from the wanted state.
set -euo pipefail

usage() {
  cat <<'TEXT'
Usage: scripts/setup_hugepages.sh [options]

Reserves hugepages for DPDK's EAL (network.hugepages_gb in the configuration)
and mounts hugetlbfs, which the EAL needs unless it runs --in-memory.

Options:
  --gb N          gigabytes of hugepages to reserve (default: 1)
  --size 2M|1G    hugepage size (default: 2M; 1G pages usually need a boot option)
  --mount DIR     hugetlbfs mount point (default: /dev/hugepages)
  --check         report the current state; exit 0 when it is as wanted,
                  1 when it differs, 3 when hugepages are not available here
  --dry-run       show what would change, change nothing
  -h, --help      this text

Applying needs root. The reservation does not survive a reboot: for that add
`hugepagesz=2M hugepages=N` (or 1G) to the kernel command line.
Without hugepages run DPDK with network.dpdk.no_huge: true (--no-huge).
TEXT
}

gb=1
size=2M
mount_dir=/dev/hugepages
mode=apply
while [[ $# -gt 0 ]]; do
  case "$1" in
    --gb) gb="${2:?--gb needs a number}"; shift 2 ;;
    --size) size="${2:?--size needs 2M or 1G}"; shift 2 ;;
    --mount) mount_dir="${2:?--mount needs a folder}"; shift 2 ;;
    --check) mode=check; shift ;;
    --dry-run) mode=dry-run; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "setup_hugepages.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$gb" =~ ^[0-9]+$ ]] || { echo "setup_hugepages.sh: --gb must be a whole number, got '$gb'" >&2; exit 2; }
case "$size" in
  2M) page_kb=2048 ;;
  1G) page_kb=1048576 ;;
  *) echo "setup_hugepages.sh: --size must be 2M or 1G, got '$size'" >&2; exit 2 ;;
esac

pool="/sys/kernel/mm/hugepages/hugepages-${page_kb}kB"
wanted=$(( gb * 1024 * 1024 / page_kb ))

if [[ ! -d "$pool" ]]; then
  echo "hugepages of size $size are not available on this machine ($pool is missing:"
  echo "a kernel without hugetlbfs, or a container that hides it). Nothing to do here;"
  echo "run DPDK with network.dpdk.no_huge: true (--no-huge)."
  [[ "$mode" == check ]] && exit 3
  exit 0
fi

current=$(cat "$pool/nr_hugepages")
mounted=no
if awk -v d="$mount_dir" '$2 == d && $3 == "hugetlbfs" { found = 1 } END { exit !found }' /proc/mounts; then
  mounted=yes
fi

echo "hugepages ($size): $current reserved, $wanted wanted ($gb GB); hugetlbfs at $mount_dir: $mounted"

if [[ "$mode" == check ]]; then
  if (( current >= wanted )) && [[ "$mounted" == yes ]]; then
    echo "as wanted"
    exit 0
  fi
  echo "differs: run scripts/setup_hugepages.sh --gb $gb --size $size as root"
  exit 1
fi

changes=0
if (( current != wanted )); then
  changes=1
  if [[ "$mode" == dry-run ]]; then
    echo "would set $pool/nr_hugepages: $current -> $wanted"
  else
    if [[ $EUID -ne 0 ]]; then echo "setup_hugepages.sh: reserving hugepages needs root" >&2; exit 1; fi
    if ! echo "$wanted" > "$pool/nr_hugepages" 2>/dev/null; then
      echo "cannot write $pool/nr_hugepages (read-only /sys: a container?): hugepages are not available here;"
      echo "run DPDK with network.dpdk.no_huge: true (--no-huge)."
      exit 3
    fi
    got=$(cat "$pool/nr_hugepages")
    echo "reserved $got of $wanted hugepages ($size)"
    if (( got < wanted )); then
      echo "memory is too fragmented for $wanted pages: reserve at boot (hugepages= on the kernel command line)" >&2
      exit 1
    fi
  fi
fi
if [[ "$mounted" != yes ]]; then
  changes=1
  if [[ "$mode" == dry-run ]]; then
    echo "would mount hugetlbfs at $mount_dir (pagesize=$size)"
  else
    if [[ $EUID -ne 0 ]]; then echo "setup_hugepages.sh: mounting hugetlbfs needs root" >&2; exit 1; fi
    mkdir -p "$mount_dir"
    if ! mount -t hugetlbfs -o "pagesize=$size" nodev "$mount_dir" 2>/dev/null; then
      echo "cannot mount hugetlbfs at $mount_dir (no permission in this container?);"
      echo "the EAL still works with network.dpdk.in_memory: true."
      exit 3
    fi
    echo "mounted hugetlbfs at $mount_dir"
  fi
fi
(( changes == 0 )) && echo "nothing to change"
exit 0
