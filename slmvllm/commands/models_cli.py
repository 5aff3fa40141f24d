"""`slmvllm models` and `models update` on the command line."""

from __future__ import annotations

from typing import Annotated

import typer

from slmvllm.commands.cli_options import (
    AsOfOption,
    CatalogOption,
    DataFormat,
    DataFormatOption,
    finite,
)

models_app = typer.Typer(
    name="models",
    invoke_without_command=True,
    rich_markup_mode=None,
)


@models_app.command("update")
def models_update(
    source: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="A URL or a file of LiteLLM's price map (default: its raw file on GitHub).",
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 2 when the update fails (default: warn, exit 0).")
    ] = False,
) -> None:
    """Fetch LiteLLM's price map into the user's cache folder; later runs price with it.

    A failed download keeps the map that was there (a warning, exit 0; exit 2 with --strict).

    \b
    Examples:
      slmvllm models update
      slmvllm models update --from model_prices_and_context_window.json --strict
    """
    from slmvllm.commands.models_update import UpdateOptions, run_models_update

    raise typer.Exit(run_models_update(UpdateOptions(source, strict)))


@models_app.callback()
def models(
    ctx: typer.Context,
    catalog: CatalogOption = None,
    output_format: DataFormatOption = DataFormat.text,
    open_weights: Annotated[
        bool | None,
        typer.Option("--open-weights/--closed-weights", help="Only open (or only closed) weights."),
    ] = None,
    max_params: Annotated[
        float | None,
        typer.Option(
            "--max-params",
            min=0.0,
            parser=finite(0.0),
            help="At most this many billion parameters.",
        ),
    ] = None,
    fits_gpu_gb: Annotated[
        float | None,
        typer.Option(
            "--fits-gpu-gb",
            min=0.0,
            parser=finite(0.0),
            help="Fits one GPU of this many GB (says at which precision).",
        ),
    ] = None,
    min_context: Annotated[
        int | None,
        typer.Option("--min-context", min=1, help="A context window of at least this many tokens."),
    ] = None,
    as_of: AsOfOption = None,
) -> None:
    """List the model catalogue: sizes, licenses, context windows, prices with their dates.

    \b
    Examples:
      slmvllm models --open-weights --max-params 15
      slmvllm models --fits-gpu-gb 24 --min-context 32000
      slmvllm models --catalog model_prices_and_context_window.json --format json

    `slmvllm models update` fetches current prices into the user's cache folder.
    """
    if ctx.invoked_subcommand is not None:
        return
    from slmvllm.commands.models import ModelsOptions, run_models

    code = run_models(
        ModelsOptions(
            catalog=catalog,
            output_format=output_format.value,
            open_weights=open_weights,
            max_params=max_params,
            fits_gpu_gb=fits_gpu_gb,
            min_context=min_context,
            as_of=as_of,
        )
    )
    raise typer.Exit(code)
