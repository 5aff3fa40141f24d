"""Requirement values as a reader sees them in every view: not given, whole numbers, separators."""

from __future__ import annotations

from typing import Any


def show_value(value: Any) -> str:
    """`None` reads "not given", 2.0 reads 2, and large counts get thousands separators."""
    if value is None:
        return "not given"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10_000:
        return f"{value:,}"
    return str(value)


def effect_text(effect: dict[str, float]) -> str:
    """A rule's effect on each option's score: `llm 0, slm +9.0, hybrid +3.0`."""
    return ", ".join(
        f"{option} {value:+.1f}" if value else f"{option} 0" for option, value in effect.items()
    )
