"""The requirements of one use case, as the contract defines them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StrictStr, create_model, field_validator


class Strict(BaseModel):
    """Base of every model: strict types, unknown keys forbidden, frozen."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        populate_by_name=True,
        allow_inf_nan=False,
        defer_build=True,
    )


OptionName = Literal["slm", "llm", "hybrid"]
OPTIONS: tuple[OptionName, ...] = get_args(OptionName)

TaskType = Literal[
    "classification",
    "extraction",
    "summarization",
    "chat",
    "rag_qa",
    "code",
    "translation",
    "reasoning",
    "agentic",
    "generation",
]
DomainFocus = Literal["narrow", "moderate", "broad"]
TaskBreadth = Literal["single", "few", "open_ended"]
DataSensitivity = Literal["public", "internal", "confidential", "regulated"]
Hosting = Literal["any", "private_cloud", "on_prem", "on_device"]
MlExpertise = Literal["none", "some", "strong"]
QualityBar = Literal["best_effort", "high", "critical"]
DifficultyMix = Literal["uniform", "mixed"]
OutputForm = Literal["label", "structured", "free_text"]
WorldKnowledge = Literal["low", "high"]
EnterpriseAgreement = Literal["in_place", "none"]
HardestRequests = Literal["routine", "expert"]
WorkStages = Literal["single", "split"]
StartingPoint = Literal["none", "llm_api", "own_models"]

# The contract sets lower bounds only; absurd magnitudes are caught by the loader
# (integers over 30 digits) and shown back in the report, not refused here.
Count = Annotated[int, Field(ge=0)]
Tokens = Annotated[int, Field(ge=0)]
Priority = Annotated[float, Field(ge=0, le=5)]


class Requirements(Strict):
    """One use case, as in the contract. Every field is optional; None means "not given"."""

    use_case: StrictStr | None = None
    task_type: TaskType | None = None
    domain_focus: DomainFocus | None = None
    task_breadth: TaskBreadth | None = None
    monthly_requests: Count | None = None
    input_tokens: Tokens | None = None
    output_tokens: Tokens | None = None
    latency_p95_ms: Annotated[int, Field(gt=0)] | None = None
    data_sensitivity: DataSensitivity | None = None
    hosting: Hosting | None = None
    labelled_examples: Count | None = None
    ml_expertise: MlExpertise | None = None
    weeks_to_launch: Annotated[float, Field(gt=0)] | None = None
    quality_bar: QualityBar | None = None
    budget_usd_per_month: Annotated[float, Field(ge=0)] | None = None
    gpu_memory_gb: Annotated[float, Field(ge=0)] | None = None
    context_tokens: Annotated[int, Field(gt=0)] | None = None
    # Optional additions to the contract (docs/requirements.md): what the
    # documented decisions of the corpus turned on that the fields above do not say.
    difficulty_mix: DifficultyMix | None = None
    output_form: OutputForm | None = None
    world_knowledge: WorldKnowledge | None = None
    # Optional additions of rule set 3.0 (docs/decision-drivers.md): the decision drivers
    # the documented decisions state most often that the fields above cannot express.
    enterprise_agreement: EnterpriseAgreement | None = None
    hardest_requests: HardestRequests | None = None
    work_stages: WorkStages | None = None
    starting_point: StartingPoint | None = None
    priorities: dict[str, Priority] | None = None

    @field_validator("use_case")
    @classmethod
    def _real_text(cls, value: str | None) -> str | None:
        # Bad bytes at a prompt arrive as lone surrogates: not text anyone typed.
        if value is not None:
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("expected text, got bytes that are not valid UTF-8") from None
        return value

    def given(self) -> dict[str, Any]:
        """The fields the user gave a value for (an explicit null counts as not given)."""
        return {name: value for name, value in self if value is not None}


REQUIREMENT_FIELDS: tuple[str, ...] = tuple(Requirements.model_fields)
#: Fields a rule condition may test (priorities are weights, not facts about the use case).
CONDITION_FIELDS: tuple[str, ...] = tuple(f for f in REQUIREMENT_FIELDS if f != "priorities")


# --------------------------------------------------------------------------- figures
# Facts the numbers half works out from the requirements and the catalogue, which rules
# may test like requirements fields (so a rule's cost claim reads the same figures the
# estimates show, instead of a fixed request count). Nobody gives them: they are None
# when a figure they need is unknown (no volume given, no fitting candidate).

CostComparison = Literal["cheaper", "dearer"]
BillVsGpu = Literal["under", "over"]


class Figures(Strict):
    """Cost facts derived from the estimates for this use case (see `slmvllm.numbers`)."""

    self_hosting_vs_api: CostComparison | None = Field(
        default=None,
        description="self-hosting the best fitting small model, against the cheapest fitting "
        "large-model API, at this volume (the estimates' break-even)",
    )
    hybrid_vs_api: CostComparison | None = Field(
        default=None,
        description="the hybrid (router share of the requests to the large model), against the "
        "cheapest fitting large-model API alone, at this volume",
    )
    llm_api_vs_gpu_month: BillVsGpu | None = Field(
        default=None,
        description="the cheapest fitting large-model API's monthly bill, against one "
        "always-on serving GPU for a month (the catalogue's GPU price x 730 h)",
    )


FIGURE_FIELDS: tuple[str, ...] = tuple(Figures.model_fields)


# --------------------------------------------------------------------------- added fields
# A rule set may add requirements fields of its own (a question with `adds_field: true`).
# Such a field is valid only with that rule set: the rule set builds its own subclass of
# `Requirements` (`requirements_model`), which validation, the questionnaire and the
# engine take from the rule set. The built-in fields above stay the contract.

AddedFieldType = Literal["enum", "integer", "number", "text"]


@dataclass(frozen=True)
class AddedField:
    """A requirements field a rule set adds: its name, type and (for an enum) its values."""

    name: str
    type: AddedFieldType
    choices: tuple[str, ...] = ()


#: What a new field's name looks like (a key a requirements file can hold as written).
ADDED_FIELD_PATTERN = r"[a-z][a-z0-9_]{0,39}"


@lru_cache(maxsize=1)
def reserved_field_names() -> frozenset[str]:
    """Every name a rule set may not give a field it adds, whatever the pattern allows.

    The contract's own fields and the figures the numbers compute (a rule testing a
    figure's name would read the figure, never the answer), every attribute of the
    requirements model (pydantic's methods and ours: `copy`, `json`, `given`...), and
    (`added_field_name_problem` also refuses the words YAML reads as something other
    than text, `true` or `null`).
    """
    return (
        frozenset(REQUIREMENT_FIELDS)
        | frozenset(FIGURE_FIELDS)
        | frozenset(name for name in dir(Requirements) if not name.startswith("_"))
    )


def _reads_as_text(name: str) -> bool:
    # As a key or a `field:` value the loader must read the name back as text
    # (`true`, `null` would not be); imported here, where it is needed, to keep the
    # requirements module free of the loader at import time.
    from slmvllm.loading.scalars import resolve_plain

    try:
        return isinstance(resolve_plain(name), str)
    except ValueError:
        return False


def added_field_name_problem(name: str) -> str | None:
    """Why `name` cannot be the name of a field a rule set adds, or None when it can."""
    if not re.fullmatch(ADDED_FIELD_PATTERN, name):
        return (
            "a new field's name is lower-case letters, digits and _ (at most 40), "
            f"starting with a letter; got {name!r}"
        )
    if name in REQUIREMENT_FIELDS:
        return f"{name!r} is already a requirements field; drop 'adds_field' to ask for it"
    if name in FIGURE_FIELDS:
        return (
            f"{name!r} is a figure the estimates compute (rules may test it as it is); "
            "give the new field another name"
        )
    # pydantic keeps every name starting with model_ for itself.
    if name.startswith("model_") or name in reserved_field_names():
        return f"{name!r} is a name slmvllm keeps for itself; give the new field another name"
    if not _reads_as_text(name):
        return f"{name!r} is read by YAML as a value, not a name; give the new field another name"
    return None


def _added_annotation(added: AddedField) -> Any:
    if added.type == "enum":
        return Literal[added.choices]
    if added.type == "integer":
        return Annotated[int, Field(ge=0)]
    if added.type == "number":
        return Annotated[float, Field(ge=0)]
    return StrictStr


@lru_cache(maxsize=256)
def requirements_model(added: tuple[AddedField, ...] = ()) -> type[Requirements]:
    """`Requirements` with the added fields (strict and closed); `Requirements` if none."""
    if not added:
        return Requirements
    fields: dict[str, Any] = {f.name: (_added_annotation(f) | None, None) for f in added}
    model: type[Requirements] = create_model(
        "Requirements", __base__=Requirements, __module__=__name__, **fields
    )
    return model


def field_names(model: type[Requirements] = Requirements) -> tuple[str, ...]:
    """Every field of a requirements model, built-in fields first."""
    return tuple(model.model_fields)


def condition_fields(model: type[Requirements] = Requirements) -> tuple[str, ...]:
    """The fields a rule condition may test: the requirements (priorities are weights, not
    facts) and the figures the numbers derive from them (`Figures`)."""
    return tuple(f for f in model.model_fields if f != "priorities") + FIGURE_FIELDS


def condition_annotation(model: type[Requirements], name: str) -> Any:
    """The type of a field a condition may test: a requirements field or a figure."""
    if name in Figures.model_fields:
        return Figures.model_fields[name].annotation
    return model.model_fields[name].annotation


def model_in_context(context: Any) -> type[Requirements]:
    """The requirements model a validation context carries (rule set loading), else the built-in."""
    if isinstance(context, dict):
        model = context.get("requirements_model")
        if isinstance(model, type) and issubclass(model, Requirements):
            return model
    return Requirements


def unbuilt_in_context(context: Any) -> frozenset[str]:
    """The fields a rule set's questions add but that could not be built (a refused name,
    a malformed question): that question's error says why, so a rule or question using
    the field is not checked against it, and not blamed a second time."""
    if isinstance(context, dict):
        names = context.get("unbuilt_fields")
        if isinstance(names, frozenset):
            return names
    return frozenset()


def known_field(name: str, allowed: tuple[str, ...]) -> str:
    """`name` if it is one of `allowed` requirement fields; else a ValueError with a hint."""
    if name not in allowed:
        from slmvllm.errors import did_you_mean

        raise ValueError(f"unknown requirements field {name!r}" + did_you_mean(name, allowed))
    return name
