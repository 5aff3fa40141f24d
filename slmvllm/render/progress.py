"""A progress bar for long batches: on stderr, only on a terminal, only once it is worth it."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")
# A run shorter than this shows nothing: a bar that flashes for a moment is noise.
DELAY_SECONDS = 1.0
#: Seconds before the bar shows, instead of `DELAY_SECONDS` (0: at once).
DELAY_VARIABLE = "SLMVLLM_PROGRESS_DELAY"


def _delay() -> float:
    try:
        value = float(os.environ.get(DELAY_VARIABLE, DELAY_SECONDS))
    except ValueError:
        return DELAY_SECONDS
    return value if value >= 0 else DELAY_SECONDS


def track(items: Sequence[T], what: str, *, delay: float | None = None) -> Iterator[T]:
    """Yield `items`; when stderr is a terminal and `delay` seconds have gone by, show a bar.

    Nothing is written when stderr is not a terminal (CI logs, pipes) or the batch has
    one item. rich is imported only when the bar is shown, so quick runs never load it.
    `delay` defaults to $SLMVLLM_PROGRESS_DELAY, else one second.
    """
    delay = _delay() if delay is None else delay
    if len(items) < 2 or not sys.stderr.isatty():
        yield from items
        return
    start = time.monotonic()
    bar = None
    task = None
    try:
        for done, item in enumerate(items):
            if bar is None and time.monotonic() - start >= delay:
                from rich.console import Console
                from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

                bar = Progress(
                    TextColumn("{task.description}"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    console=Console(stderr=True),
                    transient=True,
                )
                bar.start()
                task = bar.add_task(what, total=len(items), completed=done)
            yield item
            if bar is not None and task is not None:
                bar.advance(task)
    finally:
        if bar is not None:
            bar.stop()
