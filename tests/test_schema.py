"""`slmvllm schema`: the JSON Schema every `advise --format json` document must meet."""

from __future__ import annotations

import json
from collections.abc import Callable

import jsonschema
import pytest

from .conftest import CASES, EXAMPLES, Run

Invoke = Callable[..., Run]


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    from slmvllm.render.json_doc import result_schema

    schema = result_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_command_prints_the_schema(invoke: Invoke) -> None:
    run = invoke("schema")
    assert run.code == 0, run.err
    schema = json.loads(run.out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(schema["required"]) >= {"schema_version", "recommendation", "confidence"}
    assert "estimates" not in schema["required"] and "source" in schema["properties"]


def test_every_example_and_case_meets_it(
    invoke: Invoke, validator: jsonschema.Draft202012Validator
) -> None:
    docs = []
    for folder in (EXAMPLES, CASES):
        run = invoke("advise", "-r", str(folder), "--format", "json")
        assert run.code == 0, run.err
        docs += json.loads(run.out)
    assert len(docs) == 28
    for doc in docs:
        errors = [e.message for e in validator.iter_errors(doc)]
        assert errors == [], doc["source"]


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.pop("recommendation"),
        lambda d: d.update(recommendation="medium"),
        lambda d: d.update(confidence="high"),
        lambda d: d["reasons"][0].pop("source"),
        lambda d: d["estimates"]["candidates"][0].update(monthly_cost_usd="cheap"),
        lambda d: d.update(surprise=True),
    ],
)
def test_it_would_catch_a_broken_document(
    invoke: Invoke, validator: jsonschema.Draft202012Validator, mutate: Callable[[dict], object]
) -> None:
    path = str(EXAMPLES / "support-triage.yaml")
    doc = json.loads(invoke("advise", "-r", path, "--format", "json").out)
    mutate(doc)
    assert list(validator.iter_errors(doc))
