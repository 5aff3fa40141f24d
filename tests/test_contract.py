"""The JSON result against the v1 contract (shared/CONTRACT.md), written out by hand here.

tests/test_schema.py checks documents against the schema generated from the models:
a change to a model changes that schema too, so it cannot catch a renamed or retyped
contract key. This file states the contract's keys and types independently of the code.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from slmvllm.render.json_doc import result_schema

from .conftest import CASES, EXAMPLES, Run

Invoke = Callable[..., Run]
OPTIONS = {"slm", "llm", "hybrid"}
Check = Callable[[Any], bool]


def text(value: Any) -> bool:
    return isinstance(value, str)


def number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def option(value: Any) -> bool:
    return value in OPTIONS


def anything(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool, list, dict))


def mapping(value: Any) -> bool:
    return isinstance(value, dict)


# The contract's result, key by key (CONTRACT.md, "Result").
ITEM_KEYS: dict[str, dict[str, Check]] = {
    "reasons": {"rule": text, "summary": text, "effect": mapping, "source": text},
    "excluded": {"option": option, "rule": text, "reason": text},
    "assumptions": {"field": text, "value": anything, "why": text},
    "what_would_change": {"field": text, "to": anything, "recommendation": option},
}
TOP: dict[str, Check] = {
    # 1: the full form (--full-json); 2: the lean form, sources cited from `references`.
    "schema_version": lambda v: v in (1, 2) and type(v) is int,
    "recommendation": option,
    "confidence": lambda v: number(v) and 0.0 <= v <= 1.0,
    "scores": lambda v: mapping(v) and set(v) == OPTIONS and all(map(number, v.values())),
    "reasons": lambda v: isinstance(v, list),
    "excluded": lambda v: isinstance(v, list),
    "assumptions": lambda v: isinstance(v, list),
    "what_would_change": lambda v: isinstance(v, list),
    "rule_set": lambda v: mapping(v) and text(v.get("name")) and text(v.get("version")),
}


def contract_problems(doc: dict[str, Any], known: dict[str, str] | None = None) -> list[str]:
    """Every way `doc` breaks the contract's result shape (extra keys are allowed).

    A lean document (version 2) cites each reason's source by a key of its `references`
    (in a list, of the references of the items before it too: `known`, updated here).
    """
    problems = [f"missing {key}" for key in TOP if key not in doc]
    if doc.get("schema_version") == 2:
        table = doc.get("references")
        if not isinstance(table, dict):
            problems.append("a lean document without references")
            table = {}
        table = {**(known or {}), **table}
        if known is not None:
            known.update(table)
        problems += [
            f"reasons[{i}].source {r.get('source')!r} is not in references"
            for i, r in enumerate(doc.get("reasons") or [])
            if r.get("source") not in table
        ]
    elif "references" in doc:
        problems.append("a full document (version 1) with references")
    problems += [
        f"{key}: {doc[key]!r}" for key, ok in TOP.items() if key in doc and not ok(doc[key])
    ]
    for key, fields in ITEM_KEYS.items():
        for i, item in enumerate(doc.get(key) or []):
            for name, ok in fields.items():
                if name not in item:
                    problems.append(f"{key}[{i}] has no {name}")
                elif not ok(item[name]):
                    problems.append(f"{key}[{i}].{name}: {item[name]!r}")
    for i, reason in enumerate(doc.get("reasons") or []):
        effect = reason.get("effect", {})
        if not (set(effect) <= OPTIONS and all(map(number, effect.values()))):
            problems.append(f"reasons[{i}].effect: {effect!r}")
    return problems


EXAMPLE_FILES = sorted(p.name for p in EXAMPLES.glob("*.yaml"))


@pytest.mark.parametrize("form", [[], ["--full-json"]], ids=["lean", "full"])
@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_each_example_meets_the_contract(invoke: Invoke, name: str, form: list[str]) -> None:
    run = invoke("advise", "-r", str(EXAMPLES / name), "--format", "json", *form)
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    assert doc["schema_version"] == (1 if form else 2)
    assert contract_problems(doc) == []
    # The recommendation is the best-scoring option not ruled out.
    allowed = {
        k: v for k, v in doc["scores"].items() if k not in {e["option"] for e in doc["excluded"]}
    }
    assert doc["scores"][doc["recommendation"]] == max(allowed.values())


@pytest.mark.parametrize("form", [[], ["--full-json"]], ids=["lean", "full"])
def test_several_files_give_a_list_each_naming_its_source(invoke: Invoke, form: list[str]) -> None:
    run = invoke("advise", "-r", str(CASES), "--format", "json", *form)
    assert run.code == 0, run.err
    docs = json.loads(run.out)
    assert isinstance(docs, list) and len(docs) == 21
    known: dict[str, str] = {}
    for doc in docs:
        assert contract_problems(doc, known) == [], doc.get("source")
        assert text(doc["source"]) and Path(doc["source"]).name.endswith(".yaml")
    # Over the 21 cases, every list of the contract is non-empty somewhere, so each
    # item shape above was checked at least once.
    for key in ITEM_KEYS:
        assert any(doc[key] for doc in docs), key


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d.pop("what_would_change"), "missing what_would_change"),
        (lambda d: d.update(recommendation="medium"), "recommendation: 'medium'"),
        (lambda d: d.update(confidence=1.5), "confidence: 1.5"),
        (lambda d: d.update(confidence="0.9"), "confidence: '0.9'"),
        (lambda d: d.update(schema_version=True), "schema_version: True"),
        (lambda d: d["scores"].pop("hybrid"), "scores:"),
        (lambda d: d["reasons"][0].pop("source"), "reasons[0] has no source"),
        (lambda d: d["reasons"][0].update(rule=3), "reasons[0].rule: 3"),
        (lambda d: d["reasons"][0].update(effect={"big": 1}), "reasons[0].effect"),
        (lambda d: d["assumptions"][0].pop("why"), "assumptions[0] has no why"),
        (lambda d: d["reasons"][0].update(source="0000beef"), "is not in references"),
        (lambda d: d.pop("references"), "without references"),
        (lambda d: d["rule_set"].pop("version"), "rule_set:"),
    ],
)
def test_the_contract_check_catches_a_broken_document(
    invoke: Invoke, change: Callable[[dict[str, Any]], object], problem: str
) -> None:
    doc = json.loads(
        invoke("advise", "-r", str(EXAMPLES / "support-triage.yaml"), "-f", "json").out
    )
    change(doc)
    assert any(problem in p for p in contract_problems(doc)), contract_problems(doc)


def test_the_generated_schema_agrees_with_the_contract() -> None:
    # Beside the hand-written check: the generated schema requires every contract key
    # with the contract's JSON type.
    for full in (False, True):
        check_schema_agrees(result_schema(full=full))


def check_schema_agrees(schema: dict[str, Any]) -> None:
    assert set(TOP) <= set(schema["required"])
    types = {
        "schema_version": "integer",
        "recommendation": "string",
        "confidence": "number",
        "scores": "object",
        "reasons": "array",
        "excluded": "array",
        "assumptions": "array",
        "what_would_change": "array",
    }
    for key, kind in types.items():
        assert schema["properties"][key]["type"] == kind, key
    assert set(schema["properties"]["recommendation"]["enum"]) == OPTIONS
    defs = schema["$defs"]
    for key, ref in [
        ("reasons", "Reason"),
        ("excluded", "Exclusion"),
        ("assumptions", "Assumption"),
        ("what_would_change", "Change"),
    ]:
        assert schema["properties"][key]["items"]["$ref"] == f"#/$defs/{ref}"
        assert set(ITEM_KEYS[key]) <= set(defs[ref]["properties"]), key
        assert set(ITEM_KEYS[key]) - {"value", "to"} <= set(defs[ref].get("required", [])), key
    assert set(defs["RuleSetId"]["required"]) >= {"name", "version"}
