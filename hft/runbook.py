"""Start-up runbook steps, importable: ``hft.runbook.preflight(config)``.

Each check looks at one thing the engine needs before it starts and says
pass, warn or fail, what it saw, and how to fix it. ``hft preflight`` prints
the same results as a table (or ``--json``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from hft import _core
from hft import config as config_mod

PASS, WARN, FAIL = "pass", "warn", "fail"
REPO_SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
MIN_FREE_BYTES = 1 << 30  # audit segments are 64 MiB each by default; a day needs room for many


@dataclass(frozen=True)
class Check:
    """One preflight finding."""

    name: str
    status: str  #: pass, warn or fail
    detail: str
    fix: str = ""


@dataclass
class PreflightReport:
    """Every check, in the order the runbook lists them."""

    config: str
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No check failed (warnings are allowed: a VM lacks some tuning)."""
        return all(c.status != FAIL for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        return {"config": self.config, "ok": self.ok, "checks": [asdict(c) for c in self.checks]}


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except OSError:
        return None


def check_config(path: Path) -> tuple[Check, dict[str, Any] | None]:
    result = config_mod.check_file(path, "system")
    if result.ok and result.normalized is not None:
        return Check("configuration", PASS, f"{path} is valid"), result.normalized
    first = "; ".join(str(e) for e in result.errors[:3])
    more = f" (+{len(result.errors) - 3} more)" if len(result.errors) > 3 else ""
    return Check("configuration", FAIL, first + more, f"hft config check {path}"), None


def check_tsc() -> Check:
    f = _core.clock.detect_features()
    if f.invariant:
        hz = _core.clock.calibrate().ticks_per_second
        return Check("invariant TSC", PASS, f"invariant TSC at {hz / 1e9:.3f} GHz (calibrated)")
    return Check(
        "invariant TSC",
        FAIL,
        "the TSC is not invariant: latency figures and timers would drift",
        "run on a CPU with an invariant TSC (constant_tsc and nonstop_tsc in /proc/cpuinfo)",
    )


def check_governor(cores: list[int]) -> Check:
    seen: dict[int, str] = {}
    for core in cores:
        g = _read(Path(f"/sys/devices/system/cpu/cpu{core}/cpufreq/scaling_governor"))
        if g is not None:
            seen[core] = g
    if not seen:
        return Check("CPU governor", WARN, "no cpufreq control here (a VM or a container)", "")
    slow = {c: g for c, g in seen.items() if g != "performance"}
    if not slow:
        return Check("CPU governor", PASS, f"performance on cores {sorted(seen)}")
    return Check(
        "CPU governor",
        WARN,
        ", ".join(f"core {c}: {g}" for c, g in sorted(slow.items())),
        "sudo scripts/setup_cpu_performance.sh",
    )


def check_isolation(cpu: dict[str, Any]) -> Check:
    roles = sorted(set(cpu["network_cores"] + cpu["strategy_cores"] + cpu["risk_cores"]))
    text = _read(Path("/sys/devices/system/cpu/isolated")) or ""
    isolated = set(_core.cpu.parse_cpu_list(text)) if text else set()
    missing = [c for c in roles if c not in isolated]
    if not missing:
        return Check("isolated cores", PASS, f"role cores {roles} are isolated")
    return Check(
        "isolated cores",
        WARN,
        f"role cores {missing} not isolated (isolated: {sorted(isolated) or 'none'}): other tasks share them",
        f"boot with isolcpus={','.join(map(str, roles))} (and nohz_full, rcu_nocbs), set cpu.isolated_cores",
    )


def _hugepage_bytes() -> int:
    info = _read(Path("/proc/meminfo")) or ""
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    try:
        free = int(fields.get("HugePages_Free", "0").split()[0])
        size_kb = int(fields.get("Hugepagesize", "0 kB").split()[0])
    except ValueError:
        return 0
    return free * size_kb * 1024


def check_hugepages(network: dict[str, Any]) -> Check:
    if network["kernel_bypass"] != "dpdk":
        return Check("hugepages", PASS, "kernel transport: no hugepages needed")
    dpdk = network["dpdk"]
    if dpdk.get("no_huge"):
        return Check(
            "hugepages", PASS, "DPDK runs with --no-huge (fine for vdevs; a real NIC wants hugepages)"
        )
    want = int(network.get("hugepages_gb", 0)) << 30
    have = _hugepage_bytes()
    if have >= want:
        return Check("hugepages", PASS, f"{have >> 20} MiB of hugepages free, {want >> 20} MiB wanted")
    return Check(
        "hugepages",
        FAIL,
        f"{have >> 20} MiB of hugepages free, {want >> 20} MiB wanted",
        f"sudo scripts/setup_hugepages.sh --gb {max(1, want >> 30)}, or network.dpdk.no_huge: true",
    )


def check_devices(network: dict[str, Any]) -> Check:
    if network["kernel_bypass"] != "dpdk":
        return Check(
            "network devices", PASS, f"kernel transport on '{network.get('interface') or 'default route'}'"
        )
    iface = str(network.get("interface", ""))
    vdevs = [str(v) for v in network["dpdk"].get("vdevs", [])]
    if iface.startswith("net_") or any(v.split(",")[0] == iface for v in vdevs):
        return Check("network devices", PASS, f"virtual device {iface} (vdevs: {', '.join(vdevs) or 'none'})")
    driver = Path(f"/sys/bus/pci/devices/{iface}/driver")
    if not driver.exists():
        return Check(
            "network devices", FAIL, f"PCI device {iface} not found", "check `lspci` and network.interface"
        )
    name = driver.resolve().name
    if name in ("vfio-pci", "uio_pci_generic", "igb_uio", "mlx5_core"):
        return Check("network devices", PASS, f"{iface} bound to {name}")
    return Check(
        "network devices", FAIL, f"{iface} is bound to {name}", f"dpdk-devbind.py --bind=vfio-pci {iface}"
    )


def check_irq_affinity(cpu: dict[str, Any]) -> Check:
    script = REPO_SCRIPTS / "setup_irq_affinity.sh"
    if not script.exists():
        return Check("IRQ affinity", WARN, "scripts/setup_irq_affinity.sh not found", "")
    cores = sorted(set(cpu["isolated_cores"]))
    if not cores:
        return Check("IRQ affinity", WARN, "no isolated cores configured: nothing to keep interrupts off", "")
    run = subprocess.run(
        [str(script), "--check", "--isolated", ",".join(map(str, cores))],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    last = (run.stdout.strip().splitlines() or [""])[-1]
    if run.returncode == 0:
        return Check("IRQ affinity", PASS, last or "interrupts are off the isolated cores")
    return Check(
        "IRQ affinity",
        WARN,
        last or "interrupts reach isolated cores",
        f"sudo scripts/setup_irq_affinity.sh --isolated {','.join(map(str, cores))}",
    )


def check_venues(doc: dict[str, Any], timeout_s: float = 1.0) -> list[Check]:
    checks = []
    for s in doc.get("fix", {}).get("sessions", []):
        if s.get("role", "initiator") != "initiator":
            continue
        name = f"venue {s['name']} ({s['host']}:{s['port']})"
        try:
            with socket.create_connection((s["host"], s["port"]), timeout=timeout_s):
                checks.append(Check(name, PASS, "accepts TCP connections"))
        except OSError as e:
            checks.append(
                Check(name, WARN, f"not reachable: {e}", "start it (hft venue start), or check host/port")
            )
    return checks


def check_audit_path(logging: dict[str, Any]) -> list[Check]:
    path = Path(logging["audit_log_path"]).parent
    probe = path
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    writable = probe.is_dir() and os.access(probe, os.W_OK)
    checks = [
        Check("audit log path", PASS, f"{path} is writable")
        if writable
        else Check(
            "audit log path",
            FAIL,
            f"{path} cannot be created or written ({probe} is not writable)",
            f"sudo install -d -o $USER {path}, or set HFT_STATE_DIR",
        )
    ]
    free = shutil.disk_usage(probe).free
    if free >= MIN_FREE_BYTES:
        checks.append(Check("disk space", PASS, f"{free >> 30} GiB free at {probe}"))
    else:
        checks.append(
            Check("disk space", FAIL, f"{free >> 20} MiB free at {probe}", "free space or move HFT_STATE_DIR")
        )
    return checks


def preflight(
    config: str | os.PathLike[str], progress: Callable[[str], None] | None = None
) -> PreflightReport:
    """Runs every start-up check for the engine configured in ``config``."""
    path = Path(config)
    report = PreflightReport(config=str(path))

    def add(*checks: Check) -> None:
        for c in checks:
            report.checks.append(c)
            if progress:
                progress(c.name)

    config_check, doc = check_config(path)
    add(config_check, check_tsc())
    if doc is None:
        return report  # the rest reads the configuration
    cpu, network = doc["cpu"], doc["network"]
    roles = sorted(set(cpu["network_cores"] + cpu["strategy_cores"] + cpu["risk_cores"]))
    add(check_governor(roles), check_isolation(cpu), check_hugepages(network), check_devices(network))
    add(check_irq_affinity(cpu))
    add(*check_venues(doc))
    add(*check_audit_path(doc["logging"]))
    return report


def start(config: str | os.PathLike[str], **options: Any) -> Any:
    """The start-up runbook (preflight, venue, engine): see :func:`hft.launch.start`."""
    from hft import launch  # launch builds on this module's checks

    return launch.start(config, **options)
