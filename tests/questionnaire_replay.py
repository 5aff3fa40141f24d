"""The adaptive questionnaire answered from a requirements file, as a user at a terminal would.

The same code path as the terminal (`slmvllm.prompting.ask_adaptive` with a console and
a reader), without one: the reader looks up which question the console last showed and
types the file's value for it, or presses Enter when the file leaves the field out.
Used by the corpus test and by benchmarks/questions_asked.py.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.text import Text

from slmvllm.advice.engine import FigureSource
from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.prompting import Answers, ask_adaptive

_NUMBER = re.compile(r"^\[(\d+)/\d+\] ", re.MULTILINE)


def typed(value: Any) -> str:
    """A field's value as a user types it at the prompt."""
    if isinstance(value, Mapping):
        return ", ".join(f"{name}={weight:g}" for name, weight in value.items())
    return str(value)


@dataclass
class Replay:
    """What one replay asked and gathered."""

    answers: Answers
    asked: list[str] = field(default_factory=list)
    transcript: str = ""


def replay(
    rs: RuleSet,
    given: Mapping[str, Any],
    figures: FigureSource | None,
    start: Mapping[str, Any] | None = None,
) -> Replay:
    """Answer the adaptive questionnaire with `given` (a file's values); `start`: known already."""
    console = Console(file=io.StringIO(), record=True, width=100, color_system=None)
    order = [q.field for q in rs.questions]
    asked: list[str] = []

    def reader(shown: Console, prompt: Text) -> str:
        shown.print(prompt, end="")
        if prompt.plain.startswith("Priorities"):
            reply = typed(given["priorities"]) if "priorities" in given else ""
        else:
            number = int(_NUMBER.findall(shown.export_text(clear=False))[-1])
            name = order[number - 1]
            asked.append(name)
            reply = typed(given[name]) if name in given else ""
        shown.print(reply, markup=False, highlight=False)  # as a terminal echoes it
        return reply

    got = ask_adaptive(rs, console, dict(start or {}), reader, figures)
    return Replay(got, asked, console.export_text())
