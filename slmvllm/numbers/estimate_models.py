"""The typed shape of the numbers behind a recommendation (`Result.estimates` in the JSON).

Built by `slmvllm.numbers.estimates` and `slmvllm.numbers.cost_check`, read by the views. Every
figure carries what it came from: a formula, a catalogue key, a source, an "as of" date.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from slmvllm.numbers.catalog import Throughput
from slmvllm.requirements import Strict

PureOption = Literal["slm", "llm"]
Hosting = Literal["api", "self_hosted"]


class MemoryTermReport(Strict):
    """One term of a memory estimate: weights, KV cache or runtime overhead."""

    name: str
    gb: float
    formula: str
    source: str


class MemoryReport(Strict):
    """GPU memory to serve a model at one precision, term by term."""

    precision: str
    precision_label: str
    total_gb: float
    terms: list[MemoryTermReport]
    kv_fallback: bool


class ApiCost(Strict):
    """How an API candidate's monthly cost was reached."""

    formula: str
    input_usd: float
    output_usd: float
    input_usd_per_million: float
    output_usd_per_million: float
    price_as_of: str
    price_key: str | None
    price_source: str
    tier_price: bool


class GpuCost(Strict):
    """How a self-hosted candidate's monthly cost was reached."""

    formula: str
    gpu: str
    usd_per_gpu_hour: float
    gpu_price_as_of: str
    gpu_price_source: str
    hours_per_month: int
    gpus_per_replica: int
    sharded: bool
    replicas: int
    output_tokens_per_s_needed: float
    output_tokens_per_s_per_gpu: float
    requests_per_month_per_replica: int
    not_priced: str | None = None


class Candidate(Strict):
    """One way to run one catalogue model (an API or self-hosting), priced for the volume."""

    model: str
    name: str
    option: PureOption
    hosting: Hosting
    provider: str | None
    monthly_cost_usd: float | None
    gpu_memory_gb: float | None
    precision: str | None
    gpus: int | None
    params_billion: float | None
    active_params_billion: float | None
    context_tokens: int | None
    license: str | None
    commercial_use: bool | Literal["restricted"] | None
    fits: bool
    why_not: str | None
    warnings: list[str]
    cost: ApiCost | GpuCost | None = None
    memory: MemoryReport | None = None
    quality_tier: str | None = Field(
        default=None,
        description="frontier, strong or light (slmvllm.numbers.tiers); null: untiered",
    )


class LeftOutGroup(Strict):
    """Candidates left out of the compact list, counted by why (`--all-candidates` lists them)."""

    reason: str
    count: int


class EstimateInputs(Strict):
    """The volume and request shape the figures are for (given or assumed)."""

    monthly_requests: int
    monthly_requests_assumed: bool
    input_tokens: int
    output_tokens: int
    context_tokens: int
    context_tokens_given: bool
    hosting: str
    concurrency: int


class SelfHosting(Strict):
    """The GPU and the measured throughput that self-hosted costs are priced on."""

    gpu: str
    gpu_name: str
    gpu_memory_gb: float
    usd_per_gpu_hour: float
    provider: str
    as_of: str
    source: str
    throughput: Throughput


class BreakEven(Strict):
    """Where self-hosting the small model (alone or in a hybrid) beats the cheapest LLM API."""

    small_model: str | None
    llm_model: str | None
    llm_provider: str | None
    range_max_monthly_requests: int
    first_cheaper_monthly_requests: int | None = None
    statement: str


class HybridPlan(Strict):
    """Which small and large model a hybrid pairs, with each side's requests and cost."""

    llm_share_basis: str
    slm_model: str | None
    slm_hosting: Hosting | None
    slm_requests: int
    llm_model: str | None
    llm_hosting: Hosting | None
    llm_requests: int
    slm_monthly_cost_usd: float | None = None
    llm_monthly_cost_usd: float | None = None
    fits: bool
    why_not: str | None


class CheapestCandidate(Strict):
    """The cheapest fitting candidate of one option, as the cost cross-check names it."""

    model: str
    hosting: Hosting
    provider: str | None
    monthly_cost_usd: float


class CostCheck(Strict):
    """Whether the rules' cost criterion and the figures favour the same option."""

    rules_favour: PureOption | None
    figures_favour: PureOption | None
    agrees: bool | None
    cheapest: dict[PureOption, CheapestCandidate | None]
    statement: str


class Estimates(Strict):
    """Every number behind one recommendation, and the assumptions they rest on.

    The hybrid fields are set only when the recommendation is `hybrid`.
    """

    inputs: EstimateInputs
    self_hosting: SelfHosting
    candidates: list[Candidate]
    break_even_monthly_requests: int | None
    break_even: BreakEven
    llm_share: float | None = None
    blended_monthly_cost_usd: float | None = None
    hybrid: HybridPlan | None = None
    break_even_hybrid_monthly_requests: int | None = None
    break_even_hybrid: BreakEven | None = None
    cost_check: CostCheck | None = None
    assumptions: list[str] = Field(default_factory=list)
    candidates_total: int | None = Field(
        default=None, description="how many candidates were priced, listed or not"
    )
    quality_tier: str | None = Field(
        default=None,
        description="the tier the large model was picked from: frontier, strong, light or any",
    )
    quality_tier_why: str | None = Field(default=None, description="why that tier")
    prices_as_of: str | None = Field(
        default=None, description="the newest as-of date of the catalogue's API prices"
    )
    candidates_left_out: list[LeftOutGroup] | None = Field(
        default=None,
        description="candidates not in `candidates`, grouped by why; null with --all-candidates",
    )
