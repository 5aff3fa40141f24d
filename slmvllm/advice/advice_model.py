"""The advice for one use case: reasons, exclusions, assumptions, what would change it."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from slmvllm.advice.rule_set_model import Points
from slmvllm.requirements import (
    OptionName,
    Strict,
)

# --------------------------------------------------------------------------- result


class Reason(Strict):
    rule: str
    summary: str
    effect: dict[str, float]
    source: str
    points: Points = Field(default_factory=dict)
    assumed: list[str] = Field(default_factory=list)
    when: str | None = Field(
        default=None, description="the rule's condition in words; null: always"
    )


class Exclusion(Strict):
    option: OptionName
    rule: str
    reason: str
    source: str = ""
    when: str | None = None


class Assumption(Strict):
    field: str
    value: Any
    why: str


class Change(Strict):
    field: str
    to: Any
    recommendation: OptionName


class RuleSetId(Strict):
    name: str
    version: str


class Advice(Strict):
    """What the rules say about one use case: the contract's result without the numbers."""

    schema_version: Literal[1] = 1
    recommendation: OptionName
    confidence: float
    scores: dict[str, float]
    reasons: list[Reason]
    excluded: list[Exclusion]
    assumptions: list[Assumption]
    what_would_change: list[Change]
    rule_set: RuleSetId
    requirements: dict[str, Any] = Field(default_factory=dict)
    criteria_scores: dict[str, dict[str, float]] = Field(default_factory=dict)
    confidence_basis: dict[str, int | float | str] = Field(default_factory=dict)
    figures: dict[str, str | None] = Field(
        default_factory=dict,
        description="the cost figures rules may test, worked out from the estimates "
        "(null: not known, e.g. no volume given)",
    )
