"""`slmvllm eval` on the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from slmvllm.commands.cli_options import CatalogOption, ReportFormat, finite


def eval_(
    labels: Annotated[
        list[str],
        typer.Argument(
            metavar="LABELS", help="Labels files, or folders holding an index.yaml labels file."
        ),
    ],
    rules: Annotated[
        Path | None, typer.Option("--rules", help="Evaluate this rule set instead of the default.")
    ] = None,
    catalog: CatalogOption = None,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Report format.")
    ] = ReportFormat.text,
    min_accuracy: Annotated[
        float | None,
        typer.Option(
            "--min-accuracy",
            min=0.0,
            max=1.0,
            parser=finite(0.0, 1.0),
            help="CI gate: exit 1 when the accuracy on clean (non-ambiguous) cases is below this.",
        ),
    ] = None,
) -> None:
    """Measure the advice on labelled decisions: accuracy, confusion, calibration, baselines.

    Exit 0 when measured (and the gate passed), 1 when the clean accuracy is below
    --min-accuracy, 2 when a labels or requirements file is bad (file:line:col).

    \b
    Examples:
      slmvllm eval examples/cases                          # a folder holding an index.yaml
      slmvllm eval benchmarks/decisions/test.yaml -f markdown
      slmvllm eval our-cases/ --rules team.yaml --min-accuracy 0.8   # a CI gate
    """
    from slmvllm.commands.eval import EvalOptions, run_eval

    if any(not path.strip() for path in labels):
        # Path("") would be ".", the current folder: never what an empty value meant.
        raise typer.BadParameter(
            "an empty path; give a labels file or a folder", param_hint="LABELS"
        )
    code = run_eval(
        EvalOptions(
            labels=[Path(path) for path in labels],
            rules=rules,
            catalog=catalog,
            output_format=output_format.value,
            min_accuracy=min_accuracy,
        )
    )
    raise typer.Exit(code)
