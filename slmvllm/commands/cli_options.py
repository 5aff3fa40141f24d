"""The typer options and value types several commands share (formats, catalogue, paths)."""

from __future__ import annotations

import math
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


def finite(minimum: float, maximum: float | None = None) -> Callable[[str], float]:
    """The parser of a float option: a finite number from `minimum` (to `maximum`).

    NaN compares false with every bound, so a plain range blamed the wrong one; it is
    refused by name, as infinity is.
    """
    bounds = f"from {minimum:g}" + (f" to {maximum:g}" if maximum is not None else "")

    def parse(text: str | float) -> float:
        try:
            number = float(text)
        except ValueError:
            raise typer.BadParameter(f"{text!r} is not a number; give a number {bounds}") from None
        if not math.isfinite(number):
            raise typer.BadParameter(f"{text!r} is not a finite number; give a number {bounds}")
        if number < minimum or (maximum is not None and number > maximum):
            raise typer.BadParameter(f"{text} is out of range; give a number {bounds}")
        return number

    return parse


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    markdown = "markdown"


class ReportFormat(StrEnum):
    """Formats of the commands that write one report over many cases (eval, rules diff).

    No jsonl: their report is one document, not one result per case.
    """

    text = "text"
    json = "json"
    markdown = "markdown"


class DataFormat(StrEnum):
    """Formats of the listing commands (models, rules): a table or JSON."""

    text = "text"
    json = "json"


class QualityTier(StrEnum):
    frontier = "frontier"
    strong = "strong"
    light = "light"


class Option(StrEnum):
    slm = "slm"
    llm = "llm"
    hybrid = "hybrid"


DataFormatOption = Annotated[
    DataFormat, typer.Option("--format", "-f", help="text (a table or lines) or json.")
]
CatalogOption = Annotated[
    Path | None,
    typer.Option(
        "--catalog",
        help="Add or override models and prices from this catalogue file (slmvllm YAML, or "
        "LiteLLM's model_prices_and_context_window.json as it is).",
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="The date (YYYY-MM-DD) of a --catalog price map's prices (default: the file's).",
    ),
]


RequirementsPaths = Annotated[
    list[str] | None,
    typer.Option(
        "--requirements",
        "-r",
        help="Requirements YAML file or a folder of them. Repeatable.",
    ),
]


def requirement_paths(values: list[str] | None) -> list[Path]:
    if any(not value.strip() for value in values or []):
        # Path("") would be ".", the current folder: never what an empty value meant.
        raise typer.BadParameter("an empty path; give a file or a folder", param_hint="-r")
    return [Path(value) for value in values or []]
