"""Descriptions for every property of the generated JSON Schemas, so editors show help.

`slmvllm schema requirements` takes its descriptions from the rule set's questions
(`slmvllm.advice.field_help`); the rule set's own keys are described here, by the
definition (`$defs` name, or `RuleSet` for the top level) and property they belong to.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

RULES_PROPERTIES: Mapping[str, Mapping[str, str]] = {
    "RuleSet": {
        "name": "The rule set's name, shown in every report.",
        "version": "The rule set's version, shown in every report and decision record.",
        "description": "What the rule set is for, in a sentence or two.",
        "references": "The bibliography: id -> reference. Every rule cites ids from it.",
        "options": "The options advised between (slm, llm, hybrid), with a label and meaning.",
        "criteria": "The criteria points are given on, each with its meaning and default weight.",
        "rules": "The sourced rules: when a condition holds, points per option and criterion, "
        "or an option ruled out.",
        "questions": "The questionnaire: how each requirements field is asked for, its help and "
        "its default.",
        "calibration": "How a score margin becomes a confidence (fitted on labelled decisions).",
    },
    "AllOf": {"all": "Every one of these conditions holds."},
    "AnyOf": {"any": "At least one of these conditions holds."},
    "NotOf": {"not": "This condition does not hold."},
    "Calibration": {
        "method": "The calibration method.",
        "intercept": "a in P(right) = 1 / (1 + exp(-(a + b x margin))).",
        "slope": "b in P(right) = 1 / (1 + exp(-(a + b x margin))); 0 or more.",
        "note": "How and on what the calibration was fitted.",
    },
    "Citation": {
        "ref": "The id of a reference in the rule set's `references`.",
        "where": "The section, table or figure of the reference the rule relies on.",
    },
    "Criterion": {
        "meaning": "What the criterion measures, in one line.",
        "weight": "How much the criterion matters by default, 0..5 (a use case's priorities "
        "override it).",
    },
    "FieldTest": {
        "field": "The requirements field (or cost figure) the test reads.",
        "is": "Holds when the field equals this value.",
        "in": "Holds when the field is one of these values.",
        "not_in": "Holds when the field is known and none of these values.",
        "gt": "Holds when the field is greater than this number.",
        "gte": "Holds when the field is this number or more.",
        "lt": "Holds when the field is less than this number.",
        "lte": "Holds when the field is this number or less.",
        "known": "true: holds when the field was given (or worked out); false: when it was not.",
    },
    "OptionInfo": {
        "label": "The option's name as reports show it.",
        "description": "What choosing the option means, in a sentence.",
    },
    "Question": {
        "adds_field": "true: the question adds a requirements field of its own, valid only with "
        "this rule set.",
        "field": "The requirements field the question asks for.",
        "prompt": "The question as the questionnaire asks it.",
        "help": "The help shown under the question (and in the requirements schema).",
        "type": "The kind of answer.",
        "choices": "The allowed answers of an enum question.",
        "default": "The value taken when the field is not given (reported as an assumption).",
        "assumption": "Why the default is what it is, shown when it is assumed.",
        "ask_if": "Ask only when this condition holds on the answers so far.",
    },
    "Reference": {
        "title": "The reference's title (authors, year, venue where known).",
        "url": "Where the reference can be read.",
        "note": "What the reference shows, or a caveat about it.",
    },
    "Rule": {
        "id": "The rule's id: lower-case letters, digits, '.', '_' and '-'.",
        "summary": "What the rule says, in one line (shown in reports).",
        "claim": "The claim from the source, in more words.",
        "sources": "The references the rule rests on (at least one).",
        "when": "The condition under which the rule applies; none: it always applies.",
        "points": "Points per option and criterion, -10..10, when the rule applies.",
        "exclude": "Options the rule rules out when it applies.",
        "reason": "Why the options are ruled out (needed with exclude).",
    },
}

RULES_VALUES: Mapping[tuple[str, str], Mapping[str, str]] = {
    ("Question", "type"): {
        "enum": "one of the choices",
        "integer": "a whole number, 0 or more",
        "number": "a number, 0 or more",
        "text": "free text",
        "priorities": "a weight 0..5 per criterion",
    },
    ("Calibration", "method"): {
        "logistic-margin": "a logistic curve over the winner's score margin",
    },
    ("Rule", "exclude"): {
        "slm": "the small language model option",
        "llm": "the large language model option",
        "hybrid": "a small model with a large one for the hard part",
    },
}


def enum_values(prop: Mapping[str, Any]) -> list[Any] | None:
    """The enum values a property allows, looking through optional and array wrappers."""
    if "enum" in prop:
        return list(prop["enum"])
    if "const" in prop:
        return [prop["const"]]
    for key in ("anyOf", "oneOf"):
        for member in prop.get(key, []):
            found = enum_values(member)
            if found is not None:
                return found
    items = prop.get("items")
    if isinstance(items, dict):
        return enum_values(items)
    return None


def describe_property(
    prop: dict[str, Any], description: str, meanings: Mapping[str, str] | None = None
) -> None:
    """Set a property's description; for an enum, add each value's meaning.

    The meanings go in `enumDescriptions` (read by VS Code and the YAML language server)
    and in the description text, for editors that show only that.
    """
    values = enum_values(prop)
    if values and meanings is not None:
        texts = [meanings.get(str(v), str(v).replace("_", " ")) for v in values]
        prop["enumDescriptions"] = texts
        description += " Values: " + "; ".join(
            f"{v} = {t}" for v, t in zip(values, texts, strict=True)
        )
    prop["description"] = description


def describe_rules_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The rule set schema with a description on every property of every definition."""
    parts: list[tuple[str, dict[str, Any]]] = [("RuleSet", schema)]
    parts += list(schema.get("$defs", {}).items())
    for name, part in parts:
        for key, prop in part.get("properties", {}).items():
            text = RULES_PROPERTIES.get(name, {}).get(key) or prop.get("description")
            if text is None:
                text = key.replace("_", " ")
            describe_property(prop, text, RULES_VALUES.get((name, key)))
    return schema
