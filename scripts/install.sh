#!/usr/bin/env bash
# Installs the engine on a production server: checks the prerequisites,
# installs the missing Debian packages, the binaries (from the DEB or a build
# tree), the configuration (an operator's edits are never overwritten), the
# hft user and state folder, checks (or, with --tune, applies) the system
# tuning and installs the systemd unit. Idempotent: a second run changes
# nothing and says so. docs/deployment_checklist.md is the whole procedure.
set -euo pipefail

usage() {
  cat <<'TEXT'
Usage: scripts/install.sh (--from-deb FILE | --from-build DIR) [options]

Installs hft_system and hft_venue into PREFIX, the configuration into
CONFIG_DIR, the systemd unit hft_system.service into /etc/systemd/system, and
creates the hft user and its state folder. Each step prints one line:
ok (already as wanted), changed, would (--dry-run), skipped, warn or fail.

Where from (one of them):
  --from-deb FILE     the DEB that scripts/package.sh (cpack) builds
  --from-build DIR    a CMake build folder (installed with cmake --install)

Options:
  --prefix DIR        binaries and scripts (default /opt/hft)
  --config-dir DIR    configuration (default /etc/hft); a file already there
                      is kept: a differing new version is written as FILE.dist
  --state-dir DIR     order-id state, FIX stores, audit log (default /var/lib/hft)
  --user NAME         the system user the engine runs as (default hft)
  --wheel FILE        also create PREFIX/venv with this hft wheel (the hft CLI)
                      and link /usr/local/bin/hft to it; pip finds dependencies
                      on its index or next to the wheel
  --tune              apply the tuning scripts (hugepages, CPU performance,
                      IRQ affinity); by default they only check (--check) and
                      report, since they change the running kernel's settings
  --no-tuning         neither check nor apply the tuning
  --no-systemd        do not install the systemd unit
  --enable            systemctl enable --now hft_system (never done otherwise)
  --root DIR          install below DIR, as DESTDIR does (also $HFT_INSTALL_ROOT):
                      no root needed; user, apt, tuning changes and systemctl
                      are skipped, prerequisite failures are only warnings
  --dry-run           print every action it would take; change nothing
  --json              print a JSON summary on stdout (the lines go to stderr)
  -h, --help          this text

Environment: HFT_PYTHON  interpreter for PREFIX/venv (default python3)

Exit codes: 0 installed (or would install), 1 a prerequisite or step failed,
2 usage error.
TEXT
}

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
UNIT_NAME=hft_system.service
UNIT_DIR=/etc/systemd/system
LINK_DIR=/usr/local/bin

root=${HFT_INSTALL_ROOT:-}
prefix=/opt/hft
config_dir=/etc/hft
state_dir=/var/lib/hft
user=hft
from_deb=""
from_build=""
wheel=""
tuning=check
systemd=1
enable=0
dry_run=0
json=0

usage_error() { printf 'install.sh: %s (see --help)\n' "$*" >&2; exit 2; }
needs_value() { [[ $# -ge 2 && -n $2 ]] || usage_error "$1 needs a value"; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --from-deb) needs_value "$@"; from_deb=$2; shift 2 ;;
    --from-build) needs_value "$@"; from_build=$2; shift 2 ;;
    --prefix) needs_value "$@"; prefix=$2; shift 2 ;;
    --config-dir) needs_value "$@"; config_dir=$2; shift 2 ;;
    --state-dir) needs_value "$@"; state_dir=$2; shift 2 ;;
    --user) needs_value "$@"; user=$2; shift 2 ;;
    --wheel) needs_value "$@"; wheel=$2; shift 2 ;;
    --root) needs_value "$@"; root=$2; shift 2 ;;
    --tune) tuning=apply; shift ;;
    --no-tuning) tuning=none; shift ;;
    --no-systemd) systemd=0; shift ;;
    --enable) enable=1; shift ;;
    --dry-run) dry_run=1; shift ;;
    --json) json=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage_error "unknown option '$1'" ;;
  esac
done

if [[ -n $from_deb && -n $from_build ]] || [[ -z $from_deb && -z $from_build ]]; then
  usage_error "give exactly one of --from-deb FILE and --from-build DIR"
fi
[[ -z $from_deb || -f $from_deb ]] || usage_error "--from-deb: no such file '$from_deb'"
[[ -z $from_build || -f $from_build/CMakeCache.txt ]] ||
  usage_error "--from-build: '$from_build' is not a CMake build folder (no CMakeCache.txt)"
[[ -z $wheel || ($wheel == *.whl && -f $wheel) ]] || usage_error "--wheel: no such wheel file '$wheel'"
for p in "$prefix" "$config_dir" "$state_dir"; do
  # Absolute and plain: the paths are written into the systemd unit.
  [[ $p =~ ^/[A-Za-z0-9._/-]*$ ]] || usage_error "'$p' must be an absolute path of letters, digits and ._-/"
done
prefix=${prefix%/}
config_dir=${config_dir%/}
state_dir=${state_dir%/}
[[ $user =~ ^[a-z_][a-z0-9_-]*$ ]] || usage_error "--user: '$user' is not a valid user name"
if [[ -n $root ]]; then
  [[ $root == /* ]] || root=$PWD/$root
  root=${root%/}
fi
if ((enable && !systemd)); then usage_error "--enable needs the systemd unit (drop --no-systemd)"; fi

# ---- reporting -----------------------------------------------------------------
# Every step reports one line: STATUS STEP DETAIL.
declare -a log_status=() log_step=() log_detail=()
n_changed=0
n_would=0
n_failed=0

report() {
  local status=$1 step=$2 detail=$3
  log_status+=("$status")
  log_step+=("$step")
  log_detail+=("$detail")
  case "$status" in
    changed) n_changed=$((n_changed + 1)) ;;
    would) n_would=$((n_would + 1)) ;;
    fail) n_failed=$((n_failed + 1)) ;;
  esac
  if ((json)); then
    printf '%-8s %-16s %s\n' "$status" "$step" "$detail" >&2
  else
    printf '%-8s %-16s %s\n' "$status" "$step" "$detail"
  fi
}

json_string() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\t'/\\t}
  s=${s//$'\n'/\\n}
  printf '"%s"' "$s"
}

# finish OK: the last line (and, with --json, the summary), then exit.
finish() {
  local ok=$1 summary
  if ((!ok)); then
    summary="install failed: nothing after the failed step was done"
    ((dry_run)) && summary="dry run: a real install would fail (see the fail lines); nothing was changed"
  elif ((dry_run)); then
    if ((n_would)); then
      summary="dry run: $n_would actions would be taken; nothing was changed"
    else
      summary="dry run: nothing to do; already installed as wanted"
    fi
  elif ((n_changed)); then
    summary="$n_changed changes made"
  else
    summary="nothing changed: already installed as wanted"
  fi
  if ((json)); then
    printf 'install.sh: %s\n' "$summary" >&2
    local i sep=""
    printf '{"ok": %s, "dry_run": %s, "root": %s, "prefix": %s, "config_dir": %s, "state_dir": %s, ' \
      "$( ((ok)) && echo true || echo false)" "$( ((dry_run)) && echo true || echo false)" \
      "$(json_string "$root")" "$(json_string "$prefix")" "$(json_string "$config_dir")" "$(json_string "$state_dir")"
    printf '"changed": %d, "would": %d, "failed": %d, "summary": %s, "actions": [' \
      "$n_changed" "$n_would" "$n_failed" "$(json_string "$summary")"
    for i in "${!log_status[@]}"; do
      printf '%s{"status": %s, "step": %s, "detail": %s}' "$sep" "$(json_string "${log_status[$i]}")" \
        "$(json_string "${log_step[$i]}")" "$(json_string "${log_detail[$i]}")"
      sep=", "
    done
    printf ']}\n'
  else
    printf 'install.sh: %s\n' "$summary"
  fi
  ((ok)) && exit 0
  exit 1
}

# fail STEP DETAIL: a step that cannot go on. In a dry run the remaining steps
# are still shown.
fail() {
  report fail "$1" "$2"
  ((dry_run)) || finish 0
}

stage=$(mktemp -d "${TMPDIR:-/tmp}/hft-install.XXXXXX")
trap 'rm -rf "$stage"' EXIT

# ---- 1. prerequisites ----------------------------------------------------------
# prereq STEP OK_DETAIL FAIL_DETAIL CONDITION...: below --root a failure is a
# warning, as the tree may be meant for another machine.
prereq() {
  local step=$1 good=$2 bad=$3
  shift 3
  if "$@"; then
    report ok "$step" "$good"
  elif [[ -n $root ]]; then
    report warn "$step" "$bad (not fatal with --root)"
  else
    fail "$step" "$bad"
  fi
}

# shellcheck disable=SC1091
os_ids=$( (. /etc/os-release 2>/dev/null && echo "${ID:-} ${ID_LIKE:-}") || true)
# shellcheck disable=SC1091
os_name=$( (. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-}") || true)
# shellcheck disable=SC2317  # the checks below run through prereq
is_debian() { [[ " $os_ids " == *" debian "* ]]; }
# shellcheck disable=SC2317
is_x86_64() { [[ $(uname -m) == x86_64 ]]; }
cpu_flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)
# shellcheck disable=SC2317
has_invariant_tsc() { [[ " $cpu_flags " == *" constant_tsc "* && " $cpu_flags " == *" nonstop_tsc "* ]]; }
has_systemctl() { command -v systemctl >/dev/null; }
systemd_running() { [[ -d /run/systemd/system ]]; }
is_root() { [[ $EUID -eq 0 ]]; }

prereq os "${os_name:-Debian}" "not Debian-based (${os_name:-no /etc/os-release}): install.sh uses dpkg and apt" is_debian
prereq arch "x86_64" "$(uname -m): hft is built for x86_64" is_x86_64
if [[ -n $root ]]; then
  report ok privileges "--root: no root needed"
elif ((dry_run)) && ! is_root; then
  report warn privileges "not root: fine for --dry-run, a real install needs root (sudo)"
else
  prereq privileges "root" "not root: run as root (sudo scripts/install.sh ...)" is_root
fi
prereq tsc "invariant TSC (constant_tsc, nonstop_tsc)" \
  "no invariant TSC (constant_tsc and nonstop_tsc in /proc/cpuinfo): the engine's clock would drift" \
  has_invariant_tsc
if ((systemd)); then
  if has_systemctl && ! systemd_running; then
    report warn systemd "systemctl present, but systemd is not running as init (a container?): the unit is installed, systemctl is not called"
  else
    prereq systemd "systemctl present, systemd running" "systemctl not found: install systemd, or pass --no-systemd" has_systemctl
  fi
else
  report skipped systemd "--no-systemd"
fi

# ---- 2. unpack the source into a scratch folder ----------------------------------
if [[ -n $from_deb ]]; then
  source_desc="DEB $(dpkg-deb -f "$from_deb" Package Version 2>/dev/null | awk '{print $2}' | paste -sd' ')"
  dpkg-deb -x "$from_deb" "$stage/tree" || { report fail source "dpkg-deb -x $from_deb failed"; finish 0; }
else
  cmake_bin=$(sed -n 's/^CMAKE_COMMAND:INTERNAL=//p' "$from_build/CMakeCache.txt")
  [[ -x $cmake_bin ]] || cmake_bin=$(command -v cmake || true)
  [[ -n $cmake_bin ]] || { report fail source "cmake not found (needed for --from-build)"; finish 0; }
  [[ -x $from_build/cpp/apps/hft_system ]] ||
    { report fail source "$from_build has no cpp/apps/hft_system: build it first (cmake --build $from_build)"; finish 0; }
  source_desc="build $from_build"
  DESTDIR=$stage/tree "$cmake_bin" --install "$from_build" --prefix "$prefix" --component runtime >/dev/null ||
    { report fail source "cmake --install $from_build failed"; finish 0; }
fi
staged_bin=$(find "$stage/tree" -type f -path '*/bin/hft_system' | head -n1)
[[ -n $staged_bin ]] || { report fail source "$source_desc holds no bin/hft_system"; finish 0; }
staged_prefix=$(dirname "$(dirname "$staged_bin")")
staged_config=$(find "$stage/tree" -type f -name system_config.json -not -path "$staged_prefix/*" | head -n1)
[[ -n $staged_config ]] || { report fail source "$source_desc holds no system_config.json"; finish 0; }
staged_config_dir=$(dirname "$staged_config")
staged_unit=$(find "$stage/tree" -type f -name "$UNIT_NAME" | head -n1)
if [[ -z $staged_unit && -f $SCRIPT_DIR/../config/systemd/$UNIT_NAME ]]; then
  staged_unit=$SCRIPT_DIR/../config/systemd/$UNIT_NAME  # an older package without the unit
fi
report ok source "$source_desc"

# ---- 3. Debian packages the runtime needs ------------------------------------------
needed=()
missing_libs=()
if [[ -n $from_deb ]]; then
  # The DEB's Depends (derived with dpkg-shlibdeps): the first of alternatives,
  # without version constraints (apt resolves those).
  while IFS= read -r dep; do
    dep=${dep%%|*}
    dep=${dep%%(*}
    dep=${dep%%:*}
    dep=${dep//[[:space:]]/}
    [[ -n $dep ]] && needed+=("$dep")
  done < <(dpkg-deb -f "$from_deb" Depends | tr ',' '\n')
else
  # A build tree's binaries were linked on this machine: every shared library
  # they name must resolve.
  while IFS= read -r lib; do
    missing_libs+=("$lib")
  done < <(find "$staged_prefix/bin" -type f -perm -u+x -exec ldd {} + 2>/dev/null |
           awk '/not found/ { print $1 }' | sort -u)
fi
[[ -n $wheel ]] && needed+=(python3 python3-venv)
missing=()
for pkg in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing_libs[@]})); then
  msg="shared libraries not found: ${missing_libs[*]} (install the Debian packages that hold them)"
  if [[ -n $root ]]; then report warn packages "$msg"; else fail packages "$msg"; fi
fi
if ((${#missing[@]} == 0)); then
  report ok packages "${needed[*]:-no package needed}${needed[*]:+ installed}"
elif [[ -n $root ]]; then
  report skipped packages "(--root) not installing missing ${missing[*]}"
elif ((dry_run)); then
  report would packages "apt-get install ${missing[*]}"
else
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    report changed packages "installed ${missing[*]}"
  else
    fail packages "apt-get install ${missing[*]} failed: is the Debian mirror reachable?"
  fi
fi

# ---- file helpers ------------------------------------------------------------------
# same SRC DST: DST exists with SRC's bytes and permissions.
same() {
  [[ -f $2 && ! -L $2 ]] && cmp -s "$1" "$2" && [[ $(stat -c %a "$1") == "$(stat -c %a "$2")" ]]
}

# put SRC DST [MODE]: writes DST atomically (a running binary is replaced, not
# overwritten in place).
put() {
  local src=$1 dst=$2 mode=${3:-}
  mkdir -p "$(dirname "$dst")"
  cp "$src" "$dst.hft-new"
  if [[ -n $mode ]]; then chmod "$mode" "$dst.hft-new"; else chmod "$(stat -c %a "$src")" "$dst.hft-new"; fi
  mv -f "$dst.hft-new" "$dst"
}

# ---- 4. binaries and scripts into the prefix ---------------------------------------------
to_copy=()
n_files=0
while IFS= read -r rel; do
  n_files=$((n_files + 1))
  same "$staged_prefix/$rel" "$root$prefix/$rel" || to_copy+=("$rel")
done < <(cd "$staged_prefix" && find . -type f | sed 's#^\./##' | LC_ALL=C sort)
if ((${#to_copy[@]} == 0)); then
  report ok binaries "$prefix: $n_files files up to date"
elif ((dry_run)); then
  report would binaries "$prefix: write ${to_copy[*]}"
else
  for rel in "${to_copy[@]}"; do put "$staged_prefix/$rel" "$root$prefix/$rel"; done
  report changed binaries "$prefix: wrote ${to_copy[*]}"
fi

# ---- 5. the Python package (the hft CLI) into PREFIX/venv ----------------------------------
venv=$prefix/venv
if [[ -z $wheel ]]; then
  report skipped python "no --wheel given (the hft CLI: pip install the wheel, or pass --wheel)"
else
  python=${HFT_PYTHON:-python3}
  wheel_sum=$(sha256sum "$wheel" | cut -d' ' -f1)
  stamp=$root$venv/.hft-wheel.sha256
  if [[ -x $root$venv/bin/python && -f $stamp && $(cat "$stamp") == "$wheel_sum" ]]; then
    report ok python "$venv has $(basename "$wheel")"
  elif ((dry_run)); then
    report would python "$([[ -x $root$venv/bin/python ]] || echo "create $venv with $python -m venv, ")install $(basename "$wheel") with its dependencies"
  else
    if [[ ! -x $root$venv/bin/python ]]; then
      "$python" -m venv "$root$venv" >&2 || fail python "$python -m venv $root$venv failed (python3-venv missing?)"
    fi
    # Dependencies from the index or next to the wheel; then this exact wheel,
    # even when the version did not change.
    if "$root$venv/bin/python" -m pip install -q --disable-pip-version-check \
         --find-links "$(dirname "$wheel")" "$wheel" >&2 &&
       "$root$venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps --force-reinstall "$wheel" >&2; then
      echo "$wheel_sum" > "$stamp"
      report changed python "$venv: installed $(basename "$wheel")"
    else
      fail python "pip could not install $wheel into $venv (its dependencies: on the index or next to the wheel)"
    fi
  fi
  link=$root$LINK_DIR/hft
  if [[ -L $link && $(readlink "$link") == "$venv/bin/hft" ]]; then
    report ok cli-link "$LINK_DIR/hft -> $venv/bin/hft"
  elif [[ -e $link && ! -L $link ]]; then
    report warn cli-link "$LINK_DIR/hft exists and is not a link: left alone"
  elif ((dry_run)); then
    report would cli-link "link $LINK_DIR/hft -> $venv/bin/hft"
  else
    mkdir -p "$root$LINK_DIR"
    ln -sfn "$venv/bin/hft" "$link"
    report changed cli-link "$LINK_DIR/hft -> $venv/bin/hft"
  fi
fi

# ---- 6. does it run? -----------------------------------------------------------------------
check_bin=$root$prefix/bin/hft_system
if ((dry_run)) && ! same "$staged_bin" "$check_bin"; then check_bin=$staged_bin; fi
if version=$("$check_bin" --version 2>&1); then
  report ok verify "$version"
else
  fail verify "hft_system --version failed: $version"
fi

# ---- 7. configuration: never overwrite an operator's file ------------------------------------
while IFS= read -r name; do
  src=$staged_config_dir/$name
  dst=$root$config_dir/$name
  if [[ ! -e $dst ]]; then
    if ((dry_run)); then report would config "install $config_dir/$name"; else
      put "$src" "$dst" 0644
      report changed config "installed $config_dir/$name"
    fi
  elif cmp -s "$src" "$dst"; then
    report ok config "$config_dir/$name"
  elif [[ -f $dst.dist ]] && cmp -s "$src" "$dst.dist"; then
    report ok config "$config_dir/$name kept (local edits); the shipped version is in $name.dist"
  elif ((dry_run)); then
    report would config "keep $config_dir/$name (local edits); write the shipped version to $name.dist"
  else
    put "$src" "$dst.dist" 0644
    report changed config "kept $config_dir/$name (local edits); wrote the shipped version to $name.dist: compare and merge"
  fi
done < <(cd "$staged_config_dir" && find . -maxdepth 1 -type f | sed 's#^\./##' | LC_ALL=C sort)

# ---- 8. the system user and its state folder -------------------------------------------------
user_exists() { getent passwd "$user" >/dev/null; }
if [[ -n $root ]]; then
  report skipped user "(--root) system user $user"
elif user_exists; then
  report ok user "$user exists"
elif ((dry_run)); then
  report would user "useradd --system $user (home $state_dir, no login shell)"
else
  if useradd --system --user-group --home-dir "$state_dir" --no-create-home \
       --shell /usr/sbin/nologin --comment "hft trading engine" "$user"; then
    report changed user "created system user $user"
  else
    fail user "useradd $user failed"
  fi
fi

sd=$root$state_dir
want_owner=1
[[ -n $root ]] && want_owner=0
state_ok() {
  [[ -d $sd && $(stat -c %a "$sd") == 750 ]] || return 1
  ((want_owner == 0)) || [[ $(stat -c %U:%G "$sd") == "$user:$user" ]]
}
if state_ok; then
  report ok state-dir "$state_dir (mode 750$( ((want_owner)) && echo ", owner $user"))"
elif ((dry_run)); then
  report would state-dir "$([[ -d $sd ]] && echo set || echo create) $state_dir, mode 750$( ((want_owner)) && echo ", owner $user")"
else
  mkdir -p "$sd"
  chmod 750 "$sd"
  if ((want_owner)); then chown "$user:$user" "$sd"; fi
  report changed state-dir "$state_dir (mode 750$( ((want_owner)) && echo ", owner $user" || echo "; owner not set: --root"))"
fi

# ---- 9. tuning: checked by default, applied with --tune ----------------------------------------
# Hugepages as the configuration asks (network.hugepages_gb; 0: DPDK runs --no-huge).
installed_config=$root$config_dir/system_config.json
[[ -f $installed_config ]] || installed_config=$staged_config
hugepages_gb=$(sed -n 's/.*"hugepages_gb"[[:space:]]*:[[:space:]]*\([0-9][0-9]*\).*/\1/p' "$installed_config" | head -n1)
tune() {
  local name=$1 script=$SCRIPT_DIR/$2 out rc
  shift 2
  if [[ $tuning == none ]]; then report skipped "tune-$name" "--no-tuning"; return; fi
  if [[ ! -f $script ]]; then report warn "tune-$name" "$(basename "$script") not found next to install.sh"; return; fi
  if [[ $tuning == check ]]; then
    out=$(bash "$script" --check "$@" 2>&1) && rc=0 || rc=$?
    case $rc in
      0) report ok "tune-$name" "$(tail -n1 <<<"$out")" ;;
      1) report warn "tune-$name" "differs from the wanted state: install.sh --tune (or $(basename "$script")) applies it" ;;
      3) report skipped "tune-$name" "not available on this machine" ;;
      *) report warn "tune-$name" "$(basename "$script") --check exited $rc: $(tail -n1 <<<"$out")" ;;
    esac
  elif [[ -n $root ]]; then
    report skipped "tune-$name" "(--root) tuning changes the running kernel, not a folder"
  elif ((dry_run)); then
    out=$(bash "$script" --dry-run "$@" 2>&1) && rc=0 || rc=$?
    if ((rc != 0)); then
      report warn "tune-$name" "$(basename "$script") --dry-run exited $rc: $(tail -n1 <<<"$out")"
    elif grep -q '^would' <<<"$out"; then
      report would "tune-$name" "$(grep -c '^would' <<<"$out") settings, e.g. $(grep -m1 '^would' <<<"$out" | sed 's/^would *//' | tr -s ' ')"
    else
      report ok "tune-$name" "nothing to change"
    fi
  else
    out=$(bash "$script" "$@" 2>&1) && rc=0 || rc=$?
    if ((rc != 0)); then
      report warn "tune-$name" "$(basename "$script") exited $rc: $(tail -n1 <<<"$out")"
    elif grep -Eq '^(set|reserved|mounted) ' <<<"$out"; then
      report changed "tune-$name" "$(grep -Ec '^(set|reserved|mounted) ' <<<"$out") settings applied (runtime only: see docs/deployment_checklist.md for boot options)"
    else
      report ok "tune-$name" "nothing to change"
    fi
  fi
}
if [[ ${hugepages_gb:-0} -eq 0 && $tuning != none ]]; then
  report skipped tune-hugepages "network.hugepages_gb is 0 in system_config.json: DPDK runs without hugepages"
else
  tune hugepages setup_hugepages.sh --gb "${hugepages_gb:-0}"
fi
tune cpu setup_cpu_performance.sh
tune irq setup_irq_affinity.sh

# ---- 10. the systemd unit -------------------------------------------------------------------
unit_changed=0
if ((systemd)); then
  if [[ -z $staged_unit ]]; then
    fail unit "$source_desc holds no $UNIT_NAME"
  else
    # The unit names the default folders; write this install's into it.
    state_rel=${state_dir#/var/lib/}
    sed -e 's#/opt/hft#@PREFIX@#g' -e 's#/etc/hft#@CONFIG_DIR@#g' -e 's#/var/lib/hft#@STATE_DIR@#g' \
        -e "s#^User=hft\$#User=$user#" -e "s#^Group=hft\$#Group=$user#" "$staged_unit" |
      sed -e "s#@PREFIX@#$prefix#g" -e "s#@CONFIG_DIR@#$config_dir#g" -e "s#@STATE_DIR@#$state_dir#g" > "$stage/unit"
    if [[ $state_rel == "$state_dir" ]]; then
      # StateDirectory= only names folders below /var/lib; install.sh made this one.
      sed -i -e 's/^StateDirectory=/#StateDirectory=/' -e 's/^StateDirectoryMode=/#StateDirectoryMode=/' "$stage/unit"
    else
      sed -i "s#^StateDirectory=.*#StateDirectory=$state_rel#" "$stage/unit"
    fi
    chmod 0644 "$stage/unit"
    unit_dst=$root$UNIT_DIR/$UNIT_NAME
    if same "$stage/unit" "$unit_dst"; then
      report ok unit "$UNIT_DIR/$UNIT_NAME"
    elif ((dry_run)); then
      report would unit "$([[ -e $unit_dst ]] && echo update || echo install) $UNIT_DIR/$UNIT_NAME"
      unit_changed=1
    else
      put "$stage/unit" "$unit_dst" 0644
      report changed unit "$UNIT_DIR/$UNIT_NAME"
      unit_changed=1
    fi
  fi

  if ((!unit_changed)); then
    report ok daemon-reload "not needed: the unit did not change"
  elif [[ -n $root ]]; then
    report skipped daemon-reload "(--root) systemctl daemon-reload"
  elif ! systemd_running; then
    report skipped daemon-reload "systemd is not running here"
  elif ((dry_run)); then
    report would daemon-reload "systemctl daemon-reload"
  else
    if systemctl daemon-reload; then
      report changed daemon-reload "systemctl daemon-reload"
    else
      fail daemon-reload "systemctl daemon-reload failed"
    fi
  fi

  if ((!enable)); then
    report skipped enable "not asked: after the preflight, systemctl enable --now hft_system (or --enable)"
  elif [[ -n $root ]]; then
    report skipped enable "(--root) systemctl enable --now hft_system"
  elif ! systemd_running; then
    report skipped enable "systemd is not running here"
  elif systemctl is-enabled --quiet hft_system 2>/dev/null && systemctl is-active --quiet hft_system; then
    report ok enable "hft_system is enabled and running"
  elif ((dry_run)); then
    report would enable "systemctl enable --now hft_system"
  else
    if systemctl enable --now hft_system >/dev/null 2>&1; then
      report changed enable "systemctl enable --now hft_system"
    else
      fail enable "systemctl enable --now hft_system failed: journalctl -u hft_system"
    fi
  fi
else
  report skipped unit "--no-systemd"
fi

finish $((n_failed == 0))
