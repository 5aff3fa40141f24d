"""The requirements of one use case, as the contract defines them."""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StrictStr, field_validator


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


def known_field(name: str, allowed: tuple[str, ...]) -> str:
    """`name` if it is one of `allowed` requirement fields; else a ValueError with a hint."""
    if name not in allowed:
        from slmvllm.loading.validation import did_you_mean

        raise ValueError(f"unknown requirements field {name!r}" + did_you_mean(name, allowed))
    return name
