"""`slmvllm init` on the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def init(
    file: Annotated[
        Path | None, typer.Argument(help="Write the template here; without it, to stdout.")
    ] = None,
    rules: Annotated[
        Path | None,
        typer.Option("--rules", help="Take questions and defaults from this rule set."),
    ] = None,
    schema_ref: Annotated[
        str,
        typer.Option(
            "--schema",
            help="Where the first line points YAML editors (a path or URL of the schema).",
        ),
    ] = "requirements.schema.json",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented requirements template: every field, its allowed values and default.

    \b
    Examples:
      slmvllm init my-case.yaml
      slmvllm schema requirements > requirements.schema.json   # for editor completion
      slmvllm init > case.yaml                                 # the template on stdout
    """
    from slmvllm.commands.init import InitOptions, run_init

    target = None if file is None or str(file) == "-" else file
    raise typer.Exit(run_init(InitOptions(target, rules, schema_ref, force)))
