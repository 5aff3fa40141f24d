"""`slmvllm models`: the model catalogue as a table or JSON, with filters."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from slmvllm.errors import ExitCode
from slmvllm.numbers.catalog import load_catalog
from slmvllm.numbers.model_search import ModelMatch, filter_models, model_record
from slmvllm.render.consoles import silence_stdout, stderr_console, stdout_console
from slmvllm.render.json_doc import dumps_json
from slmvllm.render.safe import literal
from slmvllm.render.streams import write_warnings


@dataclass(frozen=True)
class ModelsOptions:
    catalog: Path | None
    output_format: str
    open_weights: bool | None
    max_params: float | None
    fits_gpu_gb: float | None
    min_context: int | None
    as_of: str | None = None


def run_models(opts: ModelsOptions) -> int:
    """List the catalogue's models that pass the filters; returns the exit code."""
    catalog = load_catalog(extra=opts.catalog, as_of=opts.as_of)
    write_warnings(catalog.notes)
    matches = filter_models(
        catalog,
        open_weights=opts.open_weights,
        max_params=opts.max_params,
        fits_gpu_gb=opts.fits_gpu_gb,
        min_context=opts.min_context,
    )
    try:
        _emit(matches, opts, len(catalog.models))
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (`| head`): not an error
        silence_stdout()
    return ExitCode.OK


def _emit(matches: list[ModelMatch], opts: ModelsOptions, total: int) -> None:
    if opts.output_format == "json":
        records = [model_record(m.model, m.fit) for m in matches]
        sys.stdout.write(dumps_json(records))
    else:
        _stdout_console().print(_table(matches, fits=opts.fits_gpu_gb is not None))
        stderr_console().print(
            f"{len(matches)} of {total} models; prices in USD per million tokens "
            "(input/output), cheapest active row; sources with --format json",
            style="dim",
            markup=False,
        )


_MIN_WIDTH = {"params": 6, "active": 6, "open": 4, "context": 9, "as of": 10, "fits as": 12}


def _stdout_console() -> Console:
    # A pipe or file gets the whole table; a terminal gets its own width.
    wide = not sys.stdout.isatty() and "COLUMNS" not in os.environ
    return stdout_console(width=160 if wide else None)


def _params(value: float | None) -> str:
    return "undisclosed" if value is None else f"{value:g}B"


def _table(matches: list[ModelMatch], *, fits: bool) -> Table:
    table = Table(box=None, show_edge=False, pad_edge=False, header_style="bold")
    columns = ["model", "params", "active", "open", "license", "context", "price in/out", "as of"]
    if fits:
        columns.append("fits as")
    for column in columns:
        # One line per model; the license (long names) gives way first.
        table.add_column(
            column,
            no_wrap=True,
            overflow="ellipsis",
            max_width=22 if column == "license" else None,
            min_width=_MIN_WIDTH.get(column),
        )
    for match in matches:
        model = match.model
        cheapest = min(
            model.active_prices(),
            key=lambda p: (p.input_usd_per_million + p.output_usd_per_million, p.provider),
            default=None,
        )
        price = "-"
        if cheapest:
            price = (
                f"{cheapest.input_usd_per_million:g}/{cheapest.output_usd_per_million:g} "
                f"({cheapest.provider})"
            )
        row: list[str | Text] = [
            Text(literal(model.id)),
            _params(model.params_billion),
            _params(model.active_params_billion) if model.active_params_billion else "-",
            "yes" if model.open_weights else "no",
            Text(literal(model.license)),
            f"{model.context_tokens:,}" if model.context_tokens else "?",
            Text(literal(price)),
            cheapest.as_of if cheapest else "-",
        ]
        if fits:
            row.append(f"{match.fit.precision} {match.fit.total_gb:.1f} GB" if match.fit else "-")
        table.add_row(*row)
    return table
