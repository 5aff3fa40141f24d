"""`slmvllm schema` on the command line."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer


class SchemaKind(StrEnum):
    requirements = "requirements"
    rules = "rules"
    result = "result"
    catalog = "catalog"


def schema(
    kind: Annotated[
        SchemaKind, typer.Argument(help="Which document: requirements, rules, result or catalog.")
    ] = SchemaKind.result,
    full_json: Annotated[
        bool,
        typer.Option(
            "--full-json", help="The result schema of advise --full-json (schema version 1)."
        ),
    ] = False,
) -> None:
    """Print a JSON Schema, generated from the models: results by default, or an input file's.

    \b
    Examples:
      slmvllm schema > advise-result.schema.json
      slmvllm schema requirements > requirements.schema.json
      slmvllm schema rules | jq '.properties | keys'
    """
    from slmvllm.render.json_doc import dumps_json, result_schema
    from slmvllm.render.schemas import schema_for

    if full_json and kind is SchemaKind.result:
        sys.stdout.write(dumps_json(result_schema(full=True)))
        return
    sys.stdout.write(dumps_json(schema_for(kind.value)))
