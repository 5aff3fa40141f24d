"""Typed answers and `--set` values, read in process and pinned word for word.

The questionnaire and `--set` are driven through the real entry point elsewhere
(tests/test_interactive.py, tests/test_cli.py); these tables pin the parsing itself.
"""

from __future__ import annotations

from typing import Any

import pytest

from slmvllm.advice.questions import (
    AnswerError,
    answers_yaml,
    parse_assignments,
    parse_choice,
    parse_priorities,
    pending_questions,
)
from slmvllm.advice.rule_set_model import RuleSet

from .conftest import rule_set_from_text

CRITERIA = (
    "cost, generalization, domain_fit, deployment_speed, data_control, quality, latency, "
    "customization_effort"
)

ASSIGNED = [
    (["monthly_requests=50000"], {"monthly_requests": 50000}),
    (["use_case=a=b"], {"use_case": "a=b"}),  # the first '=' splits: the value keeps the rest
    (["hosting=ON_PREM"], {"hosting": "on_prem"}),  # any case, as at a prompt
    (["priorities.cost=4", "priorities.quality=1"], {"priorities": {"cost": 4.0, "quality": 1.0}}),
    (  # a weight, then a field: the weight does not stop the fields after it
        ["priorities.cost=4", "monthly_requests=10"],
        {"priorities": {"cost": 4.0}, "monthly_requests": 10},
    ),
]


@pytest.mark.parametrize(("items", "values"), ASSIGNED)
def test_set_values_are_read_as_a_file_would_be(
    rule_set: RuleSet, items: list[str], values: dict[str, Any]
) -> None:
    assert parse_assignments(rule_set, items) == values


REFUSED = [
    (["=5"], "--set '=5': write FIELD=VALUE, e.g. --set monthly_requests=50000"),
    (
        ["monthly_requests"],
        "--set 'monthly_requests': write FIELD=VALUE, e.g. --set monthly_requests=50000",
    ),
    (["monthly_requests="], "--set monthly_requests: give a value after '='"),
    (
        ["monthly_requests=lots"],
        "--set monthly_requests: expected a whole number, got the text 'lots'",
    ),
    (
        ["monthly_requests=-5"],
        "--set monthly_requests: input should be greater than or equal to 0 (got the number -5)",
    ),
    (
        ["hostng=any"],
        "--set: unknown field 'hostng' for rule set 'default'; did you mean 'hosting'?",
    ),
    (
        ["priorities.cost=9"],
        "--set priorities.cost: the weight of 'cost' must be a number from 0 to 5, got '9'",
    ),
    (
        # everything after the first dot is the criterion's name
        ["priorities.cost.x=4"],
        f"--set priorities.cost.x: unknown criterion 'cost.x'; use one of: {CRITERIA}; "
        "did you mean 'cost'?",
    ),
]


@pytest.mark.parametrize(("items", "message"), REFUSED)
def test_set_values_that_do_not_fit_word_for_word(
    rule_set: RuleSet, items: list[str], message: str
) -> None:
    with pytest.raises(AnswerError) as err:
        parse_assignments(rule_set, items)
    assert str(err.value) == message


@pytest.mark.parametrize(
    ("text", "weights"),
    [
        ("cost=5, latency=1", {"cost": 5.0, "latency": 1.0}),
        ("cost=5; latency=1", {"cost": 5.0, "latency": 1.0}),  # ';' works as ','
        ("cost=5,,quality=2", {"cost": 5.0, "quality": 2.0}),  # empty parts are skipped
        ("cost = 2.5", {"cost": 2.5}),
    ],
)
def test_priorities_typed_at_a_prompt(
    rule_set: RuleSet, text: str, weights: dict[str, float]
) -> None:
    assert parse_priorities(rule_set, text) == weights


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("cost 5", "write criterion=weight, e.g. cost=5 (got 'cost 5')"),
        ("costs=5", f"unknown criterion 'costs'; use one of: {CRITERIA}; did you mean 'cost'?"),
    ],
)
def test_priorities_that_do_not_fit_word_for_word(
    rule_set: RuleSet, text: str, message: str
) -> None:
    with pytest.raises(AnswerError) as err:
        parse_priorities(rule_set, text)
    assert str(err.value) == message


def test_a_choice_by_number_by_name_or_refused_with_the_list(rule_set: RuleSet) -> None:
    question = next(q for q in rule_set.questions if q.field == "task_type")
    assert parse_choice(question, "2") == "extraction"
    assert parse_choice(question, "CHAT") == "chat"
    with pytest.raises(AnswerError) as err:
        parse_choice(question, "chta")
    assert str(err.value) == (
        "'chta' is not one of: classification, extraction, summarization, chat, rag_qa, code, "
        "translation, reasoning, agentic, generation; did you mean 'chat'?"
    )


def test_saved_answers_word_for_word(rule_set: RuleSet) -> None:
    # In questionnaire order (task_type is asked before monthly_requests); unknowns dropped.
    answers = {"monthly_requests": 5, "task_type": "chat", "hosting": None}
    assert answers_yaml(rule_set, answers, partial=True) == (
        "# slmvllm requirements, saved from the questionnaire.\n"
        "# Partial: the questionnaire stopped early. Continue with:\n"
        "#   slmvllm advise -r THIS_FILE --interactive\n"
        "task_type: chat\n"
        "monthly_requests: 5\n"
    )
    assert answers_yaml(rule_set, answers) == (
        "# slmvllm requirements, saved from the questionnaire.\n"
        "task_type: chat\n"
        "monthly_requests: 5\n"
    )
    assert answers_yaml(rule_set, {}, origin="--set") == (
        "# slmvllm requirements, saved from --set.\n{}\n"
    )


def test_a_question_is_asked_only_when_its_condition_holds(rule_set: RuleSet) -> None:
    # gpu_memory_gb is asked unless the model runs on the device (ask_if: hosting not_in
    # [on_device]); hosting not yet answered counts as its default, any.
    asked_first = [q.field for q in pending_questions(rule_set, {})]
    on_device = [q.field for q in pending_questions(rule_set, {"hosting": "on_device"})]
    question = next(q for q in rule_set.questions if q.field == "gpu_memory_gb")
    assert question.ask_if is not None
    assert "gpu_memory_gb" in asked_first and "gpu_memory_gb" not in on_device
    # answered questions are not asked again
    assert "task_type" not in [q.field for q in pending_questions(rule_set, {"task_type": "chat"})]


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        # text the YAML reading itself refuses, with its own words
        ("weeks_to_launch", ".nan", ".nan (NaN or infinity) is not allowed; give a finite number"),
        ("weeks_to_launch", "1e999", "the number 1e999 is too large"),
    ],
)
def test_typed_numbers_refused_by_the_reading_word_for_word(
    rule_set: RuleSet, field: str, text: str, message: str
) -> None:
    from slmvllm.advice.questions import parse_value

    with pytest.raises(AnswerError) as err:
        parse_value(rule_set, field, text)
    assert str(err.value) == message


def test_a_weight_is_split_at_its_first_equals_sign(rule_set: RuleSet) -> None:
    with pytest.raises(AnswerError) as err:
        parse_priorities(rule_set, "cost=5=6")
    assert str(err.value) == "the weight of 'cost' must be a number from 0 to 5, got '5=6'"


def test_a_field_a_rule_set_adds_is_read_with_that_rule_set() -> None:
    from slmvllm.advice.questions import parse_value
    from slmvllm.advice.rule_sets import load_rule_set

    from .conftest import ROOT

    acme = load_rule_set(ROOT / "examples" / "rules" / "acme-platform.yaml").rule_set
    assert parse_value(acme, "data_residency", "eu") == "eu"
    assert parse_assignments(acme, ["data_residency=EU"]) == {"data_residency": "eu"}


def test_a_number_field_a_rule_set_adds_is_checked_with_that_rule_set(tmp_path: Any) -> None:
    from slmvllm.advice.questions import parse_value

    from .test_change_search import RULES  # adds team_size, an integer

    rs = rule_set_from_text(tmp_path, RULES)
    assert parse_value(rs, "team_size", "12") == 12
