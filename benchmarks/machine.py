"""What every benchmark result names: the CPU model (``/proc/cpuinfo``), since a speed measured
on one CPU kind (AMD EPYC, Intel with AMX) is not the other's."""

from __future__ import annotations

import platform
from pathlib import Path


def cpu_model() -> str:
    """The CPU model name, e.g. ``AMD EPYC``."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"
