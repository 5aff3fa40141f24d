"""Shared fixtures: the default rule set, a pinned terminal, and a way to run the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.advice.rule_sets import load_rule_set

ROOT = Path(__file__).resolve().parent.parent
# The top-level keys of the contract's JSON result (shared/CONTRACT.md).
CONTRACT_KEYS = {
    "schema_version",
    "recommendation",
    "confidence",
    "scores",
    "reasons",
    "excluded",
    "assumptions",
    "what_would_change",
    "rule_set",
}
EXAMPLES = ROOT / "examples"
CASES = EXAMPLES / "cases"
# What issue 3 asks of each `slmvllm models --format json` record, at least.
MODEL_KEYS = frozenset(
    {
        "name",
        "params_billion",
        "active_params_billion",
        "open_weights",
        "license",
        "context_tokens",
        "prices",
    }
)


@pytest.fixture(scope="session")
def rule_set() -> RuleSet:
    return load_rule_set().rule_set


@pytest.fixture(autouse=True)
def _pinned_terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Rich reads these: pin width and colour so reports are the same everywhere.
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    yield


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(
    *args: str,
    stdin: str | bytes | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 60,
) -> Run:
    """Run `python -m slmvllm` as a real process: real streams, real exit code."""
    full_env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1", **(env or {})}
    data = stdin.encode() if isinstance(stdin, str) else stdin
    proc = subprocess.run(
        [sys.executable, "-m", "slmvllm", *args],
        input=data if data is not None else b"",
        capture_output=True,
        env=full_env,
        cwd=cwd or ROOT,
        timeout=timeout,
    )
    return Run(
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
    )


@pytest.fixture
def cli() -> type[Run]:
    return Run


@pytest.fixture
def invoke(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run the CLI's entry point in-process (fast): stdin is a pipe, never a terminal."""
    import io

    from slmvllm.cli import run

    def _invoke(*args: str, stdin: str = "") -> Run:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8"))))
        code = run(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return _invoke
