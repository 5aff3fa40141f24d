"""The search behind "what would change it", piece by piece, with answers worked out by hand.

`_beyond_swing` decides when the cost figures need not be worked out again for a probe;
`_nearest_in_region` and `_nearer` choose the value a change shows; `candidate_values`
lists the values tried. Each table row says why its answer is what it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from slmvllm.advice.engine import (
    _beyond_swing,
    _nearer,
    _nearest_in_region,
    candidate_values,
)
from slmvllm.requirements import Requirements

from .conftest import rule_set_from_text

# --------------------------------------------------------------------------- the figures' swing

# Options: a leads. Each swing entry is one figure rule's effect per option; `fired` says
# whether it fires now. A rule that fires could stop (taking its gain for the leader
# away); one that does not could start (adding its gain for the other option). The
# figures can be skipped only when the lead beats the worst case over every other option.
SWINGS = [
    # (name, scores, ranked, swing, fired, expected)
    ("no swing known: never skipped", {"a": 9, "b": 0}, ["a", "b"], None, [True], False),
    ("nothing ranked: never skipped", {}, [], [{"a": 1, "b": 0}], [True], False),
    (
        "lead 3 over a fired gain of 2",
        {"a": 3, "b": 0},
        ["a", "b"],
        [{"a": 2, "b": 0}],
        [True],
        True,
    ),
    (
        "lead 2 equals the gain: not beyond",
        {"a": 2, "b": 0},
        ["a", "b"],
        [{"a": 2, "b": 0}],
        [True],
        False,
    ),
    (
        "lead 3 over an unfired rule giving b 2",
        {"a": 3, "b": 0},
        ["a", "b"],
        [{"a": 0, "b": 2}],
        [False],
        True,
    ),
    (
        "lead 1 under an unfired rule giving b 2",
        {"a": 1, "b": 0},
        ["a", "b"],
        [{"a": 0, "b": 2}],
        [False],
        False,
    ),
    # a fired rule that favours b: stopping it only helps a, so it takes nothing away
    (
        "a fired rule for b cannot hurt a",
        {"a": 0.5, "b": 0},
        ["a", "b"],
        [{"a": 0, "b": 2}],
        [True],
        True,
    ),
    # an unfired rule that favours a: starting it only helps a
    (
        "an unfired rule for a cannot hurt a",
        {"a": 0.5, "b": 0},
        ["a", "b"],
        [{"a": 0.5, "b": 0}],
        [False],
        True,
    ),
    # fired, gain 0.5 for a: worst 0.5 < lead 0.75
    ("a gain below one point", {"a": 0.75, "b": 0}, ["a", "b"], [{"a": 0.5, "b": 0}], [True], True),
    # equal effects on both: the rule cannot change their order
    ("equal effects move nothing", {"a": 1, "b": 0}, ["a", "b"], [{"a": 2, "b": 2}], [True], True),
    ("no figure rules: any lead is beyond", {"a": 0.5, "b": 0}, ["a", "b"], [], [], True),
    # the runner-up is within reach though the third is not
    (
        "every other option is checked, the runner-up first",
        {"a": 3, "b": 2, "c": -10},
        ["a", "b", "c"],
        [{"a": 2, "b": 0, "c": 0}],
        [True],
        False,
    ),
    (
        "a lead well over the swing",
        {"a": 3, "b": 0},
        ["a", "b"],
        [{"a": 1.999, "b": 0}],
        [True],
        True,
    ),
    # a lead of 1e-9 or less is float noise, a tie: never beyond, even with no swing at all
    ("a lead of 1e-9 is a tie", {"a": 1e-9, "b": 0}, ["a", "b"], [{"a": 0, "b": 0}], [True], False),
    ("a lead of 2e-9 is not", {"a": 2e-9, "b": 0}, ["a", "b"], [{"a": 0, "b": 0}], [True], True),
]


@pytest.mark.parametrize(
    ("scores", "ranked", "swing", "fired", "expected"),
    [row[1:] for row in SWINGS],
    ids=[row[0] for row in SWINGS],
)
def test_figures_are_skipped_only_when_no_figure_rule_could_overtake(
    scores: dict[str, float],
    ranked: list[str],
    swing: list[dict[str, float]] | None,
    fired: list[bool],
    expected: bool,
) -> None:
    by_figure = tuple(range(len(fired)))
    assert _beyond_swing(scores, ranked, swing, fired, by_figure) is expected


def test_a_swing_that_does_not_match_the_figure_rules_is_an_error() -> None:
    # One figure rule but no effects for it: a bug in the caller, not a skip.
    with pytest.raises(ValueError):
        _beyond_swing({"a": 9, "b": 0}, ["a", "b"], [], [True], (0,))


# --------------------------------------------------------------------------- the value shown

NEARER = [
    # (candidate, incumbent, now, cuts, candidate is nearer)
    ("chat", 5, None, [], False),  # enum values: the first found stays
    (5, "chat", None, [], False),
    (1500, 1499, None, [1500.0], True),  # now unknown: a threshold itself first
    (1499, 1500, None, [1500.0], False),
    (1499, 1499, None, [1500.0], False),  # the same value is not nearer
    (10, 20, None, [], True),  # neither a threshold: the smaller
    (20, 10, None, [], False),
    (8, 13, 10, [], True),  # now known: the closer, 2 against 3
    (12, 8, 10, [], False),  # 2 against 2: not nearer, the first stays
]


@pytest.mark.parametrize(("candidate", "incumbent", "now", "cuts", "nearer"), NEARER)
def test_the_value_shown_is_the_nearest_then_a_threshold_then_the_smaller(
    candidate: Any, incumbent: Any, now: Any, cuts: list[float], nearer: bool
) -> None:
    assert _nearer(candidate, incumbent, now, cuts) is nearer


REGIONS = [
    # (field, candidate, cuts, now, shown)
    # monthly_requests: an integer >= 0
    ("monthly_requests", 15, [10.0, 20.0], 5, 11),  # now below: the region's lowest, 10 + 1
    ("monthly_requests", 15, [10.0, 20.0], 30, 19),  # now above: its highest, 20 - 1
    ("monthly_requests", 15, [10.0, 20.0], 15, 11),  # now the candidate itself: the lowest
    ("monthly_requests", 15, [10.0, 20.0], None, 11),  # now unknown: the lowest
    ("monthly_requests", 5, [10.0, 20.0], None, 9),  # below every threshold: just under it
    ("monthly_requests", 25, [10.0, 20.0], 5, 21),  # above every threshold: just over it
    ("monthly_requests", 10, [10.0, 20.0], 5, 10),  # a threshold itself: as it is
    ("monthly_requests", 15, [], 5, 15),  # no thresholds: as it is
    ("monthly_requests", "x", [10.0], 5, "x"),  # not a number: as it is
    # weeks_to_launch: a number > 0. Steps are whole units; a step that would land on a
    # threshold (or past it) is not taken.
    ("weeks_to_launch", 10.5, [10.0, 11.0], 20, 10.5),  # 11 - 1 = 10 is a threshold
    ("weeks_to_launch", 10.5, [10.0, 11.0], 5, 10.5),  # 10 + 1 = 11 is a threshold
    ("weeks_to_launch", 0.5, [1.0], None, 0.5),  # 1 - 1 = 0 is not a valid value
    ("weeks_to_launch", 0.75, [1.5], None, 0.5),  # 1.5 - 1 = 0.5: valid, and a float
    # budget_usd_per_month: a number >= 0; 1 - 1 = 0 is valid
    ("budget_usd_per_month", 0.5, [1.0], None, 0.0),
]


@pytest.mark.parametrize(("name", "candidate", "cuts", "now", "shown"), REGIONS)
def test_a_change_is_shown_at_the_edge_of_its_region_nearest_now(
    name: str, candidate: Any, cuts: list[float], now: Any, shown: Any
) -> None:
    found = _nearest_in_region(candidate, cuts, now, name, Requirements)
    assert found == shown
    assert type(found) is type(shown)


def test_a_field_a_rule_set_adds_is_shown_at_its_edge_too(tmp_path: Path) -> None:
    model = rule_set_from_text(tmp_path, RULES).requirements_model()
    assert _nearest_in_region(15, [10.0, 20.0], 5, "team_size", model) == 11


# --------------------------------------------------------------------------- the values tried

RULES = """\
name: probes
version: "1.0"
description: fields with thresholds near their bounds (tests/test_change_search.py)
references:
  paper: {title: "A paper", url: "https://example.org/paper"}
options:
  llm: {label: LLM, description: large}
  slm: {label: SLM, description: small}
  hybrid: {label: Hybrid, description: both}
criteria:
  cost: {meaning: money, weight: 1}
questions:
  - field: team_size
    adds_field: true
    prompt: How many engineers?
    help: a whole number
    type: integer
    assumption: the team rule does not apply
rules:
  - id: fast
    summary: a tight latency budget
    sources: [{ref: paper}]
    when: {field: latency_p95_ms, lte: 1}
    points: {slm: {cost: 1}}
  - id: big-team
    summary: a big team
    sources: [{ref: paper}]
    when: {field: team_size, gte: 10}
    points: {llm: {cost: 1}}
"""


def test_values_tried_are_valid_for_the_field_and_include_added_fields(tmp_path: Path) -> None:
    probes = candidate_values(rule_set_from_text(tmp_path, RULES))
    # latency_p95_ms must be > 0: of 0, 1 and 2 around the threshold 1, 0 is left out.
    assert probes["latency_p95_ms"] == ([1, 2], [1.0])
    # A field the rule set adds is tried like any other: 9, 10 and 11 around 10.
    assert probes["team_size"] == ([9, 10, 11], [10.0])
    assert set(probes) == {"latency_p95_ms", "team_size"}
