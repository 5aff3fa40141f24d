"""The tools `slmvllm mcp` serves: each a thin call of the core the CLI commands use.

This module knows nothing of MCP (`slmvllm.agent.server` wires it to the SDK), so the
tools can be tested, and reused by another agent protocol, without the optional
extra. A tool takes the JSON arguments an agent sent and returns `ToolOutput`: the
data (JSON-ready) and a short text for a person; a bad input raises the same
`SlmvllmError` the CLI would, and the server turns it into a tool error carrying
the CLI's one-line message (`error_text`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from slmvllm.advice.rule_sets import LoadedRuleSet, load_rule_set
from slmvllm.advice.use_cases import requirements_for
from slmvllm.advisor import advise, check_feasible
from slmvllm.errors import InputError, Problem, SlmvllmError, did_you_mean
from slmvllm.loading.documents import Document
from slmvllm.loading.validation import describe
from slmvllm.numbers.catalog import Catalog, load_catalog
from slmvllm.numbers.tiers import TIERS
from slmvllm.requirements import OPTIONS

#: The name a bad argument is reported under, as the CLI says "command line".
ARGUMENTS = "arguments"


@dataclass(frozen=True)
class ToolOutput:
    """What a tool returns: JSON-ready data and a short text for a person."""

    data: Any
    text: str


@dataclass(frozen=True)
class Tool:
    """One tool: its name, what it does, its input schema and the function behind it."""

    name: str
    description: str
    input_schema: dict[str, Any]
    run: Callable[[Mapping[str, Any]], ToolOutput]


def error_text(exc: SlmvllmError) -> str:
    """The message the CLI writes to stderr for this error, as the tool error's text."""
    return "\n".join(f"slmvllm: error: {line}" for line in str(exc).splitlines())


# --------------------------------------------------------------------------- arguments

_RULES = {
    "type": "string",
    "description": "Path of a rule set YAML file to use instead of the shipped one "
    "(as `--rules`); relative paths are read from the server's working folder.",
}
_CATALOG = {
    "type": "string",
    "description": "Path of a catalogue file (slmvllm YAML, or LiteLLM's "
    "model_prices_and_context_window.json) that adds or overrides models and prices "
    "(as `--catalog`).",
}


def _check(args: Mapping[str, Any], schema: Mapping[str, Any]) -> None:
    """Unknown arguments, missing required ones and wrong JSON types, as the CLI words them."""
    known: dict[str, Any] = dict(schema.get("properties", {}))
    problems: list[Problem] = []
    for name in args:
        if name not in known:
            problems.append(
                Problem(ARGUMENTS, f"unknown argument {name!r}" + did_you_mean(name, known))
            )
    for name in schema.get("required", []):
        if name not in args:
            problems.append(Problem(ARGUMENTS, f"the argument {name!r} is required"))
    for name, value in args.items():
        prop = known.get(name, {})
        expected = prop.get("type")
        if value is None:
            continue
        if expected and not _is_json_type(value, expected):
            problems.append(Problem(ARGUMENTS, f"expected {expected}", field=name))
        elif "enum" in prop and value not in prop["enum"]:
            choices = [str(c) for c in prop["enum"]]
            problems.append(
                Problem(
                    ARGUMENTS,
                    f"{describe(value)} is not allowed; use one of: {', '.join(choices)}"
                    + did_you_mean(str(value), choices),
                    field=name,
                )
            )
        elif "minimum" in prop and value < prop["minimum"]:
            problems.append(Problem(ARGUMENTS, f"must be at least {prop['minimum']}", field=name))
    if problems:
        raise InputError(problems)


def _is_json_type(value: Any, expected: str) -> bool:
    if expected == "string":
        return isinstance(value, str)
    if expected == "boolean":
        return isinstance(value, bool)
    if expected == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if expected == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if expected == "object":
        return isinstance(value, dict)
    if expected == "array":
        return isinstance(value, list)
    return True


def _path(args: Mapping[str, Any], name: str) -> Path | None:
    value = args.get(name)
    if value is None:
        return None
    if not value.strip():
        raise InputError(Problem(ARGUMENTS, "an empty path; give a file", field=name))
    return Path(value)


def _rule_set(args: Mapping[str, Any]) -> LoadedRuleSet:
    return load_rule_set(_path(args, "rules"))


def _catalog(args: Mapping[str, Any]) -> Catalog:
    return load_catalog(extra=_path(args, "catalog"))


# --------------------------------------------------------------------------- the tools


def _advise_schema() -> dict[str, Any]:
    from slmvllm.render.schemas import requirements_schema

    requirements = requirements_schema()
    requirements.pop("title", None)
    requirements["description"] = (
        "The use case, as a requirements file holds it. Every field is optional; a missing "
        "field takes the rule set's default and is reported back as an assumption."
    )
    return {
        "type": "object",
        "properties": {
            "requirements": requirements,
            "rules": _RULES,
            "catalog": _CATALOG,
            "tier": {
                "type": "string",
                "enum": list(TIERS),
                "enumDescriptions": [TIERS[t] for t in TIERS],
                "description": "Price the large model on this quality tier instead of the one "
                "the requirements call for (as `--tier`).",
            },
        },
        "required": ["requirements"],
        "additionalProperties": False,
    }


def advise_tool(args: Mapping[str, Any]) -> ToolOutput:
    """`slmvllm advise -f json` on a requirements object: the contract's result and the
    short report as text."""
    from slmvllm.render.json_doc import result_dict
    from slmvllm.render.short import short_report_text

    _check(args, _advise_schema())
    loaded = _rule_set(args)
    catalog = _catalog(args)
    rs = loaded.rule_set
    requirements = requirements_for(rs, Document("requirements", args["requirements"]))
    check_feasible(requirements, rs, catalog)
    result = advise(requirements, rs, catalog, tier=args.get("tier"))
    return ToolOutput(result_dict(result), short_report_text(result, rs))


def questions_tool(args: Mapping[str, Any]) -> ToolOutput:
    """The rule set's questions, in the order the questionnaire asks them."""
    _check(args, _QUESTIONS_SCHEMA)
    rs = _rule_set(args).rule_set
    records = [
        question.model_dump(mode="json", by_alias=True, exclude_none=True)
        for question in rs.questions
    ]
    lines = [f"{q.field}: {q.prompt} ({q.help})" for q in rs.questions]
    return ToolOutput({"questions": records}, "\n".join(lines) + "\n")


_QUESTIONS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"rules": _RULES},
    "additionalProperties": False,
}


def compare_tool(args: Mapping[str, Any]) -> ToolOutput:
    """The advantages and limitations of each option, counted from the rule set's rules."""
    from slmvllm.advice.tally import tally

    _check(args, _COMPARE_SCHEMA)
    rs = _rule_set(args).rule_set
    general = bool(args.get("general", False))
    tallies = tally(rs, general_only=general)
    data = {
        "rule_set": {"name": rs.name, "version": rs.version},
        "general_only": general,
        "options": [asdict(t) for t in tallies],
    }
    lines = []
    for t in tallies:
        lines.append(
            f"{t.option}: {len(t.advantages)} advantages, {len(t.limitations)} limitations"
        )
    return ToolOutput(data, "\n".join(lines) + "\n")


_COMPARE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "rules": _RULES,
        "general": {
            "type": "boolean",
            "description": "Count only the rules that apply to every use case (as `--general`).",
        },
    },
    "additionalProperties": False,
}


def models_tool(args: Mapping[str, Any]) -> ToolOutput:
    """The catalogue's models that pass the filters, as `slmvllm models --format json`."""
    from slmvllm.numbers.model_search import filter_models, model_record

    _check(args, _MODELS_SCHEMA)
    catalog = _catalog(args)
    for name in ("max_params", "fits_gpu_gb", "min_context"):
        value = args.get(name)
        if value is not None and value < (1 if name == "min_context" else 0):
            raise InputError(
                Problem(ARGUMENTS, f"must be at least {int(name == 'min_context')}", field=name)
            )
    matches = filter_models(
        catalog,
        open_weights=args.get("open_weights"),
        max_params=args.get("max_params"),
        fits_gpu_gb=args.get("fits_gpu_gb"),
        min_context=args.get("min_context"),
    )
    records = [model_record(m.model, m.fit) for m in matches]
    text = f"{len(matches)} of {len(catalog.models)} models: " + ", ".join(
        m.model.id for m in matches
    )
    return ToolOutput({"models": records}, text + "\n")


_MODELS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "catalog": _CATALOG,
        "open_weights": {
            "type": "boolean",
            "description": "true: only open-weight models; false: only closed ones.",
        },
        "max_params": {
            "type": "number",
            "description": "At most this many billion parameters (undisclosed sizes left out).",
        },
        "fits_gpu_gb": {
            "type": "number",
            "description": "Fits one GPU of this many GB (says at which precision).",
        },
        "min_context": {
            "type": "integer",
            "description": "A context window of at least this many tokens.",
        },
    },
    "additionalProperties": False,
}


def explain_rule_tool(args: Mapping[str, Any]) -> ToolOutput:
    """One rule: its condition in words, points, sources and layer (`rules explain`)."""
    from slmvllm.render.rule_review_view import render_explain_text
    from slmvllm.review.cases import read_cases
    from slmvllm.review.explanation import explain_rule

    _check(args, _EXPLAIN_SCHEMA)
    loaded = _rule_set(args)
    files = [Path(p) for p in args.get("requirements_files") or []]
    explanation = explain_rule(
        loaded.rule_set, args["rule_id"], read_cases(files), loaded.placement
    )
    return ToolOutput(explanation.record(), render_explain_text(explanation))


_EXPLAIN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "rule_id": {"type": "string", "description": "The rule's id, as `rules list` shows it."},
        "rules": _RULES,
        "requirements_files": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Requirements files or folders: also show the rule's effect on each.",
        },
    },
    "required": ["rule_id"],
    "additionalProperties": False,
}


def cases_tool(args: Mapping[str, Any]) -> ToolOutput:
    """`slmvllm cases --format json`: the shipped documented decisions, all of them or the
    ones most like some answers and words."""
    from slmvllm.advisor import default_rule_set
    from slmvllm.precedents.search import case_record, search_cases

    _check(args, _cases_schema())
    given: dict[str, Any] = {}
    if args.get("requirements") is not None:
        document = Document("requirements", args["requirements"])
        given = requirements_for(default_rule_set(), document).given()
    found = search_cases(given, args.get("words") or "", args.get("choice"), args.get("limit"))
    records = [case_record(r) for r in found.rows]
    lines = [
        f"{r.case.choice.upper():<6} "
        + (f"{r.similarity:.2f}  " if r.similarity is not None else "")
        + f"{r.case.id}: {r.case.use_case}"
        + (f" ({r.case.source})" if r.case.source else "")
        for r in found.rows
    ]
    lines.append(
        f"{len(found.rows)} of {found.total} documented decisions"
        + (" (most alike first)" if found.searched else "")
    )
    return ToolOutput({"cases": records}, "\n".join(lines) + "\n")


def _cases_schema() -> dict[str, Any]:
    requirements = _advise_schema()["properties"]["requirements"]
    requirements["description"] = (
        "Rank by likeness to these answers, as a requirements file holds them (as "
        "`--requirements`); every field is optional, fields given are compared."
    )
    return {
        "type": "object",
        "properties": {
            "words": {
                "type": "string",
                "description": "Words to search the cases' use cases for (BM25), with or "
                "instead of `requirements`; neither lists every case, by id.",
            },
            "requirements": requirements,
            "choice": {
                "type": "string",
                "enum": list(OPTIONS),
                "description": "Only decisions that chose this option (as `--choice`).",
            },
            "limit": {
                "type": "integer",
                "minimum": 1,
                "description": "At most this many cases (as `--limit`); a search shows 10 "
                "unless told, a listing every case.",
            },
        },
        "additionalProperties": False,
    }


def tools() -> list[Tool]:
    """Every tool the server lists, in the order it lists them."""
    return [
        Tool(
            "advise",
            "Recommend SLM, LLM or hybrid for a use case: the recommendation, confidence, "
            "reasons with sources, exclusions, assumptions, what would change it and the cost "
            "figures (the JSON result of `slmvllm advise -f json`), and the short report.",
            _advise_schema(),
            advise_tool,
        ),
        Tool(
            "questions",
            "The rule set's questions (field, prompt, help, choices, default), so an agent can "
            "ask its user for the requirements `advise` takes.",
            _QUESTIONS_SCHEMA,
            questions_tool,
        ),
        Tool(
            "compare",
            "The advantages and limitations of SLM, LLM and hybrid, counted from the rule set.",
            _COMPARE_SCHEMA,
            compare_tool,
        ),
        Tool(
            "models",
            "The model catalogue (sizes, licences, context windows, prices with dates, quality "
            "tier), filtered as `slmvllm models` filters it.",
            _MODELS_SCHEMA,
            models_tool,
        ),
        Tool(
            "explain_rule",
            "Explain one rule of the rule set: its condition in words, points, sources, layer; "
            "with requirements files, its effect on each.",
            _EXPLAIN_SCHEMA,
            explain_rule_tool,
        ),
        Tool(
            "cases",
            "The documented decisions (real deployments, with sources) most like a use case, "
            "or matching some words, or all of them: what each chose, the model served, why, "
            "and how alike (the records of `slmvllm cases --format json`).",
            _cases_schema(),
            cases_tool,
        ),
    ]
