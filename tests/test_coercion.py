"""One coercion policy for three entries: a file, --set, and a prompt read the same text alike.

Files are strict YAML: a quoted "5" is text, not a number. Text given to --set or
typed at a prompt has no quotes, so it is read with the grammar of a plain YAML
scalar: `5` is a number, `no`, `1:30` and `0755` are not. Then the same strict
validation runs. The documented exceptions are tested at the end.
"""

from __future__ import annotations

from typing import Any

import pytest

from slmvllm.advice.questions import AnswerError, parse_answer, parse_assignments
from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.errors import InputError
from slmvllm.loading.documents import Source
from slmvllm.loading.validation import validate
from slmvllm.loading.yaml_parsing import parse_yaml
from slmvllm.requirements import Requirements

REJECTED = "rejected"


def via_file(field: str, text: str) -> Any:
    try:
        req = validate(Requirements, parse_yaml(Source("r.yaml", f"{field}: {text}\n")))
    except InputError:
        return REJECTED
    return getattr(req, field)


def via_set(rs: RuleSet, field: str, text: str) -> Any:
    try:
        return parse_assignments(rs, [f"{field}={text}"])[field]
    except AnswerError:
        return REJECTED


def via_prompt(rs: RuleSet, field: str, text: str) -> Any:
    question = next(q for q in rs.questions if q.field == field)
    try:
        return parse_answer(rs, question, text)
    except AnswerError:
        return REJECTED


def typed(value: Any) -> tuple[str, Any]:
    return (type(value).__name__, value)


NUMBER_TEXTS = [
    "5", "+5", "5.0", "5.", ".5", "1e3", "1_000", "1__000", "_1", "1_", "-1", "0", "-0", "00",
    "0755", "0o17", "0x1F", "0b101", "1:30", "2024-02-30", "no", "yes", "on", "off", "true",
    "lots", ".nan", ".inf", "nan", "inf", "9" * 40, "1e400", "٣", "５", "²",
]  # fmt: skip


@pytest.mark.parametrize("text", NUMBER_TEXTS)
@pytest.mark.parametrize(
    "field", ["monthly_requests", "weeks_to_launch", "budget_usd_per_month", "latency_p95_ms"]
)
def test_numbers_read_alike_everywhere(rule_set: RuleSet, field: str, text: str) -> None:
    from_file = via_file(field, text)
    from_set = via_set(rule_set, field, text)
    from_prompt = via_prompt(rule_set, field, text)
    assert typed(from_file) == typed(from_set) == typed(from_prompt), (
        from_file,
        from_set,
        from_prompt,
    )


@pytest.mark.parametrize(
    ("field", "text", "expected"),
    [
        ("monthly_requests", "5", 5),
        ("monthly_requests", "+5", 5),
        ("monthly_requests", "1_000", 1000),
        ("monthly_requests", "5.0", REJECTED),  # an integer field takes no float
        ("monthly_requests", "1e3", REJECTED),
        ("monthly_requests", "0755", REJECTED),  # no octal, no leading zeros
        ("monthly_requests", "1:30", REJECTED),  # no sexagesimal
        ("monthly_requests", "no", REJECTED),
        ("monthly_requests", "٣", REJECTED),  # ASCII digits only
        ("monthly_requests", "9" * 40, REJECTED),
        ("weeks_to_launch", "5", 5.0),  # a number field holds floats, from any entry
        ("weeks_to_launch", "5.0", 5.0),
        ("weeks_to_launch", ".5", 0.5),
        ("weeks_to_launch", ".nan", REJECTED),
        ("budget_usd_per_month", "1e3", 1000.0),
        ("budget_usd_per_month", "1e400", REJECTED),
    ],
)
def test_the_shared_reading(rule_set: RuleSet, field: str, text: str, expected: Any) -> None:
    assert typed(via_file(field, text)) == typed(expected)
    assert typed(via_set(rule_set, field, text)) == typed(expected)


@pytest.mark.parametrize(
    "text", ["5", "5.0", "2.5", "no", "1:30", "0755", "1_000", "05", "6", "-1", "true", "²"]
)
def test_priority_weights_read_alike(rule_set: RuleSet, text: str) -> None:
    try:
        req = validate(
            Requirements, parse_yaml(Source("r.yaml", f"priorities: {{cost: {text}}}\n"))
        )
        from_file: Any = req.priorities
    except InputError:
        from_file = REJECTED
    try:
        from_set: Any = parse_assignments(rule_set, [f"priorities.cost={text}"])["priorities"]
    except AnswerError:
        from_set = REJECTED
    from_prompt = via_prompt(rule_set, "priorities", f"cost={text}")
    assert from_file == from_set == from_prompt
    if text in {"5", "5.0", "2.5"}:  # the contract says 0..5: whole or not
        assert from_file == {"cost": float(text)}
    else:
        assert from_file == REJECTED


@pytest.mark.parametrize("text", ["chat", "code", "no", "on", "yes", "true", "5", "chta"])
def test_enum_values_read_alike_in_files_and_set(rule_set: RuleSet, text: str) -> None:
    assert via_file("task_type", text) == via_set(rule_set, "task_type", text)
    if not text.isdigit():  # a number at the prompt picks from the menu (see below)
        assert via_prompt(rule_set, "task_type", text) == via_file("task_type", text)


@pytest.mark.parametrize("text", ["no", "on", "2024-02-30", "0755", "1:30", "Tag ünïcode ✓"])
def test_text_reads_alike(rule_set: RuleSet, text: str) -> None:
    assert via_file("use_case", text) == via_set(rule_set, "use_case", text) == text
    assert via_prompt(rule_set, "use_case", text) == text


# --------------------------------------------------------------------------- exceptions


def test_exception_bare_number_for_text(rule_set: RuleSet) -> None:
    # A file can quote; a bare 3.10 in a text field would be the number 3.1, so it is
    # refused. --set and prompts have no quotes: their text is kept as typed.
    assert via_file("use_case", "3.10") == REJECTED
    assert via_file("use_case", "'3.10'") == "3.10"
    assert via_set(rule_set, "use_case", "3.10") == "3.10"
    assert via_prompt(rule_set, "use_case", "3.10") == "3.10"


def test_exception_null(rule_set: RuleSet) -> None:
    # In a file, ~ and null mean "not given" (the default is assumed). --set always
    # gives a value, and Enter at a prompt keeps the default.
    assert via_file("monthly_requests", "~") is None
    assert via_set(rule_set, "monthly_requests", "~") == REJECTED
    assert via_prompt(rule_set, "monthly_requests", "") is None


def test_exception_menu_answers(rule_set: RuleSet) -> None:
    # A prompt lists the choices with numbers; its answer may be the number or the
    # value in any case; --set (typed text too) takes any case but no number; a file
    # takes the value exactly (with a did-you-mean when it is off).
    assert via_prompt(rule_set, "hosting", "ANY") == via_set(rule_set, "hosting", "ANY") == "any"
    assert via_prompt(rule_set, "hosting", "1") == "any"
    assert via_set(rule_set, "hosting", "1") == REJECTED
    assert via_file("hosting", "ANY") == REJECTED
    assert via_prompt(rule_set, "hosting", "²") == REJECTED  # not a digit to int()
    assert via_prompt(rule_set, "hosting", "１") == REJECTED  # ASCII digits only
