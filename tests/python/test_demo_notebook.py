"""docs/demo.ipynb, the stakeholder notebook, runs headless from top to bottom
against a real venue and engine and draws its figures."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from hft import launch
from hft.control import ControlClient, ControlError

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "docs" / "demo.ipynb"


def stop_leftovers(shm: Path) -> list[str]:
    """Stops every daemon whose control block is in ``shm``, engine first;
    returns the instances that were still running."""
    running = []
    for block in sorted(shm.glob("hft-*"), key=lambda p: "venue" in p.name):
        instance = block.name.removeprefix("hft-")
        try:
            status = ControlClient.attach(instance, shm).status()
        except ControlError:
            continue
        if status.owner_alive:
            running.append(instance)
            launch.stop_pid(status.pid, timeout_s=15)
    return running


def test_committed_notebook_has_no_outputs() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "the notebook has no code"
    assert all(not c.outputs and c.execution_count is None for c in code), "commit it with outputs cleared"


def test_demo_notebook_runs_and_draws_its_figures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    state, shm = tmp_path / "state", tmp_path / "shm"
    # The kernel inherits this environment: a private state folder and control blocks.
    monkeypatch.setenv("HFT_STATE_DIR", str(state))
    monkeypatch.setenv("HFT_SHM_DIR", str(shm))
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's inline backend emits the PNGs
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb,
        timeout=180,  # per cell; the whole notebook takes well under a minute
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    left_running: list[str] = []
    try:
        client.execute()
    finally:
        if shm.is_dir():
            left_running = stop_leftovers(shm)

    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    errors = [o for o in outputs if o.output_type == "error"]
    assert not errors, errors
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    # rates and latency, positions and PnL, the kill switch, the audit log, the report's figure
    assert len(images) >= 5, f"{len(images)} figures"
    assert (state / "report" / "report.html").is_file()
    assert any(state.glob("audit*.bin")), "no audit log"
    assert not left_running, f"the notebook left {left_running} running"
