"""The numbers behind a recommendation: every candidate priced, break-even, hybrid share.

Pure (no I/O, no printing). It assembles the pieces, each in its own module:
GPU memory (`slmvllm.numbers.gpu_memory`), API and self-hosted cost plans and the
break-even arithmetic (`slmvllm.numbers.cost_plans`), the hybrid router's share
(`slmvllm.numbers.hybrid_share`), into the typed `Estimates` of
`slmvllm.numbers.estimate_models`: one candidate per way to run each catalogue model
(an API, or self-hosting), checked against the requirements (hosting, context
window, GPU memory, budget, licence), the break-even volume of the best small
model against the cheapest large-model API (and for a hybrid), and every
assumption behind them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from slmvllm.numbers.catalog import Catalog, Model, SizeClass
from slmvllm.numbers.cost_plans import (
    BREAK_EVEN_LIMIT,
    HOURS_PER_MONTH,
    SECONDS_PER_MONTH,
    ApiPlan,
    ServingPlan,
    api_plan,
    break_even_requests,
    first_cheaper_requests,
    money,
    price_text,
    serving_plan,
)
from slmvllm.numbers.estimate_models import (
    ApiCost,
    BreakEven,
    Candidate,
    EstimateInputs,
    Estimates,
    GpuCost,
    Hosting,
    HybridPlan,
    LeftOutGroup,
    MemoryReport,
    SelfHosting,
)
from slmvllm.numbers.gpu_memory import memory_table
from slmvllm.numbers.hybrid_share import llm_share
from slmvllm.numbers.memo import IdentityMemo
from slmvllm.numbers.tiers import at_least, model_tier, required_tier

#: Volume assumed when the requirements give none (break-even does not depend on it).
DEFAULT_MONTHLY_REQUESTS = 1_000_000
#: Token counts assumed when even the rule set gives none.
DEFAULT_INPUT_TOKENS = 500
DEFAULT_OUTPUT_TOKENS = 200
_EPS = 1e-9


# --------------------------------------------------------------------------- candidates


@dataclass
class _Inputs:
    requests: int
    requests_assumed: bool
    input_tokens: int
    output_tokens: int
    context_needed: int
    context_given: bool
    hosting: str
    gpu_memory_gb: float | None
    budget: float | None
    notes: list[str] = field(default_factory=list)
    tier: str | None = None  # the quality tier the large model must be of (None: any)
    tier_why: str = ""


def shape_inputs(values: Mapping[str, Any], tier: str | None = None) -> _Inputs:
    """The volume and request shape the estimates work with (defaults filled, with notes);
    `tier` overrides the quality tier the requirements call for."""
    return _inputs(values, tier)


def _inputs(values: Mapping[str, Any], tier_override: str | None = None) -> _Inputs:
    tier, tier_why = required_tier(values, tier_override)
    notes: list[str] = []
    requests = values.get("monthly_requests")
    assumed = requests is None
    if requests is None:
        requests = DEFAULT_MONTHLY_REQUESTS
        notes.append(
            f"monthly_requests not given: {requests:,} requests a month assumed, a round "
            "mid-size volume, so costs can be shown; the break-even volumes do not depend on it"
        )
    in_t = values.get("input_tokens")
    out_t = values.get("output_tokens")
    if in_t is None:
        in_t = DEFAULT_INPUT_TOKENS
        notes.append(f"input_tokens not given: {in_t} tokens per request assumed")
    if out_t is None:
        out_t = DEFAULT_OUTPUT_TOKENS
        notes.append(f"output_tokens not given: {out_t} tokens per request assumed")
    context = values.get("context_tokens")
    context_given = context is not None
    if context is None:
        context = max(in_t + out_t, 1)
        notes.append(
            f"context_tokens not given: the longest request is taken as input + output = "
            f"{context:,} tokens"
        )
    return _Inputs(
        requests=int(requests),
        requests_assumed=assumed,
        input_tokens=int(in_t),
        output_tokens=int(out_t),
        context_needed=int(context),
        context_given=context_given,
        hosting=values.get("hosting") or "any",
        gpu_memory_gb=values.get("gpu_memory_gb"),
        budget=values.get("budget_usd_per_month"),
        notes=notes,
        tier=tier,
        tier_why=tier_why,
    )


@dataclass
class _Candidate:
    model: Model
    hosting: Hosting
    api: ApiPlan | None = None
    serving: ServingPlan | None = None
    blockers: list[str] = field(default_factory=list)  # hard constraints, whatever the volume
    warnings: list[str] = field(default_factory=list)
    no_cost: str | None = None  # why no cost is given
    costs: dict[float, float | None] = field(default_factory=dict)  # memo of `cost`

    @property
    def option(self) -> SizeClass:
        return self.model.size_class

    def cost(self, requests: float) -> float | None:
        # Ranking, shortlisting and break-even ask for the same volume many times.
        if requests in self.costs:
            return self.costs[requests]
        found = self.costs[requests] = self._cost(requests)
        return found

    def _cost(self, requests: float) -> float | None:
        if self.no_cost is not None:
            return None
        if self.api is not None:
            return self.api.monthly_cost(requests)
        if self.serving is not None:
            return self.serving.monthly_cost(requests)
        return None

    def rank(self, requests: float) -> tuple[bool, bool, float, float, str, str]:
        cost = self.cost(requests)
        if cost is None and self.serving is not None:
            # Not priced (on the device): the smallest memory footprint first.
            size = self.serving.memory.total_gb
        else:
            size = -(self.model.params_billion or 0.0)  # equal cost: the larger model
        return (
            bool(self.blockers),
            self.model.commercial_use is False,
            math.inf if cost is None else cost,
            size,
            self.model.id,
            self.hosting,
        )


def _license_warning(model: Model) -> list[str]:
    if model.commercial_use is False:
        return [f"license forbids commercial use: {model.commercial_use_note}"]
    if model.commercial_use == "restricted":
        return [f"license restricts commercial use: {model.commercial_use_note}"]
    return []


def _api_candidate(model: Model, inp: _Inputs) -> _Candidate:
    cand = _Candidate(model, "api", warnings=_license_warning(model))
    active = model.active_prices()
    if not active:
        states = ", ".join(sorted({f"{p.provider} {p.status}" for p in model.prices}))
        cand.blockers.append(f"no price that can still be bought ({states})")
        return cand
    roomy = [
        p
        for p in active
        if (p.max_input_tokens or model.context_tokens or math.inf) >= inp.context_needed
    ]
    if not roomy:
        widest = max((p.max_input_tokens or model.context_tokens or 0) for p in active)
        cand.blockers.append(
            f"context window {widest:,} tokens is smaller than the {inp.context_needed:,} needed"
        )
        roomy = active
    plans = [api_plan(p, inp.input_tokens, inp.output_tokens) for p in roomy]
    cand.api = min(plans, key=lambda plan: (plan.usd_per_request, plan.price.provider))
    if model.context_tokens is None and cand.api.price.max_input_tokens is None:
        cand.warnings.append("context window not stated; not checked")
    return cand


def _self_hosted_candidate(model: Model, inp: _Inputs, catalog: Catalog) -> _Candidate:
    cand = _Candidate(model, "self_hosted", warnings=_license_warning(model))
    if model.context_tokens is None:
        cand.warnings.append("context window not stated; not checked")
    elif model.context_tokens < inp.context_needed:
        cand.blockers.append(
            f"context window {model.context_tokens:,} tokens is smaller than the "
            f"{inp.context_needed:,} needed"
        )
    user_gpu = inp.gpu_memory_gb
    cand.serving = serving_plan(
        model,
        catalog,
        context_tokens=inp.context_needed,
        average_tokens=inp.input_tokens + inp.output_tokens,
        output_tokens=inp.output_tokens,
        gpu_memory_gb=user_gpu or None,
    )
    need = cand.serving.memory.total_gb
    if user_gpu is not None and user_gpu <= 0:
        cand.blockers.append("no GPU for self-hosting (gpu_memory_gb is 0)")
    elif user_gpu is not None and need > user_gpu + _EPS:
        smallest = memory_table(
            model,
            catalog,
            context_tokens=inp.context_needed,
            concurrency=catalog.throughput.concurrency,
            average_tokens=inp.input_tokens + inp.output_tokens,
            serving=True,
        )[-1]
        cand.blockers.append(
            f"does not fit one {user_gpu:g} GB GPU even at {smallest.precision_label} "
            f"({smallest.total_gb:,.1f} GB); it needs "
            f"{_gpus_to_share(smallest.total_gb, user_gpu)} such GPUs sharing the model"
        )
    if inp.hosting == "on_device":
        cand.no_cost = "runs on the users' devices: no GPU rental to price"
        if model.size_class == "llm":
            cand.blockers.append(
                "a large model does not run on a user's device (hosting: on_device)"
            )
        # One user, one request at a time, as compressed as the catalogue goes (GGUF Q4_K_M
        # and the like are what on-device runtimes load).
        device = memory_table(model, catalog, context_tokens=inp.context_needed)  # one request
        smallest = min(device, key=lambda m: m.total_gb)
        cand.serving = replace(cand.serving, memory=smallest, gpus_per_replica=1, sharded=False)
    return cand


_SHAPES: IdentityMemo[list[_Candidate]] = IdentityMemo(32)


def _gpus_to_share(total_gb: float, gpu_gb: float) -> str:
    # A GPU of a few bytes (gpu_memory_gb is any number >= 0) makes the count overflow.
    ratio = total_gb / gpu_gb
    if not math.isfinite(ratio) or ratio > 1e6:
        return "more than a million"
    return f"{math.ceil(ratio - _EPS):,}"


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


# --------------------------------------------------------------------------- the entry point


def _best(cands: list[_Candidate], requests: float) -> _Candidate | None:
    usable = [c for c in cands if not c.blockers and c.cost(requests) is not None]
    return min(usable, key=lambda c: c.rank(requests)) if usable else None


def _break_even_of(slm: _Candidate, llm: _Candidate) -> float | None:
    assert slm.serving is not None and llm.api is not None
    return break_even_requests(
        slm.serving.replica_usd_per_month,
        slm.serving.replica_requests_per_month,
        llm.api.usd_per_request,
    )


_Pair = tuple["_Candidate | None", "_Candidate | None"]
_PAIRS: IdentityMemo[_Pair] = IdentityMemo(256)


def break_even_pair(cands: list[_Candidate], requests: float) -> _Pair:
    """The cheapest fitting LLM API, and the fitting self-hosted SLM that beats it soonest.

    Worked out once per candidate list and volume (the cost figures ask for it at many
    volumes of one request shape, and the estimates again for the same one).
    """
    return _PAIRS.get((cands,), (float(requests),), lambda: _break_even_pair(cands, requests))


def _break_even_pair(cands: list[_Candidate], requests: float) -> _Pair:
    llm = _best([c for c in cands if c.option == "llm" and c.hosting == "api"], requests)
    slms = [
        c
        for c in cands
        if c.option == "slm" and c.hosting == "self_hosted" and not c.blockers and c.no_cost is None
    ]
    if llm is None or not slms:
        return None, llm

    def key(c: _Candidate) -> tuple[bool, float, tuple[bool, bool, float, float, str, str]]:
        volume = _break_even_of(c, llm)
        return (volume is None, volume or 0.0, c.rank(requests))

    return min(slms, key=key), llm


def _break_even_block(
    slm: _Candidate | None, llm: _Candidate | None, inp: _Inputs, share: float = 0.0
) -> tuple[int | None, BreakEven]:
    """Break-even of self-hosting `slm` (for 1 - share of traffic) against the `llm` API."""
    volume, first, statement = _break_even_terms(slm, llm, inp, share)
    return volume, BreakEven(
        small_model=slm.model.id if slm else None,
        llm_model=llm.model.id if llm else None,
        llm_provider=llm.api.price.provider if llm and llm.api else None,
        range_max_monthly_requests=BREAK_EVEN_LIMIT,
        first_cheaper_monthly_requests=first,
        statement=statement,
    )


def whole_traffic(part: float, share: float) -> int | None:
    """The monthly requests in all, when the small model's part (`1 - share`) is `part`.

    Whole requests, rounded up; None above `BREAK_EVEN_LIMIT` (not stated, as for one model).
    """
    total = math.ceil(part / (1 - share) - _EPS)
    return total if total <= BREAK_EVEN_LIMIT else None


def _break_even_terms(
    slm: _Candidate | None, llm: _Candidate | None, inp: _Inputs, share: float
) -> tuple[int | None, int | None, str]:
    """(break-even volume, first cheaper volume, statement)."""
    if inp.hosting == "on_device":
        return None, None, "Not estimated: on_device runs on the users' devices, not rented GPUs."
    if llm is None or llm.api is None:
        why = (
            f"hosting is {inp.hosting}, so no API is allowed"
            if inp.hosting != "any"
            else "no large-model API fits the requirements"
        )
        return None, None, f"Not applicable: {why}."
    if slm is None or slm.serving is None:
        return (
            None,
            None,
            "Not applicable: no small model can be self-hosted under the requirements.",
        )
    if share >= 1:
        return (
            None,
            None,
            "Never: every request goes to the large model, so the router saves nothing.",
        )
    plan = slm.serving
    k = llm.api.usd_per_request
    c = plan.replica_usd_per_month
    r = plan.replica_requests_per_month
    volume = _break_even_of(slm, llm)
    per_k = f"{price_text(round(k * 1000, 6))} per 1,000 requests"
    who = f"self-hosting {slm.model.id}"
    if share:
        who = f"the hybrid ({slm.model.id} self-hosted for {1 - share:.1%} of requests)"
    not_within = f"Not within 0 to {BREAK_EVEN_LIMIT:,} requests a month."
    if volume is None:
        if k <= 0:
            return (
                None,
                None,
                f"Never: at {inp.input_tokens:,} input and {inp.output_tokens:,} output tokens "
                f"a request, {llm.model.id} via {llm.api.price.provider} costs nothing.",
            )
        if c / k >= r:
            return (
                None,
                None,
                f"Never: even the small model that comes closest, {slm.model.id}, costs "
                f"{price_text(round(c / r * 1000, 6))} per 1,000 requests on a fully used replica "
                f"({plan.gpus_per_replica} x {plan.gpu.id}, {money(c)} a month for "
                f"{math.floor(r):,} requests), more than {llm.model.id} via "
                f"{llm.api.price.provider} at {per_k}.",
            )
        return None, None, not_within
    total = whole_traffic(volume, share)
    if total is None:
        return None, None, not_within
    first = first_cheaper_requests(c, r, k)
    assert first is not None  # a break-even exists, so one replica beats the API somewhere
    first_total = whole_traffic(first, share)
    assert first_total is not None  # first <= volume, so it is within the limit too
    earlier = (
        f"; it is first cheaper at {first_total:,}, while one replica suffices"
        if first_total < total
        else ""
    )
    return (
        total,
        first_total,
        f"From {total:,} requests a month {who} stays cheaper than sending everything to "
        f"{llm.model.id} via {llm.api.price.provider} ({per_k}){earlier}; one replica "
        f"({plan.gpus_per_replica} x {plan.gpu.id}) costs {money(c)} a month and serves "
        f"up to {math.floor(r):,} requests.",
    )


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
