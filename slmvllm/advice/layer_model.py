"""A rule set layer as data: a file that `extends` a base and says only what differs
(`slmvllm.advice.layers` reads the chain and applies it). Strict, like the rule set."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StrictStr, ValidationInfo, field_validator, model_validator

from slmvllm.advice.conditions import Condition
from slmvllm.advice.rule_set_model import Citation, Points, Question, Reference, Rule
from slmvllm.requirements import OptionName, Priority, Strict

#: What to write instead of null for a key every rule has.
_NULL_INSTEAD = {
    "summary": "a rule keeps a summary, so it cannot be null; write the new one, or leave "
    "'summary' out to keep the base's",
    "sources": "a rule keeps its sources, so they cannot be null; list the new ones, or leave "
    "'sources' out to keep the base's",
    "points": "points cannot be null; write the new points (e.g. {slm: {cost: 1}}), {} to "
    "drop them all (the rule then needs 'exclude'), or list the rule under 'disable' with "
    "a reason to switch it off",
    "exclude": "exclude cannot be null; write [] to exclude nothing (the rule then needs 'points')",
}


class RuleChange(Strict):
    """An override of a base rule: the keys given replace the rule's (`when: null` drops it)."""

    summary: StrictStr | None = None
    claim: StrictStr | None = None
    sources: list[Citation] | None = Field(default=None, min_length=1)
    when: Condition | None = None
    points: Points | None = None
    exclude: list[OptionName] | None = None
    reason: StrictStr | None = None

    @field_validator("summary", "sources", "points", "exclude", mode="before")
    @classmethod
    def _not_null(cls, value: Any, info: ValidationInfo) -> Any:
        # null means "drop it" only for the keys a rule may lack (when, claim, reason).
        if value is None:
            raise ValueError(_NULL_INSTEAD[str(info.field_name)])
        return value

    @model_validator(mode="after")
    def _changes_something(self) -> RuleChange:
        if not self.model_fields_set:
            raise ValueError(
                "an override changes at least one of: summary, claim, sources, when, points, "
                "exclude, reason"
            )
        return self


class CriterionChange(Strict):
    """A base criterion's new weight (or meaning), or a new criterion (meaning required)."""

    meaning: StrictStr | None = None
    weight: Priority | None = None


class DefaultChange(Strict):
    """A base question's new default (null: unknown) and why, shown when it is assumed."""

    default: StrictStr | int | float | None
    assumption: StrictStr


class RuleSetLayer(Strict):
    """A rule set file that extends a base and says only what differs."""

    extends: StrictStr
    name: Annotated[str, Field(min_length=1, strict=True)]
    version: StrictStr
    description: StrictStr | None = None
    references: dict[str, Reference] = Field(default_factory=dict)
    criteria: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")], CriterionChange] = Field(
        default_factory=dict
    )
    rules: list[Rule] = Field(default_factory=list)
    override: dict[str, RuleChange] = Field(default_factory=dict)
    disable: dict[str, StrictStr] = Field(default_factory=dict)
    defaults: dict[str, DefaultChange] = Field(default_factory=dict)
    questions: list[Question] = Field(default_factory=list)
