"""The numbers behind a recommendation: every candidate priced, break-even, hybrid share.

Pure (no I/O, no printing). It assembles the pieces, each in its own module: what a
candidate is priced from (`pricing_inputs`), API pricing (`api_pricing`), self-hosting
(`self_hosting`, with GPU memory from `gpu_memory` and the serving plans of
`cost_plans`), every candidate of a request shape (`candidates`), the break-even volume
(`break_even`) and the hybrid router's share (`hybrid_share`), into the typed
`Estimates` of `estimate_models`: one candidate per way to run each catalogue model
(an API, or self-hosting), checked against the requirements (hosting, context
window, GPU memory, budget, licence), the break-even volume of the best small
model against the cheapest large-model API (and for a hybrid), and every
assumption behind them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slmvllm.numbers.api_pricing import _api_candidate
from slmvllm.numbers.break_even import (
    _PAIRS,
    _best,
    _break_even_block,
    break_even_pair,
    whole_traffic,
)
from slmvllm.numbers.candidates import (
    _SHAPES,
    _candidate_record,
    _why_not,
    shape_candidates,
    tiered_candidates,
)
from slmvllm.numbers.catalog import Catalog
from slmvllm.numbers.cost_plans import (
    BREAK_EVEN_LIMIT,
    HOURS_PER_MONTH,
    money,
    price_text,
)
from slmvllm.numbers.estimate_models import (
    Candidate,
    EstimateInputs,
    Estimates,
    HybridPlan,
    LeftOutGroup,
    SelfHosting,
)
from slmvllm.numbers.hybrid_share import llm_share
from slmvllm.numbers.pricing_inputs import (
    _EPS,
    DEFAULT_INPUT_TOKENS,
    DEFAULT_MONTHLY_REQUESTS,
    DEFAULT_OUTPUT_TOKENS,
    _Candidate,
    _Inputs,
    _inputs,
    shape_inputs,
)

# Re-exported: the estimates' parts, for callers that import them from here.
__all__ = [
    "DEFAULT_INPUT_TOKENS",
    "DEFAULT_MONTHLY_REQUESTS",
    "DEFAULT_OUTPUT_TOKENS",
    "_PAIRS",
    "_SHAPES",
    "_api_candidate",
    "break_even_pair",
    "estimate",
    "shape_candidates",
    "shape_inputs",
    "shortlist",
    "tiered_candidates",
    "whole_traffic",
]


def estimate(
    values: Mapping[str, Any],
    recommendation: str,
    catalog: Catalog,
    *,
    all_candidates: bool = True,
    tier: str | None = None,
) -> Estimates:
    """The numbers behind a recommendation (see the module doc).

    `values` maps every requirements field to its resolved value (None when unknown);
    `recommendation` is ``slm``, ``llm`` or ``hybrid``. With `all_candidates` false,
    `candidates` keeps the compact list the reports show (`SHORTLIST_PER_OPTION`
    fitting candidates per option, the cheapest fitting self-hosted small model, the
    cheapest fitting candidate of each option, and every model the break-even and the
    hybrid plan name) and the rest are counted in `candidates_left_out`, grouped by why;
    the other figures are the same.
    """
    inp = _inputs(values, tier)
    cands = list(tiered_candidates(inp, catalog))
    volume = inp.requests
    cands.sort(key=lambda c: (c.option != "slm", c.rank(volume)))
    gpu = catalog.serving_gpu
    tp = catalog.throughput
    rules = catalog.memory

    slm_self, llm_api = break_even_pair(tiered_candidates(inp, catalog), volume)
    break_even, be_block = _break_even_block(slm_self, llm_api, inp)

    assumptions = list(inp.notes)
    assumptions += [
        f"monthly volume: {volume:,} requests of {inp.input_tokens:,} input and "
        f"{inp.output_tokens:,} output tokens" + (" (assumed)" if inp.requests_assumed else ""),
        "API cost = requests x (input tokens x input price + output tokens x output price) "
        "/ 1,000,000, at the model's cheapest active price row whose input window holds the "
        "longest request; deprecated, retired and moved-alias rows are not priced; each "
        "price carries its as-of date and source",
        f"self-hosted cost = GPUs x {price_text(gpu.usd_per_gpu_hour)}/GPU-hour ({gpu.name}, "
        f"{gpu.provider}, as of {gpu.as_of}; {gpu.source}) x {HOURS_PER_MONTH} h a month, "
        "always on, at least one replica; rented GPU-hours stand in for owned hardware",
        f"throughput: {tp.output_tokens_per_s_per_gpu:g} output tokens/s per {gpu.id} for "
        f"{tp.model} ({tp.precision}, {tp.engine}, {tp.concurrency} concurrent requests"
        + (f", {tp.as_of}" if tp.as_of else "")
        + f"; {tp.source}); models reading more parameters per token are assumed "
        "proportionally slower, smaller ones no faster, quantized ones no faster",
        "GPUs are sized for the average rate (the month's output tokens spread over "
        f"{HOURS_PER_MONTH} h); traffic peaks need headroom that is not included",
        "only output tokens are counted against the throughput: prompt processing (prefill) "
        "is not, so requests with long prompts and short answers need more GPUs than shown",
        f"GPU memory = weights (parameters x bits per weight / 8; every expert of a MoE) + "
        f"KV cache ({rules.kv_cache.formula}) + {rules.runtime_overhead.value:.0%} of the "
        f"weights for runtime overhead; the KV cache holds {tp.concurrency} concurrent "
        f"requests, one of {inp.context_needed:,} tokens and the rest of "
        f"{inp.input_tokens + inp.output_tokens:,}",
        f"self-hosted precision: {rules.serve_precision} ({rules.serve_precision_why}) when "
        f"the model fits one GPU, else the least compressed precision that fits; larger "
        f"models are sharded at {rules.sharded_precision} ({rules.sharded_precision_why})",
        "KV cache without a known model shape: scaled from the catalogue model with a known "
        "shape nearest in parameters (marked kv_fallback); it can be off several-fold",
        "candidates are ranked by monthly cost (ties: the larger model); the large model is "
        f"the cheapest of the {inp.tier or 'any'} tier or above ({inp.tier_why}); tiers follow "
        "the providers' own positioning of each model family (slmvllm.numbers.tiers)",
        "break-even: the volume from which self-hosting a small model stays cheaper than the "
        "cheapest fitting large-model API, for the fitting small model that gets there "
        f"soonest; volumes are searched up to {BREAK_EVEN_LIMIT:,} requests a month",
    ]
    if inp.hosting != "any":
        assumptions.append(
            f"hosting is {inp.hosting}: third-party APIs are left out of the candidates"
        )
    if inp.gpu_memory_gb:
        assumptions.append(
            f"gpu_memory_gb {inp.gpu_memory_gb:g}: a self-hosted model must fit one such GPU; "
            f"the cost is still priced on {gpu.id}, the GPU of the throughput figure"
        )
    flagged = sorted({c.model.id for c in cands if c.model.commercial_use is not True})
    if flagged:
        assumptions.append(
            "licenses that forbid or restrict commercial use are flagged in each candidate's "
            f"warnings: {', '.join(flagged)}"
        )

    hybrid: dict[str, Any] = {}
    if recommendation == "hybrid":
        share, basis = llm_share(values, catalog.routing)
        assumptions.append(f"hybrid share of requests to the large model: {share:g}; {basis}")
        hybrid = _hybrid(cands, inp, share, basis, slm_self, llm_api)
    # Every model another part of the estimates names keeps its record in the list.
    named: set[tuple[Any, Any]] = {(c.model.id, c.hosting) for c in (slm_self, llm_api) if c}
    plan = hybrid.get("hybrid")
    if isinstance(plan, HybridPlan):
        named |= {(plan.slm_model, plan.slm_hosting), (plan.llm_model, plan.llm_hosting)}
    listed = cands if all_candidates else _compact(cands, inp, named)
    return Estimates(
        inputs=EstimateInputs(
            monthly_requests=volume,
            monthly_requests_assumed=inp.requests_assumed,
            input_tokens=inp.input_tokens,
            output_tokens=inp.output_tokens,
            context_tokens=inp.context_needed,
            context_tokens_given=inp.context_given,
            hosting=inp.hosting,
            concurrency=tp.concurrency,
        ),
        self_hosting=SelfHosting(
            gpu=gpu.id,
            gpu_name=gpu.name,
            gpu_memory_gb=gpu.memory_gb,
            usd_per_gpu_hour=gpu.usd_per_gpu_hour,
            provider=gpu.provider,
            as_of=gpu.as_of,
            source=gpu.source,
            throughput=tp,
        ),
        candidates=[_candidate_record(c, inp) for c in listed],
        candidates_total=None if all_candidates else len(cands),
        candidates_left_out=None if all_candidates else _left_out(cands, listed, inp),
        break_even_monthly_requests=break_even,
        break_even=be_block,
        assumptions=assumptions,
        quality_tier=inp.tier or "any",
        quality_tier_why=inp.tier_why,
        prices_as_of=catalog.prices_as_of,
        **hybrid,
    )


def _hybrid(
    cands: list[_Candidate],
    inp: _Inputs,
    share: float,
    basis: str,
    slm_self: _Candidate | None,
    llm_api: _Candidate | None,
) -> dict[str, Any]:
    """The hybrid fields of `Estimates`: share, pairing, blended cost, break-even."""
    llm_requests = inp.requests * share
    slm_requests = inp.requests - llm_requests
    slm = _best([c for c in cands if c.option == "slm"], slm_requests)
    llm = _best([c for c in cands if c.option == "llm"], llm_requests)
    blended: float | None = None
    slm_cost: float | None = None
    llm_cost: float | None = None
    why_not: str | None = None
    if llm is None or (slm is None and share < 1):
        why_not = "no small and large model pair fits the requirements"
    else:
        llm_cost = llm.cost(llm_requests) if share > 0 else 0.0
        slm_cost = slm.cost(slm_requests) if slm is not None and share < 1 else 0.0
        assert llm_cost is not None and slm_cost is not None  # _best returns priced ones
        blended = slm_cost + llm_cost
        if inp.budget is not None and blended > inp.budget + _EPS:
            why_not = f"costs {money(blended)} a month, over the {money(inp.budget)} budget"
    plan = HybridPlan(
        llm_share_basis=basis,
        slm_model=slm.model.id if slm else None,
        slm_hosting=slm.hosting if slm else None,
        slm_requests=round(slm_requests),
        llm_model=llm.model.id if llm else None,
        llm_hosting=llm.hosting if llm else None,
        llm_requests=round(llm_requests),
        slm_monthly_cost_usd=None if slm_cost is None else round(slm_cost, 2),
        llm_monthly_cost_usd=None if llm_cost is None else round(llm_cost, 2),
        fits=why_not is None,
        why_not=why_not,
    )
    be, be_block = _break_even_block(slm_self, llm_api, inp, share)
    return {
        "llm_share": round(share, 4),
        "blended_monthly_cost_usd": None if blended is None else round(blended, 2),
        "hybrid": plan,
        "break_even_hybrid_monthly_requests": be,
        "break_even_hybrid": be_block,
    }


#: Fitting candidates per option (slm, llm) that the reports show and the compact list keeps.
SHORTLIST_PER_OPTION = 3


def _compact(
    cands: list[_Candidate], inp: _Inputs, named: set[tuple[Any, Any]]
) -> list[_Candidate]:
    """The candidates the reports read, in rank order (see `estimate`), and those `named`
    (model id, hosting) elsewhere in the estimates: the break-even pair, the hybrid's."""
    requests = inp.requests
    fitting = [c for c in cands if _why_not(c, requests, inp.budget) is None]
    keep: set[int] = {id(c) for c in cands if (c.model.id, c.hosting) in named}
    for option in ("slm", "llm"):
        seen: set[str] = set()
        for cand in fitting:
            if cand.option != option or cand.model.id in seen:
                continue
            if len(seen) == SHORTLIST_PER_OPTION:
                break
            seen.add(cand.model.id)
            keep.add(id(cand))
        # The cheapest by rounded monthly cost, as `cost_check` picks it (first of equals).
        priced = [
            (round(cost, 2), i)
            for i, c in enumerate(fitting)
            if c.option == option and (cost := c.cost(requests)) is not None
        ]
        if priced:
            keep.add(id(fitting[min(priced)[1]]))
    hosted = [c for c in fitting if c.option == "slm" and c.hosting == "self_hosted"]
    if hosted:
        keep.add(id(hosted[0]))
    return [c for c in cands if id(c) in keep]


def _reason_group(why_not: str | None) -> str:
    """One line per kind of reason: the first reason, its figures generalised."""
    if why_not is None:
        return "fits, but costs more than the candidates listed"
    first = why_not.split("; ")[0]
    for prefix, group in _GROUPS:
        if first.startswith(prefix):
            return group
    return first


_GROUPS = (
    ("no price that can still be bought", "no price that can still be bought"),
    ("context window", "context window smaller than needed"),
    ("no GPU for self-hosting", "no GPU for self-hosting (gpu_memory_gb is 0)"),
    ("does not fit one", "does not fit the GPU given (gpu_memory_gb)"),
    ("a large model does not run", "a large model does not run on a user's device"),
    ("costs ", "over the monthly budget"),
)


def _left_out(
    cands: list[_Candidate], listed: list[_Candidate], inp: _Inputs
) -> list[LeftOutGroup]:
    shown = {id(c) for c in listed}
    groups: dict[str, int] = {}
    for cand in cands:
        if id(cand) not in shown:
            reason = _reason_group(_why_not(cand, inp.requests, inp.budget))
            groups[reason] = groups.get(reason, 0) + 1
    return [LeftOutGroup(reason=r, count=n) for r, n in groups.items()]


def shortlist(est: Estimates, per_option: int = SHORTLIST_PER_OPTION) -> dict[str, list[Candidate]]:
    """The best `per_option` fitting candidates per option (slm, llm), one entry per model.

    Candidates in an `estimate` result are already ranked (cost, then the larger model).
    """
    out: dict[str, list[Candidate]] = {"slm": [], "llm": []}
    seen: set[str] = set()
    for cand in est.candidates:
        if not cand.fits or cand.model in seen or len(out[cand.option]) >= per_option:
            continue
        seen.add(cand.model)
        out[cand.option].append(cand)
    return out
