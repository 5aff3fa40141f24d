"""`slmvllm cases` on the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from slmvllm.commands.cli_options import DataFormat, DataFormatOption, Option


def cases(
    words: Annotated[
        list[str] | None,
        typer.Argument(help="Words to search the use cases for (BM25); none lists every case."),
    ] = None,
    requirements: Annotated[
        Path | None,
        typer.Option(
            "--requirements", "-r", help="Rank by likeness to this requirements file's answers."
        ),
    ] = None,
    rules: Annotated[
        Path | None,
        typer.Option(
            "--rules", help="Read the requirements file for this rule set (its added fields)."
        ),
    ] = None,
    choice: Annotated[
        Option | None, typer.Option("--choice", help="Only decisions that chose this option.")
    ] = None,
    output_format: DataFormatOption = DataFormat.text,
    limit: Annotated[
        int | None,
        typer.Option("--limit", "-n", min=1, help="At most this many (a search shows 10)."),
    ] = None,
) -> None:
    """List and search the documented decisions that results cite as precedents.

    \b
    Examples:
      slmvllm cases                                   # every decision, by id
      slmvllm cases invoice extraction --choice slm   # search the use cases
      slmvllm cases -r examples/support-triage.yaml   # the ones most like a file
    """
    from slmvllm.commands.cases import CasesOptions, run_cases

    code = run_cases(
        CasesOptions(
            words=list(words or []),
            requirements=requirements,
            rules=rules,
            choice=choice.value if choice else None,
            output_format=output_format.value,
            limit=limit,
        )
    )
    raise typer.Exit(code)
