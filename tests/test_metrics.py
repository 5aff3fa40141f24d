"""The evaluation metrics and rules of thumb, as tables worked out by hand."""

from __future__ import annotations

from typing import Any

import pytest

from slmvllm.evaluation.baselines import BASELINES
from slmvllm.evaluation.metrics import (
    BIN_EDGES,
    Outcome,
    Share,
    accuracy,
    bin_index,
    confusion_matrix,
    expected_calibration_error,
    high_confidence,
    precision_recall,
    reliability_table,
    summarize,
)

OPTIONS = ("llm", "slm", "hybrid")  # the default rule set's order: rows and columns

# Eight outcomes (expected, advised, confidence); five are right.
EIGHT = [
    Outcome("slm", "slm", 0.95),
    Outcome("slm", "slm", 0.85),
    Outcome("slm", "hybrid", 0.55),
    Outcome("llm", "llm", 0.75),
    Outcome("llm", "slm", 0.65),
    Outcome("hybrid", "hybrid", 0.58),
    Outcome("hybrid", "llm", 0.52),
    Outcome("hybrid", "hybrid", 1.0),
]

# (name, outcomes, confusion rows llm/slm/hybrid over columns llm/slm/hybrid,
#  precision per option, recall per option)
CONFUSION = [
    (
        # llm row: llm->llm 1, llm->slm 1. slm row: slm->slm 2, slm->hybrid 1.
        # hybrid row: hybrid->llm 1, hybrid->hybrid 2.
        # precision = diagonal / column: llm 1/(1+0+1), slm 2/(1+2+0), hybrid 2/(0+1+2)
        # recall = diagonal / row:       llm 1/(1+1),   slm 2/(2+1),   hybrid 2/(1+2)
        "eight",
        EIGHT,
        [[1, 1, 0], [0, 2, 1], [1, 0, 2]],
        {"llm": 1 / 2, "slm": 2 / 3, "hybrid": 2 / 3},
        {"llm": 1 / 2, "slm": 2 / 3, "hybrid": 2 / 3},
    ),
    (
        # Always advising slm: slm's column holds every case. precision slm = 2/5
        # (2 of the 5 advised were slm cases); llm and hybrid were never advised: no
        # precision (None, not 0). Recall: slm 2/2, llm 0/2, hybrid 0/1.
        "always slm",
        [Outcome(e, "slm") for e in ("slm", "slm", "llm", "llm", "hybrid")],
        [[0, 2, 0], [0, 2, 0], [0, 1, 0]],
        {"llm": None, "slm": 2 / 5, "hybrid": None},
        {"llm": 0.0, "slm": 1.0, "hybrid": 0.0},
    ),
    (
        # No hybrid case at all: hybrid's recall has no denominator (None); one llm case
        # advised hybrid gives hybrid precision 0/1 and llm recall 1/2.
        "no hybrid expected",
        [Outcome("llm", "llm"), Outcome("llm", "hybrid"), Outcome("slm", "slm")],
        [[1, 0, 1], [0, 1, 0], [0, 0, 0]],
        {"llm": 1.0, "slm": 1.0, "hybrid": 0.0},
        {"llm": 1 / 2, "slm": 1.0, "hybrid": None},
    ),
    (
        "nothing",
        [],
        [[0, 0, 0], [0, 0, 0], [0, 0, 0]],
        dict.fromkeys(OPTIONS),
        dict.fromkeys(OPTIONS),
    ),
]


@pytest.mark.parametrize(
    ("outcomes", "rows", "precision", "recall"),
    [c[1:] for c in CONFUSION],
    ids=[c[0] for c in CONFUSION],
)
def test_confusion_precision_recall(
    outcomes: list[Outcome],
    rows: list[list[int]],
    precision: dict[str, float | None],
    recall: dict[str, float | None],
) -> None:
    matrix = confusion_matrix(outcomes, OPTIONS)
    assert [[matrix[r][c] for c in OPTIONS] for r in OPTIONS] == rows
    scores = {s.option: s for s in precision_recall(matrix)}
    assert list(scores) == list(OPTIONS)
    for option in OPTIONS:
        assert scores[option].precision == pytest.approx(precision[option])
        assert scores[option].recall == pytest.approx(recall[option])
        assert scores[option].support == sum(rows[OPTIONS.index(option)])
        assert scores[option].predicted == sum(row[OPTIONS.index(option)] for row in rows)


def test_an_unknown_option_is_an_error_not_a_lost_case() -> None:
    with pytest.raises(ValueError, match="unknown option"):
        confusion_matrix([Outcome("slm", "medium")], OPTIONS)


@pytest.mark.parametrize(
    ("confidence", "index"),
    [
        (0.0, 0),
        (0.49, 0),
        (0.5, 1),
        (0.59999, 1),
        (0.6, 2),
        (0.7, 3),
        (0.8999, 4),
        (0.9, 5),
        (1.0, 5),
    ],
)
def test_bins_are_closed_below_and_the_last_also_above(confidence: float, index: int) -> None:
    assert bin_index(confidence, BIN_EDGES) == index


@pytest.mark.parametrize("confidence", [-0.01, 1.01])
def test_a_confidence_outside_the_bins_is_an_error(confidence: float) -> None:
    with pytest.raises(ValueError, match="outside"):
        bin_index(confidence)


def test_bin_edges_must_rise() -> None:
    with pytest.raises(ValueError, match="must rise"):
        reliability_table(EIGHT, (0.0, 0.5, 0.5, 1.0))


# (name, outcomes, rows of (cases, mean confidence, share right) per bin of BIN_EDGES, ECE)
RELIABILITY = [
    (
        # [0.5,0.6): 0.55 wrong, 0.58 right, 0.52 wrong -> mean 1.65/3 = 0.55, right 1/3
        # [0.6,0.7): 0.65 wrong -> 0.65, 0;  [0.7,0.8): 0.75 right -> 0.75, 1
        # [0.8,0.9): 0.85 right -> 0.85, 1;  [0.9,1.0]: 0.95, 1.0 right -> 0.975, 1
        # ECE = 3/8*|1/3-0.55| + 1/8*|0-0.65| + 1/8*|1-0.75| + 1/8*|1-0.85| + 2/8*|1-0.975|
        #     = 0.08125 + 0.08125 + 0.03125 + 0.01875 + 0.00625 = 0.21875
        "eight",
        EIGHT,
        [
            (0, None, None),
            (3, 0.55, 1 / 3),
            (1, 0.65, 0.0),
            (1, 0.75, 1.0),
            (1, 0.85, 1.0),
            (2, 0.975, 1.0),
        ],
        0.21875,
    ),
    (
        # Ten cases at 0.8, eight right: the confidence is the share right; ECE 0.
        "calibrated",
        [Outcome("slm", "slm", 0.8)] * 8 + [Outcome("llm", "slm", 0.8)] * 2,
        [
            (0, None, None),
            (0, None, None),
            (0, None, None),
            (0, None, None),
            (10, 0.8, 0.8),
            (0, None, None),
        ],
        0.0,
    ),
    (
        # Sure and always wrong: ECE 1.
        "sure and wrong",
        [Outcome("llm", "slm", 1.0)] * 3,
        [(0, None, None)] * 5 + [(3, 1.0, 0.0)],
        1.0,
    ),
    (
        # Two bins: 4 at 0.5 with 2 right (|0.5-0.5| = 0) and 4 at 0.9 with 2 right
        # (|0.5-0.9| = 0.4): ECE = 4/8*0 + 4/8*0.4 = 0.2.
        "halves",
        [Outcome("slm", "slm", 0.5)] * 2
        + [Outcome("llm", "slm", 0.5)] * 2
        + [Outcome("slm", "slm", 0.9)] * 2
        + [Outcome("llm", "slm", 0.9)] * 2,
        [
            (0, None, None),
            (4, 0.5, 0.5),
            (0, None, None),
            (0, None, None),
            (0, None, None),
            (4, 0.9, 0.5),
        ],
        0.2,
    ),
    (
        # Rules of thumb state no confidence: nothing to bin, no ECE (None, not 0).
        "no confidence",
        [Outcome("slm", "slm"), Outcome("llm", "slm")],
        [(0, None, None)] * 6,
        None,
    ),
]


@pytest.mark.parametrize(
    ("outcomes", "rows", "ece"), [c[1:] for c in RELIABILITY], ids=[c[0] for c in RELIABILITY]
)
def test_reliability_and_ece(
    outcomes: list[Outcome], rows: list[tuple[int, float | None, float | None]], ece: float | None
) -> None:
    table = reliability_table(outcomes)
    assert [(b.low, b.high) for b in table] == list(zip(BIN_EDGES, BIN_EDGES[1:], strict=False))
    got = [(b.cases, b.mean_confidence, b.share_right) for b in table]
    assert got == [
        (
            n,
            pytest.approx(m) if m is not None else None,
            pytest.approx(s) if s is not None else None,
        )
        for n, m, s in rows
    ]
    assert expected_calibration_error(table) == (pytest.approx(ece) if ece is not None else None)


def test_share_right_at_high_confidence() -> None:
    # At >= 0.7: 0.75, 0.85, 0.95 and 1.0, all right: 4/4, covering 4 of 8 cases.
    assert high_confidence(EIGHT) == Share(4, 4)
    # At >= 0.6 the wrong 0.65 joins: 4/5. The threshold itself counts (>=).
    assert high_confidence(EIGHT, 0.65) == Share(4, 5)
    summary = summarize(EIGHT, OPTIONS)
    assert summary.high_confidence == Share(4, 4) and summary.coverage == 0.5
    assert summary.accuracy == Share(5, 8) and summary.accuracy.share == 0.625
    assert summary.ece == pytest.approx(0.21875)


def test_nothing_measured_is_none_not_zero() -> None:
    summary = summarize([], OPTIONS)
    assert summary.accuracy == Share(0, 0) and summary.accuracy.share is None
    assert summary.ece is None and summary.coverage is None
    assert accuracy([]).share is None


# (fields a file gives, then the answer of always-slm, always-llm, article, two-line)
BASELINE_TABLE: list[tuple[dict[str, Any], tuple[str, str, str, str]]] = [
    ({}, ("slm", "llm", "hybrid", "hybrid")),  # nothing known: no condition holds
    ({"domain_focus": "narrow"}, ("slm", "llm", "slm", "slm")),
    ({"domain_focus": "broad"}, ("slm", "llm", "llm", "hybrid")),
    ({"domain_focus": "moderate"}, ("slm", "llm", "hybrid", "hybrid")),
    ({"domain_focus": "broad", "task_breadth": "open_ended"}, ("slm", "llm", "llm", "llm")),
    ({"task_breadth": "open_ended"}, ("slm", "llm", "hybrid", "llm")),
    # The two-line rule's SLM line comes first: on-device beats open-ended.
    ({"hosting": "on_device", "task_breadth": "open_ended"}, ("slm", "llm", "hybrid", "slm")),
    ({"task_breadth": "single", "domain_focus": "broad"}, ("slm", "llm", "llm", "slm")),
    ({"task_breadth": "few", "hosting": "on_prem"}, ("slm", "llm", "hybrid", "hybrid")),
    (
        {"task_type": "classification", "monthly_requests": 10**9},
        ("slm", "llm", "hybrid", "hybrid"),
    ),
]


@pytest.mark.parametrize(("given", "answers"), BASELINE_TABLE)
def test_rules_of_thumb(given: dict[str, Any], answers: tuple[str, str, str, str]) -> None:
    assert [b.name for b in BASELINES] == ["always-slm", "always-llm", "article", "two-line"]
    assert tuple(b.predict(given) for b in BASELINES) == answers
