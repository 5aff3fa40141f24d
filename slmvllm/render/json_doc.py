"""The contract's JSON document, written with json.dumps (never through rich)."""

from __future__ import annotations

import json
import re
from typing import Any

from slmvllm.models import Result

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


def dumps_json(payload: Any) -> str:
    """The one JSON writer: indented, UTF-8, no NaN, terminal-driving characters escaped."""
    text = json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False)
    return _RISKY.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"
