"""Pydantic models of the core: requirements, rule set, result. Strict, frozen, no unknown keys."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StrictStr, field_validator, model_validator

from slmvllm.conditions import Condition
from slmvllm.estimate_models import Estimates
from slmvllm.requirements import (
    OPTIONS,
    REQUIREMENT_FIELDS,
    OptionName,
    Priority,
    Requirements,
    Strict,
    known_field,
)

# --------------------------------------------------------------------------- rule set


class Citation(Strict):
    """A pointer into the rule set's bibliography, with the section or figure it relies on."""

    ref: StrictStr
    where: StrictStr | None = None


class Reference(Strict):
    """One entry of the rule set's bibliography."""

    title: StrictStr
    url: StrictStr | None = None
    note: StrictStr | None = None


class OptionInfo(Strict):
    label: StrictStr
    description: StrictStr


class Criterion(Strict):
    meaning: StrictStr
    weight: Priority = 3


Points = dict[OptionName, dict[str, float]]


class Rule(Strict):
    """A sourced claim: when its condition holds, it moves option scores or rules an option out."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=80, strict=True)]
    summary: StrictStr
    claim: StrictStr | None = None
    sources: list[Citation] = Field(min_length=1)
    when: Condition | None = None
    points: Points = Field(default_factory=dict)
    exclude: list[OptionName] = Field(default_factory=list)
    reason: StrictStr | None = None

    @model_validator(mode="after")
    def _has_an_effect(self) -> Rule:
        if not self.points and not self.exclude:
            raise ValueError(f"rule {self.id!r} has neither points nor exclude; it can do nothing")
        if self.exclude and not self.reason:
            raise ValueError(f"rule {self.id!r} excludes an option, so it needs a 'reason'")
        for option, per_criterion in self.points.items():
            for criterion, value in per_criterion.items():
                if not -10 <= value <= 10:
                    raise ValueError(
                        f"rule {self.id!r}: points {option}.{criterion} = {value} "
                        "is outside -10..10"
                    )
        return self


QuestionType = Literal["enum", "integer", "number", "text", "priorities"]


class Question(Strict):
    """How the questionnaire asks for one requirements field."""

    field: StrictStr
    prompt: StrictStr
    help: StrictStr
    type: QuestionType
    choices: list[StrictStr] | None = None
    default: StrictStr | int | float | None = None
    assumption: StrictStr = Field(description="why the default is what it is, shown when assumed")
    ask_if: Condition | None = None

    @field_validator("field")
    @classmethod
    def _known_field(cls, value: str) -> str:
        return known_field(value, REQUIREMENT_FIELDS)


class RuleSet(Strict):
    """A complete rule set: options, criteria, sourced rules, and the questionnaire."""

    name: Annotated[str, Field(min_length=1, strict=True)]
    version: StrictStr
    description: StrictStr
    references: dict[str, Reference]
    options: dict[OptionName, OptionInfo]
    criteria: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")], Criterion]
    rules: list[Rule] = Field(min_length=1)
    questions: list[Question]

    def option_order(self) -> list[OptionName]:
        """Options in the order the rule set lists them; ties go to the earlier one."""
        return list(self.options)


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


class Result(Strict):
    """The contract's result document, plus optional additions (requirements, breakdown)."""

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
    confidence_basis: dict[str, float | str] = Field(default_factory=dict)
    estimates: Estimates | None = None


__all__ = [
    "OPTIONS",
    "Condition",
    "Requirements",
    "RuleSet",
    "Result",
]
