"""The lean JSON result (schema version 2): each cited text once per document.

A full result (schema version 1, `--full-json`) repeats every citation in full: each
reason's sources, each candidate's price source, each licence warning, and the
estimates' method statements, which are the same for every result. The lean form
writes each such text once, in a `references` table keyed by a digest of the text, and
the fields that held it hold its key instead. Keys are the same for the same text in
every document and every run, so tables from several documents merge with a plain
union (`jq '[.[].references] | add'`).

In a JSON list (several inputs) a key's text is written by the first result that
cites it; later results cite it without repeating it. A single result and each JSON
Lines record carry every text they cite.
"""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

LEAN_SCHEMA_VERSION = 2
FULL_SCHEMA_VERSION = 1

#: Fields whose text comes from the rule set, the catalogue or the corpus, not from the
#: use case, and so repeats across results: the lean form cites them by key. Everywhere
#: below the top level (the top-level `source` names the requirements file):
CITED_FIELDS = frozenset({"source", "price_source", "gpu_price_source", "note"})
#: and in one kind of object only (a reason's condition, the rule's text; an assumption's
#: why, the same wherever the default is taken; a precedent's use case, the corpus's
#: text, not the user's `requirements.use_case`):
CITED_IN = {
    "reason": frozenset({"when"}),
    "assumption": frozenset({"why"}),
    "precedent": frozenset({"use_case"}),
}
#: Fields holding a list of texts that repeat across candidates and results.
CITED_LISTS = frozenset({"warnings"})
#: Detail the lean form leaves to `--full-json`: each reason's points per criterion (the
#: totals are in `criteria_scores`); the fields a precedent shares with the use case and
#: its decision's drivers (`slmvllm cases` shows them); a candidate's catalogue facts
#: (`slmvllm models` lists them); the breakdown of its cost and memory beyond the
#: formula, price date and source; the GPU's and the throughput figure's details beyond
#: the price, the rate and their sources (the same in every result); the cheapest
#: candidates of the cost check (its statement names them).
FULL_ONLY = {
    "reason": frozenset({"points"}),
    "precedent": frozenset({"shared", "drivers"}),
    "candidate": frozenset(
        {"name", "params_billion", "active_params_billion", "context_tokens", "license"}
    ),
    "cost": frozenset(
        {
            "input_usd",
            "output_usd",
            "input_usd_per_million",
            "output_usd_per_million",
            "price_key",
            "tier_price",
            "gpu",
            "usd_per_gpu_hour",
            "hours_per_month",
            "gpus_per_replica",
            "sharded",
            "replicas",
            "output_tokens_per_s_needed",
            "output_tokens_per_s_per_gpu",
            "requests_per_month_per_replica",
        }
    ),
    "memory": frozenset({"precision_label", "terms", "kv_fallback"}),
    "self_hosting": frozenset({"gpu_name", "gpu_memory_gb", "provider"}),
    "throughput": frozenset(
        {"model", "params_billion", "gpu", "engine", "precision", "concurrency", "latency"}
    ),
    "cost_check": frozenset({"cheapest"}),
}
#: The kind of the objects under a field, where the rules above differ by kind.
KIND_OF = {
    "reasons": "reason",
    "assumptions": "assumption",
    "precedents": "precedent",
    "candidates": "candidate",
    "cost": "cost",
    "memory": "memory",
    "self_hosting": "self_hosting",
    "throughput": "throughput",
    "cost_check": "cost_check",
}
#: Top-level fields written as they are: the file name.
AS_IS = frozenset({"source"})


def reference_key(text: str) -> str:
    """The key of a cited text: 8 hex digits of its BLAKE2b digest, the same in every run."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=4).hexdigest()


class References:
    """The texts one document has written so far, so that each is written once."""

    def __init__(self) -> None:
        self.written: dict[str, str] = {}

    def lean(self, doc: dict[str, Any]) -> dict[str, Any]:
        """`doc` (a full result dict) in the lean form, its `references` holding the texts
        this document has not written before."""
        table: dict[str, str] = {}

        def cite(text: str) -> str:
            key = reference_key(text)
            known = self.written.get(key)
            if known is None:
                self.written[key] = text
                table[key] = text
            elif known != text:  # a digest collision: never seen in practice; stay correct
                key = hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
                if key not in self.written:
                    self.written[key] = text
                    table[key] = text
            return key

        def walk(value: Any, kind: str = "") -> Any:
            if isinstance(value, list):
                return [walk(item, kind) for item in value]
            if not isinstance(value, dict):
                return value
            out: dict[str, Any] = {}
            dropped = FULL_ONLY.get(kind, frozenset())
            cited = CITED_IN.get(kind, frozenset())
            for name, item in value.items():
                if name in dropped or ((item is None or item == []) and kind != "assumption"):
                    continue  # null, empty and full-only fields are left out (an
                    # assumption's null value is a value)
                if isinstance(item, str) and (name in CITED_FIELDS or name in cited):
                    out[name] = cite(item)
                elif name in CITED_LISTS and isinstance(item, list):
                    out[name] = [cite(t) if isinstance(t, str) else walk(t) for t in item]
                else:
                    out[name] = walk(item, KIND_OF.get(name, ""))
            return out

        lean: dict[str, Any] = {}
        for name, value in doc.items():
            if name == "schema_version":
                lean[name] = LEAN_SCHEMA_VERSION
            elif name in AS_IS:
                lean[name] = value
            elif name == "estimates" and isinstance(value, dict):
                estimates = walk(value)
                # The method statements are the same in every result: cite them too.
                estimates["assumptions"] = [cite(t) for t in value.get("assumptions", [])]
                lean[name] = estimates
            else:
                lean[name] = walk(value, KIND_OF.get(name, ""))
        lean["references"] = table
        return lean


#: The keys every lean item keeps (the contract's); the other fields of the objects below
#: the top level may be left out (null, empty or full-only).
KEPT = {
    "Reason": ["rule", "summary", "effect", "source"],
    "Exclusion": ["option", "rule", "reason"],
    "Assumption": ["field", "value", "why"],
    "Change": ["field", "to", "recommendation"],
    "RuleSetId": ["name", "version"],
}


def lean_schema(full: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema of lean results, from the schema of full ones."""
    schema = copy.deepcopy(full)
    props = schema["properties"]
    props["schema_version"] = {
        "const": LEAN_SCHEMA_VERSION,
        "type": "integer",
        "description": "2: the lean form (cited texts in `references`); --full-json gives 1",
    }
    props["references"] = {
        "type": "object",
        "additionalProperties": {"type": "string"},
        "description": "cited texts by key (8 hex digits of the text's BLAKE2b digest); the "
        "fields " + ", ".join(sorted(CITED_FIELDS | CITED_LISTS)) + ", reasons' when, "
        "assumptions' why, precedents' use_case and estimates.assumptions hold these keys. "
        "In a JSON list or a JSON Lines stream a key's text is in the first result citing it.",
    }
    schema["required"] = [*schema["required"], "references"]
    for name, part in schema.get("$defs", {}).items():
        if "required" in part:
            part["required"] = [k for k in part["required"] if k in KEPT.get(name, [])]
    schema["description"] = (
        "One result of `slmvllm advise --format json` in the lean form (schema version 2); "
        "several inputs give an array of these. `slmvllm schema result --full-json` is the "
        "schema of `--full-json` results (version 1)."
    )
    return schema


def dumps_lean(payload: Any, width: int = 120) -> str:
    """JSON indented by two, with every object or list that fits on one line of `width`
    written on one line (jq's layout for the nested, a line per leaf object).

    Linear in the size of the document: each node's one-line form is built once, from
    its children's. Terminal-driving characters are escaped as `dumps_json` does.
    """
    from slmvllm.render.json_doc import escape_risky

    def one_line(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)

    def lay(value: Any, indent: int) -> tuple[str, str]:
        # (one-line form, laid-out form at this indent)
        if isinstance(value, dict) and value:
            parts = [(one_line(k), lay(v, indent + 2)) for k, v in value.items()]
            flat = "{" + ", ".join(f"{k}: {v[0]}" for k, v in parts) + "}"
            if indent + len(flat) <= width:
                return flat, flat
            pad = " " * (indent + 2)
            body = ",\n".join(f"{pad}{k}: {v[1]}" for k, v in parts)
            return flat, "{\n" + body + "\n" + " " * indent + "}"
        if isinstance(value, list) and value:
            items = [lay(v, indent + 2) for v in value]
            flat = "[" + ", ".join(v[0] for v in items) + "]"
            if indent + len(flat) <= width:
                return flat, flat
            pad = " " * (indent + 2)
            body = ",\n".join(pad + v[1] for v in items)
            return flat, "[\n" + body + "\n" + " " * indent + "]"
        text = one_line(value)
        return text, text

    return escape_risky(lay(payload, 0)[1]) + "\n"


def split_lean_line(doc: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """A lean result on one line without its `references`, and the table: `join_lean_line`
    puts them together, each text once per document (a JSON list or a JSON Lines stream).

    Written without spaces after `,` and `:`: a line is for programs, and the spaces
    were a twentieth of it."""
    body = {name: value for name, value in doc.items() if name != "references"}
    return _compact_line(body), dict(doc.get("references", {}))


def _compact_line(payload: Any) -> str:
    from slmvllm.render.json_doc import escape_risky

    text = json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return escape_risky(text) + "\n"


def join_lean_line(lean: tuple[str, dict[str, str]], written: set[str]) -> str:
    """A line from `split_lean_line` with the texts not yet in `written`; updates it."""
    body, references = lean
    new = {k: v for k, v in references.items() if k not in written}
    written.update(new)
    table = _compact_line({"references": new}).rstrip("\n")
    return body.rstrip("\n")[: -len("}")] + "," + table[1:] + "\n"
