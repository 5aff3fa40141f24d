"""Every candidate of a request shape (API and self-hosted), shared across a batch, and
each as the record a result carries."""

from __future__ import annotations

import math
from dataclasses import replace

from slmvllm.numbers.api_pricing import _api_candidate
from slmvllm.numbers.catalog import Catalog
from slmvllm.numbers.cost_plans import (
    HOURS_PER_MONTH,
    SECONDS_PER_MONTH,
    money,
    price_text,
)
from slmvllm.numbers.estimate_models import (
    ApiCost,
    Candidate,
    GpuCost,
    MemoryReport,
)
from slmvllm.numbers.memo import IdentityMemo
from slmvllm.numbers.pricing_inputs import _EPS, _Candidate, _Inputs
from slmvllm.numbers.self_hosting import _self_hosted_candidate
from slmvllm.numbers.tiers import at_least, model_tier

_SHAPES: IdentityMemo[list[_Candidate]] = IdentityMemo(32)


def shape_candidates(inp: _Inputs, catalog: Catalog) -> list[_Candidate]:
    """Every candidate for this request shape, unsorted; the same list for the same shape.

    A candidate depends on the tokens, the context, the hosting and the GPU given, not on
    the volume or the budget, so a batch (and the sensitivity search) shares them. Callers
    must not change the list: `estimate` sorts a copy.
    """
    shape = (inp.input_tokens, inp.output_tokens, inp.context_needed, inp.hosting)
    return _SHAPES.get((catalog,), (*shape, inp.gpu_memory_gb), lambda: _candidates(inp, catalog))


_TIERED: IdentityMemo[list[_Candidate]] = IdentityMemo(64)


def tiered_candidates(inp: _Inputs, catalog: Catalog) -> list[_Candidate]:
    """`shape_candidates`, with each large model below the tier the use case needs
    blocked (so the break-even, the hybrid and the cost check price one of that tier)."""
    cands = shape_candidates(inp, catalog)
    if inp.tier is None:
        return cands
    tier = inp.tier
    return _TIERED.get((cands,), (tier,), lambda: [_below(c, tier) for c in cands])


def _below(cand: _Candidate, tier: str) -> _Candidate:
    if cand.option != "llm" or at_least(cand.model, tier):
        return cand
    own = model_tier(cand.model).tier or "untiered"
    return replace(
        cand,
        blockers=[*cand.blockers, f"quality tier {own}, below the {tier} tier this use case needs"],
        costs={},
    )


def _candidates(inp: _Inputs, catalog: Catalog) -> list[_Candidate]:
    out: list[_Candidate] = []
    for model in catalog.models:
        if model.open_weights and model.params_billion is not None:
            out.append(_self_hosted_candidate(model, inp, catalog))
        if inp.hosting == "any" and model.prices:
            out.append(_api_candidate(model, inp))
    return out


def _why_not(cand: _Candidate, requests: float, budget: float | None) -> str | None:
    reasons = list(cand.blockers)
    cost = cand.cost(requests)
    if budget is not None and cost is not None and cost > budget + _EPS:
        reasons.append(f"costs {money(cost)} a month, over the {money(budget)} budget")
    return "; ".join(reasons) or None


def _candidate_record(cand: _Candidate, inp: _Inputs) -> Candidate:
    requests = inp.requests
    cost = cand.cost(requests)
    why_not = _why_not(cand, requests, inp.budget)
    provider: str | None = None
    context = cand.model.context_tokens
    breakdown: ApiCost | GpuCost | None = None
    memory: MemoryReport | None = None
    gpus: int | None = None
    if cand.api is not None:
        plan = cand.api
        p = plan.price
        p_in = p.input_usd_per_million_above if plan.tiered else p.input_usd_per_million
        p_out = p.output_usd_per_million_above if plan.tiered else p.output_usd_per_million
        assert p_in is not None and p_out is not None  # a tiered plan has both tier prices
        provider = p.provider
        context = p.max_input_tokens or cand.model.context_tokens
        breakdown = ApiCost(
            formula=(
                f"{requests:,} requests x ({inp.input_tokens:,} input tokens x {price_text(p_in)} "
                f"+ {inp.output_tokens:,} output tokens x {price_text(p_out)}) / 1,000,000"
            ),
            input_usd=round(requests * plan.input_usd_per_request, 2),
            output_usd=round(requests * plan.output_usd_per_request, 2),
            input_usd_per_million=p_in,
            output_usd_per_million=p_out,
            price_as_of=p.as_of,
            price_key=p.key,
            price_source=p.source,
            tier_price=plan.tiered,
        )
    if cand.serving is not None:
        plan_s = cand.serving
        replicas = plan_s.replicas(requests)
        gpus = replicas * plan_s.gpus_per_replica
        needed_tps = requests * inp.output_tokens / SECONDS_PER_MONTH
        memory = plan_s.memory.report()
        breakdown = GpuCost(
            formula=(
                f"{gpus} x {plan_s.gpu.id} x {price_text(plan_s.gpu.usd_per_gpu_hour)}/GPU-hour "
                f"x {HOURS_PER_MONTH} h"
            ),
            gpu=plan_s.gpu.id,
            usd_per_gpu_hour=plan_s.gpu.usd_per_gpu_hour,
            gpu_price_as_of=plan_s.gpu.as_of,
            gpu_price_source=plan_s.gpu.source,
            hours_per_month=HOURS_PER_MONTH,
            gpus_per_replica=plan_s.gpus_per_replica,
            sharded=plan_s.sharded,
            replicas=replicas,
            output_tokens_per_s_needed=round(needed_tps, 1),
            output_tokens_per_s_per_gpu=round(plan_s.output_tokens_per_s_per_gpu, 1),
            requests_per_month_per_replica=math.floor(plan_s.replica_requests_per_month),
            not_priced=cand.no_cost,
        )
    return Candidate(
        model=cand.model.id,
        name=cand.model.name,
        option=cand.option,
        hosting=cand.hosting,
        provider=provider,
        monthly_cost_usd=None if cost is None else round(cost, 2),
        gpu_memory_gb=None if memory is None else memory.total_gb,
        precision=None if memory is None else memory.precision,
        gpus=gpus,
        params_billion=cand.model.params_billion,
        active_params_billion=cand.model.active_params_billion,
        context_tokens=context,
        license=cand.model.license,
        commercial_use=cand.model.commercial_use,
        fits=why_not is None,
        why_not=why_not,
        warnings=list(cand.warnings),
        cost=breakdown,
        memory=memory,
        quality_tier=model_tier(cand.model).tier,
    )
