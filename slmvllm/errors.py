"""The project's exception tree; `slmvllm.cli` turns each into an exit code, in one place."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of the public contract."""

    OK = 0
    GATE_FAILED = 1
    BAD_INPUT = 2
    INTERNAL = 3
    INTERRUPTED = 130


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input, located as precisely as the input allows."""

    source: str
    message: str
    line: int | None = None
    column: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class SlmvllmError(Exception):
    """Base of every error the project raises on purpose."""

    exit_code: ExitCode = ExitCode.INTERNAL


class InputError(SlmvllmError):
    """The user's input is wrong: a file, a flag value, an answer. Exit 2."""

    exit_code = ExitCode.BAD_INPUT

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(source="slmvllm", message=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = problems
        super().__init__("\n".join(str(p) for p in problems))


class NoTerminalError(InputError):
    """Answers are needed but nobody can be asked."""


class NoFeasibleOptionError(InputError):
    """The requirements' hard constraints rule out every option."""


class GateFailedError(SlmvllmError):
    """A CI gate (--expect, --min-confidence) was not met. Exit 1."""

    exit_code = ExitCode.GATE_FAILED


class StoppedByUserError(SlmvllmError):
    """The user ended an interactive session (Ctrl-C or Ctrl-D). Exit 130."""

    exit_code = ExitCode.INTERRUPTED


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`; did you mean 'x'?` when a candidate is close, else an empty string."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""
