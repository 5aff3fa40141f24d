"""`slmvllm compare` on the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from slmvllm.commands.cli_options import DataFormat, DataFormatOption


def compare(
    rules: Annotated[
        Path | None, typer.Option("--rules", help="Count this rule set instead of the default.")
    ] = None,
    requirements: Annotated[
        Path | None,
        typer.Option(
            "--requirements",
            "-r",
            help="Also show this use case's points per criterion and option, as bars.",
        ),
    ] = None,
    general: Annotated[
        bool,
        typer.Option("--general", help="Count only the rules that apply to every use case."),
    ] = False,
    output_format: DataFormatOption = DataFormat.text,
) -> None:
    """Chart the advantages and limitations of SLM, LLM and hybrid, counted from the rule set.

    \b
    Examples:
      slmvllm compare
      slmvllm compare --general          # only the article's trade-offs
      slmvllm compare -r examples/support-triage.yaml --rules my-rules.yaml
    """
    from slmvllm.commands.compare import CompareOptions, run_compare

    raise typer.Exit(run_compare(CompareOptions(rules, requirements, general, output_format.value)))
