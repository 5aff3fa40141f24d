"""Plain writes to the standard streams, for the paths that must not load rich (JSON, JSONL)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable

from slmvllm.render.safe import one_line


def silence_stdout() -> None:
    """Point stdout at the null device, so later writes and the final flush do not raise."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def write_warnings(warnings: Iterable[object]) -> None:
    """Load-time warnings on stderr, one line each, text from files shown literally."""
    for warning in warnings:
        sys.stderr.write(f"slmvllm: {one_line(warning)}\n")
    sys.stderr.flush()
