"""`slmvllm schema KIND` and `slmvllm init`: editors get schemas that cannot drift, and a template."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
import yaml

from slmvllm.render.schemas import SCHEMA_KINDS

from .conftest import CASES, EXAMPLES, ROOT, Run

Invoke = Callable[..., Run]


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_each_schema_is_a_valid_2020_12_schema(invoke: Invoke, kind: str) -> None:
    run = invoke("schema", kind)
    assert run.code == 0, run.err
    schema = json.loads(run.out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_schema_alone_is_still_the_result_schema(invoke: Invoke) -> None:
    assert invoke("schema").out == invoke("schema", "result").out


def _validator(invoke: Invoke, kind: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(invoke("schema", kind).out))


def test_requirements_schema_accepts_every_shipped_file(invoke: Invoke) -> None:
    validator = _validator(invoke, "requirements")
    for path in [*EXAMPLES.glob("*.yaml"), *CASES.glob("*.yaml")]:
        if path.name == "index.yaml":
            continue  # the labels file of the cases, not a requirements file
        validator.validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    errors = list(validator.iter_errors({"task_type": "poetry", "volume": 3}))
    assert len(errors) == 2  # the value not allowed and the unknown key


def test_rules_and_catalog_schemas_accept_the_shipped_files(invoke: Invoke) -> None:
    _validator(invoke, "rules").validate(
        yaml.safe_load((ROOT / "rules" / "default.yaml").read_text(encoding="utf-8"))
    )
    catalog = yaml.safe_load(
        (EXAMPLES / "catalogs" / "aws-h100-on-demand.yaml").read_text(encoding="utf-8")
    )
    _validator(invoke, "catalog").validate(catalog)


def test_unknown_schema_kind_is_exit_2(invoke: Invoke) -> None:
    run = invoke("schema", "everything")
    assert run.code == 2 and "requirements" in run.err


def test_init_writes_a_template_that_advises(invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "case.yaml"
    run = invoke("init", str(target))
    assert run.code == 0 and run.out == ""
    assert "slmvllm schema requirements" in run.err
    text = target.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=requirements.schema.json"
    data = yaml.safe_load(text)
    schema = json.loads(invoke("schema", "requirements").out)
    assert set(data) == set(schema["properties"])  # every field, each null (not given)
    assert all(value is None for value in data.values())
    jsonschema.validate(data, schema)
    for choice in ["classification", "on_device", "best_effort", "open_ended"]:
        assert choice in text  # the allowed values are written beside each field
    assert invoke("advise", "-r", str(target), "-f", "json").code == 0


def test_init_never_overwrites_without_force(invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "case.yaml"
    target.write_text("task_type: chat\n", encoding="utf-8")
    run = invoke("init", str(target))
    assert run.code == 2 and "--force" in run.err
    assert target.read_text(encoding="utf-8") == "task_type: chat\n"
    assert invoke("init", str(target), "--force").code == 0
    assert target.read_text(encoding="utf-8").startswith("# yaml-language-server")


def test_init_to_stdout_and_with_a_schema_url(invoke: Invoke) -> None:
    run = invoke("init", "--schema", "https://example.org/req.schema.json")
    assert run.code == 0
    assert run.out.startswith("# yaml-language-server: $schema=https://example.org/req.schema.json")
    assert yaml.safe_load(run.out)["task_type"] is None
