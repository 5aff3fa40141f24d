"""JSON Schemas (2020-12) of every file slmvllm reads or writes, generated from the models."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from slmvllm.advice.field_help import VALUE_MEANINGS, field_description
from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.advisor import default_rule_set
from slmvllm.numbers.catalog import CatalogFile
from slmvllm.render.json_doc import result_schema
from slmvllm.render.schema_help import describe_property, describe_rules_schema
from slmvllm.requirements import Requirements

SchemaKind = Literal["requirements", "rules", "result", "catalog"]
SCHEMA_KINDS: tuple[SchemaKind, ...] = ("requirements", "rules", "result", "catalog")
DIALECT = "https://json-schema.org/draft/2020-12/schema"

_ABOUT: dict[str, tuple[str, str]] = {
    "requirements": (
        "slmvllm requirements file",
        "One use case (YAML). Every field is optional; a missing or null field takes the "
        "rule set's default and is reported as an assumption.",
    ),
    "rules": (
        "slmvllm rule set",
        "A rule set (YAML): options, criteria, sourced rules and the questionnaire. "
        "`slmvllm rules check FILE` checks what a schema cannot (references, dead rules).",
    ),
    "catalog": (
        "slmvllm catalogue file",
        "Models, GPUs and serving figures (YAML) that add to or replace the shipped "
        "catalogue entries with the same id (`--catalog FILE`).",
    ),
}


def schema_for(kind: SchemaKind) -> dict[str, Any]:
    """The JSON Schema of one kind of document."""
    if kind == "result":
        return result_schema()
    models: dict[str, type[BaseModel]] = {
        "requirements": Requirements,
        "rules": RuleSet,
        "catalog": CatalogFile,
    }
    model = models[kind]
    schema = model.model_json_schema(mode="validation")
    if kind == "requirements":
        describe_requirements_schema(schema, default_rule_set())
    elif kind == "rules":
        describe_rules_schema(schema)
    title, description = _ABOUT[kind]
    return {"$schema": DIALECT, **schema, "title": title, "description": description}


def describe_requirements_schema(schema: dict[str, Any], rule_set: RuleSet) -> dict[str, Any]:
    """A requirements schema with each property's meaning, its question's help and, for
    an enum, the meaning of each value (`enumDescriptions`)."""
    for name, prop in schema.get("properties", {}).items():
        describe_property(prop, field_description(name, rule_set), VALUE_MEANINGS.get(name, {}))
    return schema


def requirements_schema(rule_set: RuleSet | None = None) -> dict[str, Any]:
    """The requirements schema of a rule set (its added fields too), every property described."""
    rs = rule_set if rule_set is not None else default_rule_set()
    schema = rs.requirements_model().model_json_schema(mode="validation")
    return describe_requirements_schema(schema, rs)
