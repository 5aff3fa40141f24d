"""The consoles reports and diagnostics are written to, and what happens when a reader leaves."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from typing import Any, TextIO, cast

from rich.console import Console

from slmvllm.render.safe import one_line
from slmvllm.render.streams import silence_stdout

MIN_REPORT_WIDTH = 20


class ReportConsole(Console):
    """The console for reports on stdout."""

    def on_broken_pipe(self) -> None:
        # rich exits with 1 when the reader goes away (`| head`); raise instead so
        # the command stops writing and the gates still decide the exit code.
        self.quiet = True
        raise BrokenPipeError


# The end of a line: spaces mixed with the colour codes that close its styles.
_LINE_END = re.compile(r"(?:\x1b\[[0-9;]*m| )+(?=\n)")
_SGR = re.compile(r"\x1b\[[0-9;]*m")


def _trim(match: re.Match[str]) -> str:
    return "".join(_SGR.findall(match.group()))  # keep the codes, drop the spaces


class _TrimmedStdout:
    """sys.stdout (looked up on each write, as tests swap it) without trailing spaces.

    rich pads wrapped and indented lines to the block's width; in a file, a pull
    request or a diff of two reports those spaces are noise.
    """

    def write(self, text: str) -> int:
        sys.stdout.write(_LINE_END.sub(_trim, text))
        return len(text)

    def flush(self) -> None:
        sys.stdout.flush()

    def isatty(self) -> bool:
        return sys.stdout.isatty()

    def fileno(self) -> int:
        return sys.stdout.fileno()

    def __getattr__(self, name: str) -> Any:  # encoding, errors...: those of stdout
        return getattr(sys.stdout, name)


def stdout_console(width: int | None = None) -> Console:
    """A report console on stdout, never narrower than MIN_REPORT_WIDTH."""
    trimmed = cast(TextIO, _TrimmedStdout())  # duck-typed: write, flush, isatty, fileno
    console = ReportConsole(highlight=False, width=width, file=trimmed)
    # COLUMNS=0 (or 1) would make rich print nothing, or one letter a line: a report
    # wider than a tiny terminal wraps, one that is empty is lost.
    console.width = max(console.width, MIN_REPORT_WIDTH)
    return console


def stderr_console() -> Console:
    """Prompts, progress and diagnostics: stderr, no hard wrapping."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def print_warnings(err: Console, warnings: Iterable[object]) -> None:
    """Load-time warnings on stderr, one line each, text from files shown literally."""
    for warning in warnings:
        err.print(f"slmvllm: {one_line(warning)}", markup=False, highlight=False)


__all__ = ["print_warnings", "silence_stdout", "stderr_console", "stdout_console"]
