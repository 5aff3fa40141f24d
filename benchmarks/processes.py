"""Running a benchmark command as a process of its own, and the report of the targets.

Shared by benchmarks/run.py and the benchmarks it runs (benchmarks/rule_set_speed.py).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


def _safe_yaml(text: str) -> Any:
    """YAML text as plain data, with LibYAML's safe loader (nothing is constructed)."""
    loader = yaml.CSafeLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


ROOT = Path(__file__).resolve().parent.parent
SLMVLLM = [sys.executable, "-m", "slmvllm"]
ONE_FILE = ROOT / "examples" / "support-triage.yaml"
#: Fields varied across the generated folder, with the range each is drawn from.
NUMERIC = {
    "monthly_requests": (1_000, 200_000_000),
    "input_tokens": (20, 60_000),
    "output_tokens": (1, 4_000),
    "latency_p95_ms": (100, 30_000),
    "labelled_examples": (0, 500_000),
    "budget_usd_per_month": (50, 500_000),
}
MB = 1024 * 1024


# --------------------------------------------------------------------------- running a process


@dataclass(frozen=True)
class Run:
    """One finished process: wall seconds, peak resident memory (bytes), output bytes, exit."""

    seconds: float
    peak: int
    out_bytes: int
    code: int
    stdout: bytes
    stderr: bytes


def _env(pycache: Path) -> dict[str, str]:
    env = dict(os.environ)
    # As installed: with bytecode (pip writes it), kept out of the checkout. Without
    # it every slmvllm module would be compiled from source on every run.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env.pop("SLMVLLM_PROGRESS_DELAY", None)
    env["NO_COLOR"] = "1"
    return env


ENV: dict[str, str] = {}


def run(argv: Sequence[str], *, keep_stdout: bool = False) -> Run:
    """Run `argv` to its end; time it from outside and ask the kernel for its peak memory."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(argv), stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=ENV, cwd=ROOT
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here; tell Popen
        size = out.tell()
        out.seek(0)
        err.seek(0)
        stdout = out.read() if keep_stdout else b""
        stderr = err.read(1_000_000)
    # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
    peak = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
    return Run(seconds, peak, size, proc.returncode, stdout, stderr)


def alternate(commands: dict[str, Sequence[str]], repeat: int) -> dict[str, list[Run]]:
    """Run every command `repeat` times, interleaved and in rotating order, after a warm-up."""
    for argv in commands.values():  # warm the page cache and any compiled bytecode
        _checked(run(argv), argv)
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    names = list(commands)
    for i in range(repeat):
        shift = i % len(names)
        for name in names[shift:] + names[:shift]:
            runs[name].append(_checked(run(commands[name]), commands[name]))
    return runs


def _checked(result: Run, argv: Sequence[str], codes: tuple[int, ...] = (0,)) -> Run:
    if result.code not in codes:
        shown = " ".join(str(a) for a in argv)
        detail = result.stderr.decode(errors="replace")[-2000:]
        raise SystemExit(f"benchmark command failed (exit {result.code}): {shown}\n{detail}")
    return result


def med(values: Sequence[float]) -> float:
    return statistics.median(values)


# --------------------------------------------------------------------------- the report


@dataclass
class Report:
    rows: list[tuple[str, str, str, str, str, bool]] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    def target(
        self, name: str, measured: str, baseline: str, ratio: str, bound: str, ok: bool
    ) -> None:
        self.rows.append((name, measured, baseline, ratio, bound, ok))
        print(f"  {'met' if ok else 'MISSED'}: {name}: {measured} ({bound})", flush=True)

    def table(self) -> str:
        head = ("target", "measured", "baseline", "ratio", "bound", "verdict")
        body = [(*r[:5], "met" if r[5] else "MISSED") for r in self.rows]
        widths = [max(len(row[i]) for row in [head, *body]) for i in range(len(head))]
        lines = [
            "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
            for row in [head, *body]
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def mib(size: float) -> str:
    return f"{size / MB:.1f} MB"
