"""`advise --report FILE`: the run's report as a standalone HTML page or an SVG picture."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.errors import InputError, Problem
from slmvllm.loading.saving import write_atomic
from slmvllm.render.safe import one_line, xml_text
from slmvllm.result import Result

REPORT_SUFFIXES = {".html": "html", ".htm": "html", ".svg": "svg"}
# The SVG is a picture of a terminal of this width, whatever the real terminal is.
SVG_WIDTH = 100


def report_kind(path: Path) -> str:
    """`html` or `svg` from the file name, or an InputError naming the suffixes allowed."""
    kind = REPORT_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise InputError(
            Problem(
                str(path),
                "--report writes .html (a standalone page) or .svg (a picture of the "
                "terminal report); give a file name ending in one of them",
            )
        )
    return kind


def render_svg(
    results: list[tuple[str | None, Result]],
    rule_set: RuleSet,
    *,
    as_list: bool,
    explain: bool,
    title: str = "slmvllm advise",
) -> str:
    """The terminal report, recorded at SVG_WIDTH columns, as an SVG image."""
    from slmvllm.render.terminal import print_reports

    console = Console(
        record=True,
        width=SVG_WIDTH,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        highlight=False,
    )
    print_reports(console, results, rule_set, as_list=as_list, explain=explain)
    return console.export_svg(title=title)


def write_report(
    path: Path,
    results: list[tuple[str | None, Result]],
    rule_set: RuleSet,
    *,
    as_list: bool,
    explain: bool,
    err: Console,
) -> None:
    """Write the report file (replacing an older one); say so on stderr."""
    if report_kind(path) == "html":
        from slmvllm.render.html_report import render_html

        text = render_html(results, rule_set)
    else:
        text = render_svg(results, rule_set, as_list=as_list, explain=explain)
    write_atomic(path, xml_text(text), overwrite=True)
    err.print(f"Wrote the report to {one_line(path)}", markup=False)
