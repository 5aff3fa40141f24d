"""The advantages-and-limitations chart (`slmvllm compare`), counted by hand on a small rule set.

Weights: cost 2, quality 1, speed 0.5. Each rule's effect on an option is its points
times those weights, summed; the expected charts below are worked out from the comments.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.advice.tally import OptionTally, TallyItem, tally

from .conftest import rule_set_from_text

RULES = """\
name: chart-by-hand
version: "1.0"
description: the chart of tests/test_tally.py
references:
  paper: {title: "A paper", url: "https://example.org/paper"}
options:
  llm: {label: LLM, description: large}
  slm: {label: SLM, description: small}
  hybrid: {label: Hybrid, description: both}
criteria:
  cost: {meaning: money, weight: 2}
  quality: {meaning: right answers, weight: 1}
  speed: {meaning: latency, weight: 0.5}
questions: []
rules:
  - id: chat-only           # a condition, listed first: slm 1 x 2 = +2
    summary: chat is cheap on a small model
    sources: [{ref: paper}]
    when: {field: task_type, is: chat}
    points: {slm: {cost: 1}}
  - id: cheap               # slm 2 x 2 = +4; llm -1 x 2 = -2
    summary: small is cheap
    sources: [{ref: paper}]
    points: {slm: {cost: 2}, llm: {cost: -1}}
  - id: balanced            # hybrid 1 x 2 - 2 x 1 = 0: neither an advantage nor a limitation
    summary: a wash
    sources: [{ref: paper}]
    points: {hybrid: {cost: 1, quality: -2}}
  - id: quick               # llm 1 x 0.5 = +0.5 (below 1); slm -1 x 0.5 = -0.5
    summary: a little faster
    sources: [{ref: paper}]
    points: {llm: {speed: 1}, slm: {speed: -1}}
  - id: no-device           # a condition: llm out
    summary: nothing large on a phone
    sources: [{ref: paper}]
    when: {field: hosting, is: on_device}
    exclude: [llm]
    reason: no large model on a phone
  - id: private             # on premises: hybrid out
    summary: one path only
    sources: [{ref: paper}]
    when: {field: hosting, is: on_prem}
    exclude: [hybrid]
    reason: data must stay on one path
"""

CHAT = "task_type is chat"
DEVICE = "hosting is on_device"
ON_PREM = "hosting is on_prem"


@pytest.fixture(scope="module")
def chart_rules(tmp_path_factory: pytest.TempPathFactory) -> RuleSet:
    return rule_set_from_text(tmp_path_factory.mktemp("rules"), RULES)


def test_the_whole_chart_by_hand(chart_rules: RuleSet) -> None:
    assert tally(chart_rules) == [
        OptionTally(
            "llm",
            "LLM",
            advantages=[TallyItem("quick", "a little faster", 0.5, None)],
            limitations=[
                TallyItem("cheap", "small is cheap", -2.0, None),
                # an exclusion is a limitation of no weight, after the general ones
                TallyItem(
                    "no-device", "ruled out: no large model on a phone", 0.0, DEVICE, excludes=True
                ),
            ],
        ),
        OptionTally(
            "slm",
            "SLM",
            # general first (largest first), then the conditional one
            advantages=[
                TallyItem("cheap", "small is cheap", 4.0, None),
                TallyItem("chat-only", "chat is cheap on a small model", 2.0, CHAT),
            ],
            limitations=[TallyItem("quick", "a little faster", -0.5, None)],
        ),
        OptionTally(
            "hybrid",
            "Hybrid",
            advantages=[],  # `balanced` nets 0: on neither side
            limitations=[
                TallyItem(
                    "private", "ruled out: data must stay on one path", 0.0, ON_PREM, excludes=True
                )
            ],
        ),
    ]


def test_general_only_skips_each_conditional_rule_and_keeps_the_rest(
    chart_rules: RuleSet,
) -> None:
    # The first rule has a condition: it is skipped, and every rule after it still counts.
    chart = {t.option: t for t in tally(chart_rules, general_only=True)}
    assert [i.rule for i in chart["slm"].advantages] == ["cheap"]
    assert [i.rule for i in chart["slm"].limitations] == ["quick"]
    assert [i.rule for i in chart["llm"].advantages] == ["quick"]
    assert [i.rule for i in chart["llm"].limitations] == ["cheap"]  # no-device skipped
    assert chart["hybrid"].limitations == []  # an exclusion always has a condition


@pytest.mark.parametrize(
    ("points", "side"),
    [
        # (points on slm, where the rule lands) at, just below and just above 0
        ({"cost": 1, "quality": -2}, None),  # 2 - 2 = 0
        ({"speed": 1}, "advantages"),  # +0.5
        ({"speed": -1}, "limitations"),  # -0.5
        ({"cost": 1, "quality": -1}, "advantages"),  # 2 - 1 = +1
        ({"cost": -1, "quality": 1}, "limitations"),  # -2 + 1 = -1
    ],
)
def test_a_rule_is_an_advantage_above_zero_and_a_limitation_below(
    tmp_path: Path, points: dict[str, int], side: str | None
) -> None:
    rules = RULES.split("rules:\n")[0] + (
        "rules:\n  - id: one\n    summary: one rule\n    sources: [{ref: paper}]\n"
        f"    points: {{slm: {points}}}\n".replace("'", "")
    )
    slm = {t.option: t for t in tally(rule_set_from_text(tmp_path, rules))}["slm"]
    assert [i.rule for i in slm.advantages] == (["one"] if side == "advantages" else [])
    assert [i.rule for i in slm.limitations] == (["one"] if side == "limitations" else [])
