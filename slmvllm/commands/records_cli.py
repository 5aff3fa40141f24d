"""`slmvllm records check` on the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from slmvllm.commands.cli_options import CatalogOption, DataFormat, DataFormatOption

records_app = typer.Typer(
    name="records",
    help="Decision records (written by advise --record DIR): re-check them.\n\n"
    "\b\nExamples:\n"
    "  slmvllm advise -r use-cases/ --record decisions/\n"
    "  slmvllm records check decisions/   # exit 1 when a decision changed",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@records_app.command("check")
def records_check(
    folder: Annotated[Path, typer.Argument(help="The folder advise --record wrote to.")],
    rules: Annotated[
        Path | None, typer.Option("--rules", help="Re-advise with this rule set.")
    ] = None,
    catalog: CatalogOption = None,
    output_format: DataFormatOption = DataFormat.text,
) -> None:
    """Re-advise every decision record with today's rules and prices.

    Exit 1 naming each record whose recommendation flipped or whose break-even volume
    was crossed, 0 when none did: a scheduled CI job.

    \b
    Examples:
      slmvllm advise -r use-cases/ --record decisions/
      slmvllm records check decisions/
    """
    from slmvllm.commands.records import RecordsCheckOptions, run_records_check

    options = RecordsCheckOptions(folder, rules, catalog, output_format.value)
    raise typer.Exit(run_records_check(options))
