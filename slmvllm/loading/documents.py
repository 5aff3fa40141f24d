"""Sources, parsed documents and the limits every YAML input is held to."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel

from slmvllm.errors import Problem

MAX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64
MAX_VALUES = 100_000
MAX_INT_DIGITS = 30
STDIN_NAME = "<stdin>"

Location = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Source:
    """The text of one input and the name to show for it in messages."""

    name: str
    text: str


@dataclass
class Document:
    """Plain data parsed from one source, with the line and column of every key and value."""

    source: str
    data: Any
    values: dict[Location, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Location, tuple[int, int]] = field(default_factory=dict)

    def position(self, loc: Location, *, key: bool = False) -> tuple[int, int] | None:
        """Line and column (1-based) of the value (or key) at `loc`, or of its nearest parent."""
        probe = tuple(loc)
        if key and probe in self.keys:
            return self.keys[probe]
        while probe:
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), None)

    def problem(self, loc: Location, message: str, *, key: bool = False) -> Problem:
        """A `Problem` located at `loc` in this document."""
        pos = self.position(loc, key=key)
        return Problem(
            source=self.source,
            message=message,
            line=pos[0] if pos else None,
            column=pos[1] if pos else None,
            field=dotted(loc) or None,
        )


def dotted(loc: Iterable[str | int]) -> str:
    """`("rules", 3, "when")` -> `rules[3].when`, the way messages name a place."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out
