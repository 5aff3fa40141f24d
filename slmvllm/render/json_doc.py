"""The contract's JSON document, written with json.dumps (never through rich)."""

from __future__ import annotations

import json
import re
from typing import Any

from slmvllm.result import Result

# json.dumps escapes C0 controls but writes DEL, C1 controls (U+009B is a terminal's
# CSI) and invisible bidi characters raw; escape them too, so JSON shown on a
# terminal cannot drive it. They only occur inside strings: the document is unchanged.
_RISKY = re.compile("[\x7f-\x9f\u200b\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def result_dict(result: Result, source: str | None = None) -> dict[str, Any]:
    """A result as the contract's JSON object, with `source` when it came from a file."""
    data = result.model_dump(mode="json")
    if data.get("estimates") is None:
        data.pop("estimates", None)
    if source is not None:
        data["source"] = source
    return data


def render_json(results: list[tuple[str | None, Result]], *, as_list: bool) -> str:
    """One JSON document: an object for one input, a list for several."""
    docs = [result_dict(result, source) for source, result in results]
    return dumps_json(docs if as_list else docs[0])


def json_list_item(doc: dict[str, Any], *, first: bool, nested: bool) -> str:
    """One document as `dumps_json` writes it, alone or as an item of a list written
    item by item: the items of `dumps_json([a, b])` are `[`, `a`, `,`, `b`, then `]`."""
    text = dumps_json(doc).rstrip("\n")
    if not nested:
        return text + "\n"
    return ("[\n" if first else ",\n") + "\n".join("  " + line for line in text.split("\n"))


def list_item_text(text: str, *, first: bool) -> str:
    """A document's text as an item of a JSON list written item by item (see
    `json_list_item`); the writer closes the list with `\\n]\\n`."""
    return ("[\n" if first else ",\n") + "\n".join(
        "  " + line for line in text.rstrip("\n").split("\n")
    )


def json_line(doc: dict[str, Any]) -> str:
    """One document on one line (JSON Lines), terminal-driving characters escaped."""
    text = json.dumps(doc, ensure_ascii=False, allow_nan=False)
    return escape_risky(text) + "\n"


def dumps_json(payload: Any) -> str:
    """The one JSON writer: indented, UTF-8, no NaN, terminal-driving characters escaped."""
    text = json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False)
    return escape_risky(text) + "\n"


def escape_risky(text: str) -> str:
    """JSON text with the terminal-driving characters its strings hold written as escapes."""
    return _RISKY.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def result_schema(*, full: bool = False) -> dict[str, Any]:
    """The JSON Schema (2020-12) of one result document as `advise --format json` writes it:
    the lean form (schema version 2), or with `full` the `--full-json` form (version 1).

    Several inputs give a JSON array of such documents, each with `source`.
    """
    if not full:
        from slmvllm.render.lean_json import lean_schema

        return lean_schema(result_schema(full=True))
    schema = Result.model_json_schema(mode="serialization")
    # Every field is written, defaults included; only `estimates` is left out when null.
    for part in [schema, *schema.get("$defs", {}).values()]:
        if "properties" in part:
            part["required"] = [
                k for k in part["properties"] if part is not schema or k != "estimates"
            ]
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "slmvllm advise result"
    schema["description"] = (
        "One result of `slmvllm advise --format json`; several inputs give an array of "
        "these. The contract's keys plus optional additions (requirements, "
        "criteria_scores, confidence_basis, estimates, source)."
    )
    schema["properties"]["source"] = {
        "type": "string",
        "description": "the requirements file the result is for, when it came from one",
    }
    return schema
