"""Lint and strict typing are part of the test run (ruff, mypy --strict; config in pyproject)."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT


def test_ruff() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "slmvllm", "tests", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_strict() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_core_never_imports_the_cli_libraries() -> None:
    # ruff's TID251 bans typer and rich outside the CLI layer; prove the ban is live.
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, slmvllm.engine, slmvllm.loading, slmvllm.conditions, slmvllm.models, "
            "slmvllm.rule_sets, slmvllm.questions, slmvllm.saving, slmvllm.catalog, "
            "slmvllm.estimates, slmvllm.estimate_models, slmvllm.gpu_memory, "
            "slmvllm.cost_plans, slmvllm.hybrid_share, slmvllm.cost_check; "
            "bad = [m for m in ('typer', 'rich', 'click') if m in sys.modules]; "
            "sys.exit(1 if bad else 0)",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, "the core imported typer, rich or click"
