"""Every command's --help: a one-line summary and examples, pinned as snapshots."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .conftest import Run
from .test_reports import check_snapshot

Invoke = Callable[..., Run]
COMMANDS = [
    [],
    ["advise"],
    ["cases"],
    ["compare"],
    ["schema"],
    ["init"],
    ["models"],
    ["models", "update"],
    ["mcp"],
    ["records"],
    ["records", "check"],
    ["rules"],
    ["rules", "check"],
    ["rules", "list"],
    ["rules", "explain"],
    ["rules", "diff"],
    ["eval"],
    ["trial"],
]


def test_every_command_is_in_the_table() -> None:
    # A new command cannot skip the summary-and-examples check by being left out here.
    from typing import Any

    import typer

    from slmvllm.cli import app

    def walk(command: Any, path: list[str]) -> list[list[str]]:
        found = [path]
        for name, sub in getattr(command, "commands", {}).items():  # a group's commands
            found += walk(sub, [*path, name])
        return found

    every = walk(typer.main.get_command(app), [])
    assert sorted(every) == sorted(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: "-".join(c) or "root")
def test_help(invoke: Invoke, command: list[str]) -> None:
    run = invoke(*command, "--help")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0].startswith("Usage: slmvllm")
    summary = lines[2].strip()
    assert summary and summary[0].isupper()
    examples = run.out.split("Examples:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert 2 <= len(examples) <= 3
    assert all(line.strip().startswith("slmvllm ") for line in examples)
    check_snapshot(f"help-{'-'.join(command) or 'root'}.txt", run.out)


def test_shell_completion() -> None:
    from .conftest import run_cli

    script = run_cli("--show-completion", "bash")
    assert script.code == 0 and "_slmvllm_completion" in script.out
    # What the shell asks for when a user presses Tab after `slmvllm co`.
    run = run_cli(
        env={"_SLMVLLM_COMPLETE": "complete_bash", "COMP_WORDS": "slmvllm co", "COMP_CWORD": "1"}
    )
    assert run.code == 0 and run.out.split() == ["compare"]
    run = run_cli(
        env={
            "_SLMVLLM_COMPLETE": "complete_bash",
            "COMP_WORDS": "slmvllm schema r",
            "COMP_CWORD": "2",
        }
    )
    assert sorted(run.out.split()) == ["requirements", "result", "rules"]
