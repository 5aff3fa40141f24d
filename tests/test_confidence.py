"""Confidence and its evidence, worked out by hand on a three-rule rule set.

The engine reports, for the winner against the runner-up, the evidence *for* the winner
(the sum of the positive gaps `effect on winner - effect on runner-up` over the fired
rules) and *against* it (the negative gaps, as a positive sum): `confidence_basis` in
the result and `engine.confidence()`. The sums below are worked out by hand.

How the sums become the reported confidence is in ONE place, `expected_confidence`:
today the share for / (for + against). When confidence becomes a calibrated
probability of the score margin, change that function (and only it); the evidence
tables stay as they are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from slmvllm.advice.engine import (
    MAX_CONFIDENCE,
    advice_for,
    confidence,
    resolve,
    score,
    weights,
)
from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.advice.rule_sets import load_rule_set
from slmvllm.requirements import Requirements

from .conftest import rule_set_from_text

# Criteria weights: cost 2, quality 1. Options listed llm, slm, hybrid (ties go to llm).
RULES = """\
name: by-hand
version: "1.0"
description: three rules whose arithmetic is done by hand in tests/test_confidence.py
references:
  paper: {title: "A paper", url: "https://example.org/paper"}
options:
  llm: {label: LLM, description: large}
  slm: {label: SLM, description: small}
  hybrid: {label: Hybrid, description: both}
criteria:
  cost: {meaning: money, weight: 2}
  quality: {meaning: right answers, weight: 1}
questions: []
rules:
  - id: small-is-cheap          # always: slm 2 x cost 2 = +4
    summary: small is cheap
    sources: [{ref: paper}]
    points: {slm: {cost: 2}}
  - id: large-is-good           # always: llm 3 x quality 1 = +3
    summary: large is good
    sources: [{ref: paper}]
    points: {llm: {quality: 3}}
  - id: chat-needs-breadth      # chat: llm 2 x quality 1 = +2, hybrid 1 x cost 2 = +2
    summary: chat needs breadth
    sources: [{ref: paper}]
    when: {field: task_type, is: chat}
    points: {llm: {quality: 2}, hybrid: {cost: 1}}
  - id: on-device-is-small      # on device: only slm is left
    summary: on device only a small model runs
    sources: [{ref: paper}]
    when: {field: hosting, is: on_device}
    exclude: [llm, hybrid]
    reason: no large model on a phone
"""


def expected_confidence(favour: float, against: float, one_option: bool = False) -> float:
    """The reported confidence for these evidence sums: today the share that favours the
    winner, 0.5 when nothing separates winner and runner-up, the ceiling (0.95) when one
    option is left; never more than the ceiling (issue 16: never 1.00).
    """
    if one_option:
        return MAX_CONFIDENCE
    if favour + against == 0:
        return 0.5
    return min(favour / (favour + against), MAX_CONFIDENCE)


@pytest.fixture(scope="module")
def by_hand(tmp_path_factory: pytest.TempPathFactory) -> RuleSet:
    return rule_set_from_text(tmp_path_factory.mktemp("rules"), RULES)


CASES = [
    # (fields, winner, runner-up, scores llm/slm/hybrid, evidence for, against)
    # Code: llm 3, slm 4, hybrid 0 -> slm over llm. Gaps slm - llm: small-is-cheap 4 - 0
    # = +4, large-is-good 0 - 3 = -3. For 4, against 3: 4 / 7 = 0.5714.
    ({"task_type": "code"}, "slm", "llm", (3.0, 4.0, 0.0), 4.0, 3.0),
    # Chat: llm 3 + 2 = 5, slm 4, hybrid 2 -> llm over slm. Gaps llm - slm: -4, +3, +2.
    # For 5, against 4: 5 / 9 = 0.5556.
    ({"task_type": "chat"}, "llm", "slm", (5.0, 4.0, 2.0), 5.0, 4.0),
    # A tie by priorities (cost 3, quality 2): slm 2 x 3 = 6, llm 3 x 2 = 6; llm is listed
    # first, so llm wins; gaps llm - slm: -6, +6 -> for 6, against 6: 0.5.
    (
        {"task_type": "code", "priorities": {"cost": 3, "quality": 2}},
        "llm",
        "slm",
        (6.0, 6.0, 0.0),
        6.0,
        6.0,
    ),
    # Nothing weighs (cost 0, quality 0): every score 0, no gap: 0.5 (listed first wins).
    ({"priorities": {"cost": 0, "quality": 0}}, "llm", "slm", (0.0, 0.0, 0.0), 0.0, 0.0),
    # Quality only (cost 0): llm 3, slm 0, hybrid 0 -> for 3, against 0: 1.0.
    ({"task_type": "code", "priorities": {"cost": 0}}, "llm", "slm", (3.0, 0.0, 0.0), 3.0, 0.0),
    # Chat with cost 0: llm 5, hybrid 0, slm 0; runner-up slm (listed before hybrid):
    # gaps llm - slm: 0, +3, +2 -> for 5, against 0: 1.0.
    ({"task_type": "chat", "priorities": {"cost": 0}}, "llm", "slm", (5.0, 0.0, 0.0), 5.0, 0.0),
]


@pytest.mark.parametrize(("fields", "winner", "second", "scores", "favour", "against"), CASES)
def test_evidence_for_and_against_by_hand(
    by_hand: RuleSet,
    fields: dict[str, Any],
    winner: str,
    second: str,
    scores: tuple[float, float, float],
    favour: float,
    against: float,
) -> None:
    req = Requirements.model_validate(fields)
    advice = advice_for(by_hand, req)
    assert advice.recommendation == winner
    assert (advice.scores["llm"], advice.scores["slm"], advice.scores["hybrid"]) == scores
    basis = advice.confidence_basis
    assert {k: basis[k] for k in ("runner_up", "evidence_for", "evidence_against")} == {
        "runner_up": second,
        "evidence_for": favour,
        "evidence_against": against,
    }
    # The margin: the winner's lead per unit of mean criterion weight, by hand from the
    # scores above and the weights (cost 2, quality 1, or the priorities given).
    given = {"cost": 2.0, "quality": 1.0, **(fields.get("priorities") or {})}
    mean = sum(given.values()) / 2
    by = dict(zip(("llm", "slm", "hybrid"), scores, strict=True))
    lead = (by[winner] - by[second]) / (mean or 1.0)
    assert basis["margin"] == pytest.approx(lead, abs=1e-4)
    assert basis["standing"] == ("tie" if lead == 0 else "close" if lead <= 1 else "clear")
    assert basis["method"] == "evidence-share"  # this rule set has no calibration
    values, _ = resolve(by_hand, req)
    scoring = score(by_hand, values, weights(by_hand, req.priorities))
    assert (scoring.recommendation, scoring.runner_up) == (winner, second)
    conf, got_for, got_against = confidence(scoring)
    assert (got_for, got_against) == (favour, against)
    # The share itself is not capped; the confidence reported is (never 1.00).
    assert conf == pytest.approx(favour / (favour + against) if favour + against else 0.5)
    assert advice.confidence == pytest.approx(expected_confidence(favour, against), abs=1e-4)


def test_the_confidence_of_a_tie_is_a_half_not_certainty(by_hand: RuleSet) -> None:
    tie = Requirements.model_validate({"priorities": {"cost": 3, "quality": 2}})
    assert advice_for(by_hand, tie).confidence == pytest.approx(expected_confidence(6, 6))
    assert expected_confidence(6, 6) == 0.5


def test_more_evidence_for_the_winner_means_more_confidence(by_hand: RuleSet) -> None:
    # Code: 4 for, 3 against. Quality weighed 0 removes the 3 against: 4 for, 0 against.
    mixed = advice_for(by_hand, Requirements.model_validate({"task_type": "code"}))
    clear = advice_for(
        by_hand, Requirements.model_validate({"task_type": "code", "priorities": {"quality": 0}})
    )
    assert (mixed.recommendation, clear.recommendation) == ("slm", "slm")
    assert clear.confidence_basis["evidence_against"] == 0.0
    assert clear.confidence > mixed.confidence


def test_one_option_left_is_certain(by_hand: RuleSet) -> None:
    # On device: llm and hybrid are excluded; slm is the only option: no runner-up.
    req = Requirements.model_validate({"hosting": "on_device", "task_type": "chat"})
    advice = advice_for(by_hand, req)
    assert advice.recommendation == "slm"
    assert {(e.option, e.rule) for e in advice.excluded} == {
        ("llm", "on-device-is-small"),
        ("hybrid", "on-device-is-small"),
    }
    basis = advice.confidence_basis
    assert basis["standing"] == "clear" and basis["margin"] == 0.0
    assert {k: basis[k] for k in ("runner_up", "evidence_for", "evidence_against")} == {
        "runner_up": "",
        "evidence_for": 0.0,
        "evidence_against": 0.0,
    }
    assert advice.confidence == expected_confidence(0, 0, one_option=True)


def test_reasons_carry_the_effects_and_say_what_was_assumed(by_hand: RuleSet) -> None:
    # Chat given, hosting not: the rule on hosting did not fire; the chat rule read only
    # task_type, which was given, so it assumed nothing.
    advice = advice_for(by_hand, Requirements.model_validate({"task_type": "chat"}))
    effects = {r.rule: r.effect for r in advice.reasons}
    assert effects == {
        "small-is-cheap": {"llm": 0.0, "slm": 4.0, "hybrid": 0.0},
        "large-is-good": {"llm": 3.0, "slm": 0.0, "hybrid": 0.0},
        "chat-needs-breadth": {"llm": 2.0, "slm": 0.0, "hybrid": 2.0},
    }
    assert {r.rule: r.assumed for r in advice.reasons}["chat-needs-breadth"] == []


def test_a_reason_names_the_inputs_it_assumed(tmp_path: Path) -> None:
    # A question with a default: a rule on that field fires on the default, and says so.
    text = RULES.replace(
        "questions: []",
        "questions:\n"
        "  - field: task_type\n"
        "    type: enum\n"
        "    choices: [chat, code]\n"
        "    prompt: main job\n"
        "    help: what it does\n"
        "    default: chat\n"
        "    assumption: most use cases are chat\n",
    )
    path = tmp_path / "with-default.yaml"
    path.write_text(text, encoding="utf-8")
    rs = load_rule_set(path).rule_set
    assumed = advice_for(rs, Requirements())
    given = advice_for(rs, Requirements.model_validate({"task_type": "chat"}))
    assert {r.rule: r.assumed for r in assumed.reasons}["chat-needs-breadth"] == ["task_type"]
    assert {r.rule: r.assumed for r in given.reasons}["chat-needs-breadth"] == []
    assert [a.field for a in assumed.assumptions if a.field == "task_type"] == ["task_type"]
    assert next(a for a in assumed.assumptions if a.field == "task_type").value == "chat"


VOLUME_RULES = (
    RULES
    + """\
  - id: big-volume-needs-a-router   # 1,000,000 requests or more: hybrid +10 x cost 2 = +20
    summary: at volume a router pays
    sources: [{ref: paper}]
    when: {field: monthly_requests, gte: 1000000}
    points: {hybrid: {cost: 10}}
  - id: tiny-volume-is-an-api       # under 500 requests: llm +10 x quality 1 = +10
    summary: at tiny volume an API pays
    sources: [{ref: paper}]
    when: {field: monthly_requests, lt: 500}
    points: {llm: {quality: 10}}
"""
)


@pytest.mark.parametrize(
    ("now", "hybrid_at", "llm_at"),
    [
        # Unknown volume: the value shown is the threshold a rule names (1,000,000), not
        # the smallest value that flips it; below 500, the nearest whole number, 499.
        (None, 1_000_000, 499),
        # Known volume 10,000: the nearest value on the other side of each threshold.
        (10_000, 1_000_000, 499),
        # Just below the upper threshold, just above the lower one: the same values.
        (999_999, 1_000_000, 499),
        (500, 1_000_000, 499),
    ],
)
def test_what_would_change_names_the_threshold(
    tmp_path: Path, now: int | None, hybrid_at: int, llm_at: int
) -> None:
    # Code: slm 4, llm 3, hybrid 0 -> slm. 1,000,000+ requests: hybrid 20 -> hybrid;
    # under 500: llm 13 -> llm.
    path = tmp_path / "volume.yaml"
    path.write_text(VOLUME_RULES, encoding="utf-8")
    rs = load_rule_set(path).rule_set
    fields: dict[str, Any] = {"task_type": "code"}
    if now is not None:
        fields["monthly_requests"] = now
    advice = advice_for(rs, Requirements.model_validate(fields))
    assert advice.recommendation == "slm"
    changes = {(c.field, c.recommendation): c.to for c in advice.what_would_change}
    assert changes[("monthly_requests", "hybrid")] == hybrid_at
    assert changes[("monthly_requests", "llm")] == llm_at


def test_a_calibrated_rule_set_reports_the_logistic_map_of_the_margin(
    tmp_path: Path,
) -> None:
    # The same rules with a calibration: confidence = 1 / (1 + exp(-(a + b x margin))).
    # Code: slm 4, llm 3; mean weight (2 + 1) / 2 = 1.5; margin (4 - 3) / 1.5 = 0.6667.
    # a = -0.5, b = 1.5: z = -0.5 + 1.0 = 0.5; 1 / (1 + e^-0.5) = 0.6225.
    path = tmp_path / "calibrated.yaml"
    path.write_text(
        RULES.replace(
            "questions: []\n",
            "questions: []\ncalibration: {method: logistic-margin, intercept: -0.5, slope: 1.5}\n",
        ),
        encoding="utf-8",
    )
    rs = load_rule_set(path).rule_set
    advice = advice_for(rs, Requirements.model_validate({"task_type": "code"}))
    assert advice.recommendation == "slm"
    assert advice.confidence == pytest.approx(0.6225, abs=1e-4)
    assert advice.confidence_basis["method"] == "logistic-margin"
    # A tie: margin 0, z = -0.5: 1 / (1 + e^0.5) = 0.3775, below a half (order decided).
    tie = Requirements.model_validate(
        {"task_type": "code", "priorities": {"cost": 3, "quality": 2}}
    )
    tied = advice_for(rs, tie)
    assert tied.confidence == pytest.approx(0.3775, abs=1e-4)
    assert tied.confidence_basis["standing"] == "tie"
    # One option left by the constraints: certain, whatever the map says.
    forced = advice_for(rs, Requirements.model_validate({"hosting": "on_device"}))
    assert forced.confidence == MAX_CONFIDENCE  # never 1.00, even with one option left


def test_confidence_of_a_scoring_by_hand() -> None:
    from slmvllm.advice.engine import Scoring
    from slmvllm.advice.rule_set_model import Rule

    rule = Rule.model_validate(
        {"id": "r", "summary": "r", "sources": [{"ref": "paper"}], "points": {"slm": {"cost": 1}}}
    )
    # nothing left to recommend: no confidence, no evidence
    assert confidence(Scoring()) == (0.0, 0.0, 0.0)
    # one option left: certain, though no rule separates it from another
    assert confidence(Scoring(recommendation="slm")) == (1.0, 0.0, 0.0)
    # gaps of +0.5 and -0.25 between winner and runner-up: for 0.5, against 0.25, 2/3
    fired = [(rule, {"slm": 0.5, "llm": 0.0}), (rule, {"slm": 0.0, "llm": 0.25})]
    scoring = Scoring(fired=fired, recommendation="slm", runner_up="llm")
    assert confidence(scoring) == (pytest.approx(2 / 3), 0.5, 0.25)


def test_reasons_carry_the_rules_points_and_fields_without_a_question_say_so(
    by_hand: RuleSet,
) -> None:
    advice = advice_for(by_hand, Requirements(task_type="chat"))
    points = {r.rule: r.points for r in advice.reasons}
    assert points == {
        "small-is-cheap": {"slm": {"cost": 2.0}},
        "large-is-good": {"llm": {"quality": 3.0}},
        "chat-needs-breadth": {"llm": {"quality": 2.0}, "hybrid": {"cost": 1.0}},
    }
    # This rule set asks no questions: a field not given has no default to assume.
    hosting = next(a for a in advice.assumptions if a.field == "hosting")
    assert (hosting.value, hosting.why) == (None, "not given; no default")


def test_the_evidence_is_reported_to_four_places(by_hand: RuleSet) -> None:
    # Not chat; quality weighs 0.25: llm gets 3 x 0.25 = 0.75, slm 2 x 2 = 4, hybrid 0.
    # Winner slm, runner-up llm: for 4, against 0.75, share 4 / 4.75.
    advice = advice_for(by_hand, Requirements(task_type="code", priorities={"quality": 0.25}))
    basis = advice.confidence_basis
    assert (basis["runner_up"], basis["evidence_for"], basis["evidence_against"]) == (
        "llm",
        4.0,
        0.75,
    )
    assert basis["evidence_share"] == round(4 / 4.75, 4) == 0.8421


@pytest.mark.parametrize(
    ("weight", "expected"),
    [
        # (criterion weights, margin of a 2-point lead): the lead over the mean weight
        ({"cost": 2.0, "quality": 2.0}, 1.0),  # mean 2
        ({"cost": 4.0, "quality": 0.0}, 1.0),  # mean 2
        ({"cost": 1.0}, 2.0),
        ({}, 2.0),  # no criteria: a mean of 1
        ({"cost": 0.0}, 2.0),  # every weight zero: divided by 1, not by zero
    ],
)
def test_margin_is_the_lead_over_the_mean_weight(weight: dict[str, float], expected: float) -> None:
    from slmvllm.advice.engine import Scoring, margin

    scoring = Scoring(scores={"slm": 3.0, "llm": 1.0}, recommendation="slm", runner_up="llm")
    assert margin(scoring, weight) == expected
    assert margin(Scoring(scores={"slm": 3.0}, recommendation="slm"), weight) is None


def test_an_option_no_rule_touches_scores_a_float_zero(by_hand: RuleSet) -> None:
    # Not chat: no rule gives hybrid anything. Its score is 0.0, a number like the others
    # (JSON 0.0), not the integer 0.
    advice = advice_for(by_hand, Requirements(task_type="code"))
    assert advice.scores["hybrid"] == 0.0 and type(advice.scores["hybrid"]) is float
    assert '"hybrid":0.0' in advice.model_dump_json()


def test_with_two_options_left_the_other_is_the_runner_up(by_hand: RuleSet) -> None:
    # On a device, exclude only hybrid (widened after loading): llm and slm are left, and
    # slm (+4) leads llm (+3) with llm as the runner-up: for 4, against 3.
    device = next(r for r in by_hand.rules if r.id == "on-device-is-small")
    narrow = device.model_copy(update={"exclude": ["hybrid"]})
    rs = by_hand.model_copy(
        update={"rules": [r if r.id != device.id else narrow for r in by_hand.rules]}
    )
    advice = advice_for(rs, Requirements(task_type="code", hosting="on_device"))
    basis = advice.confidence_basis
    assert (advice.recommendation, basis["runner_up"]) == ("slm", "llm")
    assert (basis["evidence_for"], basis["evidence_against"]) == (4.0, 3.0)


def test_a_compiled_rule_set_is_never_served_for_another(by_hand: RuleSet) -> None:
    # The compiled forms are kept by id(); a stale entry under this rule set's id (an
    # id Python reused) must be recompiled, not served.
    from slmvllm.advice import engine

    other = by_hand.model_copy(update={"rules": by_hand.rules[:1]})
    stale = engine._compiled(other)
    engine._COMPILED[id(by_hand)] = stale
    try:
        assert engine._compiled(by_hand).rule_set is by_hand
        assert len(engine._compiled(by_hand).tests) == len(by_hand.rules)
    finally:
        engine._COMPILED.pop(id(by_hand), None)
