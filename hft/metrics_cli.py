"""``hft metrics``: serve a running engine's control block to Prometheus."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path
from types import FrameType

import click
from prometheus_client import start_http_server
from prometheus_client.core import REGISTRY

from hft.cli_support import err_console
from hft.metrics import ControlBlockCollector


@click.command()
@click.option("--instance", default="main", show_default=True, help="Engine instance (`instance.name`).")
@click.option("--port", type=click.IntRange(0, 65535), default=9464, show_default=True, help="HTTP port.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--shm-dir", type=click.Path(file_okay=False, path_type=Path), default=None)
def metrics(instance: str, port: int, host: str, shm_dir: Path | None) -> None:
    """Serve /metrics for Prometheus until SIGINT/SIGTERM: state, heartbeat,
    counters, latency histograms per stage, positions and PnL. Reads the control
    block at every scrape; an engine that is not running shows as hft_up 0."""
    REGISTRY.register(ControlBlockCollector(instance, shm_dir))
    server, thread = start_http_server(port, addr=host)
    err_console.print(f"serving metrics of '{instance}' on http://{host}:{server.server_port}/metrics")
    sys.stderr.flush()
    done = threading.Event()

    def stop(_signum: int, _frame: FrameType | None) -> None:
        done.set()

    for s in (signal.SIGINT, signal.SIGTERM):
        signal.signal(s, stop)
    done.wait()
    server.shutdown()
    thread.join(timeout=5)
