"""The rule set as data: options, criteria, sourced rules, the questionnaire. Strict."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictStr, ValidationInfo, field_validator, model_validator

from slmvllm.advice.conditions import Condition
from slmvllm.requirements import (
    AddedField,
    OptionName,
    Priority,
    Requirements,
    Strict,
    added_field_name_problem,
    field_names,
    known_field,
    model_in_context,
    requirements_model,
    unbuilt_in_context,
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
    """How the questionnaire asks for one requirements field.

    With `adds_field: true` the question adds a field of its own to the requirements
    (valid only with this rule set); its type and choices are the field's type.
    """

    adds_field: StrictBool = False  # before `field`: the field's check reads it
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
    def _known_field(cls, value: str, info: ValidationInfo) -> str:
        if not info.data.get("adds_field"):
            if value in unbuilt_in_context(info.context):
                return value  # the question adding it is wrong, and says so
            try:
                return known_field(value, field_names(model_in_context(info.context)))
            except ValueError as exc:
                if "did you mean" in str(exc) or added_field_name_problem(value) is not None:
                    raise
                raise ValueError(
                    f"{exc}; to add it as a new field, write 'adds_field: true'"
                ) from None
        # A layer's context names the fields its bases already have; the model in the
        # context holds this file's added fields too.
        context = info.context if isinstance(info.context, dict) else {}
        if value in context.get("inherited_fields", field_names()):
            raise ValueError(
                f"{value!r} is already a requirements field; drop 'adds_field' to ask for it"
            )
        problem = added_field_name_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _added_field_has_a_type(self) -> Question:
        if not self.adds_field:
            return self
        if self.type == "priorities":
            raise ValueError(f"the new field {self.field!r} cannot be of type 'priorities'")
        if self.type == "enum" and not self.choices:
            raise ValueError(f"the new enum field {self.field!r} needs 'choices'")
        if self.type != "enum" and self.choices:
            raise ValueError(f"only an enum field has 'choices'; {self.field!r} is {self.type}")
        if self.choices and len(set(self.choices)) != len(self.choices):
            raise ValueError(f"the choices of {self.field!r} repeat a value")
        return self

    def added_field(self) -> AddedField | None:
        """The requirements field this question adds, if it adds one."""
        if not self.adds_field or self.type == "priorities":
            return None
        return AddedField(self.field, self.type, tuple(self.choices or ()))


class Calibration(Strict):
    """How a score margin becomes a confidence:
    P(right) = 1 / (1 + exp(-(a + b x margin + c x unknowns + d x disagree))), at most `ceiling`.

    `margin` is the winner's score minus the runner-up's, divided by the mean criterion
    weight (so scaling every priority alike does not change it); `unknowns` counts the
    fields not given whose answer alone could flip the recommendation; `disagree` is 1
    when the closest documented decisions chose another option. Fitted on labelled
    decisions (benchmarks/fit_rules.py for the default rule set).
    """

    method: Literal["logistic-margin"]
    intercept: float
    slope: Annotated[float, Field(ge=0)]
    per_unknown: Annotated[float, Field(le=0)] = 0.0
    disagree: Annotated[float, Field(le=0)] = 0.0
    ceiling: Annotated[float, Field(gt=0.5, lt=1)] = 0.95
    note: StrictStr | None = None


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
    calibration: Calibration | None = None

    def requirements_model(self) -> type[Requirements]:
        """The requirements this rule set accepts: the built-in fields and those it adds."""
        return added_fields_model(self.questions)

    def option_order(self) -> list[OptionName]:
        """Options in the order the rule set lists them; ties go to the earlier one."""
        return list(self.options)


def added_fields_model(questions: list[Question]) -> type[Requirements]:
    """The requirements model with the fields these questions add (cached per set of fields)."""
    added = tuple(f for f in (q.added_field() for q in questions) if f is not None)
    return requirements_model(added)
