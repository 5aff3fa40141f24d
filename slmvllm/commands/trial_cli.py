"""`slmvllm trial` on the command line."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from slmvllm.commands.cli_options import CatalogOption


class TrialFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


def trial(
    log: Annotated[
        Path,
        typer.Argument(
            help="Graded request log: JSON Lines or CSV, one request a line (- for stdin).",
            show_default=False,
        ),
    ],
    small: Annotated[
        str, typer.Option("--small", help="Catalogue id of the small model the log grades.")
    ],
    large: Annotated[
        str, typer.Option("--large", help="Catalogue id of the large model the log grades.")
    ],
    requirements: Annotated[
        Path | None,
        typer.Option(
            "--requirements",
            "-r",
            help="Volume, tokens and hosting from this use case; its advice is shown beside.",
        ),
    ] = None,
    quality_target: Annotated[
        float,
        typer.Option(
            "--quality-target",
            min=0.0,
            max=1.0,
            help="Share of the large model's quality the decision must keep.",
        ),
    ] = 0.95,
    rules: Annotated[
        Path | None, typer.Option("--rules", help="Compare with this rule set's advice.")
    ] = None,
    catalog: CatalogOption = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the bootstrap.")] = 0,
    output_format: Annotated[
        TrialFormat, typer.Option("--format", "-f", help="text, json or markdown.")
    ] = TrialFormat.text,
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Also write a standalone FILE.html with the cost chart."),
    ] = None,
) -> None:
    """Decide on your own graded requests: the small model, the large one, or a router.

    \b
    Examples:
      slmvllm trial examples/trial/support-shadow.jsonl --small qwen2.5-7b --large gpt-4o
      slmvllm trial log.csv --small llama-3.1-8b --large gpt-4.1 -r use-case.yaml --report t.html
    """
    from slmvllm.commands.trial import TrialOptions, run_trial

    raise typer.Exit(
        run_trial(
            TrialOptions(
                log,
                small,
                large,
                requirements,
                rules,
                catalog,
                quality_target,
                seed,
                output_format.value,
                report,
            )
        )
    )
