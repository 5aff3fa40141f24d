"""GPU memory to serve a model: weights + KV cache + runtime overhead, term by term.

Weights = total parameters x bits per weight / 8 (a mixture of experts keeps every
expert in memory, not only the active ones). KV cache = 2 x layers x KV heads x head
size x tokens x 2 bytes, with the model's shape when the catalogue has it; otherwise
bytes per token are scaled from the known shape nearest in parameters (a rough
fallback, named as such). Runtime overhead = 20% of the weights. Each term carries
its formula and source (`slmvllm/data/serving.yaml`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from slmvllm.numbers.catalog import Catalog, Model
from slmvllm.numbers.estimate_models import MemoryReport, MemoryTermReport
from slmvllm.numbers.memo import IdentityMemo

_EPS = 1e-9


def gb(value: float) -> float:
    """GB as reported: rounded to 0.01."""
    return round(value, 2)


@dataclass(frozen=True)
class MemoryTerm:
    """One term of a memory estimate, with the arithmetic and its source."""

    name: str
    gb: float
    formula: str
    source: str

    def report(self) -> MemoryTermReport:
        """The term as reported, GB rounded to 0.01."""
        return MemoryTermReport(
            name=self.name, gb=gb(self.gb), formula=self.formula, source=self.source
        )


@dataclass(frozen=True)
class MemoryEstimate:
    """GPU memory to serve one model at one precision: weights, KV cache, runtime overhead."""

    model: str
    precision: str
    precision_label: str
    terms: tuple[MemoryTerm, ...]
    kv_fallback: bool

    @property
    def total_gb(self) -> float:
        """The sum of the terms, in GB (10^9 bytes)."""
        return sum(t.gb for t in self.terms)

    def term(self, name: str) -> MemoryTerm:
        """The term with this name (KeyError if none)."""
        for t in self.terms:
            if t.name == name:
                return t
        raise KeyError(name)

    def report(self) -> MemoryReport:
        """The estimate as reported, term by term."""
        return MemoryReport(
            precision=self.precision,
            precision_label=self.precision_label,
            total_gb=gb(self.total_gb),
            terms=[t.report() for t in self.terms],
            kv_fallback=self.kv_fallback,
        )


_KV_CACHE: IdentityMemo[tuple[float, str, bool]] = IdentityMemo(1024)


def kv_bytes_per_token(model: Model, catalog: Catalog) -> tuple[float, str, bool]:
    """`_kv_bytes_per_token`, worked out once per catalogue and model (both are frozen)."""
    return _KV_CACHE.get((catalog, model), (), lambda: _kv_bytes_per_token(model, catalog))


def _kv_bytes_per_token(model: Model, catalog: Catalog) -> tuple[float, str, bool]:
    """KV-cache bytes per token, how they were found, and whether that was the fallback.

    With the model's shape: 2 x layers x KV heads x head size x bytes per element.
    Without it: the bytes per token of the catalogue model with a known shape nearest
    in parameters read per token (active ones for MoE), scaled by the ratio of those
    parameters. Known shapes span 4.7 KB (Llama-3.1-70B) to 103 KB (Phi-3-mini, no
    GQA) per billion parameters, so the fallback can be off by a factor of several.
    """
    element = catalog.memory.kv_cache.bytes_per_element
    shape = model.shape
    if shape is not None:
        value = shape.kv_bytes_per_token_per_byte * element
        return (
            value,
            f"2 x {shape.layers} layers x {shape.kv_heads} KV heads x {shape.head_dim} head size "
            f"x {element:g} bytes = {value:,.0f} bytes/token (shape: {shape.source})",
            False,
        )
    basis = model.compute_params_billion
    known = [m for m in catalog.models if m.shape is not None and m.compute_params_billion]
    if basis is None or not known:
        return 0.0, "not estimated: no model of the catalogue has a known shape", True
    ref = min(known, key=lambda m: (abs(math.log(weight_params(m) / basis)), m.id))
    assert ref.shape is not None
    ref_bytes = ref.shape.kv_bytes_per_token_per_byte * element
    value = ref_bytes * basis / weight_params(ref)
    return (
        value,
        f"fallback (no shape known for {model.id}): {ref.id}'s {ref_bytes:,.0f} bytes/token "
        f"x {basis:g}B / {weight_params(ref):g}B parameters per token = {value:,.0f} bytes/token",
        True,
    )


def weight_params(model: Model) -> float:
    value = model.compute_params_billion
    assert value is not None
    return value


_MEMORY_CACHE: IdentityMemo[MemoryEstimate] = IdentityMemo(2048)


def memory_estimate(
    model: Model,
    catalog: Catalog,
    precision: str,
    *,
    context_tokens: int,
    concurrency: int = 1,
    average_tokens: int | None = None,
) -> MemoryEstimate:
    """GPU memory to self-host `model` at `precision`, term by term.

    The KV cache holds `concurrency` sequences: one of `context_tokens` and the
    others of `average_tokens` each (of `context_tokens` too when not given).
    A pure function of its arguments: a batch of use cases of the same request
    shape works each estimate out once (the cache keeps its catalogue and model
    alive, so an entry is found only for the very same objects).
    """
    return _MEMORY_CACHE.get(
        (catalog, model),
        (precision, context_tokens, concurrency, average_tokens),
        lambda: _memory_estimate(
            model,
            catalog,
            precision,
            context_tokens=context_tokens,
            concurrency=concurrency,
            average_tokens=average_tokens,
        ),
    )


def _memory_estimate(
    model: Model,
    catalog: Catalog,
    precision: str,
    *,
    context_tokens: int,
    concurrency: int,
    average_tokens: int | None,
) -> MemoryEstimate:
    if model.params_billion is None:
        raise ValueError(f"{model.id}: parameter count undisclosed, memory cannot be estimated")
    rules = catalog.memory
    fmt = rules.precision(precision)
    params = model.params_billion
    weights = params * fmt.bits_per_weight / 8
    moe = (
        f" (all {params:g}B parameters: a mixture of experts keeps every expert in memory, "
        f"though only {model.active_params_billion:g}B are active per token)"
        if model.is_moe
        else ""
    )
    others = average_tokens if average_tokens is not None else context_tokens
    tokens = context_tokens + max(concurrency - 1, 0) * others
    per_token, basis, fallback = kv_bytes_per_token(model, catalog)
    kv = per_token * tokens / 1e9
    if concurrency > 1:
        held = (
            f"{context_tokens:,} + {concurrency - 1} x {others:,} tokens for {concurrency} requests"
        )
    else:
        held = f"{context_tokens:,} tokens for 1 request"
    overhead = weights * rules.runtime_overhead.value
    terms = (
        MemoryTerm(
            "weights",
            weights,
            f"{params:g}B parameters x {fmt.bits_per_weight:g} bits / 8 = {weights:,.2f} GB{moe}",
            fmt.source,
        ),
        MemoryTerm(
            "kv_cache",
            kv,
            f"{per_token:,.0f} bytes/token x ({held}) = {kv:,.2f} GB; {basis}",
            rules.kv_cache.source,
        ),
        MemoryTerm(
            "runtime_overhead",
            overhead,
            f"{rules.runtime_overhead.value:g} x {weights:,.2f} GB of weights = {overhead:,.2f} GB",
            rules.runtime_overhead.source,
        ),
    )
    return MemoryEstimate(model.id, fmt.id, fmt.label, terms, fallback)


def memory_table(
    model: Model,
    catalog: Catalog,
    *,
    context_tokens: int,
    concurrency: int = 1,
    average_tokens: int | None = None,
    serving: bool = False,
) -> list[MemoryEstimate]:
    """The memory estimate at every precision, least compressed first.

    With ``serving``, only the precisions a batching server is assumed to run.
    """
    return [
        memory_estimate(
            model,
            catalog,
            p.id,
            context_tokens=context_tokens,
            concurrency=concurrency,
            average_tokens=average_tokens,
        )
        for p in catalog.memory.ordered(serving=serving)
    ]


def smallest_fit(
    model: Model,
    catalog: Catalog,
    gpu_memory_gb: float,
    *,
    context_tokens: int,
    concurrency: int = 1,
    average_tokens: int | None = None,
    serving: bool = False,
) -> MemoryEstimate | None:
    """The estimate at the least compressed precision that fits one GPU of this size, or None."""
    for est in memory_table(
        model,
        catalog,
        context_tokens=context_tokens,
        concurrency=concurrency,
        average_tokens=average_tokens,
        serving=serving,
    ):
        if est.total_gb <= gpu_memory_gb + _EPS:
            return est
    return None
