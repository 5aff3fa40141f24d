"""The consoles reports and diagnostics are written to, and what happens when a reader leaves."""

from __future__ import annotations

import os
import sys

from rich.console import Console

MIN_REPORT_WIDTH = 20


class ReportConsole(Console):
    """The console for reports on stdout."""

    def on_broken_pipe(self) -> None:
        # rich exits with 1 when the reader goes away (`| head`); raise instead so
        # the command stops writing and the gates still decide the exit code.
        self.quiet = True
        raise BrokenPipeError


def stdout_console(width: int | None = None) -> Console:
    """A report console on stdout, never narrower than MIN_REPORT_WIDTH."""
    console = ReportConsole(highlight=False, width=width)
    # COLUMNS=0 (or 1) would make rich print nothing, or one letter a line: a report
    # wider than a tiny terminal wraps, one that is empty is lost.
    console.width = max(console.width, MIN_REPORT_WIDTH)
    return console


def stderr_console() -> Console:
    """Prompts, progress and diagnostics: stderr, no hard wrapping."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def silence_stdout() -> None:
    """Point stdout at the null device, so later writes and the final flush do not raise."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
