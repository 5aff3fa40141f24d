"""The adaptive questionnaire: the bound on what open questions can change, and the corpus proof."""

from __future__ import annotations

from itertools import product
from pathlib import Path
from typing import Any

import pytest

from slmvllm.advice.engine import defaults, score, weights
from slmvllm.advice.questions import answers_yaml
from slmvllm.advice.relevance import domain, outlook
from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.advice.rule_sets import load_rule_set
from slmvllm.advice.use_cases import requirements_for
from slmvllm.advisor import CatalogFigures, advise, default_catalog
from slmvllm.loading.labels import load_labels
from slmvllm.loading.reading import read_source
from slmvllm.loading.yaml_parsing import parse_yaml

from .conftest import EXAMPLES, ROOT, rule_set_from_text
from .questionnaire_replay import replay

# --------------------------------------------------------------------------- the proof

ACME = EXAMPLES / "rules" / "acme-platform.yaml"


def _corpus() -> list[Any]:
    # Read when the tests are collected: cases added later are proved too.
    cases = load_labels([ROOT / "benchmarks" / "decisions", EXAMPLES / "cases"])
    out = [pytest.param(None, c.requirements_file, id=c.label.id) for c in cases]
    out += [pytest.param(None, str(p), id=p.name) for p in sorted(EXAMPLES.glob("*.yaml"))]
    out += [
        pytest.param(ACME, str(p), id=f"acme-{p.name}")
        for p in sorted((EXAMPLES / "rules" / "use-cases").glob("*.yaml"))
    ]
    return out


@pytest.mark.parametrize(("rules", "path"), _corpus())
def test_the_adaptive_questionnaire_ends_where_the_file_does(rules: Path | None, path: str) -> None:
    rs = load_rule_set(rules).rule_set
    catalog = default_catalog()
    requirements = requirements_for(rs, parse_yaml(read_source(Path(path))))
    full = advise(requirements, rs, catalog)
    played = replay(rs, requirements.given(), CatalogFigures(catalog))
    answered = rs.requirements_model().model_validate(played.answers.values)
    assert advise(answered, rs, catalog).recommendation == full.recommendation, played.transcript


# --------------------------------------------------------------------------- the bound

SMALL = """
name: small
version: "1"
description: a rule set small enough to try every answer
references: {r: {title: T}}
options:
  slm: {label: S, description: s}
  llm: {label: L, description: l}
  hybrid: {label: H, description: h}
criteria:
  cost: {meaning: c, weight: 3}
  quality: {meaning: q, weight: 3}
rules:
  - id: base
    summary: llm leads by default
    sources: [{ref: r}]
    points: {llm: {quality: 1}}
  - id: narrow-and-data
    summary: both fields needed
    sources: [{ref: r}]
    when: {all: [{field: domain_focus, is: narrow}, {not: {field: labelled_examples, lt: 100}}]}
    points: {slm: {cost: 2}}
  - id: either
    summary: any of two
    sources: [{ref: r}]
    when: {any: [{field: task_breadth, is: single}, {field: latency_p95_ms, lt: 300}]}
    points: {hybrid: {cost: 1, quality: 1}}
  - id: device
    summary: on device rules the others out
    sources: [{ref: r}]
    when: {field: hosting, is: on_device}
    exclude: [llm, hybrid]
    reason: nothing else runs there
questions:
  - {field: use_case, prompt: p, help: h, type: text, assumption: a}
  - {field: domain_focus, prompt: p, help: h, type: enum, choices: [narrow, moderate, broad],
     default: moderate, assumption: a}
  - {field: task_breadth, prompt: p, help: h, type: enum, choices: [single, few, open_ended],
     default: few, assumption: a}
  - {field: labelled_examples, prompt: p, help: h, type: integer, assumption: a}
  - {field: latency_p95_ms, prompt: p, help: h, type: integer, assumption: a}
  - {field: hosting, prompt: p, help: h, type: enum, choices: [any, on_device], default: any,
     assumption: a}
  - {field: priorities, prompt: p, help: h, type: priorities, assumption: a}
"""


def _brute_force(rs: RuleSet, answers: dict[str, Any], kept: set[str]) -> bool:
    """Whether every combination of the open fields' values gives the same leader."""
    weight = weights(rs, None)
    open_fields = [
        q.field
        for q in rs.questions
        if q.field not in answers
        and q.field not in kept
        and q.field not in ("use_case", "priorities")
    ]
    base = defaults(rs) | answers
    leaders = set()
    for combo in product(*(domain(rs, f) for f in open_fields)):
        leaders.add(
            score(rs, base | dict(zip(open_fields, combo, strict=True)), weight).recommendation
        )
    return len(leaders) == 1


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"hosting": "on_device"},
        {"domain_focus": "narrow"},
        {"domain_focus": "narrow", "labelled_examples": 500},
        {"domain_focus": "broad"},
        {"domain_focus": "broad", "task_breadth": "single"},
        {"domain_focus": "broad", "task_breadth": "few", "latency_p95_ms": 1000},
        {"domain_focus": "narrow", "labelled_examples": 50, "hosting": "any"},
        {"hosting": "any", "task_breadth": "single", "latency_p95_ms": 100},
    ],
)
def test_the_bound_is_exact_on_a_small_rule_set(tmp_path: Path, answers: dict[str, Any]) -> None:
    rs = rule_set_from_text(tmp_path, SMALL)
    view = outlook(rs, answers, {"use_case"})
    assert view.settled == _brute_force(rs, answers, {"use_case"})


def test_a_device_only_case_is_settled_at_once(rule_set: RuleSet) -> None:
    view = outlook(rule_set, {"hosting": "on_device"}, (), CatalogFigures(default_catalog()))
    assert (view.leader, view.settled, view.deciding) == ("slm", True, ())
    assert view.confidence == 0.95  # the ceiling: never 1.00
    assert "gpu_memory_gb" not in view.open_fields  # its ask_if can no longer hold


def test_nothing_answered_leaves_the_most_decisive_question_first(rule_set: RuleSet) -> None:
    view = outlook(rule_set, {}, (), CatalogFigures(default_catalog()))
    assert not view.settled
    assert view.deciding[0] == "hosting"  # on_device rules two options out: the largest swing
    assert "input_tokens" in view.deciding  # read by the cost figures, asked once a volume is


def test_a_kept_default_is_answered(rule_set: RuleSet) -> None:
    view = outlook(rule_set, {}, {"hosting"}, CatalogFigures(default_catalog()))
    assert "hosting" not in view.open_fields


def test_priorities_set_after_the_stop_are_checked_again(tmp_path: Path) -> None:
    rs = rule_set_from_text(tmp_path, SMALL)
    # At the default weights slm leads once its two conditions hold (hybrid can at most
    # tie, and a tie goes to slm, listed first); with quality at 5 the breadth decides.
    given = {
        "domain_focus": "narrow",
        "labelled_examples": 500,
        "task_breadth": "single",
        "priorities": {"quality": 5},
    }
    played = replay(rs, given, None)
    assert "Priorities" in played.transcript
    assert played.asked.index("task_breadth") > played.asked.index("labelled_examples")
    answered = rs.requirements_model().model_validate(played.answers.values)
    from slmvllm.advice.engine import advice_for

    assert advice_for(rs, answered).recommendation == "hybrid"
    assert advice_for(rs, rs.requirements_model().model_validate(given)).recommendation == "hybrid"


# --------------------------------------------------------------------------- the terminal path


def test_a_stop_says_how_many_were_skipped_and_saves_them_by_name(rule_set: RuleSet) -> None:
    played = replay(rule_set, {"use_case": "x", "hosting": "on_device"}, None)
    assert played.asked == ["use_case", "hosting"]
    text = played.transcript
    assert "leading: slm (confidence 0.95); 0 remaining questions could still change it" in text
    skipped = played.answers.skipped
    assert "task_type" in skipped and "gpu_memory_gb" not in skipped
    assert (
        f"No remaining answer can change this: {len(skipped)} questions skipped "
        "(`--all-questions` asks them)" in text
    )
    saved = answers_yaml(rule_set, played.answers.values, skipped=skipped)
    assert "# Not asked (no answer to them could change the recommendation" in saved
    assert "task_type" in saved.split("use_case:")[0]


def test_a_files_answers_are_not_asked_again(rule_set: RuleSet) -> None:
    given = {"use_case": "x", "hosting": "on_device"}
    played = replay(rule_set, given, None, start=given)
    assert played.asked == []


def test_help_text_wraps_at_word_boundaries(rule_set: RuleSet) -> None:
    played = replay(rule_set, {"use_case": "x", "hosting": "on_device"}, None)
    help_text = " ".join(next(q.help for q in rule_set.questions if q.field == "hosting").split())
    assert len(help_text) > 100  # longer than the console: it must wrap
    lines = played.transcript.splitlines()
    assert all(len(line) <= 100 for line in lines)
    # A word split at the edge would read "wo rd" once the lines are joined again.
    assert help_text in " ".join(line.strip() for line in lines)
