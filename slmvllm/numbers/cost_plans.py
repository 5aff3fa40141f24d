"""What one request costs on an API, and what serving a model on rented GPUs costs.

API cost = requests x (input tokens x input price + output tokens x output price)
/ 1e6. Self-hosted cost = GPUs x USD per GPU-hour x 730 h; GPUs = replicas x GPUs
per replica; GPUs per replica = memory / GPU memory, rounded up; replicas = the
output tokens per second the volume needs / what a replica serves, rounded up, at
least one (always on). Per-GPU throughput is the catalogue's measured figure, scaled
down for models with more (active) parameters than the measured one, never up.
Break-even: where one self-hosted replica's monthly cost meets the API's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from slmvllm.numbers.catalog import Catalog, Gpu, Model, Price
from slmvllm.numbers.gpu_memory import MemoryEstimate, memory_estimate, smallest_fit, weight_params

HOURS_PER_MONTH = 730
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600
#: Break-even volumes are searched up to this many requests a month.
BREAK_EVEN_LIMIT = 10_000_000_000
_EPS = 1e-9


def money(value: float) -> str:
    """Dollars with cents and thousands separators, as every figure is shown."""
    return f"${value:,.2f}"


def price_text(value: float) -> str:
    """A unit price as given: $0.02, $2.69."""
    return f"${value:g}"


@dataclass(frozen=True)
class ApiPlan:
    """Buying a model through one provider's API: the price row and the cost per request."""

    price: Price
    input_usd_per_request: float
    output_usd_per_request: float
    tiered: bool

    @property
    def usd_per_request(self) -> float:
        """Input plus output cost of one request."""
        return self.input_usd_per_request + self.output_usd_per_request

    def monthly_cost(self, requests: float) -> float:
        """requests x cost per request."""
        return requests * self.usd_per_request


def api_plan(price: Price, input_tokens: int, output_tokens: int) -> ApiPlan:
    """The cost of one request at this price row (the tier price above its input threshold)."""
    tiered = (
        price.tier_above_input_tokens is not None and input_tokens > price.tier_above_input_tokens
    )
    p_in = price.input_usd_per_million
    p_out = price.output_usd_per_million
    if tiered:
        assert price.input_usd_per_million_above is not None
        assert price.output_usd_per_million_above is not None
        p_in = price.input_usd_per_million_above
        p_out = price.output_usd_per_million_above
    return ApiPlan(price, input_tokens * p_in / 1e6, output_tokens * p_out / 1e6, tiered)


@dataclass(frozen=True)
class ServingPlan:
    """Self-hosting a model on rented GPUs: memory, GPUs per replica, capacity and price."""

    memory: MemoryEstimate
    gpu: Gpu
    gpus_per_replica: int
    output_tokens_per_s_per_gpu: float
    output_tokens: int
    sharded: bool

    @property
    def replica_usd_per_month(self) -> float:
        """What one replica costs a month, always on."""
        return self.gpus_per_replica * self.gpu.usd_per_gpu_hour * HOURS_PER_MONTH

    @property
    def replica_requests_per_month(self) -> float:
        """Requests one replica serves a month at the measured throughput, fully used."""
        tps = self.output_tokens_per_s_per_gpu * self.gpus_per_replica
        return tps * SECONDS_PER_MONTH / max(self.output_tokens, 1)

    def replicas(self, requests: float) -> int:
        """Replicas for this volume: at least one (always on)."""
        return max(1, math.ceil(requests / self.replica_requests_per_month - _EPS))

    def monthly_cost(self, requests: float) -> float:
        """GPUs x USD per GPU-hour x 730 h."""
        return self.replicas(requests) * self.replica_usd_per_month


def per_gpu_throughput(model: Model, catalog: Catalog) -> float:
    """Output tokens/s per GPU: the measured figure, scaled down by parameters per token.

    A model reading more parameters per token (active ones for MoE) than the measured
    model is assumed proportionally slower; a smaller one is not assumed faster.
    """
    ref = catalog.throughput
    return ref.output_tokens_per_s_per_gpu * min(1.0, ref.params_billion / weight_params(model))


def serving_plan(
    model: Model,
    catalog: Catalog,
    *,
    context_tokens: int,
    average_tokens: int,
    output_tokens: int,
    gpu_memory_gb: float | None = None,
) -> ServingPlan:
    """How `model` would be self-hosted on the catalogue's serving GPU.

    Precision: the catalogue's serving precision (FP16) when the model fits one GPU
    (one of `gpu_memory_gb` when given, else the serving GPU), else the least
    compressed of the serving precisions that fits; a model that fits no single GPU
    is sharded at the catalogue's sharded precision (8-bit). The KV cache is sized for the
    throughput figure's concurrency: one request of `context_tokens` and the
    others of `average_tokens`.
    """
    gpu = catalog.serving_gpu
    limit = gpu_memory_gb if gpu_memory_gb else gpu.memory_gb
    kwargs: dict[str, Any] = {
        "context_tokens": context_tokens,
        "concurrency": catalog.throughput.concurrency,
        "average_tokens": average_tokens,
    }
    rules = catalog.memory
    memory = memory_estimate(model, catalog, rules.serve_precision, **kwargs)
    sharded = False
    if memory.total_gb > limit + _EPS:
        fit = smallest_fit(model, catalog, limit, serving=True, **kwargs)
        if fit is not None:
            memory = fit
        else:
            memory = memory_estimate(model, catalog, rules.sharded_precision, **kwargs)
            sharded = True
    gpus = max(1, math.ceil(memory.total_gb / gpu.memory_gb - _EPS))
    return ServingPlan(
        memory=memory,
        gpu=gpu,
        gpus_per_replica=gpus,
        output_tokens_per_s_per_gpu=per_gpu_throughput(model, catalog),
        output_tokens=output_tokens,
        sharded=sharded or gpus > 1,
    )


def break_even_requests(
    replica_usd_per_month: float,
    replica_requests_per_month: float,
    api_usd_per_request: float,
    *,
    limit: float = BREAK_EVEN_LIMIT,
) -> float | None:
    """The monthly volume from which self-hosting stays cheaper than the API, or None.

    Self-hosting costs ``C x max(1, ceil(V / R))`` for replica cost C and replica
    capacity R; the API costs ``k x V``. With ``x = C / k`` (the volume at which one
    replica costs what the API does): if ``x >= R`` a fully used replica costs more
    per request than the API and self-hosting is never cheaper. Otherwise, in the
    j-th replica's range ``((j-1)R, jR]`` self-hosting is cheaper above ``j x x``;
    from ``j0 = ceil(R / (R - x))`` on it is cheaper over the whole range, so it
    stays cheaper from ``(j0 - 1) x x``. None too when that exceeds `limit`.
    """
    if api_usd_per_request <= 0:
        return None
    x = replica_usd_per_month / api_usd_per_request
    capacity = replica_requests_per_month
    if x >= capacity:
        return None
    j0 = max(2, math.ceil(capacity / (capacity - x) - _EPS))
    volume = (j0 - 1) * x
    return volume if volume <= limit else None


def first_cheaper_requests(
    replica_usd_per_month: float,
    replica_requests_per_month: float,
    api_usd_per_request: float,
    *,
    limit: float = BREAK_EVEN_LIMIT,
) -> float | None:
    """The smallest monthly volume at which one self-hosted replica beats the API, or None.

    That is ``C / k`` when one replica can serve it (below its capacity R); self-hosting
    may turn dearer again where a second replica is needed (see `break_even_requests`).
    """
    if api_usd_per_request <= 0:
        return None
    x = replica_usd_per_month / api_usd_per_request
    return x if x < replica_requests_per_month and x <= limit else None
