"""What every ``hft`` command shares: exit codes, consoles, JSON output."""

from __future__ import annotations

import json
from enum import IntEnum
from typing import Any

import click
from rich.console import Console


class ExitCode(IntEnum):
    OK = 0
    CHECK_FAILED = 1
    USAGE = 2
    RUNTIME = 3


console = Console()
err_console = Console(stderr=True)


def emit_json(payload: Any) -> None:
    click.echo(json.dumps(payload, indent=2, sort_keys=False))
