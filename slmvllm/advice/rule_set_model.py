"""The rule set as data: options, criteria, sourced rules, the questionnaire. Strict."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictStr, field_validator, model_validator

from slmvllm.advice.conditions import Condition
from slmvllm.requirements import (
    REQUIREMENT_FIELDS,
    OptionName,
    Priority,
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
