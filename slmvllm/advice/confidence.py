"""Confidence: how sure the advice is of its winner (step 4 of slmvllm/advice/engine.py)."""

from __future__ import annotations

import math
from collections.abc import Mapping

from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.advice.scoring import Scoring


def confidence(scoring: Scoring) -> tuple[float, float, float]:
    """(share, evidence for, evidence against) the winner vs the runner-up; see module doc."""
    best, second = scoring.recommendation, scoring.runner_up
    if best is None:
        return 0.0, 0.0, 0.0
    if second is None:
        return 1.0, 0.0, 0.0
    gaps = [effect[best] - effect[second] for _, effect in scoring.fired]
    favour = sum(g for g in gaps if g > 0)
    against = -sum(g for g in gaps if g < 0)
    if favour + against <= 0:
        return 0.5, favour, against
    return favour / (favour + against), favour, against


#: A margin at most this (points at the mean criterion weight) is reported as a close call:
#: one point on one criterion, the smallest step a single rule of the default set moves.
CLOSE_MARGIN = 1.0


def margin(scoring: Scoring, weight: Mapping[str, float]) -> float | None:
    """The winner's lead over the runner-up per unit of mean criterion weight (None: no rival)."""
    best, second = scoring.recommendation, scoring.runner_up
    if best is None or second is None:
        return None
    mean = sum(weight.values()) / len(weight) if weight else 1.0
    return (scoring.scores[best] - scoring.scores[second]) / (mean or 1.0)


#: No advice is certain: even a single option left by the constraints rests on the rules
#: being right. Without a calibration of its own a rule set's confidence stops here.
MAX_CONFIDENCE = 0.95


def calibrated(
    rs: RuleSet,
    lead: float | None,
    share: float,
    unknowns: int = 0,
    disagree: bool = False,
) -> float:
    """The confidence to report: the rule set's calibrated map, if it has one.

    The map reads the margin, the number of decisive fields left unknown (`unknowns`:
    fields not given whose answer alone could flip the recommendation) and whether the
    closest documented decisions chose another option (`disagree`), and stops at its
    ceiling. Without a calibration (a team's own rule set may have none) it is the share
    of the separating evidence that favours the winner (`confidence`), at most
    `MAX_CONFIDENCE`. A single allowed option gets the ceiling.
    """
    ceiling = rs.calibration.ceiling if rs.calibration is not None else MAX_CONFIDENCE
    if lead is None:
        return ceiling
    if rs.calibration is None:
        return min(share, ceiling)
    cal = rs.calibration
    z = cal.intercept + cal.slope * lead + cal.per_unknown * unknowns
    z += cal.disagree if disagree else 0.0
    return min(1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0))), ceiling)


def closeness(lead: float | None) -> str:
    """`tie`, `close` or `clear`: how the winner stands against the runner-up."""
    if lead is None:
        return "clear"
    if abs(lead) < 1e-9:
        return "tie"
    return "close" if lead <= CLOSE_MARGIN else "clear"
