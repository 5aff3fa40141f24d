"""The terminal report of a run: the short one by default, the full one with --explain.

The same function prints to stdout and to the recording console behind `--report FILE.svg`.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console

from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.loading.documents import STDIN_NAME
from slmvllm.result import Result


def print_reports(
    console: Console,
    results: Iterable[tuple[str | None, Result]],
    rule_set: RuleSet,
    *,
    as_list: bool,
    explain: bool,
) -> None:
    """Print each result's report on `console`, a blank line between them."""
    from slmvllm.render.estimates_view import render_estimates_text
    from slmvllm.render.short import render_short
    from slmvllm.render.text import render_text

    for i, (source, result) in enumerate(results):
        if i:
            console.print()
        # One file named on the command line needs no heading; a batch names each.
        shown = source if as_list or source not in (None, STDIN_NAME) else None
        if not explain:
            render_short(console, result, rule_set, source=shown)
            continue
        render_text(
            console,
            result,
            rule_set,
            source=shown,
            extra=[render_estimates_text(result.estimates)] if result.estimates else None,
        )
