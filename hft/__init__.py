"""hft: Python control plane of the low-latency trading engine.

The native core lives in :mod:`hft._core`; this package loads and validates
configuration, reports on the machine's clock, and (as the engine grows)
starts, watches and stops the engine.
"""

from __future__ import annotations

from hft._core import __version__

__all__ = ["__version__"]
