"""The catalogue's schema: models, prices, GPUs, serving figures, and the merged `Catalog`.

Read and merged by `slmvllm.numbers.catalog` (see its module doc).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StrictBool,
    StrictStr,
    field_validator,
    model_validator,
)

from slmvllm.errors import did_you_mean
from slmvllm.loading.validation import describe
from slmvllm.requirements import Strict

_SLUG = re.compile(r"[a-z0-9][a-z0-9_.-]{0,79}")
_DATE = re.compile(r"\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?")


def _slug(value: str) -> str:
    if not _SLUG.fullmatch(value):
        raise ValueError(
            f"{describe(value)} is not an id: use lower-case letters, digits, '.', '_' and '-' "
            "(at most 80)"
        )
    return value


def _date(value: str) -> str:
    if not _DATE.fullmatch(value):
        raise ValueError(f"expected a date written YYYY-MM-DD (or YYYY-MM), got {describe(value)}")
    try:
        datetime.date.fromisoformat(value if len(value) > 7 else value + "-01")
    except ValueError:
        raise ValueError(f"{describe(value)} is not a date on the calendar") from None
    return value


def _commercial_use(value: object) -> object:
    if value is True or value is False or value == "restricted":
        return value
    raise ValueError(f"expected true, false or restricted, got {describe(value)}")


Slug = Annotated[StrictStr, AfterValidator(_slug)]
IsoDate = Annotated[StrictStr, AfterValidator(_date)]
Usd = Annotated[float, Field(ge=0, le=1e6)]
# Lower bounds are what the estimates can compute with, and no real figure is below them:
# a model of under a million parameters is no language model, a GPU of under 1 GB serves
# none, a measurement of under one token a second is no serving figure. Below them the
# divisions overflow (issue 20: tiny and denormal figures were internal errors).
Billions = Annotated[float, Field(ge=0.001, le=100_000)]
TokenCount = Annotated[int, Field(gt=0, le=1_000_000_000)]
SizeClass = Literal["slm", "llm"]
PriceStatus = Literal["active", "deprecated", "retired", "alias_moved"]
CommercialUse = Annotated[StrictBool | Literal["restricted"], BeforeValidator(_commercial_use)]

SHIPPED_MODELS = "catalog.yaml"
SHIPPED_SERVING = "serving.yaml"


# --------------------------------------------------------------------------- models


class Price(Strict):
    """One provider's API price for a model, in USD per million tokens, as of a date."""

    provider: StrictStr
    input_usd_per_million: Usd
    output_usd_per_million: Usd
    as_of: IsoDate
    key: StrictStr | None = None
    max_input_tokens: TokenCount | None = None
    tier_above_input_tokens: TokenCount | None = None
    input_usd_per_million_above: Usd | None = None
    output_usd_per_million_above: Usd | None = None
    status: PriceStatus = "active"
    note: StrictStr | None = None
    source: StrictStr

    @model_validator(mode="after")
    def _tier_complete(self) -> Price:
        tier = (
            self.tier_above_input_tokens,
            self.input_usd_per_million_above,
            self.output_usd_per_million_above,
        )
        if any(v is not None for v in tier) and any(v is None for v in tier):
            raise ValueError(
                "a price tier needs all of tier_above_input_tokens, "
                "input_usd_per_million_above and output_usd_per_million_above"
            )
        return self


class Shape(Strict):
    """The attention shape the KV-cache size depends on."""

    layers: Annotated[int, Field(gt=0, le=10_000, strict=True)]
    kv_heads: Annotated[int, Field(gt=0, le=10_000, strict=True)]
    head_dim: Annotated[int, Field(gt=0, le=100_000, strict=True)]
    source: StrictStr
    note: StrictStr | None = None

    @property
    def kv_bytes_per_token_per_byte(self) -> int:
        """2 x layers x kv_heads x head_dim: KV bytes per token per byte of element size."""
        return 2 * self.layers * self.kv_heads * self.head_dim


class Model(Strict):
    """One model of the catalogue, with the source of every figure."""

    id: Slug
    name: StrictStr
    vendor: StrictStr
    params_billion: Billions | None
    active_params_billion: Billions | None = None
    open_weights: StrictBool
    license: StrictStr
    commercial_use: CommercialUse
    commercial_use_note: StrictStr | None = None
    context_tokens: TokenCount | None
    context_note: StrictStr | None = None
    size_class: SizeClass
    shape: Shape | None = None
    prices: list[Price] = Field(default_factory=list)
    sources: list[StrictStr] = Field(min_length=1)
    caveats: list[StrictStr] = Field(default_factory=list)
    quality_tier: Literal["frontier", "strong", "light"] | None = Field(
        default=None,
        description="frontier, strong or light; without it the shipped positioning table "
        "(slmvllm.numbers.tiers) or, for a small model, light",
    )
    quality_tier_source: StrictStr | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Model:
        if self.commercial_use is not True and not self.commercial_use_note:
            raise ValueError(
                f"model {self.id!r}: commercial_use is {self.commercial_use!r}, "
                "so it needs a commercial_use_note saying why"
            )
        if self.active_params_billion is not None:
            if self.params_billion is None:
                raise ValueError(
                    f"model {self.id!r}: active_params_billion needs params_billion (the total)"
                )
            if self.active_params_billion > self.params_billion:
                raise ValueError(
                    f"model {self.id!r}: active_params_billion ({self.active_params_billion}) "
                    f"exceeds params_billion ({self.params_billion})"
                )
        if self.open_weights and self.params_billion is None:
            raise ValueError(
                f"model {self.id!r}: open-weight models need params_billion to size their memory"
            )
        return self

    @property
    def is_moe(self) -> bool:
        """Whether the model is a mixture of experts (only some parameters active per token)."""
        return self.active_params_billion is not None

    @property
    def compute_params_billion(self) -> float | None:
        """Parameters read per generated token: the active ones for MoE, else all of them."""
        return self.active_params_billion or self.params_billion

    def active_prices(self) -> list[Price]:
        """The price rows that can still be bought (not deprecated, retired or moved)."""
        return [p for p in self.prices if p.status == "active"]


# --------------------------------------------------------------------------- serving facts


class Gpu(Strict):
    """A GPU that can be rented, with its price, provider and date."""

    id: Slug
    name: StrictStr
    memory_gb: Annotated[float, Field(ge=1, le=100_000)]
    usd_per_gpu_hour: Usd
    provider: StrictStr
    offering: StrictStr | None = None
    as_of: IsoDate
    source: StrictStr
    note: StrictStr | None = None


class Throughput(Strict):
    """A measured serving throughput: output tokens per second per GPU, and how it was measured."""

    model: StrictStr
    params_billion: Billions
    gpu: Slug
    engine: StrictStr
    precision: StrictStr
    concurrency: Annotated[int, Field(gt=0, le=100_000, strict=True)]
    output_tokens_per_s_per_gpu: Annotated[float, Field(ge=1, le=1e9)]
    latency: StrictStr | None = None
    as_of: IsoDate | None = None
    source: StrictStr
    note: StrictStr | None = None


class Precision(Strict):
    """A weight format and its bits per weight."""

    id: Slug
    label: StrictStr
    bits_per_weight: Annotated[float, Field(ge=1, le=64)]
    source: StrictStr
    note: StrictStr | None = None


class Sourced(Strict):
    """A number and where it comes from."""

    value: Annotated[float, Field(ge=0, le=1e12)]
    source: StrictStr
    note: StrictStr | None = None


class KvCacheRule(Strict):
    formula: StrictStr
    bytes_per_element: Annotated[float, Field(ge=0.125, le=16)]
    source: StrictStr
    note: StrictStr | None = None


class MemoryRules(Strict):
    """How much GPU memory a model needs: weights, KV cache and runtime overhead."""

    precisions: list[Precision] = Field(min_length=1)
    serving_precisions: list[Slug] = Field(min_length=1)
    serving_precisions_why: StrictStr
    serve_precision: Slug
    serve_precision_why: StrictStr
    sharded_precision: Slug
    sharded_precision_why: StrictStr
    kv_cache: KvCacheRule
    runtime_overhead: Sourced

    @model_validator(mode="after")
    def _references(self) -> MemoryRules:
        ids = [p.id for p in self.precisions]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate precision id(s): {', '.join(dupes)}")
        for value in self.serving_precisions:
            if value not in ids:
                raise ValueError(
                    f"serving precision {value!r} is not one of the precisions: {', '.join(ids)}"
                    + did_you_mean(value, ids)
                )
        for name in ("serve_precision", "sharded_precision"):
            value = getattr(self, name)
            if value not in self.serving_precisions:
                raise ValueError(
                    f"{name} {value!r} is not one of the serving_precisions: "
                    f"{', '.join(self.serving_precisions)}" + did_you_mean(value, ids)
                )
        return self

    def ordered(self, *, serving: bool = False) -> list[Precision]:
        """Precisions from least to most compressed (most bits per weight first).

        With ``serving``, only those a batching server is assumed to run.
        """
        chosen = [p for p in self.precisions if not serving or p.id in self.serving_precisions]
        return sorted(chosen, key=lambda p: -p.bits_per_weight)

    def precision(self, precision_id: str) -> Precision:
        """The precision with this id (KeyError if none)."""
        for p in self.precisions:
            if p.id == precision_id:
                return p
        raise KeyError(precision_id)


Share = Annotated[float, Field(ge=0, le=1)]


class ShareFigure(Sourced):
    value: Share


class Routing(Strict):
    """Sourced router results: shares of requests a router sends to the large model."""

    learned_router_cpt50: ShareFigure
    learned_router_cpt80: ShareFigure
    no_quality_drop: ShareFigure
    random_router_cpt50: ShareFigure
    random_router_cpt80: ShareFigure
    in_distribution_labels: Sourced


def _unique_ids(ids: Sequence[str], what: str) -> None:
    seen: dict[str, int] = {}
    for index, item in enumerate(ids):
        if item in seen:
            raise ValueError(f"duplicate {what} id {item!r} (entries {seen[item]} and {index})")
        seen[item] = index


class CatalogFile(Strict):
    """One catalogue file (shipped or a user's --catalog FILE); every section is optional."""

    models: list[Model] | None = None
    gpus: list[Gpu] | None = None
    throughput: Throughput | None = None
    memory: MemoryRules | None = None
    routing: Routing | None = None

    @field_validator("models")
    @classmethod
    def _unique_models(cls, value: list[Model] | None) -> list[Model] | None:
        if value is not None:
            _unique_ids([m.id for m in value], "model")
        return value

    @field_validator("gpus")
    @classmethod
    def _unique_gpus(cls, value: list[Gpu] | None) -> list[Gpu] | None:
        if value is not None:
            _unique_ids([g.id for g in value], "GPU")
        return value


@dataclass(frozen=True)
class Catalog:
    """The merged catalogue the estimates read, and the files it was built from."""

    models: tuple[Model, ...]
    gpus: tuple[Gpu, ...]
    throughput: Throughput
    memory: MemoryRules
    routing: Routing
    files: tuple[str, ...]
    #: what the run should be told about the prices (a cached or given price map's date)
    notes: tuple[str, ...] = ()

    @property
    def prices_as_of(self) -> str | None:
        """The newest as-of date of the prices that can be bought (None: no prices)."""
        dates = [p.as_of for m in self.models for p in m.active_prices()]
        return max(dates) if dates else None

    def model(self, model_id: str) -> Model:
        """The model with this id (KeyError if none)."""
        for m in self.models:
            if m.id == model_id:
                return m
        raise KeyError(model_id)

    def gpu(self, gpu_id: str) -> Gpu:
        """The GPU with this id (KeyError if none)."""
        for g in self.gpus:
            if g.id == gpu_id:
                return g
        raise KeyError(gpu_id)

    @property
    def serving_gpu(self) -> Gpu:
        """The GPU the throughput figure was measured on, which self-hosting is priced on."""
        return self.gpu(self.throughput.gpu)
